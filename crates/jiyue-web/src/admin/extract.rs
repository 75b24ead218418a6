//! Request pieces admin handlers take: the client address (believing `X-Forwarded-For` only
//! from trusted proxies), forms and path parameters whose rejections are `AdminError`s, and
//! the checked `next` address of the sign-in flow.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::Form;
use serde::de::DeserializeOwned;

use super::error::AdminError;
use crate::App;

/// The client address of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Returns the client address: the peer, or the forwarded address when the peer is a trusted
/// proxy. Without connection information (a router called directly) it is `0.0.0.0`.
pub fn client_addr(app: &App, headers: &HeaderMap, extensions: &Extensions) -> IpAddr {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    crate::net::client_addr(peer, forwarded, &app.config.trusted_proxies)
}

impl FromRequestParts<Arc<App>> for ClientAddr {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, AdminError> {
        Ok(ClientAddr(client_addr(
            app,
            &parts.headers,
            &parts.extensions,
        )))
    }
}

/// A URL-encoded form; an unreadable one is `AdminError::BadRequest`.
#[derive(Debug)]
pub struct AdminForm<T>(pub T);

impl<T, S> FromRequest<S> for AdminForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AdminError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AdminError> {
        match Form::<T>::from_request(request, state).await {
            Ok(Form(value)) => Ok(AdminForm(value)),
            Err(rejection) => Err(AdminError::BadRequest(rejection.body_text())),
        }
    }
}

/// Path parameters; a malformed one (such as a letter where an id belongs) is
/// `AdminError::NotFound`.
#[derive(Debug)]
pub struct AdminPath<T>(pub T);

impl<T, S> FromRequestParts<S> for AdminPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AdminError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(AdminPath(value)),
            Err(rejection) => Err(AdminError::NotFound(rejection.body_text())),
        }
    }
}

/// Returns `next` when it is a local path, and `/` otherwise. A local path starts with one `/`,
/// has no scheme, host or control character, and is not a sign-in page.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next.map(str::trim) else {
        return "/".to_string();
    };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next.len() <= 2048;
    let sign_in = next == "/login" || next.starts_with("/login/") || next.starts_with("/login?");
    if local && !sign_in && next != "/logout" {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// Truncates `text` to at most `max` characters, for audit targets.
pub fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_only_a_local_path() {
        assert_eq!(safe_next(Some("/staff/3?x=1")), "/staff/3?x=1");
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "staff",
            "",
            "/login/factor",
            "/logout",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("张三丰", 2), "张三");
        assert_eq!(truncate_chars("ab", 64), "ab");
    }
}
