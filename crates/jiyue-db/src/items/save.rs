//! Saving items: one transaction per call that validates the metadata, resolves the owner and
//! the columns, writes a revision when something changed, publishes it, assigns the index
//! number at first publication, writes placements and routes, and records one outbox event.

use chrono::{DateTime, Datelike, Utc};
use jiyue_core::clock::to_china;
use jiyue_core::{IndexNumber, ItemMeta};

use super::links::{write_links, LinkInput};
use super::resolve::{check_item_scope, resolve, validate_input, Resolved};
use super::{find_item, item_event, ItemRecord};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ItemInput, RevisionId, SavedItem, Scope};
use crate::outbox::{insert_events, NewEvent};
use crate::sql::{args, micros, Conn};

/// The metadata to store and the first publication time after this save.
struct Publication {
    meta: ItemMeta,
    first_published_at: Option<DateTime<Utc>>,
}

impl Db {
    /// Saves one item in one transaction; see `save_items` for what a save does.
    pub async fn save_item(&self, scope: &Scope, input: &ItemInput) -> Result<SavedItem> {
        let mut saved = self
            .save_items_inner(scope, std::slice::from_ref(input), false)
            .await?;
        saved
            .pop()
            .ok_or_else(|| DbError::Invalid("no item was saved".to_string()))
    }

    /// Saves many items in one transaction, so an import file is stored whole or not at all.
    /// A later item may name an earlier one of the same batch in `translation_of`. Saving the
    /// same input again writes nothing and returns `changed: false`. An error names the
    /// external id of the item that failed.
    pub async fn save_items(&self, scope: &Scope, inputs: &[ItemInput]) -> Result<Vec<SavedItem>> {
        self.save_items_inner(scope, inputs, true).await
    }

    async fn save_items_inner(
        &self,
        scope: &Scope,
        inputs: &[ItemInput],
        name_item: bool,
    ) -> Result<Vec<SavedItem>> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let mut saved = Vec::with_capacity(inputs.len());
        let mut events = Vec::new();
        for input in inputs {
            let result = save_one(&mut tx.conn(), scope, input, now).await;
            let (one, event) = match result {
                Ok(done) => done,
                Err(error) if name_item => return Err(error.in_item(&input.external_id)),
                Err(error) => return Err(error),
            };
            saved.push(one);
            events.extend(event);
        }
        // Events go last, so on PostgreSQL the outbox lock is held only until the commit.
        insert_events(&mut tx.conn(), micros(now), &events).await?;
        tx.commit().await?;
        Ok(saved)
    }
}

pub(crate) async fn save_one(
    conn: &mut Conn<'_>,
    scope: &Scope,
    input: &ItemInput,
    now: DateTime<Utc>,
) -> Result<(SavedItem, Option<NewEvent>)> {
    validate_input(input)?;
    if input.publish {
        crate::services::check_publishable(&input.meta)?;
    }
    let resolved = resolve(conn, input).await?;
    let existing = find_item(conn, &input.external_id).await?;
    check_item_scope(conn, scope, &resolved, existing.as_ref()).await?;

    let created = existing.is_none();
    let item = match existing {
        Some(item) => item,
        None => insert_item(conn, input, &resolved, micros(now)).await?,
    };
    let publication = plan_publication(conn, input, &resolved, &item, now).await?;
    let (revision_id, new_revision) = write_revision(
        conn,
        &item,
        &publication.meta,
        &input.body_html,
        micros(now),
    )
    .await?;
    crate::services::note_revision(conn, item.id, &publication.meta, now).await?;
    let row_changed = update_item(
        conn,
        &item,
        input,
        &resolved,
        &publication,
        revision_id,
        new_revision,
        micros(now),
    )
    .await?;

    let links = LinkInput {
        item_id: item.id,
        item_no: item.item_no,
        resolved: &resolved,
        first_published_at: publication.first_published_at,
        input,
        from_platform: *scope == Scope::Platform,
        now: micros(now),
    };
    let links_changed = write_links(conn, &links).await?;

    let changed = created || new_revision || row_changed || links_changed;
    let saved = SavedItem {
        item_id: item.id,
        revision_id,
        created,
        changed,
    };
    if !changed {
        return Ok((saved, None));
    }
    if input.publish {
        mark_published(conn, item.id, revision_id, micros(now)).await?;
    }
    let published_now = input.publish && item.live_revision_id != Some(revision_id);
    let kind = if published_now {
        "item.published"
    } else {
        "item.changed"
    };
    let event = item_event(conn, item.id, kind).await?;
    Ok((saved, Some(event)))
}

async fn insert_item(
    conn: &mut Conn<'_>,
    input: &ItemInput,
    resolved: &Resolved,
    now: i64,
) -> Result<ItemRecord> {
    // The item number equals the id, taken before the insert so both columns get it at once.
    let sql = if conn.is_pg() {
        "SELECT nextval(pg_get_serial_sequence('items', 'id')) AS id"
    } else {
        "SELECT COALESCE(MAX(id), 0) + 1 AS id FROM items"
    };
    let id = conn.fetch_one(sql, args![]).await?.int("id")?;
    conn.execute(
        "INSERT INTO items (id, org_id, item_no, external_id, lang, sample, created_at, updated_at) \
         VALUES ($1, $2, $1, $3, $4, $5, $6, $6)",
        args![id, resolved.org.id, &input.external_id, &input.meta.lang, input.sample, now],
    )
    .await?;
    find_item(conn, &input.external_id).await?.ok_or_else(|| {
        DbError::NotFound(format!(
            "item \"{}\" vanished right after its insert; retry the save",
            input.external_id
        ))
    })
}

