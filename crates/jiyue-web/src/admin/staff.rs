//! The security administrator's staff pages: the list of accounts, creating one, and one
//! account's page with its grants. The actions on an account (disable, enable, reset the
//! password or the second factor) live in `staff_actions`, role grants in `staff_grants`.
//!
//! Every page needs `Action::ManageStaff` on the platform; every action is audited, refusals
//! included.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiyue_auth::{hash_password, Action, Target};
use jiyue_db::{check_username, AuditResult, DbError, NewStaff, OrgId, Staff, StaffId};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::account::GrantView;
use super::error::AdminError;
use super::extract::{AdminForm, AdminPath};
use super::factor::has_factor;
use super::messages::{self, password_hint, FieldError};
use super::session::SignedIn;
use super::{redirect, render, staff_actions, staff_grants};
use crate::App;

/// Returns the routes of the staff pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/staff", get(list).post(create))
        .route("/staff/{id}", get(detail))
        .merge(staff_actions::router())
        .merge(staff_grants::router())
}

#[derive(Debug, Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Default, Deserialize, Serialize)]
struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    org: String,
    #[serde(default, skip_serializing)]
    password: String,
}

/// An account as the staff pages show it.
#[derive(Debug, Serialize)]
struct PersonView {
    id: StaffId,
    username: String,
    display_name: String,
    org_name: String,
    factor: bool,
    disabled: bool,
    /// The alert mail address, empty when none is set.
    email: String,
}

#[derive(Debug, Serialize)]
struct OrgOption {
    id: OrgId,
    name: String,
}

/// Checks that the user may manage staff; refusals are audited under `action`.
pub(super) async fn require(
    app: &App,
    me: &SignedIn,
    action: Action,
    audit_action: &str,
    target: &str,
) -> Result<(), AdminError> {
    me.authorize(app, action, &Target::Platform, audit_action, target)
        .await
}

async fn org_names(app: &App) -> Result<HashMap<OrgId, String>, AdminError> {
    Ok(app
        .db
        .orgs()
        .await?
        .into_iter()
        .map(|org| (org.id, org.name))
        .collect())
}

fn person_view(staff: &Staff, orgs: &HashMap<OrgId, String>) -> PersonView {
    PersonView {
        email: staff.email.clone().unwrap_or_default(),
        id: staff.id,
        username: staff.username.clone(),
        display_name: staff.display_name.clone(),
        org_name: staff
            .org_id
            .and_then(|id| orgs.get(&id).cloned())
            .unwrap_or_default(),
        factor: has_factor(staff),
        disabled: staff.disabled,
    }
}

