//! Reporting an error on a site (`/zhaocuo`, 我为政府网站找错): no account needed. The report
//! goes to the site's own organization, with an optional e-mail address for the answer.

use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use jiyue_auth::personal::Field;
use jiyue_db::cases::MAX_BODY_CHARS;
use jiyue_db::{CaseKind, DbError, NewCase, SealedContact, SiteId};
use serde::Deserialize;

use super::super::challenge::Gate;
use super::super::forms::{value, ClientAddr, FormBrowser};
use super::super::identity::parse_email;
use super::super::view::{Form, FormField, FormPage, Place, Words};
use super::super::{CitizenServices, OnSite};
use super::input::{read_input, Input};
use super::limits::{self, Stop};
use super::message::seal;
use super::{checks, confirmation, internal_error, sensitive_words_in, services, show_form};
use crate::App;

/// The path of the error-report form on every site.
pub(super) const PATH: &str = "/zhaocuo";

/// Characters of the description that become the report's subject.
const SUBJECT_CHARS: usize = 40;

#[derive(Debug, Deserialize, Default)]
pub(super) struct ReportQuery {
    #[serde(default)]
    page: String,
}

/// Shows the form, with the reported page's address from `?page=`.
pub(super) async fn form_page(
    State(app): State<Arc<App>>,
    Extension(OnSite(site)): Extension<OnSite>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Response {
    let services = match services(&app) {
        Ok(services) => services,
        Err(response) => return response,
    };
    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };
    let browser = FormBrowser::from_headers(&headers);
    let page: String = query.page.chars().take(2000).collect();
    let values = vec![("page".to_string(), page)];
    respond(
        &app,
        services,
        &place,
        client,
        &browser,
        &values,
        None,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn respond(
    app: &App,
    services: &CitizenServices,
    place: &Place,
    client: std::net::IpAddr,
    browser: &FormBrowser,
    values: &[(String, String)],
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let words = place.words(app);
    let gate = limits::gate(app, &limits::REPORT, None, client)
        .await
        .unwrap_or(Gate::Open);
    let error = error.or_else(|| (gate == Gate::Closed).then(|| words.t("case-rate-limited")));
    let page = FormPage {
        heading: words.t("report-heading"),
        intro: Some(words.t("report-intro")),
        error,
        forms: vec![Form {
            id: Some("report"),
            action: PATH.to_string(),
            fields: fields(&words, values),
            challenge: limits::challenge_for(app, services, &words, gate),
            submit: words.t("report-submit"),
            ..Form::default()
        }],
        form_token: browser.token(services),
        ..FormPage::default()
    };
    let cookie = browser.set_cookie(services.config.cookie_secure);
    show_form(app, place, status, &page, cookie)
}

fn fields(words: &Words<'_>, values: &[(String, String)]) -> Vec<FormField> {
    vec![
        FormField::new("page", "url", words.t("field-page-url"))
            .required()
            .hint(words.t("field-page-url-hint"))
            .input_mode("url")
            .max_length(2000)
            .value(value(values, "page")),
        FormField::new("description", "textarea", words.t("field-description"))
            .required()
            .max_length(MAX_BODY_CHARS)
            .value(value(values, "description")),
        FormField::new("email", "email", words.t("field-answer-email"))
            .hint(words.t("field-answer-email-hint"))
            .autocomplete("email")
            .input_mode("email")
            .max_length(254)
            .value(value(values, "email")),
    ]
}

/// An error report whose fields passed the checks.
struct Draft {
    page_url: String,
    description: String,
    email: Option<String>,
}

fn check(
    services: &CitizenServices,
    words: &Words<'_>,
    base_url: &str,
    input: &Input,
) -> Result<Draft, String> {
    let page_url = checks::page_address(words, input.get("page"), base_url)?;
    let label = words.t("field-description");
    let description = checks::required(words, &label, input.get("description"), MAX_BODY_CHARS)?;
    let email = match input.get("email") {
        "" => None,
        text => Some(seal(services, Field::Email, &parse_email(text, words)?)?),
    };
    Ok(Draft {
        page_url,
        description: description.to_string(),
        email,
    })
}

/// Stores an error report.
pub(super) async fn submit(
    State(app): State<Arc<App>>,
    Extension(OnSite(site)): Extension<OnSite>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    request: Request,
) -> Response {
    let services = match services(&app) {
        Ok(services) => services,
        Err(response) => return response,
    };

    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };

    let words = place.words(&app);
    // A signed-in citizen finds the report among their own cases; anyone else may report too.
    let citizen = crate::citizen::relying::site_signed_in(&app, request.headers())
        .await
        .map(|me| me.citizen.id);

    let input = match read_input(services, request, &words).await {
        Ok(input) => input,
        Err(rejected) => {
            let error = Some(rejected.message);
            let browser = &rejected.browser;
            return respond(
                &app,
                services,
                &place,
                client,
                browser,
                &[],
                error,
                rejected.status,
            )
            .await;
        }
    };

    let retry = |error: String, status: StatusCode| {
        let browser = &input.browser;
        respond(
            &app,
            services,
            &place,
            client,
            browser,
            &input.values,
            Some(error),
            status,
        )
    };

    let base_url = place
        .site
        .as_ref()
        .map_or("", |site| site.base_url.as_str());
    let draft = match check(services, &words, base_url, &input) {
        Ok(draft) => draft,
        Err(error) => return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await,
    };

    match limits::pass(
        &app,
        services,
        &input,
        &limits::REPORT,
        None,
        client,
        &words,
    )
    .await
    {
        Ok(Ok(())) => {}
        Ok(Err(Stop::Limited(error))) => return retry(error, StatusCode::TOO_MANY_REQUESTS).await,
        Ok(Err(Stop::Challenge(error))) => {
            return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => return internal_error(&error, "checking the report limits"),
    }

    let case = match store(&app, site, &draft, citizen).await {
        Ok(case) => case,
        Err(DbError::Invalid(error)) => {
            return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => return internal_error(&error, "storing an error report"),
    };

    if let Err(error) = limits::count(&app, &limits::REPORT, None, client).await {
        tracing::error!(%error, "counting an error report against the limits failed");
    }

    let next = if draft.email.is_some() {
        words.t("report-next-email")
    } else {
        words.t("report-next")
    };

    confirmation(&app, &place, &case, vec![next], Vec::new())
}

async fn store(
    app: &App,
    site: SiteId,
    draft: &Draft,
    citizen: Option<jiyue_db::CitizenId>,
) -> Result<jiyue_db::CaseRecord, DbError> {
    let Some(org_id) = super::site_org(app, site) else {
        return Err(DbError::NotFound(format!(
            "site {site} is not in the host table"
        )));
    };
    let held_for = sensitive_words_in(app, &[&draft.description, &draft.page_url]).await?;
    let case = app
        .db
        .submit_case(NewCase {
            kind: CaseKind::ErrorReport,
            category: None,
            site_id: site,
            org_id,
            citizen_id: citizen,
            subject: checks::subject_from(&draft.description, SUBJECT_CHARS),
            body: draft.description.clone(),
            page_url: Some(draft.page_url.clone()),
            contact: SealedContact {
                email: draft.email.clone(),
                ..SealedContact::default()
            },
            public_requested: false,
            consent_to_publish: false,
            held_for: held_for.clone(),
            attachments: Vec::new(),
            received_on: app.today(),
        })
        .await?;
    tracing::info!(
        case = case.id,
        site,
        held = held_for.is_some(),
        "an error report was submitted"
    );
    Ok(case)
}
