//! The oversight dashboard: live alerts counted by severity, the alert list with filters, and
//! the alert page with its evidence, its deliveries and the acknowledge and resolve actions.
//!
//! Platform operators (a platform grant that manages sites) and platform security
//! administrators can view every alert. A site administrator can view the alerts of the sites
//! their grants cover. Every action is audited.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use jiyue_auth::{role_allows, Action, GrantScope, Role};
use jiyue_db::{AlertFilter, AlertRecord, AuditResult, SiteId};
use jiyue_monitor::Check;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::extract::AdminPath;
use super::render;
use super::session::{forbidden, SignedIn};
use crate::App;

/// Routes of the oversight dashboard.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/monitor", get(dashboard))
        .route("/monitor/alerts/{id}", get(show).post(act))
}

/// Returns whether the user may open the dashboard, which decides the navigation entry.
pub(crate) fn may_open(me: &SignedIn) -> bool {
    me.grants.iter().any(|stored| {
        matches!(stored.grant.role, Role::SiteAdmin | Role::SecurityAdmin)
            || (stored.grant.scope == GrantScope::Platform
                && role_allows(stored.grant.role, Action::ManageSites))
    })
}

/// Returns the sites whose alerts the user may view: `None` for every site and the platform's
/// own alerts.
fn visible_sites(app: &App, me: &SignedIn) -> Option<Vec<SiteId>> {
    let sees_all = me.grants.iter().any(|stored| {
        stored.grant.scope == GrantScope::Platform
            && (role_allows(stored.grant.role, Action::ManageSites)
                || stored.grant.role == Role::SecurityAdmin)
    });
    if sees_all {
        return None;
    }
    let directory = app.directory();
    let mut sites = BTreeSet::new();
    for stored in me
        .grants
        .iter()
        .filter(|stored| stored.grant.role == Role::SiteAdmin)
    {
        match &stored.grant.scope {
            GrantScope::Site { id } => {
                sites.insert(*id);
            }
            GrantScope::Org { id, .. } => {
                sites.extend(
                    directory
                        .sites
                        .values()
                        .filter(|site| site.org_id == *id)
                        .map(|site| site.id),
                );
            }
            GrantScope::Platform => return None,
            GrantScope::Column { .. } => {}
        }
    }
    Some(sites.into_iter().collect())
}

async fn require_viewer(app: &App, me: &SignedIn, target: &str) -> Result<(), AdminError> {
    if may_open(me) {
        return Ok(());
    }
    me.audit(
        app,
        "monitor.view",
        target,
        AuditResult::Denied,
        "site_admin",
    )
    .await;
    Err(forbidden(Action::ManageColumns))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    check: String,
    #[serde(default)]
    site: String,
}

/// One alert as the list and the page show it.
#[derive(Debug, Serialize)]
struct AlertView {
    id: i64,
    check: String,
    check_label: String,
    severity: String,
    severity_label: String,
    status: String,
    status_label: String,
    site: String,
    summary: String,
    evidence: String,
    raised_at: String,
    last_seen_at: String,
    seen_count: i64,
    due_on: String,
    overdue: bool,
    level: i64,
    acknowledged_at: String,
    resolved_at: String,
    resolution: String,
}

fn view(app: &App, alert: &AlertRecord, today: chrono::NaiveDate) -> AlertView {
    let site = alert
        .site_id
        .and_then(|id| app.directory().sites.get(&id).map(|site| site.name.clone()))
        .unwrap_or_else(|| render::message("monitor-platform"));
    let minute =
        |at: Option<chrono::DateTime<chrono::Utc>>| at.map(jiyue_core::clock::format_china_minute);
    AlertView {
        id: alert.id,
        check: alert.check.clone(),
        check_label: render::message(&format!("monitor-check-{}", alert.check)),
        severity: alert.severity.clone(),
        severity_label: render::message(&format!("monitor-severity-{}", alert.severity)),
        status: alert.status.clone(),
        status_label: render::message(&format!("monitor-status-{}", alert.status)),
        site,
        summary: crate::monitor::summary(alert),
        evidence: alert.evidence.clone(),
        raised_at: jiyue_core::clock::format_china_minute(alert.raised_at),
        last_seen_at: jiyue_core::clock::format_china_minute(alert.last_seen_at),
        seen_count: alert.seen_count,
        due_on: alert.due_on.to_string(),
        overdue: alert.status != "resolved" && alert.due_on < today,
        level: alert.level,
        acknowledged_at: minute(alert.acknowledged_at).unwrap_or_default(),
        resolved_at: minute(alert.resolved_at).unwrap_or_default(),
        resolution: alert.resolution.clone().unwrap_or_default(),
    }
}

