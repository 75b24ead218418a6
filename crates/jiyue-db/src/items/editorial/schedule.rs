//! The sweeper of scheduled actions: approved revisions whose `publish_at` has come, and
//! items whose `withdraw_at` has come. The time is stored on the thing it acts on, so a lost
//! or repeated sweep never loses or doubles an action. On PostgreSQL each due row is taken
//! with `FOR UPDATE SKIP LOCKED`, so several nodes sweeping at once act on it once. An action
//! that runs more than a minute after its time (the platform was down) is reported.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::publish::{publish_in, withdraw_in};
use super::{revision_row, Withdrawal, REVISION_ROW_COLUMNS};
use crate::db::Db;
use crate::error::Result;
use crate::model::{ItemId, RevisionId};
use crate::sql::{args, micros, Conn};

/// How late an action may run before it is reported as missed.
const LATE_AFTER: Duration = Duration::minutes(1);

/// One scheduled action that ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleRun {
    pub item_id: ItemId,
    pub revision_id: Option<RevisionId>,
    /// `publish` or `withdraw`; `publish_failed` when the revision went back to its author, and
    /// `withdraw_failed` when the item stayed online.
    pub action: &'static str,
    pub due_at: DateTime<Utc>,
    pub ran_at: DateTime<Utc>,
    /// True when it ran more than a minute after its time.
    pub late: bool,
}

impl Db {
    /// Runs every scheduled publication and withdrawal that is due, one transaction each, and
    /// returns what ran. Call it at startup and then periodically.
    pub async fn run_due_schedules(&self) -> Result<Vec<ScheduleRun>> {
        let mut runs = Vec::new();
        // Each pass takes one due row; a row that fails stays due and is logged by the caller.
        for _ in 0..10_000 {
            let Some(run) = self.run_one_publication().await? else {
                break;
            };
            runs.push(run);
        }
        for _ in 0..10_000 {
            let Some(run) = self.run_one_withdrawal().await? else {
                break;
            };
            runs.push(run);
        }
        Ok(runs)
    }

