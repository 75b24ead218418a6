//! The outbox: change events written in the same transaction as the change, read by every
//! consumer (page cache, search index, static export) in position order.
//!
//! On PostgreSQL a transaction takes a transaction-level advisory lock just before it inserts
//! its events and keeps it until it commits. Positions are therefore handed out in commit
//! order, and a consumer that reads `position > last` never misses an event that got a smaller
//! position but committed later. On SQLite the single writer connection gives the same order.
//! Positions are increasing but may have gaps, because a rolled-back insert still uses up its
//! sequence value on both backends.

use std::collections::BTreeSet;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ItemId, OutboxEvent, SiteId};
use crate::sql::{args, Conn};

/// The advisory lock key that serializes outbox inserts on PostgreSQL (ASCII `jiyuobox`).
const OUTBOX_LOCK_KEY: i64 = 0x6a69_7975_6f62_6f78;

/// An event to insert with the change that caused it.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub kind: &'static str,
    pub tags: BTreeSet<String>,
    pub item_id: Option<ItemId>,
    pub site_id: Option<SiteId>,
}

/// Inserts events as the last step of a write transaction.
pub(crate) async fn insert_events(conn: &mut Conn<'_>, at: i64, events: &[NewEvent]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    if conn.is_pg() {
        conn.execute("SELECT pg_advisory_xact_lock($1)", args![OUTBOX_LOCK_KEY])
            .await?;
    }
    for event in events {
        let tags: Vec<&String> = event.tags.iter().collect();
        let tags = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".to_string());
        conn.execute(
            "INSERT INTO outbox (at, kind, tags, item_id, site_id) VALUES ($1, $2, $3, $4, $5)",
            args![at, event.kind, tags, event.item_id, event.site_id],
        )
        .await?;
    }
    Ok(())
}

impl Db {
    /// Returns up to `limit` events with a position above `position`, in position order.
    pub async fn outbox_after(&self, position: i64, limit: i64) -> Result<Vec<OutboxEvent>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT position, at, kind, tags, item_id, site_id FROM outbox \
                 WHERE position > $1 ORDER BY position LIMIT $2",
                args![position, limit],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let tags = row.text("tags")?;
                let tags = serde_json::from_str(&tags).map_err(|error| {
                    DbError::Invalid(format!(
                        "outbox tags {tags:?} are not a JSON list of strings: {error}; repair the row"
                    ))
                })?;
                Ok(OutboxEvent {
                    position: row.int("position")?,
                    at: row.time("at")?,
                    kind: row.text("kind")?,
                    tags,
                    item_id: row.opt_int("item_id")?,
                    site_id: row.opt_int("site_id")?,
                })
            })
            .collect()
    }

    /// Returns the highest position in the outbox, or 0 when it is empty.
    pub async fn outbox_head(&self) -> Result<i64> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_one(
                "SELECT COALESCE(MAX(position), 0) AS head FROM outbox",
                args![],
            )
            .await?;
        row.int("head")
    }

    /// Returns the last position the named consumer applied, or 0 when it has none.
    pub async fn consumer_position(&self, consumer: &str) -> Result<i64> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT position FROM consumer_positions WHERE consumer = $1",
                args![consumer],
            )
            .await?;
        row.map(|row| row.int("position"))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// Stores the last position the named consumer applied.
    pub async fn set_consumer_position(&self, consumer: &str, position: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO consumer_positions (consumer, position) VALUES ($1, $2) \
                 ON CONFLICT (consumer) DO UPDATE SET position = excluded.position",
                args![consumer, position],
            )
            .await?;
        tx.commit().await
    }
}

/// Builds the tag set of an event from item, column and site ids.
pub(crate) fn tags(
    item: Option<ItemId>,
    columns: impl IntoIterator<Item = i64>,
    sites: impl IntoIterator<Item = SiteId>,
) -> BTreeSet<String> {
    let mut tags = BTreeSet::new();
    if let Some(item) = item {
        tags.insert(format!("item:{item}"));
    }
    tags.extend(columns.into_iter().map(|id| format!("column:{id}")));
    tags.extend(sites.into_iter().map(|id| format!("site:{id}")));
    tags
}
