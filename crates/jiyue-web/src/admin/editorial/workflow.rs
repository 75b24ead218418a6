//! Workflow steps on an item: submit the newest revision for review, approve it or reject it
//! with a reason, and restore an old revision as a new draft. A withdrawal takes the published
//! item offline now or at a set time, leaving a 410 with a notice or a redirect to a replacement.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use jiyue_auth::Action;
use jiyue_core::clock::parse_china_time;
use jiyue_db::{AuditResult, DbError, ItemId, RevisionId, StepOutcome, Withdrawal};
use serde::Deserialize;

use super::super::csrf::check_csrf;
use super::super::error::AdminError;
use super::super::extract::{AdminForm, AdminPath};
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::access::{item_with, load_item};
use super::form::ItemForm;
use super::see_other;
use super::status::item_status;
use super::views::{form_page, FormPage};
use crate::App;

/// Returns the routes of the workflow steps.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/items/{id}/submit", post(submit))
        .route("/items/{id}/approve", post(approve))
        .route("/items/{id}/reject", post(reject))
        .route("/items/{id}/withdraw", post(withdraw))
        .route("/items/{id}/restore/{revision}", post(restore))
}

#[derive(Debug, Deserialize)]
struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    how: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    at: String,
}

/// A review step and what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Submit,
    Approve,
    Reject,
}

impl Kind {
    fn action(self) -> Action {
        match self {
            Kind::Submit => Action::SubmitItem,
            Kind::Approve | Kind::Reject => Action::ReviewItem,
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Kind::Submit => "item.submit",
            Kind::Approve => "item.approve",
            Kind::Reject => "item.reject",
        }
    }
}

async fn submit(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    AdminForm(form): AdminForm<StepForm>,
) -> Result<Response, AdminError> {
    step(&app, &me, id, &form, Kind::Submit).await
}

async fn approve(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    AdminForm(form): AdminForm<StepForm>,
) -> Result<Response, AdminError> {
    step(&app, &me, id, &form, Kind::Approve).await
}

async fn reject(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    AdminForm(form): AdminForm<StepForm>,
) -> Result<Response, AdminError> {
    step(&app, &me, id, &form, Kind::Reject).await
}

async fn step(
    app: &App,
    me: &SignedIn,
    id: ItemId,
    form: &StepForm,
    kind: Kind,
) -> Result<Response, AdminError> {
    check_csrf(me, &form.csrf)?;
    let (context, scope) = item_with(app, me, id, kind.action(), kind.audit_action()).await?;
    let revision = context.latest.summary.id;
    let target = format!("item:{id}");
    if kind == Kind::Reject && form.reason.trim().is_empty() {
        let error = FieldError::new("reason", "workflow-blank-reason");
        return step_refused(app, me, id, kind.audit_action(), "blank reason", error).await;
    }
    // Storage refuses an incomplete guide without a reason too; saying so here names the
    // missing elements in the interface's language and where to give the reason.
    if let Some(guide) = context
        .latest
        .meta
        .service
        .as_ref()
        .filter(|guide| kind != Kind::Reject && !guide.may_publish())
    {
        let missing: Vec<&str> = guide.missing().iter().map(|e| e.name_zh()).collect();
        let text = render::format_args(
            "workflow-service-incomplete",
            &[
                (
                    "missing",
                    jiyue_render::MessageArg::Text(missing.join("、")),
                ),
                ("id", jiyue_render::MessageArg::Text(id.to_string())),
            ],
        );
        let error = FieldError::text("reason", text);
        let detail = format!("incomplete guide: {}", missing.join(", "));
        return step_refused(app, me, id, kind.audit_action(), &detail, error).await;
    }
    // Serious misstatements, wrong names of officials and forbidden words stop a submission;
    // the item page lists them beside the form. Typos only show there as warnings.
    if kind == Kind::Submit {
        let lists = jiyue_monitor::WordLists::load(&app.db).await?;
        let found = jiyue_monitor::check_item(
            &lists,
            &context.latest.meta.title,
            &context.latest.body_html,
        );
        let blocking: Vec<&str> = found
            .iter()
            .filter(|item| item.finding.kind.is_blocking())
            .map(|item| item.finding.found.as_str())
            .collect();
        if !blocking.is_empty() {
            let text = render::format_args(
                "wording-submit-blocked",
                &[("found", jiyue_render::MessageArg::Text(blocking.join("、")))],
            );
            let error = FieldError::text("wording-findings", text);
            let detail = format!("wording: {}", blocking.join(", "));
            return step_refused(app, me, id, kind.audit_action(), &detail, error).await;
        }
    }
    let result = match kind {
        Kind::Submit => app.db.submit_revision(&scope, me.staff.id, revision).await,
        Kind::Approve => app.db.approve_revision(&scope, me.staff.id, revision).await,
        Kind::Reject => {
            app.db
                .reject_revision(&scope, me.staff.id, revision, &form.reason)
                .await
        }
    };
    match result {
        Ok(outcome) => {
            let detail = format!("revision {revision}: {}", outcome.state.as_str());
            me.audit(app, kind.audit_action(), &target, AuditResult::Ok, &detail)
                .await;
            Ok(see_other(&format!(
                "/items/{id}?notice={}",
                notice(kind, outcome)
            )))
        }
        Err(DbError::Workflow(rule)) => {
            let error = FieldError::text("reason", render::message(rule.message_id()));
            step_refused(app, me, id, kind.audit_action(), &rule.to_string(), error).await
        }
        // Publication at the final approval can fail on the stored content (a route taken by
        // another page, metadata that no longer parses), so the page shows the reason and the
        // audit log records it.
        Err(error @ (DbError::Invalid(_) | DbError::Conflict(_))) => {
            let reason = error.to_string();
            let text = render::format_args(
                "editorial-step-failed",
                &[("reason", jiyue_render::MessageArg::Text(reason.clone()))],
            );
            let error = FieldError::text("reason", text);
            step_refused(app, me, id, kind.audit_action(), &reason, error).await
        }
        Err(error) => Err(error.into()),
    }
}

