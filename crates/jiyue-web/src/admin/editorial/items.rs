//! The items of a column, the new-item form, the edit form at the newest revision, and saving
//! a draft (new or on top of the revision the editor opened, with the stale-save comparison).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use jiyue_auth::Action;
use jiyue_core::clock::format_china_minute;
use jiyue_core::ItemMeta;
use jiyue_db::{AuditResult, DraftInput, ItemId};
use minijinja::context;
use serde::Deserialize;

use super::super::error::AdminError;
use super::super::extract::AdminPath;
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::access::{authorize, column_target, item_with};
use super::form::{ItemForm, ParsedForm};
use super::save_refusal::{refused, save_failed};
use super::status::{item_status, notice_text};
use super::views::{all_sites, allowed_columns, form_page, value, FormPage};
use super::{audit_invalid, check_pairs_csrf, form_pairs, see_other};
use crate::App;

/// Items listed per page of a column.
const PAGE_SIZE: i64 = 20;

/// Returns the routes of the item list and form.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/items", get(list).post(create))
        .route("/items/new", get(new_form))
        .route("/items/{id}", get(edit_form).post(save))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    column: Option<String>,
    page: Option<String>,
}

/// Parses a number of the query string; a malformed one is a bad request naming the parameter.
fn number_param(value: &str, name: &str) -> Result<i64, AdminError> {
    value
        .trim()
        .parse()
        .map_err(|_| AdminError::BadRequest(format!("query parameter {name} needs a number")))
}

#[derive(Debug, Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn list(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Response, AdminError> {
    let Some(column) = query.column.as_deref().filter(|text| !text.is_empty()) else {
        let sites = all_sites(&app).await?;
        let groups = allowed_columns(&me, &sites, Action::ViewItems);
        let html = render::page_for(&app, &me, "items.html", context! { groups => groups })?;
        return Ok(into_response(StatusCode::OK, html));
    };
    let column_id = number_param(column, "column")?;
    let page = match query.page.as_deref() {
        Some(text) if !text.is_empty() => number_param(text, "page")?.max(0),
        _ => 0,
    };
    column_list(&app, &me, column_id, page).await
}

/// Lists one page of the items whose home is a column.
async fn column_list(
    app: &App,
    me: &SignedIn,
    column_id: i64,
    page: i64,
) -> Result<Response, AdminError> {
    let target = column_target(app, column_id).await?;
    let audit_target = format!("column:{column_id}");
    authorize(
        app,
        me,
        Action::ViewItems,
        &target,
        "item.list",
        &audit_target,
    )
    .await?;
    let column = app
        .db
        .column(column_id)
        .await?
        .ok_or_else(|| AdminError::NotFound(audit_target.clone()))?;

    let items = app
        .db
        .column_admin_items(column_id, PAGE_SIZE + 1, page * PAGE_SIZE)
        .await?;
    let has_next = items.len() as i64 > PAGE_SIZE;
    let rows: Vec<minijinja::Value> = items
        .iter()
        .take(PAGE_SIZE as usize)
        .map(|entry| {
            context! {
                item_id => entry.item_id,
                title => &entry.title,
                state_key => entry.latest_state.message_id(),
                live => entry.live,
                updated => format_china_minute(entry.updated_at),
            }
        })
        .collect();

    let ctx = context! {
        column => value(&column),
        items => rows,
        page => page,
        has_next => has_next,
        can_write => me.allows(Action::WriteItem, &target),
    };
    let html = render::page_for(app, me, "items.html", ctx)?;
    Ok(into_response(StatusCode::OK, html))
}

fn into_response(status: StatusCode, html: axum::response::Html<String>) -> Response {
    axum::response::IntoResponse::into_response((status, html))
}

#[derive(Debug, Deserialize)]
struct NewQuery {
    #[serde(default)]
    column: String,
}

async fn new_form(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Response, AdminError> {
    let column = number_param(&query.column, "column")?;
    let target = column_target(&app, column).await?;
    let audit_target = format!("column:{column}");
    authorize(
        &app,
        &me,
        Action::WriteItem,
        &target,
        "item.new",
        &audit_target,
    )
    .await?;
    let form = new_item_defaults(&app, column).await?;
    form_page(&app, &me, &form, blank_page(StatusCode::OK)).await
}

fn blank_page(status: StatusCode) -> FormPage {
    FormPage {
        status,
        item: None,
        errors: Vec::new(),
        notice: None,
        stale: None,
    }
}

/// Returns the form of a new item in a column: the site's language and organization.
async fn new_item_defaults(app: &App, column_id: i64) -> Result<ItemForm, AdminError> {
    let column = app
        .db
        .column(column_id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("column:{column_id}")))?;
    let site = app.db.site(column.site_id).await?;
    let org = match &site {
        Some(site) => app.db.org(site.org_id).await?,
        None => None,
    };
    Ok(ItemForm {
        lang: site.map(|s| s.lang).unwrap_or_else(|| "zh-CN".to_string()),
        issuing_org: org.map(|o| o.name).unwrap_or_default(),
        validity: "valid".to_string(),
        home_column: column_id.to_string(),
        ..ItemForm::default()
    })
}