    async fn run_one_publication(&self) -> Result<Option<ScheduleRun>> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let skip = if tx.conn().is_pg() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {REVISION_ROW_COLUMNS} FROM revisions WHERE state = 'approved' \
             AND publish_at IS NOT NULL AND publish_at <= $1 ORDER BY publish_at, id LIMIT 1{skip}"
        );
        let Some(row) = tx.conn().fetch_optional(&sql, args![micros(now)]).await? else {
            return Ok(None);
        };
        let revision = revision_row(&row)?;
        let due_at = revision.publish_at.unwrap_or(now);
        if let Err(error) = publish_in(&mut tx.conn(), &revision, None, now).await {
            drop(tx);
            self.reject_failed_publication(&revision, &error).await?;
            return Ok(Some(ScheduleRun {
                item_id: revision.item_id,
                revision_id: Some(revision.id),
                action: "publish_failed",
                due_at,
                ran_at: now,
                late: false,
            }));
        }
        let run = ScheduleRun {
            item_id: revision.item_id,
            revision_id: Some(revision.id),
            action: "publish",
            due_at,
            ran_at: now,
            late: now - due_at > LATE_AFTER,
        };
        report_if_late(&mut tx.conn(), &run).await?;
        tx.commit().await?;
        Ok(Some(run))
    }

    async fn run_one_withdrawal(&self) -> Result<Option<ScheduleRun>> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let skip = if tx.conn().is_pg() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "SELECT id, withdraw_at, withdraw_notice, withdraw_location FROM items \
             WHERE withdraw_at IS NOT NULL AND withdraw_at <= $1 ORDER BY withdraw_at, id LIMIT 1{skip}"
        );
        let Some(row) = tx.conn().fetch_optional(&sql, args![micros(now)]).await? else {
            return Ok(None);
        };

        let item_id = row.int("id")?;
        let due_at = row.time("withdraw_at")?;
        let how = match row.opt_text("withdraw_location")? {
            Some(location) => Withdrawal::Redirect { location },
            None => Withdrawal::Gone {
                notice: row.opt_text("withdraw_notice")?.unwrap_or_default(),
            },
        };
        let live = tx
            .conn()
            .fetch_one(
                "SELECT live_revision_id FROM items WHERE id = $1",
                args![item_id],
            )
            .await?
            .opt_int("live_revision_id")?;
        if live.is_some() {
            if let Err(error) = withdraw_in(&mut tx.conn(), item_id, &how, None, now).await {
                drop(tx);
                tracing::error!(
                    item = item_id,
                    %error,
                    "a scheduled withdrawal failed; its schedule is cleared and the item stays online"
                );
                let mut tx = self.begin().await?;
                tx.conn()
                    .execute(
                        "UPDATE items SET withdraw_at = NULL WHERE id = $1",
                        args![item_id],
                    )
                    .await?;
                tx.commit().await?;
                return Ok(Some(ScheduleRun {
                    item_id,
                    revision_id: live,
                    action: "withdraw_failed",
                    due_at,
                    ran_at: now,
                    late: false,
                }));
            }
        } else {
            // Already offline: clear the schedule so it does not come round again.
            tx.conn()
                .execute(
                    "UPDATE items SET withdraw_at = NULL WHERE id = $1",
                    args![item_id],
                )
                .await?;
        }
        let run = ScheduleRun {
            item_id,
            revision_id: live,
            action: "withdraw",
            due_at,
            ran_at: now,
            late: now - due_at > LATE_AFTER,
        };
        report_if_late(&mut tx.conn(), &run).await?;
        tx.commit().await?;
        Ok(Some(run))
    }

    /// Sends a revision whose scheduled publication failed back to its author, with the error
    /// as the reason, so it leaves the queue instead of failing every sweep.
    async fn reject_failed_publication(
        &self,
        revision: &super::RevisionRow,
        error: &crate::error::DbError,
    ) -> Result<()> {
        tracing::error!(
            revision = revision.id,
            item = revision.item_id,
            %error,
            "a scheduled publication failed; the revision goes back to its author"
        );
        let now = micros(self.now());
        let reason = format!("scheduled publication failed: {error}");
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "UPDATE revisions SET state = 'rejected', approvals = '[]', reject_reason = $1, \
                 updated_at = $2 WHERE id = $3 AND state = 'approved'",
                args![&reason, now, revision.id],
            )
            .await?;
        let step = super::StepRecord {
            item_id: revision.item_id,
            revision_id: Some(revision.id),
            actor: None,
            step: "schedule_failed",
            level: None,
            note: Some(&reason),
        };
        super::record_step(&mut tx.conn(), step, now).await?;
        tx.commit().await
    }

    /// Returns the scheduled actions that ran late, newest first.
    pub async fn late_schedule_reports(&self, limit: i64) -> Result<Vec<ScheduleRun>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT item_id, revision_id, action, due_at, ran_at FROM schedule_reports \
                 ORDER BY ran_at DESC, id DESC LIMIT $1",
                args![limit],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let action = if row.text("action")? == "withdraw" {
                    "withdraw"
                } else {
                    "publish"
                };
                Ok(ScheduleRun {
                    item_id: row.int("item_id")?,
                    revision_id: row.opt_int("revision_id")?,
                    action,
                    due_at: row.time("due_at")?,
                    ran_at: row.time("ran_at")?,
                    late: true,
                })
            })
            .collect()
    }
}

async fn report_if_late(conn: &mut Conn<'_>, run: &ScheduleRun) -> Result<()> {
    if !run.late {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO schedule_reports (item_id, revision_id, action, due_at, ran_at) \
         VALUES ($1, $2, $3, $4, $5)",
        args![
            run.item_id,
            run.revision_id,
            run.action,
            micros(run.due_at),
            micros(run.ran_at)
        ],
    )
    .await?;
    Ok(())
}