fn notice(kind: Kind, outcome: StepOutcome) -> &'static str {
    match kind {
        _ if outcome.published => "published",
        Kind::Submit => "submitted",
        Kind::Approve => "approved",
        Kind::Reject => "rejected",
    }
}

/// Records a step that failed as a failed action, then shows the item page again with the
/// reason in its error summary.
async fn step_refused(
    app: &App,
    me: &SignedIn,
    id: ItemId,
    audit_action: &str,
    detail: &str,
    error: FieldError,
) -> Result<Response, AdminError> {
    let target = format!("item:{id}");
    me.audit(app, audit_action, &target, AuditResult::Failed, detail)
        .await;
    let context = load_item(app, id).await?;
    let form = ItemForm::from_revision(&context.latest, context.home_column);
    let page = FormPage {
        status: axum::http::StatusCode::CONFLICT,
        item: Some(item_status(app, me, &context).await?),
        errors: vec![error],
        notice: None,
        stale: None,
    };
    form_page(app, me, &form, page).await
}

async fn withdraw(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    AdminForm(form): AdminForm<WithdrawForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let (_, scope) = item_with(&app, &me, id, Action::WithdrawItem, "item.withdraw").await?;
    let how = match form.how.as_str() {
        "redirect" if !form.location.trim().is_empty() => Withdrawal::Redirect {
            location: form.location.trim().to_string(),
        },
        "redirect" => {
            let error = FieldError::new("location", "editorial-error-withdraw-location");
            return step_refused(&app, &me, id, "item.withdraw", "missing location", error).await;
        }
        _ if form.notice.trim().is_empty() => {
            let error = FieldError::new("notice", "editorial-error-withdraw-notice");
            return step_refused(&app, &me, id, "item.withdraw", "missing notice", error).await;
        }
        _ => Withdrawal::Gone {
            notice: form.notice.trim().to_string(),
        },
    };
    let at = match form.at.trim() {
        "" => None,
        text => match parse_china_time(text) {
            Some(at) => Some(at),
            None => {
                let error = FieldError::new("at", "editorial-error-time-format");
                let detail = "invalid withdrawal time";
                return step_refused(&app, &me, id, "item.withdraw", detail, error).await;
            }
        },
    };
    let target = format!("item:{id}");
    match app
        .db
        .withdraw_item(&scope, me.staff.id, id, &how, at)
        .await
    {
        Ok(done_now) => {
            me.audit(&app, "item.withdraw", &target, AuditResult::Ok, &form.how)
                .await;
            let code = if done_now {
                "withdrawn"
            } else {
                "withdraw-scheduled"
            };
            Ok(see_other(&format!("/items/{id}?notice={code}")))
        }
        Err(DbError::Invalid(detail)) => {
            let error = FieldError::new("notice", "editorial-error-withdraw-refused");
            step_refused(&app, &me, id, "item.withdraw", &detail, error).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn restore(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath((id, revision)): AdminPath<(ItemId, RevisionId)>,
    AdminForm(form): AdminForm<StepForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let (_, scope) = item_with(&app, &me, id, Action::WriteItem, "item.restore").await?;
    let belongs = app
        .db
        .item_revisions(id)
        .await?
        .iter()
        .any(|summary| summary.id == revision);
    if !belongs {
        return Err(AdminError::NotFound(format!(
            "revision {revision} of item {id}"
        )));
    }
    let saved = app
        .db
        .restore_revision(&scope, me.staff.id, revision)
        .await?;
    let detail = format!("revision {revision} as {}", saved.revision_id);
    me.audit(
        &app,
        "item.restore",
        &format!("item:{id}"),
        AuditResult::Ok,
        &detail,
    )
    .await;
    Ok(see_other(&format!("/items/{id}?notice=restored")))
}
