//! What editors tune the search with: synonym groups applied at query time (身份证 =
//! 居民身份证), and the queries that found nothing, counted per site, so editors can add the
//! missing content or a synonym.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::SiteId;
use crate::outbox::{insert_events, NewEvent};
use crate::sql::{args, micros, Row};
use crate::staff::StaffId;

/// Most terms one synonym group may hold.
pub const MAX_SYNONYM_TERMS: usize = 20;

/// Maximum length of a synonym term, in characters.
pub const MAX_SYNONYM_TERM_CHARS: usize = 30;

/// Maximum length of a query kept in the list of unanswered queries, in characters. Longer
/// ones are cut.
const MAX_MISS_CHARS: usize = 100;

/// Equivalent search terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynonymGroup {
    pub id: i64,
    pub terms: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// A query that found nothing on a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchMiss {
    pub site_id: SiteId,
    pub query: String,
    /// How many times it was asked.
    pub count: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

fn group_from_row(row: &Row) -> Result<SynonymGroup> {
    let id = row.int("id")?;
    let terms = serde_json::from_str(&row.text("terms")?).map_err(|error| {
        DbError::Invalid(format!(
            "synonym group {id} contains invalid JSON ({error}); save the group again"
        ))
    })?;
    Ok(SynonymGroup {
        id,
        terms,
        updated_at: row.time("updated_at")?,
    })
}

/// Trims the terms, drops empty and repeated ones, and checks the rest.
fn clean_terms(terms: &[String]) -> Result<Vec<String>> {
    let mut clean: Vec<String> = Vec::new();
    for term in terms {
        let term = term.trim();
        if term.is_empty() || clean.iter().any(|seen| seen == term) {
            continue;
        }
        let len = term.chars().count();
        if len > MAX_SYNONYM_TERM_CHARS {
            return Err(DbError::Invalid(format!(
                "synonym \"{term}\" has {len} characters; keep each term to {MAX_SYNONYM_TERM_CHARS}"
            )));
        }
        if term.chars().any(|c| c.is_control() || c == '=' || c == ',') {
            return Err(DbError::Invalid(format!(
                "synonym \"{term}\" contains a separator or control character; give one term \
                 per entry"
            )));
        }
        clean.push(term.to_string());
    }
    if clean.len() < 2 {
        return Err(DbError::Invalid(
            "a synonym group needs at least two different terms, such as 身份证 = 居民身份证"
                .to_string(),
        ));
    }
    if clean.len() > MAX_SYNONYM_TERMS {
        return Err(DbError::Invalid(format!(
            "a synonym group has at most {MAX_SYNONYM_TERMS} terms, but this one has {}: split it",
            clean.len()
        )));
    }
    Ok(clean)
}

fn synonyms_event() -> NewEvent {
    NewEvent {
        kind: "search.synonyms",
        tags: std::collections::BTreeSet::new(),
        item_id: None,
        site_id: None,
    }
}

