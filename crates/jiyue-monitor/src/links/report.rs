//! The link report: broken links per page, counts kept apart for home and inner pages, and
//! the faults the alert desk receives.

use serde::Serialize;
use sm3::{Digest, Sm3};

use crate::{Check, Fault, Severity};

/// The reason a link is broken, or could not be verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The target returned an error status (for internal links, the status the public
    /// listener would return).
    Status {
        status: u16,
    },
    /// The target page has no element with this `id` or `name`.
    MissingFragment {
        fragment: String,
    },
    Timeout,
    /// The target's host is or resolves to a private, loopback or link-local address.
    PrivateAddress {
        address: String,
    },
    RedirectLoop,
    TooManyRedirects {
        limit: usize,
    },
    /// The server still returned 429 after the allowed retries. The link is not counted as
    /// broken.
    RateLimited,
    Network {
        error: String,
    },
    InvalidUrl {
        error: String,
    },
}

impl Problem {
    /// Returns the short name used as the `problem` argument of the fault message: the
    /// status code, or the kind of problem.
    pub fn code(&self) -> String {
        match self {
            Problem::Status { status } => status.to_string(),
            Problem::MissingFragment { .. } => "missing-fragment".to_string(),
            Problem::Timeout => "timeout".to_string(),
            Problem::PrivateAddress { .. } => "private-address".to_string(),
            Problem::RedirectLoop => "redirect-loop".to_string(),
            Problem::TooManyRedirects { .. } => "too-many-redirects".to_string(),
            Problem::RateLimited => "rate-limited".to_string(),
            Problem::Network { .. } => "network".to_string(),
            Problem::InvalidUrl { .. } => "invalid-url".to_string(),
        }
    }

    /// Returns true for problems that show the link broken; false when the server only
    /// refused to be checked now.
    pub fn is_broken(&self) -> bool {
        !matches!(self, Problem::RateLimited)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Status { status } => write!(f, "HTTP {status}"),
            Problem::MissingFragment { fragment } => {
                write!(f, "no element with id or name \"{fragment}\"")
            }
            Problem::Timeout => write!(f, "timed out"),
            Problem::PrivateAddress { address } => {
                write!(f, "private address {address} not checked")
            }
            Problem::RedirectLoop => write!(f, "redirect loop"),
            Problem::TooManyRedirects { limit } => write!(f, "more than {limit} redirects"),
            Problem::RateLimited => write!(f, "rate limited (429) after retries"),
            Problem::Network { error } => write!(f, "request failed: {error}"),
            Problem::InvalidUrl { error } => write!(f, "invalid address: {error}"),
        }
    }
}

/// One link that does not work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The address as written in the page.
    pub written: String,
    /// The element and attribute it came from, such as `a href`.
    pub source: &'static str,
    /// The absolute address checked, fragment included.
    pub url: String,
    pub problem: Problem,
    /// Every address redirected to before the problem, in order.
    pub redirects: Vec<String>,
}

/// The broken links of one page.
#[derive(Debug, Clone, Serialize)]
pub struct PageReport {
    pub url: String,
    pub home: bool,
    pub links: usize,
    pub broken: Vec<BrokenLink>,
    /// Links the check could not verify (rate limited), kept out of `broken`.
    pub unverified: Vec<BrokenLink>,
}

/// Counts of one kind of page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PageCounts {
    pub pages: usize,
    pub links: usize,
    pub broken: usize,
}

/// The whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkReport {
    /// Pages with at least one broken or unverified link, in the order given.
    pub pages: Vec<PageReport>,
    pub home: PageCounts,
    pub inner: PageCounts,
    /// Distinct addresses checked, fragments ignored: internal and external.
    pub internal_targets: usize,
    pub external_targets: usize,
    /// Links not checked: external links in offline mode and schemes other than HTTP.
    pub skipped: usize,
    pub unverified: usize,
    /// Internal targets the resolver failed on (a platform fault, not a broken link).
    pub errors: Vec<String>,
}

impl LinkReport {
    /// Returns the number of broken links on all pages.
    pub fn broken(&self) -> usize {
        self.home.broken + self.inner.broken
    }

    /// Returns one fault per broken link, keyed by site, page and target so the same broken
    /// link gives the same key on every run.
    ///
    /// Every fault is a warning. A broken link on the home page costs more in the national
    /// inspection than one on an inner page, but neither is a single-veto matter, and
    /// `Critical` is kept for those. Home page faults carry their own message
    /// (`links-broken-home`), so the dashboard can list them first.
    pub fn faults(&self, site_id: Option<i64>) -> Vec<Fault> {
        let mut faults = Vec::new();
        for page in &self.pages {
            let message = if page.home {
                "links-broken-home"
            } else {
                "links-broken-inner"
            };
            for link in &page.broken {
                let evidence = serde_json::json!({
                    "page": page.url,
                    "link": link,
                });
                let fault = Fault::new(
                    Check::Links,
                    site_id,
                    fault_key(site_id, &page.url, &link.url),
                    Severity::Warning,
                    message,
                    evidence.to_string(),
                )
                .arg("page", &page.url)
                .arg("target", &link.url)
                .arg("problem", link.problem.code());
                faults.push(fault);
            }
        }
        faults
    }
}

/// Builds the stable key of a broken link: `links:` and the first 32 hex digits of the SM3
/// digest of the site, page and target.
pub fn fault_key(site_id: Option<i64>, page: &str, target: &str) -> String {
    let mut hasher = Sm3::new();
    hasher.update(site_id.map_or_else(String::new, |id| id.to_string()));
    hasher.update([0]);
    hasher.update(page);
    hasher.update([0]);
    hasher.update(target);
    let digest = hex::encode(hasher.finalize());
    format!("links:{}", &digest[..32])
}
