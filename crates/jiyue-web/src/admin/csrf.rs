//! Cross-site request forgery defence of the admin listener.
//!
//! Every POST, PUT, PATCH and DELETE passes [`guard`]. When it has `Origin` or
//! `Sec-Fetch-Site`, they must show the same origin. It must also carry a token equal to the
//! session's, in the `X-CSRF-Token` header or a form field `csrf`. The sign-in form
//! has no session yet: it uses a double-submit token, a random `jiyue_login_csrf` cookie echoed
//! in a hidden field. In a multipart form the `csrf` field must come first, so the guard reads
//! only the start of an upload.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use jiyue_auth::tokens_match;

use super::cookies::{self, LOGIN_CSRF_COOKIE};
use super::error::AdminError;
use super::session::{stored_session, usable, SignedIn};
use crate::App;

/// Name of the header that carries the token for scripts.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Name of the form field that carries the token.
pub const CSRF_FIELD: &str = "csrf";

/// URL-encoded form bodies larger than this are refused; axum's `Form` has the same limit.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// How much of a multipart body is read to find its first field.
const MAX_MULTIPART_HEAD_BYTES: usize = 16 * 1024;

/// Checks a token from a form against the session's, for handlers that read the token
/// themselves (the guard has already checked every state-changing request).
pub fn check_csrf(signed_in: &SignedIn, form_token: &str) -> Result<(), AdminError> {
    if tokens_match(form_token, &signed_in.csrf) {
        Ok(())
    } else {
        Err(AdminError::Csrf)
    }
}

/// Refuses state-changing requests without the right token or from another origin.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let address = super::extract::client_addr(&app, request.headers(), request.extensions());
    if !same_origin(request.headers()) {
        tracing::info!(path = %path, "rejected a cross-origin admin request");
        return refuse(&app, &path, address, "cross-origin request").await;
    }
    let expected = match expected_token(&app, &path, request.headers().clone()).await {
        Ok(Some(token)) => token,
        Ok(None) => return refuse(&app, &path, address, "no session or sign-in form").await,
        Err(error) => return error.into_response(),
    };
    let (request, supplied) = match supplied_token(request).await {
        Ok(pair) => pair,
        Err(error) => return error.into_response(),
    };
    if supplied.is_some_and(|supplied| tokens_match(&supplied, &expected)) {
        next.run(request).await
    } else {
        refuse(&app, &path, address, "missing or wrong token").await
    }
}

/// Records a rejected state-changing request in the audit log and returns 403.
async fn refuse(app: &App, path: &str, address: std::net::IpAddr, reason: &str) -> Response {
    let entry = jiyue_db::AuditEntry {
        actor: "-".to_string(),
        actor_id: None,
        address: address.to_string(),
        action: "csrf.refused".to_string(),
        target: path.to_string(),
        result: jiyue_db::AuditResult::Denied,
        detail: reason.to_string(),
    };
    super::audit::record(app, entry).await;
    AdminError::Csrf.into_response()
}

/// Returns true unless `Origin` or `Sec-Fetch-Site` shows another origin. `Origin` must name
/// the host the request was sent to (its scheme is not compared, as TLS may end at a gateway).
/// `Origin: null` counts as absent: browsers send it for every form post from a page with
/// `Referrer-Policy: no-referrer`, which all admin pages have, so only the token decides then.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        if site.as_bytes() != b"same-origin" {
            return false;
        }
    }
    let Some(origin) = headers
        .get(header::ORIGIN)
        .filter(|o| o.as_bytes() != b"null")
    else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let authority = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, authority)| authority);
    match (authority, host) {
        (Some(authority), Some(host)) => authority.eq_ignore_ascii_case(host),
        _ => false,
    }
}

/// Returns the token the request must carry: the sign-in cookie's for the sign-in form, the
/// usable session's otherwise, and `None` when there is none.
async fn expected_token(
    app: &App,
    path: &str,
    headers: HeaderMap,
) -> Result<Option<String>, AdminError> {
    if path == "/login" {
        let cookie = cookies::read(&headers, LOGIN_CSRF_COOKIE);
        return Ok(cookie
            .filter(|t| cookies::looks_like_token(t))
            .map(str::to_string));
    }
    let session = stored_session(app, &headers).await?;
    Ok(session
        .filter(|(_, session)| usable(app, session))
        .map(|(_, session)| session.csrf_token))
}

