//! Security signals: the rules and faults for bursts of failed sign-ins, request-rate spikes
//! from one address, and requests that match what vulnerability scanners try.
//!
//! The web layer counts in memory and turns its counts into faults with the functions here.
//! Client addresses are personal data, so faults and logs carry only the network of an address
//! (an IPv4 /24 or an IPv6 /48), never the address itself.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::fault::{Check, Fault, Severity};

/// Thresholds of the security signals. The defaults are our estimates for a provincial
/// platform and should be tuned to its traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalRules {
    /// The window failed sign-ins are counted in, in seconds.
    pub sign_in_window_secs: u32,
    /// Failed sign-ins to one account within the window that make a burst.
    pub sign_in_account_failures: u32,
    /// Failed sign-ins from one network within the window that make a burst.
    pub sign_in_network_failures: u32,
    /// The sliding window requests of one address are counted in, in seconds.
    pub rate_window_secs: u32,
    /// Requests of one address within the window that make a spike.
    pub rate_max_requests: u32,
    /// Requests of one network matching scanner patterns, between two drains, that raise a
    /// fault.
    pub scanner_requests: u32,
}

impl Default for SignalRules {
    fn default() -> Self {
        Self {
            sign_in_window_secs: 600,
            sign_in_account_failures: 5,
            sign_in_network_failures: 20,
            rate_window_secs: 10,
            rate_max_requests: 300,
            scanner_requests: 1,
        }
    }
}

impl SignalRules {
    /// Checks that every threshold is usable and names the first that is not.
    pub fn validate(&self) -> Result<(), String> {
        let fields = [
            ("sign_in_window_secs", self.sign_in_window_secs),
            ("sign_in_account_failures", self.sign_in_account_failures),
            ("sign_in_network_failures", self.sign_in_network_failures),
            ("rate_window_secs", self.rate_window_secs),
            ("rate_max_requests", self.rate_max_requests),
            ("scanner_requests", self.scanner_requests),
        ];
        for (name, value) in fields {
            if value == 0 {
                return Err(format!("invalid security signal {name} 0: set 1 or more"));
            }
        }
        for (name, value, max) in [
            ("sign_in_window_secs", self.sign_in_window_secs, 86_400),
            ("rate_window_secs", self.rate_window_secs, 3_600),
        ] {
            if value > max {
                return Err(format!(
                    "invalid security signal {name} {value}: set 1 to {max} seconds"
                ));
            }
        }
        Ok(())
    }
}

/// The sign-in form a failure happened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInKind {
    /// The staff sign-in of the admin listener.
    Admin,
    /// The citizen sign-in of the identity service.
    Citizen,
}

impl SignInKind {
    /// Returns the name used in fault keys and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            SignInKind::Admin => "admin",
            SignInKind::Citizen => "citizen",
        }
    }
}

/// Substrings, in lower case, of request paths and queries that only vulnerability scanners
/// and attack tools send to our sites: files of other web stacks, version-control folders,
/// path traversal, SQL injection and script injection. Each entry is `(name, needle)`, and the
/// name goes into faults. Every needle starts with punctuation (`/`, `.`, `%`, `+`, `<`, `'`,
/// `=`, `(`), so matching tries needles only at the few positions of a path that can start one.
pub const SCANNER_PATTERNS: &[(&str, &str)] = &[
    ("dotenv", "/.env"),
    ("git", "/.git/"),
    ("git", "/.git%2f"),
    ("svn", "/.svn/"),
    ("htaccess", "/.htaccess"),
    ("ds-store", "/.ds_store"),
    ("wordpress", "/wp-admin"),
    ("wordpress", "/wp-login"),
    ("wordpress", "/wp-content/"),
    ("wordpress", "/wp-includes/"),
    ("wordpress", "/xmlrpc.php"),
    ("wordpress", "/wp-config"),
    ("phpmyadmin", "/phpmyadmin"),
    ("phpmyadmin", "/pma/"),
    ("phpinfo", "/phpinfo"),
    ("traversal", "../"),
    ("traversal", "..%2f"),
    ("traversal", "..\\"),
    ("traversal", "..%5c"),
    ("traversal", "%2e%2e"),
    ("passwd", "/etc/passwd"),
    ("passwd", "%2fetc%2fpasswd"),
    ("win-ini", "/win.ini"),
    ("win-ini", "%5cwin.ini"),
    ("sql-injection", "+union+select"),
    ("sql-injection", "+union+all+select"),
    ("sql-injection", "%20union%20select"),
    ("sql-injection", "%20union%20all%20select"),
    ("sql-injection", "/**/union/**/"),
    ("sql-injection", "'+or+'1'='1"),
    ("sql-injection", "%27%20or%20"),
    ("sql-injection", "%27+or+"),
    ("sql-injection", "(sleep("),
    ("sql-injection", "+sleep("),
    ("sql-injection", "%20sleep("),
    ("script-injection", "<script"),
    ("script-injection", "%3cscript"),
    ("script-injection", "=javascript:"),
    ("cgi", "/cgi-bin/"),
    ("webshell", "/shell.php"),
    ("webshell", "/cmd.jsp"),
    ("webshell", "/cmd.asp"),
    ("webshell", "/c99.php"),
    ("webshell", "/r57.php"),
    ("webshell", "/eval-stdin.php"),
    ("webshell", "/jmx-console"),
    ("webshell", "/manager/html"),
    ("webshell", "/actuator/"),
    ("config-file", "/web.config"),
    ("backup", "/backup.zip"),
    ("backup", "/www.zip"),
    ("backup", ".sql.gz"),
];

