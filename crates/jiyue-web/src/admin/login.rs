//! Signing in with a user name and password (the first stage), and signing out.
//!
//! Every rejection looks the same, whatever its reason: a wrong password, an unknown or
//! disabled account, or a lock after repeated failures. An unknown account still costs one
//! password verification, and a locked one is still verified, so response times reveal
//! nothing either. Five failures lock both the account and the client address (an IPv6 /64)
//! for fifteen minutes, by default. Each attempt is audited with its real reason.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jiyue_auth::{
    account_key, address_key, burn_dummy_verification, hash_password, new_token, token_digest,
    verify_password, PasswordCheck,
};
use jiyue_db::{AuditEntry, AuditResult, SessionStage, Staff};
use jiyue_monitor::signals::SignInKind;
use minijinja::context;
use serde::Deserialize;

use super::cookies::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use super::error::AdminError;
use super::extract::{safe_next, truncate_chars, AdminForm, ClientAddr};
use super::messages::{self, FieldError};
use super::session::{signed_in_session, stored_session};
use super::{audit, factor, redirect, render};
use crate::App;

/// Maximum length of a user name that is looked up; a longer one cannot exist and is rejected
/// without a query.
const MAX_USERNAME_BYTES: usize = 256;

/// Returns the routes of the sign-in form and of signing out.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/login", get(form).post(submit))
        .route("/logout", post(logout))
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AdminError> {
    let next = safe_next(query.next.as_deref());
    if signed_in_session(&app, &headers).await?.is_some() {
        return Ok(redirect(&next));
    }

    let token = cookies::read(&headers, LOGIN_CSRF_COOKIE)
        .filter(|token| cookies::looks_like_token(token))
        .map_or_else(new_token, str::to_string);
    let notice = messages::notice(&app, query.notice.as_deref());
    let page = login_page(&app, &token, &next, "", &notice, &[])?;
    let mut response = page.into_response();
    let cookie = cookies::set(LOGIN_CSRF_COOKIE, &token, app.admin.cookie_secure);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

async fn submit(
    State(app): State<Arc<App>>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    AdminForm(form): AdminForm<LoginForm>,
) -> Result<Response, AdminError> {
    let next = safe_next(form.next.as_deref());
    match check_password(&app, &form.username, &form.password, ip).await? {
        Some(staff) => start_second_stage(&app, &headers, &staff, ip, &next).await,
        None => {
            let csrf = cookies::read(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
            let username = truncate_chars(form.username.trim(), 64);
            let errors = [FieldError::new("username", "admin-login-failed")];
            Ok(login_page(&app, csrf, &next, &username, "", &errors)?.into_response())
        }
    }
}

fn login_page(
    app: &App,
    csrf: &str,
    next: &str,
    username: &str,
    notice: &str,
    errors: &[FieldError],
) -> Result<axum::response::Html<String>, AdminError> {
    render::page(
        app,
        "login.html",
        context! { csrf, next, username, notice, errors },
    )
}

/// Verifies the password and returns the account when sign-in may go on to the second
/// factor. Refusals are counted toward the lockout and audited.
async fn check_password(
    app: &App,
    username: &str,
    password: &str,
    ip: IpAddr,
) -> Result<Option<Staff>, AdminError> {
    let username = username.trim();
    let subjects = [account_key(username), address_key(ip)];
    let locked = app.db.locked_until(&subjects).await?.is_some();
    let staff = match username.len() <= MAX_USERNAME_BYTES {
        true => app.db.staff_by_username(username).await?,
        false => None,
    };

    let hash = staff.as_ref().map(|staff| staff.password_hash.clone());
    let check = verify_off_thread(password.to_string(), hash).await?;
    let refusal = match (&staff, check) {
        (None, _) => Some("unknown account"),
        (Some(_), _) if locked => Some("locked after repeated failures"),
        (Some(_), PasswordCheck::Invalid) => Some("wrong password"),
        (Some(staff), _) if staff.disabled => Some("account disabled"),
        (Some(_), PasswordCheck::Valid { .. }) => None,
    };

    let mut entry = attempt_entry("login.password", username, staff.as_ref(), ip);
    if let Some(reason) = refusal {
        app.signals
            .failed_sign_in(SignInKind::Admin, Some(entry.actor.as_str()), ip);
        count_failure(app, &subjects).await?;
        entry.result = AuditResult::Denied;
        entry.detail = reason.to_string();
        audit::record(app, entry).await;
        return Ok(None);
    }
    audit::record(app, entry).await;

    let staff = staff.ok_or_else(|| AdminError::Internal("accepted without account".into()))?;
    if let PasswordCheck::Valid { needs_rehash: true } = check {
        rehash(app, &staff, password).await;
    }
    Ok(Some(staff))
}

/// Runs the deliberately slow password verification on the blocking pool. Without a stored
/// hash it verifies against a dummy hash, which costs the same.
async fn verify_off_thread(
    password: String,
    hash: Option<String>,
) -> Result<PasswordCheck, AdminError> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            burn_dummy_verification(&password);
            PasswordCheck::Invalid
        }
    })
    .await
    .map_err(|error| AdminError::Internal(format!("password verification task: {error}")))
}

