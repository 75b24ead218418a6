//! The public request path: host lookup, the page cache, conditional and compressed
//! responses. Everything after a cache miss lives in `pages`.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{
    ALLOW, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HOST, IF_NONE_MATCH,
    LOCATION, USER_AGENT,
};
use http::{HeaderValue, Method, StatusCode};
use http_body_util::Full;
use hyper::{Request, Response};

use crate::analytics::PageView;
use crate::cache::{Accepted, CachedPage};
use crate::hosts::HostTarget;
use crate::pages::{self, Target};
use crate::App;

/// Request bodies larger than this are rejected; public pages take no bodies yet.
const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// Handles one public request. Rendering and searching are limited to `timeout`; a cache hit
/// sends stored bytes and needs no limit. Paths under `/api/` go to the JSON API, uncached.
pub async fn handle<B>(
    app: &Arc<App>,
    request: Request<B>,
    peer: SocketAddr,
    timeout: Duration,
) -> Response<Full<Bytes>>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let declared_length = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Citizen forms carry attachments; the citizen routers limit their own bodies.
    let max_body = if crate::citizen::is_interactive(request.uri().path()) {
        u64::try_from(crate::citizen::MAX_FORM_BYTES).unwrap_or(MAX_BODY_BYTES)
    } else {
        MAX_BODY_BYTES
    };
    if declared_length.is_some_and(|length| length > max_body) {
        return plain_error(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
    }

    let method = request.method().clone();
    let api = request.uri().path().starts_with(crate::api::PREFIX);
    let head_only = method == Method::HEAD;
    let host = request
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().host())
        .unwrap_or("");
    let path = request.uri().path();
    // The platform's own crawls (static export, standards, scorecards, link checks) are not
    // visitors, so they neither count towards a rate spike nor match a scanner pattern.
    if request
        .extensions()
        .get::<crate::export::InProcess>()
        .is_none()
    {
        app.signals
            .observe_request(client(app, &request, peer), request.uri());
    }

    let directory = app.directory();
    let target = match directory.hosts.lookup(host) {
        None => {
            return finish(pages::unknown_host(app, host, path), &request, head_only);
        }
        Some(HostTarget::Redirect(to)) => {
            let location = redirect_location(app, to, &request);
            return redirect(&location);
        }
        Some(HostTarget::Directory) => Target::Directory,
        Some(HostTarget::Site(id)) => Target::Site(*id),
        Some(HostTarget::Identity) => {
            let client = client(app, &request, peer);
            return crate::citizen::identity_request(app, request, client, timeout).await;
        }
    };
    if let Target::Site(site_id) = target {
        if crate::citizen::is_interactive(path) {
            let client = client(app, &request, peer);
            return crate::citizen::site_request(app, site_id, request, client, timeout).await;
        }
    }
    if method != Method::GET && method != Method::HEAD && !api {
        let mut response = plain_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed: public pages accept GET and HEAD",
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let cache_key = target.cache_key();

    if api {
        let base_url = match target {
            Target::Site(id) => directory.hosts.base_url(id),
            Target::Directory => None,
        }
        .unwrap_or_else(|| directory.hosts.directory_url());
        return crate::api::handle(app, &request, base_url, timeout).await;
    }

    if path == "/search" {
        let query = request.uri().query().unwrap_or("");
        tracing::debug!(client = %client(app, &request, peer), "search");
        let counted = method == Method::GET
            && !crate::analytics::is_automated(request.headers().get(USER_AGENT));
        let search = pages::search(app, &directory, target, query, counted);
        return match tokio::time::timeout(timeout, search).await {
            Ok(page) => finish(page, &request, head_only),
            Err(_) => timed_out(path),
        };
    }

    if let Some(page) = app.cache.get(cache_key, path) {
        app.counters.hits.fetch_add(1, Ordering::Relaxed);
        let response = respond(&page, &request, head_only);
        count_view(app, target, &page, &request, response.status());
        return response;
    }
    app.counters.misses.fetch_add(1, Ordering::Relaxed);

    let epoch = app.cache.epoch();
    let rendered =
        match tokio::time::timeout(timeout, pages::render(app, &directory, target, path)).await {
            Ok(rendered) => rendered,
            Err(_) => return timed_out(path),
        };
    match rendered {
        Ok(rendered) => {
            let mut page = rendered.page;
            attribute_view(&mut page, target, path);
            let page = Arc::new(page);
            if rendered.cacheable {
                app.cache.insert(cache_key, path, page.clone(), epoch);
                if let Target::Site(site_id) = target {
                    app.ledger.record(site_id, path, &page);
                }
            }
            let response = respond(&page, &request, head_only);
            count_view(app, target, &page, &request, response.status());
            response
        }
        Err(error) => {
            tracing::error!(%error, path, "rendering a public page failed");
            plain_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error: the page could not be rendered; please try again later",
            )
        }
    }
}

