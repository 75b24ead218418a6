//! Monthly service statistics (办事统计): how many applications a service received and
//! completed in a month, exactly as the source of record reported them. Nothing here derives
//! or estimates a figure; a month the source did not report is absent.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::SERVICES_TAG;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::outbox::{insert_events, NewEvent};
use crate::sql::{args, micros};

/// Most rows one import may carry.
pub const MAX_STATS_ROWS: usize = 200_000;

/// One month of one service, as an import file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsInput {
    /// 事项编码 of a service on the platform.
    pub code: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// 受理量
    pub received: i64,
    /// 办结量
    pub completed: i64,
}

/// One stored month of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStat {
    pub code: String,
    pub month: String,
    pub received: i64,
    pub completed: i64,
    /// Name of the source that reported the figures.
    pub source: String,
    pub imported_at: DateTime<Utc>,
}

/// Counts of what an import of statistics wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatsImport {
    /// Months stored for the first time.
    pub inserted: usize,
    /// Months whose figures the source corrected.
    pub updated: usize,
    /// Months already stored with the same figures.
    pub unchanged: usize,
}

/// Returns true for a month written `YYYY-MM` with a real month number.
pub fn is_month(text: &str) -> bool {
    text.len() == 7
        && NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_ok()
        && text.as_bytes()[4] == b'-'
}

fn check_row(row: &StatsInput, line: usize, this_month: &str) -> Result<()> {
    let problem = if !is_month(&row.month) {
        Some(format!(
            "month \"{}\" is not a month; write it as YYYY-MM, such as 2026-10",
            row.month
        ))
    } else if row.month.as_str() > this_month {
        Some(format!(
            "month {} has not begun yet (this month is {this_month}); check the year and month",
            row.month
        ))
    } else if row.received < 0 || row.completed < 0 {
        Some(format!(
            "received {} and completed {} must not be negative; copy the figures from the source",
            row.received, row.completed
        ))
    } else {
        None
    };
    match problem {
        Some(problem) => Err(DbError::Invalid(format!(
            "statistics row {line} (service {}): {problem}",
            row.code
        ))),
        None => Ok(()),
    }
}

impl Db {
    /// Stores monthly figures from `source` in one transaction: a month already stored is
    /// replaced by the source's newer figures. A month after the current one (China time) is
    /// rejected. Completed may exceed received, because a month completes applications received
    /// earlier. Every code must name a service item on the platform. The first row that does
    /// not, or that is malformed, rejects the whole import and stores nothing.
    pub async fn import_service_stats(
        &self,
        source: &str,
        rows: &[StatsInput],
    ) -> Result<StatsImport> {
        if source.trim().is_empty() {
            return Err(DbError::Invalid(
                "the statistics source is empty; name the platform the figures come from"
                    .to_string(),
            ));
        }
        if rows.len() > MAX_STATS_ROWS {
            return Err(DbError::Invalid(format!(
                "{} statistics rows are more than one import takes ({MAX_STATS_ROWS}); split \
                 the file",
                rows.len()
            )));
        }
        let now = self.now();
        let this_month = jiyue_core::clock::to_china(now).format("%Y-%m").to_string();
        let mut tx = self.begin().await?;
        let mut outcome = StatsImport {
            inserted: 0,
            updated: 0,
            unchanged: 0,
        };
        for (index, row) in rows.iter().enumerate() {
            let line = index + 1;
            check_row(row, line, &this_month)?;
            let code = row.code.trim();
            let known = tx
                .conn()
                .fetch_optional(
                    "SELECT 1 AS one FROM service_records WHERE code = $1",
                    args![code],
                )
                .await?;
            if known.is_none() {
                return Err(DbError::Invalid(format!(
                    "statistics row {line}: no service has code \"{code}\"; import the service \
                     first or correct the code"
                )));
            }
            let stored = tx
                .conn()
                .fetch_optional(
                    "SELECT received, completed, source FROM service_stats \
                     WHERE code = $1 AND month = $2",
                    args![code, row.month.as_str()],
                )
                .await?;
            match stored {
                None => {
                    tx.conn()
                        .execute(
                            "INSERT INTO service_stats (code, month, received, completed, \
                             source, imported_at) VALUES ($1, $2, $3, $4, $5, $6)",
                            args![
                                code,
                                row.month.as_str(),
                                row.received,
                                row.completed,
                                source.trim(),
                                micros(now)
                            ],
                        )
                        .await?;
                    outcome.inserted += 1;
                }
                Some(stored)
                    if stored.int("received")? == row.received
                        && stored.int("completed")? == row.completed
                        && stored.text("source")? == source.trim() =>
                {
                    outcome.unchanged += 1;
                }
                Some(_) => {
                    tx.conn()
                        .execute(
                            "UPDATE service_stats SET received = $3, completed = $4, source = $5, \
                             imported_at = $6 WHERE code = $1 AND month = $2",
                            args![
                                code,
                                row.month.as_str(),
                                row.received,
                                row.completed,
                                source.trim(),
                                micros(now)
                            ],
                        )
                        .await?;
                    outcome.updated += 1;
                }
            }
        }
        if outcome.inserted + outcome.updated > 0 {
            let event = NewEvent {
                kind: "services.stats",
                tags: [SERVICES_TAG.to_string()].into_iter().collect(),
                item_id: None,
                site_id: None,
            };
            insert_events(&mut tx.conn(), micros(now), &[event]).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// Returns stored statistics, newest month first, then by code; with `code`, only that
    /// service's.
    pub async fn service_stats(&self, code: Option<&str>) -> Result<Vec<ServiceStat>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let rows = match code {
            Some(code) => {
                conn.fetch_all(
                    "SELECT code, month, received, completed, source, imported_at \
                     FROM service_stats WHERE code = $1 ORDER BY month DESC",
                    args![code.trim()],
                )
                .await?
            }
            None => {
                conn.fetch_all(
                    "SELECT code, month, received, completed, source, imported_at \
                     FROM service_stats ORDER BY month DESC, code",
                    args![],
                )
                .await?
            }
        };
        rows.iter()
            .map(|row| {
                Ok(ServiceStat {
                    code: row.text("code")?,
                    month: row.text("month")?,
                    received: row.int("received")?,
                    completed: row.int("completed")?,
                    source: row.text("source")?,
                    imported_at: row.time("imported_at")?,
                })
            })
            .collect()
    }
}
