//! An item's revisions with the history of its workflow steps, and the comparison of any two
//! of its revisions.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiyue_auth::Action;
use jiyue_core::clock::format_china_minute;
use jiyue_db::{ItemId, RevisionDetail, RevisionId};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::super::error::AdminError;
use super::super::extract::AdminPath;
use super::super::render;
use super::super::session::SignedIn;
use super::access::item_with;
use super::diff::compare;
use crate::App;

/// Returns the routes of the revision pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/items/{id}/revisions", get(list))
        .route("/items/{id}/diff", get(diff))
}

/// One revision as listed.
#[derive(Debug, Serialize)]
struct RevisionRow {
    id: RevisionId,
    number: i64,
    title: String,
    state_key: &'static str,
    author: String,
    created_at: String,
    reject_reason: Option<String>,
    /// The revision before this one, to compare with.
    previous: Option<RevisionId>,
}

/// One recorded step as listed.
#[derive(Debug, Serialize)]
struct StepRow {
    step_key: &'static str,
    revision_number: Option<i64>,
    actor: String,
    level: Option<i64>,
    note: Option<String>,
    at: String,
}

fn step_key(step: &str) -> &'static str {
    match step {
        "create" => "editorial-step-create",
        "save" => "editorial-step-save",
        "submit" => "editorial-step-submit",
        "approve" => "editorial-step-approve",
        "reject" => "editorial-step-reject",
        "publish" => "editorial-step-publish",
        "restore" => "editorial-step-restore",
        "withdraw" => "editorial-step-withdraw",
        "schedule_withdrawal" => "editorial-step-schedule-withdrawal",
        _ => "editorial-step-other",
    }
}

async fn list(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
) -> Result<Response, AdminError> {
    let (context, _) = item_with(&app, &me, id, Action::ViewItems, "item.revisions").await?;
    let summaries = app.db.item_revisions(id).await?;
    let previous: Vec<Option<RevisionId>> = (0..summaries.len())
        .map(|index| summaries.get(index + 1).map(|older| older.id))
        .collect();
    let revisions: Vec<RevisionRow> = summaries
        .into_iter()
        .zip(previous)
        .map(|(summary, previous)| RevisionRow {
            id: summary.id,
            number: summary.number,
            title: summary.title,
            state_key: summary.state.message_id(),
            author: summary.author_name.unwrap_or_default(),
            created_at: format_china_minute(summary.created_at),
            reject_reason: summary.reject_reason,
            previous,
        })
        .collect();
    let steps: Vec<StepRow> = app
        .db
        .review_history(id)
        .await?
        .into_iter()
        .map(|step| StepRow {
            step_key: step_key(&step.step),
            revision_number: step.revision_number,
            actor: step.actor_name.unwrap_or_default(),
            level: step.level,
            note: step.note,
            at: format_china_minute(step.at),
        })
        .collect();
    let ctx = context! {
        item_id => id,
        title => context.latest.meta.title,
        revisions => revisions,
        steps => steps,
        can_write => me.allows(Action::WriteItem, &context.target),
    };
    Ok(render::page_for(&app, &me, "item_revisions.html", ctx)?.into_response())
}

#[derive(Debug, Deserialize)]
struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// Parses a revision id of the comparison query; a missing or malformed one is a bad request.
fn revision_param(value: Option<&str>, name: &str) -> Result<RevisionId, AdminError> {
    value
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| {
            AdminError::BadRequest(format!("query parameter {name} needs a revision id"))
        })
}

async fn diff(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    Query(query): Query<DiffQuery>,
) -> Result<Response, AdminError> {
    let (context, _) = item_with(&app, &me, id, Action::ViewItems, "item.diff").await?;
    let from = revision_param(query.from.as_deref(), "from")?;
    let to = revision_param(query.to.as_deref(), "to")?;
    let old = revision_of(&app, id, from).await?;
    let new = revision_of(&app, id, to).await?;
    let comparison = compare(&old, &new);
    let ctx = context! {
        item_id => id,
        title => context.latest.meta.title,
        from_number => old.summary.number,
        to_number => new.summary.number,
        comparison => comparison,
    };
    Ok(render::page_for(&app, &me, "item_diff.html", ctx)?.into_response())
}

/// Loads a revision of the item; one of another item is not found.
async fn revision_of(
    app: &App,
    item_id: ItemId,
    revision_id: RevisionId,
) -> Result<RevisionDetail, AdminError> {
    app.db
        .revision_detail(revision_id)
        .await?
        .filter(|detail| detail.summary.item_id == item_id)
        .ok_or_else(|| AdminError::NotFound(format!("revision {revision_id} of item {item_id}")))
}
