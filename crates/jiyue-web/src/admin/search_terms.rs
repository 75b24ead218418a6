//! Search terms that editors maintain: synonym groups (terms the search treats as one, such as
//! 身份证 = 居民身份证), and the queries that found nothing, per site, which editors read to
//! add synonyms or content and then dismiss. Open to everyone who may view items somewhere
//! (editors, reviewers and administrators of sites). Unanswered queries are listed for the
//! sites the user may view. Every change is audited.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jiyue_auth::Action;
use jiyue_core::clock::format_china_minute;
use jiyue_db::{AuditResult, DbError, SynonymGroup, MAX_SYNONYM_TERMS, MAX_SYNONYM_TERM_CHARS};
use jiyue_render::MessageArg;
use minijinja::{context, Value};
use serde::Deserialize;

use super::editorial::views::all_sites;
use super::error::AdminError;
use super::extract::{AdminForm, AdminPath};
use super::messages::FieldError;
use super::session::{forbidden, SignedIn};
use super::{check_csrf, redirect, render};
use crate::App;

/// Maximum number of unanswered queries listed per site.
const MISSES_PER_SITE: i64 = 100;

/// Routes of the search-terms page.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/search-terms", get(page).post(save))
        .route("/search-terms/{id}/delete", post(delete))
        .route("/search-terms/dismiss", post(dismiss))
}

async fn require(app: &App, me: &SignedIn, audit_action: &str) -> Result<(), AdminError> {
    if me.can_anywhere(Action::ViewItems) {
        return Ok(());
    }
    me.audit(
        app,
        audit_action,
        "search-terms",
        AuditResult::Denied,
        "view_items",
    )
    .await;
    Err(forbidden(Action::ViewItems))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    edit: String,
    #[serde(default)]
    notice: String,
}

/// The synonym form as typed.
#[derive(Debug, Default, Deserialize)]
struct GroupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    terms: String,
}

