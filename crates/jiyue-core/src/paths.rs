//! Paths of public pages, in the pattern Chinese government sites already use: column pages
//! `/<column path>/index.html`, `index_1.html`, … and item pages
//! `/<column path>/<YYYYMM>/t<YYYYMMDD>_<item no>.html`.

use chrono::{DateTime, Utc};

use crate::clock::to_china;
use crate::CodeError;

/// Maximum number of segments in a column path.
pub const MAX_DEPTH: usize = 6;

/// Maximum length of one segment of a column path, in characters.
pub const MAX_SEGMENT_LEN: usize = 40;

/// First segments that the platform serves itself on every site, so no column may take them.
pub const RESERVED_FIRST_SEGMENTS: [&str; 6] = [
    "search",
    "api",
    "static",
    "sitemap.xml",
    "robots.txt",
    "feeds",
];

/// Returns the path of an item page, dated by the first publication in China Standard Time:
/// `item_path("xxgk/zcwj", t, 42)` is `/xxgk/zcwj/202401/t20240105_42.html`. Slashes around
/// the column path are ignored; the empty path puts the page under the site root.
pub fn item_path(column_path: &str, first_published: DateTime<Utc>, item_no: i64) -> String {
    let date = to_china(first_published);
    let prefix = directory_prefix(column_path);
    format!(
        "{prefix}/{}/t{}_{item_no}.html",
        date.format("%Y%m"),
        date.format("%Y%m%d")
    )
}

/// Returns the path of a column page: `/<column path>/index.html` for page 0 and
/// `/<column path>/index_<page>.html` after it. The empty path gives `/index.html`.
pub fn column_page_path(column_path: &str, page: u32) -> String {
    let prefix = directory_prefix(column_path);
    if page == 0 {
        format!("{prefix}/index.html")
    } else {
        format!("{prefix}/index_{page}.html")
    }
}

/// Splits a column page path into the column path and the page number, the inverse of
/// `column_page_path`. A directory path ending in `/` counts as page 0. Returns `None` for
/// any other path, including page numbers with leading zeros, `index_0.html`, and column
/// paths that `validate_column_path` rejects.
pub fn parse_column_page(path: &str) -> Option<(String, u32)> {
    let rest = path.strip_prefix('/')?;
    let (column, file) = match rest.rsplit_once('/') {
        Some(("", _)) => return None,
        Some((column, file)) => (column, file),
        None => ("", rest),
    };

    let page = match file {
        "" | "index.html" => 0,
        _ => {
            let digits = file.strip_prefix("index_")?.strip_suffix(".html")?;
            let well_formed = !digits.is_empty()
                && !digits.starts_with('0')
                && digits.bytes().all(|byte| byte.is_ascii_digit());
            if !well_formed {
                return None;
            }
            digits.parse().ok()?
        }
    };
    validate_column_path(column).ok()?;
    Some((column.to_owned(), page))
}

/// Checks a column path such as `xxgk/zcwj`: at most 6 segments of 1 to 40 characters from
/// `a-z`, `0-9`, `_` and `-`, with no leading, trailing or doubled slash, and a first segment
/// that is not one of `RESERVED_FIRST_SEGMENTS`. The empty path is the site root and is valid.
pub fn validate_column_path(path: &str) -> Result<(), CodeError> {
    let fail = |reason: String| CodeError::ColumnPath {
        value: path.to_owned(),
        reason,
    };
    if path.is_empty() {
        return Ok(());
    }
    if path.starts_with('/') || path.ends_with('/') {
        return Err(fail(
            "write it without a leading or trailing slash, such as xxgk/zcwj".into(),
        ));
    }

    let segments: Vec<&str> = path.split('/').collect();
    if segments.len() > MAX_DEPTH {
        return Err(fail(format!(
            "has {} segments; use at most {MAX_DEPTH}",
            segments.len()
        )));
    }
    for segment in &segments {
        check_segment(segment).map_err(&fail)?;
    }
    if let Some(first) = segments
        .first()
        .filter(|s| RESERVED_FIRST_SEGMENTS.contains(s))
    {
        return Err(fail(format!(
            "\"{first}\" is reserved by the platform as a first segment; choose another name"
        )));
    }
    Ok(())
}

/// Checks one segment of a column path.
fn check_segment(segment: &str) -> Result<(), String> {
    if segment.is_empty() {
        return Err("has an empty segment; remove the doubled slash".to_owned());
    }
    let len = segment.chars().count();
    if len > MAX_SEGMENT_LEN {
        return Err(format!(
            "segment \"{segment}\" has {len} characters; use at most {MAX_SEGMENT_LEN}"
        ));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if let Some(bad) = segment.chars().find(|&c| !allowed(c)) {
        return Err(format!(
            "segment \"{segment}\" contains \"{bad}\"; use only a-z, 0-9, _ and -"
        ));
    }
    Ok(())
}

/// Returns `/<column path>` with surrounding slashes removed, or the empty string for the
/// site root, so that appending `/<file>` gives an absolute path.
fn directory_prefix(column_path: &str) -> String {
    let trimmed = column_path.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

#[cfg(test)]
#[path = "paths_tests.rs"]
mod tests;
