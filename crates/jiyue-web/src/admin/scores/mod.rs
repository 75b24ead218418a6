//! Scorecards in the admin interface: the ranking of all sites for a month with a CSV export,
//! each site's scorecard with every point lost and its evidence and a trend chart, and the
//! editable rule table.
//!
//! A platform operator (a platform grant that manages sites) sees every site and edits the
//! rules; a site administrator sees the sites of their grants. Storage checks the scope of
//! every read again.

mod card;
mod ranking;
mod rules;
mod snapshot;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use jiyue_auth::{role_allows, Action, GrantScope, Role};
use jiyue_db::{AuditResult, Scope, Snapshot};

use super::error::AdminError;
use super::session::{forbidden, SignedIn};
use crate::App;

/// Routes of the scorecard pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/monitor/scores", get(ranking::ranking))
        .route("/monitor/scores.csv", get(ranking::ranking_csv))
        .route(
            "/monitor/scores/rules",
            get(rules::rules).post(rules::save_rule),
        )
        .route("/monitor/scores/snapshot", post(snapshot::take))
        .route("/monitor/scores/{site_code}", get(card::card))
}

/// Returns true for a platform operator: a platform grant that manages sites.
pub(super) fn is_operator(me: &SignedIn) -> bool {
    me.grants.iter().any(|stored| {
        stored.grant.scope == GrantScope::Platform
            && role_allows(stored.grant.role, Action::ManageSites)
    })
}

/// Returns the storage scopes whose scorecards the user may read: the platform for an
/// operator, otherwise the site or organization of each site administrator grant.
pub(super) fn score_scopes(me: &SignedIn) -> Vec<Scope> {
    if is_operator(me) {
        return vec![Scope::Platform];
    }
    let mut scopes: Vec<Scope> = me
        .grants
        .iter()
        .filter(|stored| stored.grant.role == Role::SiteAdmin)
        .filter_map(|stored| match &stored.grant.scope {
            GrantScope::Platform => Some(Scope::Platform),
            GrantScope::Org { id, .. } => Some(Scope::Org(*id)),
            GrantScope::Site { id } => Some(Scope::Site(*id)),
            GrantScope::Column { .. } => None,
        })
        .collect();
    scopes.dedup();
    scopes
}

/// Rejects a user without any scope for scorecards, and audits the rejection.
async fn require_scopes(
    app: &App,
    me: &SignedIn,
    audit_action: &str,
) -> Result<Vec<Scope>, AdminError> {
    let scopes = score_scopes(me);
    if !scopes.is_empty() {
        return Ok(scopes);
    }
    me.audit(app, audit_action, "scores", AuditResult::Denied, "")
        .await;
    Err(forbidden(Action::ManageSites))
}

/// Returns the scorecards of `month` over all `scopes`, each site once, ranked: passing
/// sites first, then by total, then by site code.
async fn ranking_in(app: &App, scopes: &[Scope], month: &str) -> Result<Vec<Snapshot>, AdminError> {
    let mut rows: Vec<Snapshot> = Vec::new();
    for scope in scopes {
        for row in app.db.score_ranking(scope, month).await? {
            if !rows.iter().any(|seen| seen.site_id == row.site_id) {
                rows.push(row);
            }
        }
    }
    rows.sort_by(|a, b| {
        (b.pass, b.total)
            .cmp(&(a.pass, a.total))
            .then_with(|| a.site_code.cmp(&b.site_code))
    });
    Ok(rows)
}

/// Returns the chosen month, checked, or the newest month with scorecards; `None` when no
/// month has any.
async fn chosen_month(app: &App, text: &str) -> Result<Option<String>, AdminError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(app.db.score_months().await?.into_iter().next());
    }
    jiyue_db::scorecards::check_month(text)
        .map_err(|error| AdminError::BadRequest(error.to_string()))?;
    Ok(Some(text.to_string()))
}

/// Returns the catalog key of a category's name.
fn category_key(category: &str) -> String {
    format!("score-category-{category}")
}
