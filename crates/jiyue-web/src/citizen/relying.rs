//! Every hosted site as a relying party of the platform's provider: `/account/login` sends the
//! citizen to the identity host with a fresh state, nonce and PKCE verifier; the callback
//! exchanges the code, checks the ID token's signature and claims like any relying party, and
//! opens the site's own session. A citizen already signed in at the provider comes straight
//! back, so signing in on a second site takes one click.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use jiyue_auth::{Expected, PkcePair};
use jiyue_db::{Citizen, SignInRequest, SiteSession};
use serde::Deserialize;

use super::challenge::{self, Gate, Limit};
use super::forms::{
    cookie, local_path, redirect, request_host, set_cookie, sign_in_browser, sign_in_key,
    text_error, ClientAddr, FormBrowser, SIGN_IN_COOKIE, SIGN_IN_SECONDS,
};
use super::identity::{encode, read_form};
use super::provider::{exchange_code, issuer, SITE_CLIENT_PREFIX};
use super::services;
use super::view::{Form, FormPage, Link, Place};
use super::OnSite;
use crate::App;

/// The folder of the sign-in pages on every site.
pub(crate) const PREFIX: &str = "/account/";
/// The redirect URI path of every site.
pub(crate) const CALLBACK: &str = "/account/callback";
/// Maximum length of the local path a sign-in returns to, in bytes.
const MAX_RETURN_BYTES: usize = 500;

/// Sign-ins an address may start on a site within ten minutes.
const START_SIGN_IN: Limit = Limit {
    action: "start-sign-in",
    limit: 60,
    window: chrono::Duration::minutes(10),
};

/// Name of a site's session cookie.
pub(crate) const SITE_COOKIE: &str = "jiyue_site";

pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/account/login", get(login))
        .route("/account/callback", get(callback))
        .route("/account/logout", post(logout))
        .route("/account/", get(my_page))
        .route("/account/cases/{no}", get(my_case))
        .merge(super::cases::router())
}

/// The citizen signed in on this site, with the site session.
pub(crate) struct SiteCitizen {
    pub session: SiteSession,
    pub citizen: Citizen,
}

/// Returns the citizen signed in on the site the request was sent to.
pub(crate) async fn site_signed_in(app: &App, headers: &HeaderMap) -> Option<SiteCitizen> {
    let token = cookie(headers, SITE_COOKIE)?;
    let host = request_host(headers);
    let session = app
        .db
        .site_session(&jiyue_auth::token_digest(&token), &host)
        .await
        .ok()??;
    let citizen = app.db.citizen(session.citizen_id).await.ok()??;
    Some(SiteCitizen { session, citizen })
}

/// Returns the path of the sign-in link that comes back to `return_to`.
pub(crate) fn login_path(return_to: &str) -> String {
    format!("/account/login?return={}", encode(return_to))
}

/// Returns the client id of a site.
fn client_id(app: &App, site: jiyue_db::SiteId) -> Option<String> {
    let directory = app.directory();
    let code = &directory.sites.get(&site)?.code;
    Some(format!("{SITE_CLIENT_PREFIX}{code}"))
}

fn base_url(app: &App, site: jiyue_db::SiteId) -> Option<String> {
    app.directory().hosts.base_url(site).map(str::to_string)
}

#[derive(Debug, Deserialize, Default)]
struct LoginQuery {
    #[serde(default, rename = "return")]
    return_to: String,
}

