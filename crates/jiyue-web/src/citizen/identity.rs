//! The identity host's own pages: sign-in and sign-up by mobile number and code or by e-mail,
//! password reset, the account page, sign-out and account deletion.
//!
//! No page here reveals whether a number or address is registered: sign-in by code
//! signs up an unknown number, sign-up by e-mail and password reset answer the same way
//! whatever the address, and a wrong password reads like an unknown account.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use jiyue_auth::personal::Field;
use jiyue_auth::PasswordCheck;
use jiyue_db::{
    Citizen, CitizenKind, CodeCheck, CodePurpose, IdSession, NewCitizen, ProfileChange, SealedValue,
};
use jiyue_monitor::signals::SignInKind;
use serde::Deserialize;

use super::challenge::{self, Gate, Limit};
use super::forms::{
    cookie, local_path, parse_form, redirect, same_origin, set_cookie, value, ClientAddr,
    FormBrowser,
};
use super::services;
use super::view::{Choice, Fact, Form, FormField, FormPage, Hidden, Link, Place, Words};
use super::CitizenServices;
use crate::App;

/// Name of the identity host's session cookie.
pub(crate) const SESSION_COOKIE: &str = "jiyue_id";

/// Shortest and longest citizen password. Length, not composition (OWASP ASVS 2.1).
const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=128;

const SEND_CODE: Limit = Limit {
    action: "send-code",
    limit: 10,
    window: chrono::Duration::hours(1),
};

const SIGN_IN: Limit = Limit {
    action: "sign-in",
    limit: 20,
    window: chrono::Duration::minutes(15),
};

pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(account_page).post(save_profile))
        .route("/signin", get(sign_in_page))
        .route("/signin/code", post(send_sign_in_code))
        .route("/signin/mobile", post(sign_in_with_code))
        .route("/signin/password", post(sign_in_with_password))
        .route("/signup/email", post(sign_up_by_email))
        .route("/verify", get(verify_page).post(verify_email))
        .route("/reset", get(reset_page).post(request_reset))
        .route("/reset/mobile", post(reset_by_code))
        .route("/reset/email", get(reset_email_page).post(reset_by_link))
        .route("/password", post(change_password))
        .route("/delete", get(delete_page).post(delete_account))
        .route("/signout", get(sign_out_page).post(sign_out))
        .route("/static/{name}", get(static_file))
}

async fn static_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match jiyue_render::static_asset(&name) {
        Some((bytes, content_type)) => {
            let mut response = super::forms::html_page(
                StatusCode::OK,
                String::new(),
                &crate::headers::content_security_policy(&[]),
                Vec::new(),
            );
            *response.body_mut() = axum::body::Body::from(bytes);
            if let Ok(value) = HeaderValue::from_str(content_type) {
                response
                    .headers_mut()
                    .insert(axum::http::header::CONTENT_TYPE, value);
            }
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            response
        }
        None => super::forms::text_error(StatusCode::NOT_FOUND, "no such file"),
    }
}

/// The signed-in citizen of a request to the identity host.
pub(crate) struct SignedIn {
    pub session: IdSession,
    pub citizen: Citizen,
}

/// Returns the signed-in citizen, when the session cookie names a live session.
pub(crate) async fn signed_in(app: &App, headers: &HeaderMap) -> Option<SignedIn> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let digest = jiyue_auth::token_digest(&token);
    let session = app.db.id_session(&digest).await.ok()??;
    let citizen = app.db.citizen(session.citizen_id).await.ok()??;
    Some(SignedIn { session, citizen })
}

/// A form read from a request: the values, and the browser's form cookie.
pub(crate) struct Submitted {
    pub values: Vec<(String, String)>,
    pub browser: FormBrowser,
}

impl Submitted {
    pub(crate) fn get(&self, name: &str) -> &str {
        value(&self.values, name)
    }
}

/// Reads a posted form, refusing it when it comes from another origin or lacks this
/// browser's form token.
pub(crate) fn read_form(
    services: &CitizenServices,
    headers: &HeaderMap,
    body: &[u8],
    words: &Words<'_>,
) -> Result<Submitted, String> {
    let browser = FormBrowser::from_headers(headers);
    if !same_origin(headers) {
        return Err(words.t("form-foreign-origin"));
    }
    let values = parse_form(body);
    if !browser.accepts(services, value(&values, "form_token")) {
        return Err(words.t("form-expired"));
    }
    Ok(Submitted { values, browser })
}

/// Normalizes a mainland mobile number, or explains what is wrong with it.
pub(crate) fn parse_mobile(text: &str, words: &Words<'_>) -> Result<String, String> {
    let number = jiyue_auth::normalize_for_index(Field::Mobile, text);
    let valid = number.len() == 11
        && number.starts_with('1')
        && number.bytes().all(|b| b.is_ascii_digit())
        && number.as_bytes()[1] >= b'3';
    if valid {
        Ok(number)
    } else {
        Err(words.with("mobile-invalid", &[("value", text.trim())]))
    }
}

/// Normalizes an e-mail address, or explains what is wrong with it.
pub(crate) fn parse_email(text: &str, words: &Words<'_>) -> Result<String, String> {
    let address = text.trim().to_lowercase();
    let valid = address.len() <= 254
        && address.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    if valid {
        Ok(address)
    } else {
        Err(words.with("email-invalid", &[("value", text.trim())]))
    }
}

fn check_password(password: &str, words: &Words<'_>) -> Result<(), String> {
    let chars = password.chars().count();
    if PASSWORD_CHARS.contains(&chars) {
        Ok(())
    } else {
        Err(words.with(
            "password-length",
            &[
                ("min", &PASSWORD_CHARS.start().to_string()),
                ("max", &PASSWORD_CHARS.end().to_string()),
            ],
        ))
    }
}

fn seal(services: &CitizenServices, field: Field, value: &str) -> Result<SealedValue, String> {
    let sealed = services
        .cipher
        .seal(field, value)
        .map_err(|error| error.to_string())?;
    Ok(SealedValue {
        sealed: sealed.to_string(),
        index: services.cipher.index(field, value),
    })
}

