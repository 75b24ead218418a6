//! Service items in the admin interface: the completeness list of every service (per site, or
//! only the incomplete ones), and the service form ([`edit`]) that saves drafts through the
//! ordinary item workflow, so review, publication and revisions reuse the item pages.
//!
//! Everyone who may view items somewhere sees the list, filtered to the services they may
//! view. The form needs the same grants as the item form of the service's home column. The
//! form may carry the blank form and example of each material as files ([`files`]).

mod edit;
mod files;
mod form;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiyue_auth::Action;
use jiyue_core::clock::format_china_minute;
use jiyue_core::service::GuideElement;
use jiyue_db::{AdminService, AuditResult, ServiceOrigin, SiteId};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::editorial::access::load_item;
use super::error::AdminError;
use super::render;
use super::session::{forbidden, SignedIn};
use crate::App;

/// Routes of the service pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/services",
            get(list).post(edit::create).layer(form_body_limit()),
        )
        .route("/services/new", get(edit::new_form))
        .route(
            "/services/{id}",
            get(edit::edit_form)
                .post(edit::save)
                .layer(form_body_limit()),
        )
        .route(
            "/services/{id}/local",
            axum::routing::post(edit::make_local),
        )
}

/// Lets the service form carry the files of its materials, a few at a time.
fn form_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(files::MAX_BODY_BYTES)
}

/// Rejects a user who has `action` nowhere, and audits the rejection.
async fn require_anywhere(
    app: &App,
    me: &SignedIn,
    action: Action,
    audit_action: &str,
) -> Result<(), AdminError> {
    if me.can_anywhere(action) {
        return Ok(());
    }
    me.audit(
        app,
        audit_action,
        "services",
        AuditResult::Denied,
        action.as_str(),
    )
    .await;
    Err(forbidden(action))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    incomplete: String,
}

/// One row of the completeness list.
#[derive(Debug, Serialize)]
struct ServiceRow {
    item_id: i64,
    code: String,
    title: String,
    synced: bool,
    source: String,
    synced_at: String,
    published: bool,
    missing: Vec<&'static str>,
    incomplete_reason: Option<String>,
}

/// Returns the Chinese names of stored element codes, in guide order.
pub(super) fn element_names(codes: &[String]) -> Vec<&'static str> {
    GuideElement::ALL
        .into_iter()
        .filter(|element| codes.iter().any(|code| code == element.code()))
        .map(GuideElement::name_zh)
        .collect()
}

fn service_row(service: AdminService) -> ServiceRow {
    let record = service.record;
    ServiceRow {
        item_id: record.item_id,
        missing: element_names(&record.missing),
        code: record.code,
        title: service.title,
        synced: record.origin == ServiceOrigin::Synced,
        source: record.source.unwrap_or_default(),
        synced_at: record
            .synced_at
            .map(format_china_minute)
            .unwrap_or_default(),
        published: service.published,
        incomplete_reason: service.incomplete_reason,
    }
}

async fn list(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Response, AdminError> {
    require_anywhere(&app, &me, Action::ViewItems, "service.list").await?;
    let site: Option<SiteId> = match query.site.trim() {
        "" => None,
        text => Some(text.parse().map_err(|_| {
            AdminError::BadRequest(format!(
                "query parameter site needs a site number, not {text}"
            ))
        })?),
    };
    let only_incomplete = !query.incomplete.is_empty();
    let mut rows = Vec::new();
    for service in app.db.admin_services(site).await? {
        if only_incomplete && service.record.missing.is_empty() {
            continue;
        }
        let Ok(item) = load_item(&app, service.record.item_id).await else {
            continue;
        };
        if me.allows(Action::ViewItems, &item.target) {
            rows.push(service_row(service));
        }
    }
    let mut sites = app.db.sites().await?;
    sites.sort_by(|a, b| a.code.cmp(&b.code));
    let sites: Vec<_> = sites
        .iter()
        .map(|s| context! { id => s.id, name => &s.name, selected => Some(s.id) == site })
        .collect();
    let ctx = context! {
        services => rows,
        sites => sites,
        incomplete => only_incomplete,
        can_create => me.can_anywhere(Action::WriteItem),
    };
    Ok(render::page_for(&app, &me, "services.html", ctx)?.into_response())
}
