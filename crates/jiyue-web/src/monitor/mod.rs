//! The alert desk: turns the faults the oversight checks find into alerts, once each, resolves
//! the alerts a complete run no longer finds, escalates the unacknowledged ones, and sends
//! every alert to its people by e-mail and to the configured webhooks.
//!
//! Every step is idempotent and safe on many nodes: storage raises a fault once while its
//! alert is live, escalates from one level once, and records each delivery once before it is
//! sent; a node claims a delivery before sending it.

mod checks;
mod deliver;
mod jobs;
pub mod scorecards;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use jiyue_db::{AlertRecord, DbError, NewAlert, RaiseOutcome, SiteId};
use jiyue_monitor::{Check, Fault, Severity};
use jiyue_notify::MailChannel;

use crate::App;

pub use checks::run_due;
pub(crate) use deliver::summary;
pub use deliver::{webhook_signature, Webhook, WEBHOOK_SIGNATURE_HEADER};
pub use jobs::{LinkSchedule, Mirror, ServedCheck, TAMPER_EVERY_MINUTES};

/// Roles whose holders hear of a site's alerts first: the site's administrators.
const FIRST_ROLES: [&str; 1] = ["site_admin"];

/// Roles that hear of escalated alerts and of the platform's own alerts: the platform's
/// system and security administrators.
const ESCALATION_ROLES: [&str; 2] = ["system_admin", "security_admin"];

/// Settings of the alert desk: escalation times and where alerts are sent.
#[derive(Clone)]
pub struct DeskConfig {
    /// An open critical alert escalates after this long without acknowledgement.
    pub escalate_critical_after: chrono::Duration,
    /// An open warning escalates after this long without acknowledgement.
    pub escalate_warning_after: chrono::Duration,
    /// Levels of escalation above the first recipients; notices never escalate.
    pub max_level: i64,
    /// Mail of alerts; `None` sends none (the dashboard still shows every alert).
    pub mail: Option<Arc<dyn MailChannel>>,
    /// Webhooks that receive every alert event as JSON.
    pub webhooks: Vec<Webhook>,
    /// The admin listener's address as staff reach it, for links in messages, such as
    /// `https://admin.example.gov.cn`; empty leaves links out.
    pub admin_url: String,
    /// Whether webhooks may point at private and loopback addresses (tests only).
    pub allow_private: bool,
    /// When the freshness check warns before the national veto lines.
    pub freshness: jiyue_monitor::FreshnessRules,
    /// Thresholds of the availability check.
    pub availability: jiyue_monitor::availability::AvailabilityRules,
    /// Thresholds of the security signals, applied to `App::signals` at start.
    pub signals: jiyue_monitor::signals::SignalRules,
    /// Static export folders checked for tampering every 15 minutes.
    pub mirrors: Vec<Mirror>,
    /// The check of served pages against the ledger; `None` leaves it off.
    pub served: Option<ServedCheck>,
    /// The schedule and options of the link check.
    pub links: LinkSchedule,
}

impl std::fmt::Debug for DeskConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeskConfig")
            .field("escalate_critical_after", &self.escalate_critical_after)
            .field("escalate_warning_after", &self.escalate_warning_after)
            .field("max_level", &self.max_level)
            .field("mail", &self.mail.as_ref().map(|mail| mail.describe()))
            .field("webhooks", &self.webhooks.len())
            .field("admin_url", &self.admin_url)
            .field("allow_private", &self.allow_private)
            .field("freshness", &self.freshness)
            .field("availability", &self.availability)
            .field("signals", &self.signals)
            .field("mirrors", &self.mirrors)
            .field("served", &self.served)
            .field("links", &self.links)
            .finish()
    }
}

impl Default for DeskConfig {
    fn default() -> Self {
        Self {
            escalate_critical_after: chrono::Duration::hours(2),
            escalate_warning_after: chrono::Duration::hours(48),
            max_level: 1,
            mail: None,
            webhooks: Vec::new(),
            admin_url: String::new(),
            allow_private: false,
            freshness: jiyue_monitor::FreshnessRules::default(),
            availability: jiyue_monitor::availability::AvailabilityRules::default(),
            signals: jiyue_monitor::signals::SignalRules::default(),
            mirrors: Vec::new(),
            served: None,
            links: LinkSchedule::default(),
        }
    }
}

/// The outcome of one call of [`raise`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RaiseReport {
    /// Alerts raised for faults no live alert named.
    pub raised: Vec<i64>,
    /// Live alerts seen again.
    pub seen: Vec<i64>,
    /// Live alerts raised again at a higher severity.
    pub worsened: Vec<i64>,
    /// Live alerts of the check that the run no longer found.
    pub resolved: Vec<i64>,
}

/// Returns the due date of an alert raised today: critical faults by the next working day, warnings
/// within three working days, notices within ten.
pub fn due_on(app: &App, severity: Severity, today: NaiveDate) -> NaiveDate {
    let days = match severity {
        Severity::Critical => 1,
        Severity::Warning => 3,
        Severity::Notice => 10,
    };
    app.calendar().add_working_days(today, days).value
}