/// Opens a sealed value for display, or `None` when it cannot be opened.
pub(crate) fn open(
    services: &CitizenServices,
    field: Field,
    sealed: Option<&str>,
) -> Option<String> {
    let sealed = jiyue_auth::Sealed::parse(sealed?).ok()?;
    services.cipher.open(field, &sealed).ok()
}

/// Masks a mobile number or e-mail address for display: `138****5678`, `z***@example.cn`.
pub(crate) fn masked(value: &str) -> String {
    jiyue_notify::mask_address(value)
}

fn new_code() -> String {
    let digest = jiyue_auth::token_digest(&jiyue_auth::new_token());
    let number = u64::from_str_radix(&digest[..15], 16).unwrap_or(0);
    format!("{:06}", number % 1_000_000)
}

fn code_digest(target: &str, code: &str) -> String {
    jiyue_auth::token_digest(&format!("{target}:{code}"))
}

fn now_seconds(app: &App) -> i64 {
    app.clock.now().timestamp()
}

fn next_of(text: &str) -> String {
    local_path(if text.is_empty() { "/" } else { text })
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    token: String,
}

async fn sign_in_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = next_of(&query.next);
    if signed_in(&app, &headers).await.is_some() {
        return redirect(&next, Vec::new());
    }
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let browser = FormBrowser::from_headers(&headers);
    let place = Place::identity();
    let words = place.words(&app);
    let gate = sign_in_page_gate(&app, client).await;
    let page = sign_in_forms(&app, services, &words, &browser, &next, None, gate);
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}

fn sign_in_forms(
    app: &App,
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    next: &str,
    error: Option<String>,
    gate: Gate,
) -> FormPage {
    let next_hidden = || Hidden {
        name: "next",
        value: next.to_string(),
    };
    let challenge =
        (gate != Gate::Open).then(|| challenge::issue(services, words, now_seconds(app)));
    let mut links = vec![Link {
        url: "/reset".to_string(),
        text: words.t("reset-link"),
    }];
    if let Some(upstream) = &services.config.upstream {
        links.insert(
            0,
            Link {
                url: format!("/federation/start?next={}", encode(next)),
                text: words.with("federation-link", &[("name", &upstream.name)]),
            },
        );
    }
    FormPage {
        heading: words.t("signin-heading"),
        intro: Some(words.t("signin-intro")),
        error,
        form_token: browser.token(services),
        forms: vec![
            Form {
                id: Some("mobile"),
                heading: Some(words.t("signin-mobile-heading")),
                action: "/signin/code".to_string(),
                hidden: vec![next_hidden()],
                fields: vec![FormField::new("mobile", "tel", words.t("field-mobile"))
                    .required()
                    .autocomplete("tel-national")
                    .input_mode("numeric")
                    .max_length(20)],
                challenge: challenge.clone(),
                submit: words.t("signin-send-code"),
                ..Form::default()
            },
            Form {
                id: Some("password"),
                heading: Some(words.t("signin-password-heading")),
                action: "/signin/password".to_string(),
                hidden: vec![next_hidden()],
                fields: vec![
                    FormField::new("account", "text", words.t("field-account"))
                        .required()
                        .autocomplete("username")
                        .max_length(254)
                        .hint(words.t("field-account-hint")),
                    FormField::new("password", "password", words.t("field-password"))
                        .required()
                        .autocomplete("current-password"),
                ],
                challenge: challenge.clone(),
                submit: words.t("signin-submit"),
                ..Form::default()
            },
            Form {
                id: Some("email"),
                heading: Some(words.t("signup-email-heading")),
                intro: Some(words.t("signup-email-intro")),
                action: "/signup/email".to_string(),
                hidden: vec![next_hidden()],
                fields: vec![FormField::new("email", "email", words.t("field-email"))
                    .required()
                    .autocomplete("email")
                    .max_length(254)],
                challenge,
                submit: words.t("signup-email-submit"),
                ..Form::default()
            },
        ],
        links,
        ..FormPage::default()
    }
}

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Refuses a form with the sign-in page and an error.
async fn sign_in_error(
    app: &App,
    services: &CitizenServices,
    browser: &FormBrowser,
    next: &str,
    error: String,
    client: std::net::IpAddr,
) -> Response {
    let place = Place::identity();
    let words = place.words(app);
    let gate = sign_in_page_gate(app, client).await;
    let page = sign_in_forms(app, services, &words, browser, next, Some(error), gate);
    place.form(app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new())
}

/// Returns the gate the sign-in page shows its forms under: the stricter of the address's
/// code-sending and password limits. The page carries both kinds of form, and a form that
/// the server expects a challenge for must show one.
async fn sign_in_page_gate(app: &App, client: std::net::IpAddr) -> Gate {
    let mut strictest = Gate::Open;
    for limit in [&SEND_CODE, &SIGN_IN] {
        match challenge::gate(&app.db, limit, None, client).await {
            Ok(Gate::Open) => {}
            Ok(gate) if strictest == Gate::Open => strictest = gate,
            Ok(Gate::Closed) => strictest = Gate::Closed,
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, "reading a rate counter failed");
                return Gate::Challenge;
            }
        }
    }
    strictest
}

/// Checks the rate gate of a form: refuses at the limit, and near it wants a solved challenge.
async fn pass_gate(
    app: &App,
    services: &CitizenServices,
    form: &Submitted,
    limit: &Limit,
    account: Option<jiyue_db::CitizenId>,
    client: std::net::IpAddr,
    words: &Words<'_>,
) -> Result<(), String> {
    let gate = challenge::gate(&app.db, limit, account, client)
        .await
        .map_err(|error| error.to_string())?;
    match gate {
        Gate::Open => Ok(()),
        Gate::Closed => Err(words.t("rate-limited")),
        Gate::Challenge => {
            let solved = challenge::solved(
                services,
                &app.db,
                form.get("challenge_seed"),
                form.get("challenge_answer"),
                now_seconds(app),
            )
            .await
            .map_err(|error| error.to_string())?;
            if solved {
                Ok(())
            } else {
                Err(words.t("challenge-failed"))
            }
        }
    }
}

