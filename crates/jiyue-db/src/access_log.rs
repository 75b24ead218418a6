//! The access log of the public listener: one row per request, kept at least a year for the
//! audit administrator, written in batches.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::audit::{truncate_chars, Conditions};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{micros, Arg, Row};

/// Rows per INSERT statement: 10 columns each, far below the bind limits of both backends.
const INSERT_BATCH: usize = 50;

/// Rows deleted per statement when pruning, so no single statement runs long.
const PRUNE_BATCH: i64 = 10_000;

/// The maximum length of the host, path, user agent and referer, in characters.
const MAX_TEXT_CHARS: usize = 1_000;

/// The shortest retention, in days, that `access_log_prune` accepts.
pub const MIN_ACCESS_RETAIN_DAYS: u32 = 365;

/// One request to the public listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRecord {
    pub at: DateTime<Utc>,
    pub host: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Bytes of the response body sent.
    pub bytes: u64,
    /// The client IP address.
    pub address: String,
    pub user_agent: String,
    pub referer: String,
    /// Time from the request to the end of the response, in microseconds.
    pub duration_us: u64,
}

/// The conditions a row must meet to be returned by `access_log_query`. A field left `None`
/// matches every row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFilter {
    /// Requests at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Requests before this instant.
    pub to: Option<DateTime<Utc>>,
    pub host: Option<String>,
    /// Requests whose path starts with this text.
    pub path_prefix: Option<String>,
    pub status: Option<u16>,
    pub address: Option<String>,
    /// Rows with a smaller id: the last id of the previous page.
    pub before_id: Option<i64>,
}

fn clamp_u64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn record_args(record: &AccessRecord) -> [Arg; 10] {
    [
        Arg::from(micros(record.at)),
        Arg::from(truncate_chars(&record.host, MAX_TEXT_CHARS)),
        Arg::from(record.method.as_str()),
        Arg::from(truncate_chars(&record.path, MAX_TEXT_CHARS)),
        Arg::from(i64::from(record.status)),
        Arg::from(clamp_u64(record.bytes)),
        Arg::from(record.address.as_str()),
        Arg::from(truncate_chars(&record.user_agent, MAX_TEXT_CHARS)),
        Arg::from(truncate_chars(&record.referer, MAX_TEXT_CHARS)),
        Arg::from(clamp_u64(record.duration_us)),
    ]
}

/// Builds `INSERT … VALUES ($1, …, $10), ($11, …)` for `rows` rows.
/// Builds the INSERT of `rows` records. SQLite gets anonymous `?` placeholders: it looks a
/// named parameter up by scanning the statement's list of names, so binding the 500
/// parameters of `$1`…`$500` took time growing with their square, which profiling showed as
/// the largest cost of a busy public listener.
fn insert_sql(rows: usize, anonymous: bool) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let placeholders: Vec<String> = (1..=10)
                .map(|column| {
                    if anonymous {
                        "?".to_string()
                    } else {
                        format!("${}", row * 10 + column)
                    }
                })
                .collect();
            format!("({})", placeholders.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO access_log \
         (at, host, method, path, status, bytes, address, user_agent, referer, duration_us) \
         VALUES {}",
        values.join(", ")
    )
}

fn read_record(row: &Row) -> Result<(i64, AccessRecord)> {
    let status = row.int("status")?;
    let record = AccessRecord {
        at: row.time("at")?,
        host: row.text("host")?,
        method: row.text("method")?,
        path: row.text("path")?,
        status: u16::try_from(status).map_err(|_| {
            DbError::Invalid(format!(
                "stored HTTP status {status} in access_log is out of range; repair the row"
            ))
        })?,
        bytes: u64::try_from(row.int("bytes")?).unwrap_or_default(),
        address: row.text("address")?,
        user_agent: row.text("user_agent")?,
        referer: row.text("referer")?,
        duration_us: u64::try_from(row.int("duration_us")?).unwrap_or_default(),
    };
    Ok((row.int("id")?, record))
}

impl Db {
    /// Stores requests in one transaction. Cuts the host, path, user agent and referer to
    /// 1,000 characters.
    pub async fn access_log_insert(&self, records: &[AccessRecord]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for batch in records.chunks(INSERT_BATCH) {
            let args: Vec<Arg> = batch.iter().flat_map(record_args).collect();
            let anonymous = !tx.conn().is_pg();
            tx.conn()
                .execute(&insert_sql(batch.len(), anonymous), args)
                .await?;
        }
        tx.commit().await
    }

    /// Returns up to `limit` requests that match `filter` with their row ids, newest first.
    /// `limit` is capped at 10,000; page on with `before_id` set to the last id returned.
    pub async fn access_log_query(
        &self,
        filter: &AccessFilter,
        limit: i64,
    ) -> Result<Vec<(i64, AccessRecord)>> {
        let mut conditions = Conditions::default();
        if let Some(from) = filter.from {
            conditions.push("at >= {}", micros(from));
        }
        if let Some(to) = filter.to {
            conditions.push("at < {}", micros(to));
        }
        if let Some(host) = &filter.host {
            conditions.push("host = {}", host);
        }
        if let Some(prefix) = &filter.path_prefix {
            // substr and length count characters on both backends, unlike LIKE, which would
            // need `%` and `_` escaped and ignores case for ASCII on SQLite.
            conditions.push("substr(path, 1, length({})) = {}", prefix);
        }
        if let Some(status) = filter.status {
            conditions.push("status = {}", i64::from(status));
        }
        if let Some(address) = &filter.address {
            conditions.push("address = {}", address);
        }
        if let Some(before) = filter.before_id {
            conditions.push("id < {}", before);
        }
        let (clause, args, limit) = conditions.finish(limit);
        let sql = format!(
            "SELECT id, at, host, method, path, status, bytes, address, user_agent, referer, \
             duration_us FROM access_log{clause} ORDER BY id DESC LIMIT {limit}"
        );

        let mut handle = self.reader().await?;
        let rows = handle.conn().fetch_all(&sql, args).await?;
        rows.iter().map(read_record).collect()
    }

    /// Deletes requests older than `retain_days` days and returns how many were deleted.
    /// Fails when `retain_days` is below 365.
    pub async fn access_log_prune(&self, retain_days: u32) -> Result<u64> {
        if retain_days < MIN_ACCESS_RETAIN_DAYS {
            return Err(DbError::Invalid(format!(
                "access log retention of {retain_days} days is below the minimum of \
                 {MIN_ACCESS_RETAIN_DAYS} days; retain the log for at least \
                 {MIN_ACCESS_RETAIN_DAYS} days"
            )));
        }
        let cutoff = micros(self.now() - Duration::days(i64::from(retain_days)));
        let mut deleted = 0;
        loop {
            let mut tx = self.begin().await?;
            let batch = tx
                .conn()
                .execute(
                    "DELETE FROM access_log WHERE id IN \
                     (SELECT id FROM access_log WHERE at < $1 ORDER BY id LIMIT $2)",
                    crate::sql::args![cutoff, PRUNE_BATCH],
                )
                .await?;
            tx.commit().await?;
            deleted += batch;
            if batch < PRUNE_BATCH as u64 {
                break;
            }
        }
        if deleted > 0 {
            tracing::info!(deleted, retain_days, "access log pruned");
        }
        Ok(deleted)
    }
}
