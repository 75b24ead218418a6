//! Column administration: the sites a user may manage or edit, a site's column tree with
//! review levels, sharing and order, creating, changing, reordering and deleting columns, and
//! accepting items other sites placed in this site's columns.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jiyue_auth::Action;
use jiyue_core::ColumnType;
use jiyue_db::{AuditResult, Column, ColumnId, NewColumn, Scope, Site, SiteId};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::super::csrf::check_csrf;
use super::super::error::AdminError;
use super::super::extract::{AdminForm, AdminPath};
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::access::authorize;
use super::columns_edit;
use super::see_other;
use super::status::notice_text;
use super::views::{all_sites, SiteColumns};
use crate::App;

/// Returns the routes of the column pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/sites", get(sites))
        .route("/sites/{id}", get(site_page))
        .route("/sites/{id}/columns", post(columns_edit::create))
        .route("/sites/{id}/placements/{placement}/accept", post(accept))
        .route("/columns/{id}", post(columns_edit::update))
        .route("/columns/{id}/delete", post(columns_edit::delete))
        .route("/sites/{id}/move", post(super::column_move::move_column))
}

/// A site as the site list shows it.
#[derive(Debug, Serialize)]
struct SiteRow {
    id: SiteId,
    name: String,
    code: String,
    domain: String,
    manage: bool,
}

async fn sites(State(app): State<Arc<App>>, me: SignedIn) -> Result<Response, AdminError> {
    let rows: Vec<SiteRow> = all_sites(&app)
        .await?
        .iter()
        .filter_map(|entry| {
            let manage = me.allows(Action::ManageColumns, &entry.target());
            let edit = entry
                .columns
                .iter()
                .any(|column| me.allows(Action::ViewItems, &entry.column_target(column)));
            (manage || edit).then(|| SiteRow {
                id: entry.site.id,
                name: entry.site.name.clone(),
                code: entry.site.code.clone(),
                domain: entry.site.primary_domain.clone(),
                manage,
            })
        })
        .collect();
    let html = render::page_for(&app, &me, "sites.html", context! { sites => rows })?;
    Ok(html.into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

/// Loads a site with its columns and checks `action` on it; returns it with the scope.
pub(super) async fn site_with(
    app: &App,
    me: &SignedIn,
    site_id: SiteId,
    action: Action,
    audit_action: &str,
) -> Result<(SiteColumns, Scope), AdminError> {
    let not_found = || AdminError::NotFound(format!("site:{site_id}"));
    let site = app.db.site(site_id).await?.ok_or_else(not_found)?;
    let org_path = match app.db.site_target(site_id).await? {
        Some(jiyue_auth::Target::Site { org_path, .. }) => org_path,
        _ => return Err(not_found()),
    };
    let columns = app.db.columns(site_id).await?;
    let entry = SiteColumns {
        site,
        org_path,
        columns,
    };
    let audit_target = format!("site:{site_id}");
    let scope = authorize(
        app,
        me,
        action,
        &entry.target(),
        audit_action,
        &audit_target,
    )
    .await?;
    Ok((entry, scope))
}

async fn site_page(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<SiteId>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AdminError> {
    let (entry, _) = site_with(&app, &me, id, Action::ManageColumns, "column.list").await?;
    let notice = query.notice.as_deref().and_then(notice_text);
    render_site(&app, &me, &entry, StatusCode::OK, notice, Vec::new()).await
}

/// A column as the tree shows it, indented by depth.
#[derive(Debug, Serialize)]
struct ColumnRow {
    id: ColumnId,
    name: String,
    path: String,
    type_name: &'static str,
    depth: usize,
    review_levels: i16,
    accepts_shared: bool,
    position: i32,
}

/// Returns the columns in tree order: each column followed by its children, siblings by
/// position and then path.
pub(super) fn tree(columns: &[Column]) -> Vec<&Column> {
    fn visit<'a>(columns: &'a [Column], parent: Option<ColumnId>, out: &mut Vec<&'a Column>) {
        let mut children: Vec<&Column> = columns.iter().filter(|c| c.parent_id == parent).collect();
        children.sort_by(|a, b| (a.position, &a.path).cmp(&(b.position, &b.path)));
        for child in children {
            out.push(child);
            if out.len() <= columns.len() {
                visit(columns, Some(child.id), out);
            }
        }
    }
    let mut out = Vec::with_capacity(columns.len());
    visit(columns, None, &mut out);
    out
}

/// Renders a site's column page, with `errors` from a refused change.
pub(super) async fn render_site(
    app: &App,
    me: &SignedIn,
    entry: &SiteColumns,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<FieldError>,
) -> Result<Response, AdminError> {
    let rows: Vec<ColumnRow> = tree(&entry.columns)
        .into_iter()
        .map(|column| ColumnRow {
            id: column.id,
            name: column.name.clone(),
            path: column.path.clone(),
            type_name: column.column_type.name_zh(),
            depth: column.path.split('/').filter(|s| !s.is_empty()).count(),
            review_levels: column.review_levels,
            accepts_shared: column.accepts_shared,
            position: column.position,
        })
        .collect();
    let pending = if me.allows(Action::AcceptPlacement, &entry.target()) {
        app.db.pending_placements(entry.site.id).await?
    } else {
        Vec::new()
    };
    let types: Vec<(&str, &str)> = ColumnType::ALL
        .iter()
        .map(|t| (t.code(), t.name_zh()))
        .collect();
    let ctx = context! {
        site => site_view(&entry.site),
        columns => rows,
        pending => pending,
        column_names => entry.columns.iter().map(|c| (c.id.to_string(), c.name.clone())).collect::<std::collections::BTreeMap<_, _>>(),
        types => types,
        notice => notice,
        errors => errors,
    };
    let html = render::page_for(app, me, "site_columns.html", ctx)?;
    Ok((status, html).into_response())
}

fn site_view(site: &Site) -> minijinja::Value {
    context! { id => site.id, name => &site.name, code => &site.code }
}

/// Returns the stored column as an upsert input, to change some of its fields.
pub(super) fn as_new(site: &Site, column: &Column) -> NewColumn {
    NewColumn {
        site_code: site.code.clone(),
        path: column.path.clone(),
        name: column.name.clone(),
        column_type: column.column_type,
        description: column.description.clone(),
        keywords: column.keywords.clone(),
        position: column.position,
        review_levels: column.review_levels,
        accepts_shared: column.accepts_shared,
    }
}

#[derive(Debug, Deserialize)]
struct AcceptForm {
    #[serde(default)]
    csrf: String,
}

async fn accept(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath((id, placement)): AdminPath<(SiteId, i64)>,
    AdminForm(form): AdminForm<AcceptForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    site_with(&app, &me, id, Action::AcceptPlacement, "placement.accept").await?;
    app.db.accept_placement(id, placement).await?;
    let target = format!("placement:{placement}");
    me.audit(
        &app,
        "placement.accept",
        &target,
        AuditResult::Ok,
        &format!("site {id}"),
    )
    .await;
    Ok(see_other(&format!("/sites/{id}?notice=placement-accepted")))
}
