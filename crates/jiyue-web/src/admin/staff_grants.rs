//! Granting and revoking roles on the staff pages, and the role and scope pickers.
//!
//! A grant is checked with `jiyue_auth::check_grant` before it is stored, so a rejected grant
//! (a second separated administrator role, such a role below platform scope, a duplicate)
//! shows the catalog message of its `GrantError`. `Db::add_grant` checks again inside its
//! transaction, against concurrent grants.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use jiyue_auth::{check_grant, Action, Grant, GrantScope, Role};
use jiyue_db::{AuditResult, GrantRef, StaffId};
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::extract::{AdminForm, AdminPath};
use super::messages::{self, FieldError};
use super::session::SignedIn;
use super::staff::{detail_page, find, require};
use super::staff_actions::{last_holder_error, sole_holder_of};
use super::{redirect, render};
use crate::App;

/// Returns the routes that add and remove grants.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/staff/{id}/grants", post(add))
        .route("/staff/{id}/grants/{grant}/remove", post(remove))
}

#[derive(Deserialize)]
struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
}

/// One choice of the role picker.
#[derive(Debug, Serialize)]
pub struct RoleOption {
    value: &'static str,
    key: &'static str,
}

/// A labelled group of the scope picker.
#[derive(Debug, Serialize)]
pub struct ScopeGroup {
    label: String,
    options: Vec<ScopeOption>,
}

#[derive(Debug, Serialize)]
struct ScopeOption {
    value: String,
    label: String,
}

/// Returns every role for the role picker.
pub fn role_options() -> Vec<RoleOption> {
    Role::ALL
        .iter()
        .map(|role| RoleOption {
            value: role.as_str(),
            key: role.message_id(),
        })
        .collect()
}

/// Returns the scope picker's groups: the platform, organizations, sites, and each site's
/// columns. Values are `platform`, `org:ID`, `site:ID` and `column:ID`.
pub async fn scope_groups(app: &App) -> Result<Vec<ScopeGroup>, AdminError> {
    let option = |value: String, label: String| ScopeOption { value, label };
    let mut groups = vec![ScopeGroup {
        label: render::message("admin-scope-group-platform"),
        options: vec![option(
            "platform".into(),
            render::message("admin-scope-platform"),
        )],
    }];
    let orgs = app.db.orgs().await?;
    groups.push(ScopeGroup {
        label: render::message("admin-scope-group-orgs"),
        options: orgs
            .into_iter()
            .map(|org| option(format!("org:{}", org.id), org.name))
            .collect(),
    });
    let sites = app.db.sites().await?;
    groups.push(ScopeGroup {
        label: render::message("admin-scope-group-sites"),
        options: sites
            .iter()
            .map(|site| option(format!("site:{}", site.id), site.name.clone()))
            .collect(),
    });
    // NOTE: every column of every site is listed, one query per site; past a few hundred
    // sites the picker needs a site-first step instead.
    for site in &sites {
        let columns = app.db.columns(site.id).await?;
        groups.push(ScopeGroup {
            label: render::format("admin-scope-group-columns", &[("site", site.name.clone())]),
            options: columns
                .into_iter()
                .map(|c| {
                    option(
                        format!("column:{}", c.id),
                        format!("{}（{}）", c.name, c.path),
                    )
                })
                .collect(),
        });
    }
    Ok(groups)
}