async fn login(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(OnSite(site)): Extension<OnSite>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let mut return_to = local_path(if query.return_to.is_empty() {
        PREFIX
    } else {
        &query.return_to
    });
    if return_to.len() > MAX_RETURN_BYTES {
        return_to = PREFIX.to_string();
    }
    if site_signed_in(&app, &headers).await.is_some() {
        return redirect(&return_to, Vec::new());
    }
    // Every sign-in stores a row until the callback, so an address may start only so many.
    match challenge::gate(&app.db, &START_SIGN_IN, None, client).await {
        Ok(Gate::Closed) => {
            return text_error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many sign-ins from this address; please try again in a few minutes",
            )
        }
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "checking the sign-in limit failed"),
    }
    let _ = challenge::count(&app.db, &START_SIGN_IN, None, client).await;
    let (browser, browser_cookie) = sign_in_browser(&headers, services.config.cookie_secure);
    let (Some(client_id), Some(base)) = (client_id(&app, site), base_url(&app, site)) else {
        return text_error(StatusCode::NOT_FOUND, "unknown site");
    };
    let state = jiyue_auth::new_token();
    let nonce = jiyue_auth::new_token();
    let pkce = PkcePair::generate();
    let request = SignInRequest {
        host: request_host(&headers),
        nonce: nonce.clone(),
        verifier: pkce.verifier.to_string(),
        return_to,
    };
    if let Err(error) = app
        .db
        .create_sign_in_request(
            &sign_in_key(&state, &browser),
            &request,
            chrono::Duration::seconds(SIGN_IN_SECONDS),
        )
        .await
    {
        tracing::error!(%error, "storing a sign-in request failed");
        return text_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error: please try again later",
        );
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", &client_id)
        .append_pair("redirect_uri", &format!("{base}{CALLBACK}"))
        .append_pair("scope", "openid profile")
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", pkce.method());
    redirect(
        &format!("{}/authorize?{}", issuer(&app), query.finish()),
        browser_cookie.into_iter().collect(),
    )
}

#[derive(Debug, Deserialize, Default)]
struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
}

async fn callback(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(OnSite(site)): Extension<OnSite>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };
    let words = place.words(&app);
    let fail = |message: String| {
        let browser = FormBrowser::from_headers(&headers);
        let page = FormPage {
            heading: words.t("signin-failed-heading"),
            error: Some(message),
            form_token: browser.token(services),
            links: vec![Link {
                url: login_path(PREFIX),
                text: words.t("signin-again"),
            }],
            ..FormPage::default()
        };
        place.form(&app, StatusCode::BAD_REQUEST, &page, Vec::new())
    };
    let host = request_host(&headers);
    // Without the cookie set when this browser started the sign-in, the callback was opened
    // elsewhere, as a link someone sent: refuse it, or the visitor would be signed in as them.
    let Some(browser) = cookie(&headers, SIGN_IN_COOKIE) else {
        return fail(words.t("signin-state-invalid"));
    };
    let request = match app
        .db
        .take_sign_in_request(&sign_in_key(&query.state, &browser), &host)
        .await
    {
        Ok(Some(request)) => request,
        Ok(None) => return fail(words.t("signin-state-invalid")),
        Err(error) => return fail(error.to_string()),
    };
    if !query.error.is_empty() {
        return fail(words.with("signin-provider-error", &[("error", &query.error)]));
    }
    let (Some(client_id), Some(base)) = (client_id(&app, site), base_url(&app, site)) else {
        return text_error(StatusCode::NOT_FOUND, "unknown site");
    };
    let issued = match exchange_code(
        &app,
        services,
        &client_id,
        &query.code,
        &format!("{base}{CALLBACK}"),
        &request.verifier,
    )
    .await
    {
        Ok(issued) => issued,
        Err(refusal) => return fail(refusal.description),
    };
    // Check the ID token as any relying party would: signature, issuer, audience, nonce, time.
    let keys = match services.signing_keys(&app.db).await {
        Ok(keys) => keys,
        Err(error) => return fail(error),
    };
    let expected = Expected {
        issuer: &issuer(&app),
        client_id: &client_id,
        nonce: Some(&request.nonce),
        now: app.clock.now().timestamp(),
        leeway_secs: 60,
    };
    let claims = match jiyue_auth::verify_id_token(&issued.id_token, &keys.jwks, &expected) {
        Ok(claims) => claims,
        Err(error) => return fail(error.to_string()),
    };
    let Some(sid) = claims.sid else {
        return fail(words.t("signin-state-invalid"));
    };
    let grant = match app
        .db
        .access_grant(&jiyue_auth::token_digest(&issued.access_token))
        .await
    {
        Ok(Some(grant)) => grant,
        _ => return fail(words.t("signin-state-invalid")),
    };
    let token = jiyue_auth::new_token();
    if let Err(error) = app
        .db
        .create_site_session(
            &jiyue_auth::token_digest(&token),
            &host,
            &sid,
            grant.citizen_id,
            &jiyue_auth::new_token(),
            services.config.site_session_lifetime,
        )
        .await
    {
        return fail(error.to_string());
    }
    let cookie = set_cookie(
        SITE_COOKIE,
        &token,
        Some(services.config.site_session_lifetime.num_seconds()),
        services.config.cookie_secure,
    );
    redirect(&request.return_to, vec![cookie])
}