async fn plan_publication(
    conn: &mut Conn<'_>,
    input: &ItemInput,
    resolved: &Resolved,
    item: &ItemRecord,
    now: DateTime<Utc>,
) -> Result<Publication> {
    let mut meta = input.meta.clone();
    if meta.index_number.is_none() {
        if let Some(stored) = &item.index_number {
            meta.index_number = Some(IndexNumber::parse(stored).map_err(|error| {
                DbError::Invalid(format!(
                    "stored index number of item {}: {error}; save it with a valid one",
                    item.id
                ))
            })?);
        }
    }
    let mut first_published_at = item.first_published_at;
    if input.publish && first_published_at.is_none() {
        let at = meta.published_at.unwrap_or(now);
        first_published_at = Some(at);
        if meta.index_number.is_none() {
            let org_code = resolved.credit_code.org_code();
            let year = to_china(at).year();
            let serial = next_serial(conn, org_code, year).await?;
            meta.index_number = Some(IndexNumber::new(org_code, year, serial));
        }
    }
    Ok(Publication {
        meta,
        first_published_at,
    })
}

/// Marks the live revision published and the one it replaces superseded.
async fn mark_published(
    conn: &mut Conn<'_>,
    item_id: i64,
    revision_id: RevisionId,
    now: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE revisions SET state = 'superseded', updated_at = $1 \
         WHERE item_id = $2 AND state = 'published' AND id <> $3",
        args![now, item_id, revision_id],
    )
    .await?;
    conn.execute(
        "UPDATE revisions SET state = 'published', updated_at = $1 WHERE id = $2 AND state <> 'published'",
        args![now, revision_id],
    )
    .await?;
    Ok(())
}

/// Counts the next index-number serial of an organization and year inside the transaction.
pub(super) async fn next_serial(conn: &mut Conn<'_>, org_code: &str, year: i32) -> Result<u32> {
    let row = conn
        .fetch_one(
            "INSERT INTO index_serials (org_code, year, last_serial) VALUES ($1, $2, 1) \
             ON CONFLICT (org_code, year) DO UPDATE SET last_serial = index_serials.last_serial + 1 \
             RETURNING last_serial",
            args![org_code, i64::from(year)],
        )
        .await?;
    let serial = row.int("last_serial")?;
    u32::try_from(serial).map_err(|_| {
        DbError::Invalid(format!(
            "index serial {serial} of {org_code}/{year} is out of range; repair index_serials"
        ))
    })
}

/// Writes a new revision when the metadata or body differ from the newest one. Returns the
/// revision to use and whether it is new.
async fn write_revision(
    conn: &mut Conn<'_>,
    item: &ItemRecord,
    meta: &ItemMeta,
    body_html: &str,
    now: i64,
) -> Result<(RevisionId, bool)> {
    let meta_json = serde_json::to_string(meta).map_err(|error| {
        DbError::Invalid(format!(
            "metadata of item {} cannot be stored as JSON: {error}",
            item.id
        ))
    })?;
    let latest = conn
        .fetch_optional(
            "SELECT id, number, meta, body_html FROM revisions WHERE item_id = $1 ORDER BY number DESC LIMIT 1",
            args![item.id],
        )
        .await?;
    let mut number = 1;
    if let Some(latest) = latest {
        if latest.text("meta")? == meta_json && latest.text("body_html")? == body_html {
            return Ok((latest.int("id")?, false));
        }
        number = latest.int("number")? + 1;
    }
    let row = conn
        .fetch_one(
            "INSERT INTO revisions (item_id, org_id, number, meta, body_html, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            args![item.id, item.org_id, number, meta_json, body_html, now],
        )
        .await?;
    Ok((row.int("id")?, true))
}

/// Updates the item row: owner, language, sample flag, live revision, index number and
/// publication times. Returns whether the row changed.
#[allow(clippy::too_many_arguments)]
async fn update_item(
    conn: &mut Conn<'_>,
    item: &ItemRecord,
    input: &ItemInput,
    resolved: &Resolved,
    publication: &Publication,
    revision_id: RevisionId,
    new_revision: bool,
    now: i64,
) -> Result<bool> {
    let live = if input.publish {
        Some(revision_id)
    } else {
        item.live_revision_id
    };
    let index_number = publication
        .meta
        .index_number
        .as_ref()
        .map(|n| n.as_str().to_string());
    let same = item.org_id == resolved.org.id
        && item.lang == input.meta.lang
        && item.sample == input.sample
        && item.live_revision_id == live
        && item.index_number == index_number
        && item.first_published_at == publication.first_published_at;
    if same && !new_revision {
        return Ok(false);
    }
    conn.execute(
        "UPDATE items SET org_id = $1, lang = $2, sample = $3, live_revision_id = $4, \
         index_number = $5, first_published_at = $6, updated_at = $7 WHERE id = $8",
        args![
            resolved.org.id,
            &input.meta.lang,
            input.sample,
            live,
            index_number,
            publication.first_published_at.map(micros),
            now,
            item.id
        ],
    )
    .await?;
    if input.publish {
        // The listing order and date: the publication time in the metadata, or the first
        // publication when the metadata has none.
        let published_at = publication
            .meta
            .published_at
            .or(publication.first_published_at);
        conn.execute(
            "UPDATE items SET published_at = $1 WHERE id = $2",
            args![published_at.map(micros), item.id],
        )
        .await?;
    }
    Ok(!same || new_revision)
}
