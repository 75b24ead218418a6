//! The second stage of signing in: a one-time code from the account's enrolled factor. An
//! account without one enrolls a TOTP secret first, shown as text, as an `otpauth` link and as
//! a QR code drawn on the server, and confirms it with a first code.
//!
//! Only a session at the password stage, at most five minutes old, reaches these pages. When
//! the code is right, that session is revoked and a new token at the complete stage replaces
//! it, so the token is renewed at sign-in. A code is spent by a compare-and-set on the stored
//! last step, so it cannot be used twice, not even by two requests at once. Failures count
//! toward the same lockout as wrong passwords.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jiyue_auth::{
    account_key, address_key, factor_for, new_token, token_digest, Enrollment, FactorKind,
    TotpSecret,
};
use jiyue_db::{AuditResult, Session, SessionStage, Staff};
use minijinja::context;
use qrcode::render::svg;
use qrcode::QrCode;
use serde::Deserialize;

use super::error::AdminError;
use super::extract::{safe_next, AdminForm, ClientAddr};
use super::login::{attempt_entry, count_failure, set_session_cookie, with_next};
use super::messages::FieldError;
use super::session::{stored_session, usable};
use super::{audit, redirect, render};
use crate::App;

/// Returns the routes of the second factor and its enrollment.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/login/factor", get(factor_form).post(factor_submit))
        .route("/login/enroll", get(enroll_form).post(enroll_submit))
}

/// A sign-in whose password was accepted and whose second factor is due.
struct Pending {
    digest: String,
    session: Session,
    staff: Staff,
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
    next: Option<String>,
}

/// Returns the enrollment of an account, or `None` when it has none (or one reset to empty).
fn enrollment_of(staff: &Staff) -> Option<Enrollment> {
    let stored = staff.factor.as_ref().filter(|f| !f.secret.is_empty())?;
    Some(Enrollment {
        kind: FactorKind::parse(&stored.kind)?,
        secret: stored.secret.clone(),
        last_used: stored.last_used,
    })
}

/// Returns true when the account has enrolled a second factor.
pub fn has_factor(staff: &Staff) -> bool {
    enrollment_of(staff).is_some()
}

async fn pending(app: &App, headers: &HeaderMap) -> Result<Option<Pending>, AdminError> {
    let Some((digest, session)) = stored_session(app, headers).await? else {
        return Ok(None);
    };
    if session.stage != SessionStage::Password || !usable(app, &session) {
        return Ok(None);
    }
    let staff = app
        .db
        .staff(session.staff_id)
        .await?
        .filter(|s| !s.disabled);
    Ok(staff.map(|staff| Pending {
        digest,
        session,
        staff,
    }))
}

fn restart(next: &str) -> Response {
    let mut location = with_next("/login", next);
    location.push(if location.contains('?') { '&' } else { '?' });
    location.push_str("notice=restart");
    redirect(&location)
}

async fn factor_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AdminError> {
    let next = safe_next(query.next.as_deref());
    let Some(pending) = pending(&app, &headers).await? else {
        return Ok(restart(&next));
    };
    if !has_factor(&pending.staff) {
        return Ok(redirect(&with_next("/login/enroll", &next)));
    }
    Ok(factor_page(&app, &pending, &next, &[])?.into_response())
}

fn factor_page(
    app: &App,
    pending: &Pending,
    next: &str,
    errors: &[FieldError],
) -> Result<Html<String>, AdminError> {
    let csrf = &pending.session.csrf_token;
    render::page(app, "factor.html", context! { csrf, next, errors })
}

async fn factor_submit(
    State(app): State<Arc<App>>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    AdminForm(form): AdminForm<CodeForm>,
) -> Result<Response, AdminError> {
    let next = safe_next(form.next.as_deref());
    let Some(pending) = pending(&app, &headers).await? else {
        return Ok(restart(&next));
    };
    let Some(enrollment) = enrollment_of(&pending.staff) else {
        return Ok(redirect(&with_next("/login/enroll", &next)));
    };

    let outcome = spend_code(&app, &pending.staff, &enrollment, &form.code, ip).await?;
    if let Err(reason) = outcome {
        fail(&app, &pending.staff, ip, "login.factor", reason).await?;
        let errors = [FieldError::new("code", "admin-factor-failed")];
        return Ok(factor_page(&app, &pending, &next, &errors)?.into_response());
    }
    let entry = attempt_entry(
        "login.factor",
        &pending.staff.username,
        Some(&pending.staff),
        ip,
    );
    audit::record(&app, entry).await;
    complete(&app, &pending, ip, &next).await
}

/// Checks a code against `enrollment` and spends it. Returns the reason of a refusal.
async fn spend_code(
    app: &App,
    staff: &Staff,
    enrollment: &Enrollment,
    code: &str,
    ip: IpAddr,
) -> Result<Result<(), &'static str>, AdminError> {
    let subjects = [account_key(&staff.username), address_key(ip)];
    let locked = app.db.locked_until(&subjects).await?.is_some();
    let Some(verifier) = factor_for(enrollment.kind) else {
        return Ok(Err("factor kind cannot be verified yet"));
    };
    let step = match verifier.verify(enrollment, code, app.clock.now()) {
        Ok(step) => step,
        Err(_) => return Ok(Err("wrong or reused code")),
    };
    if locked {
        return Ok(Err("locked after repeated failures"));
    }
    if !app
        .db
        .record_factor_use(staff.id, enrollment.last_used, step)
        .await?
    {
        return Ok(Err("code already used by another sign-in"));
    }
    Ok(Ok(()))
}

