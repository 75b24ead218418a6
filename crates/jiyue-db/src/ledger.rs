//! The tampering ledger: the SM3 digest of every version of every public page and file each
//! site rendered, with when it was first and last rendered. The tampering check compares
//! exported and served bytes with it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{args, micros, Row};
use crate::SiteId;

/// The maximum length of a recorded path, in bytes; longer paths are not recorded.
pub const MAX_LEDGER_PATH_BYTES: usize = 2_000;

/// One rendered body to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub site_id: SiteId,
    /// The request path, such as `/zwgk/202612/t20261201_1.html`.
    pub path: String,
    /// Lowercase hex SM3 digest of the body as sent without content encoding.
    pub digest: String,
    /// Body size in bytes.
    pub length: u64,
    pub content_type: String,
}

/// One stored version of a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerVersion {
    pub id: i64,
    pub site_id: SiteId,
    pub path: String,
    pub digest: String,
    pub length: u64,
    pub content_type: String,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Position among the versions of the path; the highest is the current version.
    pub seen_order: i64,
}

const VERSION_COLUMNS: &str =
    "id, site_id, path, digest, length, content_type, first_seen_at, last_seen_at, seen_order";

fn read_version(row: &Row) -> Result<LedgerVersion> {
    let length = row.int("length")?;
    Ok(LedgerVersion {
        id: row.int("id")?,
        site_id: row.int("site_id")?,
        path: row.text("path")?,
        digest: row.text("digest")?,
        length: u64::try_from(length).map_err(|_| {
            DbError::Invalid(format!(
                "stored length {length} in page_ledger is negative; repair the row"
            ))
        })?,
        content_type: row.text("content_type")?,
        first_seen_at: row.time("first_seen_at")?,
        last_seen_at: row.time("last_seen_at")?,
        seen_order: row.int("seen_order")?,
    })
}

fn check_entry(entry: &LedgerEntry) -> Result<()> {
    let hex = entry.digest.len() == 64
        && entry
            .digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return Err(DbError::Invalid(format!(
            "invalid ledger digest \"{}\" for {}: expected 64 lowercase hex digits of SM3",
            entry.digest, entry.path
        )));
    }
    if !entry.path.starts_with('/') || entry.path.len() > MAX_LEDGER_PATH_BYTES {
        return Err(DbError::Invalid(format!(
            "invalid ledger path \"{}\": expected an absolute path of at most {MAX_LEDGER_PATH_BYTES} bytes",
            entry.path
        )));
    }
    Ok(())
}

impl Db {
    /// Records rendered bodies in one transaction, at the clock's current time. A body equal
    /// to the path's current version only moves its `last_seen_at`; any other body becomes
    /// the current version, as a new row or by raising the row seen before. Entries with an
    /// invalid digest or path fail the whole call, naming the entry.
    pub async fn ledger_record(&self, entries: &[LedgerEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        for entry in entries {
            check_entry(entry)?;
        }
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        for entry in entries {
            let mut conn = tx.conn();
            let current = conn
                .fetch_optional(
                    "SELECT digest, seen_order FROM page_ledger WHERE site_id = $1 AND path = $2 \
                     ORDER BY seen_order DESC, id DESC LIMIT 1",
                    args![entry.site_id, entry.path.as_str()],
                )
                .await?;
            let (current_digest, top) = match &current {
                Some(row) => (Some(row.text("digest")?), row.int("seen_order")?),
                None => (None, 0),
            };
            let order = if current_digest.as_deref() == Some(entry.digest.as_str()) {
                top
            } else {
                top + 1
            };
            let length = i64::try_from(entry.length).unwrap_or(i64::MAX);
            conn.execute(
                "INSERT INTO page_ledger \
                 (site_id, path, digest, length, content_type, first_seen_at, last_seen_at, seen_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7) \
                 ON CONFLICT (site_id, path, digest) DO UPDATE SET \
                 last_seen_at = CASE WHEN excluded.last_seen_at > page_ledger.last_seen_at \
                   THEN excluded.last_seen_at ELSE page_ledger.last_seen_at END, \
                 seen_order = excluded.seen_order",
                args![
                    entry.site_id,
                    entry.path.as_str(),
                    entry.digest.as_str(),
                    length,
                    entry.content_type.as_str(),
                    now,
                    order
                ],
            )
            .await?;
        }
        tx.commit().await
    }

    /// Returns the current version of a path of a site, or `None` when it was never rendered.
    pub async fn ledger_current(
        &self,
        site_id: SiteId,
        path: &str,
    ) -> Result<Option<LedgerVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM page_ledger WHERE site_id = $1 AND path = $2 \
             ORDER BY seen_order DESC, id DESC LIMIT 1"
        );
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(&sql, args![site_id, path])
            .await?;
        row.as_ref().map(read_version).transpose()
    }

    /// Returns every version of a path of a site, the current one first.
    pub async fn ledger_history(&self, site_id: SiteId, path: &str) -> Result<Vec<LedgerVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM page_ledger WHERE site_id = $1 AND path = $2 \
             ORDER BY seen_order DESC, id DESC"
        );
        let mut handle = self.reader().await?;
        let rows = handle.conn().fetch_all(&sql, args![site_id, path]).await?;
        rows.iter().map(read_version).collect()
    }

    /// Returns the current version of every path of a site, ordered by path.
    pub async fn ledger_site(&self, site_id: SiteId) -> Result<Vec<LedgerVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM page_ledger l WHERE site_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM page_ledger n WHERE n.site_id = l.site_id AND n.path = l.path \
              AND (n.seen_order > l.seen_order OR (n.seen_order = l.seen_order AND n.id > l.id))) \
             ORDER BY path"
        );
        let mut handle = self.reader().await?;
        let rows = handle.conn().fetch_all(&sql, args![site_id]).await?;
        rows.iter().map(read_version).collect()
    }
}
