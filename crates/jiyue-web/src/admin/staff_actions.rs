//! The actions on one staff account: disable, enable, reset the password, reset the second
//! factor. None of them may leave a separated administrator role without an enabled holder,
//! and nobody disables their own account. Each is audited, refusals included.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use jiyue_auth::{Action, Role};
use jiyue_db::{AuditResult, StaffId, StoredGrant};
use serde::Deserialize;

use super::error::AdminError;
use super::extract::{AdminForm, AdminPath};
use super::messages::{self, FieldError};
use super::session::SignedIn;
use super::staff::{detail_page, find, hash_off_thread, require};
use super::{redirect, render};
use crate::App;

/// Returns the routes of the actions on an account.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/staff/{id}/disable", post(disable))
        .route("/staff/{id}/enable", post(enable))
        .route("/staff/{id}/reset-password", post(reset_password))
        .route("/staff/{id}/reset-factor", post(reset_factor))
        .route("/staff/{id}/unlock", post(unlock))
        .route("/staff/{id}/email", post(set_email))
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

/// Sets or clears the address alert mail goes to. The address stays out of the audit log.
async fn set_email(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
    AdminForm(form): AdminForm<EmailForm>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(
        &app,
        &me,
        Action::ManageStaff,
        "staff.email",
        &person.username,
    )
    .await?;
    let email = form.email.trim();
    let email = (!email.is_empty()).then_some(email);
    match app.db.set_staff_email(person.id, email).await {
        Ok(()) => {
            let detail = if email.is_some() { "set" } else { "cleared" };
            me.audit(
                &app,
                "staff.email",
                &person.username,
                AuditResult::Ok,
                detail,
            )
            .await;
            Ok(redirect(&format!("/staff/{id}?notice=email-saved")))
        }
        Err(jiyue_db::DbError::Invalid(message)) => {
            let error = FieldError::text("email", message);
            detail_page(&app, &me, &person, "", &[error]).await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// Returns the separated administrator role that would be left without any enabled holder
/// if `grants` stopped counting.
pub(super) async fn sole_holder_of(
    app: &App,
    grants: &[StoredGrant],
) -> Result<Option<Role>, AdminError> {
    for grant in grants.iter().filter(|g| g.role.is_separated_admin()) {
        if app.db.count_role_holders(grant.role).await? <= 1 {
            return Ok(Some(grant.role));
        }
    }
    Ok(None)
}

/// Returns the error shown when an action would leave `role` without a holder.
pub(super) fn last_holder_error(field: &'static str, role: Role) -> FieldError {
    let role = render::message(role.message_id());
    FieldError::text(
        field,
        render::format("admin-staff-last-holder", &[("role", role)]),
    )
}

async fn disable(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(
        &app,
        &me,
        Action::ManageStaff,
        "staff.disable",
        &person.username,
    )
    .await?;
    let refusal = if person.id == me.staff.id {
        Some(FieldError::new("main", "admin-staff-self"))
    } else if person.disabled {
        None
    } else {
        let grants = app.db.staff_grants(person.id).await?;
        sole_holder_of(&app, &grants)
            .await?
            .map(|role| last_holder_error("main", role))
    };
    if let Some(error) = refusal {
        me.audit(
            &app,
            "staff.disable",
            &person.username,
            AuditResult::Denied,
            "last or own",
        )
        .await;
        return detail_page(&app, &me, &person, "", &[error]).await;
    }
    app.db.set_staff_disabled(person.id, true).await?;
    me.audit(&app, "staff.disable", &person.username, AuditResult::Ok, "")
        .await;
    Ok(redirect(&format!("/staff/{id}?notice=disabled")))
}

async fn enable(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(
        &app,
        &me,
        Action::ManageStaff,
        "staff.enable",
        &person.username,
    )
    .await?;
    app.db.set_staff_disabled(person.id, false).await?;
    me.audit(&app, "staff.enable", &person.username, AuditResult::Ok, "")
        .await;
    Ok(redirect(&format!("/staff/{id}?notice=enabled")))
}

/// Lifts a sign-in lock on the account, such as one someone caused by guessing on purpose.
async fn unlock(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(
        &app,
        &me,
        Action::ManageStaff,
        "staff.unlock",
        &person.username,
    )
    .await?;
    let key = jiyue_auth::account_key(&person.username);
    let lifted = app.db.unlock_subject(&key).await?;
    let detail = if lifted { "lock lifted" } else { "no lock" };
    me.audit(
        &app,
        "staff.unlock",
        &person.username,
        AuditResult::Ok,
        detail,
    )
    .await;
    Ok(redirect(&format!("/staff/{id}?notice=unlocked")))
}

async fn reset_password(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
    AdminForm(form): AdminForm<PasswordForm>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(
        &app,
        &me,
        Action::ManageStaff,
        "staff.reset_password",
        &person.username,
    )
    .await?;
    if let Err(error) = app
        .admin
        .password_policy
        .check(&form.password, &person.username)
    {
        me.audit(
            &app,
            "staff.reset_password",
            &person.username,
            AuditResult::Failed,
            "policy",
        )
        .await;
        let error = FieldError::text("password", messages::policy_error(&error));
        return detail_page(&app, &me, &person, "", &[error]).await;
    }
    let hash = hash_off_thread(&form.password).await?;
    app.db.set_password_by_admin(person.id, &hash).await?;
    app.db.revoke_staff_sessions(person.id).await?;
    me.audit(
        &app,
        "staff.reset_password",
        &person.username,
        AuditResult::Ok,
        "",
    )
    .await;
    Ok(redirect(&format!("/staff/{id}?notice=password-reset")))
}

async fn reset_factor(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(
        &app,
        &me,
        Action::ManageStaff,
        "staff.reset_factor",
        &person.username,
    )
    .await?;
    // Resetting one's own factor would leave the account guarded by the password alone.
    if person.id == me.staff.id {
        me.audit(
            &app,
            "staff.reset_factor",
            &person.username,
            AuditResult::Denied,
            "own account",
        )
        .await;
        let error = FieldError::new("main", "admin-staff-self-factor");
        return detail_page(&app, &me, &person, "", &[error]).await;
    }
    app.db.clear_factor(person.id).await?;
    app.db.revoke_staff_sessions(person.id).await?;
    me.audit(
        &app,
        "staff.reset_factor",
        &person.username,
        AuditResult::Ok,
        "",
    )
    .await;
    Ok(redirect(&format!("/staff/{id}?notice=factor-reset")))
}
