//! The alert desk's storage: alerts raised from the faults the oversight checks find, their
//! acknowledgement, resolution and escalation, and the deliveries each alert sends.
//!
//! An alert is named by its fault key. While an alert with a key is open or acknowledged, a
//! fault with the same key updates it (last seen, evidence, severity) instead of raising a
//! second one. A partial unique index enforces this even when two nodes run the same check at
//! once. A delivery row is unique per alert, event, channel and target, so each message is sent
//! once however often the job runs.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::cases::rows::date_text;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{OrgId, SiteId};
use crate::sql::{args, micros, Arg, Row};
use crate::staff::StaffId;

/// An alert's id.
pub type AlertId = i64;

/// Maximum length of stored evidence, in characters. Longer evidence is cut.
pub const MAX_EVIDENCE_CHARS: usize = 8_000;

/// Maximum length of a resolution note, in characters.
pub const MAX_RESOLUTION_CHARS: usize = 1_000;

/// Maximum number of rows one alert list returns.
pub const MAX_ALERT_ROWS: i64 = 500;

/// The maximum number of alerts of one check that [`Db::alerts_during`] returns for a period.
pub const MAX_PERIOD_ALERT_ROWS: i64 = 10_000;

/// A fault as the desk stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    pub check: String,
    pub site_id: Option<SiteId>,
    /// The organization that must act: the site's sponsor, or `None` for the platform.
    pub owner_org_id: Option<OrgId>,
    pub fault_key: String,
    pub severity: String,
    pub message: String,
    /// The JSON object of the summary message's arguments.
    pub args: String,
    pub evidence: String,
    /// The China-time date by which the owner should have acted.
    pub due_on: NaiveDate,
}

/// The outcome of raising a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaiseOutcome {
    /// No live alert had the key: a new alert was raised.
    Raised(AlertId),
    /// A live alert had the key and the same or a higher severity; it was marked seen again.
    Seen(AlertId),
    /// A live alert had the key at a lower severity; it now has the higher one and counts as
    /// raised again for delivery.
    Worsened(AlertId),
}

impl RaiseOutcome {
    /// Returns the id of the alert raised or updated.
    pub fn id(self) -> AlertId {
        match self {
            RaiseOutcome::Raised(id) | RaiseOutcome::Seen(id) | RaiseOutcome::Worsened(id) => id,
        }
    }
}

/// One stored alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertRecord {
    pub id: AlertId,
    pub check: String,
    pub site_id: Option<SiteId>,
    pub owner_org_id: Option<OrgId>,
    pub fault_key: String,
    pub severity: String,
    pub message: String,
    pub args: String,
    pub evidence: String,
    /// `open`, `acknowledged` or `resolved`.
    pub status: String,
    pub raised_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub seen_count: i64,
    pub due_on: NaiveDate,
    /// Escalations so far: 0 before any.
    pub level: i64,
    pub escalated_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<StaffId>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<StaffId>,
    pub resolution: Option<String>,
}

/// The conditions of an alert list. A field left `None` matches every alert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    pub status: Option<String>,
    pub severity: Option<String>,
    pub check: Option<String>,
    pub site_id: Option<SiteId>,
    /// Only alerts of these sites (a site administrator's view); `None` for every site and the
    /// platform's own alerts.
    pub sites: Option<Vec<SiteId>>,
    /// Only live alerts (open or acknowledged).
    pub live: bool,
}

/// One message an alert sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    pub id: i64,
    pub alert_id: AlertId,
    /// `raised`, `escalated:<level>` or `resolved`.
    pub event: String,
    /// `mail` or `webhook`.
    pub channel: String,
    /// A mail address or a webhook URL.
    pub target: String,
    /// `pending`, `sent` or `failed` (gave up).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Live alerts counted by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AlertCounts {
    pub critical: i64,
    pub warning: i64,
    pub notice: i64,
    /// Live alerts not yet acknowledged.
    pub unacknowledged: i64,
    /// Live alerts past their due date.
    pub overdue: i64,
}

const ALERT_COLUMNS: &str = "id, check_name, site_id, owner_org_id, fault_key, severity, \
     message, args, evidence, status, raised_at, last_seen_at, seen_count, due_on, level, \
     escalated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution";

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "critical" => 3,
        "warning" => 2,
        _ => 1,
    }
}

