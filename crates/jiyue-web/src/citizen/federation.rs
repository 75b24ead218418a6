//! Sign-in delegated to an upstream provincial identity provider over OpenID Connect: our
//! provider is then itself a relying party. The upstream's answer raises the account to the
//! verified assurance level.
//!
//! Outbound requests resolve the upstream's host once, refuse private and loopback addresses
//! unless the configuration allows them, and connect to the address they checked.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use jiyue_auth::personal::Field;
use jiyue_auth::{Discovery, Expected, Jwks, PkcePair};
use jiyue_db::{CitizenKind, NewCitizen, SealedValue, SignInRequest, Verification};
use serde::Deserialize;

use super::forms::{
    cookie, local_path, redirect, sign_in_browser, sign_in_key, text_error, FormBrowser,
    SIGN_IN_COOKIE, SIGN_IN_SECONDS,
};
use super::identity::start_session;
use super::provider::issuer;
use super::services;
use super::view::{FormPage, Link, Place};
use super::CitizenServices;
use crate::App;

/// The host name sign-in requests to the upstream are stored under.
const FEDERATION_HOST: &str = "federation";
/// How long the upstream's discovery document and keys are kept.
const META_LIFETIME: Duration = Duration::from_secs(600);

/// The upstream provider citizens may sign in with.
#[derive(Clone, Deserialize)]
pub struct UpstreamConfig {
    /// The issuer URL; its discovery document is read from
    /// `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The name shown on the sign-in button, such as 吉林省统一身份认证平台.
    pub name: String,
    /// Allows private and loopback addresses (for tests and internal networks only).
    #[serde(default)]
    pub allow_private: bool,
    /// Connects to this address instead of resolving the issuer's host, as split-horizon DNS
    /// would; the Host header and TLS name stay the issuer's.
    #[serde(default)]
    pub connect_to: Option<SocketAddr>,
}

impl std::fmt::Debug for UpstreamConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

/// The upstream's discovery document and keys.
struct UpstreamMeta {
    discovery: Discovery,
    jwks: Jwks,
}

/// The upstream metadata as loaded, refreshed after a while or when a key is unknown.
#[derive(Default)]
pub(crate) struct UpstreamCache {
    loaded: tokio::sync::Mutex<Option<(Instant, Arc<UpstreamMeta>)>>,
}

pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/federation/start", get(start))
        .route("/federation/callback", get(callback))
}

/// Builds a client that connects to the checked address of `url`'s host.
async fn client_for(config: &UpstreamConfig, url: &str) -> Result<reqwest::Client, String> {
    let parsed = reqwest::Url::parse(url).map_err(|error| format!("invalid URL {url}: {error}"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("URL {url} has no host"))?
        .to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let address = match config.connect_to {
        Some(address) => address,
        None => super::checked_address(&host, port, config.allow_private).await?,
    };
    if !config.allow_private && !crate::net::is_public(address.ip()) {
        return Err(format!(
            "{host} is configured at {address}, a private address; set allow_private to use it"
        ));
    }
    reqwest::Client::builder()
        .resolve(&host, address)
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| error.to_string())
}

async fn get_json(config: &UpstreamConfig, url: &str) -> Result<serde_json::Value, String> {
    let response = client_for(config, url)
        .await?
        .get(url)
        .send()
        .await
        .map_err(|error| format!("GET {url}: {error}"))?;
    if !response.status().is_success() {
        return Err(format!("GET {url}: status {}", response.status()));
    }
    response
        .json()
        .await
        .map_err(|error| format!("GET {url}: {error}"))
}

impl CitizenServices {
    async fn upstream_meta(&self, force: bool) -> Result<Arc<UpstreamMeta>, String> {
        let config = self
            .config
            .upstream
            .as_ref()
            .ok_or_else(|| "no upstream identity provider is configured".to_string())?;
        let mut loaded = self.upstream.loaded.lock().await;
        if let Some((at, meta)) = loaded.as_ref() {
            if !force && at.elapsed() < META_LIFETIME {
                return Ok(meta.clone());
            }
        }
        let issuer = config.issuer.trim_end_matches('/');
        let document = get_json(
            config,
            &format!("{issuer}/.well-known/openid-configuration"),
        )
        .await?;
        let discovery: Discovery = serde_json::from_value(document)
            .map_err(|error| format!("the upstream discovery document is invalid: {error}"))?;
        if !discovery.issuer_matches(&config.issuer) {
            return Err(format!(
                "the upstream discovery document names issuer {}, not {}",
                discovery.issuer, config.issuer
            ));
        }
        let jwks: Jwks = serde_json::from_value(get_json(config, &discovery.jwks_uri).await?)
            .map_err(|error| format!("the upstream key set is invalid: {error}"))?;
        let meta = Arc::new(UpstreamMeta { discovery, jwks });
        *loaded = Some((Instant::now(), meta.clone()));
        Ok(meta)
    }
}