/// One automaton of every needle of [`SCANNER_PATTERNS`], ignoring ASCII case, so a request's
/// path and query is read once whatever the number of patterns.
static SCANNER: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(SCANNER_PATTERNS.iter().map(|(_, needle)| needle))
            .map_err(|error| tracing::error!(%error, "building the scanner patterns failed"))
            .ok()
    });

/// Returns the name of the first scanner pattern found in a request's path and query,
/// ignoring ASCII case: the leftmost match, and of matches at one place the pattern listed
/// first. It reads the text once and allocates nothing.
pub fn scanner_pattern(path_and_query: &str) -> Option<&'static str> {
    let found = SCANNER.as_ref()?.find(path_and_query)?;
    SCANNER_PATTERNS
        .get(found.pattern().as_usize())
        .map(|(name, _)| *name)
}

/// Returns the network an address belongs to, the most a fault or a log may name: the /24 of
/// an IPv4 address (IPv4-mapped IPv6 addresses count as IPv4) and the /48 of an IPv6 address.
pub fn network(address: IpAddr) -> String {
    let v4 = match address {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
    };
    if let Some(v4) = v4 {
        let [a, b, c, _] = v4.octets();
        return format!("{}/24", Ipv4Addr::new(a, b, c, 0));
    }
    let segments = match address {
        IpAddr::V6(v6) => v6.segments(),
        IpAddr::V4(_) => [0; 8],
    };
    let prefix = Ipv6Addr::new(segments[0], segments[1], segments[2], 0, 0, 0, 0, 0);
    format!("{prefix}/48")
}

/// Builds the fault of a burst of failed sign-ins to one account within the window.
pub fn account_burst(kind: SignInKind, account: &str, failures: u32, rules: &SignalRules) -> Fault {
    Fault::new(
        Check::Security,
        None,
        format!("security:sign-in:{}:account:{account}", kind.as_str()),
        Severity::Warning,
        "signals-sign-in-account",
        format!(
            "{failures} failed {} sign-ins to account {account} within {} s",
            kind.as_str(),
            rules.sign_in_window_secs
        ),
    )
    .arg("kind", kind.as_str())
    .arg("account", account)
    .arg("count", failures)
    .arg("minutes", rules.sign_in_window_secs.div_ceil(60))
}

/// Builds the fault of a burst of failed sign-ins from one network within the window, with
/// the number of accounts tried.
pub fn network_burst(
    kind: SignInKind,
    network: &str,
    failures: u32,
    accounts: u32,
    rules: &SignalRules,
) -> Fault {
    Fault::new(
        Check::Security,
        None,
        format!("security:sign-in:{}:network:{network}", kind.as_str()),
        Severity::Warning,
        "signals-sign-in-network",
        format!(
            "{failures} failed {} sign-ins from {network} to {accounts} account(s) within {} s",
            kind.as_str(),
            rules.sign_in_window_secs
        ),
    )
    .arg("kind", kind.as_str())
    .arg("network", network)
    .arg("count", failures)
    .arg("accounts", accounts)
    .arg("minutes", rules.sign_in_window_secs.div_ceil(60))
}

