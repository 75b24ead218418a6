//! The admin stylesheet, compiled into the binary and served with an ETag. Pages link it with
//! a content hash in the query, so browsers fetch a changed stylesheet at once.

use std::sync::{Arc, OnceLock};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sm3::{Digest, Sm3};

use crate::App;

const ADMIN_CSS: &[u8] = include_bytes!("../../admin/static/admin.css");

/// Returns the stylesheet's content hash: the first 16 hex digits of its SM3 digest.
fn css_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hex::encode(&Sm3::digest(ADMIN_CSS)[..8]))
}

/// Returns the address pages use for the stylesheet, with its content hash.
pub fn css_url() -> String {
    format!("/static/admin.css?v={}", css_hash())
}

/// Returns the route of the stylesheet.
pub fn router() -> Router<Arc<App>> {
    Router::new().route("/static/admin.css", get(stylesheet))
}

async fn stylesheet(headers: HeaderMap) -> Response {
    let etag = format!("\"{}\"", css_hash());
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if fresh {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response();
    }
    let css = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    ([css, (header::ETAG, etag), cache], ADMIN_CSS).into_response()
}
