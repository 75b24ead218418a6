//! Rendering for Jiyue: page models in, bytes out. This crate owns the default theme
//! (templates, message catalog and stylesheet, compiled into the binary), the platform base
//! layout with the national meta tags and footer, Atom feeds, sitemaps and `robots.txt`, and
//! the HTML sanitizer for item bodies. It never touches the database, so the web layer, the
//! static export and tests all render from plain structs.
//!
//! ```no_run
//! # fn page() -> jiyue_render::model::HomePage { unimplemented!() }
//! let renderer = jiyue_render::Renderer::embedded()?;
//! let html = renderer.home(&page())?;
//! # Ok::<(), jiyue_render::RenderError>(())
//! ```

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod assets;
pub mod catalog;
mod error;
pub mod feed;
mod meta;
pub mod model;
mod pagination;
mod renderer;
mod sanitize;
pub mod sitemap;
mod xml;

pub use assets::static_asset;
pub use catalog::{Catalog, MessageArg};
pub use error::RenderError;
pub use feed::{atom_feed, FeedEntry, FeedView};
pub use model::Pagination;
pub use renderer::{text_direction, Renderer};
pub use sanitize::{html_to_text, markdown_to_html, sanitize_html};
pub use sitemap::{
    robots_txt, sitemap_index, sitemap_urlset, split_sitemaps, split_sitemaps_with_limits,
    SitemapEntry, SITEMAP_MAX_BYTES, SITEMAP_MAX_URLS,
};
pub use xml::escape_xml;
