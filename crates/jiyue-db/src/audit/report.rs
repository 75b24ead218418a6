//! The result of verifying the audit log: what was checked and every problem found.

use std::fmt;

use serde::Serialize;

/// The outcome of `audit_verify`: counts of what was checked and every problem found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries read, including those reported as problems.
    pub entries: i64,
    /// Segments that still hold entries, that is, segment rows not pruned.
    pub segments: i64,
    /// Problems in the order found; empty when the log is intact.
    pub problems: Vec<AuditProblem>,
}

impl AuditReport {
    /// Returns true when no problem was found.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One sign of tampering, or of verifying with a key other than the one that wrote the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditProblem {
    /// The entry's MAC does not match its fields and the MAC of the entry before it: a field or
    /// the MAC itself was changed, or the entry was forged.
    Edited { seq: i64 },
    /// Entries in this range are gone from the middle of the log, or were pruned before the
    /// minimum retention of 12 months had passed.
    Missing { from_seq: i64, to_seq: i64 },
    /// The entry lies where no entry may be: after the newest entry the head vouches for, or
    /// inside a pruned segment.
    Inserted { seq: i64 },
    /// A segment row's seal MAC does not verify, or a finished or pruned segment is not sealed.
    BadSeal { segment: String },
    /// A segment row's range, entry count or last MAC disagrees with the entries, the other
    /// segments or the head.
    SegmentMismatch { segment: String },
    /// The head row is missing or its MAC does not verify, or it names a last MAC other than
    /// that of the newest entry.
    HeadMismatch,
    /// The newest entries are gone: the log ends at `last_seq` but the head records `head_seq`.
    Truncated { head_seq: i64, last_seq: i64 },
}

impl fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditProblem::Edited { seq } => write!(
                f,
                "entry {seq} was changed: its MAC does not match its fields and the entry before it"
            ),
            AuditProblem::Missing { from_seq, to_seq } if from_seq == to_seq => {
                write!(f, "entry {from_seq} is missing")
            }
            AuditProblem::Missing { from_seq, to_seq } => {
                write!(f, "entries {from_seq} to {to_seq} are missing")
            }
            AuditProblem::Inserted { seq } => write!(
                f,
                "entry {seq} was inserted: it lies after the newest entry the head vouches for, \
                 or inside a pruned segment"
            ),
            AuditProblem::BadSeal { segment } => write!(
                f,
                "segment {segment} has an invalid seal: its row was changed after sealing, or it \
                 was never sealed"
            ),
            AuditProblem::SegmentMismatch { segment } => write!(
                f,
                "segment {segment} does not match its entries: its range, entry count or last \
                 MAC differs"
            ),
            AuditProblem::HeadMismatch => f.write_str(
                "the head row does not verify: it was changed or removed, entries were added or \
                 removed at the end, or the audit key is not the one that wrote the log",
            ),
            AuditProblem::Truncated { head_seq, last_seq } => write!(
                f,
                "the newest entries were deleted: the log ends at entry {last_seq} but the head \
                 records entry {head_seq}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_the_place() {
        let missing = AuditProblem::Missing {
            from_seq: 4,
            to_seq: 6,
        };
        assert_eq!(missing.to_string(), "entries 4 to 6 are missing");
        let one = AuditProblem::Missing {
            from_seq: 5,
            to_seq: 5,
        };
        assert_eq!(one.to_string(), "entry 5 is missing");
        assert!(AuditProblem::Edited { seq: 7 }
            .to_string()
            .contains("entry 7"));
        let seal = AuditProblem::BadSeal {
            segment: "2024-03".into(),
        };
        assert!(seal.to_string().contains("2024-03"));
    }

    #[test]
    fn empty_report_is_clean() {
        assert!(AuditReport::default().is_clean());
        let report = AuditReport {
            problems: vec![AuditProblem::HeadMismatch],
            ..AuditReport::default()
        };
        assert!(!report.is_clean());
    }
}
