//! The two admin cookies: `jiyue_admin` contains the session token, and `jiyue_login_csrf`
//! the double-submit token of the sign-in form. Both are HttpOnly and SameSite=Strict, on path
//! `/`, and `Secure` unless the admin listener is on a loopback address.

use axum::http::{header, HeaderMap, HeaderValue};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "jiyue_admin";

/// Name of the sign-in form's double-submit cookie.
pub const LOGIN_CSRF_COOKIE: &str = "jiyue_login_csrf";

/// Returns the value of cookie `name` from the request's `Cookie` headers.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|value| !value.is_empty())
}

/// Returns the `Set-Cookie` value that stores `value` under `name` for the browser session.
pub fn set(name: &str, value: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    header_value(format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"
    ))
}

/// Returns the `Set-Cookie` value that deletes cookie `name`.
pub fn clear(name: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    header_value(format!(
        "{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
    ))
}

/// Tokens are base64url, so the text is always a valid header value. An invalid one would come
/// only from a bug, and then yields a cookie that sets nothing.
fn header_value(text: String) -> HeaderValue {
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// Returns true for text shaped like a token of `jiyue_auth::new_token`: 43 base64url
/// characters.
pub fn looks_like_token(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_cookie_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; jiyue_admin=tok"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(read(&headers, SESSION_COOKIE), Some("tok"));
        assert_eq!(read(&headers, "b"), Some("2"));
        assert_eq!(read(&headers, LOGIN_CSRF_COOKIE), None);
    }

    #[test]
    fn set_cookie_has_the_flags() {
        let value = set(SESSION_COOKIE, "tok", true);
        assert_eq!(
            value.to_str().unwrap(),
            "jiyue_admin=tok; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        let plain = clear(SESSION_COOKIE, false);
        assert!(plain.to_str().unwrap().contains("Max-Age=0"));
        assert!(!plain.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn token_shape() {
        assert!(looks_like_token(&jiyue_auth::new_token()));
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&"a;".repeat(22)[..43]));
    }
}
