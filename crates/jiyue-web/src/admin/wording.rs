//! The wording lists page `/monitor/wording`: platform operators list, add and remove common
//! typos, serious misstatements, forbidden words and current officials. The inline check on
//! submission and the scan of published content read the lists from the database on every
//! run, so a change takes effect at once. Every change is audited.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use jiyue_auth::{Action, Target};
use jiyue_db::{AuditResult, DbError, NewWordingEntry, WordingEntryId, WordingList};
use minijinja::context;
use serde::Deserialize;

use super::error::AdminError;
use super::redirect;
use super::render;
use super::session::SignedIn;
use crate::App;

const PAGE: &str = "/monitor/wording";

/// Returns the routes of the wording lists page.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route(PAGE, get(show).post(add))
        .route("/monitor/wording/remove", post(remove))
}

#[derive(Debug, Default, Deserialize)]
struct RemoveForm {
    #[serde(default)]
    id: String,
}

async fn require_operator(app: &App, me: &SignedIn, audit_action: &str) -> Result<(), AdminError> {
    me.authorize(
        app,
        Action::ManageSites,
        &Target::Platform,
        audit_action,
        "wording",
    )
    .await
}

/// Renders the page with the lists, an optional error and the form as typed.
async fn page(
    app: &App,
    me: &SignedIn,
    error: Option<String>,
    form: NewWordingEntry,
) -> Result<Response, AdminError> {
    let entries = app.db.wording_entries().await?;
    let lists: Vec<_> = WordingList::ALL
        .into_iter()
        .map(|list| {
            let listed: Vec<_> = entries.iter().filter(|e| e.list == list).collect();
            let label_key = format!("wording-list-{}", list.as_str());
            context! { name => list.as_str(), label_key => label_key, entries => listed }
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let ctx = context! {
        lists => lists,
        error => error,
        form => context! {
            list => form.list,
            term => form.term,
            replacement => form.replacement,
            source => form.source,
        },
    };
    let html = render::page_for(app, me, "monitor_wording.html", ctx)?;
    Ok((status, html).into_response())
}

async fn show(State(app): State<Arc<App>>, me: SignedIn) -> Result<Response, AdminError> {
    require_operator(&app, &me, "wording.view").await?;
    page(&app, &me, None, NewWordingEntry::default()).await
}

/// Returns the text shown for a rejected change: the storage error, which names the value and
/// the fix, in the frame of a catalog message.
fn refusal(error: DbError) -> Result<String, AdminError> {
    match error {
        DbError::Invalid(detail) | DbError::Conflict(detail) | DbError::NotFound(detail) => {
            Ok(render::format_args(
                "wording-error",
                &[("reason", jiyue_render::MessageArg::Text(detail))],
            ))
        }
        other => Err(other.into()),
    }
}

async fn add(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Form(form): Form<NewWordingEntry>,
) -> Result<Response, AdminError> {
    require_operator(&app, &me, "wording.add").await?;
    let target = format!("wording:{}:{}", form.list.trim(), form.term.trim());
    match app.db.add_wording_entry(&form, Some(me.staff.id)).await {
        Ok(id) => {
            let detail = format!("entry {id}: {}", form.replacement.trim());
            me.audit(&app, "wording.add", &target, AuditResult::Ok, &detail)
                .await;
            Ok(redirect(PAGE))
        }
        Err(error) => {
            let detail = error.to_string();
            me.audit(&app, "wording.add", &target, AuditResult::Failed, &detail)
                .await;
            let text = refusal(error)?;
            page(&app, &me, Some(text), form).await
        }
    }
}

async fn remove(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Form(form): Form<RemoveForm>,
) -> Result<Response, AdminError> {
    require_operator(&app, &me, "wording.remove").await?;
    let Ok(id) = form.id.trim().parse::<WordingEntryId>() else {
        let error = DbError::Invalid(format!(
            "entry id \"{}\" is not a number; use the remove button of the entry",
            form.id
        ));
        let text = refusal(error)?;
        return page(&app, &me, Some(text), NewWordingEntry::default()).await;
    };
    match app.db.remove_wording_entry(id).await? {
        Some(entry) => {
            let target = format!("wording:{}:{}", entry.list.as_str(), entry.term);
            let detail = format!("entry {id}: {}", entry.replacement);
            me.audit(&app, "wording.remove", &target, AuditResult::Ok, &detail)
                .await;
            Ok(redirect(PAGE))
        }
        None => {
            let target = format!("wording:{id}");
            me.audit(
                &app,
                "wording.remove",
                &target,
                AuditResult::Failed,
                "not found",
            )
            .await;
            let error = DbError::NotFound(format!(
                "entry {id} is not on any list; it may have been removed already, so reload \
                 the page"
            ));
            page(&app, &me, Some(refusal(error)?), NewWordingEntry::default()).await
        }
    }
}
