//! Responses to an item save that stored nothing. A form with invalid fields comes back with
//! its errors, a stale save shows the other person's change with an offer to save on top of
//! the newest revision, and a workflow or storage rule shows its message.

use axum::http::StatusCode;
use axum::response::Response;
use jiyue_db::{AuditResult, DbError, ItemId};
use minijinja::context;

use super::super::error::AdminError;
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::access::load_item;
use super::diff::compare;
use super::form::ItemForm;
use super::status::item_status;
use super::views::{form_page, value, FormPage};
use crate::App;

/// Shows the form again with its errors, keeping what the user typed.
pub async fn refused(
    app: &App,
    me: &SignedIn,
    form: &ItemForm,
    item_id: Option<ItemId>,
    errors: Vec<FieldError>,
) -> Result<Response, AdminError> {
    let item = match item_id {
        Some(id) => Some(item_status(app, me, &load_item(app, id).await?).await?),
        None => None,
    };
    let page = FormPage {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        item,
        errors,
        notice: None,
        stale: None,
    };
    form_page(app, me, form, page).await
}

/// Shows a rejected save and records it as failed. A stale save gets the comparison page, and
/// a workflow or validation refusal gets the form with the rule's message.
pub async fn save_failed(
    app: &App,
    me: &SignedIn,
    form: &ItemForm,
    item_id: Option<ItemId>,
    audit_target: &str,
    error: DbError,
) -> Result<Response, AdminError> {
    let detail = error.to_string();
    let (field, text) = match &error {
        DbError::Stale { base, latest, .. } => {
            me.audit(app, "item.save", audit_target, AuditResult::Failed, &detail)
                .await;
            return stale(app, me, form, item_id, *base, *latest).await;
        }
        DbError::Workflow(rule) => ("title", render::message(rule.message_id())),
        DbError::Invalid(_) | DbError::Conflict(_) | DbError::NotFound(_) => {
            ("title", render::message("editorial-error-save-refused"))
        }
        _ => return Err(AdminError::Db(error)),
    };
    me.audit(app, "item.save", audit_target, AuditResult::Failed, &detail)
        .await;
    tracing::info!(%detail, "saving an item failed");
    refused(app, me, form, item_id, vec![FieldError::text(field, text)]).await
}

async fn stale(
    app: &App,
    me: &SignedIn,
    form: &ItemForm,
    item_id: Option<ItemId>,
    base: i64,
    latest: i64,
) -> Result<Response, AdminError> {
    let missing = || AdminError::NotFound(format!("revision {latest}"));
    let item_id = item_id.ok_or_else(missing)?;
    let latest_detail = app.db.revision_detail(latest).await?.ok_or_else(missing)?;
    let comparison = app
        .db
        .revision_detail(base)
        .await?
        .map(|base_detail| compare(&base_detail, &latest_detail));
    let mut form = form.clone();
    form.base_revision_id = latest.to_string();
    let context = load_item(app, item_id).await?;
    let stale = context! {
        author => latest_detail.summary.author_name,
        number => latest_detail.summary.number,
        comparison => comparison.as_ref().map(value),
    };
    let page = FormPage {
        status: StatusCode::CONFLICT,
        item: Some(item_status(app, me, &context).await?),
        errors: vec![FieldError::new("stale-title", "editorial-stale-error")],
        notice: None,
        stale: Some(stale),
    };
    form_page(app, me, &form, page).await
}
