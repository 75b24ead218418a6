//! Moving a column under another parent of its site. Storage moves the sub-columns with it
//! and leaves a 301 at every old page and item address, so nothing published breaks.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiyue_auth::Action;
use jiyue_db::{AuditResult, ColumnId, SiteId};
use jiyue_render::MessageArg;
use serde::Deserialize;

use super::super::csrf::check_csrf;
use super::super::error::AdminError;
use super::super::extract::{AdminForm, AdminPath};
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::columns::{render_site, site_with};
use super::{audit_invalid, see_other};
use crate::App;

#[derive(Debug, Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    column: String,
    #[serde(default)]
    parent: String,
}

/// POST `/sites/{id}/move`: moves the chosen column under the chosen parent, or to the top.
pub(super) async fn move_column(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(site_id): AdminPath<SiteId>,
    AdminForm(form): AdminForm<MoveForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let (entry, scope) =
        site_with(&app, &me, site_id, Action::ManageColumns, "column.move").await?;
    let known = |id: &ColumnId| entry.columns.iter().any(|column| column.id == *id);
    let column = form.column.trim().parse::<ColumnId>().ok().filter(known);
    let parent = match form.parent.trim() {
        "" => Some(None),
        text => text.parse::<ColumnId>().ok().filter(known).map(Some),
    };
    let target = format!("site:{site_id}");
    let (Some(column), Some(parent)) = (column, parent) else {
        let errors = vec![FieldError::new(
            "move_column",
            "editorial-error-move-choice",
        )];
        audit_invalid(&app, &me, "column.move", &target, &errors).await;
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_site(&app, &me, &entry, status, None, errors).await;
    };
    match app.db.move_column(&scope, column, parent).await {
        Ok(path) => {
            let target = format!("column:{column}");
            me.audit(&app, "column.move", &target, AuditResult::Ok, &path)
                .await;
            Ok(see_other(&format!("/sites/{site_id}?notice=column-moved")))
        }
        Err(error) if error.is_invalid() || error.is_conflict() => {
            let detail = error.to_string();
            me.audit(&app, "column.move", &target, AuditResult::Failed, &detail)
                .await;
            let text = render::format_args(
                "editorial-error-move-refused",
                &[("reason", MessageArg::Text(detail))],
            );
            let errors = vec![FieldError::text("move_column", text)];
            render_site(&app, &me, &entry, StatusCode::CONFLICT, None, errors).await
        }
        Err(error) => Err(error.into()),
    }
}
