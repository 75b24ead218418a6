//! The editorial workflow on stored items: drafts saved on top of a known revision, review
//! steps, publication of approved revisions, scheduled publication and withdrawal, revision
//! history and preview tokens.
//!
//! Every revision carries its workflow state (`jiyue_core::workflow`). The approvals in force
//! and the review levels fixed at submission are stored on the revision, so a publication can
//! always show which reviewers let it through. Every step is also written to `review_steps`.

mod draft;
mod lists;
mod publish;
mod review;
mod schedule;

use chrono::{DateTime, Utc};
use jiyue_core::workflow::{Review, RevisionState};
use jiyue_core::ItemMeta;
use serde::{Deserialize, Serialize};

use crate::error::{DbError, Result};
use crate::model::{ColumnId, ItemId, OrgId, RevisionId};
use crate::sql::{args, Conn, Row};
use crate::staff::StaffId;

pub use lists::{
    AdminItem, PendingPlacement, ReviewStepRecord, RevisionDetail, RevisionSummary, WorkEntry,
};
pub use review::StepOutcome;
pub use schedule::ScheduleRun;

/// A draft to save: a new item, or a new revision on top of `base_revision_id`.
#[derive(Debug, Clone)]
pub struct DraftInput {
    /// The item to change; `None` creates an item.
    pub item_id: Option<ItemId>,
    /// The revision the editor started from; required when changing an item. A save on top of
    /// any other revision is refused as stale.
    pub base_revision_id: Option<RevisionId>,
    /// The organization that owns the item.
    pub org_id: OrgId,
    pub meta: ItemMeta,
    /// Sanitized HTML body.
    pub body_html: String,
    /// The home column; a change of home column moves the item when it is published.
    pub home_column: ColumnId,
    /// Columns of this or other sites that also show the item.
    pub extra_columns: Vec<ColumnId>,
    /// The item this one translates.
    pub translation_of: Option<ItemId>,
    /// When to publish once approved; `None` publishes at the final approval.
    pub publish_at: Option<DateTime<Utc>>,
}

/// The outcome of a draft save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SavedDraft {
    pub item_id: ItemId,
    pub revision_id: RevisionId,
    /// False when the content equalled the newest revision, so nothing new was stored.
    pub changed: bool,
}

/// The response a withdrawn item's URLs return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withdrawal {
    /// 410 Gone with a notice that gives the reason.
    Gone { notice: String },
    /// 301 to a replacement page (a path on the same site or an absolute URL).
    Redirect { location: String },
}

/// The placements a revision requests when it is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredPlacements {
    pub home: ColumnId,
    pub extras: Vec<ColumnId>,
}

/// The workflow columns of a revision.
#[derive(Debug, Clone)]
pub(crate) struct RevisionRow {
    pub id: RevisionId,
    pub item_id: ItemId,
    pub number: i64,
    pub review: Review,
    pub meta: String,
    pub body_html: String,
    pub placements: Option<DesiredPlacements>,
    pub publish_at: Option<DateTime<Utc>>,
}

pub(crate) const REVISION_ROW_COLUMNS: &str = "id, item_id, number, state, author_id, \
     required_levels, approvals, meta, body_html, placements, publish_at";

pub(crate) fn revision_row(row: &Row) -> Result<RevisionRow> {
    let id = row.int("id")?;
    let state_text = row.text("state")?;
    let state = RevisionState::parse(&state_text).ok_or_else(|| {
        DbError::Invalid(format!(
            "revision {id} has unknown state \"{state_text}\"; repair the row"
        ))
    })?;
    let approvals: Vec<i64> = parse_json(&row.text("approvals")?, id, "approvals")?;
    let placements = match row.opt_text("placements")? {
        Some(text) => Some(parse_json(&text, id, "placements")?),
        None => None,
    };
    let levels = row.int("required_levels")?;
    Ok(RevisionRow {
        id,
        item_id: row.int("item_id")?,
        number: row.int("number")?,
        review: Review {
            state,
            required_levels: u8::try_from(levels).unwrap_or(u8::MAX),
            approvals,
            author: row.opt_int("author_id")?.unwrap_or(0),
        },
        meta: row.text("meta")?,
        body_html: row.text("body_html")?,
        placements,
        publish_at: row.opt_time("publish_at")?,
    })
}

fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    id: RevisionId,
    column: &str,
) -> Result<T> {
    serde_json::from_str(text).map_err(|error| {
        DbError::Invalid(format!(
            "revision {id} has malformed {column} {text:?}: {error}; repair the row"
        ))
    })
}

/// Reads a revision's workflow row, locking it on PostgreSQL for the rest of the transaction.
pub(crate) async fn lock_revision(conn: &mut Conn<'_>, id: RevisionId) -> Result<RevisionRow> {
    let lock = if conn.is_pg() { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {REVISION_ROW_COLUMNS} FROM revisions WHERE id = $1{lock}");
    let row = conn
        .fetch_optional(&sql, args![id])
        .await?
        .ok_or_else(|| DbError::NotFound(format!("revision {id} not found; reload the item")))?;
    revision_row(&row)
}

/// Stores the workflow state of a revision.
pub(crate) async fn store_review(
    conn: &mut Conn<'_>,
    id: RevisionId,
    review: &Review,
    reject_reason: Option<&str>,
    now: i64,
) -> Result<()> {
    let approvals = serde_json::to_string(&review.approvals).unwrap_or_else(|_| "[]".to_string());
    conn.execute(
        "UPDATE revisions SET state = $1, required_levels = $2, approvals = $3, reject_reason = $4, \
         updated_at = $5 WHERE id = $6",
        args![
            review.state.as_str(),
            i64::from(review.required_levels),
            approvals,
            reject_reason,
            now,
            id
        ],
    )
    .await?;
    Ok(())
}

/// Records one workflow step.
pub(crate) async fn record_step(conn: &mut Conn<'_>, step: StepRecord<'_>, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO review_steps (item_id, revision_id, actor_id, step, level, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            step.item_id,
            step.revision_id,
            step.actor,
            step.step,
            step.level,
            step.note,
            now
        ],
    )
    .await?;
    Ok(())
}

/// One row of `review_steps` to write.
pub(crate) struct StepRecord<'a> {
    pub item_id: ItemId,
    pub revision_id: Option<RevisionId>,
    pub actor: Option<StaffId>,
    pub step: &'a str,
    pub level: Option<i64>,
    pub note: Option<&'a str>,
}

/// Maps a workflow rule failure to a storage error that keeps the rule's message.
pub(crate) fn workflow_error(error: jiyue_core::workflow::WorkflowError) -> DbError {
    DbError::Workflow(error)
}
