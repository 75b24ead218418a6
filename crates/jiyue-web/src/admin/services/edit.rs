//! The service form: a new service, the form at the newest revision, saving a draft through
//! `save_draft` (so review and publication use the item workflow), and turning a synced
//! service into a locally maintained one. Fields a feed owns stay read-only: the form does
//! not submit them and a save keeps their stored values whatever the request carries. Files
//! chosen for materials are stored before the form is checked; a refused file saves nothing.

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiyue_auth::Action;
use jiyue_core::clock::format_china_minute;
use jiyue_core::service::{BusinessStage, LifeEvent, ServiceAudience, ServiceKind};
use jiyue_core::{ColumnType, ItemMeta};
use jiyue_db::{AuditResult, DbError, DraftInput, ItemId, ServiceOrigin, ServiceRecord};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::super::editorial::access::{authorize, column_target, item_with, ItemContext};
use super::super::editorial::views::{all_sites, column_label};
use super::super::error::AdminError;
use super::super::extract::AdminPath;
use super::super::messages::FieldError;
use super::super::redirect;
use super::super::render;
use super::super::session::SignedIn;
use super::super::uploads::MAX_FILE_BYTES;
use super::files::{self, Attached};
use super::form::{ParsedService, ServiceForm};
use super::{element_names, require_anywhere};
use crate::App;

/// A choice of a select or checkbox group.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// The columns of one site a service may live in.
#[derive(Debug, Serialize)]
struct ColumnGroup {
    label: String,
    choices: Vec<Choice>,
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    name: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|value| Choice {
            value: code(*value).to_string(),
            label: name(*value).to_string(),
        })
        .collect()
}

/// Returns the columns where the user may write, by site: the 办事服务 columns when the user
/// may write in one, otherwise every writable column. The current home stays listed.
async fn home_columns(
    app: &App,
    me: &SignedIn,
    current: &str,
) -> Result<Vec<ColumnGroup>, AdminError> {
    let sites = all_sites(app).await?;
    let writable = |services_only: bool| -> Vec<ColumnGroup> {
        sites
            .iter()
            .map(|entry| ColumnGroup {
                label: entry.site.name.clone(),
                choices: entry
                    .columns
                    .iter()
                    .filter(|column| {
                        column.id.to_string() == current
                            || (me.allows(Action::WriteItem, &entry.column_target(column))
                                && (!services_only || column.column_type == ColumnType::Services))
                    })
                    .map(|column| Choice {
                        value: column.id.to_string(),
                        label: column_label(column),
                    })
                    .collect(),
            })
            .filter(|group| !group.choices.is_empty())
            .collect()
    };
    let services = writable(true);
    let any_writable = services
        .iter()
        .flat_map(|group| &group.choices)
        .any(|choice| choice.value != current);
    Ok(if any_writable {
        services
    } else {
        writable(false)
    })
}

/// What the form page shows besides the form.
struct FormPage {
    status: StatusCode,
    item: Option<Value>,
    record: Option<ServiceRecord>,
    errors: Vec<FieldError>,
    notice: Option<String>,
}

async fn form_page(
    app: &App,
    me: &SignedIn,
    form: &ServiceForm,
    page: FormPage,
) -> Result<Response, AdminError> {
    let mut ignored = Vec::new();
    let missing = element_names(
        &form
            .guide(&mut ignored)
            .missing()
            .into_iter()
            .map(|element| element.code().to_string())
            .collect::<Vec<_>>(),
    );
    let synced = page
        .record
        .as_ref()
        .filter(|record| record.origin == ServiceOrigin::Synced);
    let ctx = context! {
        form => form.with_blank_rows(),
        item => page.item,
        errors => page.errors,
        notice => page.notice,
        missing => missing,
        synced => synced.map(|record| &record.synced_fields),
        source => synced.and_then(|record| record.source.clone()),
        synced_at => synced.and_then(|record| record.synced_at).map(format_china_minute),
        home_columns => home_columns(app, me, &form.home_column).await?,
        kinds => choices(ServiceKind::ALL, ServiceKind::code, ServiceKind::name_zh),
        audiences => choices(ServiceAudience::ALL, ServiceAudience::code, ServiceAudience::name_zh),
        life_events => choices(LifeEvent::ALL, LifeEvent::code, LifeEvent::name_zh),
        business_stages => choices(BusinessStage::ALL, BusinessStage::code, BusinessStage::name_zh),
        upload_limit_mb => MAX_FILE_BYTES >> 20,
        upload_count => files::MAX_FILES,
    };
    let html = render::page_for(app, me, "services_form.html", ctx)?;
    Ok((page.status, html).into_response())
}

