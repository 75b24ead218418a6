//! Saving drafts: a new revision on top of the revision the editor opened, refused when
//! someone else saved in between, and restoring an old revision as a new draft.
//!
//! A draft of a published item changes nothing on the public site: the item keeps its live
//! revision and its placements until a reviewer approves the draft and it is published.

use chrono::{DateTime, Utc};
use jiyue_core::{IndexNumber, ItemMeta};

use super::super::save::save_one;
use super::super::ItemRecord;
use super::{record_step, DesiredPlacements, DraftInput, SavedDraft, StepRecord};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ColumnId, ColumnRef, ItemId, ItemInput, RevisionId, Scope};
use crate::outbox::insert_events;
use crate::sql::{args, micros, Conn};
use crate::staff::StaffId;

impl Db {
    /// Saves a draft. For an existing item, `base_revision_id` must be its newest revision,
    /// otherwise the save is refused with `DbError::Stale` and nothing is stored. Older drafts
    /// and revisions under review are superseded by the new draft, so review starts again.
    pub async fn save_draft(
        &self,
        scope: &Scope,
        author: StaffId,
        input: &DraftInput,
    ) -> Result<SavedDraft> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let saved = save_draft_in(&mut tx.conn(), scope, author, input, now).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Makes a new draft with the content of an old revision, on top of the newest one.
    pub async fn restore_revision(
        &self,
        scope: &Scope,
        author: StaffId,
        revision_id: RevisionId,
    ) -> Result<SavedDraft> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let old = super::lock_revision(&mut tx.conn(), revision_id).await?;
        let item = lock_item(&mut tx.conn(), old.item_id).await?;

        let meta: ItemMeta = serde_json::from_str(&old.meta).map_err(|error| {
            DbError::Invalid(format!(
                "revision {revision_id} has malformed metadata: {error}; it cannot be restored"
            ))
        })?;
        let current = current_placements(&mut tx.conn(), item.id).await?;
        let placements = old.placements.clone().or(current).ok_or_else(|| {
            DbError::Invalid(format!(
                "item {} has no home column; choose one before restoring",
                item.id
            ))
        })?;
        let input = DraftInput {
            item_id: Some(item.id),
            base_revision_id: item.latest_revision_id,
            org_id: item.org_id,
            meta,
            body_html: old.body_html.clone(),
            home_column: placements.home,
            extra_columns: placements.extras,
            translation_of: None,
            publish_at: None,
        };
        let saved = save_draft_in(&mut tx.conn(), scope, author, &input, now).await?;

        let note = format!("restored from revision {}", old.number);
        let step = StepRecord {
            item_id: item.id,
            revision_id: Some(saved.revision_id),
            actor: Some(author),
            step: "restore",
            level: None,
            note: Some(&note),
        };
        record_step(&mut tx.conn(), step, micros(now)).await?;
        tx.commit().await?;
        Ok(saved)
    }
}

async fn save_draft_in(
    conn: &mut Conn<'_>,
    scope: &Scope,
    author: StaffId,
    input: &DraftInput,
    now: DateTime<Utc>,
) -> Result<SavedDraft> {
    let existing = match input.item_id {
        Some(item_id) => Some(check_base(conn, item_id, input.base_revision_id).await?),
        None => None,
    };
    let desired = DesiredPlacements {
        home: input.home_column,
        extras: input.extra_columns.clone(),
    };
    let item_input = item_input(conn, input, existing.as_ref(), &desired, now).await?;
    let (saved, event) = save_one(conn, scope, &item_input, now).await?;
    let revision_id = saved.revision_id;
    let new_revision =
        existing.as_ref().and_then(|item| item.latest_revision_id) != Some(revision_id);
    if new_revision {
        let placements = serde_json::to_string(&desired).unwrap_or_default();
        conn.execute(
            "UPDATE revisions SET state = 'draft', author_id = $1, base_revision_id = $2, \
             placements = $3, publish_at = $4, approvals = '[]', required_levels = 0, \
             reject_reason = NULL, updated_at = $5 WHERE id = $6",
            args![
                author,
                input.base_revision_id,
                placements,
                input.publish_at.map(micros),
                micros(now),
                revision_id
            ],
        )
        .await?;
        conn.execute(
            "UPDATE revisions SET state = 'superseded', updated_at = $1 WHERE item_id = $2 \
             AND id <> $3 AND state IN ('draft', 'in_review', 'approved', 'rejected')",
            args![micros(now), saved.item_id, revision_id],
        )
        .await?;
        let step = StepRecord {
            item_id: saved.item_id,
            revision_id: Some(revision_id),
            actor: Some(author),
            step: if existing.is_some() { "save" } else { "create" },
            level: None,
            note: None,
        };
        record_step(conn, step, micros(now)).await?;
    }
    insert_events(conn, micros(now), &event.into_iter().collect::<Vec<_>>()).await?;
    Ok(SavedDraft {
        item_id: saved.item_id,
        revision_id,
        changed: new_revision,
    })
}