/// Marks a site's 200 HTML page that rendering did not attribute as an `other` page view;
/// files and theme assets are never counted.
fn attribute_view(page: &mut CachedPage, target: Target, path: &str) {
    let counted = matches!(target, Target::Site(_))
        && page.status == StatusCode::OK
        && !path.starts_with("/files/")
        && !path.starts_with("/static/")
        && page
            .header(&CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if !counted {
        page.view = None;
    } else if page.view.is_none() {
        page.view = Some(PageView::other());
    }
}

/// Counts a page view: a GET of an attributed page with a 200 response (not 304) to a client
/// that does not look automated. One short lock, no allocation for a page already counted in the
/// current flush window, no await.
#[inline]
fn count_view<B>(
    app: &App,
    target: Target,
    page: &CachedPage,
    request: &Request<B>,
    status: StatusCode,
) {
    let (Target::Site(site_id), Some(view)) = (target, page.view) else {
        return;
    };
    if status != StatusCode::OK || request.method() != Method::GET {
        return;
    }
    if crate::analytics::is_automated(request.headers().get(USER_AGENT)) {
        return;
    }
    app.analytics.record_view(site_id, view);
}

fn timed_out(path: &str) -> Response<Full<Bytes>> {
    tracing::warn!(path, "rendering a public page timed out");
    plain_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the page took too long to prepare; please try again shortly",
    )
}

fn client<B>(app: &App, request: &Request<B>, peer: SocketAddr) -> std::net::IpAddr {
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    crate::net::client_addr(peer.ip(), forwarded, &app.config.trusted_proxies)
}

fn redirect_location<B>(app: &App, host: &str, request: &Request<B>) -> String {
    let config = &app.config.hosts;
    let default_port = if config.scheme == "https" { 443 } else { 80 };
    let port = match config.port {
        Some(port) if port != default_port => format!(":{port}"),
        _ => String::new(),
    };
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    format!("{}://{host}{port}{path_and_query}", config.scheme)
}

fn finish<B>(
    page: Result<CachedPage, pages::PageError>,
    request: &Request<B>,
    head_only: bool,
) -> Response<Full<Bytes>> {
    match page {
        Ok(page) => respond(&page, request, head_only),
        Err(error) => {
            tracing::error!(%error, "rendering a public page failed");
            plain_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error: the page could not be rendered; please try again later",
            )
        }
    }
}

/// Sends a cached page: 304 when `If-None-Match` names it, else the best encoding. The
/// variant's headers were built when the page was cached, so this only clones them.
pub fn respond<B>(
    page: &CachedPage,
    request: &Request<B>,
    head_only: bool,
) -> Response<Full<Bytes>> {
    let accepted = Accepted::parse(request.headers().get(http::header::ACCEPT_ENCODING));
    let variant = page.variant(accepted);
    let not_modified = page.status == StatusCode::OK
        && request
            .headers()
            .get(IF_NONE_MATCH)
            .is_some_and(|value| page.matches_etag(value));

    let body = if head_only || not_modified {
        Bytes::new()
    } else {
        variant.body.clone()
    };
    let mut response = Response::new(Full::new(body));
    *response.headers_mut() = variant.headers.clone();
    if not_modified {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        let headers = response.headers_mut();
        headers.remove(CONTENT_LENGTH);
        headers.remove(CONTENT_ENCODING);
    } else {
        *response.status_mut() = page.status;
    }
    response
}

/// Builds a short plain-text error response with the security headers.
pub fn plain_error(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(format!("{message}\n"))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in
        crate::headers::security_headers(&crate::headers::content_security_policy(&[]), false)
    {
        headers.insert(name, value);
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn redirect(location: &str) -> Response<Full<Bytes>> {
    let mut response = plain_error(StatusCode::MOVED_PERMANENTLY, "moved permanently");
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}