fn check_severity(severity: &str) -> Result<()> {
    match severity {
        "notice" | "warning" | "critical" => Ok(()),
        other => Err(DbError::Invalid(format!(
            "unknown alert severity {other:?}: use notice, warning or critical"
        ))),
    }
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn alert_from_row(row: &Row) -> Result<AlertRecord> {
    let due_text = row.text("due_on")?;
    let due_on = NaiveDate::parse_from_str(&due_text, "%Y-%m-%d").map_err(|_| {
        DbError::Invalid(format!("stored alert due date {due_text:?} is not a date"))
    })?;
    Ok(AlertRecord {
        id: row.int("id")?,
        check: row.text("check_name")?,
        site_id: row.opt_int("site_id")?,
        owner_org_id: row.opt_int("owner_org_id")?,
        fault_key: row.text("fault_key")?,
        severity: row.text("severity")?,
        message: row.text("message")?,
        args: row.text("args")?,
        evidence: row.text("evidence")?,
        status: row.text("status")?,
        raised_at: row.time("raised_at")?,
        last_seen_at: row.time("last_seen_at")?,
        seen_count: row.int("seen_count")?,
        due_on,
        level: row.int("level")?,
        escalated_at: row.opt_time("escalated_at")?,
        acknowledged_at: row.opt_time("acknowledged_at")?,
        acknowledged_by: row.opt_int("acknowledged_by")?,
        resolved_at: row.opt_time("resolved_at")?,
        resolved_by: row.opt_int("resolved_by")?,
        resolution: row.opt_text("resolution")?,
    })
}

fn delivery_from_row(row: &Row) -> Result<DeliveryRecord> {
    Ok(DeliveryRecord {
        id: row.int("id")?,
        alert_id: row.int("alert_id")?,
        event: row.text("event")?,
        channel: row.text("channel")?,
        target: row.text("target")?,
        status: row.text("status")?,
        attempts: row.int("attempts")?,
        last_error: row.opt_text("last_error")?,
        created_at: row.time("created_at")?,
        sent_at: row.opt_time("sent_at")?,
    })
}

impl Db {
    /// Raises an alert for a fault, or marks the live alert with the same key as seen again.
    /// Evidence is replaced by the newest; a higher severity replaces a lower one, a lower one
    /// never replaces a higher one.
    pub async fn raise_alert(&self, alert: &NewAlert) -> Result<RaiseOutcome> {
        check_severity(&alert.severity)?;
        if alert.fault_key.is_empty() {
            return Err(DbError::Invalid(
                "an alert needs a fault key naming the fault".to_string(),
            ));
        }
        let now = micros(self.now());
        let evidence = cut(&alert.evidence, MAX_EVIDENCE_CHARS);
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        let inserted = conn
            .fetch_optional(
                "INSERT INTO alerts (check_name, site_id, owner_org_id, fault_key, severity, \
                 message, args, evidence, status, raised_at, last_seen_at, seen_count, due_on, \
                 level) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9, 1, $10, 0) \
                 ON CONFLICT (fault_key) WHERE status <> 'resolved' DO NOTHING RETURNING id",
                args![
                    alert.check.as_str(),
                    alert.site_id,
                    alert.owner_org_id,
                    alert.fault_key.as_str(),
                    alert.severity.as_str(),
                    alert.message.as_str(),
                    alert.args.as_str(),
                    evidence.as_str(),
                    now,
                    date_text(alert.due_on),
                ],
            )
            .await?;
        if let Some(row) = inserted {
            let id = row.int("id")?;
            tx.commit().await?;
            return Ok(RaiseOutcome::Raised(id));
        }
        let live = conn
            .fetch_one(
                "SELECT id, severity FROM alerts WHERE fault_key = $1 AND status <> 'resolved'",
                args![alert.fault_key.as_str()],
            )
            .await?;
        let id = live.int("id")?;
        let worse = severity_rank(&alert.severity) > severity_rank(&live.text("severity")?);
        if worse {
            // A fault that got worse is raised again at the higher severity: the owner has to
            // look at it afresh, so an acknowledgement no longer holds.
            conn.execute(
                "UPDATE alerts SET severity = $2, message = $3, args = $4, evidence = $5, \
                 last_seen_at = $6, seen_count = seen_count + 1, due_on = $7, status = 'open', \
                 acknowledged_at = NULL, acknowledged_by = NULL WHERE id = $1",
                args![
                    id,
                    alert.severity.as_str(),
                    alert.message.as_str(),
                    alert.args.as_str(),
                    evidence.as_str(),
                    now,
                    date_text(alert.due_on),
                ],
            )
            .await?;
        } else {
            conn.execute(
                "UPDATE alerts SET message = $2, args = $3, evidence = $4, last_seen_at = $5, \
                 seen_count = seen_count + 1 WHERE id = $1",
                args![
                    id,
                    alert.message.as_str(),
                    alert.args.as_str(),
                    evidence.as_str(),
                    now
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(if worse {
            RaiseOutcome::Worsened(id)
        } else {
            RaiseOutcome::Seen(id)
        })
    }

    /// Resolves the live alerts of `check` that a complete run no longer found: those whose key
    /// is not in `still_found`. `site_id` limits this to one site's alerts when the run covered
    /// one site only. Returns the ids resolved.
    pub async fn resolve_cleared_alerts(
        &self,
        check: &str,
        site_id: Option<SiteId>,
        still_found: &[String],
    ) -> Result<Vec<AlertId>> {
        let now = micros(self.now());
        let live = match site_id {
            Some(site) => {
                self.reader()
                    .await?
                    .conn()
                    .fetch_all(
                        "SELECT id, fault_key FROM alerts WHERE check_name = $1 AND site_id = $2 \
                         AND status <> 'resolved'",
                        args![check, site],
                    )
                    .await?
            }
            None => {
                self.reader()
                    .await?
                    .conn()
                    .fetch_all(
                        "SELECT id, fault_key FROM alerts WHERE check_name = $1 \
                         AND status <> 'resolved'",
                        args![check],
                    )
                    .await?
            }
        };
        let found: std::collections::HashSet<&str> =
            still_found.iter().map(String::as_str).collect();
        let mut resolved = Vec::new();
        for row in live {
            if found.contains(row.text("fault_key")?.as_str()) {
                continue;
            }
            let id = row.int("id")?;
            let changed = self
                .writer_execute(
                    "UPDATE alerts SET status = 'resolved', resolved_at = $2, \
                     resolution = 'cleared' WHERE id = $1 AND status <> 'resolved'",
                    args![id, now],
                )
                .await?;
            if changed > 0 {
                resolved.push(id);
            }
        }
        Ok(resolved)
    }

    /// Marks a live alert as acknowledged by a staff member. Returns false when the alert is
    /// not open (already acknowledged, resolved or missing).
    pub async fn acknowledge_alert(&self, id: AlertId, by: StaffId) -> Result<bool> {
        let now = micros(self.now());
        let changed = self
            .writer_execute(
                "UPDATE alerts SET status = 'acknowledged', acknowledged_at = $2, \
                 acknowledged_by = $3 WHERE id = $1 AND status = 'open'",
                args![id, now, by],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Resolves a live alert by hand with a note. Returns false when it was not live.
    pub async fn resolve_alert(&self, id: AlertId, by: StaffId, note: &str) -> Result<bool> {
        let note = note.trim();
        if note.chars().count() > MAX_RESOLUTION_CHARS {
            return Err(DbError::Invalid(format!(
                "the resolution note has {} characters; shorten it to at most {MAX_RESOLUTION_CHARS}",
                note.chars().count()
            )));
        }
        let now = micros(self.now());
        let changed = self
            .writer_execute(
                "UPDATE alerts SET status = 'resolved', resolved_at = $2, resolved_by = $3, \
                 resolution = $4 WHERE id = $1 AND status <> 'resolved'",
                args![id, now, by, note],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Raises an unacknowledged alert from `from_level` to the next level. Returns false when
    /// another run escalated it first or it was acknowledged or resolved meanwhile.
    pub async fn escalate_alert(&self, id: AlertId, from_level: i64) -> Result<bool> {
        let now = micros(self.now());
        let changed = self
            .writer_execute(
                "UPDATE alerts SET level = level + 1, escalated_at = $3 \
                 WHERE id = $1 AND level = $2 AND status = 'open'",
                args![id, from_level, now],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Returns one alert.
    pub async fn alert(&self, id: AlertId) -> Result<Option<AlertRecord>> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
        self.reader()
            .await?
            .conn()
            .fetch_optional(&sql, args![id])
            .await?
            .as_ref()
            .map(alert_from_row)
            .transpose()
    }

    /// Returns alerts matching `filter`, most severe and newest first, at most
    /// [`MAX_ALERT_ROWS`].
    pub async fn alerts(&self, filter: &AlertFilter) -> Result<Vec<AlertRecord>> {
        let mut conditions = Vec::new();
        let mut values: Vec<Arg> = Vec::new();
        let mut push = |condition: &str, value: Arg, values: &mut Vec<Arg>| {
            values.push(value);
            conditions.push(condition.replace('?', &format!("${}", values.len())));
        };
        if let Some(status) = &filter.status {
            push("status = ?", Arg::from(status), &mut values);
        }
        if let Some(severity) = &filter.severity {
            push("severity = ?", Arg::from(severity), &mut values);
        }
        if let Some(check) = &filter.check {
            push("check_name = ?", Arg::from(check), &mut values);
        }
        if let Some(site) = filter.site_id {
            push("site_id = ?", Arg::from(site), &mut values);
        }
        if filter.live {
            conditions.push("status <> 'resolved'".to_string());
        }
        if let Some(sites) = &filter.sites {
            if sites.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = sites.iter().map(|id| id.to_string()).collect();
            conditions.push(format!("site_id IN ({})", list.join(", ")));
        }
        let condition = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts {condition} ORDER BY \
             CASE status WHEN 'resolved' THEN 1 ELSE 0 END, \
             CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, \
             raised_at DESC, id DESC LIMIT {MAX_ALERT_ROWS}"
        );
        let rows = self.reader().await?.conn().fetch_all(&sql, values).await?;
        rows.iter().map(alert_from_row).collect()
    }

    /// Returns the alerts of `check` that were live at some time from `from` to `to`: raised by
    /// `to` and not resolved before `from`. Site by site, oldest first, at most
    /// [`MAX_PERIOD_ALERT_ROWS`]; the scorecards read a month's faults with it.
    pub async fn alerts_during(
        &self,
        check: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AlertRecord>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE check_name = $1 AND raised_at <= $3 \
             AND (resolved_at IS NULL OR resolved_at >= $2) \
             ORDER BY site_id, raised_at, id LIMIT {MAX_PERIOD_ALERT_ROWS}"
        );
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(&sql, args![check, micros(from), micros(to)])
            .await?;
        rows.iter().map(alert_from_row).collect()
    }

    /// Counts the live alerts by severity, with how many are unacknowledged and how many are
    /// past `today`. `sites` limits the count like [`AlertFilter::sites`].
    pub async fn alert_counts(
        &self,
        sites: Option<&[SiteId]>,
        today: NaiveDate,
    ) -> Result<AlertCounts> {
        let scope = match sites {
            None => String::new(),
            Some([]) => return Ok(AlertCounts::default()),
            Some(sites) => {
                let list: Vec<String> = sites.iter().map(|id| id.to_string()).collect();
                format!("AND site_id IN ({})", list.join(", "))
            }
        };
        let sql = format!(
            "SELECT severity, status, due_on < $1 AS overdue, COUNT(*) AS n FROM alerts \
             WHERE status <> 'resolved' {scope} GROUP BY severity, status, due_on < $1"
        );
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(&sql, args![date_text(today)])
            .await?;
        let mut counts = AlertCounts::default();
        for row in rows {
            let n = row.int("n")?;
            match row.text("severity")?.as_str() {
                "critical" => counts.critical += n,
                "warning" => counts.warning += n,
                _ => counts.notice += n,
            }
            if row.text("status")? == "open" {
                counts.unacknowledged += n;
            }
            if row.flag("overdue")? {
                counts.overdue += n;
            }
        }
        Ok(counts)
    }

    /// Records that an alert's `event` must be sent to `target` over `channel`, once. Returns
    /// false when that delivery was already recorded.
    pub async fn queue_delivery(
        &self,
        alert_id: AlertId,
        event: &str,
        channel: &str,
        target: &str,
    ) -> Result<bool> {
        let now = micros(self.now());
        let changed = self
            .writer_execute(
                "INSERT INTO alert_deliveries (alert_id, event, channel, target, status, \
                 attempts, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, 'pending', 0, \
                 $5, $5) ON CONFLICT (alert_id, event, channel, target) DO NOTHING",
                args![alert_id, event, channel, target, now],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Returns pending deliveries whose next attempt is due, oldest first.
    pub async fn due_deliveries(&self, limit: i64) -> Result<Vec<DeliveryRecord>> {
        let now = micros(self.now());
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(
                "SELECT id, alert_id, event, channel, target, status, attempts, last_error, \
                 created_at, sent_at FROM alert_deliveries WHERE status = 'pending' \
                 AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
                args![now, limit],
            )
            .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// Claims a pending delivery for one attempt: moves its next attempt to `retry_at` and
    /// counts the attempt. Returns false when another node claimed it first, so two nodes
    /// never send the same delivery at once.
    pub async fn claim_delivery(
        &self,
        id: i64,
        attempts: i64,
        retry_at: DateTime<Utc>,
    ) -> Result<bool> {
        let changed = self
            .writer_execute(
                "UPDATE alert_deliveries SET attempts = attempts + 1, next_attempt_at = $3 \
                 WHERE id = $1 AND attempts = $2 AND status = 'pending'",
                args![id, attempts, micros(retry_at)],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Marks a delivery as sent.
    pub async fn delivery_sent(&self, id: i64) -> Result<()> {
        let now = micros(self.now());
        self.writer_execute(
            "UPDATE alert_deliveries SET status = 'sent', sent_at = $2, last_error = NULL \
             WHERE id = $1",
            args![id, now],
        )
        .await?;
        Ok(())
    }

    /// Records a failed attempt; `give_up` marks the delivery failed for good.
    pub async fn delivery_failed(&self, id: i64, error: &str, give_up: bool) -> Result<()> {
        let status = if give_up { "failed" } else { "pending" };
        self.writer_execute(
            "UPDATE alert_deliveries SET status = $2, last_error = $3 WHERE id = $1",
            args![id, status, cut(error, 500)],
        )
        .await?;
        Ok(())
    }

    /// Returns every delivery of an alert, oldest first.
    pub async fn alert_deliveries(&self, alert_id: AlertId) -> Result<Vec<DeliveryRecord>> {
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(
                "SELECT id, alert_id, event, channel, target, status, attempts, last_error, \
                 created_at, sent_at FROM alert_deliveries WHERE alert_id = $1 ORDER BY id",
                args![alert_id],
            )
            .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// Sets or clears a staff member's e-mail address for alert mail. The address must look
    /// like `name@host`.
    pub async fn set_staff_email(&self, id: StaffId, email: Option<&str>) -> Result<()> {
        let email = email.map(str::trim).filter(|text| !text.is_empty());
        if let Some(address) = email {
            let valid = address.len() <= 254
                && address.split_once('@').is_some_and(|(local, host)| {
                    !local.is_empty() && host.contains('.') && !host.starts_with('.')
                })
                && !address.chars().any(|c| c.is_whitespace() || c.is_control());
            if !valid {
                return Err(DbError::Invalid(format!(
                    "{address:?} is not an e-mail address: write it as name@example.gov.cn"
                )));
            }
        }
        let now = micros(self.now());
        let changed = self
            .writer_execute(
                "UPDATE staff SET email = $2, updated_at = $3 WHERE id = $1",
                args![id, email, now],
            )
            .await?;
        if changed == 0 {
            return Err(DbError::NotFound(format!("staff member {id}")));
        }
        Ok(())
    }

    /// Returns the e-mail addresses of enabled staff holding one of `roles` on the platform,
    /// on organization `org_id` or on site `site_id`, without duplicates, sorted.
    pub async fn alert_recipients(
        &self,
        roles: &[&str],
        org_id: Option<OrgId>,
        site_id: Option<SiteId>,
    ) -> Result<Vec<String>> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let role_list: Vec<String> = roles
            .iter()
            .map(|role| format!("'{}'", role.replace('\'', "")))
            .collect();
        let sql = format!(
            "SELECT DISTINCT s.email FROM staff s JOIN grants g ON g.staff_id = s.id \
             WHERE s.disabled = $1 AND s.email IS NOT NULL AND g.role IN ({}) AND \
             (g.scope_kind = 'platform' OR (g.scope_kind = 'org' AND g.scope_id = $2) \
             OR (g.scope_kind = 'site' AND g.scope_id = $3)) ORDER BY s.email",
            role_list.join(", ")
        );
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(
                &sql,
                args![false, org_id.unwrap_or(-1), site_id.unwrap_or(-1)],
            )
            .await?;
        rows.iter().map(|row| row.text("email")).collect()
    }

    /// Runs one statement on the writer and returns the rows changed.
    async fn writer_execute(&self, sql: &str, values: Vec<Arg>) -> Result<u64> {
        let mut tx = self.begin().await?;
        let changed = tx.conn().execute(sql, values).await?;
        tx.commit().await?;
        Ok(changed)
    }
}

/// One scheduled job of the oversight checks, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitorJob {
    pub name: String,
    pub next_run_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<String>,
}

impl Db {
    /// Takes the lease of job `name` when its next run is due and no live lease holds it,
    /// creating the job on first use. Returns false when the job is not due or another node
    /// holds it. The lease lapses after `lease`, so a node that dies mid-run does not block the
    /// job for good.
    pub async fn claim_monitor_job(
        &self,
        name: &str,
        owner: &str,
        lease: chrono::Duration,
    ) -> Result<bool> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            "INSERT INTO monitor_jobs (name, next_run_at) VALUES ($1, $2) \
             ON CONFLICT (name) DO NOTHING",
            args![name, micros(now)],
        )
        .await?;
        let changed = conn
            .execute(
                "UPDATE monitor_jobs SET lease_until = $2, lease_owner = $3, \
                 last_started_at = $4 WHERE name = $1 AND next_run_at <= $4 \
                 AND (lease_until IS NULL OR lease_until < $4)",
                args![name, micros(now + lease), owner, micros(now)],
            )
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Ends a run of job `name` held by `owner`: records the outcome, frees the lease and sets
    /// the next run.
    pub async fn finish_monitor_job(
        &self,
        name: &str,
        owner: &str,
        outcome: &str,
        next_run_at: DateTime<Utc>,
    ) -> Result<()> {
        let now = micros(self.now());
        self.writer_execute(
            "UPDATE monitor_jobs SET lease_until = NULL, lease_owner = NULL, \
             last_finished_at = $3, last_outcome = $4, next_run_at = $5 \
             WHERE name = $1 AND lease_owner = $2",
            args![name, owner, now, cut(outcome, 500), micros(next_run_at)],
        )
        .await?;
        Ok(())
    }

    /// Makes job `name` due now, for an operator who wants a check run at once.
    pub async fn run_monitor_job_now(&self, name: &str) -> Result<()> {
        let now = micros(self.now());
        self.writer_execute(
            "UPDATE monitor_jobs SET next_run_at = $2 WHERE name = $1",
            args![name, now],
        )
        .await?;
        Ok(())
    }

    /// Returns every job, by name.
    pub async fn monitor_jobs(&self) -> Result<Vec<MonitorJob>> {
        let rows = self
            .reader()
            .await?
            .conn()
            .fetch_all(
                "SELECT name, next_run_at, lease_until, last_started_at, last_finished_at, \
                 last_outcome FROM monitor_jobs ORDER BY name",
                Vec::new(),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(MonitorJob {
                    name: row.text("name")?,
                    next_run_at: row.time("next_run_at")?,
                    lease_until: row.opt_time("lease_until")?,
                    last_started_at: row.opt_time("last_started_at")?,
                    last_finished_at: row.opt_time("last_finished_at")?,
                    last_outcome: row.opt_text("last_outcome")?,
                })
            })
            .collect()
    }
}