/// Returns the item's state for the form page and the steps the user may take on it.
fn item_view(me: &SignedIn, context: &ItemContext) -> Value {
    let summary = &context.latest.summary;
    context! {
        id => context.item.id,
        number => summary.number,
        state_key => summary.state.message_id(),
        live => context.item.live_revision_id.is_some(),
        can_write => me.allows(Action::WriteItem, &context.target),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct NewQuery {
    #[serde(default)]
    column: String,
    #[serde(default)]
    notice: String,
}

pub(super) async fn new_form(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Response, AdminError> {
    require_anywhere(&app, &me, Action::WriteItem, "service.new").await?;
    let form = ServiceForm {
        home_column: query.column.trim().to_string(),
        ..ServiceForm::default()
    };
    let page = FormPage {
        status: StatusCode::OK,
        item: None,
        record: None,
        errors: Vec::new(),
        notice: None,
    };
    form_page(&app, &me, &form, page).await
}

/// Loads a service item and checks `action` on it. An item without a guide is not found here.
async fn service_with(
    app: &App,
    me: &SignedIn,
    id: ItemId,
    action: Action,
    audit_action: &str,
) -> Result<(ItemContext, jiyue_db::Scope, ServiceRecord), AdminError> {
    let (context, scope) = item_with(app, me, id, action, audit_action).await?;
    let record = app
        .db
        .service_record(id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("service item {id}")))?;
    Ok((context, scope, record))
}

fn stored_form(context: &ItemContext) -> ServiceForm {
    ServiceForm::from_stored(
        &context.latest.meta,
        &context.latest.body_html,
        context.home_column,
        context.latest.summary.id,
    )
}

pub(super) async fn edit_form(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    Query(query): Query<NewQuery>,
) -> Result<Response, AdminError> {
    let (context, _, record) =
        service_with(&app, &me, id, Action::ViewItems, "service.view").await?;
    let notice = match query.notice.as_str() {
        "saved" => Some(render::message("admin-services-notice-saved")),
        "local" => Some(render::message("admin-services-notice-local")),
        _ => None,
    };
    let page = FormPage {
        status: StatusCode::OK,
        item: Some(item_view(&me, &context)),
        record: Some(record),
        errors: Vec::new(),
        notice,
    };
    form_page(&app, &me, &stored_form(&context), page).await
}

fn form_pairs(body: &[u8], me: &SignedIn) -> Result<Vec<(String, String)>, AdminError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    files::check_token(&pairs, me)?;
    Ok(pairs)
}

/// Replaces the typed values of the fields a feed owns by the stored ones.
fn keep_synced(
    form: &mut ServiceForm,
    stored: &ServiceForm,
    fields: &[String],
) -> Result<(), AdminError> {
    let internal =
        |error: serde_json::Error| AdminError::Internal(format!("service form: {error}"));
    let mut typed = serde_json::to_value(&*form).map_err(internal)?;
    let kept = serde_json::to_value(stored).map_err(internal)?;
    for field in fields {
        let keys: &[&str] = match field.as_str() {
            "fee" => &["fee_free", "fee_standard", "fee_basis"],
            other => &[other][..],
        };
        for key in keys {
            if let (Some(slot), Some(value)) = (typed.get_mut(*key), kept.get(*key)) {
                *slot = value.clone();
            }
        }
    }
    *form = serde_json::from_value(typed).map_err(internal)?;
    Ok(())
}

pub(super) async fn create(
    State(app): State<Arc<App>>,
    me: SignedIn,
    request: Request,
) -> Result<Response, AdminError> {
    let submission = files::read_submission(&me, request).await?;
    let form = ServiceForm::from_pairs(&submission.pairs);
    let refused = |errors, status| FormPage {
        status,
        item: None,
        record: None,
        errors,
        notice: None,
    };

    let Ok(home_column) = form.home_column.trim().parse::<i64>() else {
        let error = FieldError::new("home_column", "editorial-error-home-column");
        return form_page(
            &app,
            &me,
            &form,
            refused(vec![error], StatusCode::UNPROCESSABLE_ENTITY),
        )
        .await;
    };
    let target = column_target(&app, home_column).await?;
    let audit_target = format!("column:{home_column}");
    let scope = authorize(
        &app,
        &me,
        Action::WriteItem,
        &target,
        "service.save",
        &audit_target,
    )
    .await?;

    let attached = files::attach(&app, &me, submission, &audit_target, true).await?;
    let form = ServiceForm::from_pairs(&attached.pairs);
    if let Some(status) = refused_files(&app, &me, &audit_target, &attached).await {
        let page = refused(attached.errors, status);
        return form_page(&app, &me, &form, page).await;
    }
    if form.add_row.is_some() {
        return form_page(&app, &me, &form, refused(Vec::new(), StatusCode::OK)).await;
    }

    let (org_id, base) = new_item_base(&app, home_column).await?;

    let parsed = match form.parse(base) {
        Ok(parsed) => parsed,
        Err(errors) => {
            audit_failed(&app, &me, &audit_target, &errors).await;
            return form_page(
                &app,
                &me,
                &form,
                refused(errors, StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await;
        }
    };

    let input = draft(None, org_id, parsed, Vec::new(), None);
    match app.db.save_draft(&scope, me.staff.id, &input).await {
        Ok(saved) => {
            let target = format!("item:{}", saved.item_id);
            me.audit(&app, "service.save", &target, AuditResult::Ok, "created")
                .await;
            Ok(redirect(&format!(
                "/services/{}?notice=saved",
                saved.item_id
            )))
        }
        Err(error) => {
            let errors = vec![save_error(&app, &me, &audit_target, error).await?];
            form_page(&app, &me, &form, refused(errors, StatusCode::CONFLICT)).await
        }
    }
}

/// Returns the organization and the metadata defaults (language, issuing organization) of a
/// new item in the column `home_column`.
async fn new_item_base(app: &App, home_column: i64) -> Result<(i64, ItemMeta), AdminError> {
    let column = app
        .db
        .column(home_column)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("column:{home_column}")))?;
    let site = app
        .db
        .site(column.site_id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("site:{}", column.site_id)))?;
    let org = app.db.org(site.org_id).await?;
    let base = ItemMeta {
        lang: site.lang.clone(),
        issuing_org: org.map(|org| org.name),
        ..ItemMeta::default()
    };
    Ok((site.org_id, base))
}

