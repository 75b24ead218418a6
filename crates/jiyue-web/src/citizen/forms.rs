//! Cookies, form tokens and responses of citizen pages.
//!
//! Every citizen form carries a token bound to a per-browser cookie: the token is the keyed
//! digest of the cookie's random value, so a page on another origin can neither read nor
//! forge it. Session cookies are `HttpOnly` and `SameSite=Lax`; a POST whose `Origin` names
//! another host is refused before the token is even looked at.

use std::net::IpAddr;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, HOST, LOCATION, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiyue_auth::personal::Field;
use subtle::ConstantTimeEq;

use super::CitizenServices;

/// The client address, after trusted proxies, as a request extension.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub IpAddr);

/// Name of the per-browser cookie that form tokens are bound to.
pub(crate) const FORM_COOKIE: &str = "jiyue_form";

/// Name of the cookie that ties a sign-in in progress to the browser that started it.
pub(crate) const SIGN_IN_COOKIE: &str = "jiyue_signin";

/// Returns the browser's sign-in cookie value, and the `Set-Cookie` value when it is new.
pub(crate) fn sign_in_browser(headers: &HeaderMap, secure: bool) -> (String, Option<HeaderValue>) {
    match cookie(headers, SIGN_IN_COOKIE) {
        Some(value) => (value, None),
        None => {
            let value = jiyue_auth::new_token();
            let header = set_cookie(SIGN_IN_COOKIE, &value, Some(SIGN_IN_SECONDS), secure);
            (value, Some(header))
        }
    }
}

/// How long a sign-in in progress may take, in seconds.
pub(crate) const SIGN_IN_SECONDS: i64 = 900;

/// Returns the stored key of a sign-in in progress: the digest of its `state` together with
/// the browser's sign-in cookie, so the callback works only in the browser that started it.
pub(crate) fn sign_in_key(state: &str, browser: &str) -> String {
    jiyue_auth::token_digest(&format!("{state}:{browser}"))
}

/// Returns the value of cookie `name`.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty() && value.len() <= 200)
}

/// Builds a `Set-Cookie` value; `max_age` of `Some(0)` deletes the cookie.
pub(crate) fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<i64>,
    secure: bool,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The browser's form cookie, read or newly made.
#[derive(Debug, Clone)]
pub(crate) struct FormBrowser {
    value: String,
    new: bool,
}

impl FormBrowser {
    /// Reads the form cookie, or makes one to set with the response.
    pub(crate) fn from_headers(headers: &HeaderMap) -> FormBrowser {
        match cookie(headers, FORM_COOKIE) {
            Some(value) => FormBrowser { value, new: false },
            None => FormBrowser {
                value: jiyue_auth::new_token(),
                new: true,
            },
        }
    }

    /// Returns the token forms on this browser carry.
    pub(crate) fn token(&self, services: &CitizenServices) -> String {
        services.cipher.index(Field::FormToken, &self.value)
    }

    /// Returns true when `submitted` is this browser's token. A new cookie has no valid
    /// token yet.
    pub(crate) fn accepts(&self, services: &CitizenServices, submitted: &str) -> bool {
        !self.new
            && bool::from(
                self.token(services)
                    .as_bytes()
                    .ct_eq(submitted.trim().as_bytes()),
            )
    }

    /// Returns the `Set-Cookie` value when the cookie is new.
    pub(crate) fn set_cookie(&self, secure: bool) -> Option<HeaderValue> {
        self.new
            .then(|| set_cookie(FORM_COOKIE, &self.value, None, secure))
    }
}

/// Returns false when the request's `Origin` names another host than the one it was sent to.
/// Ports are not compared, so a proxy that rewrites the port does not break forms.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    strip_port(origin_host).eq_ignore_ascii_case(&request_host(headers))
}

fn strip_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Returns the host a request was sent to, without the port, lowercased.
pub(crate) fn request_host(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    strip_port(host).trim_end_matches('.').to_ascii_lowercase()
}

/// Returns the value of `name` in a parsed form, trimmed, or an empty string.
pub(crate) fn value<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.trim())
}

/// Parses an `application/x-www-form-urlencoded` body.
pub(crate) fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .take(200)
        .collect()
}

/// Builds an HTML page of the citizen interface: never cached, with the security headers.
pub(crate) fn html_page(
    status: StatusCode,
    html: String,
    csp: &str,
    cookies: Vec<HeaderValue>,
) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    for (name, value) in crate::headers::security_headers(csp, false) {
        headers.insert(name, value);
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for cookie in cookies {
        headers.append(SET_COOKIE, cookie);
    }
    response
}

/// Builds a redirect (303 See Other) with the security headers and any cookies to set.
pub(crate) fn redirect(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    for (name, value) in
        crate::headers::security_headers(&crate::headers::content_security_policy(&[]), false)
    {
        headers.insert(name, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(LOCATION, value);
    }
    for cookie in cookies {
        headers.append(SET_COOKIE, cookie);
    }
    response
}

/// Builds a plain-text error response, for protocol endpoints and refusals before any page
/// exists.
pub(crate) fn text_error(status: StatusCode, message: &str) -> Response {
    let mut response = (status, format!("{message}\n")).into_response();
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

/// Returns `path` when it is a local path on the same host (`/…` but not `//…`), else `/`.
pub(crate) fn local_path(path: &str) -> String {
    let path = path.trim();
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control())
        && path.len() <= 2000;
    if safe {
        path.to_string()
    } else {
        "/".to_string()
    }
}
