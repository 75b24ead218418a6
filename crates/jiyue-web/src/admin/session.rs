//! Server-side admin sessions: the `SignedIn` extractor every signed-in page takes, the rules
//! that make a session valid, and the navigation a user's grants allow.
//!
//! The browser keeps a random token in the `jiyue_admin` cookie, and the database stores only
//! its SHA-256 digest. A session is valid when it is not revoked, both sign-in stages passed, the
//! account is enabled and the last request was within the idle timeout. A session whose
//! password was accepted but whose second factor is still due is valid only on the sign-in
//! pages, for five minutes.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use chrono::Duration;
use jiyue_auth::{role_allows, token_digest, Action, Grant, GrantScope, Role, Target};
use jiyue_db::{AuditEntry, AuditResult, Session, SessionStage, Staff, StoredGrant};
use minijinja::{context, Value};
use serde::Serialize;

use super::cookies::{self, SESSION_COOKIE};
use super::error::AdminError;
use super::extract::client_addr;
use crate::App;

/// A session is marked as seen at most this often, to save writes.
const TOUCH_INTERVAL_SECONDS: i64 = 30;

/// How long a session may stay between the password and the second factor.
pub const PASSWORD_STAGE_MINUTES: i64 = 5;

/// The signed-in staff member of a request, with their grants and session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub staff: Staff,
    pub grants: Vec<StoredGrant>,
    /// The session's CSRF token, for the forms of the page.
    pub csrf: String,
    /// The digest of the session token, which names the session in the database.
    pub token_digest: String,
    /// The client address of the request.
    pub address: String,
    /// The request path, which marks the current section in the navigation.
    pub path: String,
}

/// One entry of the admin navigation.
#[derive(Debug, Clone, Serialize)]
struct NavEntry {
    href: &'static str,
    label: &'static str,
    current: bool,
}

/// The sections of the admin interface and the action that opens each one; `None` is open to
/// every signed-in user.
const SECTIONS: [(&str, &str, Option<Action>); 11] = [
    ("/", "admin-nav-dashboard", None),
    ("/items", "admin-nav-items", Some(Action::ViewItems)),
    ("/services", "admin-nav-services", Some(Action::ViewItems)),
    // Cases open to handlers, reviewers and site administrators (see `cases::may_open_cases`).
    ("/cases", "admin-nav-cases", Some(Action::HandleMessages)),
    (
        "/search-terms",
        "admin-nav-search-terms",
        Some(Action::ViewItems),
    ),
    // The oversight dashboard, open to site administrators and platform operators (see
    // `monitor::may_open`).
    ("/monitor", "admin-nav-monitor", Some(Action::ManageColumns)),
    ("/sites", "admin-nav-sites", Some(Action::ManageColumns)),
    ("/calendar", "admin-nav-calendar", Some(Action::ManageSites)),
    ("/staff", "admin-nav-staff", Some(Action::ManageStaff)),
    ("/audit", "admin-nav-audit", Some(Action::ReadAudit)),
    ("/account", "admin-nav-account", None),
];

impl SignedIn {
    fn plain_grants(&self) -> Vec<Grant> {
        self.grants
            .iter()
            .map(|stored| stored.grant.clone())
            .collect()
    }

    /// Returns true when a grant of the user allows `action` on `target`.
    pub fn allows(&self, action: Action, target: &Target) -> bool {
        jiyue_auth::allows(&self.plain_grants(), action, target)
    }

    /// Returns true when a grant of the user allows `action` on some target, which decides
    /// whether a section shows in the navigation.
    pub fn can_anywhere(&self, action: Action) -> bool {
        self.grants.iter().any(|stored| {
            role_allows(stored.role, action)
                && (!action.is_platform_only() || stored.grant.scope == GrantScope::Platform)
        })
    }

    /// Checks that the user may do `action` on `target`. A refusal is audited as denied under
    /// `audit_action` and `audit_target`, and becomes a 403 page naming the roles that allow
    /// the action.
    pub async fn authorize(
        &self,
        app: &App,
        action: Action,
        target: &Target,
        audit_action: &str,
        audit_target: &str,
    ) -> Result<(), AdminError> {
        if self.allows(action, target) {
            return Ok(());
        }
        self.audit(
            app,
            audit_action,
            audit_target,
            AuditResult::Denied,
            action.as_str(),
        )
        .await;
        Err(forbidden(action))
    }

    /// Returns the values the page frame shows for the user: names, the CSRF token of the
    /// sign-out form and the navigation.
    pub fn view(&self) -> Value {
        let nav: Vec<NavEntry> = SECTIONS
            .iter()
            .filter(|(href, _, action)| match *href {
                "/cases" => super::cases::may_open_cases(self),
                "/monitor" => super::monitor::may_open(self),
                _ => action.is_none_or(|action| self.can_anywhere(action)),
            })
            .map(|(href, label, _)| NavEntry {
                href,
                label,
                current: is_current(href, &self.path),
            })
            .collect();
        context! {
            username => &self.staff.username,
            display_name => &self.staff.display_name,
            csrf => &self.csrf,
            nav => nav,
        }
    }
}

