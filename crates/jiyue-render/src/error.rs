//! The error type of the rendering crate.

use std::path::PathBuf;

/// Everything that can fail while loading a theme or rendering a page, feed or sitemap.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to compile or to render; the message names the template and line.
    #[error("template {template} failed: {source:#}; fix the template or the page model")]
    Template {
        template: String,
        #[source]
        source: minijinja::Error,
    },

    /// A file of a theme folder on disk could not be read.
    #[error("cannot read theme file {}: {source}; check that the folder exists and is readable", path.display())]
    ThemeFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A theme folder tried to replace the platform-owned base layout.
    #[error("theme file {} replaces the platform-owned base layout; remove it and extend `base.html` instead", path.display())]
    BaseLayoutOverride { path: PathBuf },

    /// A compiled-in message catalog is broken.
    #[error("message catalog {lang} is invalid: {message}")]
    Catalog { lang: String, message: String },

    /// A sitemap entry is larger than the byte limit of a whole sitemap file.
    #[error("sitemap entry {loc} takes {bytes} bytes, more than the {max_bytes}-byte file limit; shorten the URL")]
    SitemapEntryTooLarge {
        loc: String,
        bytes: usize,
        max_bytes: usize,
    },
}
