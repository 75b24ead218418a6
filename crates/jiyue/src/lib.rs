//! The `jiyue` command: serving, the demo province, import, reindexing.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod demo;
pub mod import;
pub mod reindex;
pub mod serve;
pub mod settings;
