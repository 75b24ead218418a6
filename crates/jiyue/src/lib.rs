//! The `jiyue` command: serving, the demo province, import, reindexing, staff accounts, the
//! audit log and the working-day calendar.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod audit;
pub mod calendar;
pub mod demo;
pub mod import;
pub mod reindex;
pub mod serve;
pub mod settings;
pub mod users;
