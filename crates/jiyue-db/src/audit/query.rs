//! Reading the audit log for people: filtered, newest first, paged by sequence number.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::AuditResult;
use crate::db::Db;
use crate::error::Result;
use crate::sql::{micros, Arg, Row};

/// The maximum number of rows one query returns.
const MAX_LIMIT: i64 = 10_000;

/// The conditions an entry must meet to be returned by `audit_query`. A field left `None`
/// matches every entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub to: Option<DateTime<Utc>>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub result: Option<AuditResult>,
    /// Entries with a smaller sequence number: the last `seq` of the previous page.
    pub before_seq: Option<i64>,
}

/// An audit log entry as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_id: Option<i64>,
    pub address: String,
    pub action: String,
    pub target: String,
    /// `ok`, `denied` or `failed`.
    pub result: String,
    pub detail: String,
    /// The month in China Standard Time, `YYYY-MM`, that the entry belongs to.
    pub segment: String,
}

impl AuditRecord {
    fn read(row: &Row) -> Result<AuditRecord> {
        Ok(AuditRecord {
            seq: row.int("seq")?,
            at: row.time("at")?,
            actor: row.text("actor")?,
            actor_id: row.opt_int("actor_id")?,
            address: row.text("address")?,
            action: row.text("action")?,
            target: row.text("target")?,
            result: row.text("result")?,
            detail: row.text("detail")?,
            segment: row.text("segment")?,
        })
    }
}

/// Builds a WHERE clause from conditions with `{}` where their placeholder goes.
#[derive(Default)]
pub(crate) struct Conditions {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Conditions {
    /// Adds a condition such as `at >= {}` bound to `value`.
    pub(crate) fn push(&mut self, clause: &str, value: impl Into<Arg>) {
        self.args.push(value.into());
        let placeholder = format!("${}", self.args.len());
        self.clauses.push(clause.replace("{}", &placeholder));
    }

    /// Returns ` WHERE …` (empty without conditions) and the bind values, with `limit` bound
    /// last and its placeholder.
    pub(crate) fn finish(mut self, limit: i64) -> (String, Vec<Arg>, String) {
        let clause = if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        };
        self.args.push(Arg::from(limit.clamp(1, MAX_LIMIT)));
        let placeholder = format!("${}", self.args.len());
        (clause, self.args, placeholder)
    }
}

impl Db {
    /// Returns up to `limit` audit log entries that match `filter`, newest first. `limit` is
    /// capped at 10,000; page on with `before_seq` set to the last `seq` returned.
    pub async fn audit_query(&self, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRecord>> {
        let mut conditions = Conditions::default();
        if let Some(from) = filter.from {
            conditions.push("at >= {}", micros(from));
        }
        if let Some(to) = filter.to {
            conditions.push("at < {}", micros(to));
        }
        if let Some(actor) = &filter.actor {
            conditions.push("actor = {}", actor);
        }
        if let Some(action) = &filter.action {
            conditions.push("action = {}", action);
        }
        if let Some(result) = filter.result {
            conditions.push("result = {}", result.as_str());
        }
        if let Some(before) = filter.before_seq {
            conditions.push("seq < {}", before);
        }
        let (clause, args, limit) = conditions.finish(limit);
        let sql = format!(
            "SELECT seq, at, actor, actor_id, address, action, target, result, detail, segment \
             FROM audit_log{clause} ORDER BY seq DESC LIMIT {limit}"
        );

        let mut handle = self.reader().await?;
        let rows = handle.conn().fetch_all(&sql, args).await?;
        rows.iter().map(AuditRecord::read).collect()
    }
}
