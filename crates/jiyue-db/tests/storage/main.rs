//! Integration tests of `jiyue-db` on SQLite and, when `JIYUE_TEST_DATABASE_URL` is set, on
//! PostgreSQL too. One test binary keeps the build small.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod alerts;
mod analytics;
mod audit;
mod blobs;
mod cases;
mod citizens;
mod columns_admin;
mod concurrency;
mod editorial;
mod fixtures;
mod freshness;
mod items;
mod ledger;
mod links;
mod lockout;
mod orgs_sites;
mod outbox;
mod probes;
mod schema;
mod scope;
mod scorecards;
mod services;
mod wording;
