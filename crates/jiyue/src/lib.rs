//! The `jiyue` command: serving, the demo province, import, reindexing, staff accounts and
//! the audit log.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod audit;
pub mod demo;
pub mod import;
pub mod reindex;
pub mod serve;
pub mod settings;
pub mod users;
