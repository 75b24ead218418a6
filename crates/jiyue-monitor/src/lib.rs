//! Early warning and oversight: the checks that keep every hosted site within the national
//! inspection rules before an inspector finds a fault. Each check returns [`Fault`]s; the
//! alert desk turns them into alerts, once each.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod availability;
pub mod chart;
pub mod fault;
pub mod freshness;
pub mod links;
pub mod score;
pub mod signals;
pub mod standards;
pub mod tamper;
pub mod wording;
pub mod wording_scan;

pub use fault::{Check, Fault, Severity};
pub use freshness::{check_freshness, FreshnessReport, FreshnessRules};
pub use wording::{Finding, FindingKind, Official, WordLists};
pub use wording_scan::{check_item, scan_published, ItemFinding, Place};