async fn send_sign_in_code(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    body: Bytes,
) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let browser = FormBrowser::from_headers(&headers);
            return sign_in_error(&app, services, &browser, "/", error, client).await;
        }
    };
    let next = next_of(form.get("next"));
    let mobile = match parse_mobile(form.get("mobile"), &words) {
        Ok(mobile) => mobile,
        Err(error) => {
            return sign_in_error(&app, services, &form.browser, &next, error, client).await
        }
    };
    if let Err(error) = pass_gate(&app, services, &form, &SEND_CODE, None, client, &words).await {
        return sign_in_error(&app, services, &form.browser, &next, error, client).await;
    }
    if let Err(error) = send_code(&app, services, CodePurpose::SignInMobile, &mobile, &words).await
    {
        return sign_in_error(&app, services, &form.browser, &next, error, client).await;
    }
    let _ = challenge::count(&app.db, &SEND_CODE, None, client).await;
    let page = code_page(services, &words, &form.browser, &mobile, &next, None);
    place.form(&app, StatusCode::OK, &page, Vec::new())
}

/// Sends a one-time code to a mobile number by SMS, within the resend limits of the number.
pub(crate) async fn send_code(
    app: &App,
    services: &CitizenServices,
    purpose: CodePurpose,
    mobile: &str,
    words: &Words<'_>,
) -> Result<(), String> {
    let target = services.cipher.index(Field::Mobile, mobile);
    let recent = app
        .db
        .codes_sent_within(purpose, &target, chrono::Duration::minutes(1))
        .await
        .map_err(|error| error.to_string())?;
    let hourly = app
        .db
        .codes_sent_within(purpose, &target, chrono::Duration::hours(1))
        .await
        .map_err(|error| error.to_string())?;
    if recent >= 1 || hourly >= 5 {
        return Err(words.t("code-too-soon"));
    }
    let code = new_code();
    app.db
        .create_code(
            purpose,
            &target,
            &code_digest(&target, &code),
            None,
            services.config.code_lifetime,
        )
        .await
        .map_err(|error| error.to_string())?;
    let minutes = services.config.code_lifetime.num_minutes().to_string();
    let text = words.with("sms-code", &[("code", &code), ("minutes", &minutes)]);
    let sms = jiyue_notify::Sms {
        to: mobile.to_string(),
        template: purpose.as_str().to_string(),
        params: [
            ("code".to_string(), code.clone()),
            ("minutes".to_string(), minutes),
        ]
        .into_iter()
        .collect(),
        text,
    };
    services.sms.send(&sms).await.map_err(|error| {
        tracing::error!(%error, to = %masked(mobile), "sending a code by SMS failed");
        words.t("code-send-failed")
    })?;
    tracing::info!(to = %masked(mobile), purpose = purpose.as_str(), "sent a code by SMS");
    Ok(())
}

fn code_page(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    mobile: &str,
    next: &str,
    error: Option<String>,
) -> FormPage {
    FormPage {
        heading: words.t("code-heading"),
        intro: Some(words.with("code-intro", &[("mobile", &masked(mobile))])),
        error,
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("code"),
            action: "/signin/mobile".to_string(),
            hidden: vec![
                Hidden {
                    name: "mobile",
                    value: mobile.to_string(),
                },
                Hidden {
                    name: "next",
                    value: next.to_string(),
                },
            ],
            fields: vec![
                FormField::new("code", "text", words.t("field-code"))
                    .required()
                    .autocomplete("one-time-code")
                    .input_mode("numeric")
                    .max_length(6),
                FormField::new("display_name", "text", words.t("field-display-name"))
                    .autocomplete("nickname")
                    .max_length(jiyue_db::MAX_DISPLAY_NAME_CHARS)
                    .hint(words.t("field-display-name-new-hint")),
                kind_field(words, "person"),
            ],
            submit: words.t("signin-submit"),
            ..Form::default()
        }],
        links: vec![Link {
            url: format!("/signin?next={}", encode(next)),
            text: words.t("code-resend-link"),
        }],
        ..FormPage::default()
    }
}

fn kind_field(words: &Words<'_>, current: &str) -> FormField {
    FormField::new("kind", "radio", words.t("field-kind"))
        .value(current)
        .options(vec![
            Choice {
                value: "person".to_string(),
                label: words.t("kind-person"),
            },
            Choice {
                value: "business".to_string(),
                label: words.t("kind-business"),
            },
        ])
}

fn parse_kind(text: &str) -> CitizenKind {
    CitizenKind::parse(text).unwrap_or(CitizenKind::Person)
}

async fn sign_in_with_code(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    body: Bytes,
) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let browser = FormBrowser::from_headers(&headers);
            return sign_in_error(&app, services, &browser, "/", error, client).await;
        }
    };
    let next = next_of(form.get("next"));
    let mobile = match parse_mobile(form.get("mobile"), &words) {
        Ok(mobile) => mobile,
        Err(error) => {
            return sign_in_error(&app, services, &form.browser, &next, error, client).await
        }
    };
    let retry = |error: String| {
        let page = code_page(services, &words, &form.browser, &mobile, &next, Some(error));
        place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new())
    };
    let target = services.cipher.index(Field::Mobile, &mobile);
    let code = form.get("code");
    let check = app
        .db
        .check_code(
            CodePurpose::SignInMobile,
            &target,
            &code_digest(&target, code),
            services.config.code_attempts,
        )
        .await;
    if matches!(check, Ok(CodeCheck::Wrong { .. } | CodeCheck::Missing)) {
        // A wrong or expired code counts as a failed sign-in of the account the number
        // belongs to, never of the number itself.
        let account = match app.db.citizen_by_mobile(&target).await {
            Ok(found) => found.map(|citizen| citizen.id.to_string()),
            Err(error) => {
                tracing::warn!(%error, "looking up the account of a failed code sign-in failed");
                None
            }
        };
        app.signals
            .failed_sign_in(SignInKind::Citizen, account.as_deref(), client);
    }
    match check {
        Ok(CodeCheck::Valid { .. }) => {}
        Ok(CodeCheck::Wrong { left }) => {
            return retry(words.with("code-wrong", &[("left", &left.to_string())]))
        }
        Ok(CodeCheck::Missing) => return retry(words.t("code-missing")),
        Err(error) => return retry(error.to_string()),
    }
    let citizen = match app.db.citizen_by_mobile(&target).await {
        Ok(Some(citizen)) => citizen.id,
        Ok(None) => {
            let display_name = match form.get("display_name") {
                "" => words.with("default-display-name", &[("tail", &mobile[7..])]),
                name => name.to_string(),
            };
            let mobile_sealed = match seal(services, Field::Mobile, &mobile) {
                Ok(sealed) => sealed,
                Err(error) => return retry(error),
            };
            let created = app
                .db
                .create_citizen(NewCitizen {
                    kind: parse_kind(form.get("kind")),
                    display_name,
                    mobile: Some(mobile_sealed),
                    email: None,
                    email_verified: false,
                    password_hash: None,
                    business_name: None,
                    credit_code: None,
                    upstream: None,
                })
                .await;
            match created {
                Ok(id) => {
                    tracing::info!(citizen = id, "a citizen signed up by mobile number");
                    id
                }
                Err(error) => return retry(error.to_string()),
            }
        }
        Err(error) => return retry(error.to_string()),
    };
    start_session(&app, services, &headers, citizen, "sms", &next).await
}

