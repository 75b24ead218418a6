//! Applying for government information (`/ysqgk`, 依申请公开): signed-in citizens only. The
//! applicant's name, identity number, telephone, address and e-mail are sealed; the request,
//! purpose and form of delivery make up the case body.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use jiyue_auth::personal::Field;
use jiyue_db::{CaseKind, CitizenId, DbError, NewCase, SealedContact, SiteId};

use super::super::challenge::Gate;
use super::super::forms::{redirect, value, ClientAddr, FormBrowser};
use super::super::identity::{parse_email, parse_mobile};
use super::super::relying::{login_path, site_signed_in, PREFIX};
use super::super::view::{Choice, Form, FormField, FormPage, Link, Place, Words};
use super::super::{CitizenServices, OnSite};
use super::input::{read_input, Input};
use super::limits::{self, Stop};
use super::message::seal;
use super::{checks, confirmation, internal_error, sensitive_words_in, services, show_form};
use crate::App;

/// The path of the application form on every site.
pub(super) const PATH: &str = "/ysqgk";

/// Maximum length of the description of the requested information, in characters.
const MAX_REQUEST_CHARS: usize = 4000;
/// Maximum length of the purpose, in characters.
const MAX_PURPOSE_CHARS: usize = 500;
/// Maximum length of a name or postal address, in characters.
const MAX_NAME_CHARS: usize = 50;
const MAX_ADDRESS_CHARS: usize = 200;
/// Characters of the request that become the case subject.
const SUBJECT_CHARS: usize = 40;

const DELIVERIES: [&str; 3] = ["paper", "email", "onsite"];

/// Shows the form; a visitor who is not signed in goes to the site's sign-in first.
pub(super) async fn form_page(
    State(app): State<Arc<App>>,
    Extension(OnSite(site)): Extension<OnSite>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    headers: HeaderMap,
) -> Response {
    let services = match services(&app) {
        Ok(services) => services,
        Err(response) => return response,
    };
    let Some(me) = site_signed_in(&app, &headers).await else {
        return redirect(&login_path(PATH), Vec::new());
    };
    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };
    let browser = FormBrowser::from_headers(&headers);
    let view = View {
        site,
        account: me.citizen.id,
        client,
    };
    view.respond(&app, services, &place, &browser, &[], None, StatusCode::OK)
        .await
}

/// The viewer of the form.
struct View {
    site: SiteId,
    account: CitizenId,
    client: std::net::IpAddr,
}

impl View {
    #[allow(clippy::too_many_arguments)]
    async fn respond(
        &self,
        app: &App,
        services: &CitizenServices,
        place: &Place,
        browser: &FormBrowser,
        values: &[(String, String)],
        error: Option<String>,
        status: StatusCode,
    ) -> Response {
        let words = place.words(app);
        let gate = limits::gate(app, &limits::DISCLOSURE, Some(self.account), self.client)
            .await
            .unwrap_or(Gate::Open);
        let orgs = match super::site_orgs(app, self.site, &place.lang).await {
            Ok(orgs) => orgs,
            Err(error) => return internal_error(&error, "listing organizations"),
        };
        let error = error.or_else(|| (gate == Gate::Closed).then(|| words.t("case-rate-limited")));
        let page = FormPage {
            heading: words.t("disclosure-heading"),
            intro: Some(words.t("disclosure-intro")),
            notice: Some(words.t("disclosure-rule")),
            error,
            forms: vec![Form {
                id: Some("disclosure"),
                action: PATH.to_string(),
                fields: fields(&words, orgs, values),
                challenge: limits::challenge_for(app, services, &words, gate),
                submit: words.t("disclosure-submit"),
                ..Form::default()
            }],
            form_token: browser.token(services),
            ..FormPage::default()
        };
        let cookie = browser.set_cookie(services.config.cookie_secure);
        show_form(app, place, status, &page, cookie)
    }
}

fn fields(words: &Words<'_>, orgs: Vec<Choice>, values: &[(String, String)]) -> Vec<FormField> {
    let org = match value(values, "org") {
        "" => orgs
            .first()
            .map(|choice| choice.value.clone())
            .unwrap_or_default(),
        chosen => chosen.to_string(),
    };
    let deliveries = DELIVERIES
        .iter()
        .map(|delivery| Choice {
            value: (*delivery).to_string(),
            label: words.t(&format!("delivery-{delivery}")),
        })
        .collect();
    vec![
        FormField::new("org", "select", words.t("field-disclosure-org"))
            .required()
            .value(org)
            .options(orgs),
        FormField::new("name", "text", words.t("field-applicant-name"))
            .required()
            .autocomplete("name")
            .max_length(MAX_NAME_CHARS)
            .value(value(values, "name")),
        FormField::new("id_number", "text", words.t("field-id-number"))
            .required()
            .hint(words.t("field-id-number-hint"))
            .autocomplete("off")
            .max_length(18)
            .value(value(values, "id_number")),
        FormField::new("mobile", "tel", words.t("field-contact-mobile"))
            .required()
            .autocomplete("tel")
            .input_mode("tel")
            .max_length(20)
            .value(value(values, "mobile")),
        FormField::new("address", "text", words.t("field-postal-address"))
            .required()
            .autocomplete("street-address")
            .max_length(MAX_ADDRESS_CHARS)
            .value(value(values, "address")),
        FormField::new("email", "email", words.t("field-email"))
            .hint(words.t("field-delivery-email-hint"))
            .autocomplete("email")
            .input_mode("email")
            .max_length(254)
            .value(value(values, "email")),
        FormField::new("request", "textarea", words.t("field-requested"))
            .required()
            .hint(words.t("field-requested-hint"))
            .max_length(MAX_REQUEST_CHARS)
            .value(value(values, "request")),
        FormField::new("purpose", "textarea", words.t("field-purpose"))
            .max_length(MAX_PURPOSE_CHARS)
            .value(value(values, "purpose")),
        FormField::new("delivery", "radio", words.t("field-delivery"))
            .required()
            .value(match value(values, "delivery") {
                "" => "paper",
                chosen => chosen,
            })
            .options(deliveries),
    ]
}