/// Builds the fault of a request-rate spike: `peak` requests of one address of `network`
/// within the window, and how many addresses of the network spiked.
pub fn rate_spike(network: &str, peak: u32, addresses: u32, rules: &SignalRules) -> Fault {
    Fault::new(
        Check::Security,
        None,
        format!("security:rate:{network}"),
        Severity::Warning,
        "signals-rate-spike",
        format!(
            "{peak} requests within {} s from one address of {network}; {addresses} address(es) \
             of the network over the limit of {}",
            rules.rate_window_secs, rules.rate_max_requests
        ),
    )
    .arg("network", network)
    .arg("count", peak)
    .arg("seconds", rules.rate_window_secs)
}

/// Builds the fault of scanner requests from one network: how many, which patterns, and one
/// path as a sample (without its query, which may carry personal data).
pub fn scanner_requests(network: &str, requests: u32, patterns: &[&str], sample: &str) -> Fault {
    Fault::new(
        Check::Security,
        None,
        format!("security:scanner:{network}"),
        Severity::Warning,
        "signals-scanner",
        format!(
            "{requests} request(s) from {network} matching scanner patterns {}; sample path {sample}",
            patterns.join(", ")
        ),
    )
    .arg("network", network)
    .arg("count", requests)
    .arg("patterns", patterns.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_paths_match() {
        let cases = [
            ("/.env", Some("dotenv")),
            ("/WP-ADMIN/setup.php", Some("wordpress")),
            ("/phpMyAdmin/index.php", Some("phpmyadmin")),
            ("/.git/config", Some("git")),
            ("/static/../../etc/passwd", Some("traversal")),
            ("/a?file=%2E%2E%2Fetc", Some("traversal")),
            (
                "/list?id=1%20UNION%20SELECT%20password",
                Some("sql-injection"),
            ),
            ("/list?id=1+union+all+select+1", Some("sql-injection")),
            ("/file?name=..%5C..%5Cwin.ini", Some("traversal")),
            ("/go?to=javascript:alert(1)", Some("script-injection")),
            ("/search?q=%3Cscript%3Ealert(1)", Some("script-injection")),
            ("/upload/shell.php", Some("webshell")),
            ("/WP-ADMIN/setup-config.php", Some("wordpress")),
            ("/PhpMyAdmin/index.php", Some("phpmyadmin")),
            ("/zwgk/tzgg/202612/t20261201_12.html", None),
            ("/search?q=环境&site=all", None),
            ("/search?q=%E7%8E%AF%E5%A2%83", None),
            ("/shellfish/index.html", None),
            ("/", None),
            ("", None),
        ];
        for (path, expected) in cases {
            assert_eq!(scanner_pattern(path), expected, "{path}");
        }
    }

    #[test]
    fn networks_hide_hosts() {
        assert_eq!(network("192.0.2.77".parse().unwrap()), "192.0.2.0/24");
        assert_eq!(
            network("::ffff:192.0.2.77".parse().unwrap()),
            "192.0.2.0/24"
        );
        assert_eq!(
            network("2001:db8:1234:5678::9".parse().unwrap()),
            "2001:db8:1234::/48"
        );
    }

    #[test]
    fn fault_keys_are_stable() {
        let rules = SignalRules::default();
        let first = account_burst(SignInKind::Admin, "editor", 5, &rules);
        let second = account_burst(SignInKind::Admin, "editor", 9, &rules);
        assert_eq!(first.key, second.key);
        assert_eq!(first.check, Check::Security);
        assert_eq!(
            scanner_requests("192.0.2.0/24", 3, &["dotenv"], "/.env").key,
            "security:scanner:192.0.2.0/24"
        );
    }

    #[test]
    fn zero_thresholds_rejected() {
        let rules = SignalRules {
            rate_max_requests: 0,
            ..SignalRules::default()
        };
        assert!(rules.validate().unwrap_err().contains("rate_max_requests"));
        assert!(SignalRules::default().validate().is_ok());
    }
}