/// Locks an item and checks that the editor's base revision is still its newest.
async fn check_base(
    conn: &mut Conn<'_>,
    item_id: ItemId,
    base: Option<RevisionId>,
) -> Result<ItemRecord> {
    let item = lock_item(conn, item_id).await?;
    let Some(base) = base else {
        return Err(DbError::Invalid(format!(
            "a change of item {item_id} needs the revision it was made on; reload the item and save again"
        )));
    };
    match item.latest_revision_id {
        Some(latest) if latest != base => Err(DbError::Stale {
            item_id,
            base,
            latest,
        }),
        _ => Ok(item),
    }
}

/// Reads an item, locking its row on PostgreSQL so two saves of one item run one at a time.
pub(crate) async fn lock_item(conn: &mut Conn<'_>, item_id: ItemId) -> Result<ItemRecord> {
    if conn.is_pg() {
        conn.execute(
            "SELECT id FROM items WHERE id = $1 FOR UPDATE",
            args![item_id],
        )
        .await?;
    }
    super::super::find_item_by_id(conn, item_id)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("item {item_id} not found; check the id")))
}

/// Returns the placements an item has now, when it has a home column.
pub(crate) async fn current_placements(
    conn: &mut Conn<'_>,
    item_id: ItemId,
) -> Result<Option<DesiredPlacements>> {
    let rows = conn
        .fetch_all(
            "SELECT column_id, is_home FROM placements WHERE item_id = $1 ORDER BY id",
            args![item_id],
        )
        .await?;
    let mut home = None;
    let mut extras = Vec::new();
    for row in &rows {
        if row.flag("is_home")? {
            home = Some(row.int("column_id")?);
        } else {
            extras.push(row.int("column_id")?);
        }
    }
    Ok(home.map(|home| DesiredPlacements { home, extras }))
}

/// Builds the import-style input that `save_one` stores. A published item keeps its current
/// placements until publication; its stored index number is carried into the metadata.
pub(crate) async fn item_input(
    conn: &mut Conn<'_>,
    input: &DraftInput,
    existing: Option<&ItemRecord>,
    desired: &DesiredPlacements,
    now: DateTime<Utc>,
) -> Result<ItemInput> {
    let live = existing.is_some_and(|item| item.live_revision_id.is_some());
    let placements = match existing {
        Some(item) if live => current_placements(conn, item.id)
            .await?
            .unwrap_or_else(|| desired.clone()),
        _ => desired.clone(),
    };
    let mut meta = input.meta.clone();
    if let Some(stored) = existing.and_then(|item| item.index_number.as_deref()) {
        if meta.index_number.is_none() {
            meta.index_number = IndexNumber::parse(stored).ok();
        }
    }
    let external_id = match existing.and_then(|item| item.external_id.clone()) {
        Some(id) => id,
        None => {
            let next = conn
                .fetch_one(
                    "SELECT COALESCE(MAX(id), 0) + 1 AS next FROM items",
                    args![],
                )
                .await?
                .int("next")?;
            format!("cms-{}-{}-{next}", input.org_id, micros(now))
        }
    };
    let translation_of = match input.translation_of {
        Some(id) => Some(external_id_of(conn, id).await?),
        None => None,
    };
    Ok(ItemInput {
        external_id,
        org_credit_code: org_credit_code(conn, input.org_id).await?,
        meta,
        body_html: input.body_html.clone(),
        home: column_ref(conn, placements.home).await?,
        extra_placements: column_refs(conn, &placements.extras).await?,
        translation_of,
        legacy_urls: Vec::new(),
        publish: false,
        sample: existing.is_some_and(|item| item.sample),
    })
}

async fn org_credit_code(conn: &mut Conn<'_>, org_id: i64) -> Result<String> {
    let row = conn
        .fetch_optional(
            "SELECT credit_code FROM organizations WHERE id = $1",
            args![org_id],
        )
        .await?
        .ok_or_else(|| {
            DbError::NotFound(format!(
                "organization {org_id} not found; choose an existing organization"
            ))
        })?;
    row.text("credit_code")
}

async fn external_id_of(conn: &mut Conn<'_>, item_id: ItemId) -> Result<String> {
    let row = conn
        .fetch_optional(
            "SELECT external_id FROM items WHERE id = $1",
            args![item_id],
        )
        .await?;
    row.and_then(|row| row.opt_text("external_id").ok().flatten())
        .ok_or_else(|| {
            DbError::NotFound(format!(
                "the original item {item_id} of this translation was not found; choose another"
            ))
        })
}

pub(crate) async fn column_ref(conn: &mut Conn<'_>, column_id: ColumnId) -> Result<ColumnRef> {
    let row = conn
        .fetch_optional(
            "SELECT s.code, c.path FROM columns c JOIN sites s ON s.id = c.site_id WHERE c.id = $1",
            args![column_id],
        )
        .await?
        .ok_or_else(|| {
            DbError::NotFound(format!(
                "column {column_id} not found; choose an existing column"
            ))
        })?;
    Ok(ColumnRef {
        site_code: row.text("code")?,
        column_path: row.text("path")?,
    })
}

pub(crate) async fn column_refs(conn: &mut Conn<'_>, ids: &[ColumnId]) -> Result<Vec<ColumnRef>> {
    let mut refs = Vec::with_capacity(ids.len());
    for id in ids {
        refs.push(column_ref(conn, *id).await?);
    }
    Ok(refs)
}
