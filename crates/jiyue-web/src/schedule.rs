//! The sweeper of scheduled publications and withdrawals. It runs once at startup, so an
//! action whose time passed while the platform was down runs then and is reported, and then
//! every few seconds. Every node may run it: storage takes each due row once. Once an hour it
//! also seals the audit log's finished months and prunes the access log and the list of
//! unanswered queries. When the date changes in China, each node drops its cached pages that
//! show deadlines counted from today.

use std::sync::Arc;
use std::time::Duration;

use jiyue_db::ScheduleRun;
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

/// Sweeps until `shutdown` turns true, logging and retrying on errors.
pub async fn run(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let mut failures = 0u32;
    let mut last_upkeep: Option<std::time::Instant> = None;
    let mut today = app.today();
    loop {
        // Service guides show the date a promised time limit ends if one applies today; a new
        // day makes those pages stale on this node.
        if app.today() != today {
            today = app.today();
            app.cache.invalidate(&[jiyue_db::SERVICES_TAG.to_string()]);
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
