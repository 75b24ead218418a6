//! The sweeper of scheduled publications and withdrawals. It runs once at startup, so an
//! action whose time passed while the platform was down runs then and is reported, and then
//! every few seconds. Every node may run it: storage takes each due row once. Once an hour it
//! also seals the audit log's finished months and prunes the access log and the list of
//! unanswered queries. When the date changes in China, each node drops its cached pages that
//! show deadlines counted from today.
//!
//! The case deadline job ([`case_deadlines`]) runs at startup, whenever the date changes in
//! China and once an hour. It marks the cases due on the next working day and the overdue
//! ones, once each, and records the alerts in the audit log. The admin case list shows such
//! cases in its to-do box.

use std::sync::Arc;
use std::time::Duration;

use jiyue_core::CaseStatus;
use jiyue_db::{AuditEntry, AuditResult, CaseRecord, ScheduleRun};
use tokio::sync::watch;

use crate::App;

/// How often the sweeper looks for due actions.
const SWEEP_INTERVAL: Duration = Duration::from_secs(5);
/// How often finished audit months are sealed and old access log rows pruned.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(3600);
/// Days the public access log is kept.
const ACCESS_LOG_DAYS: u32 = 365;
/// Days an unanswered query stays listed after it was last asked.
const SEARCH_MISS_DAYS: i64 = 180;

/// Runs every due scheduled action once and logs what ran; late ones are warnings.
pub async fn sweep(app: &App) -> Result<Vec<ScheduleRun>, jiyue_db::DbError> {
    let runs = app.db.run_due_schedules().await?;
    for run in &runs {
        let due = jiyue_core::clock::format_china_minute(run.due_at);
        if run.action.ends_with("_failed") {
            tracing::warn!(
                item = run.item_id,
                action = run.action,
                due = %due,
                "a scheduled action failed; see the item's history"
            );
        } else if run.late {
            tracing::warn!(
                item = run.item_id,
                action = run.action,
                due = %due,
                "a scheduled action missed its time, probably while the platform was down; it ran now"
            );
        } else {
            tracing::info!(item = run.item_id, action = run.action, due = %due, "scheduled action ran");
        }
    }
    Ok(runs)
}

/// Seals the audit log's finished months, prunes access log rows older than a year, and
/// deletes sign-in failure counters untouched for a day.
pub async fn upkeep(app: &App) -> Result<(), jiyue_db::DbError> {
    let sealed = app.db.audit_seal_due(app.audit_mac.as_ref()).await?;
    if !sealed.is_empty() {
        tracing::info!(segments = ?sealed, "audit log months sealed");
    }
    let day_ago = app.clock.now() - chrono::Duration::days(1);
    app.db.prune_login_failures(day_ago).await?;
    let pruned = app.db.access_log_prune(ACCESS_LOG_DAYS).await?;
    if pruned > 0 {
        tracing::info!(rows = pruned, "access log rows older than a year pruned");
    }
    let stale = app.clock.now() - chrono::Duration::days(SEARCH_MISS_DAYS);
    app.db.prune_search_misses(stale).await?;
    Ok(())
}

/// The cases one run of the deadline job alerted about, by case number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseAlerts {
    /// Cases whose reminder day came: the handling organization is reminded.
    pub reminded: Vec<String>,
    /// Cases past their due date: the organization and the site administrators are alerted.
    pub overdue: Vec<String>,
}

/// Records an alert of the deadline job in the audit log under the system actor.
async fn record_alert(app: &App, action: &str, case: &CaseRecord, detail: String) {
    let entry = AuditEntry {
        actor: "system".to_string(),
        actor_id: None,
        address: String::new(),
        action: action.to_string(),
        target: case.no.clone(),
        result: AuditResult::Ok,
        detail,
    };
    crate::admin::audit::record(app, entry).await;
}

/// Records the reminder of every open case whose reminder day (the working day before the due
/// date) has come, and the overdue alert of every open case past its due date, each once. A
/// repeated run on the same day, or on another node, records nothing twice.
///
/// NOTE: staff accounts store no e-mail address, so the alerts reach staff through the to-do
/// box of the admin case list and the audit log, not by mail.
pub async fn case_deadlines(app: &App) -> Result<CaseAlerts, jiyue_db::DbError> {
    let cases = app.db.open_cases().await?;
    // The date is read after the cases, so a case is never judged by a date from before it
    // was accepted.
    let calendar = app.calendar();
    let today = app.today();
    let mut alerts = CaseAlerts::default();
    for case in cases {
        let Some(clock) = &case.clock else {
            continue;
        };
        let status = clock.status(&calendar, today).value;
        if status == CaseStatus::Overdue {
            if case.overdue_alerted_on.is_none()
                && app.db.mark_overdue_alerted(case.id, today).await?
            {
                let detail = format!(
                    "overdue: organization {} and the administrators of site {} alerted",
                    case.org_id, case.site_id
                );
                tracing::warn!(case = %case.no, org = case.org_id, site = case.site_id, "a case is overdue");
                record_alert(app, "case.overdue_alert", &case, detail).await;
                alerts.overdue.push(case.no.clone());
            }
            continue;
        }

        let Some(reminder_on) = clock.reminder_on(&calendar).value else {
            continue;
        };
        let due_reminder =
            today >= reminder_on && case.reminded_on.is_none_or(|on| on < reminder_on);
        if due_reminder && app.db.mark_reminded(case.id, today).await? {
            let due = clock
                .due(&calendar)
                .value
                .map(|day| day.to_string())
                .unwrap_or_default();
            tracing::info!(case = %case.no, org = case.org_id, due = %due, "a case is due soon");
            let detail = format!("due on {due}: organization {} reminded", case.org_id);
            record_alert(app, "case.reminder", &case, detail).await;
            alerts.reminded.push(case.no.clone());
        }
    }
    Ok(alerts)
}

/// Sweeps until `shutdown` turns true, logging and retrying on errors.
pub async fn run(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let mut failures = 0u32;
    let mut last_upkeep: Option<std::time::Instant> = None;
    let mut today = app.today();
    let mut cases_checked: Option<(chrono::NaiveDate, std::time::Instant)> = None;
    loop {
        let cases_due = cases_checked
            .is_none_or(|(on, at)| on != app.today() || at.elapsed() >= UPKEEP_INTERVAL);
        if cases_due {
            cases_checked = Some((app.today(), std::time::Instant::now()));
            if let Err(error) = case_deadlines(&app).await {
                tracing::error!(%error, "checking case deadlines failed; retrying within an hour");
            }
        }
        // Service guides show the date a promised time limit ends if one applies today, and
        // consultation pages show whether a consultation is open; a new day makes those pages
        // stale on this node.
        if app.today() != today {
            today = app.today();
            app.cache.invalidate(&[
                jiyue_db::SERVICES_TAG.to_string(),
                jiyue_db::CONSULTATIONS_TAG.to_string(),
            ]);
        }
        if last_upkeep.is_none_or(|at| at.elapsed() >= UPKEEP_INTERVAL) {
            last_upkeep = Some(std::time::Instant::now());
            if let Err(error) = upkeep(&app).await {
                tracing::error!(%error, "sealing the audit log or pruning the access log failed");
            }
        }
        match sweep(&app).await {
            Ok(_) => failures = 0,
            Err(error) => {
                failures += 1;
                if failures == 1 || failures % 20 == 0 {
                    tracing::error!(%error, failures, "running scheduled actions failed; retrying");
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(SWEEP_INTERVAL) => {}
            _ = shutdown.changed() => return,
        }
    }
}
