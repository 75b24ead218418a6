//! Cases in the admin interface: the list with the to-do box of due and overdue cases, the
//! case page with its actions, attachment downloads, reply deadlines, the sensitive-word list,
//! consultations, monthly statistics and the inspection list of long-unanswered messages.
//!
//! Staff reach cases through their grants. A message handler (`HandleMessages`) handles the
//! cases of the organization, site or platform of the grant, a reviewer (`ReviewItem`) reviews
//! their replies, and a site administrator handles the error reports of the site. Storage
//! checks the scope of every read and write again.

mod actions;
mod detail;
mod list;
mod refusal;
mod reports;
mod settings;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use jiyue_auth::{role_allows, Action, GrantScope, Role};
use jiyue_db::{CaseKind, CaseRecord, MessageCategory, Scope};

use super::error::AdminError;
use super::session::{forbidden, SignedIn};
use crate::App;

pub use refusal::refusal_text;

/// Routes of the case pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/cases", get(list::list))
        .route("/cases/inspection", get(reports::inspection))
        .route("/cases/stats", get(reports::stats))
        .route("/cases/stats.csv", get(reports::stats_csv))
        .route(
            "/cases/deadlines",
            get(settings::deadlines).post(settings::save_deadline),
        )
        .route(
            "/cases/words",
            get(settings::words).post(settings::change_words),
        )
        .route(
            "/cases/consultations",
            get(settings::consultations).post(settings::open_consultation),
        )
        .route(
            "/cases/consultations/{id}",
            get(settings::consultation).post(settings::publish_result),
        )
        .route("/cases/{id}", get(detail::show).post(actions::act))
        .route("/cases/{id}/files/{index}", get(detail::download))
}

/// What a staff member wants to do with cases, which decides the grants that count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Read a case: any grant that handles or reviews cases.
    View,
    /// Accept, reject, transfer, pause, resume, extend, reply or take down.
    Handle,
    /// Approve or send back a reply.
    Review,
}

/// Returns the storage scope of a grant scope.
fn storage_scope(scope: &GrantScope) -> Scope {
    match scope {
        GrantScope::Platform => Scope::Platform,
        GrantScope::Org { id, .. } => Scope::Org(*id),
        GrantScope::Site { id } => Scope::Site(*id),
        GrantScope::Column { site_id, .. } => Scope::Site(*site_id),
    }
}

/// Returns the storage scopes of the grants that allow `need`, broadest first. A site
/// administrator's site grant counts for every need, because storage lets a site scope reach
/// only the error reports of that site.
pub(crate) fn case_scopes(me: &SignedIn, need: Need) -> Vec<Scope> {
    let counts = |role: Role, scope: &GrantScope| {
        let handles = role_allows(role, Action::HandleMessages);
        let reviews = role_allows(role, Action::ReviewItem);
        let site_admin = role == Role::SiteAdmin && matches!(scope, GrantScope::Site { .. });
        site_admin
            || match need {
                Need::View => handles || reviews,
                Need::Handle => handles,
                Need::Review => reviews,
            }
    };
    let mut scopes: Vec<Scope> = me
        .grants
        .iter()
        .filter(|stored| counts(stored.grant.role, &stored.grant.scope))
        .map(|stored| storage_scope(&stored.grant.scope))
        .collect();
    scopes.sort_by_key(|scope| match scope {
        Scope::Platform => 0,
        Scope::Org(_) => 1,
        Scope::Site(_) => 2,
    });
    scopes.dedup();
    scopes
}

/// Returns true when the user may open the case pages at all, which shows them in the
/// navigation.
pub fn may_open_cases(me: &SignedIn) -> bool {
    !case_scopes(me, Need::View).is_empty()
}

/// Returns true for a platform operator: a platform grant that handles cases or manages sites.
pub(crate) fn is_platform_operator(me: &SignedIn) -> bool {
    me.grants.iter().any(|stored| {
        stored.grant.scope == GrantScope::Platform
            && (role_allows(stored.grant.role, Action::HandleMessages)
                || role_allows(stored.grant.role, Action::ManageSites))
    })
}

/// Rejects a user without any grant for `need`, and audits the rejection.
pub(crate) async fn require_scopes(
    app: &App,
    me: &SignedIn,
    need: Need,
    audit_action: &str,
) -> Result<Vec<Scope>, AdminError> {
    let scopes = case_scopes(me, need);
    if !scopes.is_empty() {
        return Ok(scopes);
    }
    let action = match need {
        Need::Review => Action::ReviewItem,
        Need::View | Need::Handle => Action::HandleMessages,
    };
    me.audit(
        app,
        audit_action,
        "cases",
        jiyue_db::AuditResult::Denied,
        action.as_str(),
    )
    .await;
    Err(forbidden(action))
}

/// Loads a case through the first of `scopes` that reaches it. Returns the case and that
/// scope, or the refusal of the last scope tried.
pub(crate) async fn case_in(
    app: &App,
    scopes: &[Scope],
    id: i64,
) -> Result<(CaseRecord, Scope), jiyue_db::DbError> {
    let mut last = jiyue_db::DbError::OutOfScope(format!(
        "no grant reaches case {id}; ask for a grant on its organization"
    ));
    for scope in scopes {
        match app.db.case(scope, id).await {
            Ok(case) => return Ok((case, scope.clone())),
            Err(error) => last = error,
        }
    }
    Err(last)
}

/// Returns the Chinese name of a case kind.
pub(crate) fn kind_name(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Message => "互动交流",
        CaseKind::ErrorReport => "网站找错",
        CaseKind::Disclosure => "依申请公开",
    }
}

/// Returns the Chinese name of a message category.
pub(crate) fn category_name(category: MessageCategory) -> &'static str {
    match category {
        MessageCategory::Consultation => "咨询",
        MessageCategory::Suggestion => "建议",
        MessageCategory::Complaint => "投诉",
    }
}

/// Every case kind, in the order forms list them.
pub(crate) const KINDS: [CaseKind; 3] = [
    CaseKind::Message,
    CaseKind::ErrorReport,
    CaseKind::Disclosure,
];

/// Every message category, in the order forms list them.
pub(crate) const CATEGORIES: [MessageCategory; 3] = [
    MessageCategory::Consultation,
    MessageCategory::Suggestion,
    MessageCategory::Complaint,
];

/// Returns the default reply limit of a kind in working days, when the site set none: 15 for
/// messages, 20 for applications for government information (the statutory limit) and 5 for
/// error reports.
pub(crate) fn default_limit_days(kind: CaseKind) -> u32 {
    match kind {
        CaseKind::Message => 15,
        CaseKind::Disclosure => jiyue_core::case_clock::INFORMATION_DISCLOSURE_LIMIT_DAYS,
        CaseKind::ErrorReport => 5,
    }
}

/// Parses an optional whole number from a query or form field; blank is `None`.
pub(crate) fn parse_optional_id(name: &str, text: &str) -> Result<Option<i64>, AdminError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        AdminError::BadRequest(format!(
            "field {name} needs a whole number, not \"{text}\"; pick a value from the list"
        ))
    })
}