/// Turns the faults of one complete run of `check` into alerts and resolves the check's live
/// alerts the run no longer found. `scope` is the site the run covered, or `None` when it
/// covered every site. Each newly raised or worsened alert queues its first deliveries, and
/// each resolved one queues a resolution notice to the same recipients.
pub async fn raise(
    app: &App,
    check: Check,
    scope: Option<SiteId>,
    faults: &[Fault],
) -> Result<RaiseReport, DbError> {
    raise_faults(app, check, scope, faults, true).await
}

/// Raises faults that are events rather than states, such as a burst of failed sign-ins. A
/// later run without the event does not clear its alert, so staff resolve it by hand.
pub async fn raise_events(
    app: &App,
    check: Check,
    faults: &[Fault],
) -> Result<RaiseReport, DbError> {
    raise_faults(app, check, None, faults, false).await
}

async fn raise_faults(
    app: &App,
    check: Check,
    scope: Option<SiteId>,
    faults: &[Fault],
    clear: bool,
) -> Result<RaiseReport, DbError> {
    let today = app.today();
    let directory = app.directory();
    let mut report = RaiseReport::default();
    let mut keys = Vec::with_capacity(faults.len());
    for fault in faults {
        if fault.check != check {
            tracing::warn!(
                expected = check.as_str(),
                found = fault.check.as_str(),
                key = %fault.key,
                "a check reported a fault of another check; it was skipped"
            );
            continue;
        }
        keys.push(fault.key.clone());
        let owner = fault
            .site_id
            .and_then(|site| directory.sites.get(&site))
            .map(|site| site.org_id);
        let new = NewAlert {
            check: check.as_str().to_string(),
            site_id: fault.site_id,
            owner_org_id: owner,
            fault_key: fault.key.clone(),
            severity: fault.severity.as_str().to_string(),
            message: fault.message.clone(),
            args: serde_json::to_string(&fault.args).unwrap_or_else(|_| "{}".to_string()),
            evidence: fault.evidence.clone(),
            due_on: due_on(app, fault.severity, today),
        };
        match app.db.raise_alert(&new).await? {
            RaiseOutcome::Raised(id) => {
                report.raised.push(id);
                tracing::warn!(
                    alert = id,
                    check = check.as_str(),
                    severity = fault.severity.as_str(),
                    site = fault.site_id,
                    "alert raised"
                );
                queue_event(app, id, "raised", 0).await?;
            }
            RaiseOutcome::Worsened(id) => {
                report.worsened.push(id);
                tracing::warn!(
                    alert = id,
                    severity = fault.severity.as_str(),
                    "alert worsened"
                );
                queue_event(app, id, &format!("worsened:{}", fault.severity.as_str()), 0).await?;
            }
            RaiseOutcome::Seen(id) => report.seen.push(id),
        }
    }
    if !clear {
        return Ok(report);
    }
    report.resolved = app
        .db
        .resolve_cleared_alerts(check.as_str(), scope, &keys)
        .await?;
    for id in &report.resolved {
        tracing::info!(
            alert = id,
            check = check.as_str(),
            "alert cleared by its check"
        );
        if let Some(alert) = app.db.alert(*id).await? {
            queue_event(app, *id, "resolved", alert.level).await?;
        }
    }
    Ok(report)
}

/// Queues the deliveries of one event of an alert: mail to the people of every level up to
/// `level` and a post to every webhook.
pub(crate) async fn queue_event(
    app: &App,
    alert_id: i64,
    event: &str,
    level: i64,
) -> Result<(), DbError> {
    let Some(alert) = app.db.alert(alert_id).await? else {
        return Ok(());
    };
    let desk = app.desk();
    if desk.mail.is_some() {
        for address in recipients(app, &alert, level).await? {
            app.db
                .queue_delivery(alert_id, event, "mail", &address)
                .await?;
        }
    }
    for hook in &desk.webhooks {
        app.db
            .queue_delivery(alert_id, event, "webhook", hook.url.as_str())
            .await?;
    }
    Ok(())
}

/// Returns the mail addresses of everyone told of `alert` at `level`: a site's administrators at
/// level 0, and the platform's system and security administrators from level 1 and for the
/// platform's own alerts.
async fn recipients(app: &App, alert: &AlertRecord, level: i64) -> Result<Vec<String>, DbError> {
    let mut addresses = Vec::new();
    if alert.site_id.is_some() {
        addresses.extend(
            app.db
                .alert_recipients(&FIRST_ROLES, alert.owner_org_id, alert.site_id)
                .await?,
        );
    }
    if level >= 1 || alert.site_id.is_none() {
        addresses.extend(
            app.db
                .alert_recipients(&ESCALATION_ROLES, None, None)
                .await?,
        );
    }
    addresses.sort();
    addresses.dedup();
    Ok(addresses)
}

