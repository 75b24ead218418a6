//! The signed-in user's own account: their grants, changing their password, and their open
//! sessions, any of which they can end.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jiyue_auth::{account_key, hash_password, verify_password, PasswordCheck};
use jiyue_core::clock::format_china_minute;
use jiyue_db::{AuditResult, Session, StoredGrant};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::cookies::{self, SESSION_COOKIE};
use super::error::AdminError;
use super::extract::AdminForm;
use super::messages::{self, password_hint, FieldError};
use super::session::SignedIn;
use super::{redirect, render};
use crate::App;

/// Returns the routes of the account page.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/sessions/revoke", post(revoke_session))
}

#[derive(Debug, Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

#[derive(Debug, Deserialize)]
struct RevokeForm {
    #[serde(default)]
    session: String,
}

/// A grant as the account and staff pages list it.
#[derive(Debug, Serialize)]
pub struct GrantView {
    pub id: i64,
    pub role_key: &'static str,
    pub scope_label: String,
}

impl GrantView {
    /// Describes a stored grant: its role's catalog key and a readable scope.
    pub fn of(grant: &StoredGrant) -> Self {
        let scope_label = match grant.scope {
            jiyue_db::GrantRef::Platform => render::message("admin-scope-platform"),
            _ => grant.scope_name.clone(),
        };
        Self {
            id: grant.id,
            role_key: grant.role.message_id(),
            scope_label,
        }
    }
}

#[derive(Debug, Serialize)]
struct SessionView {
    id: String,
    created: String,
    last_seen: String,
    address: String,
    current: bool,
}

async fn show(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AdminError> {
    let notice = messages::notice(&app, query.notice.as_deref());
    Ok(account_page(&app, &me, &notice, &[]).await?.into_response())
}

async fn account_page(
    app: &App,
    me: &SignedIn,
    notice: &str,
    errors: &[FieldError],
) -> Result<Html<String>, AdminError> {
    let grants: Vec<GrantView> = me.grants.iter().map(GrantView::of).collect();
    let sessions: Vec<SessionView> = app
        .db
        .open_sessions(me.staff.id)
        .await?
        .iter()
        .filter(|session| super::session::usable(app, session))
        .map(|session| session_view(session, &me.token_digest))
        .collect();
    let ctx: Value = context! {
        grants,
        sessions,
        notice,
        errors,
        password_hint => password_hint(app),
    };
    render::page_for(app, me, "account.html", ctx)
}

fn session_view(session: &Session, current: &str) -> SessionView {
    SessionView {
        id: session.token_digest.clone(),
        created: format_china_minute(session.created_at),
        last_seen: format_china_minute(session.last_seen_at),
        address: session.address.clone(),
        current: session.token_digest == current,
    }
}

async fn change_password(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminForm(form): AdminForm<PasswordForm>,
) -> Result<Response, AdminError> {
    if let Some(error) = check_new_password(&app, &me, &form).await? {
        me.audit(
            &app,
            "account.password",
            &me.staff.username,
            AuditResult::Failed,
            error.field,
        )
        .await;
        return Ok(account_page(&app, &me, "", &[error]).await?.into_response());
    }

    let new = form.new.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|error| AdminError::Internal(format!("password hashing task: {error}")))?
        .map_err(|error| AdminError::Internal(error.to_string()))?;
    app.db.set_password_hash(me.staff.id, &hash, true).await?;
    for session in app.db.open_sessions(me.staff.id).await? {
        if session.token_digest != me.token_digest {
            app.db.revoke_session(&session.token_digest).await?;
        }
    }
    me.audit(
        &app,
        "account.password",
        &me.staff.username,
        AuditResult::Ok,
        "",
    )
    .await;
    Ok(redirect("/account?notice=password-changed"))
}

/// Checks the password change form; returns the error to show, if any. A wrong current
/// password counts toward the account's lockout.
async fn check_new_password(
    app: &App,
    me: &SignedIn,
    form: &PasswordForm,
) -> Result<Option<FieldError>, AdminError> {
    let current = form.current.clone();
    let hash = me.staff.password_hash.clone();
    let check = tokio::task::spawn_blocking(move || verify_password(&current, &hash))
        .await
        .map_err(|error| AdminError::Internal(format!("password verification task: {error}")))?;
    if check == PasswordCheck::Invalid {
        super::login::count_failure(app, &[account_key(&me.staff.username)]).await?;
        return Ok(Some(FieldError::new("current", "admin-password-wrong")));
    }
    if let Err(error) = app
        .admin
        .password_policy
        .check(&form.new, &me.staff.username)
    {
        return Ok(Some(FieldError::text(
            "new",
            messages::policy_error(&error),
        )));
    }
    if form.new != form.repeat {
        return Ok(Some(FieldError::new("repeat", "admin-password-mismatch")));
    }
    Ok(None)
}

async fn revoke_session(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminForm(form): AdminForm<RevokeForm>,
) -> Result<Response, AdminError> {
    let open = app.db.open_sessions(me.staff.id).await?;
    let Some(session) = open.iter().find(|s| s.token_digest == form.session) else {
        return Err(AdminError::NotFound(
            "session of the signed-in account".into(),
        ));
    };
    app.db.revoke_session(&session.token_digest).await?;
    me.audit(
        &app,
        "account.session.revoke",
        &me.staff.username,
        AuditResult::Ok,
        "",
    )
    .await;

    if session.token_digest == me.token_digest {
        let mut response = redirect("/login?notice=signed-out");
        let cookie = cookies::clear(SESSION_COOKIE, app.admin.cookie_secure);
        response.headers_mut().append(header::SET_COOKIE, cookie);
        return Ok(response);
    }
    Ok(redirect("/account?notice=session-revoked"))
}
