//! What every check reports: a fault found on a site, which the alert desk turns into an
//! alert. A check does not deal with alerts: it returns faults, and the desk decides whether
//! a fault is new, already raised, or gone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The check that found a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The site's home page did not open through its public address.
    Availability,
    /// A published page links to an address that fails or does not respond.
    Links,
    /// A column or the home page was not updated in time, or a column is blank.
    Freshness,
    /// Served or exported bytes differ from the ledger of rendered versions.
    Tampering,
    /// Published text carries a typo, a misstatement or a forbidden word.
    Wording,
    /// Failed sign-in bursts, request-rate spikes, scanner requests.
    Security,
    /// Messages and applications past their deadlines.
    Cases,
}

impl Check {
    /// Every check, in the order the dashboard lists them.
    pub const ALL: [Check; 7] = [
        Check::Availability,
        Check::Links,
        Check::Freshness,
        Check::Tampering,
        Check::Wording,
        Check::Security,
        Check::Cases,
    ];

    /// Returns the name stored in the database and used in message keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Availability => "availability",
            Check::Links => "links",
            Check::Freshness => "freshness",
            Check::Tampering => "tampering",
            Check::Wording => "wording",
            Check::Security => "security",
            Check::Cases => "cases",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|check| check.as_str() == name)
    }
}

/// How urgent a fault is. Critical faults are single-veto matters in the national inspection
/// (an unreachable site, tampering, a serious misstatement). Warnings come before a veto line,
/// and notices are worth fixing but score no veto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Notice,
    Warning,
    Critical,
}

impl Severity {
    /// Returns the name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Severity> {
        [Severity::Notice, Severity::Warning, Severity::Critical]
            .into_iter()
            .find(|severity| severity.as_str() == name)
    }
}

/// One fault found by a check.
///
/// `key` names the fault, not the run that found it: the same broken link on the same page
/// gives the same key every time, so the desk raises it once. `message` is a key of the
/// message catalog (`monitor-*.ftl`) and `args` its arguments, so the dashboard shows the
/// summary in the reader's language. `evidence` is what was seen (addresses, status codes,
/// dates, digests), kept as data and shown as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub check: Check,
    /// The site the fault is on; `None` for the platform as a whole.
    pub site_id: Option<i64>,
    pub key: String,
    pub severity: Severity,
    pub message: String,
    pub args: BTreeMap<String, String>,
    pub evidence: String,
}

impl Fault {
    /// Builds a fault with no message arguments yet.
    pub fn new(
        check: Check,
        site_id: Option<i64>,
        key: impl Into<String>,
        severity: Severity,
        message: &str,
        evidence: impl Into<String>,
    ) -> Fault {
        Fault {
            check,
            site_id,
            key: key.into(),
            severity,
            message: message.to_string(),
            args: BTreeMap::new(),
            evidence: evidence.into(),
        }
    }

    /// Adds one argument of the summary message.
    pub fn arg(mut self, name: &str, value: impl ToString) -> Fault {
        self.args.insert(name.to_string(), value.to_string());
        self
    }
}
