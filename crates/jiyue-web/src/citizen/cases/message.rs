//! Writing a message to an organization (`/hudong/write`): signed-in citizens only, with a
//! category, an optional contact number, a choice of publication and up to three attachments.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use jiyue_auth::personal::Field;
use jiyue_db::cases::{MAX_BODY_CHARS, MAX_SUBJECT_CHARS};
use jiyue_db::{CaseKind, CitizenId, DbError, MessageCategory, NewCase, SealedContact, SiteId};

use super::super::challenge::Gate;
use super::super::forms::{redirect, value, ClientAddr, FormBrowser};
use super::super::identity::parse_mobile;
use super::super::relying::{login_path, site_signed_in};
use super::super::view::{Choice, Form, FormField, FormPage, Link, Place, Words};
use super::super::{CitizenServices, OnSite};
use super::input::{read_input, store_uploads, Input, MAX_ATTACHMENTS};
use super::limits::{self, Stop};
use super::{checks, confirmation, internal_error, sensitive_words_in, services, show_form};
use crate::App;

/// The path of the message form on every site.
pub(super) const PATH: &str = "/hudong/write";

const CATEGORIES: [MessageCategory; 3] = [
    MessageCategory::Consultation,
    MessageCategory::Suggestion,
    MessageCategory::Complaint,
];

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
    let form = Shown {
        values: &[],
        error: None,
    };
    respond(
        &app,
        services,
        &place,
        site,
        me.citizen.id,
        client,
        &browser,
        form,
        StatusCode::OK,
    )
    .await
}

/// The submitted values and the error that a form shown again carries.
struct Shown<'a> {
    values: &'a [(String, String)],
    error: Option<String>,
}

/// Renders the form with a fresh challenge when the limits are near.
#[allow(clippy::too_many_arguments)]
async fn respond(
    app: &App,
    services: &CitizenServices,
    place: &Place,
    site: SiteId,
    account: CitizenId,
    client: std::net::IpAddr,
    browser: &FormBrowser,
    shown: Shown<'_>,
    status: StatusCode,
) -> Response {
    let words = place.words(app);
    let gate = limits::gate(app, &limits::MESSAGE, Some(account), client)
        .await
        .unwrap_or(Gate::Open);
    let orgs = match super::site_orgs(app, site, &place.lang).await {
        Ok(orgs) => orgs,
        Err(error) => return internal_error(&error, "listing organizations"),
    };
    let mut error = shown.error;
    if gate == Gate::Closed && error.is_none() {
        error = Some(words.t("case-rate-limited"));
    }
    let page = FormPage {
        heading: words.t("message-heading"),
        intro: Some(words.t("message-intro")),
        error,
        forms: vec![Form {
            id: Some("message"),
            action: PATH.to_string(),
            multipart: true,
            fields: fields(&words, orgs, shown.values),
            challenge: limits::challenge_for(app, services, &words, gate),
            submit: words.t("message-submit"),
            ..Form::default()
        }],
        links: vec![Link {
            url: "/hudong/".to_string(),
            text: words.t("hudong-link"),
        }],
        form_token: browser.token(services),
        ..FormPage::default()
    };
    let cookie = browser.set_cookie(services.config.cookie_secure);
    show_form(app, place, status, &page, cookie)
}

fn fields(words: &Words<'_>, orgs: Vec<Choice>, values: &[(String, String)]) -> Vec<FormField> {
    let org = match value(values, "org") {
        "" => orgs
            .first()
            .map(|choice| choice.value.clone())
            .unwrap_or_default(),
        chosen => chosen.to_string(),
    };
    let categories = CATEGORIES
        .iter()
        .map(|category| Choice {
            value: category.as_str().to_string(),
            label: words.t(&format!("category-{}", category.as_str())),
        })
        .collect();
    let visibility = ["public", "private"]
        .iter()
        .map(|choice| Choice {
            value: (*choice).to_string(),
            label: words.t(&format!("visibility-{choice}")),
        })
        .collect();
    let max_files = MAX_ATTACHMENTS.to_string();
    vec![
        FormField::new("org", "select", words.t("field-org"))
            .required()
            .value(org)
            .options(orgs),
        FormField::new("category", "radio", words.t("field-category"))
            .required()
            .value(value(values, "category"))
            .options(categories),
        FormField::new("subject", "text", words.t("field-subject"))
            .required()
            .max_length(MAX_SUBJECT_CHARS)
            .value(value(values, "subject")),
        FormField::new("body", "textarea", words.t("field-body"))
            .required()
            .max_length(MAX_BODY_CHARS)
            .value(value(values, "body")),
        FormField::new("contact_mobile", "tel", words.t("field-contact-mobile"))
            .hint(words.t("field-contact-mobile-hint"))
            .autocomplete("tel")
            .input_mode("tel")
            .max_length(20)
            .value(value(values, "contact_mobile")),
        FormField::new("visibility", "radio", words.t("field-visibility"))
            .required()
            .value(match value(values, "visibility") {
                "" => "public",
                chosen => chosen,
            })
            .options(visibility),
        FormField::new("consent", "checkbox", words.t("field-consent"))
            .hint(words.t("field-consent-hint"))
            .value(value(values, "consent")),
        FormField {
            multiple: true,
            ..FormField::new("attachment", "file", words.t("field-attachments"))
                .hint(words.with("field-attachments-hint", &[("max", &max_files)]))
        },
    ]
}