/// Opens a session on the identity host and redirects to `next`.
pub(crate) async fn start_session(
    app: &App,
    services: &CitizenServices,
    headers: &HeaderMap,
    citizen: jiyue_db::CitizenId,
    methods: &str,
    next: &str,
) -> Response {
    let token = jiyue_auth::new_token();
    let sid = jiyue_auth::new_token();
    let old = cookie(headers, SESSION_COOKIE).map(|token| jiyue_auth::token_digest(&token));
    let created = app
        .db
        .create_id_session(
            &jiyue_auth::token_digest(&token),
            &sid,
            citizen,
            &jiyue_auth::new_token(),
            methods,
            services.config.session_lifetime,
            old.as_deref(),
        )
        .await;
    if let Err(error) = created {
        tracing::error!(%error, "opening a citizen session failed");
        return super::forms::text_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error: please try again later",
        );
    }
    let _ = app.db.note_citizen_sign_in(citizen).await;
    let cookie = set_cookie(
        SESSION_COOKIE,
        &token,
        Some(services.config.session_lifetime.num_seconds()),
        services.config.cookie_secure,
    );
    redirect(next, vec![cookie])
}

async fn sign_in_with_password(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    body: Bytes,
) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let browser = FormBrowser::from_headers(&headers);
            return sign_in_error(&app, services, &browser, "/", error, client).await;
        }
    };
    let next = next_of(form.get("next"));
    let account = form.get("account");
    let found = if account.contains('@') {
        match parse_email(account, &words) {
            Ok(email) => app
                .db
                .citizen_by_email(&services.cipher.index(Field::Email, &email))
                .await
                .ok()
                .flatten(),
            Err(error) => {
                return sign_in_error(&app, services, &form.browser, &next, error, client).await
            }
        }
    } else {
        match parse_mobile(account, &words) {
            Ok(mobile) => app
                .db
                .citizen_by_mobile(&services.cipher.index(Field::Mobile, &mobile))
                .await
                .ok()
                .flatten(),
            Err(error) => {
                return sign_in_error(&app, services, &form.browser, &next, error, client).await
            }
        }
    };
    let account_id = found.as_ref().map(|citizen| citizen.id);
    if let Err(error) = pass_gate(&app, services, &form, &SIGN_IN, account_id, client, &words).await
    {
        return sign_in_error(&app, services, &form.browser, &next, error, client).await;
    }
    let password = form.get("password");
    let hash = match account_id {
        Some(id) => app.db.citizen_password_hash(id).await.ok().flatten(),
        None => None,
    };
    let valid = match &hash {
        Some(hash) => matches!(
            jiyue_auth::verify_password(password, hash),
            PasswordCheck::Valid { .. }
        ),
        None => {
            jiyue_auth::burn_dummy_verification(password);
            false
        }
    };
    match (valid, account_id) {
        (true, Some(id)) => start_session(&app, services, &headers, id, "pwd", &next).await,
        _ => {
            app.signals.failed_sign_in(
                SignInKind::Citizen,
                account_id.map(|id| id.to_string()).as_deref(),
                client,
            );
            let _ = challenge::count(&app.db, &SIGN_IN, account_id, client).await;
            sign_in_error(
                &app,
                services,
                &form.browser,
                &next,
                words.t("signin-wrong"),
                client,
            )
            .await
        }
    }
}

/// Sends an e-mail through the configured channel, logging only the masked address.
pub(crate) async fn send_mail(
    services: &CitizenServices,
    to: &str,
    subject: String,
    text: String,
) -> Result<(), String> {
    let mail = jiyue_notify::Mail {
        to: to.to_string(),
        subject,
        text,
        html: None,
    };
    services.mail.send(&mail).await.map_err(|error| {
        tracing::error!(%error, to = %masked(to), "sending an e-mail failed");
        error.to_string()
    })?;
    tracing::info!(to = %masked(to), "sent an e-mail");
    Ok(())
}

fn notice_page(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    heading: String,
    notice: String,
    links: Vec<Link>,
) -> FormPage {
    FormPage {
        heading,
        notice: Some(notice),
        form_token: browser.token(services),
        links,
        ..FormPage::default()
    }
    .with_home(words)
}

