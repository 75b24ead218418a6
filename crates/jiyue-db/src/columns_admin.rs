//! Column administration beyond `upsert_column`: counting the items and children of a column
//! and deleting an empty column. It also lists the scheduled withdrawals that the editorial
//! work page shows.
//!
//! A column is deleted only when it has no child columns, no placements and no item routes.
//! Its page routes stay as 410 Gone with a notice, so a published URL keeps answering, and
//! grants scoped to it are removed with it.

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::Scope;
use crate::model::{ColumnId, ItemId};
use crate::outbox::{insert_events, tags, NewEvent};
use crate::scope::check_site;
use crate::sql::{args, micros, Conn};

/// The notice that the old page URLs of a deleted column show with their 410 status.
const DELETED_COLUMN_NOTICE: &str = "该栏目已撤销。";

impl Db {
    /// Counts the items placed in a column (home or extra, accepted or pending).
    pub async fn column_item_count(&self, column_id: ColumnId) -> Result<i64> {
        let mut handle = self.reader().await?;
        count_placements(&mut handle.conn(), column_id).await
    }

    /// Counts the direct child columns of a column.
    pub async fn column_child_count(&self, column_id: ColumnId) -> Result<i64> {
        let mut handle = self.reader().await?;
        count_children(&mut handle.conn(), column_id).await
    }

    /// Lists the items with a scheduled withdrawal, soonest first, with the time it is due.
    pub async fn scheduled_withdrawals(&self, limit: i64) -> Result<Vec<(ItemId, DateTime<Utc>)>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT id, withdraw_at FROM items WHERE withdraw_at IS NOT NULL \
                 ORDER BY withdraw_at, id LIMIT $1",
                args![limit],
            )
            .await?;
        rows.iter()
            .map(|row| Ok((row.int("id")?, row.time("withdraw_at")?)))
            .collect()
    }

    /// Deletes an empty column, or fails with `Conflict` while items are placed in it or it has
    /// child columns. Its page routes become 410 Gone and grants scoped to it are removed.
    pub async fn delete_column(&self, scope: &Scope, column_id: ColumnId) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        let row = conn
            .fetch_optional(
                "SELECT site_id, name FROM columns WHERE id = $1",
                args![column_id],
            )
            .await?
            .ok_or_else(|| {
                DbError::NotFound(format!(
                    "column {column_id} not found; reload the column list"
                ))
            })?;
        let site_id = row.int("site_id")?;
        let name = row.text("name")?;
        check_site(&mut conn, scope, site_id, "delete columns").await?;
        check_empty(&mut conn, column_id, &name).await?;

        conn.execute(
            "UPDATE routes SET kind = 'gone', column_id = NULL, page = NULL, notice = $1 \
             WHERE column_id = $2 AND kind = 'column'",
            args![DELETED_COLUMN_NOTICE, column_id],
        )
        .await?;
        conn.execute(
            "DELETE FROM grants WHERE scope_kind = 'column' AND scope_id = $1",
            args![column_id],
        )
        .await?;
        conn.execute("DELETE FROM columns WHERE id = $1", args![column_id])
            .await?;

        let mut event_tags = tags(None, [column_id], [site_id]);
        event_tags.insert(format!("nav:{site_id}"));
        let event = NewEvent {
            kind: "column.changed",
            tags: event_tags,
            item_id: None,
            site_id: Some(site_id),
        };
        insert_events(&mut conn, now, &[event]).await?;
        tx.commit().await
    }
}

async fn check_empty(conn: &mut Conn<'_>, column_id: ColumnId, name: &str) -> Result<()> {
    let items = count_placements(conn, column_id).await?;
    if items > 0 {
        return Err(DbError::Conflict(format!(
            "column \"{name}\" still contains {items} items; move or withdraw them first"
        )));
    }
    let children = count_children(conn, column_id).await?;
    if children > 0 {
        return Err(DbError::Conflict(format!(
            "column \"{name}\" has {children} child columns; delete or move them first"
        )));
    }
    let routes = conn
        .fetch_one(
            "SELECT COUNT(*) AS n FROM routes WHERE column_id = $1 AND kind <> 'column'",
            args![column_id],
        )
        .await?
        .int("n")?;
    if routes > 0 {
        return Err(DbError::Conflict(format!(
            "column \"{name}\" still has {routes} item addresses; keep the column so they work"
        )));
    }
    Ok(())
}

async fn count_placements(conn: &mut Conn<'_>, column_id: ColumnId) -> Result<i64> {
    conn.fetch_one(
        "SELECT COUNT(DISTINCT item_id) AS n FROM placements WHERE column_id = $1",
        args![column_id],
    )
    .await?
    .int("n")
}

async fn count_children(conn: &mut Conn<'_>, column_id: ColumnId) -> Result<i64> {
    conn.fetch_one(
        "SELECT COUNT(*) AS n FROM columns WHERE parent_id = $1",
        args![column_id],
    )
    .await?
    .int("n")
}
