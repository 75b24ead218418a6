//! Settings of cases: the reply deadlines of each site, the sensitive-word list (platform
//! operators only), and consultations (征集调查) from opening to the published result.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDate;
use jiyue_db::{AuditResult, CaseKind, DbError, MessageCategory, NewConsultation, Scope};
use minijinja::{context, Value};
use serde::Deserialize;

use super::super::error::AdminError;
use super::super::extract::AdminPath;
use super::super::redirect;
use super::super::render;
use super::super::session::{forbidden, SignedIn};
use super::list::{sorted, Names};
use super::{
    case_scopes, category_name, default_limit_days, is_platform_operator, kind_name, refusal_text,
    require_scopes, Need, CATEGORIES, KINDS,
};
use crate::App;

type Fields = HashMap<String, String>;

fn field<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.get(name).map(|value| value.trim()).unwrap_or_default()
}

/// Runs `write` with each scope in turn until one is not out of scope, and returns its result.
async fn with_scopes<F, Fut, T>(scopes: &[Scope], mut write: F) -> Result<T, DbError>
where
    F: FnMut(Scope) -> Fut,
    Fut: std::future::Future<Output = Result<T, DbError>>,
{
    let mut last = DbError::OutOfScope(
        "no grant reaches this site or organization; ask for a grant on it".to_string(),
    );
    for scope in scopes {
        match write(scope.clone()).await {
            Err(DbError::OutOfScope(detail)) => last = DbError::OutOfScope(detail),
            other => return other,
        }
    }
    Err(last)
}

fn refusal_page(error: DbError) -> Result<String, AdminError> {
    match error {
        DbError::Invalid(_)
        | DbError::Conflict(_)
        | DbError::OutOfScope(_)
        | DbError::NotFound(_) => Ok(refusal_text(&error)),
        other => Err(other.into()),
    }
}