fn draft(
    item_id: Option<ItemId>,
    org_id: i64,
    parsed: ParsedService,
    extra_columns: Vec<i64>,
    publish_at: Option<chrono::DateTime<chrono::Utc>>,
) -> DraftInput {
    DraftInput {
        item_id,
        base_revision_id: parsed.base_revision_id,
        org_id,
        meta: parsed.meta,
        body_html: parsed.body_html,
        home_column: parsed.home_column,
        extra_columns,
        translation_of: None,
        publish_at,
    }
}

async fn audit_failed(app: &App, me: &SignedIn, target: &str, errors: &[FieldError]) {
    let fields: Vec<&str> = errors.iter().map(|error| error.field).collect();
    let detail = format!("invalid form fields: {}", fields.join(", "));
    tracing::info!(%target, %detail, "a service form failed its checks");
    me.audit(app, "service.save", target, AuditResult::Failed, &detail)
        .await;
}

/// Audits a form whose files were refused and returns the status of its page, or `None` when
/// every file was stored.
async fn refused_files(
    app: &App,
    me: &SignedIn,
    target: &str,
    attached: &Attached,
) -> Option<StatusCode> {
    if attached.errors.is_empty() {
        return None;
    }
    audit_failed(app, me, target, &attached.errors).await;
    Some(attached.status)
}

