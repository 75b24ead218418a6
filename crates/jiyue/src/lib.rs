//! The `jiyue` command: serving, the demo province, import, reindexing, staff accounts, the
//! audit log, the working-day calendar, the OpenID Connect clients and the availability probe.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod audit;
pub mod calendar;
pub mod check_links;
pub mod check_standards;
pub mod demo;
pub mod export;
pub mod import;
pub mod oidc_clients;
pub mod probe;
pub mod reindex;
pub mod serve;
pub mod settings;
pub mod users;
