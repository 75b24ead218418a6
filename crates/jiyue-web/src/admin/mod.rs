//! The admin listener: sign-in with password and second factor, server-side sessions, CSRF
//! defence, the staff pages of the security administrator, the user's own account, and health
//! and metrics. Nothing here is ever served on the public listener.
//!
//! Every response carries strict security headers and `Cache-Control: no-store` (unless a
//! handler set its own caching). The pages sit behind the optional address allowlist and the
//! CSRF guard. `/healthz`, `/readyz` and `/metrics` respond without signing in and without the
//! allowlist, for load balancers and monitoring.

pub mod account;
mod analytics;
mod assets;
pub mod audit;
mod audit_pages;
mod calendar;
pub mod cases;
pub mod cookies;
pub mod csrf;
pub mod editor_assets;
pub mod editorial;
pub mod error;
pub mod extract;
pub mod factor;
mod health;
pub mod login;
pub mod messages;
mod monitor;
pub mod render;
mod scores;
mod search_terms;
pub mod services;
pub mod session;
pub mod staff;
mod staff_actions;
mod staff_grants;
pub mod uploads;
mod wording;

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use minijinja::context;

pub use csrf::check_csrf;
pub use error::AdminError;
pub use render::{page, page_for};
pub use session::SignedIn;

use crate::App;

/// Builds the admin router.
pub fn router(app: Arc<App>) -> Router {
    let pages = Router::new()
        .merge(login::router())
        .merge(factor::router())
        .merge(editorial::router())
        .merge(account::router())
        .merge(staff::router())
        .merge(audit_pages::router())
        .merge(assets::router())
        .merge(uploads::router())
        .merge(editor_assets::router())
        .merge(services::router())
        .merge(calendar::router())
        .merge(search_terms::router())
        .merge(cases::router())
        .merge(monitor::router())
        .merge(wording::router())
        .merge(scores::router())
        .merge(analytics::router())
        .fallback(not_found)
        .layer(from_fn_with_state(app.clone(), csrf::guard))
        .layer(from_fn_with_state(app.clone(), allowlist));
    Router::new()
        .merge(health::router())
        .merge(pages)
        .layer(from_fn_with_state(app.clone(), render_error_pages))
        .layer(from_fn(security_headers))
        .with_state(app)
}

/// Rejects a path that no route matches: with 404 for a signed-in user, and otherwise like a
/// signed-in page (a redirect to sign in, or 401 under `/api/`). Anonymous clients thus cannot
/// probe which admin paths exist.
async fn not_found(State(app): State<Arc<App>>, request: Request) -> AdminError {
    let (mut parts, _) = request.into_parts();
    match SignedIn::from_request_parts(&mut parts, &app).await {
        Ok(_) => AdminError::NotFound(parts.uri.path().to_string()),
        Err(error) => error,
    }
}

/// Returns a 303 redirect to a local address.
pub fn redirect(location: &str) -> Response {
    let location = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Refuses clients outside `admin.allow`, when the list is not empty.
async fn allowlist(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let allow = &app.admin.allow;
    if !allow.is_empty() {
        let ip = extract::client_addr(&app, request.headers(), request.extensions());
        if !allow.iter().any(|block| block.contains(ip)) {
            tracing::warn!(client = %ip, "rejected an admin request from an address outside admin.allow");
            return AdminError::AddressNotAllowed(ip).into_response();
        }
    }
    next.run(request).await
}

/// Turns the bare response of an `AdminError` into its full HTML page.
async fn render_error_pages(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<error::ErrorPage>().cloned() else {
        return response;
    };
    let ctx = context! {
        title => page.title_key,
        message => page.message,
        back_href => "/",
        back_label => "admin-error-back",
    };
    match render::page(&app, "error.html", ctx) {
        Ok(html) => (response.status(), html).into_response(),
        Err(error) => {
            tracing::error!(%error, "rendering an admin error page failed");
            response
        }
    }
}

const SECURITY_HEADERS: [(&str, &str); 6] = [
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; \
         base-uri 'none'",
    ),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("x-robots-tag", "noindex, nofollow"),
];

/// Adds the admin security headers to every response, and `Cache-Control: no-store` unless
/// the handler chose its caching.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
