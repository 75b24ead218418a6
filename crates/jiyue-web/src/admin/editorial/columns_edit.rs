//! Changes to columns: creating one under a site, changing its name, review levels, sharing
//! and position (or moving it up or down among its siblings), and deleting an empty one.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiyue_auth::Action;
use jiyue_core::ColumnType;
use jiyue_db::{AuditResult, Column, ColumnId, DbError, NewColumn, Scope, SiteId};
use jiyue_render::MessageArg;
use serde::Deserialize;

use super::super::csrf::check_csrf;
use super::super::error::AdminError;
use super::super::extract::{AdminForm, AdminPath};
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::columns::{as_new, render_site, site_with};
use super::views::SiteColumns;
use super::{audit_invalid, see_other};
use crate::App;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ColumnForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    column_type: String,
    #[serde(default)]
    review_levels: String,
    #[serde(default)]
    accepts_shared: Option<String>,
    #[serde(default)]
    position: String,
    /// `up` or `down` to move the column among its siblings instead of saving the fields.
    #[serde(default)]
    r#move: String,
}

/// Parses the review levels (0 to 3) and the position of a column form; errors point at the
/// inputs `levels_field` and `position_field`.
fn numbers(
    form: &ColumnForm,
    errors: &mut Vec<FieldError>,
    (levels_field, position_field): (&'static str, &'static str),
) -> (i16, i32) {
    let levels = form
        .review_levels
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|l| (0..=3).contains(l));
    if levels.is_none() {
        errors.push(FieldError::new(
            levels_field,
            "editorial-error-review-levels",
        ));
    }
    let position = match form.position.trim() {
        "" => Some(0),
        text => text.parse::<i32>().ok(),
    };
    if position.is_none() {
        errors.push(FieldError::new(position_field, "editorial-error-position"));
    }
    (levels.unwrap_or(0), position.unwrap_or(0))
}

pub(super) async fn create(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(site_id): AdminPath<SiteId>,
    AdminForm(form): AdminForm<ColumnForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let (entry, scope) =
        site_with(&app, &me, site_id, Action::ManageColumns, "column.update").await?;
    let mut errors = Vec::new();
    let (review_levels, position) = numbers(&form, &mut errors, ("levels_new", "position_new"));
    let path = form.path.trim().trim_matches('/').to_string();
    if entry.columns.iter().any(|column| column.path == path) {
        errors.push(FieldError::new("path_new", "editorial-error-column-exists"));
    }
    if form.name.trim().is_empty() {
        errors.push(FieldError::new("name_new", "editorial-error-column-name"));
    }
    let column_type = ColumnType::parse(&form.column_type).unwrap_or(ColumnType::Other);
    if !errors.is_empty() {
        let target = format!("site:{site_id}");
        audit_invalid(&app, &me, "column.update", &target, &errors).await;
        return render_site(
            &app,
            &me,
            &entry,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
        )
        .await;
    }
    let new = NewColumn {
        site_code: entry.site.code.clone(),
        path: path.clone(),
        name: form.name.trim().to_string(),
        column_type,
        description: None,
        keywords: None,
        position,
        review_levels,
        accepts_shared: form.accepts_shared.is_some(),
    };
    let target = format!("site:{site_id}/{path}");
    store(&app, &me, &entry, &scope, &new, &target, "column-created").await
}

