//! Publishing an approved revision and withdrawing a published item.
//!
//! Publication stores the approved revision itself as the live one: the index number is
//! written into it first (at first publication), so the import path that makes the revision
//! live finds nothing else to change. Placements the revision drops are removed, and their
//! URLs become 301 redirects to the item's new home, so a published URL keeps working.

use chrono::{DateTime, Datelike, Utc};
use jiyue_core::clock::to_china;
use jiyue_core::workflow::Step;
use jiyue_core::{CreditCode, IndexNumber, ItemMeta};

use super::draft::{column_ref, column_refs, current_placements, lock_item};
use super::{record_step, store_review, workflow_error, RevisionRow, StepRecord, Withdrawal};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::items::save::{next_serial, save_one};
use crate::items::{check_item_write, item_event, ItemRecord};
use crate::model::{ItemId, ItemInput, Scope};
use crate::outbox::insert_events;
use crate::sites::primary_domain;
use crate::sql::{args, micros, Conn};
use crate::staff::StaffId;

/// Makes an approved revision live inside the caller's transaction.
pub(crate) async fn publish_in(
    conn: &mut Conn<'_>,
    revision: &RevisionRow,
    actor: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<()> {
    let review = revision
        .review
        .apply(&Step::Publish)
        .map_err(workflow_error)?;
    let item = lock_item(conn, revision.item_id).await?;

    let meta: ItemMeta = serde_json::from_str(
        &meta_for_publication(conn, revision, &item, now).await?,
    )
    .map_err(|error| {
        DbError::Invalid(format!(
            "revision {} has invalid metadata: {error}; save the item again",
            revision.id
        ))
    })?;

    let placements = match &revision.placements {
        Some(placements) => placements.clone(),
        None => current_placements(conn, item.id).await?.ok_or_else(|| {
            DbError::Invalid(format!("item {} has no home column to publish in", item.id))
        })?,
    };

    let input = ItemInput {
        external_id: item.external_id.clone().unwrap_or_default(),
        org_credit_code: credit_code_of(conn, item.org_id).await?,
        meta,
        body_html: revision.body_html.clone(),
        home: column_ref(conn, placements.home).await?,
        extra_placements: column_refs(conn, &placements.extras).await?,
        translation_of: None,
        legacy_urls: Vec::new(),
        publish: true,
        sample: item.sample,
    };

    // The owner's scope, not the platform's: a placement on another site's column stays
    // pending until that site accepts it, unless the column takes shared items directly.
    let owner = Scope::Org(item.org_id);
    let (saved, _) = save_one(conn, &owner, &input, now).await?;
    if saved.revision_id != revision.id {
        return Err(DbError::Invalid(format!(
            "revision {} changed while it was being published; submit it again",
            revision.id
        )));
    }

    store_review(conn, revision.id, &review, None, micros(now)).await?;
    let mut keep = placements.extras.clone();
    keep.push(placements.home);
    redirect_dropped_placements(conn, item.id, &keep).await?;

    let step = StepRecord {
        item_id: item.id,
        revision_id: Some(revision.id),
        actor,
        step: "publish",
        level: None,
        note: None,
    };
    record_step(conn, step, micros(now)).await?;
    let event = item_event(conn, item.id, "item.published").await?;
    insert_events(conn, micros(now), &[event]).await
}

/// Returns the revision's metadata with the index number it goes live with, writing that
/// number into the stored revision so publication does not copy the revision.
async fn meta_for_publication(
    conn: &mut Conn<'_>,
    revision: &RevisionRow,
    item: &ItemRecord,
    now: DateTime<Utc>,
) -> Result<String> {
    let mut meta: ItemMeta = serde_json::from_str(&revision.meta).map_err(|error| {
        DbError::Invalid(format!(
            "revision {} has malformed metadata: {error}; save the item again",
            revision.id
        ))
    })?;
    if meta.index_number.is_none() {
        meta.index_number = match &item.index_number {
            Some(stored) => IndexNumber::parse(stored).ok(),
            None => {
                let credit = credit_code_of(conn, item.org_id).await?;
                let code = CreditCode::parse(&credit).map_err(|error| {
                    DbError::Invalid(format!("organization {}: {error}", item.org_id))
                })?;
                let at = meta.published_at.unwrap_or(now);
                let year = to_china(at).year();
                let serial = next_serial(conn, code.org_code(), year).await?;
                Some(IndexNumber::new(code.org_code(), year, serial))
            }
        };
    }
    let text = serde_json::to_string(&meta).map_err(|error| {
        DbError::Invalid(format!(
            "metadata of revision {} cannot be stored: {error}",
            revision.id
        ))
    })?;
    if text != revision.meta {
        conn.execute(
            "UPDATE revisions SET meta = $1 WHERE id = $2",
            args![&text, revision.id],
        )
        .await?;
    }
    Ok(text)
}

async fn credit_code_of(conn: &mut Conn<'_>, org_id: i64) -> Result<String> {
    conn.fetch_one(
        "SELECT credit_code FROM organizations WHERE id = $1",
        args![org_id],
    )
    .await?
    .text("credit_code")
}

/// Removes placements the published revision no longer has. Their item URLs become 301s to
/// the item's URL on the same site, or else on its home site.
async fn redirect_dropped_placements(
    conn: &mut Conn<'_>,
    item_id: ItemId,
    keep: &[i64],
) -> Result<()> {
    let rows = conn
        .fetch_all(
            "SELECT id, column_id, site_id FROM placements WHERE item_id = $1",
            args![item_id],
        )
        .await?;
    for row in rows {
        let column_id = row.int("column_id")?;
        if keep.contains(&column_id) {
            continue;
        }
        let site_id = row.int("site_id")?;
        let location = new_location(conn, item_id, site_id).await?;
        conn.execute(
            "UPDATE routes SET kind = 'redirect', location = $1 WHERE item_id = $2 \
             AND column_id = $3 AND kind = 'item'",
            args![location, item_id, column_id],
        )
        .await?;
        conn.execute(
            "DELETE FROM placements WHERE id = $1",
            args![row.int("id")?],
        )
        .await?;
    }
    Ok(())
}

/// Returns the URL an old placement of an item redirects to: its route on the same site when
/// it has one, otherwise the absolute URL of its home placement.
async fn new_location(conn: &mut Conn<'_>, item_id: ItemId, site_id: i64) -> Result<String> {
    let same_site = conn
        .fetch_optional(
            "SELECT r.path FROM routes r JOIN placements p ON p.item_id = r.item_id \
             AND p.column_id = r.column_id WHERE r.item_id = $1 AND r.site_id = $2 \
             AND r.kind = 'item' ORDER BY p.is_home DESC, r.id LIMIT 1",
            args![item_id, site_id],
        )
        .await?;
    if let Some(row) = same_site {
        return row.text("path");
    }
    let home = conn
        .fetch_optional(
            "SELECT r.site_id, r.path FROM routes r JOIN placements p ON p.item_id = r.item_id \
             AND p.column_id = r.column_id WHERE r.item_id = $1 AND p.is_home = $2 \
             AND r.kind = 'item' LIMIT 1",
            args![item_id, true],
        )
        .await?
        .ok_or_else(|| DbError::NotFound(format!("item {item_id} has no home URL")))?;
    let host = primary_domain(conn, home.int("site_id")?)
        .await?
        .unwrap_or_default();
    Ok(format!("https://{host}{}", home.text("path")?))
}

impl Db {
    /// Withdraws a published item now, or schedules it when `at` is later than now. Its URLs
    /// then return 410 with the notice, or 301 to the replacement.
    pub async fn withdraw_item(
        &self,
        scope: &Scope,
        actor: StaffId,
        item_id: ItemId,
        how: &Withdrawal,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let now = self.now();
        check_withdrawal(how)?;
        let mut tx = self.begin().await?;
        check_item_write(&mut tx.conn(), scope, item_id).await?;
        let (notice, location) = match how {
            Withdrawal::Gone { notice } => (Some(notice.trim().to_string()), None),
            Withdrawal::Redirect { location } => (None, Some(location.trim().to_string())),
        };
        let scheduled = at.is_some_and(|at| at > now);
        if scheduled {
            tx.conn()
                .execute(
                    "UPDATE items SET withdraw_at = $1, withdraw_notice = $2, withdraw_location = $3 \
                     WHERE id = $4",
                    args![at.map(micros), notice, location, item_id],
                )
                .await?;
            let step = StepRecord {
                item_id,
                revision_id: None,
                actor: Some(actor),
                step: "schedule_withdrawal",
                level: None,
                note: None,
            };
            record_step(&mut tx.conn(), step, micros(now)).await?;
        } else {
            withdraw_in(&mut tx.conn(), item_id, how, Some(actor), now).await?;
        }
        tx.commit().await?;
        Ok(!scheduled)
    }
}

fn check_withdrawal(how: &Withdrawal) -> Result<()> {
    match how {
        Withdrawal::Gone { notice } if notice.trim().is_empty() => Err(DbError::Invalid(
            "the withdrawal notice is missing; write why the item is withdrawn, or give a replacement"
                .to_string(),
        )),
        Withdrawal::Gone { notice } if notice.chars().count() > 500 => Err(DbError::Invalid(
            "the withdrawal notice is longer than 500 characters; shorten it".to_string(),
        )),
        Withdrawal::Redirect { location } if !is_replacement_location(location.trim()) => {
            Err(DbError::Invalid(format!(
                "replacement \"{location}\" is neither a path starting with / nor an http(s) URL; correct it"
            )))
        }
        _ => Ok(()),
    }
}

/// Returns true for a local path (`/…`, not `//…` or `/\…`) or an absolute http(s) URL.
fn is_replacement_location(location: &str) -> bool {
    // Browsers read `\` as `/`, so `/\host` would leave the site like `//host` does.
    if location.contains('\\') || location.chars().any(char::is_control) {
        return false;
    }
    let local = location.starts_with('/') && !location.starts_with("//");
    local || location.starts_with("https://") || location.starts_with("http://")
}

/// Takes an item offline inside the caller's transaction.
pub(crate) async fn withdraw_in(
    conn: &mut Conn<'_>,
    item_id: ItemId,
    how: &Withdrawal,
    actor: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<()> {
    let item = lock_item(conn, item_id).await?;
    if item.live_revision_id.is_none() {
        return Err(DbError::Invalid(format!(
            "item {item_id} is not published, so there is nothing to withdraw"
        )));
    }
    let event = item_event(conn, item_id, "item.withdrawn").await?;
    conn.execute(
        "UPDATE items SET live_revision_id = NULL, withdrawn_at = $1, withdraw_at = NULL, \
         updated_at = $1 WHERE id = $2",
        args![micros(now), item_id],
    )
    .await?;
    conn.execute(
        "UPDATE revisions SET state = 'superseded', updated_at = $1 WHERE item_id = $2 AND state = 'published'",
        args![micros(now), item_id],
    )
    .await?;
    match how {
        Withdrawal::Gone { notice } => {
            conn.execute(
                "UPDATE routes SET kind = 'gone', notice = $1 WHERE item_id = $2 AND kind = 'item'",
                args![notice.trim(), item_id],
            )
            .await?
        }
        Withdrawal::Redirect { location } => {
            conn.execute(
                "UPDATE routes SET kind = 'redirect', location = $1 WHERE item_id = $2 AND kind = 'item'",
                args![location.trim(), item_id],
            )
            .await?
        }
    };
    let step = StepRecord {
        item_id,
        revision_id: item.live_revision_id,
        actor,
        step: "withdraw",
        level: None,
        note: None,
    };
    record_step(conn, step, micros(now)).await?;
    insert_events(conn, micros(now), &[event]).await
}
