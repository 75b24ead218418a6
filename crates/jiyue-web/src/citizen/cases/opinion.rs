//! Sending an opinion on a consultation (`/hudong/zj/<id>/opinion`): signed-in citizens
//! only, from the consultation's first day to its last.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use jiyue_db::cases::MAX_BODY_CHARS;
use jiyue_db::{CitizenId, Consultation, DbError};

use super::super::challenge::Gate;
use super::super::forms::{redirect, text_error, value, ClientAddr, FormBrowser};
use super::super::relying::{login_path, site_signed_in};
use super::super::view::{Fact, Form, FormField, FormPage, Link, Place};
use super::super::{CitizenServices, OnSite};
use super::input::read_input;
use super::limits::{self, Stop};
use super::{checks, internal_error, sensitive_words_in, services, show_form};
use crate::App;

/// Returns the path of a consultation's opinion form.
fn form_path(id: i64) -> String {
    format!("/hudong/zj/{id}/opinion")
}

/// Loads a consultation of the site, or the 404 response.
async fn load(app: &App, site: i64, id: &str) -> Result<Consultation, Response> {
    let not_found = || text_error(StatusCode::NOT_FOUND, "consultation not found on this site");
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found());
    };
    match app.db.consultation(id).await {
        Ok(Some(consultation)) if consultation.site_id == site => Ok(consultation),
        Ok(_) => Err(not_found()),
        Err(error) => Err(internal_error(&error, "loading a consultation")),
    }
}

/// The consultation a form is for and the citizen it is shown to.
struct View {
    consultation: Consultation,
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
        body: &str,
        error: Option<String>,
        status: StatusCode,
    ) -> Response {
        let words = place.words(app);
        let consultation = &self.consultation;
        let today = app.today();
        let open = consultation.starts_on <= today && today <= consultation.ends_on;
        let gate = limits::gate(app, &limits::OPINION, Some(self.account), self.client)
            .await
            .unwrap_or(Gate::Open);
        let error = error.or_else(|| (gate == Gate::Closed).then(|| words.t("case-rate-limited")));
        let dates = words.with(
            "consultation-dates",
            &[
                ("start", &consultation.starts_on.to_string()),
                ("end", &consultation.ends_on.to_string()),
            ],
        );
        let forms = if open {
            vec![Form {
                id: Some("opinion"),
                action: form_path(consultation.id),
                fields: vec![FormField::new("body", "textarea", words.t("field-opinion"))
                    .required()
                    .max_length(MAX_BODY_CHARS)
                    .value(body)],
                challenge: limits::challenge_for(app, services, &words, gate),
                submit: words.t("opinion-submit"),
                ..Form::default()
            }]
        } else {
            Vec::new()
        };
        let page = FormPage {
            heading: words.with("opinion-heading", &[("title", &consultation.title)]),
            intro: Some(consultation.body.clone()),
            notice: (!open).then(|| words.with("opinion-closed", &[("dates", &dates)])),
            error,
            facts: vec![Fact::new(words.t("consultation-dates-label"), dates)],
            forms,
            links: vec![Link {
                url: format!("/hudong/zj/{}.html", consultation.id),
                text: words.t("consultation-back-link"),
            }],
            form_token: browser.token(services),
            ..FormPage::default()
        };
        let cookie = browser.set_cookie(services.config.cookie_secure);
        show_form(app, place, status, &page, cookie)
    }
}

/// Shows the form of a consultation, or why it takes no opinions today.
pub(super) async fn form_page(
    State(app): State<Arc<App>>,
    Extension(OnSite(site)): Extension<OnSite>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let services = match services(&app) {
        Ok(services) => services,
        Err(response) => return response,
    };
    let consultation = match load(&app, site, &id).await {
        Ok(consultation) => consultation,
        Err(response) => return response,
    };
    let Some(me) = site_signed_in(&app, &headers).await else {
        return redirect(&login_path(&form_path(consultation.id)), Vec::new());
    };
    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };
    let browser = FormBrowser::from_headers(&headers);
    let view = View {
        consultation,
        account: me.citizen.id,
        client,
    };
    view.respond(&app, services, &place, &browser, "", None, StatusCode::OK)
        .await
}

/// Stores an opinion.
pub(super) async fn submit(
    State(app): State<Arc<App>>,
    Extension(OnSite(site)): Extension<OnSite>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let services = match services(&app) {
        Ok(services) => services,
        Err(response) => return response,
    };

    let consultation = match load(&app, site, &id).await {
        Ok(consultation) => consultation,
        Err(response) => return response,
    };

    let Some(me) = site_signed_in(&app, request.headers()).await else {
        return redirect(&login_path(&form_path(consultation.id)), Vec::new());
    };

    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };

    let words = place.words(&app);

    let view = View {
        consultation,
        account: me.citizen.id,
        client,
    };

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
                    "",
                    error,
                    rejected.status,
                )
                .await;
        }
    };

    let retry = |error: String, status: StatusCode| {
        let body = value(&input.values, "body");
        view.respond(
            &app,
            services,
            &place,
            &input.browser,
            body,
            Some(error),
            status,
        )
    };

    let label = words.t("field-opinion");

    let body = match checks::required(&words, &label, input.get("body"), MAX_BODY_CHARS) {
        Ok(body) => body.to_string(),
        Err(error) => return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await,
    };

    let today = app.today();

    let consultation = &view.consultation;

    if today < consultation.starts_on || today > consultation.ends_on {
        let dates = words.with(
            "consultation-dates",
            &[
                ("start", &consultation.starts_on.to_string()),
                ("end", &consultation.ends_on.to_string()),
            ],
        );
        let error = words.with("opinion-closed", &[("dates", &dates)]);
        return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await;
    }

    let limits = &limits::OPINION;

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
        Err(error) => return internal_error(&error, "checking the opinion limits"),
    }

    let stored = store(&app, &view, &body).await;

    match stored {
        Ok(()) => {}
        Err(DbError::Invalid(error)) => {
            return retry(error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => return internal_error(&error, "storing an opinion"),
    }

    if let Err(error) = limits::count(&app, limits, Some(view.account), client).await {
        tracing::error!(%error, "counting an opinion against the limits failed");
    }

    let page = FormPage {
        heading: words.t("opinion-received-heading"),
        notice: Some(words.with("opinion-received", &[("title", &consultation.title)])),
        links: vec![Link {
            url: format!("/hudong/zj/{}.html", consultation.id),
            text: words.t("consultation-back-link"),
        }],
        ..FormPage::default()
    };

    show_form(&app, &place, StatusCode::OK, &page, None)
}

async fn store(app: &App, view: &View, body: &str) -> Result<(), DbError> {
    let held_for = sensitive_words_in(app, &[body]).await?;
    let held = held_for.is_some();
    app.db
        .submit_opinion(
            view.consultation.id,
            view.account,
            body,
            app.today(),
            held_for,
        )
        .await?;
    tracing::info!(
        consultation = view.consultation.id,
        held,
        "a citizen sent an opinion on a consultation"
    );
    Ok(())
}