/// Turns a rejected save into the error the form shows and audits it. Other errors propagate.
async fn save_error(
    app: &App,
    me: &SignedIn,
    target: &str,
    error: DbError,
) -> Result<FieldError, AdminError> {
    let (field, key) = match &error {
        DbError::Conflict(_) => ("code", "admin-services-error-code-taken"),
        DbError::Stale { .. } => ("title", "editorial-stale-error"),
        DbError::Workflow(rule) => ("title", rule.message_id()),
        DbError::Invalid(_) | DbError::NotFound(_) => ("title", "editorial-error-save-refused"),
        _ => return Err(AdminError::Db(error)),
    };
    tracing::info!(%target, %error, "saving a service failed");
    me.audit(
        app,
        "service.save",
        target,
        AuditResult::Failed,
        &error.to_string(),
    )
    .await;
    Ok(FieldError::new(field, key))
}

pub(super) async fn save(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    request: Request,
) -> Result<Response, AdminError> {
    let submission = files::read_submission(&me, request).await?;
    let (context, scope, record) =
        service_with(&app, &me, id, Action::WriteItem, "service.save").await?;
    let synced = record.origin == ServiceOrigin::Synced;
    let materials_synced = synced && record.synced_fields.iter().any(|f| f == "materials");
    let audit_target = format!("item:{id}");
    let attached = files::attach(&app, &me, submission, &audit_target, !materials_synced).await?;

    let mut form = ServiceForm::from_pairs(&attached.pairs);
    if synced {
        keep_synced(&mut form, &stored_form(&context), &record.synced_fields)?;
    }
    let page = |errors, status| FormPage {
        status,
        item: Some(item_view(&me, &context)),
        record: Some(record.clone()),
        errors,
        notice: None,
    };

    if let Some(status) = refused_files(&app, &me, &audit_target, &attached).await {
        return form_page(&app, &me, &form, page(attached.errors, status)).await;
    }
    if form.add_row.is_some() {
        return form_page(&app, &me, &form, page(Vec::new(), StatusCode::OK)).await;
    }

    let parsed = match form.parse(context.latest.meta.clone()) {
        Ok(parsed) => parsed,
        Err(errors) => {
            audit_failed(&app, &me, &audit_target, &errors).await;
            return form_page(
                &app,
                &me,
                &form,
                page(errors, StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await;
        }
    };

    let home_target = column_target(&app, parsed.home_column).await?;
    authorize(
        &app,
        &me,
        Action::WriteItem,
        &home_target,
        "service.save",
        &audit_target,
    )
    .await?;

    let extras = context
        .latest
        .placements
        .as_ref()
        .map(|wanted| wanted.extras.clone())
        .unwrap_or_default();
    let input = draft(
        Some(id),
        context.item.org_id,
        parsed,
        extras,
        context.latest.summary.publish_at,
    );

    match app.db.save_draft(&scope, me.staff.id, &input).await {
        Ok(saved) => {
            let detail = if saved.changed { "saved" } else { "unchanged" };
            me.audit(&app, "service.save", &audit_target, AuditResult::Ok, detail)
                .await;
            Ok(redirect(&format!("/services/{id}?notice=saved")))
        }
        Err(error) => {
            let errors = vec![save_error(&app, &me, &audit_target, error).await?];
            form_page(&app, &me, &form, page(errors, StatusCode::CONFLICT)).await
        }
    }
}

pub(super) async fn make_local(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    body: Bytes,
) -> Result<Response, AdminError> {
    form_pairs(&body, &me)?;
    let (_, _, record) = service_with(&app, &me, id, Action::WriteItem, "service.local").await?;
    app.db.make_service_local(id).await?;
    let detail = format!("was synced from {}", record.source.unwrap_or_default());
    me.audit(
        &app,
        "service.local",
        &format!("item:{id}"),
        AuditResult::Ok,
        &detail,
    )
    .await;
    Ok(redirect(&format!("/services/{id}?notice=local")))
}