/// Resolves a picker value to the stored reference and the scope `check_grant` compares.
async fn resolve_scope(
    app: &App,
    value: &str,
) -> Result<Option<(GrantRef, GrantScope)>, AdminError> {
    if value == "platform" {
        return Ok(Some((GrantRef::Platform, GrantScope::Platform)));
    }
    let Some((kind, id)) = value.split_once(':') else {
        return Ok(None);
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    Ok(match kind {
        "org" => app.db.org(id).await?.map(|org| {
            let scope = GrantScope::Org { id, path: org.path };
            (GrantRef::Org(id), scope)
        }),
        "site" => app
            .db
            .site(id)
            .await?
            .map(|_| (GrantRef::Site(id), GrantScope::Site { id })),
        "column" => app.db.column(id).await?.map(|column| {
            let scope = GrantScope::Column {
                id,
                site_id: column.site_id,
                path: column.path,
            };
            (GrantRef::Column(id), scope)
        }),
        _ => None,
    })
}

async fn add(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<StaffId>,
    AdminForm(form): AdminForm<GrantForm>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(&app, &me, Action::GrantRoles, "grant.add", &person.username).await?;
    let detail = format!("role={} scope={}", form.role, form.scope);

    let refusal = match check_new_grant(&app, id, &form).await? {
        Ok((role, scope)) => match app.db.add_grant(id, role, scope, Some(me.staff.id)).await {
            Ok(_) => None,
            // Another grant to the account was stored in between; it is checked again there.
            Err(jiyue_db::DbError::Conflict(_)) => {
                Some(FieldError::new("role", "admin-grant-conflict"))
            }
            Err(error) => return Err(error.into()),
        },
        Err(error) => Some(error),
    };
    if let Some(error) = refusal {
        me.audit(
            &app,
            "grant.add",
            &person.username,
            AuditResult::Denied,
            &format!("{detail}: {}", error.text),
        )
        .await;
        return detail_page(&app, &me, &person, "", &[error]).await;
    }
    me.audit(
        &app,
        "grant.add",
        &person.username,
        AuditResult::Ok,
        &detail,
    )
    .await;
    Ok(redirect(&format!("/staff/{id}?notice=grant-added")))
}

/// Parses the grant form and applies the separation rules to the account's grants.
async fn check_new_grant(
    app: &App,
    id: StaffId,
    form: &GrantForm,
) -> Result<Result<(Role, GrantRef), FieldError>, AdminError> {
    let Some(role) = Role::parse(form.role.trim()) else {
        return Ok(Err(FieldError::new("role", "admin-role-invalid")));
    };
    let Some((scope_ref, scope)) = resolve_scope(app, form.scope.trim()).await? else {
        return Ok(Err(FieldError::new("scope", "admin-grant-scope-missing")));
    };
    let held: Vec<Grant> = app
        .db
        .staff_grants(id)
        .await?
        .into_iter()
        .map(|stored| stored.grant)
        .collect();
    if let Err(error) = check_grant(&held, &Grant { role, scope }) {
        return Ok(Err(FieldError::text("role", messages::grant_error(&error))));
    }
    Ok(Ok((role, scope_ref)))
}

async fn remove(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath((id, grant_id)): AdminPath<(StaffId, i64)>,
) -> Result<Response, AdminError> {
    let person = find(&app, id).await?;
    require(
        &app,
        &me,
        Action::GrantRoles,
        "grant.remove",
        &person.username,
    )
    .await?;
    let grants = app.db.staff_grants(id).await?;
    let Some(grant) = grants.iter().find(|grant| grant.id == grant_id) else {
        return Err(AdminError::NotFound(format!(
            "grant {grant_id} of staff account {id}"
        )));
    };

    let refusal = if id == me.staff.id && grant.role == Role::SecurityAdmin {
        Some(FieldError::new("main", "admin-staff-self"))
    } else if person.disabled {
        None
    } else {
        sole_holder_of(&app, std::slice::from_ref(grant))
            .await?
            .map(|role| last_holder_error("main", role))
    };
    let detail = format!("role={}", grant.role.as_str());
    if let Some(error) = refusal {
        me.audit(
            &app,
            "grant.remove",
            &person.username,
            AuditResult::Denied,
            &detail,
        )
        .await;
        return detail_page(&app, &me, &person, "", &[error]).await;
    }
    app.db.remove_grant(id, grant_id).await?;
    me.audit(
        &app,
        "grant.remove",
        &person.username,
        AuditResult::Ok,
        &detail,
    )
    .await;
    Ok(redirect(&format!("/staff/{id}?notice=grant-removed")))
}
