//! Review steps: submitting a draft, approving a level, rejecting with a reason. The rules
//! are `jiyue_core::workflow`'s; this module loads the revision, applies the step, stores the
//! result and the step record, and publishes a revision whose final approval makes it due.

use chrono::{DateTime, Utc};
use jiyue_core::workflow::{RevisionState, Step};

use super::publish::publish_in;
use super::{lock_revision, record_step, store_review, workflow_error, RevisionRow, StepRecord};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::items::check_item_write;
use crate::model::{RevisionId, Scope};
use crate::outbox::{insert_events, NewEvent};
use crate::sql::{args, micros, Conn};
use crate::staff::StaffId;

/// The outcome of a review step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StepOutcome {
    pub state: RevisionState,
    /// True when the step also published the revision.
    pub published: bool,
}

impl Db {
    /// Submits a draft (or a rejected revision) for review. The review levels are those of
    /// the home column it will be published in; with none, it is approved at once.
    pub async fn submit_revision(
        &self,
        scope: &Scope,
        actor: StaffId,
        revision_id: RevisionId,
    ) -> Result<StepOutcome> {
        self.review_step(scope, actor, revision_id, StepKind::Submit)
            .await
    }

    /// Approves the pending review level of a revision.
    pub async fn approve_revision(
        &self,
        scope: &Scope,
        actor: StaffId,
        revision_id: RevisionId,
    ) -> Result<StepOutcome> {
        self.review_step(scope, actor, revision_id, StepKind::Approve)
            .await
    }

    /// Rejects a revision under review, back to its author with a reason.
    pub async fn reject_revision(
        &self,
        scope: &Scope,
        actor: StaffId,
        revision_id: RevisionId,
        reason: &str,
    ) -> Result<StepOutcome> {
        self.review_step(
            scope,
            actor,
            revision_id,
            StepKind::Reject(reason.trim().to_string()),
        )
        .await
    }

    async fn review_step(
        &self,
        scope: &Scope,
        actor: StaffId,
        revision_id: RevisionId,
        kind: StepKind,
    ) -> Result<StepOutcome> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let revision = lock_revision(&mut tx.conn(), revision_id).await?;
        check_item_write(&mut tx.conn(), scope, revision.item_id).await?;
        let outcome = apply_step(&mut tx.conn(), actor, &revision, &kind, now).await?;
        tx.commit().await?;
        Ok(outcome)
    }
}

enum StepKind {
    Submit,
    Approve,
    Reject(String),
}

async fn apply_step(
    conn: &mut Conn<'_>,
    actor: StaffId,
    revision: &RevisionRow,
    kind: &StepKind,
    now: DateTime<Utc>,
) -> Result<StepOutcome> {
    let (step, name) = match kind {
        StepKind::Submit => {
            // An incomplete service guide without a reason would be refused at publication;
            // refuse it at submission, before reviewers spend time on it.
            if let Ok(meta) = serde_json::from_str::<jiyue_core::ItemMeta>(&revision.meta) {
                crate::services::check_publishable(&meta)?;
            }
            let levels = home_review_levels(conn, revision).await?;
            (Step::Submit { by: actor, levels }, "submit")
        }
        StepKind::Approve => (Step::Approve { by: actor }, "approve"),
        StepKind::Reject(reason) => (
            Step::Reject {
                by: actor,
                reason: reason.clone(),
            },
            "reject",
        ),
    };
    let level = revision.review.pending_level().map(i64::from);
    let review = revision.review.apply(&step).map_err(workflow_error)?;
    let reason = match kind {
        StepKind::Reject(reason) => Some(reason.as_str()),
        _ => None,
    };
    store_review(conn, revision.id, &review, reason, micros(now)).await?;
    let record = StepRecord {
        item_id: revision.item_id,
        revision_id: Some(revision.id),
        actor: Some(actor),
        step: name,
        level: if name == "approve" { level } else { None },
        note: reason,
    };
    record_step(conn, record, micros(now)).await?;

    let due = revision.publish_at.is_none_or(|at| at <= now);
    let mut published = false;
    if review.state == RevisionState::Approved && due {
        let mut approved = revision.clone();
        approved.review = review.clone();
        publish_in(conn, &approved, Some(actor), now).await?;
        published = true;
    } else {
        // Work lists of editors and reviewers change; public pages do not.
        let event = NewEvent {
            kind: "revision.reviewed",
            tags: Default::default(),
            item_id: Some(revision.item_id),
            site_id: None,
        };
        insert_events(conn, micros(now), &[event]).await?;
    }
    let state = if published {
        RevisionState::Published
    } else {
        review.state
    };
    Ok(StepOutcome { state, published })
}

/// Returns the review levels of the column a revision will be published in.
async fn home_review_levels(conn: &mut Conn<'_>, revision: &RevisionRow) -> Result<u8> {
    let home = match &revision.placements {
        Some(placements) => placements.home,
        None => conn
            .fetch_optional(
                "SELECT column_id FROM placements WHERE item_id = $1 AND is_home = $2",
                args![revision.item_id, true],
            )
            .await?
            .ok_or_else(|| {
                DbError::Invalid(format!(
                    "item {} has no home column; choose one and save before submitting",
                    revision.item_id
                ))
            })?
            .int("column_id")?,
    };
    let row = conn
        .fetch_optional(
            "SELECT review_levels FROM columns WHERE id = $1",
            args![home],
        )
        .await?
        .ok_or_else(|| DbError::NotFound(format!("home column {home} not found")))?;
    let levels = row.int("review_levels")?;
    u8::try_from(levels).map_err(|_| {
        DbError::Invalid(format!(
            "column {home} has {levels} review levels; set 0 to 3"
        ))
    })
}