/// A choice of a filter: value, label and whether it is selected.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn one_of(name: &str, value: &str, allowed: &[&str]) -> Result<Option<String>, AdminError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if allowed.contains(&value) {
        return Ok(Some(value.to_string()));
    }
    Err(AdminError::BadRequest(format!(
        "{name} \"{value}\" is unknown; choose one of: {}",
        allowed.join(", ")
    )))
}

async fn dashboard(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Response, AdminError> {
    require_viewer(&app, &me, "alerts").await?;
    let statuses = ["live", "open", "acknowledged", "resolved", "all"];
    let severities = ["critical", "warning", "notice"];
    let checks: Vec<&str> = Check::ALL.iter().map(|check| check.as_str()).collect();
    let status = one_of("status", &query.status, &statuses)?.unwrap_or_else(|| "live".into());
    let severity = one_of("severity", &query.severity, &severities)?;
    let check = one_of("check", &query.check, &checks)?;
    let directory = app.directory();
    let site = match query.site.trim() {
        "" => None,
        code => Some(
            directory
                .sites
                .values()
                .find(|site| site.code == code)
                .map(|site| site.id)
                .ok_or_else(|| {
                    AdminError::BadRequest(format!(
                        "site \"{code}\" is unknown; choose a site from the list"
                    ))
                })?,
        ),
    };
    let visible = visible_sites(&app, &me);
    let filter = AlertFilter {
        status: match status.as_str() {
            "live" | "all" => None,
            other => Some(other.to_string()),
        },
        live: status == "live",
        severity: severity.clone(),
        check: check.clone(),
        site_id: site,
        sites: visible.clone(),
    };
    let today = app.today();
    let alerts = app.db.alerts(&filter).await?;
    let counts = app.db.alert_counts(visible.as_deref(), today).await?;
    let rows: Vec<AlertView> = alerts
        .iter()
        .map(|alert| view(&app, alert, today))
        .collect();

    let choices = |values: &[&str], prefix: &str, selected: Option<&str>| -> Vec<Choice> {
        values
            .iter()
            .map(|value| Choice {
                value: value.to_string(),
                label: render::message(&format!("{prefix}{value}")),
                selected: selected == Some(*value),
            })
            .collect()
    };
    let mut site_choices: Vec<Choice> = directory
        .sites
        .values()
        .filter(|candidate| {
            visible
                .as_ref()
                .is_none_or(|sites| sites.contains(&candidate.id))
        })
        .map(|candidate| Choice {
            value: candidate.code.clone(),
            label: candidate.name.clone(),
            selected: Some(candidate.id) == site,
        })
        .collect();
    site_choices.sort_by(|a, b| a.label.cmp(&b.label));
    let ctx = context! {
        counts => counts,
        rows => rows,
        statuses => choices(&statuses, "monitor-filter-", Some(status.as_str())),
        severities => choices(&severities, "monitor-severity-", severity.as_deref()),
        checks => choices(&checks, "monitor-check-", check.as_deref()),
        sites => site_choices,
        limit => jiyue_db::MAX_ALERT_ROWS,
    };
    Ok(render::page_for(&app, &me, "monitor/dashboard.html", ctx)?.into_response())
}

/// Loads an alert the user may view, or returns 404 as for a missing one.
async fn visible_alert(app: &App, me: &SignedIn, id: &str) -> Result<AlertRecord, AdminError> {
    require_viewer(app, me, id).await?;
    let missing = || AdminError::NotFound(format!("alert {id} does not exist"));
    let id: i64 = id.parse().map_err(|_| missing())?;
    let alert = app.db.alert(id).await?.ok_or_else(missing)?;
    let allowed = match visible_sites(app, me) {
        None => true,
        Some(sites) => alert.site_id.is_some_and(|site| sites.contains(&site)),
    };
    if !allowed {
        return Err(missing());
    }
    Ok(alert)
}

/// One delivery as the alert page shows it.
#[derive(Debug, Serialize)]
struct DeliveryView {
    event: String,
    channel: String,
    target: String,
    status: String,
    attempts: i64,
    last_error: String,
    sent_at: String,
}

async fn page(
    app: &App,
    me: &SignedIn,
    alert: &AlertRecord,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AdminError> {
    let today = app.today();
    let deliveries: Vec<DeliveryView> = app
        .db
        .alert_deliveries(alert.id)
        .await?
        .into_iter()
        .map(|delivery| DeliveryView {
            event: delivery.event,
            channel: render::message(&format!("monitor-channel-{}", delivery.channel)),
            target: if delivery.channel == "mail" {
                jiyue_notify::mask_address(&delivery.target)
            } else {
                delivery.target
            },
            status: render::message(&format!("monitor-delivery-{}", delivery.status)),
            attempts: delivery.attempts,
            last_error: delivery.last_error.unwrap_or_default(),
            sent_at: delivery
                .sent_at
                .map(jiyue_core::clock::format_china_minute)
                .unwrap_or_default(),
        })
        .collect();
    let ctx = context! {
        alert => view(app, alert, today),
        deliveries => deliveries,
        notice => notice,
        error => error,
        max_note => jiyue_db::MAX_RESOLUTION_CHARS,
    };
    Ok(render::page_for(app, me, "monitor/alert.html", ctx)?.into_response())
}

async fn show(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<String>,
) -> Result<Response, AdminError> {
    let alert = visible_alert(&app, &me, &id).await?;
    page(&app, &me, &alert, None, None).await
}

async fn act(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AdminError> {
    let alert = visible_alert(&app, &me, &id).await?;
    let action = form.get("action").map(|value| value.trim()).unwrap_or("");
    let target = format!("alert {}", alert.id);
    let outcome = match action {
        "acknowledge" => app
            .db
            .acknowledge_alert(alert.id, me.staff.id)
            .await
            .map(|done| (done, "monitor-acknowledged", "monitor-not-open")),
        "resolve" => {
            let note = form.get("note").map(|value| value.trim()).unwrap_or("");
            if note.is_empty() {
                return page(
                    &app,
                    &me,
                    &alert,
                    None,
                    Some(render::message("monitor-note-required")),
                )
                .await;
            }
            app.db
                .resolve_alert(alert.id, me.staff.id, note)
                .await
                .map(|done| (done, "monitor-resolved", "monitor-not-live"))
        }
        other => {
            return Err(AdminError::BadRequest(format!(
                "action \"{other}\" is unknown; use acknowledge or resolve"
            )))
        }
    };
    match outcome {
        Ok((true, done_key, _)) => {
            me.audit(
                &app,
                &format!("monitor.{action}"),
                &target,
                AuditResult::Ok,
                "",
            )
            .await;
            if action == "resolve" {
                if let Err(error) =
                    crate::monitor::queue_event(&app, alert.id, "resolved", alert.level).await
                {
                    tracing::error!(%error, alert = alert.id, "queueing the resolution notice failed");
                }
            }
            let fresh = app.db.alert(alert.id).await?.unwrap_or(alert);
            page(&app, &me, &fresh, Some(render::message(done_key)), None).await
        }
        Ok((false, _, refused_key)) => {
            me.audit(
                &app,
                &format!("monitor.{action}"),
                &target,
                AuditResult::Denied,
                "state",
            )
            .await;
            page(&app, &me, &alert, None, Some(render::message(refused_key))).await
        }
        Err(jiyue_db::DbError::Invalid(message)) => {
            page(&app, &me, &alert, None, Some(message)).await
        }
        Err(error) => Err(error.into()),
    }
}
