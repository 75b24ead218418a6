//! The rich-text editor's browser files, compiled into the binary: Quill's bundle and theme
//! (copied from `node_modules` by `build.rs`), our mounting script, the paste cleanup and the
//! theme additions. Each is served with an ETag and `no-cache`; pages link them with a content
//! hash in the query, so a new build is fetched at once. Nothing loads from a CDN.

use std::sync::{Arc, OnceLock};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use sm3::{Digest, Sm3};

use crate::App;

/// One served file: its address, bytes and content type.
struct Asset {
    path: &'static str,
    bytes: &'static [u8],
    content_type: &'static str,
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every editor file, in the order pages load them.
const ASSETS: [Asset; 5] = [
    Asset {
        path: "/static/editor/quill.css",
        bytes: include_bytes!(concat!(env!("OUT_DIR"), "/quill.css")),
        content_type: CSS,
    },
    Asset {
        path: "/static/editor/editor.css",
        bytes: include_bytes!("../../admin/static/editor.css"),
        content_type: CSS,
    },
    Asset {
        path: "/static/editor/quill.js",
        bytes: include_bytes!(concat!(env!("OUT_DIR"), "/quill.js")),
        content_type: JS,
    },
    Asset {
        path: "/static/paste-clean.js",
        bytes: include_bytes!("../../admin/static/paste-clean.js"),
        content_type: JS,
    },
    Asset {
        path: "/static/editor.js",
        bytes: include_bytes!("../../admin/static/editor.js"),
        content_type: JS,
    },
];

/// The addresses a page with a rich-text field links, each with its content hash.
#[derive(Debug, Clone, Serialize)]
pub struct EditorAssets {
    /// Stylesheets, for `<link rel="stylesheet">` in this order.
    pub styles: Vec<String>,
    /// Scripts, for `<script defer>` in this order.
    pub scripts: Vec<String>,
}

/// Returns the content hash of each asset: the first 16 hex digits of its SM3 digest.
fn hashes() -> &'static [String] {
    static HASHES: OnceLock<Vec<String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| hex::encode(&Sm3::digest(asset.bytes)[..8]))
            .collect()
    })
}

/// Returns the stylesheet and script addresses of the editor, for the item form template.
pub fn editor_assets() -> EditorAssets {
    let mut assets = EditorAssets {
        styles: Vec::new(),
        scripts: Vec::new(),
    };
    for (asset, hash) in ASSETS.iter().zip(hashes()) {
        let url = format!("{}?v={hash}", asset.path);
        if asset.content_type == CSS {
            assets.styles.push(url);
        } else {
            assets.scripts.push(url);
        }
    }
    assets
}

/// Returns the routes of the editor files.
pub fn router() -> Router<Arc<App>> {
    let mut router = Router::new();
    for (index, asset) in ASSETS.iter().enumerate() {
        router = router.route(
            asset.path,
            get(move |headers: HeaderMap| async move { serve(index, &headers) }),
        );
    }
    router
}

fn serve(index: usize, headers: &HeaderMap) -> Response {
    let (Some(asset), Some(hash)) = (ASSETS.get(index), hashes().get(index)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{hash}\"");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if fresh {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response();
    }
    let content_type = (
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    ([content_type, (header::ETAG, etag), cache], asset.bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_is_compiled_in() {
        let quill = ASSETS[2].bytes;
        assert!(std::str::from_utf8(quill)
            .unwrap()
            .contains("Quill Editor v2"));
        assert!(!std::str::from_utf8(quill)
            .unwrap()
            .contains("sourceMappingURL"));
    }

    /// Runs the paste cleanup's own test (Word and WPS samples) under node.
    #[test]
    fn paste_cleanup_passes_its_node_test() {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/admin/static/paste-clean.test.js"
        );
        let output = match std::process::Command::new("node").arg(script).output() {
            Ok(output) => output,
            Err(error) => {
                println!(
                    "skipped: node is not installed ({error}); install Node.js to run {script}"
                );
                return;
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{script} failed:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("passed"), "{stdout}");
    }

    #[test]
    fn pages_get_hashed_addresses_in_load_order() {
        let assets = editor_assets();
        assert_eq!(assets.styles.len(), 2);
        assert!(assets.scripts[0].starts_with("/static/editor/quill.js?v="));
        assert!(assets.scripts[2].starts_with("/static/editor.js?v="));
    }
}
