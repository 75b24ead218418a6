//! Security headers sent with every public response, and the per-site Content Security Policy
//! that allows exactly the national script hosts a site names.

use http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use http::{HeaderName, HeaderValue};

const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-opener-policy");

/// Builds the Content Security Policy of a site. `script_urls` are the badge and error-report
/// script addresses from the site settings; only their origins are allowed, and only when they
/// are https URLs.
pub fn content_security_policy(script_urls: &[&str]) -> String {
    let mut origins: Vec<String> = script_urls
        .iter()
        .filter_map(|url| origin_of(url))
        .collect();
    origins.sort();
    origins.dedup();
    let extra = if origins.is_empty() {
        String::new()
    } else {
        format!(" {}", origins.join(" "))
    };
    format!(
        "default-src 'self'; script-src 'self'{extra}; style-src 'self'; \
         img-src 'self' data:{extra}; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
}

/// Returns `https://host[:port]` of an https URL, or `None` for anything else.
fn origin_of(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let valid = !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    valid.then(|| format!("https://{}", authority.to_ascii_lowercase()))
}

/// Returns the security headers for a page of a site whose policy is `csp`.
pub fn security_headers(csp: &str, https: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (
            REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN")),
        (
            PERMISSIONS_POLICY,
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
        (
            CROSS_ORIGIN_OPENER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
    ];
    if let Ok(value) = HeaderValue::from_str(csp) {
        headers.push((CONTENT_SECURITY_POLICY, value));
    }
    if https {
        headers.push((
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_without_scripts_allows_only_self() {
        let csp = content_security_policy(&[]);
        assert!(csp.contains("script-src 'self';"));
        assert!(csp.contains("frame-ancestors 'self'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn csp_allows_exactly_named_https_hosts() {
        let csp = content_security_policy(&[
            "https://dcs.conac.cn/js/badge.js",
            "https://zfwzgl.www.gov.cn/exposure/jiucuo.js",
            "http://insecure.example/x.js",
            "https://bad host/x.js",
        ]);
        assert!(csp.contains("script-src 'self' https://dcs.conac.cn https://zfwzgl.www.gov.cn;"));
        assert!(!csp.contains("insecure.example"));
        assert!(!csp.contains("bad"));
    }
}
