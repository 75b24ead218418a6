//! Reads for the admin interface: an item's revisions and review history, the work lists of
//! editors and reviewers, the items of a column, placements waiting for acceptance, and draft
//! preview tokens.

use chrono::{DateTime, Utc};
use jiyue_core::workflow::RevisionState;
use jiyue_core::ItemMeta;
use serde::Serialize;

use super::{revision_row, DesiredPlacements, REVISION_ROW_COLUMNS};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::items::item_event;
use crate::model::{ColumnId, ItemId, RevisionId, SiteId};
use crate::outbox::insert_events;
use crate::sql::{args, micros, Row};
use crate::staff::StaffId;

/// One revision in an item's history.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionSummary {
    pub id: RevisionId,
    pub item_id: ItemId,
    pub number: i64,
    pub state: RevisionState,
    pub author_id: Option<StaffId>,
    pub author_name: Option<String>,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub publish_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    pub required_levels: i64,
    pub approvals: Vec<StaffId>,
}

/// A revision with its full content.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionDetail {
    pub summary: RevisionSummary,
    pub meta: ItemMeta,
    pub body_html: String,
    pub placements: Option<DesiredPlacements>,
    pub org_id: i64,
}

/// One recorded workflow step.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewStepRecord {
    pub step: String,
    pub revision_number: Option<i64>,
    pub actor_name: Option<String>,
    pub level: Option<i64>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// A revision on someone's work list, with where it will be published.
#[derive(Debug, Clone, Serialize)]
pub struct WorkEntry {
    pub revision: RevisionSummary,
    pub home_column: Option<ColumnId>,
}

