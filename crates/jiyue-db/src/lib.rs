//! Storage on SQLite or PostgreSQL: migrations, queries, routes, the outbox of change events
//! and the blob store.
//!
//! One `Db` type wraps a concrete `SqlitePool` or `PgPool`; the same SQL text runs on both
//! (see `sql`). Every instant comes from the injected `Clock` and is stored as integer
//! microseconds since the Unix epoch.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod blobs;
mod columns;
mod db;
mod error;
mod items;
pub mod model;
mod orgs;
mod outbox;
mod routes;
mod scope;
mod sites;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;

pub use blobs::{sm3_hex, BlobStore};
pub use db::{Backend, Db, Pool};
pub use error::{DbError, Result};
pub use model::*;
