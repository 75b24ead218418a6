//! The editorial pages of the admin listener: my work, the items of a column, the item form
//! and its workflow steps, revisions and their comparison, draft previews, and the column
//! administration of a site.
//!
//! Every handler authorizes the signed-in user on the target (the item's home column, a
//! column, a site) with `SignedIn::authorize`, which audits refusals, and calls storage with
//! the `Scope` of the grant that allowed the action (see [`access`]).

pub(in crate::admin) mod access;
mod column_move;
mod columns;
mod columns_edit;
mod diff;
mod fields;
mod form;
mod items;
mod preview;
mod revisions;
mod save_refusal;
mod status;
pub(in crate::admin) mod views;
mod work;
mod workflow;

use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use jiyue_db::AuditResult;

use super::csrf::{check_csrf, CSRF_FIELD};
use super::error::AdminError;
use super::messages::FieldError;
use super::session::SignedIn;
use crate::App;

/// Returns the routes of the editorial pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .merge(work::router())
        .merge(items::router())
        .merge(workflow::router())
        .merge(revisions::router())
        .merge(preview::router())
        .merge(columns::router())
}

/// Returns 303 See Other to a local path, the response to a form that succeeded.
fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Reads a URL-encoded form body into its pairs, keeping repeated keys.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// Checks the CSRF token among a form's pairs.
fn check_pairs_csrf(me: &SignedIn, pairs: &[(String, String)]) -> Result<(), AdminError> {
    let token = pairs
        .iter()
        .find(|(key, _)| key == CSRF_FIELD)
        .map_or("", |(_, value)| value.as_str());
    check_csrf(me, token)
}

/// Records a form that failed its checks as a failed action, naming the fields at fault.
async fn audit_invalid(
    app: &App,
    me: &SignedIn,
    action: &str,
    target: &str,
    errors: &[FieldError],
) {
    let fields: Vec<&str> = errors.iter().map(|error| error.field).collect();
    let detail = format!("invalid form fields: {}", fields.join(", "));
    me.audit(app, action, target, AuditResult::Failed, &detail)
        .await;
}
