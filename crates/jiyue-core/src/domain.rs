//! Domain names of sites: normalized to lowercase ASCII, with Chinese labels such as `.政务`
//! converted by IDNA (UTS 46), and the rule that no domain serves two sites.

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use serde::{Deserialize, Serialize};

use crate::CodeError;

/// Maximum length of one label in octets (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// Maximum length of a whole name in octets, without the trailing dot (RFC 1035).
const MAX_NAME_LEN: usize = 253;

/// A normalized host name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);

impl Domain {
    /// Parses a host name: trims it, strips one trailing dot, lowercases it and converts
    /// Unicode labels to `xn--` form. Rejects ports, paths, wildcards and IP addresses.
    pub fn parse(text: &str) -> Result<Domain, CodeError> {
        let fail = |reason: &str| CodeError::Domain {
            value: text.to_owned(),
            reason: reason.to_owned(),
        };

        let name = text.trim();
        reject_non_host(name).map_err(fail)?;
        let name = name.strip_suffix('.').unwrap_or(name).to_lowercase();
        if name.is_empty() {
            return Err(fail(
                "the name is empty; give a host name such as www.jl.gov.cn",
            ));
        }
        if name.split('.').any(str::is_empty) {
            return Err(fail("a label is empty; remove the extra dot"));
        }

        let ascii = Uts46::new()
            .to_ascii(
                name.as_bytes(),
                AsciiDenyList::STD3,
                Hyphens::CheckFirstLast,
                DnsLength::Ignore,
            )
            .map_err(|_| {
                fail(
                    "not a valid internationalized domain name; use letters, digits and \
                     hyphens, and no hyphen at the start or end of a label",
                )
            })?;
        if is_ip_address(&ascii) {
            return Err(fail(
                "IP addresses are not site domains; give a host name such as www.jl.gov.cn",
            ));
        }
        check_lengths(&ascii).map_err(fail)?;
        Ok(Domain(ascii.into_owned()))
    }

    /// Returns the name in ASCII (`xn--` form for Unicode labels).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Converts the name back to Unicode for display, such as `吉林.政务`.
    pub fn to_unicode(&self) -> String {
        idna::domain_to_unicode(&self.0).0
    }

    /// Maps a name ending in `.gov.cn` to the same name under `.localhost`, the demo-mode
    /// alias (`www.jl.gov.cn` becomes `www.jl.localhost`); `None` for any other name.
    pub fn localhost_alias(&self) -> Option<Domain> {
        let stem = self.0.strip_suffix(".gov.cn")?;
        Some(Domain(format!("{stem}.localhost")))
    }

    /// Returns whether the name equals `parent` or lies below it.
    pub fn is_within(&self, parent: &Domain) -> bool {
        self.0 == parent.0
            || self
                .0
                .strip_suffix(parent.0.as_str())
                .is_some_and(|prefix| prefix.ends_with('.'))
    }
}

/// Rejects text that is a URL, a host with a port, or a wildcard rather than a host name.
fn reject_non_host(name: &str) -> Result<(), &'static str> {
    if name.contains("://") || name.contains('/') || name.contains('?') || name.contains('#') {
        return Err("give the host name alone, without scheme or path");
    }
    if name.contains(':') || name.contains('[') {
        return Err("give the host name alone, without port; IP addresses are not site domains");
    }
    if name.contains('*') {
        return Err("wildcard names are not allowed; list each host name");
    }
    if name.chars().any(char::is_whitespace) {
        return Err("host names cannot contain spaces");
    }
    Ok(())
}

/// Returns whether the name is an IPv4 address, or ends in a numeric label the way only an
/// address (in one of its shortened or hexadecimal forms) does.
fn is_ip_address(name: &str) -> bool {
    if name.parse::<Ipv4Addr>().is_ok() {
        return true;
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    let is_hex = last
        .strip_prefix("0x")
        .is_some_and(|hex| hex.bytes().all(|byte| byte.is_ascii_hexdigit()));
    is_hex || last.bytes().all(|byte| byte.is_ascii_digit())
}

/// Checks the label and name length limits of DNS on the ASCII form.
fn check_lengths(ascii: &str) -> Result<(), &'static str> {
    if ascii.len() > MAX_NAME_LEN {
        return Err("the name is longer than 253 characters in ASCII form; shorten it");
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err("a label is empty; remove the extra dot");
        }
        if label.len() > MAX_LABEL_LEN {
            return Err("a label is longer than 63 characters in ASCII form; shorten it");
        }
    }
    Ok(())
}

/// Finds domains claimed by two different site codes. Each conflict is reported once per
/// extra claimant as `(domain, first site code, other site code)`, in domain order, with the
/// first site code the one listed first.
pub fn find_conflicts<'a>(
    sites: impl IntoIterator<Item = (&'a str, &'a Domain)>,
) -> Vec<(Domain, String, String)> {
    let mut claims: BTreeMap<&Domain, Vec<&str>> = BTreeMap::new();
    for (site_code, domain) in sites {
        let owners = claims.entry(domain).or_default();
        if !owners.contains(&site_code) {
            owners.push(site_code);
        }
    }

    let mut conflicts = Vec::new();
    for (domain, owners) in claims {
        if let Some((first, others)) = owners.split_first() {
            for other in others {
                conflicts.push((domain.clone(), (*first).to_owned(), (*other).to_owned()));
            }
        }
    }
    conflicts
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Domain {
    type Error = CodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Domain> for String {
    fn from(domain: Domain) -> Self {
        domain.0
    }
}

impl std::str::FromStr for Domain {
    type Err = CodeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
#[path = "domain_tests.rs"]
mod tests;