trait WithHome {
    fn with_home(self, words: &Words<'_>) -> Self;
}

impl WithHome for FormPage {
    fn with_home(mut self, words: &Words<'_>) -> Self {
        self.links.push(Link {
            url: "/".to_string(),
            text: words.t("account-home-link"),
        });
        self
    }
}

async fn sign_up_by_email(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    body: Bytes,
) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let browser = FormBrowser::from_headers(&headers);
            return sign_in_error(&app, services, &browser, "/", error, client).await;
        }
    };
    let next = next_of(form.get("next"));
    let email = match parse_email(form.get("email"), &words) {
        Ok(email) => email,
        Err(error) => {
            return sign_in_error(&app, services, &form.browser, &next, error, client).await
        }
    };
    if let Err(error) = pass_gate(&app, services, &form, &SEND_CODE, None, client, &words).await {
        return sign_in_error(&app, services, &form.browser, &next, error, client).await;
    }
    let _ = challenge::count(&app.db, &SEND_CODE, None, client).await;
    let target = services.cipher.index(Field::Email, &email);
    let registered = app
        .db
        .citizen_by_email(&target)
        .await
        .ok()
        .flatten()
        .is_some();
    let base = app.directory().hosts.identity_url().to_string();
    let sent = if registered {
        send_mail(
            services,
            &email,
            words.t("mail-registered-subject"),
            words.with(
                "mail-registered-body",
                &[
                    ("signin", &format!("{base}/signin")),
                    ("reset", &format!("{base}/reset")),
                ],
            ),
        )
        .await
    } else {
        let token = jiyue_auth::new_token();
        let stored = match seal(services, Field::Email, &email) {
            Ok(sealed) => {
                let payload = LinkPayload {
                    next: next.clone(),
                    email: sealed.sealed,
                };
                app.db
                    .create_code(
                        CodePurpose::VerifyEmail,
                        &target,
                        &jiyue_auth::token_digest(&token),
                        serde_json::to_string(&payload).ok().as_deref(),
                        services.config.link_lifetime,
                    )
                    .await
                    .map_err(|error| jiyue_db::DbError::Invalid(error.to_string()))
            }
            Err(error) => Err(jiyue_db::DbError::Invalid(error)),
        };
        match stored {
            Ok(()) => {
                let link = format!("{base}/verify?token={token}");
                send_mail(
                    services,
                    &email,
                    words.t("mail-verify-subject"),
                    words.with(
                        "mail-verify-body",
                        &[
                            ("link", &link),
                            (
                                "hours",
                                &services.config.link_lifetime.num_hours().to_string(),
                            ),
                        ],
                    ),
                )
                .await
            }
            Err(error) => Err(error.to_string()),
        }
    };
    if sent.is_err() {
        return sign_in_error(
            &app,
            services,
            &form.browser,
            &next,
            words.t("mail-send-failed"),
            client,
        )
        .await;
    }
    let page = notice_page(
        services,
        &words,
        &form.browser,
        words.t("signup-email-sent-heading"),
        words.with("signup-email-sent", &[("email", &masked(&email))]),
        Vec::new(),
    );
    place.form(&app, StatusCode::OK, &page, Vec::new())
}

async fn verify_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let page = verify_form(services, &words, &browser, &query.token, None);
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}

fn verify_form(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    token: &str,
    error: Option<String>,
) -> FormPage {
    FormPage {
        heading: words.t("verify-heading"),
        intro: Some(words.t("verify-intro")),
        error,
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("verify"),
            action: "/verify".to_string(),
            hidden: vec![Hidden {
                name: "token",
                value: token.to_string(),
            }],
            fields: vec![
                FormField::new("display_name", "text", words.t("field-display-name"))
                    .required()
                    .autocomplete("nickname")
                    .max_length(jiyue_db::MAX_DISPLAY_NAME_CHARS),
                FormField::new("password", "password", words.t("field-new-password"))
                    .required()
                    .autocomplete("new-password")
                    .hint(words.t("password-hint")),
                kind_field(words, "person"),
            ],
            submit: words.t("verify-submit"),
            ..Form::default()
        }],
        ..FormPage::default()
    }
}

async fn verify_email(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let browser = FormBrowser::from_headers(&headers);
            let page = verify_form(services, &words, &browser, "", Some(error));
            return place.form(&app, StatusCode::FORBIDDEN, &page, Vec::new());
        }
    };
    let token = form.get("token").to_string();
    let retry = |error: String| {
        let page = verify_form(services, &words, &form.browser, &token, Some(error));
        place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new())
    };
    let password = form.get("password");
    if let Err(error) = check_password(password, &words) {
        return retry(error);
    }
    let display_name = form.get("display_name").to_string();
    if display_name.is_empty() {
        return retry(words.t("display-name-missing"));
    }
    let used = match app
        .db
        .use_link(CodePurpose::VerifyEmail, &jiyue_auth::token_digest(&token))
        .await
    {
        Ok(Some(used)) => used,
        Ok(None) => return retry(words.t("link-invalid")),
        Err(error) => return retry(error.to_string()),
    };
    let Ok(payload) = serde_json::from_str::<LinkPayload>(used.payload.as_deref().unwrap_or(""))
    else {
        return retry(words.t("link-invalid"));
    };
    let hash = match jiyue_auth::hash_password(password) {
        Ok(hash) => hash,
        Err(error) => return retry(error.to_string()),
    };
    let created = app
        .db
        .create_citizen(NewCitizen {
            kind: parse_kind(form.get("kind")),
            display_name,
            mobile: None,
            email: Some(SealedValue {
                sealed: payload.email,
                index: used.target,
            }),
            email_verified: true,
            password_hash: Some(hash),
            business_name: None,
            credit_code: None,
            upstream: None,
        })
        .await;
    match created {
        Ok(id) => {
            tracing::info!(citizen = id, "a citizen signed up by e-mail");
            start_session(
                &app,
                services,
                &headers,
                id,
                "email",
                &next_of(&payload.next),
            )
            .await
        }
        // The address was registered after the link went out: the link no longer applies.
        Err(jiyue_db::DbError::Conflict(_)) => retry(words.t("link-invalid")),
        Err(error) => retry(error.to_string()),
    }
}

/// The payload of a verification or reset link besides its digest: the page to return to and,
/// for sign-up, the sealed address it was sent to.
#[derive(Debug, serde::Serialize, Deserialize)]
struct LinkPayload {
    next: String,
    #[serde(default)]
    email: String,
}

/// Redirects to the sign-in page, coming back to `next` afterwards.
fn to_sign_in(next: &str) -> Response {
    redirect(&format!("/signin?next={}", encode(next)), Vec::new())
}

async fn account_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Some(me) = signed_in(&app, &headers).await else {
        return to_sign_in("/");
    };
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let page = account_forms(services, &words, &browser, &me.citizen, None, None);
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}