/// Returns the token the request carries, and the request with its body intact.
async fn supplied_token(request: Request) -> Result<(Request, Option<String>), AdminError> {
    if let Some(value) = request.headers().get(CSRF_HEADER) {
        let token = value.to_str().ok().map(str::to_string);
        return Ok((request, token));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let kind = content_type.to_ascii_lowercase();
    if kind.starts_with("application/x-www-form-urlencoded") {
        return form_token(request).await;
    }
    if kind.starts_with("multipart/form-data") {
        return multipart_token(request, &content_type).await;
    }
    Ok((request, None))
}

async fn form_token(request: Request) -> Result<(Request, Option<String>), AdminError> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|error| AdminError::BadRequest(format!("form body: {error}")))?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// Reads the start of a multipart body up to the end of its first part, takes the token when
/// that part is the `csrf` field, and puts the bytes read back in front of the rest.
async fn multipart_token(
    request: Request,
    content_type: &str,
) -> Result<(Request, Option<String>), AdminError> {
    let Some(boundary) = boundary_of(content_type) else {
        return Ok((request, None));
    };
    let (parts, mut body) = request.into_parts();
    let mut head = Vec::new();
    let mut token = None;
    while head.len() < MAX_MULTIPART_HEAD_BYTES {
        let Some(frame) = body.frame().await else {
            break;
        };
        let frame = frame.map_err(|error| AdminError::BadRequest(format!("upload: {error}")))?;
        if let Ok(data) = frame.into_data() {
            head.extend_from_slice(&data);
        }
        if let Some(found) = first_part_token(&head, &boundary) {
            token = found;
            break;
        }
    }
    let head = Bytes::from(head);
    let rest = body.into_data_stream();
    let stream = futures_util::stream::once(async move { Ok::<_, axum::Error>(head) }).chain(rest);
    Ok((Request::from_parts(parts, Body::from_stream(stream)), token))
}

fn boundary_of(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .filter_map(|param| param.trim().split_once('='))
        .find(|(name, _)| name.trim() == "boundary")
        .map(|(_, value)| value.trim().trim_matches('"').to_string())
        .filter(|boundary| !boundary.is_empty())
}

/// Parses the first part of a multipart body. Returns `None` while more bytes are needed,
/// `Some(None)` when the first part is complete but not the `csrf` field, and `Some(token)`
/// for the field.
fn first_part_token(head: &[u8], boundary: &str) -> Option<Option<String>> {
    let text = String::from_utf8_lossy(head);
    let opening = format!("--{boundary}\r\n");
    let Some(after_opening) = text.strip_prefix(opening.as_str()) else {
        return (text.len() >= opening.len()).then_some(None);
    };
    let (headers, rest) = after_opening.split_once("\r\n\r\n")?;
    let (value, _) = rest.split_once(&format!("\r\n--{boundary}"))?;
    let is_csrf = headers.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("content-disposition:") && line.contains(&format!("name=\"{CSRF_FIELD}\""))
    });
    Some(is_csrf.then(|| value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn origin_must_match_host() {
        assert!(same_origin(&headers(&[("host", "admin.example:8081")])));
        assert!(same_origin(&headers(&[
            ("host", "admin.example:8081"),
            ("origin", "https://admin.example:8081"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "admin.example:8081"),
            ("origin", "https://evil.example"),
        ])));
        assert!(same_origin(&headers(&[
            ("host", "a"),
            ("origin", "null"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "a"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
        ])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn multipart_first_field_gives_the_token() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\n";
        assert_eq!(
            first_part_token(body.as_bytes(), "XyZ"),
            Some(Some("tok".into()))
        );
        let other = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ";
        assert_eq!(first_part_token(other.as_bytes(), "XyZ"), Some(None));
        assert_eq!(first_part_token(b"--XyZ\r\nContent-Dis", "XyZ"), None);
        assert_eq!(first_part_token(b"garbage-garbage", "XyZ"), Some(None));
    }

    #[test]
    fn boundary_is_read_with_or_without_quotes() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary_of("multipart/form-data"), None);
    }
}
