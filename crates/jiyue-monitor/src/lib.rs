//! Early warning and oversight: the checks that keep every hosted site within the national
//! inspection rules before an inspector finds a fault. This first part is the wording check.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod wording;

pub use wording::{Finding, FindingKind, Official, WordLists};