fn account_forms(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    citizen: &Citizen,
    notice: Option<String>,
    error: Option<String>,
) -> FormPage {
    let mobile = open(services, Field::Mobile, citizen.mobile_sealed.as_deref());
    let email = open(services, Field::Email, citizen.email_sealed.as_deref());
    let address = open(services, Field::Address, citizen.address_sealed.as_deref());
    let none = words.t("account-none");
    let assurance = match citizen.assurance {
        jiyue_db::Assurance::Verified => words.with(
            "assurance-verified",
            &[("source", citizen.assurance_source.as_deref().unwrap_or(""))],
        ),
        jiyue_db::Assurance::Unverified => words.t("assurance-unverified"),
    };
    let kind = match citizen.kind {
        CitizenKind::Person => words.t("kind-person"),
        CitizenKind::Business => words.t("kind-business"),
    };
    let mut profile_fields = vec![
        FormField::new("display_name", "text", words.t("field-display-name"))
            .required()
            .value(citizen.display_name.clone())
            .autocomplete("nickname")
            .max_length(jiyue_db::MAX_DISPLAY_NAME_CHARS),
        FormField::new("address", "text", words.t("field-address"))
            .value(address.unwrap_or_default())
            .autocomplete("street-address")
            .max_length(200)
            .hint(words.t("field-address-hint")),
    ];
    if citizen.kind == CitizenKind::Business {
        profile_fields.push(
            FormField::new("business_name", "text", words.t("field-business-name"))
                .value(citizen.business_name.clone().unwrap_or_default())
                .autocomplete("organization")
                .max_length(100),
        );
        profile_fields.push(
            FormField::new("credit_code", "text", words.t("field-credit-code"))
                .value(citizen.credit_code.clone().unwrap_or_default())
                .max_length(18),
        );
    }
    FormPage {
        heading: words.t("account-heading"),
        notice,
        error,
        form_token: browser.token(services),
        facts: vec![
            Fact::new(words.t("account-kind"), kind),
            Fact::new(
                words.t("field-mobile"),
                mobile.as_deref().map_or_else(|| none.clone(), masked),
            ),
            Fact::new(
                words.t("field-email"),
                email.as_deref().map_or_else(|| none.clone(), masked),
            ),
            Fact::new(words.t("account-assurance"), assurance),
        ],
        forms: vec![
            Form {
                id: Some("profile"),
                heading: Some(words.t("account-profile-heading")),
                action: "/".to_string(),
                fields: profile_fields,
                submit: words.t("account-save"),
                ..Form::default()
            },
            Form {
                id: Some("password"),
                heading: Some(words.t("account-password-heading")),
                action: "/password".to_string(),
                fields: vec![
                    FormField::new("password", "password", words.t("field-new-password"))
                        .required()
                        .autocomplete("new-password")
                        .hint(words.t("password-hint")),
                ],
                submit: words.t("account-password-save"),
                ..Form::default()
            },
            Form {
                id: Some("signout"),
                heading: Some(words.t("signout-heading")),
                intro: Some(words.t("signout-intro")),
                action: "/signout".to_string(),
                submit: words.t("signout-submit"),
                ..Form::default()
            },
        ],
        links: vec![Link {
            url: "/delete".to_string(),
            text: words.t("delete-link"),
        }],
        ..FormPage::default()
    }
}

async fn save_profile(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(me) = signed_in(&app, &headers).await else {
        return to_sign_in("/");
    };
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let page = account_forms(services, &words, &browser, &me.citizen, None, Some(error));
            return place.form(&app, StatusCode::FORBIDDEN, &page, Vec::new());
        }
    };
    let refuse = |error: String| {
        let page = account_forms(services, &words, &browser, &me.citizen, None, Some(error));
        place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new())
    };
    let address = form.get("address");
    if address.chars().count() > 200 {
        return refuse(words.t("address-too-long"));
    }
    let address_sealed = if address.is_empty() {
        None
    } else {
        match services.cipher.seal(Field::Address, address) {
            Ok(sealed) => Some(sealed.to_string()),
            Err(error) => return refuse(error.to_string()),
        }
    };
    let mut change = ProfileChange {
        display_name: Some(form.get("display_name").to_string()),
        address_sealed: Some(address_sealed),
        ..ProfileChange::default()
    };
    if me.citizen.kind == CitizenKind::Business {
        let code = form.get("credit_code");
        if !code.is_empty() {
            if let Err(error) = jiyue_core::CreditCode::parse(code) {
                return refuse(words.with(
                    "credit-code-invalid",
                    &[("value", code), ("reason", &error.to_string())],
                ));
            }
        }
        let name = form.get("business_name");
        if name.chars().count() > 100 {
            return refuse(words.t("business-name-too-long"));
        }
        change.business_name = Some((!name.is_empty()).then(|| name.to_string()));
        change.credit_code = Some((!code.is_empty()).then(|| code.trim().to_ascii_uppercase()));
    }
    if let Err(error) = app.db.update_citizen_profile(me.citizen.id, change).await {
        return refuse(error.to_string());
    }
    let Ok(Some(citizen)) = app.db.citizen(me.citizen.id).await else {
        return to_sign_in("/");
    };
    let page = account_forms(
        services,
        &words,
        &browser,
        &citizen,
        Some(words.t("account-saved")),
        None,
    );
    place.form(&app, StatusCode::OK, &page, Vec::new())
}

async fn change_password(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(me) = signed_in(&app, &headers).await else {
        return to_sign_in("/");
    };
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let outcome = match read_form(services, &headers, &body, &words) {
        Ok(form) => {
            let password = form.get("password");
            match check_password(password, &words) {
                Ok(()) => match jiyue_auth::hash_password(password) {
                    Ok(hash) => app
                        .db
                        .set_citizen_password(me.citizen.id, &hash)
                        .await
                        .map_err(|error| error.to_string()),
                    Err(error) => Err(error.to_string()),
                },
                Err(error) => Err(error),
            }
        }
        Err(error) => Err(error),
    };
    let (status, notice, error) = match outcome {
        Ok(()) => (StatusCode::OK, Some(words.t("password-saved")), None),
        Err(error) => (StatusCode::UNPROCESSABLE_ENTITY, None, Some(error)),
    };
    let page = account_forms(services, &words, &browser, &me.citizen, notice, error);
    place.form(&app, status, &page, Vec::new())
}

