//! Analytics in the admin interface, over the last 7, 30 or 90 days. The page shows a site's
//! daily page views as a line chart, its most viewed columns and items, its most frequent
//! queries and those that found nothing. A CSV download has the daily views, and a platform
//! operator also sees the ranking of all sites by views.
//!
//! Who sees what follows the scorecards: a platform operator sees every site, a site
//! administrator the sites of their grants. Storage checks the scope of every read again.

mod page;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use jiyue_auth::Action;
use jiyue_db::{AuditResult, Scope, SiteViews};
use serde::Deserialize;

use super::error::{AdminError, ErrorPage};
use super::render;
use super::scores::{is_operator, score_scopes};
use super::session::{forbidden, SignedIn};
use crate::App;

/// The ranges a user may choose, in days ending today.
const RANGES: [u32; 3] = [7, 30, 90];

/// The range shown when none is chosen.
const DEFAULT_RANGE: u32 = 30;

/// Routes of the analytics pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/monitor/analytics", get(page::show))
        .route("/monitor/analytics.csv", get(page::daily_csv))
}

/// The query of both pages: a site code and a range in days, both optional.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AnalyticsQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    days: String,
}

/// A validated request: the range, the sites the user may read and the chosen one.
struct Selection {
    days: u32,
    from: NaiveDate,
    to: NaiveDate,
    /// Every site the user may read with its views over the range, most viewed first.
    sites: Vec<SiteViews>,
    /// The chosen site and the scope that reaches it; `None` when the user may read no site.
    chosen: Option<(SiteViews, Scope)>,
}

/// The failure of an analytics request: an error shared with the other admin pages, or a
/// range outside `RANGES`, whose message names the value and the choices.
pub(super) enum Failure {
    Admin(AdminError),
    InvalidRange(String),
}

impl From<AdminError> for Failure {
    fn from(error: AdminError) -> Self {
        Failure::Admin(error)
    }
}

impl From<jiyue_db::DbError> for Failure {
    fn from(error: jiyue_db::DbError) -> Self {
        Failure::Admin(error.into())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Admin(error) => error.into_response(),
            Failure::InvalidRange(value) => bad_request(&render::format(
                "analytics-error-range",
                &[("value", value)],
            )),
        }
    }
}

/// Parses the range in days; an empty value is the default range.
fn parse_days(text: &str) -> Result<u32, Failure> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(DEFAULT_RANGE);
    }
    match text.parse::<u32>() {
        Ok(days) if RANGES.contains(&days) => Ok(days),
        _ => Err(Failure::InvalidRange(text.chars().take(40).collect())),
    }
}

/// Builds a 400 response whose page shows `message`.
fn bad_request(message: &str) -> Response {
    let mut response = (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response();
    response.extensions_mut().insert(ErrorPage {
        title_key: "admin-error-bad-request-title",
        message: message.to_string(),
    });
    response
}

/// Checks the query and loads the sites the user may read. Fails with 400 for an invalid
/// range, 403 for a user without analytics or a site outside their scope, and 404 for an
/// unknown site code.
async fn select(
    app: &App,
    me: &SignedIn,
    query: &AnalyticsQuery,
    audit_action: &str,
) -> Result<Selection, Failure> {
    let days = parse_days(&query.days)?;
    let to = app.today();
    let from = to - chrono::Duration::days(i64::from(days) - 1);

    let scopes = score_scopes(me);
    if scopes.is_empty() {
        me.audit(app, audit_action, "analytics", AuditResult::Denied, "")
            .await;
        return Err(forbidden(Action::ManageSites).into());
    }
    let mut reached: Vec<(SiteViews, Scope)> = Vec::new();
    for scope in &scopes {
        let rows = app.db.site_views(scope, from, to).await?;
        for row in rows {
            if !reached.iter().any(|(seen, _)| seen.site_id == row.site_id) {
                reached.push((row, scope.clone()));
            }
        }
    }
    reached.sort_by(|(a, _), (b, _)| b.views.cmp(&a.views).then_with(|| a.code.cmp(&b.code)));

    let code = query.site.trim();
    let chosen = if code.is_empty() {
        reached
            .iter()
            .min_by(|(a, _), (b, _)| a.code.cmp(&b.code))
            .cloned()
    } else if let Some(found) = reached.iter().find(|(site, _)| site.code == code) {
        Some(found.clone())
    } else {
        return Err(unreachable_site(app, me, code, audit_action).await);
    };
    Ok(Selection {
        days,
        from,
        to,
        sites: reached.into_iter().map(|(site, _)| site).collect(),
        chosen,
    })
}

/// Rejects a site code the user may not read: 404 when no site has it, else 403, audited.
async fn unreachable_site(app: &App, me: &SignedIn, code: &str, audit_action: &str) -> Failure {
    let exists = app.directory().sites.values().any(|site| site.code == code);
    if !exists {
        let shown: String = code.chars().take(40).collect();
        return AdminError::NotFound(format!("no site has the code \"{shown}\"")).into();
    }
    me.audit(app, audit_action, code, AuditResult::Denied, "")
        .await;
    forbidden(Action::ManageSites).into()
}

/// Returns true when the user may see the ranking of all sites.
fn sees_ranking(me: &SignedIn) -> bool {
    is_operator(me)
}
