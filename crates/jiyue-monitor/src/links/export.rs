//! The pages of a static export: every HTML file under a folder, with the address it has on
//! the site it was exported from.

use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use url::Url;

use super::resolve::is_html_file;

/// Characters escaped in a path segment built from a file name.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\');

/// An error reading an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("folder {0} not found: pass the folder of a site's static export")]
    MissingFolder(String),
    #[error("{0} is not a folder: pass the folder of a site's static export")]
    NotAFolder(String),
    #[error("no HTML files (.html, .htm) found under {0}")]
    NoPages(String),
    #[error("reading {path} failed: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "invalid site address \"{value}\": {reason}; pass an address such as https://www.jl.gov.cn/"
    )]
    SiteUrl { value: String, reason: String },
}

/// Parses the address a folder was exported from. It must be an `http` or `https` address;
/// a missing final `/` is added, so `https://host/sub` means the folder contains `/sub/`.
pub fn parse_site_url(value: &str) -> Result<Url, ExportError> {
    let invalid = |reason: String| ExportError::SiteUrl {
        value: value.to_string(),
        reason,
    };
    let mut url = Url::parse(value.trim()).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme {} is not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none() {
        return Err(invalid("the address has no host".to_string()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the address has a query or a fragment".to_string()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Reads every HTML file under `dir`, each with its address under `site`, sorted by path.
pub async fn read_export(dir: &Path, site: &Url) -> Result<Vec<(Url, String)>, ExportError> {
    let dir = dir.to_path_buf();
    let site = site.clone();
    match tokio::task::spawn_blocking(move || read_export_blocking(&dir, &site)).await {
        Ok(result) => result,
        Err(error) => Err(ExportError::Io {
            path: String::new(),
            source: std::io::Error::other(error),
        }),
    }
}

fn read_export_blocking(dir: &Path, site: &Url) -> Result<Vec<(Url, String)>, ExportError> {
    let shown = dir.display().to_string();
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(ExportError::NotAFolder(shown)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ExportError::MissingFolder(shown))
        }
        Err(source) => return Err(io_error(dir, source)),
    }

    let mut files = Vec::new();
    collect_html(dir, &mut files)?;
    if files.is_empty() {
        return Err(ExportError::NoPages(shown));
    }
    files.sort();

    let mut pages = Vec::with_capacity(files.len());
    for file in files {
        let bytes = std::fs::read(&file).map_err(|source| io_error(&file, source))?;
        let Some(url) = page_url(dir, &file, site) else {
            continue;
        };
        let html = String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        pages.push((url, html));
    }
    Ok(pages)
}

fn collect_html(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), ExportError> {
    let entries = std::fs::read_dir(dir).map_err(|source| io_error(dir, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| io_error(dir, source))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|source| io_error(&path, source))?;
        if kind.is_dir() {
            collect_html(&path, files)?;
        } else if is_html_file(&path) {
            files.push(path);
        }
    }
    Ok(())
}

/// Returns the address of `file` under `site`, each path segment percent-encoded.
fn page_url(dir: &Path, file: &Path, site: &Url) -> Option<Url> {
    let relative = file.strip_prefix(dir).ok()?;
    let segments: Vec<String> = relative
        .components()
        .map(|part| utf8_percent_encode(&part.as_os_str().to_string_lossy(), SEGMENT).to_string())
        .collect();
    site.join(&segments.join("/")).ok()
}

fn io_error(path: &Path, source: std::io::Error) -> ExportError {
    ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_url_forms() {
        let url = parse_site_url("https://www.jl.gov.cn").unwrap();
        assert_eq!(url.as_str(), "https://www.jl.gov.cn/");
        let url = parse_site_url("http://127.0.0.1:8080/sub").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/sub/");
        assert!(parse_site_url("ftp://example.org/").is_err());
        assert!(parse_site_url("not an address").is_err());
        assert!(parse_site_url("https://x.cn/?q=1").is_err());
    }

    #[test]
    fn page_urls_escape_names() {
        let site = Url::parse("https://www.jl.gov.cn/").unwrap();
        let url = page_url(Path::new("/e"), Path::new("/e/政务/a #1.html"), &site).unwrap();
        assert_eq!(
            url.as_str(),
            "https://www.jl.gov.cn/%E6%94%BF%E5%8A%A1/a%20%231.html"
        );
    }
}