async fn list(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AdminError> {
    require(&app, &me, Action::ManageStaff, "staff.list", "").await?;
    let notice = messages::notice(&app, query.notice.as_deref());
    list_page(&app, &me, &notice, &CreateForm::default(), &[]).await
}

async fn list_page(
    app: &App,
    me: &SignedIn,
    notice: &str,
    form: &CreateForm,
    errors: &[FieldError],
) -> Result<Response, AdminError> {
    let names = org_names(app).await?;
    let staff: Vec<PersonView> = app
        .db
        .list_staff()
        .await?
        .iter()
        .map(|staff| person_view(staff, &names))
        .collect();
    let mut orgs: Vec<OrgOption> = names
        .into_iter()
        .map(|(id, name)| OrgOption { id, name })
        .collect();
    orgs.sort_by_key(|org| org.id);
    let ctx = context! {
        staff, orgs, form, errors, notice,
        password_hint => password_hint(app),
    };
    Ok(render::page_for(app, me, "staff_list.html", ctx)?.into_response())
}

async fn create(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminForm(form): AdminForm<CreateForm>,
) -> Result<Response, AdminError> {
    let username = form.username.trim().to_lowercase();
    require(&app, &me, Action::ManageStaff, "staff.create", &username).await?;
    let (org_id, mut errors) = check_create_form(&app, &form).await?;
    if errors.is_empty() {
        let hash = hash_off_thread(&form.password).await?;
        let new = NewStaff {
            username: username.clone(),
            display_name: form.display_name.trim().to_string(),
            org_id,
            password_hash: hash.clone(),
        };
        match app.db.create_staff(&new).await {
            Ok(id) => {
                // The security administrator chose this password; its owner replaces it.
                app.db.set_password_by_admin(id, &hash).await?;
                me.audit(
                    &app,
                    "staff.create",
                    &username,
                    AuditResult::Ok,
                    &format!("id {id}"),
                )
                .await;
                return Ok(redirect(&format!("/staff/{id}?notice=staff-created")));
            }
            Err(DbError::Conflict(_)) => {
                let text =
                    render::format("admin-username-taken", &[("username", username.clone())]);
                errors.push(FieldError::text("username", text));
            }
            Err(error) => return Err(error.into()),
        }
    }
    let detail = errors.iter().map(|e| e.field).collect::<Vec<_>>().join(",");
    me.audit(
        &app,
        "staff.create",
        &username,
        AuditResult::Failed,
        &detail,
    )
    .await;
    list_page(&app, &me, "", &form, &errors).await
}

async fn check_create_form(
    app: &App,
    form: &CreateForm,
) -> Result<(Option<OrgId>, Vec<FieldError>), AdminError> {
    let mut errors = Vec::new();
    if check_username(&form.username).is_err() {
        errors.push(FieldError::new("username", "admin-username-invalid"));
    }
    let name_chars = form.display_name.trim().chars().count();
    if !(1..=64).contains(&name_chars) {
        errors.push(FieldError::new(
            "display_name",
            "admin-display-name-invalid",
        ));
    }
    let username = form.username.trim().to_lowercase();
    if let Err(error) = app.admin.password_policy.check(&form.password, &username) {
        errors.push(FieldError::text("password", messages::policy_error(&error)));
    }
    let org_id = match form.org.trim() {
        "" => None,
        text => {
            let id = text.parse::<OrgId>().ok();
            match id {
                Some(id) if app.db.org(id).await?.is_some() => Some(id),
                _ => {
                    return Err(AdminError::BadRequest(format!(
                        "unknown organization {text}"
                    )))
                }
            }
        }
    };
    Ok((org_id, errors))
}

/// Hashes a password on the blocking pool.
pub(super) async fn hash_off_thread(password: &str) -> Result<String, AdminError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|error| AdminError::Internal(format!("password hashing task: {error}")))?
        .map_err(|error| AdminError::Internal(error.to_string()))
}

/// Returns the account `id`, or 404.
pub(super) async fn find(app: &App, id: StaffId) -> Result<Staff, AdminError> {
    app.db
        .staff(id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("staff account {id}")))
}

async fn detail(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AdminError> {
    require(
        &app,
        &me,
        Action::ManageStaff,
        "staff.view",
        &id.to_string(),
    )
    .await?;
    let person = find(&app, id).await?;
    let notice = messages::notice(&app, query.notice.as_deref());
    detail_page(&app, &me, &person, &notice, &[]).await
}

/// Renders one account's page, with `errors` from a refused action.
pub(super) async fn detail_page(
    app: &App,
    me: &SignedIn,
    person: &Staff,
    notice: &str,
    errors: &[FieldError],
) -> Result<Response, AdminError> {
    let names = org_names(app).await?;
    let grants: Vec<GrantView> = app
        .db
        .staff_grants(person.id)
        .await?
        .iter()
        .map(GrantView::of)
        .collect();
    let ctx = context! {
        person => person_view(person, &names),
        grants,
        roles => staff_grants::role_options(),
        scopes => staff_grants::scope_groups(app).await?,
        notice,
        errors,
        password_hint => password_hint(app),
    };
    Ok(render::page_for(app, me, "staff_detail.html", ctx)?.into_response())
}