/// An application whose fields passed the checks.
struct Draft {
    org_id: i64,
    subject: String,
    body: String,
    contact: SealedContact,
}

fn check(
    app: &App,
    services: &CitizenServices,
    words: &Words<'_>,
    orgs: &[Choice],
    input: &Input,
) -> Result<Draft, String> {
    let org = input.get("org");
    let org_id = orgs
        .iter()
        .find(|choice| choice.value == org)
        .and_then(|choice| choice.value.parse().ok())
        .ok_or_else(|| words.with("case-org-invalid", &[("value", org)]))?;
    let name = checks::required(
        words,
        &words.t("field-applicant-name"),
        input.get("name"),
        MAX_NAME_CHARS,
    )?;
    let id_number = checks::identity_number(words, input.get("id_number"), app.today())?;
    let mobile = parse_mobile(input.get("mobile"), words)?;
    let address = checks::required(
        words,
        &words.t("field-postal-address"),
        input.get("address"),
        MAX_ADDRESS_CHARS,
    )?;
    let request = checks::required(
        words,
        &words.t("field-requested"),
        input.get("request"),
        MAX_REQUEST_CHARS,
    )?;
    let purpose = checks::optional(
        words,
        &words.t("field-purpose"),
        input.get("purpose"),
        MAX_PURPOSE_CHARS,
    )?;
    let delivery = input.get("delivery");
    if !DELIVERIES.contains(&delivery) {
        return Err(words.with("delivery-invalid", &[("value", delivery)]));
    }
    let email = match input.get("email") {
        "" if delivery == "email" => return Err(words.t("delivery-email-missing")),
        "" => None,
        text => Some(seal(services, Field::Email, &parse_email(text, words)?)?),
    };
    let mut body = format!("{}\n{request}", words.t("field-requested"));
    if !purpose.is_empty() {
        body.push_str(&format!("\n\n{}\n{purpose}", words.t("field-purpose")));
    }
    body.push_str(&format!(
        "\n\n{}\n{}",
        words.t("field-delivery"),
        words.t(&format!("delivery-{delivery}"))
    ));
    Ok(Draft {
        org_id,
        subject: checks::subject_from(request, SUBJECT_CHARS),
        body,
        contact: SealedContact {
            name: Some(seal(services, Field::Name, name)?),
            mobile: Some(seal(services, Field::Mobile, &mobile)?),
            email,
            address: Some(seal(services, Field::Address, address)?),
            id_number: Some(seal(services, Field::IdentityNumber, &id_number)?),
        },
    })
}

/// Stores an application.
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

    let Some(me) = site_signed_in(&app, request.headers()).await else {
        return redirect(&login_path(PATH), Vec::new());
    };

    let view = View {
        site,
        account: me.citizen.id,
        client,
    };

    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };

    let words = place.words(&app);

    let input = match read_input(services, request, &words).await {
        Ok(input) => input,
        Err(rejected) => {
            let error = Some(rejected.message);
            return view
                .respond(
                    &app,
                    services,
                    &place,
                    &rejected.browser,
                    &[],
                    error,
                    rejected.status,
                )
                .await;
        }
    };

    let retry = |error: String, status: StatusCode| {
        view.respond(
            &app,
            services,
            &place,
            &input.browser,
            &input.values,
            Some(error),
            status,
        )
    };

    let orgs = match super::site_orgs(&app, site, &place.lang).await {
        Ok(orgs) => orgs,
        Err(error) => return internal_error(&error, "listing organizations"),
    };

    let draft = match check(&app, services, &words, &orgs, &input) {
        Ok(draft) => draft,
        Err(error) => return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await,
    };

    let limits = &limits::DISCLOSURE;

    match limits::pass(
        &app,
        services,
        &input,
        limits,
        Some(view.account),
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
        Err(error) => return internal_error(&error, "checking the application limits"),
    }

    let case = match store(&app, &view, &draft).await {
        Ok(case) => case,
        Err(DbError::Invalid(error)) => {
            return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => return internal_error(&error, "storing an application"),
    };

    if let Err(error) = limits::count(&app, limits, Some(view.account), client).await {
        tracing::error!(%error, "counting an application against the limits failed");
    }

    let links = vec![Link {
        url: PREFIX.to_string(),
        text: words.t("case-my-link"),
    }];

    confirmation(&app, &place, &case, vec![words.t("disclosure-rule")], links)
}

async fn store(app: &App, view: &View, draft: &Draft) -> Result<jiyue_db::CaseRecord, DbError> {
    let held_for = sensitive_words_in(app, &[&draft.subject, &draft.body]).await?;
    let case = app
        .db
        .submit_case(NewCase {
            kind: CaseKind::Disclosure,
            category: None,
            site_id: view.site,
            org_id: draft.org_id,
            citizen_id: Some(view.account),
            subject: draft.subject.clone(),
            body: draft.body.clone(),
            page_url: None,
            contact: draft.contact.clone(),
            public_requested: false,
            consent_to_publish: false,
            held_for: held_for.clone(),
            attachments: Vec::new(),
            received_on: app.today(),
        })
        .await?;
    tracing::info!(
        case = case.id,
        site = view.site,
        held = held_for.is_some(),
        "a citizen applied for government information"
    );
    Ok(case)
}