/// Stores the password again with the current hashing parameters; a failure only logs, as
/// the old hash still works.
async fn rehash(app: &App, staff: &Staff, password: &str) {
    let password = password.to_string();
    let hashed = tokio::task::spawn_blocking(move || hash_password(&password)).await;
    let stored = match hashed {
        Ok(Ok(hash)) => app.db.set_password_hash(staff.id, &hash, false).await,
        Ok(Err(error)) => return tracing::warn!(%error, "rehashing a password failed"),
        Err(error) => return tracing::warn!(%error, "rehashing a password failed"),
    };
    if let Err(error) = stored {
        tracing::warn!(%error, "storing a rehashed password failed");
    }
}

/// Counts one failed sign-in against the account and the address.
pub(super) async fn count_failure(app: &App, subjects: &[String]) -> Result<(), AdminError> {
    let policy = &app.admin.lockout;
    let lock_for = chrono::Duration::minutes(i64::from(policy.lock_minutes));
    app.db
        .record_login_failure(subjects, policy.max_failures, lock_for)
        .await?;
    Ok(())
}

/// Returns an audit entry for a sign-in attempt: the actor is the submitted user name, never
/// the password or code.
pub(super) fn attempt_entry(
    action: &str,
    username: &str,
    staff: Option<&Staff>,
    ip: IpAddr,
) -> AuditEntry {
    let name = recorded_name(username, staff);
    AuditEntry {
        actor: name.clone(),
        actor_id: staff.map(|staff| staff.id),
        address: ip.to_string(),
        action: action.to_string(),
        target: name,
        result: AuditResult::Ok,
        detail: String::new(),
    }
}

/// Returns the name an attempt is recorded under. A name that is no account and could not be
/// one (people type their password into the name field) is kept only as a fingerprint. Names
/// shaped like user names stay readable, so audit administrators see which accounts were
/// tried; a password without symbols or spaces would still be recorded as it was typed.
fn recorded_name(username: &str, staff: Option<&Staff>) -> String {
    if let Some(staff) = staff {
        return staff.username.clone();
    }
    if jiyue_db::check_username(username).is_ok() {
        return truncate_chars(username.trim(), 64);
    }
    let digest = jiyue_auth::token_digest(username);
    format!("(invalid name #{})", &digest[..12])
}

/// Opens a session at the password stage and sends the browser to the second factor, or to
/// its enrollment when the account has none yet.
async fn start_second_stage(
    app: &App,
    headers: &HeaderMap,
    staff: &Staff,
    ip: IpAddr,
    next: &str,
) -> Result<Response, AdminError> {
    let token = new_token();
    let csrf = new_token();
    let replaces = stored_session(app, headers)
        .await?
        .map(|(digest, _)| digest);
    app.db
        .create_session(
            &token_digest(&token),
            staff.id,
            &csrf,
            SessionStage::Password,
            &ip.to_string(),
            replaces.as_deref(),
        )
        .await?;

    let step = match factor::has_factor(staff) {
        true => "/login/factor",
        false => "/login/enroll",
    };
    let mut response = redirect(&with_next(step, next));
    let secure = app.admin.cookie_secure;
    let set = response.headers_mut();
    set.append(
        header::SET_COOKIE,
        cookies::set(SESSION_COOKIE, &token, secure),
    );
    set.append(
        header::SET_COOKIE,
        cookies::clear(LOGIN_CSRF_COOKIE, secure),
    );
    Ok(response)
}

/// Returns `path` with `next` as its query, unless `next` is the start page.
pub(super) fn with_next(path: &str, next: &str) -> String {
    if next == "/" {
        return path.to_string();
    }
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    format!("{path}?{query}")
}

async fn logout(
    State(app): State<Arc<App>>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
) -> Result<Response, AdminError> {
    if let Some((digest, session)) = stored_session(&app, &headers).await? {
        app.db.revoke_session(&digest).await?;
        let staff = app.db.staff(session.staff_id).await?;
        let username = staff.as_ref().map_or("", |staff| staff.username.as_str());
        let entry = attempt_entry("logout", username, staff.as_ref(), ip);
        audit::record(&app, entry).await;
    }
    let mut response = redirect("/login?notice=signed-out");
    let cookie = cookies::clear(SESSION_COOKIE, app.admin.cookie_secure);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Adds `Set-Cookie` for a new session token to `response`.
pub(super) fn set_session_cookie(app: &App, response: &mut Response, token: &str) {
    let cookie: HeaderValue = cookies::set(SESSION_COOKIE, token, app.admin.cookie_secure);
    response.headers_mut().append(header::SET_COOKIE, cookie);
}
