//! Storage of the availability probe's visits: one row per fetch of a site's home page, with
//! the status, the response time and the reason of a failure.
//!
//! A visit carries the probe's own time of the visit, not the time it was stored, because a
//! probe that lost the database keeps its visits in a spool file and stores them later. The
//! pair (site, time of visit) is unique, so storing the same visit twice keeps one row.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::SiteId;
use crate::sql::{args, micros, Row};

/// Maximum length of a stored failure reason in characters. Longer reasons are cut.
pub const MAX_PROBE_REASON_CHARS: usize = 500;

/// Maximum length of a stored URL in characters.
pub const MAX_PROBE_URL_CHARS: usize = 2_000;

/// Maximum visits one query returns, enough for a week of visits every minute to one site.
pub const MAX_PROBE_ROWS: i64 = 20_000;

/// One visit of the probe to a site's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeVisit {
    pub site_id: SiteId,
    /// When the probe sent the request, by the probe's clock.
    pub checked_at: DateTime<Utc>,
    /// The address fetched.
    pub url: String,
    /// The HTTP status, or `None` when no response arrived.
    pub status: Option<u16>,
    /// Milliseconds from sending the request to the end of the body, or to giving up.
    pub elapsed_ms: i64,
    /// Whether the page opened: a 2xx status with the whole body within the time limit.
    pub ok: bool,
    /// Reason the visit failed, such as `timed out after 15 s` or `status 500`, or `None` when
    /// it opened.
    pub reason: Option<String>,
}

/// One stored visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeResult {
    pub id: i64,
    pub site_id: SiteId,
    pub checked_at: DateTime<Utc>,
    /// The China-time date of `checked_at`.
    pub day: NaiveDate,
    pub url: String,
    pub status: Option<u16>,
    pub elapsed_ms: i64,
    pub ok: bool,
    pub reason: Option<String>,
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn result_from_row(row: &Row) -> Result<ProbeResult> {
    let day_text = row.text("day")?;
    let day = NaiveDate::parse_from_str(&day_text, "%Y-%m-%d")
        .map_err(|_| DbError::Invalid(format!("stored probe day {day_text:?} is not a date")))?;
    let status = row
        .opt_int("status")?
        .map(|status| {
            u16::try_from(status).map_err(|_| {
                DbError::Invalid(format!(
                    "stored probe status {status} is not an HTTP status"
                ))
            })
        })
        .transpose()?;
    Ok(ProbeResult {
        id: row.int("id")?,
        site_id: row.int("site_id")?,
        checked_at: row.time("checked_at")?,
        day,
        url: row.text("url")?,
        status,
        elapsed_ms: row.int("elapsed_ms")?,
        ok: row.flag("ok")?,
        reason: row.opt_text("reason")?,
    })
}

impl Db {
    /// Stores visits of the probe in one transaction and returns how many were new; a visit
    /// already stored (same site and time) is skipped.
    pub async fn record_probe_visits(&self, visits: &[ProbeVisit]) -> Result<u64> {
        for visit in visits {
            if visit.elapsed_ms < 0 {
                return Err(DbError::Invalid(format!(
                    "probe visit of site {} has a negative response time {} ms",
                    visit.site_id, visit.elapsed_ms
                )));
            }
        }
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        let mut stored = 0;
        for visit in visits {
            let day = jiyue_core::clock::to_china(visit.checked_at).date_naive();
            stored += conn
                .execute(
                    "INSERT INTO probe_results (site_id, checked_at, day, url, status, \
                     elapsed_ms, ok, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (site_id, checked_at) DO NOTHING",
                    args![
                        visit.site_id,
                        micros(visit.checked_at),
                        day.format("%Y-%m-%d").to_string(),
                        cut(&visit.url, MAX_PROBE_URL_CHARS),
                        visit.status.map(i64::from),
                        visit.elapsed_ms,
                        visit.ok,
                        visit
                            .reason
                            .as_deref()
                            .map(|reason| cut(reason, MAX_PROBE_REASON_CHARS)),
                    ],
                )
                .await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// Returns the visits to a site from `from` (inclusive) to `to` (exclusive), oldest first,
    /// at most [`MAX_PROBE_ROWS`] of the newest.
    pub async fn probe_results(
        &self,
        site_id: SiteId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ProbeResult>> {
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(
                "SELECT id, site_id, checked_at, day, url, status, elapsed_ms, ok, reason \
                 FROM probe_results WHERE site_id = $1 AND checked_at >= $2 AND checked_at < $3 \
                 ORDER BY checked_at DESC LIMIT $4",
                args![site_id, micros(from), micros(to), MAX_PROBE_ROWS],
            )
            .await?;
        let mut results = rows
            .iter()
            .map(result_from_row)
            .collect::<Result<Vec<_>>>()?;
        results.reverse();
        Ok(results)
    }

    /// Returns the sites that have visits from `from` (inclusive) to `to` (exclusive).
    pub async fn probed_sites(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SiteId>> {
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(
                "SELECT DISTINCT site_id FROM probe_results \
                 WHERE checked_at >= $1 AND checked_at < $2 ORDER BY site_id",
                args![micros(from), micros(to)],
            )
            .await?;
        rows.iter().map(|row| row.int("site_id")).collect()
    }

    /// Deletes visits older than `before` and returns how many went.
    pub async fn prune_probe_results(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin().await?;
        let deleted = tx
            .conn()
            .execute(
                "DELETE FROM probe_results WHERE checked_at < $1",
                args![micros(before)],
            )
            .await?;
        tx.commit().await?;
        Ok(deleted)
    }
}