async fn edit_form(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AdminError> {
    let (context, _) = item_with(&app, &me, id, Action::ViewItems, "item.view").await?;
    let form = ItemForm::from_revision(&context.latest, context.home_column);
    let page = FormPage {
        status: StatusCode::OK,
        item: Some(item_status(&app, &me, &context).await?),
        errors: Vec::new(),
        notice: query.notice.as_deref().and_then(notice_text),
        stale: None,
    };
    form_page(&app, &me, &form, page).await
}

async fn create(
    State(app): State<Arc<App>>,
    me: SignedIn,
    body: Bytes,
) -> Result<Response, AdminError> {
    let pairs = form_pairs(&body);
    check_pairs_csrf(&me, &pairs)?;
    let mut form = ItemForm::from_pairs(&pairs);
    let home_column: i64 = form.home_column.trim().parse().unwrap_or(0);
    let target = column_target(&app, home_column).await?;
    let audit_target = format!("column:{home_column}");
    let scope = authorize(
        &app,
        &me,
        Action::WriteItem,
        &target,
        "item.save",
        &audit_target,
    )
    .await?;
    if let Err(error) = inline_images(&app, &mut form).await {
        return refused(&app, &me, &form, None, vec![error]).await;
    }
    let parsed = match form.parse(None) {
        Ok(parsed) => parsed,
        Err(errors) => {
            audit_invalid(&app, &me, "item.save", &audit_target, &errors).await;
            return refused(&app, &me, &form, None, errors).await;
        }
    };
    let org_id = home_org(&app, parsed.home_column).await?;
    let input = draft_input(None, org_id, parsed);
    match app.db.save_draft(&scope, me.staff.id, &input).await {
        Ok(saved) => {
            let target = format!("item:{}", saved.item_id);
            me.audit(&app, "item.save", &target, AuditResult::Ok, "created")
                .await;
            Ok(see_other(&format!("/items/{}?notice=saved", saved.item_id)))
        }
        Err(error) => save_failed(&app, &me, &form, None, &audit_target, error).await,
    }
}

async fn home_org(app: &App, column_id: i64) -> Result<i64, AdminError> {
    let column = app
        .db
        .column(column_id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("column:{column_id}")))?;
    let site = app
        .db
        .site(column.site_id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("site:{}", column.site_id)))?;
    Ok(site.org_id)
}

fn draft_input(item_id: Option<ItemId>, org_id: i64, parsed: ParsedForm) -> DraftInput {
    DraftInput {
        item_id,
        base_revision_id: parsed.base_revision_id,
        org_id,
        meta: parsed.meta,
        body_html: parsed.body_html,
        home_column: parsed.home_column,
        extra_columns: parsed.extra_columns,
        translation_of: parsed.translation_of,
        publish_at: parsed.publish_at,
    }
}

async fn save(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    body: Bytes,
) -> Result<Response, AdminError> {
    let pairs = form_pairs(&body);
    check_pairs_csrf(&me, &pairs)?;
    let (context, scope) = item_with(&app, &me, id, Action::WriteItem, "item.save").await?;
    let mut form = ItemForm::from_pairs(&pairs);
    if let Err(error) = inline_images(&app, &mut form).await {
        return refused(&app, &me, &form, Some(id), vec![error]).await;
    }
    let stored_index = context.latest.meta.index_number.clone();
    let parsed = match form.parse(stored_index) {
        // The generic form has no guide fields, so a service item keeps its stored guide.
        Ok(parsed) => ParsedForm {
            meta: ItemMeta {
                service: context.latest.meta.service.clone(),
                ..parsed.meta
            },
            ..parsed
        },
        Err(errors) => {
            audit_invalid(&app, &me, "item.save", &format!("item:{id}"), &errors).await;
            return refused(&app, &me, &form, Some(id), errors).await;
        }
    };
    let mut parsed = parsed;
    if let Some(record) = app.db.service_record(id).await? {
        keep_synced_fields(&record, &context.latest, &mut parsed);
    }
    let home_target = column_target(&app, parsed.home_column).await?;
    let audit_target = format!("item:{id}");
    authorize(
        &app,
        &me,
        Action::WriteItem,
        &home_target,
        "item.save",
        &audit_target,
    )
    .await?;
    let input = draft_input(Some(id), context.item.org_id, parsed);
    match app.db.save_draft(&scope, me.staff.id, &input).await {
        Ok(saved) => {
            let detail = if saved.changed { "saved" } else { "unchanged" };
            me.audit(&app, "item.save", &audit_target, AuditResult::Ok, detail)
                .await;
            Ok(see_other(&format!("/items/{id}?notice=saved")))
        }
        Err(error) => save_failed(&app, &me, &form, Some(id), &audit_target, error).await,
    }
}

/// Puts back the item fields that a synced service's feed owns, whatever the generic form
/// sent: the feed is their source of record, and the service form shows them read-only too.
fn keep_synced_fields(
    record: &jiyue_db::ServiceRecord,
    latest: &jiyue_db::RevisionDetail,
    parsed: &mut ParsedForm,
) {
    if record.origin != jiyue_db::ServiceOrigin::Synced {
        return;
    }
    for field in &record.synced_fields {
        match field.as_str() {
            "title" => parsed.meta.title = latest.meta.title.clone(),
            "keywords" => parsed.meta.keywords = latest.meta.keywords.clone(),
            "summary" => parsed.meta.summary = latest.meta.summary.clone(),
            "lang" => parsed.meta.lang = latest.meta.lang.clone(),
            "body_markdown" | "body_html" => parsed.body_html = latest.body_html.clone(),
            _ => {}
        }
    }
}

/// Stores images pasted into the body as `data:` URIs as files, and points the body at them,
/// before the body is sanitized (the sanitizer drops `data:` sources).
async fn inline_images(app: &App, form: &mut ItemForm) -> Result<(), FieldError> {
    match crate::admin::uploads::store_inline_images(app, &form.body_html).await {
        Ok(body) => {
            form.body_html = body;
            Ok(())
        }
        Err(message) => Err(FieldError::text("body_html", message)),
    }
}