impl Db {
    /// Returns every synonym group, oldest first.
    pub async fn synonym_groups(&self) -> Result<Vec<SynonymGroup>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT id, terms, updated_at FROM search_synonyms ORDER BY id",
                args![],
            )
            .await?;
        rows.iter().map(group_from_row).collect()
    }

    /// Creates a synonym group (`id` None) or replaces one. A term may belong to one group
    /// only; a term already in another group is refused, naming that group.
    pub async fn save_synonym_group(
        &self,
        id: Option<i64>,
        terms: &[String],
        by: Option<StaffId>,
    ) -> Result<i64> {
        let terms = clean_terms(terms)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let others = tx
            .conn()
            .fetch_all("SELECT id, terms, updated_at FROM search_synonyms", args![])
            .await?;
        for row in &others {
            let group = group_from_row(row)?;
            if Some(group.id) == id {
                continue;
            }
            if let Some(term) = terms.iter().find(|term| group.terms.contains(term)) {
                return Err(DbError::Conflict(format!(
                    "\"{term}\" is already in the group {}; add the other terms to that group \
                     instead",
                    group.terms.join(" = ")
                )));
            }
        }
        let text = serde_json::to_string(&terms).unwrap_or_else(|_| "[]".to_string());
        let id = match id {
            Some(id) => {
                let changed = tx
                    .conn()
                    .execute(
                        "UPDATE search_synonyms SET terms = $2, updated_by = $3, updated_at = $4 \
                         WHERE id = $1",
                        args![id, text, by, micros(now)],
                    )
                    .await?;
                if changed == 0 {
                    return Err(DbError::NotFound(format!(
                        "synonym group {id} does not exist; it may have been deleted"
                    )));
                }
                id
            }
            None => tx
                .conn()
                .fetch_one(
                    "INSERT INTO search_synonyms (terms, updated_by, updated_at) \
                     VALUES ($1, $2, $3) RETURNING id",
                    args![text, by, micros(now)],
                )
                .await?
                .int("id")?,
        };
        insert_events(&mut tx.conn(), micros(now), &[synonyms_event()]).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes a synonym group.
    pub async fn delete_synonym_group(&self, id: i64) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let changed = tx
            .conn()
            .execute("DELETE FROM search_synonyms WHERE id = $1", args![id])
            .await?;
        if changed == 0 {
            return Err(DbError::NotFound(format!(
                "synonym group {id} does not exist; it may have been deleted"
            )));
        }
        insert_events(&mut tx.conn(), micros(now), &[synonyms_event()]).await?;
        tx.commit().await
    }

    /// Counts one query that found nothing on `site_id`. The query is trimmed and cut to
    /// 100 characters; an empty query is not counted.
    pub async fn record_search_miss(&self, site_id: SiteId, query: &str) -> Result<()> {
        let query: String = query.trim().chars().take(MAX_MISS_CHARS).collect();
        if query.is_empty() {
            return Ok(());
        }
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let changed = tx
            .conn()
            .execute(
                "UPDATE search_misses SET count = count + 1, last_at = $3 \
                 WHERE site_id = $1 AND query = $2",
                args![site_id, query.as_str(), now],
            )
            .await?;
        if changed == 0 {
            tx.conn()
                .execute(
                    "INSERT INTO search_misses (site_id, query, count, first_at, last_at) \
                     VALUES ($1, $2, 1, $3, $3)",
                    args![site_id, query.as_str(), now],
                )
                .await?;
        }
        tx.commit().await
    }

    /// Returns up to `limit` unanswered queries, the most asked first; with `site`, only that
    /// site's.
    pub async fn search_misses(&self, site: Option<SiteId>, limit: i64) -> Result<Vec<SearchMiss>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let rows = match site {
            Some(site) => {
                conn.fetch_all(
                    "SELECT site_id, query, count, first_at, last_at FROM search_misses \
                     WHERE site_id = $1 ORDER BY count DESC, last_at DESC LIMIT $2",
                    args![site, limit],
                )
                .await?
            }
            None => {
                conn.fetch_all(
                    "SELECT site_id, query, count, first_at, last_at FROM search_misses \
                     ORDER BY count DESC, last_at DESC LIMIT $1",
                    args![limit],
                )
                .await?
            }
        };
        rows.iter()
            .map(|row| {
                Ok(SearchMiss {
                    site_id: row.int("site_id")?,
                    query: row.text("query")?,
                    count: row.int("count")?,
                    first_at: row.time("first_at")?,
                    last_at: row.time("last_at")?,
                })
            })
            .collect()
    }

    /// Removes an unanswered query from the list once an editor has dealt with it.
    pub async fn dismiss_search_miss(&self, site_id: SiteId, query: &str) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed = tx
            .conn()
            .execute(
                "DELETE FROM search_misses WHERE site_id = $1 AND query = $2",
                args![site_id, query],
            )
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Deletes unanswered queries last asked before `before`; returns how many.
    pub async fn prune_search_misses(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin().await?;
        let deleted = tx
            .conn()
            .execute(
                "DELETE FROM search_misses WHERE last_at < $1",
                args![micros(before)],
            )
            .await?;
        tx.commit().await?;
        Ok(deleted)
    }
}