fn status_of(error: &Option<String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

fn kind_choices() -> Vec<Value> {
    KINDS
        .iter()
        .map(|kind| context! { code => kind.as_str(), name => kind_name(*kind) })
        .collect()
}

fn category_choices() -> Vec<Value> {
    CATEGORIES
        .iter()
        .map(|category| context! { code => category.as_str(), name => category_name(*category) })
        .collect()
}

async fn deadlines_page(
    app: &App,
    me: &SignedIn,
    error: Option<String>,
    form: Fields,
) -> Result<Response, AdminError> {
    require_scopes(app, me, Need::Handle, "case.deadlines").await?;
    let mut rows = Vec::new();
    for site in app.db.sites().await? {
        for kind in KINDS {
            let categories: Vec<Option<MessageCategory>> = match kind {
                CaseKind::Message => CATEGORIES.into_iter().map(Some).collect(),
                _ => vec![None],
            };
            for category in categories {
                let set = app.db.case_deadline(site.id, kind, category).await?;
                rows.push(context! {
                    site => &site.name, kind => kind_name(kind),
                    category => category.map(category_name).unwrap_or_default(),
                    days => set.unwrap_or_else(|| default_limit_days(kind)),
                    is_default => set.is_none(),
                });
            }
        }
    }
    let names = Names::load(app).await?;
    let status = status_of(&error);
    let ctx = context! {
        rows => rows, sites => sorted(&names.sites), kinds => kind_choices(),
        categories => category_choices(), error => error, form => form,
    };
    Ok((
        status,
        render::page_for(app, me, "cases/deadlines.html", ctx)?,
    )
        .into_response())
}

pub(super) async fn deadlines(
    State(app): State<Arc<App>>,
    me: SignedIn,
) -> Result<Response, AdminError> {
    deadlines_page(&app, &me, None, Fields::new()).await
}

fn parse_deadline(form: &Fields) -> Result<(i64, CaseKind, Option<MessageCategory>, u32), DbError> {
    let site = field(form, "site").parse().map_err(|_| {
        DbError::Invalid(format!(
            "site \"{}\" is not a site id; choose a site from the list",
            field(form, "site")
        ))
    })?;
    let kind = CaseKind::parse(field(form, "kind"))?;
    let category = match field(form, "category") {
        "" => None,
        code => Some(MessageCategory::parse(code)?),
    };
    let days = field(form, "days").parse().map_err(|_| {
        DbError::Invalid(format!(
            "a deadline of \"{}\" working days is invalid; give a whole number of working days",
            field(form, "days")
        ))
    })?;
    Ok((site, kind, category, days))
}

pub(super) async fn save_deadline(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Form(form): Form<Fields>,
) -> Result<Response, AdminError> {
    let scopes = require_scopes(&app, &me, Need::Handle, "case.deadline").await?;
    let result = match parse_deadline(&form) {
        Ok((site, kind, category, days)) => {
            with_scopes(&scopes, |scope| {
                let db = app.db.clone();
                async move {
                    db.set_case_deadline(&scope, site, kind, category, days)
                        .await
                }
            })
            .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => {
            let detail = format!(
                "{} {} {} {}",
                field(&form, "site"),
                field(&form, "kind"),
                field(&form, "category"),
                field(&form, "days")
            );
            me.audit(
                &app,
                "case.deadline",
                "case_deadlines",
                AuditResult::Ok,
                &detail,
            )
            .await;
            Ok(redirect("/cases/deadlines"))
        }
        Err(error) => {
            me.audit(
                &app,
                "case.deadline",
                "case_deadlines",
                AuditResult::Failed,
                &error.to_string(),
            )
            .await;
            let text = refusal_page(error)?;
            deadlines_page(&app, &me, Some(text), form).await
        }
    }
}

async fn require_operator(app: &App, me: &SignedIn, audit_action: &str) -> Result<(), AdminError> {
    if is_platform_operator(me) {
        return Ok(());
    }
    me.audit(
        app,
        audit_action,
        "sensitive_words",
        AuditResult::Denied,
        "platform operator",
    )
    .await;
    Err(forbidden(jiyue_auth::Action::ManageSites))
}

async fn words_page(
    app: &App,
    me: &SignedIn,
    error: Option<String>,
    form: Fields,
) -> Result<Response, AdminError> {
    let words = app.db.sensitive_words().await?;
    let status = status_of(&error);
    let ctx = context! { words => words, error => error, form => form };
    Ok((status, render::page_for(app, me, "cases/words.html", ctx)?).into_response())
}

pub(super) async fn words(
    State(app): State<Arc<App>>,
    me: SignedIn,
) -> Result<Response, AdminError> {
    require_operator(&app, &me, "case.words").await?;
    words_page(&app, &me, None, Fields::new()).await
}

pub(super) async fn change_words(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Form(form): Form<Fields>,
) -> Result<Response, AdminError> {
    require_operator(&app, &me, "case.words").await?;
    let word = field(&form, "word").to_string();
    let (audit_action, result) = match field(&form, "op") {
        "remove" => (
            "case.word_remove",
            app.db.remove_sensitive_word(&word).await.map(|_| ()),
        ),
        _ => (
            "case.word_add",
            app.db.add_sensitive_word(&word, me.staff.id).await,
        ),
    };
    match result {
        Ok(()) => {
            me.audit(&app, audit_action, &word, AuditResult::Ok, "")
                .await;
            Ok(redirect("/cases/words"))
        }
        Err(error) => {
            me.audit(
                &app,
                audit_action,
                &word,
                AuditResult::Failed,
                &error.to_string(),
            )
            .await;
            let text = refusal_page(error)?;
            words_page(&app, &me, Some(text), form).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SiteQuery {
    #[serde(default)]
    site: String,
}

async fn consultations_page(
    app: &App,
    me: &SignedIn,
    site: Option<i64>,
    error: Option<String>,
    form: Fields,
) -> Result<Response, AdminError> {
    require_scopes(app, me, Need::Handle, "case.consultations").await?;
    let names = Names::load(app).await?;
    let consultations = match site {
        Some(site) => app.db.site_consultations(site).await?,
        None => Vec::new(),
    };
    let rows: Vec<Value> = consultations
        .iter()
        .map(|item| {
            context! {
                id => item.id, title => &item.title,
                org => names.orgs.get(&item.org_id).cloned().unwrap_or_default(),
                starts_on => item.starts_on.to_string(), ends_on => item.ends_on.to_string(),
                opinions => item.opinions, published => item.result_published_at.is_some(),
            }
        })
        .collect();
    let status = status_of(&error);
    let ctx = context! {
        consultations => rows, site => site.map(|id| id.to_string()).unwrap_or_default(),
        sites => sorted(&names.sites), orgs => sorted(&names.orgs), error => error, form => form,
    };
    Ok((
        status,
        render::page_for(app, me, "cases/consultations.html", ctx)?,
    )
        .into_response())
}

pub(super) async fn consultations(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<SiteQuery>,
) -> Result<Response, AdminError> {
    let site = super::parse_optional_id("site", &query.site)?;
    consultations_page(&app, &me, site, None, Fields::new()).await
}

fn parse_date(form: &Fields, name: &str) -> Result<NaiveDate, DbError> {
    let text = field(form, name);
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        DbError::Invalid(format!(
            "{name} \"{text}\" is not a date; write it as YYYY-MM-DD, such as 2026-12-31"
        ))
    })
}

fn parse_consultation(form: &Fields) -> Result<NewConsultation, DbError> {
    let id = |name: &str| -> Result<i64, DbError> {
        field(form, name).parse().map_err(|_| {
            DbError::Invalid(format!(
                "{name} \"{}\" is not an id; choose one from the list",
                field(form, name)
            ))
        })
    };
    Ok(NewConsultation {
        site_id: id("site")?,
        org_id: id("org")?,
        title: field(form, "title").to_string(),
        body: field(form, "body").to_string(),
        starts_on: parse_date(form, "starts_on")?,
        ends_on: parse_date(form, "ends_on")?,
    })
}

pub(super) async fn open_consultation(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Form(form): Form<Fields>,
) -> Result<Response, AdminError> {
    let scopes = require_scopes(&app, &me, Need::Handle, "consultation.create").await?;
    let result = match parse_consultation(&form) {
        Ok(new) => {
            with_scopes(&scopes, |scope| {
                let db = app.db.clone();
                let new = new.clone();
                let staff = me.staff.id;
                async move { db.create_consultation(&scope, new, staff).await }
            })
            .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(id) => {
            me.audit(
                &app,
                "consultation.create",
                &id.to_string(),
                AuditResult::Ok,
                "",
            )
            .await;
            Ok(redirect(&format!("/cases/consultations/{id}")))
        }
        Err(error) => {
            me.audit(
                &app,
                "consultation.create",
                "consultations",
                AuditResult::Failed,
                &error.to_string(),
            )
            .await;
            let text = refusal_page(error)?;
            let site = field(&form, "site").parse().ok();
            consultations_page(&app, &me, site, Some(text), form).await
        }
    }
}

async fn consultation_page(
    app: &App,
    me: &SignedIn,
    id: i64,
    error: Option<String>,
    form: Fields,
) -> Result<Response, AdminError> {
    let scopes = require_scopes(app, me, Need::Handle, "consultation.view").await?;
    let item = app
        .db
        .consultation(id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("consultation {id}")))?;
    let ended = app.today() > item.ends_on;
    // Opinions are read once the consultation has ended, so no one steers it while it runs.
    let opinions = if ended {
        with_scopes(&scopes, |scope| {
            let db = app.db.clone();
            async move { db.opinions(&scope, id).await }
        })
        .await
        .map_err(|error| match error {
            DbError::OutOfScope(_) => forbidden(jiyue_auth::Action::HandleMessages),
            other => other.into(),
        })?
    } else {
        Vec::new()
    };
    let opinions: Vec<Value> = opinions
        .iter()
        .map(|opinion| {
            context! {
                body => &opinion.body, held_for => &opinion.held_for,
                submitted_on => opinion.submitted_on.to_string(),
            }
        })
        .collect();
    let names = Names::load(app).await?;
    let status = status_of(&error);
    let ctx = context! {
        item => context! {
            id => item.id, title => &item.title, body => &item.body,
            org => names.orgs.get(&item.org_id).cloned().unwrap_or_default(),
            site => names.sites.get(&item.site_id).cloned().unwrap_or_default(),
            starts_on => item.starts_on.to_string(), ends_on => item.ends_on.to_string(),
            result => &item.result, response => &item.response, count => item.opinions,
        },
        ended => ended, opinions => opinions, error => error, form => form,
    };
    Ok((
        status,
        render::page_for(app, me, "cases/consultation.html", ctx)?,
    )
        .into_response())
}

pub(super) async fn consultation(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<i64>,
) -> Result<Response, AdminError> {
    consultation_page(&app, &me, id, None, Fields::new()).await
}

pub(super) async fn publish_result(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<i64>,
    Form(form): Form<Fields>,
) -> Result<Response, AdminError> {
    let scopes = case_scopes(&me, Need::Handle);
    let result = with_scopes(&scopes, |scope| {
        let db = app.db.clone();
        let staff = me.staff.id;
        let (result, response) = (
            field(&form, "result").to_string(),
            field(&form, "response").to_string(),
        );
        async move {
            db.publish_consultation_result(&scope, id, staff, &result, &response)
                .await
        }
    })
    .await;
    match result {
        Ok(()) => {
            me.audit(
                &app,
                "consultation.publish",
                &id.to_string(),
                AuditResult::Ok,
                "",
            )
            .await;
            Ok(redirect(&format!("/cases/consultations/{id}")))
        }
        Err(error) => {
            me.audit(
                &app,
                "consultation.publish",
                &id.to_string(),
                AuditResult::Failed,
                &error.to_string(),
            )
            .await;
            let text = refusal_page(error)?;
            consultation_page(&app, &me, id, Some(text), form).await
        }
    }
}
