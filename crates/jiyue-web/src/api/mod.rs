//! The JSON API under `/api/v1/` on every public host: read endpoints for published services
//! and the OpenAPI document that describes them. The server never caches responses, but
//! clients may keep a successful response for a minute.

mod error;
mod openapi;
mod query;
mod services;

use std::time::Duration;

use bytes::Bytes;
use http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE,
};
use http::{HeaderValue, Method, StatusCode};
use http_body_util::Full;
use hyper::{Request, Response};
use serde::Serialize;

pub use error::ApiError;

use crate::App;

/// The path every API request starts with.
pub const PREFIX: &str = "/api/";

/// The path of version 1, which the OpenAPI document names as its server.
pub const V1: &str = "/api/v1";

/// Handles one request whose path starts with [`PREFIX`], for the site (or the directory)
/// `base_url` belongs to: links in the answers are absolute on that site's public address,
/// as its pages link. Storage work is limited to `timeout`.
pub async fn handle<B>(
    app: &App,
    request: &Request<B>,
    base_url: &str,
    timeout: Duration,
) -> Response<Full<Bytes>> {
    let head_only = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head_only {
        let error = ApiError::MethodNotAllowed(format!(
            "method {} is not allowed: the API is read-only, so use GET or HEAD",
            request.method()
        ));
        return error_response(&error, head_only);
    }

    let base = base_url.trim_end_matches('/');
    let path = request.uri().path();
    let query = request.uri().query().unwrap_or("");
    match tokio::time::timeout(timeout, route(app, base, path, query)).await {
        Ok(Ok(body)) => json_response(StatusCode::OK, body, head_only),
        Ok(Err(error)) => error_response(&error, head_only),
        Err(_) => {
            tracing::warn!(path, "an API request timed out");
            let error = ApiError::Unavailable(
                "the response took too long to prepare; please try again shortly".to_string(),
            );
            error_response(&error, head_only)
        }
    }
}

async fn route(app: &App, base: &str, path: &str, query: &str) -> Result<Bytes, ApiError> {
    let Some(rest) = path.strip_prefix(V1) else {
        return Err(unknown_path(path));
    };
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        ["", "openapi.json"] => Ok(openapi::document_bytes()),
        ["", "services"] => to_json(&services::list(app, base, query).await?),
        ["", "services", code] if !code.is_empty() => {
            to_json(&services::detail(app, base, code).await?)
        }
        ["", "services", code, "statistics"] => to_json(&services::statistics(app, code).await?),
        _ => Err(unknown_path(path)),
    }
}

fn unknown_path(path: &str) -> ApiError {
    ApiError::NotFound(format!(
        "the API has nothing at \"{}\"; the endpoints are listed in {V1}/openapi.json",
        query::shown(path)
    ))
}

fn to_json(value: &impl Serialize) -> Result<Bytes, ApiError> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|error| {
        tracing::error!(%error, "encoding an API response failed");
        ApiError::Internal("internal error: the response could not be encoded".to_string())
    })
}

fn error_response(error: &ApiError, head_only: bool) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(&error.body()).unwrap_or_default();
    let mut response = json_response(error.status(), Bytes::from(body), head_only);
    if matches!(error, ApiError::MethodNotAllowed(_)) {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    response
}

/// Builds a JSON response with the public security headers. HEAD gets the headers of GET
/// and no body.
fn json_response(status: StatusCode, body: Bytes, head_only: bool) -> Response<Full<Bytes>> {
    let length = HeaderValue::from(body.len());
    let mut response = Response::new(Full::new(if head_only { Bytes::new() } else { body }));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in
        crate::headers::security_headers(&crate::headers::content_security_policy(&[]), false)
    {
        headers.insert(name, value);
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(CONTENT_LENGTH, length);
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    let cache = if status == StatusCode::OK {
        "public, max-age=60"
    } else {
        "no-store"
    };
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}
