//! Images pasted into an item body as `data:` URIs: each is decoded, checked like an upload,
//! stored with its renditions, and its `src` rewritten to the public file address, before the
//! body is sanitized (the sanitizer drops `data:` sources).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use super::detect::detect;
use super::store::{self, UploadError, MAX_FILE_BYTES};
use crate::App;

/// The `data:` prefixes rewritten; any other `data:` source is left for the sanitizer to drop.
const PREFIXES: [&str; 5] = [
    "data:image/png;base64,",
    "data:image/jpeg;base64,",
    "data:image/jpg;base64,",
    "data:image/gif;base64,",
    "data:image/webp;base64,",
];

/// Base64 with or without padding, as browsers and Office write it.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Stores every `<img src="data:image/png|jpeg|gif|webp;base64,…">` of an item body and
/// rewrites its `src` to the public address (the 1600-pixel rendition when the image is
/// wider). Returns the rewritten body, or a message in Chinese naming the image that failed
/// and what to do.
pub async fn store_inline_images(app: &App, html: &str) -> Result<String, String> {
    let mut out = String::with_capacity(html.len().min(1 << 20));
    let mut rest = html;
    let mut number = 0;
    while let Some(found) = next_data_source(rest) {
        number += 1;
        out.push_str(&rest[..found.start]);
        let url = store_one(app, &rest[found.start..found.end], number)
            .await
            .map_err(|error| format!("正文中的第 {number} 张图片：{}", error.message()))?;
        out.push_str(&url);
        rest = &rest[found.end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Where a `data:` image source sits in the text.
struct Found {
    start: usize,
    end: usize,
}

/// Finds the next `src` value inside an `<img>` tag that starts with one of the prefixes.
fn next_data_source(html: &str) -> Option<Found> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(offset) = lower[from..].find("src=") {
        let at = from + offset;
        from = at + 4;
        let Some(quote) = lower[from..]
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
        else {
            continue;
        };
        let start = from + 1;
        let in_img = lower[..at].rfind('<').is_some_and(|tag| {
            lower[tag..].starts_with("<img") && lower[tag..at].ends_with(char::is_whitespace)
        });
        if !in_img
            || !PREFIXES
                .iter()
                .any(|prefix| lower[start..].starts_with(prefix))
        {
            continue;
        }
        let end = start + lower[start..].find(quote)?;
        return Some(Found { start, end });
    }
    None
}

/// Decodes, checks and stores one `data:` source and returns the address that replaces it.
async fn store_one(app: &App, source: &str, number: usize) -> Result<String, UploadError> {
    let name = format!("正文图片{number}");
    let (_, encoded) = source
        .split_once(',')
        .ok_or_else(|| UploadError::Unreadable("a data: source without a comma".into()))?;
    if encoded.len() / 4 * 3 > MAX_FILE_BYTES {
        return Err(UploadError::TooLarge { name });
    }
    let compact: String = encoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = BASE64
        .decode(compact.as_bytes())
        .map_err(|error| UploadError::Unreadable(format!("base64: {error}")))?;
    if !detect(&bytes, &name).is_some_and(|kind| kind.is_raster()) {
        return Err(UploadError::NotAllowed { name });
    }
    let stored = store::store(app, bytes, &name).await?;
    Ok(stored
        .renditions
        .get("1600")
        .map_or(stored.url, |wide| wide.url.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(html: &str) -> Vec<&str> {
        let mut found = Vec::new();
        let mut rest = html;
        while let Some(at) = next_data_source(rest) {
            found.push(&rest[at.start..at.end]);
            rest = &rest[at.end..];
        }
        found
    }

    #[test]
    fn finds_data_sources_only_inside_img_tags() {
        let html = r#"<p>src="data:image/png;base64,AAAA"</p><img alt="x > y" src="data:image/png;base64,QUJD"><img src='DATA:image/gif;base64,R0lG'><img src="/files/a.png">"#;
        assert_eq!(
            sources(html),
            vec!["data:image/png;base64,QUJD", "DATA:image/gif;base64,R0lG"]
        );
    }

    #[test]
    fn other_data_sources_are_left_alone() {
        let html = r#"<img src="data:image/svg+xml;base64,PHN2Zz4=">"#;
        assert!(sources(html).is_empty());
    }
}