/// Counts and audits a refused code.
async fn fail(
    app: &App,
    staff: &Staff,
    ip: IpAddr,
    action: &str,
    reason: &str,
) -> Result<(), AdminError> {
    count_failure(app, &[account_key(&staff.username), address_key(ip)]).await?;
    let mut entry = attempt_entry(action, &staff.username, Some(staff), ip);
    entry.result = AuditResult::Denied;
    entry.detail = reason.to_string();
    audit::record(app, entry).await;
    Ok(())
}

/// Replaces the password-stage session with a new, complete one and sends the user on.
async fn complete(
    app: &App,
    pending: &Pending,
    ip: IpAddr,
    next: &str,
) -> Result<Response, AdminError> {
    let token = new_token();
    let csrf = new_token();
    app.db
        .create_session(
            &token_digest(&token),
            pending.staff.id,
            &csrf,
            SessionStage::Complete,
            &ip.to_string(),
            Some(&pending.digest),
        )
        .await?;
    app.db
        .clear_login_failures(&account_key(&pending.staff.username))
        .await?;
    let mut response = redirect(next);
    set_session_cookie(app, &mut response, &token);
    Ok(response)
}

async fn enroll_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AdminError> {
    let next = safe_next(query.next.as_deref());
    let Some(pending) = pending(&app, &headers).await? else {
        return Ok(restart(&next));
    };
    if has_factor(&pending.staff) {
        return Ok(redirect(&with_next("/login/factor", &next)));
    }
    let secret = TotpSecret::generate();
    Ok(enroll_page(&app, &pending, &secret, &next, &[])?.into_response())
}

fn enroll_page(
    app: &App,
    pending: &Pending,
    secret: &TotpSecret,
    next: &str,
    errors: &[FieldError],
) -> Result<Html<String>, AdminError> {
    let otpauth_uri = secret.otpauth_uri(&app.config.platform_name, &pending.staff.username);
    let ctx = context! {
        csrf => &pending.session.csrf_token,
        next,
        errors,
        secret => secret.to_base32(),
        secret_grouped => group_by_four(&secret.to_base32()),
        qr_data_uri => qr_data_uri(&otpauth_uri)?,
        otpauth_uri,
    };
    render::page(app, "enroll.html", ctx)
}

async fn enroll_submit(
    State(app): State<Arc<App>>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    AdminForm(form): AdminForm<CodeForm>,
) -> Result<Response, AdminError> {
    let next = safe_next(form.next.as_deref());
    let Some(pending) = pending(&app, &headers).await? else {
        return Ok(restart(&next));
    };
    if has_factor(&pending.staff) {
        return Ok(redirect(&with_next("/login/factor", &next)));
    }
    let secret = TotpSecret::from_base32(&form.secret)
        .map_err(|error| AdminError::BadRequest(format!("enrollment secret: {error}")))?;

    let outcome = enroll(&app, &pending.staff, &secret, &form.code, ip).await?;
    if let Err(reason) = outcome {
        fail(&app, &pending.staff, ip, "login.enroll", reason).await?;
        let errors = [FieldError::new("code", "admin-factor-failed")];
        return Ok(enroll_page(&app, &pending, &secret, &next, &errors)?.into_response());
    }
    let entry = attempt_entry(
        "login.enroll",
        &pending.staff.username,
        Some(&pending.staff),
        ip,
    );
    audit::record(&app, entry).await;
    complete(&app, &pending, ip, &next).await
}

/// Verifies the first code of a new secret, then stores the secret with that code spent.
async fn enroll(
    app: &App,
    staff: &Staff,
    secret: &TotpSecret,
    code: &str,
    ip: IpAddr,
) -> Result<Result<(), &'static str>, AdminError> {
    let enrollment = Enrollment {
        kind: FactorKind::Totp,
        secret: secret.to_base32(),
        last_used: None,
    };
    let outcome = spend_code_of_new(app, staff, &enrollment, code, ip).await?;
    let Ok(step) = outcome else {
        return Ok(outcome.map(|_| ()));
    };
    app.db
        .set_factor(staff.id, FactorKind::Totp.as_str(), &enrollment.secret)
        .await?;
    if !app.db.record_factor_use(staff.id, None, step).await? {
        return Ok(Err("code already used by another sign-in"));
    }
    Ok(Ok(()))
}

async fn spend_code_of_new(
    app: &App,
    staff: &Staff,
    enrollment: &Enrollment,
    code: &str,
    ip: IpAddr,
) -> Result<Result<i64, &'static str>, AdminError> {
    let subjects = [account_key(&staff.username), address_key(ip)];
    if app.db.locked_until(&subjects).await?.is_some() {
        return Ok(Err("locked after repeated failures"));
    }
    let Some(verifier) = factor_for(enrollment.kind) else {
        return Ok(Err("factor kind cannot be verified yet"));
    };
    Ok(verifier
        .verify(enrollment, code, app.clock.now())
        .map_err(|_| "wrong code"))
}

/// Writes base32 text in groups of four characters, as people copy it more easily.
fn group_by_four(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let groups: Vec<String> = chars
        .chunks(4)
        .map(|chunk| chunk.iter().collect())
        .collect();
    groups.join(" ")
}

/// Draws the QR code of `uri` as SVG and returns it as a `data:` address for an `<img>`.
fn qr_data_uri(uri: &str) -> Result<String, AdminError> {
    let code = QrCode::new(uri.as_bytes()).map_err(|error| {
        AdminError::Internal(format!("QR code of the enrollment link: {error}"))
    })?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(224, 224)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        STANDARD.encode(image)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_grouped_in_fours() {
        assert_eq!(group_by_four("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }

    #[test]
    fn qr_code_is_an_svg_data_address() {
        let uri = qr_data_uri("otpauth://totp/x:y?secret=ABC").unwrap();
        let encoded = uri.strip_prefix("data:image/svg+xml;base64,").unwrap();
        let svg = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
    }
}
