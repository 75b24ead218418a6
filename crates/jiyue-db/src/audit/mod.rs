//! The tamper-evident audit log: every admin action and sign-in attempt, chained entry to entry
//! by HMAC-SM3 under a key kept outside the database, sealed in monthly segments (China
//! Standard Time) and pruned only as whole sealed segments.
//!
//! Each entry's MAC covers its fields and the MAC of the entry before it, so changing, removing
//! or inserting an entry breaks the chain. A sealed segment row carries a MAC over its range and
//! last entry MAC, so pruned segments still anchor the chain. The head row carries a MAC over the
//! newest sequence number, so removing entries from the end shows up too.
//!
//! NOTE: someone who can write to the database can still delete every entry, segment and head
//! row at once, which leaves an empty log that verifies. Compare the entry count that
//! `audit_verify` reports with an earlier run to catch that.

mod append;
mod query;
mod report;
mod rows;
mod verify;

use std::fmt;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

pub(crate) use query::Conditions;
pub use query::{AuditFilter, AuditRecord};
pub use report::{AuditProblem, AuditReport};

/// The advisory lock key that serializes audit log writes on PostgreSQL (ASCII `jiyuaudt`).
const AUDIT_LOCK_KEY: i64 = 0x6a69_7975_6175_6474;

/// The MAC that the first entry of the log chains to.
const GENESIS_MAC: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The maximum length of an entry's detail text, in characters.
const MAX_DETAIL_CHARS: usize = 2_000;

/// The shortest retention, in months, that `audit_prune` accepts.
pub const MIN_AUDIT_RETAIN_MONTHS: u32 = 12;

/// An audit log entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The account name, or what the request claimed for a failed sign-in.
    pub actor: String,
    /// The staff id, when the actor is a known account.
    pub actor_id: Option<i64>,
    /// The source IP address of the request.
    pub address: String,
    /// The action name, such as `login` or `staff.disable`.
    pub action: String,
    /// The object of the action, such as a username or an item id.
    pub target: String,
    pub result: AuditResult,
    /// Free text, truncated to 2,000 characters when appended.
    pub detail: String,
}

/// The outcome of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditResult {
    /// The action succeeded.
    Ok,
    /// The actor lacked the permission, or the credentials were wrong.
    Denied,
    /// The action was allowed but failed.
    Failed,
}

impl AuditResult {
    /// Returns the stored form: `ok`, `denied` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditResult::Ok => "ok",
            AuditResult::Denied => "denied",
            AuditResult::Failed => "failed",
        }
    }
}

impl fmt::Display for AuditResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returns the segment name of an instant: its month in China Standard Time, `YYYY-MM`.
pub(crate) fn segment_of(at: DateTime<Utc>) -> String {
    jiyue_core::clock::to_china(at).format("%Y-%m").to_string()
}

/// Returns the months since year 0 of an instant's month in China Standard Time.
pub(crate) fn month_index_of(at: DateTime<Utc>) -> i64 {
    let china = jiyue_core::clock::to_china(at);
    i64::from(china.year()) * 12 + i64::from(china.month0())
}

/// Returns the months since year 0 of a segment named `YYYY-MM`, or `None` for another name.
pub(crate) fn month_index_of_segment(segment: &str) -> Option<i64> {
    let (year, month) = segment.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i64 = year.parse().ok()?;
    let month: i64 = month.parse().ok()?;
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// Returns true when the month of `segment` ended at least `retain_months` whole months before
/// the month of `now` began, so the segment may be pruned.
pub(crate) fn retention_passed(segment: &str, now: DateTime<Utc>, retain_months: u32) -> bool {
    month_index_of_segment(segment)
        .is_some_and(|month| month + 1 + i64::from(retain_months) <= month_index_of(now))
}

/// Cuts `text` to at most `max` characters, at a character boundary.
pub(crate) fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn segment_uses_china_month() {
        let last_utc_day = Utc.with_ymd_and_hms(2024, 2, 29, 16, 0, 0).unwrap();
        assert_eq!(segment_of(last_utc_day), "2024-03");
        let before = Utc.with_ymd_and_hms(2024, 2, 29, 15, 59, 59).unwrap();
        assert_eq!(segment_of(before), "2024-02");
    }

    #[test]
    fn month_indexes_agree() {
        let at = Utc.with_ymd_and_hms(2024, 3, 10, 0, 0, 0).unwrap();
        assert_eq!(month_index_of_segment("2024-03"), Some(month_index_of(at)));
        assert_eq!(month_index_of_segment("2024-13"), None);
        assert_eq!(month_index_of_segment("2024-3"), None);
        assert_eq!(month_index_of_segment("latest"), None);
    }

    #[test]
    fn retention_counts_whole_months() {
        let now = Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
        assert!(retention_passed("2024-03", now, 12));
        assert!(!retention_passed("2024-04", now, 12));
        assert!(!retention_passed("2024-03", now, 13));
        assert!(!retention_passed("not-a-month", now, 12));
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate_chars("审计日志", 2), "审计");
        assert_eq!(truncate_chars("abc", 5), "abc");
        assert_eq!(truncate_chars("", 0), "");
    }
}