async fn reset_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let page = reset_form(services, &words, &browser, None);
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}

fn reset_form(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    error: Option<String>,
) -> FormPage {
    FormPage {
        heading: words.t("reset-heading"),
        intro: Some(words.t("reset-intro")),
        error,
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("reset"),
            action: "/reset".to_string(),
            fields: vec![FormField::new("account", "text", words.t("field-account"))
                .required()
                .autocomplete("username")
                .max_length(254)
                .hint(words.t("field-account-hint"))],
            submit: words.t("reset-submit"),
            ..Form::default()
        }],
        ..FormPage::default()
    }
}

async fn request_reset(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    body: Bytes,
) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let refuse = |error: String| {
        let page = reset_form(services, &words, &browser, Some(error));
        place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new())
    };
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => return refuse(error),
    };
    let gate = challenge::gate(&app.db, &SEND_CODE, None, client)
        .await
        .unwrap_or(Gate::Closed);
    if gate == Gate::Closed {
        return refuse(words.t("rate-limited"));
    }
    let _ = challenge::count(&app.db, &SEND_CODE, None, client).await;
    let account = form.get("account");
    if account.contains('@') {
        let email = match parse_email(account, &words) {
            Ok(email) => email,
            Err(error) => return refuse(error),
        };
        let target = services.cipher.index(Field::Email, &email);
        if let Ok(Some(_)) = app.db.citizen_by_email(&target).await {
            let token = jiyue_auth::new_token();
            let stored = app
                .db
                .create_code(
                    CodePurpose::ResetPassword,
                    &target,
                    &jiyue_auth::token_digest(&token),
                    None,
                    chrono::Duration::hours(1),
                )
                .await;
            if stored.is_ok() {
                let base = app.directory().hosts.identity_url().to_string();
                let link = format!("{base}/reset/email?token={token}");
                let _ = send_mail(
                    services,
                    &email,
                    words.t("mail-reset-subject"),
                    words.with("mail-reset-body", &[("link", &link)]),
                )
                .await;
            }
        }
        // The same response whether or not the address is registered.
        let page = notice_page(
            services,
            &words,
            &browser,
            words.t("reset-heading"),
            words.with("reset-email-sent", &[("email", &masked(&email))]),
            Vec::new(),
        );
        return place.form(&app, StatusCode::OK, &page, Vec::new());
    }
    let mobile = match parse_mobile(account, &words) {
        Ok(mobile) => mobile,
        Err(error) => return refuse(error),
    };
    let target = services.cipher.index(Field::Mobile, &mobile);
    if let Ok(Some(_)) = app.db.citizen_by_mobile(&target).await {
        let _ = send_code(&app, services, CodePurpose::ResetPassword, &mobile, &words).await;
    }
    let page = reset_code_form(services, &words, &browser, &mobile, None);
    place.form(&app, StatusCode::OK, &page, Vec::new())
}

fn reset_code_form(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    mobile: &str,
    error: Option<String>,
) -> FormPage {
    FormPage {
        heading: words.t("reset-heading"),
        intro: Some(words.with("reset-code-intro", &[("mobile", &masked(mobile))])),
        error,
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("reset-code"),
            action: "/reset/mobile".to_string(),
            hidden: vec![Hidden {
                name: "mobile",
                value: mobile.to_string(),
            }],
            fields: vec![
                FormField::new("code", "text", words.t("field-code"))
                    .required()
                    .autocomplete("one-time-code")
                    .input_mode("numeric")
                    .max_length(6),
                FormField::new("password", "password", words.t("field-new-password"))
                    .required()
                    .autocomplete("new-password")
                    .hint(words.t("password-hint")),
            ],
            submit: words.t("reset-save"),
            ..Form::default()
        }],
        ..FormPage::default()
    }
}

async fn reset_by_code(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let page = reset_form(services, &words, &browser, Some(error));
            return place.form(&app, StatusCode::FORBIDDEN, &page, Vec::new());
        }
    };
    let mobile = match parse_mobile(form.get("mobile"), &words) {
        Ok(mobile) => mobile,
        Err(error) => {
            let page = reset_form(services, &words, &browser, Some(error));
            return place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new());
        }
    };
    let retry = |error: String| {
        let page = reset_code_form(services, &words, &browser, &mobile, Some(error));
        place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new())
    };
    let password = form.get("password");
    if let Err(error) = check_password(password, &words) {
        return retry(error);
    }
    let target = services.cipher.index(Field::Mobile, &mobile);
    let check = app
        .db
        .check_code(
            CodePurpose::ResetPassword,
            &target,
            &code_digest(&target, form.get("code")),
            services.config.code_attempts,
        )
        .await;
    match check {
        Ok(CodeCheck::Valid { .. }) => {}
        Ok(CodeCheck::Wrong { left }) => {
            return retry(words.with("code-wrong", &[("left", &left.to_string())]))
        }
        Ok(CodeCheck::Missing) => return retry(words.t("code-missing")),
        Err(error) => return retry(error.to_string()),
    }
    match app.db.citizen_by_mobile(&target).await {
        Ok(Some(citizen)) => {
            finish_reset(&app, services, &words, &browser, citizen.id, password).await
        }
        _ => retry(words.t("code-missing")),
    }
}

async fn finish_reset(
    app: &App,
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    citizen: jiyue_db::CitizenId,
    password: &str,
) -> Response {
    let place = Place::identity();
    let saved = match jiyue_auth::hash_password(password) {
        Ok(hash) => app
            .db
            .set_citizen_password(citizen, &hash)
            .await
            .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    if let Err(error) = saved {
        let page = reset_form(services, words, browser, Some(error));
        return place.form(app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new());
    }
    // A reset ends every session, so anyone who knew the old password is signed out.
    let _ = app.db.end_citizen_sessions(citizen).await;
    tracing::info!(citizen, "a citizen reset their password");
    let page = notice_page(
        services,
        words,
        browser,
        words.t("reset-heading"),
        words.t("reset-done"),
        vec![Link {
            url: "/signin".to_string(),
            text: words.t("signin-heading"),
        }],
    );
    place.form(app, StatusCode::OK, &page, Vec::new())
}

async fn reset_email_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let page = reset_link_form(services, &words, &browser, &query.token, None);
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}

