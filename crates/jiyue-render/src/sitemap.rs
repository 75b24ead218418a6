//! Sitemaps (sitemaps.org protocol 0.9), sitemap indexes and `robots.txt`.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::feed::rfc3339_china;
use crate::xml::escape_xml;
use crate::RenderError;

/// Maximum number of URLs in one sitemap file under the sitemaps.org protocol.
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// Maximum size of one uncompressed sitemap file under the sitemaps.org protocol: 50 MiB.
pub const SITEMAP_MAX_BYTES: usize = 52_428_800;

const URLSET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
    <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const URLSET_TAIL: &str = "</urlset>\n";

/// One page in a sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SitemapEntry {
    /// Absolute URL of the page.
    pub loc: String,
    /// Time of the page's last change, written in China Standard Time.
    pub lastmod: Option<DateTime<Utc>>,
}

/// Writes one sitemap file with all `entries`; the caller keeps it within the limits, or uses
/// `split_sitemaps`.
pub fn sitemap_urlset(entries: &[SitemapEntry]) -> String {
    let mut xml = String::from(URLSET_HEAD);
    for entry in entries {
        xml.push_str(&url_element(entry));
    }
    xml.push_str(URLSET_TAIL);
    xml
}

/// Writes a sitemap index that lists the sitemap files at `sitemap_urls` (absolute URLs).
pub fn sitemap_index(sitemap_urls: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in sitemap_urls {
        let _ = writeln!(xml, "  <sitemap><loc>{}</loc></sitemap>", escape_xml(url));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// Splits `entries` into sitemap files of at most `SITEMAP_MAX_URLS` URLs and
/// `SITEMAP_MAX_BYTES` bytes each, keeping their order; returns the files' contents.
///
/// An empty list yields one empty sitemap.
pub fn split_sitemaps(entries: &[SitemapEntry]) -> Result<Vec<String>, RenderError> {
    split_sitemaps_with_limits(entries, SITEMAP_MAX_URLS, SITEMAP_MAX_BYTES)
}

/// Splits `entries` into sitemap files of at most `max_urls` URLs and `max_bytes` bytes each,
/// keeping their order.
///
/// Fails when a single entry does not fit in an otherwise empty file.
pub fn split_sitemaps_with_limits(
    entries: &[SitemapEntry],
    max_urls: usize,
    max_bytes: usize,
) -> Result<Vec<String>, RenderError> {
    let max_urls = max_urls.max(1);
    let frame_bytes = URLSET_HEAD.len() + URLSET_TAIL.len();

    let mut files = Vec::new();
    let mut current = String::from(URLSET_HEAD);
    let mut count = 0;
    for entry in entries {
        let element = url_element(entry);
        if frame_bytes + element.len() > max_bytes {
            return Err(RenderError::SitemapEntryTooLarge {
                loc: entry.loc.clone(),
                bytes: element.len(),
                max_bytes,
            });
        }

        let full =
            count == max_urls || current.len() + element.len() + URLSET_TAIL.len() > max_bytes;
        if full {
            current.push_str(URLSET_TAIL);
            files.push(std::mem::replace(&mut current, String::from(URLSET_HEAD)));
            count = 0;
        }
        current.push_str(&element);
        count += 1;
    }
    current.push_str(URLSET_TAIL);
    files.push(current);
    Ok(files)
}

/// Writes `robots.txt`: every crawler may fetch everything except search results, which are
/// unbounded and duplicate the item pages, and the sitemap at `sitemap_url` is announced.
pub fn robots_txt(sitemap_url: &str) -> String {
    format!("User-agent: *\nDisallow: /search\n\nSitemap: {sitemap_url}\n")
}

fn url_element(entry: &SitemapEntry) -> String {
    match entry.lastmod {
        Some(at) => format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape_xml(&entry.loc),
            rfc3339_china(at)
        ),
        None => format!("  <url><loc>{}</loc></url>\n", escape_xml(&entry.loc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(loc: &str) -> SitemapEntry {
        SitemapEntry {
            loc: loc.to_owned(),
            lastmod: None,
        }
    }

    #[test]
    fn urlset_escapes_locations() {
        let xml = sitemap_urlset(&[entry("https://www.jl.gov.cn/a?x=1&y=2")]);
        assert!(xml.contains("<loc>https://www.jl.gov.cn/a?x=1&amp;y=2</loc>"));
        assert!(xml.ends_with("</urlset>\n"));
    }

    #[test]
    fn empty_list_yields_one_empty_file() {
        let files = split_sitemaps(&[]).unwrap();
        assert_eq!(files.len(), 1);
        assert!(!files[0].contains("<url>"));
    }

    #[test]
    fn entry_larger_than_file_is_rejected() {
        let long = format!("https://www.jl.gov.cn/{}", "a".repeat(200));
        let error = split_sitemaps_with_limits(&[entry(&long)], 10, 150).unwrap_err();
        assert!(matches!(error, RenderError::SitemapEntryTooLarge { .. }));
    }

    #[test]
    fn robots_names_sitemap() {
        let robots = robots_txt("https://www.jl.gov.cn/sitemap.xml");
        assert!(robots.starts_with("User-agent: *\n"));
        assert!(robots.contains("\nSitemap: https://www.jl.gov.cn/sitemap.xml\n"));
    }

    #[test]
    fn index_lists_files() {
        let xml = sitemap_index(&["https://www.jl.gov.cn/sitemap-1.xml".to_owned()]);
        assert!(xml.contains("<sitemap><loc>https://www.jl.gov.cn/sitemap-1.xml</loc></sitemap>"));
    }
}