async fn page(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<Response, AdminError> {
    require(&app, &me, "search.terms.view").await?;
    let groups = app.db.synonym_groups().await?;
    let editing = groups
        .iter()
        .find(|group| group.id.to_string() == query.edit.trim());
    let form = GroupForm {
        id: editing
            .map(|group| group.id.to_string())
            .unwrap_or_default(),
        terms: editing
            .map(|group| group.terms.join("\n"))
            .unwrap_or_default(),
        ..GroupForm::default()
    };
    let notice = match query.notice.as_str() {
        "saved" => Some(render::message("admin-search-terms-notice-saved")),
        "deleted" => Some(render::message("admin-search-terms-notice-deleted")),
        "dismissed" => Some(render::message("admin-search-terms-notice-dismissed")),
        _ => None,
    };
    render_page(&app, &me, &groups, &form, notice, Vec::new()).await
}

async fn render_page(
    app: &App,
    me: &SignedIn,
    groups: &[SynonymGroup],
    form: &GroupForm,
    notice: Option<String>,
    errors: Vec<FieldError>,
) -> Result<Response, AdminError> {
    let mut sites = Vec::new();
    for entry in all_sites(app).await? {
        if !me.allows(Action::ViewItems, &entry.target()) {
            continue;
        }
        let misses: Vec<Value> = app
            .db
            .search_misses(Some(entry.site.id), MISSES_PER_SITE)
            .await?
            .iter()
            .map(|miss| {
                context! {
                    query => &miss.query,
                    count => miss.count,
                    last => format_china_minute(miss.last_at),
                }
            })
            .collect();
        sites.push(context! { id => entry.site.id, name => &entry.site.name, misses => misses });
    }
    let groups: Vec<Value> = groups
        .iter()
        .map(|group| {
            context! {
                id => group.id,
                terms => group.terms.join(" = "),
                updated => format_china_minute(group.updated_at),
            }
        })
        .collect();
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let ctx = context! {
        groups => groups,
        form_id => &form.id,
        form_terms => &form.terms,
        errors => errors,
        notice => notice,
        sites => sites,
    };
    let html = render::page_for(app, me, "search_terms.html", ctx)?;
    Ok((status, html).into_response())
}

/// Splits the typed terms on `=` (half or full width) and line breaks.
fn split_terms(text: &str) -> Vec<String> {
    text.split(['=', '＝', '\n', '\r'])
        .map(str::trim)
        .filter(|term| !term.is_empty())
        .map(str::to_string)
        .collect()
}

/// Returns the form error for terms that storage would reject: too few, too many, a term too
/// long or holding a comma, or a term already in another group (named with that group).
fn terms_error(groups: &[SynonymGroup], id: Option<i64>, terms: &[String]) -> Option<FieldError> {
    let mut distinct = terms.to_vec();
    distinct.sort();
    distinct.dedup();
    if distinct.len() < 2 {
        return Some(FieldError::new("terms", "admin-search-terms-error-too-few"));
    }
    if let Some(term) = distinct
        .iter()
        .find(|term| term.chars().count() > MAX_SYNONYM_TERM_CHARS || term.contains([',', '，']))
    {
        let shown: String = term.chars().take(20).collect();
        let args = [
            ("term", MessageArg::Text(shown)),
            ("max", MessageArg::Number(MAX_SYNONYM_TERM_CHARS as f64)),
        ];
        let text = render::format_args("admin-search-terms-error-term", &args);
        return Some(FieldError::text("terms", text));
    }
    if distinct.len() > MAX_SYNONYM_TERMS {
        let args = [("max", MessageArg::Number(MAX_SYNONYM_TERMS as f64))];
        let text = render::format_args("admin-search-terms-error-too-many", &args);
        return Some(FieldError::text("terms", text));
    }
    let (term, group) = groups
        .iter()
        .filter(|group| Some(group.id) != id)
        .find_map(|group| {
            let term = distinct.iter().find(|term| group.terms.contains(term))?;
            Some((term, group))
        })?;
    let text = render::format(
        "admin-search-terms-error-duplicate",
        &[("term", term.clone()), ("group", group.terms.join(" = "))],
    );
    Some(FieldError::text("terms", text))
}

async fn save(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminForm(form): AdminForm<GroupForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    require(&app, &me, "search.synonyms.save").await?;
    let id = match form.id.trim() {
        "" => None,
        text => Some(text.parse::<i64>().map_err(|_| {
            AdminError::BadRequest(format!("field id needs a synonym group number, not {text}"))
        })?),
    };
    let terms = split_terms(&form.terms);
    let groups = app.db.synonym_groups().await?;
    let target = id.map_or_else(|| "synonyms:new".to_string(), |id| format!("synonyms:{id}"));
    if let Some(error) = terms_error(&groups, id, &terms) {
        tracing::info!(%target, detail = %error.text, "a synonym group failed its checks");
        me.audit(
            &app,
            "search.synonyms.save",
            &target,
            AuditResult::Failed,
            &error.text,
        )
        .await;
        return render_page(&app, &me, &groups, &form, None, vec![error]).await;
    }
    let saved = match app
        .db
        .save_synonym_group(id, &terms, Some(me.staff.id))
        .await
    {
        Ok(saved) => saved,
        Err(error @ (DbError::Conflict(_) | DbError::Invalid(_) | DbError::NotFound(_))) => {
            let detail = error.to_string();
            tracing::info!(%target, %detail, "saving a synonym group failed");
            me.audit(
                &app,
                "search.synonyms.save",
                &target,
                AuditResult::Failed,
                &detail,
            )
            .await;
            let error = FieldError::new("terms", "admin-search-terms-error-refused");
            let groups = app.db.synonym_groups().await?;
            return render_page(&app, &me, &groups, &form, None, vec![error]).await;
        }
        Err(error) => return Err(error.into()),
    };
    let detail = terms.join(" = ");
    me.audit(
        &app,
        "search.synonyms.save",
        &format!("synonyms:{saved}"),
        AuditResult::Ok,
        &detail,
    )
    .await;
    Ok(redirect("/search-terms?notice=saved"))
}

#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn delete(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<i64>,
    AdminForm(form): AdminForm<CsrfForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    require(&app, &me, "search.synonyms.delete").await?;
    match app.db.delete_synonym_group(id).await {
        Ok(()) => {}
        Err(DbError::NotFound(_)) => {
            return Err(AdminError::NotFound(format!("synonym group {id}")))
        }
        Err(error) => return Err(error.into()),
    }
    me.audit(
        &app,
        "search.synonyms.delete",
        &format!("synonyms:{id}"),
        AuditResult::Ok,
        "",
    )
    .await;
    Ok(redirect("/search-terms?notice=deleted"))
}

#[derive(Debug, Default, Deserialize)]
struct DismissForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    query: String,
}

async fn dismiss(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminForm(form): AdminForm<DismissForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let site_id: i64 = form.site.trim().parse().map_err(|_| {
        AdminError::BadRequest(format!("field site needs a site number, not {}", form.site))
    })?;
    let sites = all_sites(&app).await?;
    let site = sites
        .iter()
        .find(|entry| entry.site.id == site_id)
        .ok_or_else(|| AdminError::NotFound(format!("site {site_id}")))?;
    let target = format!("site:{site_id}");
    me.authorize(
        &app,
        Action::ViewItems,
        &site.target(),
        "search.miss.dismiss",
        &target,
    )
    .await?;
    app.db.dismiss_search_miss(site_id, &form.query).await?;
    me.audit(
        &app,
        "search.miss.dismiss",
        &target,
        AuditResult::Ok,
        &form.query,
    )
    .await;
    Ok(redirect("/search-terms?notice=dismissed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_split_on_equals_and_lines() {
        assert_eq!(
            split_terms(" 身份证 = 居民身份证＝二代证\n\n户口本 "),
            ["身份证", "居民身份证", "二代证", "户口本"]
        );
    }

    #[test]
    fn a_term_of_another_group_is_named() {
        let groups = vec![SynonymGroup {
            id: 1,
            terms: vec!["身份证".to_string(), "居民身份证".to_string()],
            updated_at: chrono::Utc::now(),
        }];
        let terms = split_terms("身份证 = 二代证");
        let error = terms_error(&groups, None, &terms).unwrap();
        assert!(error.text.contains("身份证 = 居民身份证"), "{}", error.text);
        assert!(terms_error(&groups, Some(1), &terms).is_none());
        assert!(terms_error(&groups, None, &split_terms("身份证")).is_some());
    }
}