/// A message whose fields passed the checks.
struct Draft {
    org_id: i64,
    category: MessageCategory,
    subject: String,
    body: String,
    contact: SealedContact,
    public: bool,
    consent: bool,
}

async fn check(
    app: &App,
    services: &CitizenServices,
    place: &Place,
    site: SiteId,
    input: &Input,
) -> Result<Result<Draft, String>, DbError> {
    let words = place.words(app);
    let orgs = super::site_orgs(app, site, &place.lang).await?;
    Ok(check_fields(services, &words, &orgs, input))
}

fn check_fields(
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
    let category = MessageCategory::parse(input.get("category"))
        .map_err(|_| words.with("case-category-invalid", &[("value", input.get("category"))]))?;
    let subject = checks::required(
        words,
        &words.t("field-subject"),
        input.get("subject"),
        MAX_SUBJECT_CHARS,
    )?;
    let body = checks::required(
        words,
        &words.t("field-body"),
        input.get("body"),
        MAX_BODY_CHARS,
    )?;
    let mobile = match input.get("contact_mobile") {
        "" => None,
        text => Some(seal(services, Field::Mobile, &parse_mobile(text, words)?)?),
    };
    let public = match input.get("visibility") {
        "public" => true,
        "private" => false,
        other => return Err(words.with("case-visibility-invalid", &[("value", other)])),
    };
    if let Some(error) = &input.upload_error {
        return Err(error.clone());
    }
    Ok(Draft {
        org_id,
        category,
        subject: subject.to_string(),
        body: body.to_string(),
        contact: SealedContact {
            mobile,
            ..SealedContact::default()
        },
        public,
        consent: public && input.checked("consent"),
    })
}

/// Seals a personal value for storage.
pub(super) fn seal(services: &CitizenServices, field: Field, text: &str) -> Result<String, String> {
    services
        .cipher
        .seal(field, text)
        .map(|sealed| sealed.to_string())
        .map_err(|error| {
            tracing::error!(%error, "sealing a contact field failed");
            "internal error: the contact details could not be stored; please try again later"
                .to_string()
        })
}

/// Stores a message: checks, limits, attachments, the sensitive-word hold, then the case.
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

    let account = me.citizen.id;

    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };

    let words = place.words(&app);

    let input = match read_input(services, request, &words).await {
        Ok(input) => input,
        Err(rejected) => {
            let shown = Shown {
                values: &[],
                error: Some(rejected.message),
            };
            return respond(
                &app,
                services,
                &place,
                site,
                account,
                client,
                &rejected.browser,
                shown,
                rejected.status,
            )
            .await;
        }
    };

    let retry = |error: String, status: StatusCode| {
        let shown = Shown {
            values: &input.values,
            error: Some(error),
        };
        respond(
            &app,
            services,
            &place,
            site,
            account,
            client,
            &input.browser,
            shown,
            status,
        )
    };

    let draft = match check(&app, services, &place, site, &input).await {
        Ok(Ok(draft)) => draft,
        Ok(Err(error)) => return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(error) => return internal_error(&error, "checking a message"),
    };

    match limits::pass(
        &app,
        services,
        &input,
        &limits::MESSAGE,
        Some(account),
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
        Err(error) => return internal_error(&error, "checking the message limits"),
    }

    let stored = store(&app, site, account, &draft, &input).await;

    let case = match stored {
        Ok(case) => case,
        Err(DbError::Invalid(error)) => {
            return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => return internal_error(&error, "storing a message"),
    };

    if let Err(error) = limits::count(&app, &limits::MESSAGE, Some(account), client).await {
        tracing::error!(%error, "counting a message against the limits failed");
    }

    let links = vec![Link {
        url: super::super::relying::PREFIX.to_string(),
        text: words.t("case-my-link"),
    }];

    confirmation(&app, &place, &case, vec![words.t("message-next")], links)
}

async fn store(
    app: &App,
    site: SiteId,
    account: CitizenId,
    draft: &Draft,
    input: &Input,
) -> Result<jiyue_db::CaseRecord, DbError> {
    let attachments = store_uploads(&app.db, &input.uploads).await?;
    let held_for = sensitive_words_in(app, &[&draft.subject, &draft.body]).await?;
    let case = app
        .db
        .submit_case(NewCase {
            kind: CaseKind::Message,
            category: Some(draft.category),
            site_id: site,
            org_id: draft.org_id,
            citizen_id: Some(account),
            subject: draft.subject.clone(),
            body: draft.body.clone(),
            page_url: None,
            contact: draft.contact.clone(),
            public_requested: draft.public,
            consent_to_publish: draft.consent,
            held_for: held_for.clone(),
            attachments,
            received_on: app.today(),
        })
        .await?;
    tracing::info!(
        case = case.id,
        site,
        held = held_for.is_some(),
        attachments = case.attachments.len(),
        "a citizen submitted a message"
    );
    Ok(case)
}
