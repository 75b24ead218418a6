//! Redirect URI registration checks and exact matching (RFC 6749 section 3.1.2, OAuth 2.0
//! Security Best Current Practice, RFC 9700 section 2.1).

use url::{Host, Url};

use super::error::RedirectError;

/// The maximum length of a redirect URI in bytes.
const MAX_REDIRECT_URI_BYTES: usize = 2048;

/// Checks that `uri` may be registered as a redirect URI: an absolute https URL, or http on
/// `localhost`, a `*.localhost` name or 127.0.0.1, with no fragment and no user information.
pub fn validate_redirect_uri(uri: &str) -> Result<(), RedirectError> {
    let invalid = |reason: String| RedirectError::Invalid {
        uri: uri.to_string(),
        reason,
    };

    if uri.len() > MAX_REDIRECT_URI_BYTES {
        return Err(invalid(format!(
            "{} bytes, more than the maximum of {MAX_REDIRECT_URI_BYTES}",
            uri.len()
        )));
    }
    let url = Url::parse(uri).map_err(|err| invalid(err.to_string()))?;

    if url.fragment().is_some() {
        return Err(RedirectError::Fragment(uri.to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RedirectError::UserInfo(uri.to_string()));
    }

    let host = url.host().ok_or_else(|| invalid("no host".to_string()))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(&host) => Ok(()),
        _ => Err(RedirectError::Scheme(uri.to_string())),
    }
}

/// Returns the registered URI that equals `requested` character for character, after checking
/// that `requested` is a valid redirect URI. No normalization is applied, so a trailing slash
/// or a different letter case does not match.
pub fn match_redirect_uri<'a>(
    registered: &'a [String],
    requested: &str,
) -> Result<&'a str, RedirectError> {
    validate_redirect_uri(requested)?;
    registered
        .iter()
        .find(|uri| uri.as_str() == requested)
        .map(String::as_str)
        .ok_or_else(|| RedirectError::NotRegistered(requested.to_string()))
}

/// Tells whether plain http is allowed for `host`: `localhost`, `*.localhost` and 127.0.0.1.
fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(domain) => *domain == "localhost" || domain.ends_with(".localhost"),
        Host::Ipv4(address) => address.octets() == [127, 0, 0, 1],
        Host::Ipv6(_) => false,
    }
}