async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(OnSite(site)): Extension<OnSite>,
    body: Bytes,
) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };
    let words = place.words(&app);
    if let Err(error) = read_form(services, &headers, &body, &words) {
        return text_error(StatusCode::FORBIDDEN, &error);
    }
    if let Some(me) = site_signed_in(&app, &headers).await {
        // Signing out of one site signs out of all of them and of the provider.
        match app.db.end_sid(&me.session.sid).await {
            Ok(ended) => tracing::info!(
                citizen = me.citizen.id,
                ended,
                "a citizen signed out on a site"
            ),
            Err(error) => tracing::error!(%error, "ending a citizen session failed"),
        }
    }
    let clear = set_cookie(SITE_COOKIE, "", Some(0), services.config.cookie_secure);
    let (Some(client_id), Some(base)) = (client_id(&app, site), base_url(&app, site)) else {
        return redirect("/", vec![clear]);
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("client_id", &client_id)
        .append_pair("post_logout_redirect_uri", &format!("{base}/"));
    redirect(
        &format!("{}/logout?{}", issuer(&app), query.finish()),
        vec![clear],
    )
}

async fn my_case(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(OnSite(site)): Extension<OnSite>,
    axum::extract::Path(no): axum::extract::Path<String>,
) -> Response {
    let path = format!("/account/cases/{no}");
    let Some(me) = site_signed_in(&app, &headers).await else {
        return redirect(&login_path(&local_path(&path)), Vec::new());
    };
    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };
    let words = place.words(&app);
    // Only the case's own author finds it: another citizen's number reads as unknown.
    let case = match app.db.case_by_no_for_citizen(me.citizen.id, &no).await {
        Ok(Some(case)) => case,
        Ok(None) => return text_error(StatusCode::NOT_FOUND, "no such case among yours"),
        Err(error) => {
            tracing::error!(%error, "reading a citizen's case failed");
            return text_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error: please try again later",
            );
        }
    };
    let page = super::cases::my_case_page(&app, &words, &case).await;
    place.render(
        &app,
        StatusCode::OK,
        "citizen_detail.html",
        &case.subject,
        jiyue_core::ColumnType::Consultation,
        &page,
        Vec::new(),
    )
}

async fn my_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Extension(OnSite(site)): Extension<OnSite>,
) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let Some(me) = site_signed_in(&app, &headers).await else {
        return redirect(&login_path(PREFIX), Vec::new());
    };
    let place = match Place::site(&app, site).await {
        Ok(place) => place,
        Err(response) => return response,
    };
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let cases = super::cases::my_cases(&app, &words, me.citizen.id).await;
    let page = FormPage {
        heading: words.t("my-heading"),
        intro: Some(words.with("my-intro", &[("name", &me.citizen.display_name)])),
        form_token: browser.token(services),
        facts: cases,
        forms: vec![Form {
            id: Some("signout"),
            action: "/account/logout".to_string(),
            submit: words.t("signout-submit"),
            ..Form::default()
        }],
        links: vec![
            Link {
                url: "/hudong/write".to_string(),
                text: words.t("message-write-link"),
            },
            Link {
                url: "/ysqgk".to_string(),
                text: words.t("disclosure-link"),
            },
            Link {
                url: format!("{}/", issuer(&app)),
                text: words.t("account-manage-link"),
            },
        ],
        ..FormPage::default()
    };
    let cookies = browser
        .set_cookie(services.config.cookie_secure)
        .into_iter()
        .collect();
    place.form(&app, StatusCode::OK, &page, cookies)
}