/// Escalates every open alert left unacknowledged past its severity's limit by one level,
/// once per level, and queues the escalation's deliveries. Returns the ids escalated.
pub async fn escalate(app: &App) -> Result<Vec<i64>, DbError> {
    let desk = app.desk();
    let now = app.clock.now();
    // NOTE: the list stops at `MAX_ALERT_ROWS` open alerts, most severe first, so beyond that
    // many the oldest warnings wait until the list shrinks.
    let open = app
        .db
        .alerts(&jiyue_db::AlertFilter {
            status: Some("open".to_string()),
            ..Default::default()
        })
        .await?;
    let mut escalated = Vec::new();
    for alert in open {
        let limit = match alert.severity.as_str() {
            "critical" => desk.escalate_critical_after,
            "warning" => desk.escalate_warning_after,
            _ => continue,
        };
        if alert.level >= desk.max_level {
            continue;
        }
        // Each level waits the full limit again, counted from the last escalation.
        let since = alert.escalated_at.unwrap_or(alert.raised_at);
        if now - since < limit {
            continue;
        }
        if app.db.escalate_alert(alert.id, alert.level).await? {
            let level = alert.level + 1;
            tracing::warn!(
                alert = alert.id,
                level,
                "alert escalated: nobody acknowledged it"
            );
            queue_event(app, alert.id, &format!("escalated:{level}"), level).await?;
            escalated.push(alert.id);
        }
    }
    Ok(escalated)
}

/// Sends the deliveries that are due. Returns how many were sent.
pub async fn deliver(app: &App) -> Result<usize, DbError> {
    deliver::send_due(app).await
}

/// Runs one cycle of the desk: escalation, then delivery.
pub async fn cycle(app: &App) {
    if let Err(error) = escalate(app).await {
        tracing::error!(%error, "escalating alerts failed; retrying on the next cycle");
    }
    if let Err(error) = deliver(app).await {
        tracing::error!(%error, "delivering alerts failed; retrying on the next cycle");
    }
}

/// How often the monitor loop runs the desk's cycle.
pub const CYCLE_INTERVAL: Duration = Duration::from_secs(30);

/// Returns the name this process holds job leases under: its process id and start time,
/// unique enough among the nodes of one platform.
fn node_name(app: &App) -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        format!(
            "node-{}-{}",
            std::process::id(),
            app.clock.now().timestamp_micros()
        )
    })
}

/// Runs job `name` when it is due and this node takes its lease, then schedules its next run
/// `every` later. `body` returns a one-line outcome for the dashboard, or an error that is
/// logged and recorded. Returns whether the job ran here.
pub async fn run_job<F, Fut>(app: &App, name: &str, every: chrono::Duration, body: F) -> bool
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, String>>,
{
    let owner = node_name(app);
    // A run may take long (a link check of every site), so the lease covers a multiple of the
    // interval. It lapses if the node dies.
    let lease = (every * 4).max(chrono::Duration::minutes(30));
    match app.db.claim_monitor_job(name, owner, lease).await {
        Ok(true) => {}
        Ok(false) => return false,
        Err(error) => {
            tracing::error!(%error, job = name, "claiming a monitor job failed");
            return false;
        }
    }
    let outcome = match body().await {
        Ok(outcome) => outcome,
        Err(error) => {
            tracing::error!(job = name, %error, "a monitor job failed; it runs again on schedule");
            format!("failed: {error}")
        }
    };
    let next = app.clock.now() + every;
    if let Err(error) = app.db.finish_monitor_job(name, owner, &outcome, next).await {
        tracing::error!(%error, job = name, "recording the end of a monitor job failed");
    }
    true
}

/// Raises the faults of one complete run and describes the result in one line.
pub async fn raise_and_report(
    app: &App,
    check: Check,
    scope: Option<SiteId>,
    faults: &[Fault],
) -> Result<String, String> {
    let report = raise(app, check, scope, faults)
        .await
        .map_err(|error| error.to_string())?;
    Ok(format!(
        "{} fault(s): {} raised, {} seen again, {} worse, {} cleared",
        faults.len(),
        report.raised.len(),
        report.seen.len(),
        report.worsened.len(),
        report.resolved.len()
    ))
}

/// How long after start the loop leaves out the jobs that render every page of every site.
pub const HEAVY_JOBS_AFTER: Duration = Duration::from_secs(600);

/// Runs the desk's cycle and every due check until `shutdown` turns true.
///
/// The first cycle comes one interval after start, and the link check and the scorecards
/// wait [`HEAVY_JOBS_AFTER`], so a starting node serves before it checks.
pub async fn run(app: Arc<App>, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let started = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(CYCLE_INTERVAL) => {}
            _ = shutdown.changed() => return,
        }
        checks::run_checks(&app, started.elapsed() >= HEAVY_JOBS_AFTER).await;
        cycle(&app).await;
    }
}
