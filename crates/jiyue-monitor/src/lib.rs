//! Early warning and oversight: the checks that keep every hosted site within the national
//! inspection rules before an inspector finds a fault. Each check returns [`Fault`]s; the
//! alert desk turns them into alerts, once each.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod availability;
pub mod fault;
pub mod signals;
pub mod wording;

pub use fault::{Check, Fault, Severity};
pub use wording::{Finding, FindingKind, Official, WordLists};