/// Upserts a column and redirects to the site page, or shows the page with the rejection.
async fn store(
    app: &App,
    me: &SignedIn,
    entry: &SiteColumns,
    scope: &Scope,
    column: &NewColumn,
    target: &str,
    notice: &str,
) -> Result<Response, AdminError> {
    match app.db.upsert_column(scope, column).await {
        Ok(id) => {
            me.audit(
                app,
                "column.update",
                target,
                AuditResult::Ok,
                &format!("column {id}"),
            )
            .await;
            Ok(see_other(&format!(
                "/sites/{}?notice={notice}",
                entry.site.id
            )))
        }
        Err(error @ (DbError::Invalid(_) | DbError::NotFound(_) | DbError::Conflict(_))) => {
            me.audit(
                app,
                "column.update",
                target,
                AuditResult::Failed,
                &error.to_string(),
            )
            .await;
            let errors = vec![FieldError::new(
                "path_new",
                "editorial-error-column-refused",
            )];
            render_site(
                app,
                me,
                entry,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                errors,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// Loads a column with its site, checking `ManageColumns` on the site.
async fn column_with(
    app: &App,
    me: &SignedIn,
    id: ColumnId,
    audit_action: &str,
) -> Result<(SiteColumns, Scope, Column), AdminError> {
    let column = app
        .db
        .column(id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("column:{id}")))?;
    let (entry, scope) =
        site_with(app, me, column.site_id, Action::ManageColumns, audit_action).await?;
    Ok((entry, scope, column))
}

pub(super) async fn update(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ColumnId>,
    AdminForm(form): AdminForm<ColumnForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let (entry, scope, column) = column_with(&app, &me, id, "column.update").await?;
    if !form.r#move.is_empty() {
        return move_column(&app, &me, &entry, &scope, &column, form.r#move == "up").await;
    }
    let mut errors = Vec::new();
    let (review_levels, position) = numbers(&form, &mut errors, ("columns-title", "columns-title"));
    if form.name.trim().is_empty() {
        errors.push(FieldError::new(
            "columns-title",
            "editorial-error-column-name",
        ));
    }
    if !errors.is_empty() {
        audit_invalid(&app, &me, "column.update", &format!("column:{id}"), &errors).await;
        return render_site(
            &app,
            &me,
            &entry,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
        )
        .await;
    }
    let mut new = as_new(&entry.site, &column);
    new.name = form.name.trim().to_string();
    new.review_levels = review_levels;
    new.position = position;
    new.accepts_shared = form.accepts_shared.is_some();
    let target = format!("column:{id}");
    store(&app, &me, &entry, &scope, &new, &target, "column-saved").await
}

/// Swaps a column with its previous (`up`) or next sibling, renumbering the siblings so
/// their positions are distinct.
async fn move_column(
    app: &App,
    me: &SignedIn,
    entry: &SiteColumns,
    scope: &Scope,
    column: &Column,
    up: bool,
) -> Result<Response, AdminError> {
    let mut siblings: Vec<&Column> = entry
        .columns
        .iter()
        .filter(|c| c.parent_id == column.parent_id)
        .collect();
    siblings.sort_by(|a, b| (a.position, &a.path).cmp(&(b.position, &b.path)));
    let Some(index) = siblings.iter().position(|c| c.id == column.id) else {
        return Ok(see_other(&format!("/sites/{}", entry.site.id)));
    };
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1)
    };
    if let Some(other) = other.filter(|other| *other < siblings.len()) {
        siblings.swap(index, other);
    }
    for (position, sibling) in siblings.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        if sibling.position != position {
            let mut new = as_new(&entry.site, sibling);
            new.position = position;
            app.db.upsert_column(scope, &new).await?;
        }
    }
    let target = format!("column:{}", column.id);
    let detail = if up { "moved up" } else { "moved down" };
    me.audit(app, "column.update", &target, AuditResult::Ok, detail)
        .await;
    Ok(see_other(&format!(
        "/sites/{}?notice=column-saved",
        entry.site.id
    )))
}

pub(super) async fn delete(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ColumnId>,
    AdminForm(form): AdminForm<ColumnForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let (entry, scope, column) = column_with(&app, &me, id, "column.delete").await?;
    let target = format!("column:{id}");
    let items = app.db.column_item_count(id).await?;
    let children = app.db.column_child_count(id).await?;
    if items > 0 || children > 0 {
        let (key, count) = if items > 0 {
            ("editorial-error-column-has-items", items)
        } else {
            ("editorial-error-column-has-children", children)
        };
        let text = render::format_args(
            key,
            &[
                ("name", MessageArg::Text(column.name.clone())),
                ("count", MessageArg::Number(count as f64)),
            ],
        );
        me.audit(&app, "column.delete", &target, AuditResult::Failed, &text)
            .await;
        let errors = vec![FieldError::text("columns-title", text)];
        return render_site(&app, &me, &entry, StatusCode::CONFLICT, None, errors).await;
    }
    app.db.delete_column(&scope, id).await?;
    me.audit(
        &app,
        "column.delete",
        &target,
        AuditResult::Ok,
        &column.path,
    )
    .await;
    Ok(see_other(&format!(
        "/sites/{}?notice=column-deleted",
        entry.site.id
    )))
}