fn failure(
    app: &App,
    services: &CitizenServices,
    headers: &HeaderMap,
    message: String,
) -> Response {
    tracing::warn!(error = %message, "a federated sign-in failed");
    let place = Place::identity();
    let words = place.words(app);
    let browser = FormBrowser::from_headers(headers);
    let page = FormPage {
        heading: words.t("signin-failed-heading"),
        error: Some(words.with("federation-failed", &[("reason", &message)])),
        form_token: browser.token(services),
        links: vec![Link {
            url: "/signin".to_string(),
            text: words.t("signin-again"),
        }],
        ..FormPage::default()
    };
    place.form(app, StatusCode::BAD_GATEWAY, &page, Vec::new())
}

#[derive(Debug, Deserialize, Default)]
struct StartQuery {
    #[serde(default)]
    next: String,
}

async fn start(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let Some(config) = services.config.upstream.as_ref() else {
        return text_error(
            StatusCode::NOT_FOUND,
            "no upstream identity provider is configured",
        );
    };
    let meta = match services.upstream_meta(false).await {
        Ok(meta) => meta,
        Err(error) => return failure(&app, services, &headers, error),
    };
    let (browser, browser_cookie) = sign_in_browser(&headers, services.config.cookie_secure);
    let state = jiyue_auth::new_token();
    let nonce = jiyue_auth::new_token();
    let pkce = PkcePair::generate();
    let request = SignInRequest {
        host: FEDERATION_HOST.to_string(),
        nonce: nonce.clone(),
        verifier: pkce.verifier.to_string(),
        return_to: local_path(if query.next.is_empty() {
            "/"
        } else {
            &query.next
        }),
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
        return failure(&app, services, &headers, error.to_string());
    }
    let mut params = form_urlencoded::Serializer::new(String::new());
    params
        .append_pair("response_type", "code")
        .append_pair("client_id", &config.client_id)
        .append_pair(
            "redirect_uri",
            &format!("{}/federation/callback", issuer(&app)),
        )
        .append_pair("scope", "openid profile phone")
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", pkce.method());
    let endpoint = &meta.discovery.authorization_endpoint;
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    redirect(
        &format!("{endpoint}{separator}{}", params.finish()),
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

#[derive(Debug, Deserialize)]
struct TokenResponse {
    access_token: String,
    id_token: String,
}

async fn callback(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let Some(config) = services.config.upstream.clone() else {
        return text_error(
            StatusCode::NOT_FOUND,
            "no upstream identity provider is configured",
        );
    };
    let Some(browser) = cookie(&headers, SIGN_IN_COOKIE) else {
        return failure(
            &app,
            services,
            &headers,
            "this browser did not start the sign-in".into(),
        );
    };
    let request = match app
        .db
        .take_sign_in_request(&sign_in_key(&query.state, &browser), FEDERATION_HOST)
        .await
    {
        Ok(Some(request)) => request,
        Ok(None) => {
            return failure(
                &app,
                services,
                &headers,
                "the sign-in expired or was already used".into(),
            )
        }
        Err(error) => return failure(&app, services, &headers, error.to_string()),
    };
    if !query.error.is_empty() {
        return failure(
            &app,
            services,
            &headers,
            format!("the upstream answered {}", query.error),
        );
    }
    match finish(&app, services, &config, &query.code, &request).await {
        Ok(citizen) => {
            start_session(&app, services, &headers, citizen, "fed", &request.return_to).await
        }
        Err(error) => failure(&app, services, &headers, error),
    }
}

/// Exchanges the upstream's code, checks its ID token and finds or makes the linked account.
async fn finish(
    app: &App,
    services: &CitizenServices,
    config: &UpstreamConfig,
    code: &str,
    request: &SignInRequest,
) -> Result<jiyue_db::CitizenId, String> {
    let meta = services.upstream_meta(false).await?;
    let token_url = &meta.discovery.token_endpoint;
    let redirect_uri = format!("{}/federation/callback", issuer(app));
    let response = client_for(config, token_url)
        .await?
        .post(token_url)
        .basic_auth(&config.client_id, Some(&config.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", request.verifier.as_str()),
        ])
        .send()
        .await
        .map_err(|error| format!("POST {token_url}: {error}"))?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        return Err(format!(
            "the upstream token endpoint answered {status}: {}",
            body.chars().take(300).collect::<String>()
        ));
    }
    let tokens: TokenResponse = response
        .json()
        .await
        .map_err(|error| format!("the upstream token response is invalid: {error}"))?;
    let expected = Expected {
        issuer: &config.issuer,
        client_id: &config.client_id,
        nonce: Some(&request.nonce),
        now: app.clock.now().timestamp(),
        leeway_secs: 60,
    };
    let claims = match jiyue_auth::verify_id_token(&tokens.id_token, &meta.jwks, &expected) {
        Ok(claims) => claims,
        Err(_) => {
            // The upstream may have rotated its keys since they were loaded.
            let fresh = services.upstream_meta(true).await?;
            jiyue_auth::verify_id_token(&tokens.id_token, &fresh.jwks, &expected)
                .map_err(|error| format!("the upstream ID token is invalid: {error}"))?
        }
    };
    let profile = match &meta.discovery.userinfo_endpoint {
        Some(url) => client_for(config, url)
            .await?
            .get(url)
            .bearer_auth(&tokens.access_token)
            .send()
            .await
            .ok()
            .filter(|response| response.status().is_success()),
        None => None,
    };
    let profile: serde_json::Value = match profile {
        Some(response) => response.json().await.unwrap_or_default(),
        None => serde_json::Value::Null,
    };
    if profile["sub"].as_str().is_some_and(|sub| sub != claims.sub) {
        return Err("the upstream userinfo names another subject than its ID token".to_string());
    }
    let name = claims
        .name
        .clone()
        .or_else(|| profile["name"].as_str().map(str::to_string));
    let real_name_sealed = match &name {
        Some(name) => Some(
            services
                .cipher
                .seal(Field::Name, name)
                .map_err(|error| error.to_string())?
                .to_string(),
        ),
        None => None,
    };
    let verification = Verification {
        source: config.issuer.clone(),
        real_name_sealed,
        id_number: None,
    };
    if let Some(citizen) = app
        .db
        .citizen_by_link(&config.issuer, &claims.sub)
        .await
        .map_err(|error| error.to_string())?
    {
        app.db
            .verify_citizen(citizen.id, verification)
            .await
            .map_err(|error| error.to_string())?;
        return Ok(citizen.id);
    }
    // A verified phone number the upstream vouches for joins an existing account with it.
    let mobile = profile["phone_number"]
        .as_str()
        .filter(|_| profile["phone_number_verified"].as_bool() == Some(true))
        .map(|number| jiyue_auth::normalize_for_index(Field::Mobile, number));
    let mut mobile_sealed = None;
    if let Some(mobile) = &mobile {
        let index = services.cipher.index(Field::Mobile, mobile);
        if let Some(citizen) = app
            .db
            .citizen_by_mobile(&index)
            .await
            .map_err(|error| error.to_string())?
        {
            app.db
                .link_citizen(citizen.id, &config.issuer, &claims.sub)
                .await
                .map_err(|error| error.to_string())?;
            app.db
                .verify_citizen(citizen.id, verification)
                .await
                .map_err(|error| error.to_string())?;
            return Ok(citizen.id);
        }
        mobile_sealed = Some(SealedValue {
            sealed: services
                .cipher
                .seal(Field::Mobile, mobile)
                .map_err(|error| error.to_string())?
                .to_string(),
            index,
        });
    }
    let display_name = name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| config.name.clone())
        .chars()
        .take(jiyue_db::MAX_DISPLAY_NAME_CHARS)
        .collect();
    let id = app
        .db
        .create_citizen(NewCitizen {
            kind: CitizenKind::Person,
            display_name,
            mobile: mobile_sealed,
            email: None,
            email_verified: false,
            password_hash: None,
            business_name: None,
            credit_code: None,
            upstream: Some((config.issuer.clone(), claims.sub.clone())),
        })
        .await
        .map_err(|error| error.to_string())?;
    app.db
        .verify_citizen(id, verification)
        .await
        .map_err(|error| error.to_string())?;
    tracing::info!(
        citizen = id,
        "a citizen signed up through the upstream provider"
    );
    Ok(id)
}