/// An item as listed in a column of the admin interface.
#[derive(Debug, Clone, Serialize)]
pub struct AdminItem {
    pub item_id: ItemId,
    pub title: String,
    pub latest_revision_id: RevisionId,
    pub latest_state: RevisionState,
    pub live: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A placement of an item on another site, waiting for that site's acceptance.
#[derive(Debug, Clone, Serialize)]
pub struct PendingPlacement {
    pub placement_id: i64,
    pub item_id: ItemId,
    pub column_id: ColumnId,
    pub title: String,
}

const SUMMARY_SELECT: &str = "SELECT v.id, v.item_id, v.number, v.state, v.author_id, \
     s.display_name AS author_name, v.meta, v.created_at, v.publish_at, v.reject_reason, \
     v.required_levels, v.approvals, v.placements FROM revisions v \
     LEFT JOIN staff s ON s.id = v.author_id";

fn summary_from_row(row: &Row) -> Result<RevisionSummary> {
    let id = row.int("id")?;
    let state_text = row.text("state")?;
    let state = RevisionState::parse(&state_text).ok_or_else(|| {
        DbError::Invalid(format!("revision {id} has unknown state \"{state_text}\""))
    })?;
    let title = title_of(&row.text("meta")?);
    Ok(RevisionSummary {
        id,
        item_id: row.int("item_id")?,
        number: row.int("number")?,
        state,
        author_id: row.opt_int("author_id")?,
        author_name: row.opt_text("author_name")?,
        title,
        created_at: row.time("created_at")?,
        publish_at: row.opt_time("publish_at")?,
        reject_reason: row.opt_text("reject_reason")?,
        required_levels: row.int("required_levels")?,
        approvals: serde_json::from_str(&row.text("approvals")?).unwrap_or_default(),
    })
}

impl Db {
    /// Lists the revisions of an item, newest first.
    pub async fn item_revisions(&self, item_id: ItemId) -> Result<Vec<RevisionSummary>> {
        let mut handle = self.reader().await?;
        let sql = format!("{SUMMARY_SELECT} WHERE v.item_id = $1 ORDER BY v.number DESC");
        let rows = handle.conn().fetch_all(&sql, args![item_id]).await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// Returns one revision with its content.
    pub async fn revision_detail(&self, revision_id: RevisionId) -> Result<Option<RevisionDetail>> {
        let mut handle = self.reader().await?;
        let sql = format!("{SUMMARY_SELECT} WHERE v.id = $1");
        let Some(row) = handle
            .conn()
            .fetch_optional(&sql, args![revision_id])
            .await?
        else {
            return Ok(None);
        };
        let summary = summary_from_row(&row)?;
        let sql = format!("SELECT {REVISION_ROW_COLUMNS}, org_id FROM revisions WHERE id = $1");
        let full = handle.conn().fetch_one(&sql, args![revision_id]).await?;
        let stored = revision_row(&full)?;
        let meta: ItemMeta = serde_json::from_str(&stored.meta).map_err(|error| {
            DbError::Invalid(format!(
                "revision {revision_id} has malformed metadata: {error}"
            ))
        })?;
        Ok(Some(RevisionDetail {
            summary,
            meta,
            body_html: stored.body_html,
            placements: stored.placements,
            org_id: full.int("org_id")?,
        }))
    }

    /// Lists the recorded workflow steps of an item, oldest first.
    pub async fn review_history(&self, item_id: ItemId) -> Result<Vec<ReviewStepRecord>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT r.step, v.number, s.display_name, r.level, r.note, r.at FROM review_steps r \
                 LEFT JOIN revisions v ON v.id = r.revision_id LEFT JOIN staff s ON s.id = r.actor_id \
                 WHERE r.item_id = $1 ORDER BY r.id",
                args![item_id],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ReviewStepRecord {
                    step: row.text("step")?,
                    revision_number: row.opt_int("number")?,
                    actor_name: row.opt_text("display_name")?,
                    level: row.opt_int("level")?,
                    note: row.opt_text("note")?,
                    at: row.time("at")?,
                })
            })
            .collect()
    }

    /// Lists revisions in the given states, newest change first, with their home column; the
    /// caller filters them by what the signed-in person may see.
    pub async fn work_list(
        &self,
        states: &[RevisionState],
        author: Option<StaffId>,
        limit: i64,
    ) -> Result<Vec<WorkEntry>> {
        let mut handle = self.reader().await?;
        let list: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let by_author = if author.is_some() {
            " AND v.author_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "{SUMMARY_SELECT} WHERE v.state IN ({}){by_author} ORDER BY v.updated_at DESC, v.id DESC LIMIT $1",
            list.join(", ")
        );
        let rows = match author {
            Some(author) => handle.conn().fetch_all(&sql, args![limit, author]).await?,
            None => handle.conn().fetch_all(&sql, args![limit]).await?,
        };
        let mut entries = Vec::with_capacity(rows.len());
        for row in &rows {
            let placements: Option<DesiredPlacements> = row
                .opt_text("placements")?
                .and_then(|text| serde_json::from_str(&text).ok());
            entries.push(WorkEntry {
                revision: summary_from_row(row)?,
                home_column: placements.map(|p| p.home),
            });
        }
        Ok(entries)
    }

    /// Lists the items whose home is a column, newest change first.
    pub async fn column_admin_items(
        &self,
        column_id: ColumnId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AdminItem>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT i.id, i.live_revision_id, i.published_at, i.updated_at, v.id AS latest_id, \
                 v.state, v.meta FROM items i JOIN placements p ON p.item_id = i.id AND p.is_home = $2 \
                 JOIN revisions v ON v.id = (SELECT MAX(x.id) FROM revisions x WHERE x.item_id = i.id) \
                 WHERE p.column_id = $1 ORDER BY i.updated_at DESC, i.id DESC LIMIT $3 OFFSET $4",
                args![column_id, true, limit, offset],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let state = row.text("state")?;
                Ok(AdminItem {
                    item_id: row.int("id")?,
                    title: title_of(&row.text("meta")?),
                    latest_revision_id: row.int("latest_id")?,
                    latest_state: RevisionState::parse(&state).unwrap_or(RevisionState::Draft),
                    live: row.opt_int("live_revision_id")?.is_some(),
                    published_at: row.opt_time("published_at")?,
                    updated_at: row.time("updated_at")?,
                })
            })
            .collect()
    }

    /// Lists placements on a site's columns waiting for that site's acceptance.
    pub async fn pending_placements(&self, site_id: SiteId) -> Result<Vec<PendingPlacement>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT p.id, p.item_id, p.column_id, v.meta FROM placements p \
                 JOIN items i ON i.id = p.item_id JOIN revisions v ON v.id = i.live_revision_id \
                 WHERE p.site_id = $1 AND p.status = 'pending' ORDER BY p.id",
                args![site_id],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(PendingPlacement {
                    placement_id: row.int("id")?,
                    item_id: row.int("item_id")?,
                    column_id: row.int("column_id")?,
                    title: title_of(&row.text("meta")?),
                })
            })
            .collect()
    }

    /// Accepts a pending placement, so the item shows in that column.
    pub async fn accept_placement(&self, site_id: SiteId, placement_id: i64) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                "SELECT item_id FROM placements WHERE id = $1 AND site_id = $2 AND status = 'pending'",
                args![placement_id, site_id],
            )
            .await?
            .ok_or_else(|| {
                DbError::NotFound(format!(
                    "placement {placement_id} is not waiting on site {site_id}; reload the list"
                ))
            })?;
        tx.conn()
            .execute(
                "UPDATE placements SET status = 'accepted' WHERE id = $1",
                args![placement_id],
            )
            .await?;
        let event = item_event(&mut tx.conn(), row.int("item_id")?, "item.changed").await?;
        insert_events(&mut tx.conn(), now, &[event]).await?;
        tx.commit().await
    }

    /// Stores a preview token (by digest) for a revision, valid until `expires_at`.
    pub async fn create_preview(
        &self,
        token_digest: &str,
        revision_id: RevisionId,
        site_id: SiteId,
        created_by: StaffId,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO preview_tokens (token_digest, revision_id, site_id, created_by, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                args![token_digest, revision_id, site_id, created_by, micros(expires_at)],
            )
            .await?;
        tx.commit().await
    }

    /// Finds the revision and site of an unexpired preview token.
    pub async fn preview(&self, token_digest: &str) -> Result<Option<(RevisionId, SiteId)>> {
        let now = micros(self.now());
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT revision_id, site_id FROM preview_tokens WHERE token_digest = $1 AND expires_at > $2",
                args![token_digest, now],
            )
            .await?;
        row.map(|row| Ok((row.int("revision_id")?, row.int("site_id")?)))
            .transpose()
    }
}

fn title_of(meta: &str) -> String {
    serde_json::from_str::<serde_json::Value>(meta)
        .ok()
        .and_then(|meta| {
            meta.get("title")
                .and_then(|t| t.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
}
