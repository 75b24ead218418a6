//! Storage on SQLite or PostgreSQL: migrations, queries, routes, the outbox of change events
//! and the blob store.

pub mod model;

pub use model::*;