fn reset_link_form(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    token: &str,
    error: Option<String>,
) -> FormPage {
    FormPage {
        heading: words.t("reset-heading"),
        error,
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("reset-link"),
            action: "/reset/email".to_string(),
            hidden: vec![Hidden {
                name: "token",
                value: token.to_string(),
            }],
            fields: vec![
                FormField::new("password", "password", words.t("field-new-password"))
                    .required()
                    .autocomplete("new-password")
                    .hint(words.t("password-hint")),
            ],
            submit: words.t("reset-save"),
            ..Form::default()
        }],
        ..FormPage::default()
    }
}

async fn reset_by_link(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let page = reset_link_form(services, &words, &browser, "", Some(error));
            return place.form(&app, StatusCode::FORBIDDEN, &page, Vec::new());
        }
    };
    let token = form.get("token").to_string();
    let retry = |error: String| {
        let page = reset_link_form(services, &words, &browser, &token, Some(error));
        place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new())
    };
    let password = form.get("password");
    if let Err(error) = check_password(password, &words) {
        return retry(error);
    }
    let used = app
        .db
        .use_link(
            CodePurpose::ResetPassword,
            &jiyue_auth::token_digest(&token),
        )
        .await;
    let target = match used {
        Ok(Some(used)) => used.target,
        Ok(None) => return retry(words.t("link-invalid")),
        Err(error) => return retry(error.to_string()),
    };
    match app.db.citizen_by_email(&target).await {
        Ok(Some(citizen)) => {
            finish_reset(&app, services, &words, &browser, citizen.id, password).await
        }
        _ => retry(words.t("link-invalid")),
    }
}

async fn delete_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Some(_me) = signed_in(&app, &headers).await else {
        return to_sign_in("/delete");
    };
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let page = delete_form(services, &words, &browser, None);
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}

fn delete_form(
    services: &CitizenServices,
    words: &Words<'_>,
    browser: &FormBrowser,
    error: Option<String>,
) -> FormPage {
    FormPage {
        heading: words.t("delete-heading"),
        intro: Some(words.t("delete-intro")),
        error,
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("delete"),
            action: "/delete".to_string(),
            fields: vec![
                FormField::new("confirm", "text", words.t("delete-confirm-label"))
                    .required()
                    .autocomplete("off")
                    .hint(words.t("delete-confirm-hint")),
            ],
            submit: words.t("delete-submit"),
            ..Form::default()
        }],
        links: vec![Link {
            url: "/".to_string(),
            text: words.t("account-home-link"),
        }],
        ..FormPage::default()
    }
}

async fn delete_account(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(me) = signed_in(&app, &headers).await else {
        return to_sign_in("/delete");
    };
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => {
            let page = delete_form(services, &words, &browser, Some(error));
            return place.form(&app, StatusCode::FORBIDDEN, &page, Vec::new());
        }
    };
    if form.get("confirm") != words.t("delete-confirm-word") {
        let page = delete_form(
            services,
            &words,
            &browser,
            Some(words.t("delete-confirm-wrong")),
        );
        return place.form(&app, StatusCode::UNPROCESSABLE_ENTITY, &page, Vec::new());
    }
    let id = me.citizen.id;
    let erased = crate::citizen::erase_case_contacts(&app, id).await;
    let deleted = app.db.delete_citizen(id).await;
    if let Err(error) = erased.and(deleted.map(|_| ())) {
        tracing::error!(%error, citizen = id, "deleting a citizen account failed");
        let page = delete_form(services, &words, &browser, Some(error.to_string()));
        return place.form(&app, StatusCode::INTERNAL_SERVER_ERROR, &page, Vec::new());
    }
    tracing::info!(citizen = id, "a citizen deleted their account");
    let clear = set_cookie(SESSION_COOKIE, "", Some(0), services.config.cookie_secure);
    let page = notice_page(
        services,
        &words,
        &browser,
        words.t("delete-heading"),
        words.t("delete-done"),
        Vec::new(),
    );
    place.form(&app, StatusCode::OK, &page, vec![clear])
}

async fn sign_out_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let page = FormPage {
        heading: words.t("signout-heading"),
        intro: Some(words.t("signout-intro")),
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("signout"),
            action: "/signout".to_string(),
            submit: words.t("signout-submit"),
            ..Form::default()
        }],
        ..FormPage::default()
    };
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}

async fn sign_out(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(services) = services(&app) else {
        return super::forms::text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    if let Err(error) = read_form(services, &headers, &body, &words) {
        let page = notice_page(
            services,
            &words,
            &browser,
            words.t("signout-heading"),
            error,
            Vec::new(),
        );
        return place.form(&app, StatusCode::FORBIDDEN, &page, Vec::new());
    }
    let next = local_path(value(&parse_form(&body), "next"));
    end_identity_session(&app, services, &headers, &next).await
}

/// Ends the identity session of the request's cookie, with every site session and token
/// issued under it, and redirects to `next` (an absolute URL the caller checked, or a path).
pub(crate) async fn end_identity_session(
    app: &App,
    services: &CitizenServices,
    headers: &HeaderMap,
    next: &str,
) -> Response {
    if let Some(me) = signed_in(app, headers).await {
        match app.db.end_sid(&me.session.sid).await {
            Ok(ended) => tracing::info!(
                citizen = me.citizen.id,
                ended,
                "a citizen signed out everywhere"
            ),
            Err(error) => tracing::error!(%error, "ending a citizen session failed"),
        }
    }
    let clear = set_cookie(SESSION_COOKIE, "", Some(0), services.config.cookie_secure);
    let target = if next == "/" {
        "/signin?signed_out=1"
    } else {
        next
    };
    redirect(target, vec![clear])
}