/// Returns the refusal of `action`, naming the roles that allow it.
pub fn forbidden(action: Action) -> AdminError {
    let roles = Role::ALL
        .into_iter()
        .filter(|role| role_allows(*role, action))
        .collect();
    AdminError::Forbidden { roles }
}

fn is_current(href: &str, path: &str) -> bool {
    if href == "/" {
        return path == "/";
    }
    path == href
        || path
            .strip_prefix(href)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl FromRequestParts<Arc<App>> for SignedIn {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, AdminError> {
        let path = parts.uri.path().to_string();
        let next = match parts.method.is_safe() {
            true => parts
                .uri
                .path_and_query()
                .map_or_else(|| path.clone(), |pq| pq.as_str().to_string()),
            false => "/".to_string(),
        };
        let sign_in = |notice| AdminError::SignInRequired {
            next: next.clone(),
            api: path.starts_with("/api/"),
            notice,
        };
        let address = client_addr(app, &parts.headers, &parts.extensions).to_string();

        let Some((digest, session)) = stored_session(app, &parts.headers).await? else {
            return Err(sign_in(None));
        };
        if session.revoked || session.stage != SessionStage::Complete {
            return Err(sign_in(None));
        }
        let Some(staff) = app
            .db
            .staff(session.staff_id)
            .await?
            .filter(|s| !s.disabled)
        else {
            return Err(sign_in(None));
        };
        let now = app.clock.now();
        if now - session.last_seen_at > app.admin.idle_timeout {
            end_idle_session(app, &digest, &staff, &address).await?;
            return Err(sign_in(Some("idle")));
        }
        if now - session.last_seen_at >= Duration::seconds(TOUCH_INTERVAL_SECONDS) {
            app.db.touch_session(&digest).await?;
        }

        // A password an administrator set must be replaced before anything else is done.
        let allowed_first = path.starts_with("/account") || path == "/logout";
        if staff.must_change_password && !allowed_first {
            return Err(AdminError::PasswordChangeRequired);
        }

        let grants = app.db.staff_grants(staff.id).await?;
        Ok(SignedIn {
            staff,
            grants,
            csrf: session.csrf_token,
            token_digest: digest,
            address,
            path,
        })
    }
}

async fn end_idle_session(
    app: &App,
    digest: &str,
    staff: &Staff,
    address: &str,
) -> Result<(), AdminError> {
    app.db.revoke_session(digest).await?;
    let entry = AuditEntry {
        actor: staff.username.clone(),
        actor_id: Some(staff.id),
        address: address.to_string(),
        action: "session.idle".to_string(),
        target: staff.username.clone(),
        result: AuditResult::Ok,
        detail: format!(
            "no request for {} minutes",
            app.admin.idle_timeout.num_minutes()
        ),
    };
    super::audit::record(app, entry).await;
    Ok(())
}

/// Returns the digest of the request's session token and the stored session, revoked or not.
pub async fn stored_session(
    app: &App,
    headers: &HeaderMap,
) -> Result<Option<(String, Session)>, AdminError> {
    let Some(token) =
        cookies::read(headers, SESSION_COOKIE).filter(|t| cookies::looks_like_token(t))
    else {
        return Ok(None);
    };
    let digest = token_digest(token);
    let session = app.db.session(&digest).await?;
    Ok(session.map(|session| (digest, session)))
}

/// Returns true when `session` may still be used at its stage: complete and within the idle
/// timeout, or between password and second factor for at most five minutes.
pub fn usable(app: &App, session: &Session) -> bool {
    if session.revoked {
        return false;
    }
    let now = app.clock.now();
    match session.stage {
        SessionStage::Complete => now - session.last_seen_at <= app.admin.idle_timeout,
        SessionStage::Password => {
            now - session.created_at <= Duration::minutes(PASSWORD_STAGE_MINUTES)
        }
    }
}

/// Returns the stored session of the request when it is complete and usable.
pub async fn signed_in_session(
    app: &App,
    headers: &HeaderMap,
) -> Result<Option<Session>, AdminError> {
    let session = stored_session(app, headers)
        .await?
        .map(|(_, session)| session);
    Ok(session.filter(|s| s.stage == SessionStage::Complete && usable(app, s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_section_matches_prefix_by_segment() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/staff"));
        assert!(is_current("/staff", "/staff/3"));
        assert!(!is_current("/staff", "/staffing"));
    }

    #[test]
    fn forbidden_names_the_security_admin_for_staff() {
        match forbidden(Action::ManageStaff) {
            AdminError::Forbidden { roles } => assert_eq!(roles, vec![Role::SecurityAdmin]),
            other => panic!("unexpected {other:?}"),
        }
    }
}
