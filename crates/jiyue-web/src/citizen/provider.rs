//! The OpenID Connect provider on the identity host: discovery, the key set, the
//! authorization endpoint (code flow, PKCE S256 required of every client), the token endpoint
//! (codes and rotating refresh tokens), userinfo, revocation and RP-initiated logout.
//!
//! Every hosted site is a client named `site-<site code>` whose only redirect URI is its own
//! `/account/callback`; operators register other clients. Sign-out at the provider ends the
//! identity session and everything issued under it, so the citizen is signed out of every
//! site at once.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use jiyue_auth::personal::Field;
use jiyue_auth::{CodeChallenge, Discovery, IdTokenClaims, PasswordCheck, Scopes};
use jiyue_db::{Citizen, Grant, GrantKind, NewGrant};
use serde::Deserialize;
use serde_json::json;

use super::forms::{parse_form, redirect, text_error, value, FormBrowser};
use super::identity::{encode, end_identity_session, read_form, signed_in};
use super::services;
use super::view::{Form, FormPage, Hidden, Place};
use super::CitizenServices;
use crate::App;

/// How long an authorization code works.
const CODE_SECONDS: i64 = 120;
/// How long an access token and an ID token work.
const ACCESS_SECONDS: i64 = 600;
/// How long a refresh token works.
const REFRESH_DAYS: i64 = 14;
/// Prefix of the client id of a hosted site.
pub(crate) const SITE_CLIENT_PREFIX: &str = "site-";

pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks.json", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/revoke", post(revoke))
        .route("/logout", get(logout_page).post(logout))
}

/// A client as the provider looks it up.
pub(crate) struct ClientInfo {
    pub client_id: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_uris: Vec<String>,
    pub secret_hash: Option<String>,
}

/// Finds a client: a hosted site by its code, or a registered client.
pub(crate) async fn find_client(app: &App, client_id: &str) -> Option<ClientInfo> {
    if let Some(code) = client_id.strip_prefix(SITE_CLIENT_PREFIX) {
        let directory = app.directory();
        let site = directory.sites.values().find(|site| site.code == code)?;
        let base = directory.hosts.base_url(site.id)?;
        return Some(ClientInfo {
            client_id: client_id.to_string(),
            redirect_uris: vec![format!("{base}{}", super::relying::CALLBACK)],
            post_logout_uris: vec![format!("{base}/")],
            secret_hash: None,
        });
    }
    let client = app.db.oidc_client(client_id).await.ok()??;
    if client.disabled {
        return None;
    }
    Some(ClientInfo {
        client_id: client.client_id,
        redirect_uris: client.redirect_uris,
        post_logout_uris: client.post_logout_uris,
        secret_hash: client.secret_hash,
    })
}

/// Returns the issuer identifier: the identity host's base URL.
pub(crate) fn issuer(app: &App) -> String {
    app.directory().hosts.identity_url().to_string()
}

fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

async fn discovery(State(app): State<Arc<App>>) -> Response {
    let mut document = Discovery::for_issuer(&issuer(&app));
    document.grant_types_supported = vec![
        "authorization_code".to_string(),
        "refresh_token".to_string(),
    ];
    document.scopes_supported = ["openid", "profile", "email", "phone", "offline_access"]
        .map(str::to_string)
        .to_vec();
    document.claims_supported = [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "sid",
        "amr",
        "acr",
        "name",
        "email",
        "email_verified",
        "phone_number",
        "phone_number_verified",
    ]
    .map(str::to_string)
    .to_vec();
    let mut body = serde_json::to_value(&document).unwrap_or_default();
    if let Some(object) = body.as_object_mut() {
        object.insert(
            "revocation_endpoint".to_string(),
            json!(format!("{}/revoke", issuer(&app))),
        );
    }
    json_response(StatusCode::OK, body)
}

async fn jwks(State(app): State<Arc<App>>) -> Response {
    let Ok(services) = services(&app) else {
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "not configured",
        );
    };
    match services.signing_keys(&app.db).await {
        Ok(keys) => json_response(
            StatusCode::OK,
            serde_json::to_value(&keys.jwks).unwrap_or_default(),
        ),
        Err(error) => {
            tracing::error!(%error, "loading the signing keys failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the signing keys could not be loaded",
            )
        }
    }
}

#[derive(Debug, Deserialize, Default)]
struct AuthorizeQuery {
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: Option<String>,
    #[serde(default)]
    prompt: Option<String>,
}

/// Appends query parameters to a redirect URI that may already have a query.
fn with_params(uri: &str, params: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        serializer.append_pair(name, value);
    }
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", serializer.finish())
}

async fn authorize(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    query: Result<Query<AuthorizeQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(_services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let Ok(Query(query)) = query else {
        return text_error(
            StatusCode::BAD_REQUEST,
            "invalid authorization request: the query string could not be read",
        );
    };
    // Until the client and its redirect URI check out, errors are shown here, never sent to
    // an unregistered address.
    let Some(client) = find_client(&app, &query.client_id).await else {
        return text_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "invalid authorization request: unknown client_id {:?}; register the client first",
                query.client_id
            ),
        );
    };
    if jiyue_auth::oidc::match_redirect_uri(&client.redirect_uris, &query.redirect_uri).is_err() {
        return text_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "invalid authorization request: redirect_uri {:?} is not registered for client {}",
                query.redirect_uri, client.client_id
            ),
        );
    }
    let state = query.state.clone().unwrap_or_default();
    let iss = issuer(&app);
    let fail = |error: &str, description: &str| {
        let mut params = vec![
            ("error", error),
            ("error_description", description),
            ("iss", iss.as_str()),
        ];
        if !state.is_empty() {
            params.push(("state", state.as_str()));
        }
        redirect(&with_params(&query.redirect_uri, &params), Vec::new())
    };
    if query.response_type != "code" {
        return fail(
            "unsupported_response_type",
            "only the authorization code flow (response_type=code) is supported",
        );
    }
    let scopes = match Scopes::parse(&query.scope) {
        Ok(scopes) => scopes,
        Err(error) => return fail("invalid_scope", &error.to_string()),
    };
    let challenge = match CodeChallenge::parse(
        &query.code_challenge,
        query.code_challenge_method.as_deref(),
    ) {
        Ok(challenge) => challenge,
        Err(error) => return fail("invalid_request", &error.to_string()),
    };
    if query
        .nonce
        .as_deref()
        .is_some_and(|nonce| nonce.len() > 255)
    {
        return fail("invalid_request", "nonce is longer than 255 characters");
    }
    let Some(me) = signed_in(&app, &headers).await else {
        if query.prompt.as_deref() == Some("none") {
            return fail("login_required", "the citizen is not signed in");
        }
        let next = uri
            .path_and_query()
            .map_or("/authorize".to_string(), |pq| pq.as_str().to_string());
        return redirect(&format!("/signin?next={}", encode(&next)), Vec::new());
    };
    let code = jiyue_auth::new_token();
    let now = app.clock.now();
    let stored = app
        .db
        .store_grant(
            &jiyue_auth::token_digest(&code),
            &NewGrant {
                kind: GrantKind::Code,
                client_id: client.client_id.clone(),
                citizen_id: me.citizen.id,
                sid: me.session.sid.clone(),
                scope: scopes.to_string(),
                redirect_uri: Some(query.redirect_uri.clone()),
                nonce: query.nonce.clone(),
                code_challenge: Some(challenge.as_base64url()),
                auth_time: me.session.auth_time,
                family: jiyue_auth::new_token(),
                expires_at: now + chrono::Duration::seconds(CODE_SECONDS),
            },
        )
        .await;
    if let Err(error) = stored {
        tracing::error!(%error, "storing an authorization code failed");
        return fail("server_error", "the code could not be stored; try again");
    }
    let mut params = vec![("code", code.as_str()), ("iss", iss.as_str())];
    if !state.is_empty() {
        params.push(("state", state.as_str()));
    }
    redirect(&with_params(&query.redirect_uri, &params), Vec::new())
}

/// Tokens issued at the token endpoint.
pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub id_token: String,
    pub scope: String,
}

/// The reason a code or refresh token was rejected.
pub(crate) struct Refused {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

fn refused(error: &'static str, description: impl Into<String>) -> Refused {
    Refused {
        status: StatusCode::BAD_REQUEST,
        error,
        description: description.into(),
    }
}

/// Returns the subject identifier of an account: a keyed digest, so ids are not guessable.
pub(crate) fn subject(services: &CitizenServices, citizen: jiyue_db::CitizenId) -> String {
    let digest = services.cipher.index(Field::Subject, &citizen.to_string());
    digest[..32].to_string()
}

/// Exchanges an authorization code. Sites call this in process; clients through `/token`.
pub(crate) async fn exchange_code(
    app: &App,
    services: &CitizenServices,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Issued, Refused> {
    let grant = app
        .db
        .use_grant(&jiyue_auth::token_digest(code), GrantKind::Code)
        .await
        .map_err(|error| refused("server_error", error.to_string()))?
        .ok_or_else(|| refused("invalid_grant", "the code is unknown, used or expired"))?;
    if grant.client_id != client_id {
        return Err(refused(
            "invalid_grant",
            "the code was issued to another client",
        ));
    }
    if grant.redirect_uri.as_deref() != Some(redirect_uri) {
        return Err(refused(
            "invalid_grant",
            "redirect_uri differs from the one in the authorization request",
        ));
    }
    let challenge = grant
        .code_challenge
        .as_deref()
        .and_then(|challenge| CodeChallenge::parse(challenge, Some("S256")).ok())
        .ok_or_else(|| refused("invalid_grant", "the code has no PKCE challenge"))?;
    if !challenge.verify(verifier) {
        return Err(refused(
            "invalid_grant",
            "code_verifier does not match the code_challenge of the authorization request",
        ));
    }
    issue(app, services, &grant, true).await
}

async fn refresh(
    app: &App,
    services: &CitizenServices,
    client_id: &str,
    refresh_token: &str,
) -> Result<Issued, Refused> {
    let grant = app
        .db
        .use_grant(&jiyue_auth::token_digest(refresh_token), GrantKind::Refresh)
        .await
        .map_err(|error| refused("server_error", error.to_string()))?
        .ok_or_else(|| {
            refused(
                "invalid_grant",
                "the refresh token is unknown, used, revoked or expired",
            )
        })?;
    if grant.client_id != client_id {
        return Err(refused(
            "invalid_grant",
            "the refresh token was issued to another client",
        ));
    }
    issue(app, services, &grant, false).await
}

async fn issue(
    app: &App,
    services: &CitizenServices,
    grant: &Grant,
    first: bool,
) -> Result<Issued, Refused> {
    let live = app
        .db
        .sid_is_live(&grant.sid)
        .await
        .map_err(|error| refused("server_error", error.to_string()))?;
    if !live {
        return Err(refused(
            "invalid_grant",
            "the citizen has signed out since this grant was made",
        ));
    }
    let citizen: Citizen = app
        .db
        .citizen(grant.citizen_id)
        .await
        .map_err(|error| refused("server_error", error.to_string()))?
        .ok_or_else(|| refused("invalid_grant", "the account no longer exists"))?;
    let keys = services
        .signing_keys(&app.db)
        .await
        .map_err(|error| refused("server_error", error))?;
    let scopes =
        Scopes::parse(&grant.scope).map_err(|error| refused("invalid_scope", error.to_string()))?;
    let now = app.clock.now();
    let access_token = jiyue_auth::new_token();
    let base = NewGrant {
        kind: GrantKind::Access,
        client_id: grant.client_id.clone(),
        citizen_id: grant.citizen_id,
        sid: grant.sid.clone(),
        scope: grant.scope.clone(),
        redirect_uri: None,
        nonce: None,
        code_challenge: None,
        auth_time: grant.auth_time,
        family: grant.family.clone(),
        expires_at: now + chrono::Duration::seconds(ACCESS_SECONDS),
    };
    let store = |digest: String, grant: NewGrant| async move {
        app.db
            .store_grant(&digest, &grant)
            .await
            .map_err(|error| refused("server_error", error.to_string()))
    };
    store(jiyue_auth::token_digest(&access_token), base.clone()).await?;
    let refresh_token = if scopes.contains(jiyue_auth::oidc::Scope::OfflineAccess) {
        let token = jiyue_auth::new_token();
        let mut refresh = base.clone();
        refresh.kind = GrantKind::Refresh;
        refresh.expires_at = now + chrono::Duration::days(REFRESH_DAYS);
        store(jiyue_auth::token_digest(&token), refresh).await?;
        Some(token)
    } else {
        None
    };
    let verified = citizen.assurance == jiyue_db::Assurance::Verified;
    let claims = IdTokenClaims {
        iss: issuer(app),
        sub: subject(services, citizen.id),
        aud: jiyue_auth::oidc::Audience::One(grant.client_id.clone()),
        exp: now.timestamp() + ACCESS_SECONDS,
        iat: now.timestamp(),
        auth_time: Some(grant.auth_time.timestamp()),
        nonce: if first { grant.nonce.clone() } else { None },
        azp: Some(grant.client_id.clone()),
        sid: Some(grant.sid.clone()),
        acr: Some(
            if verified {
                "urn:jiyue:loa:2"
            } else {
                "urn:jiyue:loa:1"
            }
            .to_string(),
        ),
        amr: None,
        name: scopes
            .contains(jiyue_auth::oidc::Scope::Profile)
            .then(|| citizen.display_name.clone()),
        preferred_username: None,
        email: None,
        email_verified: None,
        phone_number: None,
        phone_number_verified: None,
        extra: serde_json::Map::new(),
    };
    let id_token = jiyue_auth::sign_jwt(&keys.signer, &claims)
        .map_err(|error| refused("server_error", error.to_string()))?;
    Ok(Issued {
        access_token,
        refresh_token,
        id_token,
        scope: grant.scope.clone(),
    })
}

/// Returns the client credentials of a token request: HTTP Basic, or `client_id` and
/// `client_secret` in the body.
fn client_credentials(headers: &HeaderMap, form: &[(String, String)]) -> (String, Option<String>) {
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    if let Some((id, secret)) = basic.as_deref().and_then(|text| text.split_once(':')) {
        let decode = |text: &str| percent_decode(text);
        return (decode(id), Some(decode(secret)));
    }
    let secret = value(form, "client_secret");
    (
        value(form, "client_id").to_string(),
        (!secret.is_empty()).then(|| secret.to_string()),
    )
}

fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("v={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// Authenticates a client at the token or revocation endpoint.
async fn authenticate_client(
    app: &App,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<ClientInfo, Response> {
    let (client_id, secret) = client_credentials(headers, form);
    let invalid = |description: &str| {
        let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"jiyue\""),
        );
        response
    };
    let Some(client) = find_client(app, &client_id).await else {
        return Err(invalid("unknown client"));
    };
    match (&client.secret_hash, secret) {
        (None, _) => Ok(client),
        (Some(hash), Some(secret)) => match jiyue_auth::verify_password(&secret, hash) {
            PasswordCheck::Valid { .. } => Ok(client),
            PasswordCheck::Invalid => Err(invalid("wrong client secret")),
        },
        (Some(_), None) => Err(invalid("this client must authenticate with its secret")),
    }
}

async fn token(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(services) = services(&app) else {
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "not configured",
        );
    };
    let form = parse_form(&body);
    let client = match authenticate_client(&app, &headers, &form).await {
        Ok(client) => client,
        Err(response) => return response,
    };
    let issued = match value(&form, "grant_type") {
        "authorization_code" => {
            exchange_code(
                &app,
                services,
                &client.client_id,
                value(&form, "code"),
                value(&form, "redirect_uri"),
                value(&form, "code_verifier"),
            )
            .await
        }
        "refresh_token" => {
            refresh(
                &app,
                services,
                &client.client_id,
                value(&form, "refresh_token"),
            )
            .await
        }
        other => Err(Refused {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: format!(
                "grant_type {other:?} is not supported; use authorization_code or refresh_token"
            ),
        }),
    };
    match issued {
        Ok(issued) => {
            let mut body = json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": ACCESS_SECONDS,
                "id_token": issued.id_token,
                "scope": issued.scope,
            });
            if let (Some(token), Some(object)) = (issued.refresh_token, body.as_object_mut()) {
                object.insert("refresh_token".to_string(), json!(token));
            }
            json_response(StatusCode::OK, body)
        }
        Err(refusal) => oauth_error(refusal.status, refusal.error, &refusal.description),
    }
}

async fn userinfo(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Ok(services) = services(&app) else {
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "not configured",
        );
    };
    let unauthorized = |description: &str| {
        let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", description);
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        response
    };
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return unauthorized("send the access token as Authorization: Bearer <token>");
    };
    let grant = match app
        .db
        .access_grant(&jiyue_auth::token_digest(token.trim()))
        .await
    {
        Ok(Some(grant)) => grant,
        Ok(None) => return unauthorized("the access token is unknown, revoked or expired"),
        Err(error) => {
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &error.to_string(),
            )
        }
    };
    let Ok(Some(citizen)) = app.db.citizen(grant.citizen_id).await else {
        return unauthorized("the account no longer exists");
    };
    let scopes = Scopes::parse(&grant.scope).ok();
    let has = |scope| scopes.as_ref().is_some_and(|scopes| scopes.contains(scope));
    let mut claims = serde_json::Map::new();
    claims.insert("sub".to_string(), json!(subject(services, citizen.id)));
    if has(jiyue_auth::oidc::Scope::Profile) {
        claims.insert("name".to_string(), json!(citizen.display_name));
        claims.insert(
            "jiyue_assurance".to_string(),
            json!(citizen.assurance.as_str()),
        );
    }
    if has(jiyue_auth::oidc::Scope::Email) {
        if let Some(email) =
            super::identity::open(services, Field::Email, citizen.email_sealed.as_deref())
        {
            claims.insert("email".to_string(), json!(email));
            claims.insert("email_verified".to_string(), json!(citizen.email_verified));
        }
    }
    if has(jiyue_auth::oidc::Scope::Phone) {
        if let Some(mobile) =
            super::identity::open(services, Field::Mobile, citizen.mobile_sealed.as_deref())
        {
            claims.insert("phone_number".to_string(), json!(format!("+86{mobile}")));
            claims.insert("phone_number_verified".to_string(), json!(true));
        }
    }
    json_response(StatusCode::OK, serde_json::Value::Object(claims))
}

async fn revoke(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let form = parse_form(&body);
    let client = match authenticate_client(&app, &headers, &form).await {
        Ok(client) => client,
        Err(response) => return response,
    };
    let digest = jiyue_auth::token_digest(value(&form, "token"));
    // RFC 7009: a client may revoke only tokens issued to it. An unknown token is not an error.
    match app.db.grant_client(&digest).await {
        Ok(Some(owner)) if owner != client.client_id => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "the token was issued to another client",
            )
        }
        Ok(_) => {}
        Err(error) => {
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &error.to_string(),
            )
        }
    }
    if let Err(error) = app.db.revoke_grant(&digest).await {
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &error.to_string(),
        );
    }
    json_response(StatusCode::OK, json!({}))
}

#[derive(Debug, Deserialize, Default)]
struct LogoutQuery {
    #[serde(default)]
    id_token_hint: String,
    #[serde(default)]
    post_logout_redirect_uri: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    state: String,
}

/// The checked target of a logout: where to go afterwards, and the session the hint names.
struct LogoutTarget {
    next: String,
    hinted_sid: Option<String>,
}

async fn logout_target(app: &App, services: &CitizenServices, query: &LogoutQuery) -> LogoutTarget {
    let mut client_id = query.client_id.clone();
    let mut hinted_sid = None;
    if !query.id_token_hint.is_empty() {
        if let Ok(keys) = services.signing_keys(&app.db).await {
            // An expired ID token still names its session and client.
            if let Ok(claims) = jiyue_auth::verify_jwt(&query.id_token_hint, &keys.jwks) {
                if claims["iss"].as_str() == Some(issuer(app).as_str()) {
                    hinted_sid = claims["sid"].as_str().map(str::to_string);
                    if client_id.is_empty() {
                        client_id = claims["azp"]
                            .as_str()
                            .or_else(|| claims["aud"].as_str())
                            .unwrap_or_default()
                            .to_string();
                    }
                }
            }
        }
    }
    let mut next = "/".to_string();
    if !query.post_logout_redirect_uri.is_empty() {
        if let Some(client) = find_client(app, &client_id).await {
            if client
                .post_logout_uris
                .contains(&query.post_logout_redirect_uri)
            {
                next = if query.state.is_empty() {
                    query.post_logout_redirect_uri.clone()
                } else {
                    with_params(&query.post_logout_redirect_uri, &[("state", &query.state)])
                };
            }
        }
    }
    LogoutTarget { next, hinted_sid }
}

async fn logout_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<LogoutQuery>,
) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let target = logout_target(&app, services, &query).await;
    if let Some(sid) = &target.hinted_sid {
        // A valid hint shows the request comes from the client the citizen signed in to.
        if let Err(error) = app.db.end_sid(sid).await {
            tracing::error!(%error, "ending a session at logout failed");
        }
        return end_identity_session(&app, services, &headers, &target.next).await;
    }
    if signed_in(&app, &headers).await.is_none() {
        // Nothing left to end (a site's sign-out already ended the session): go straight on.
        return end_identity_session(&app, services, &headers, &target.next).await;
    }
    let place = Place::identity();
    let words = place.words(&app);
    let browser = FormBrowser::from_headers(&headers);
    let page = FormPage {
        heading: words.t("signout-heading"),
        intro: Some(words.t("signout-intro")),
        form_token: browser.token(services),
        forms: vec![Form {
            id: Some("logout"),
            action: "/logout".to_string(),
            hidden: vec![
                Hidden {
                    name: "post_logout_redirect_uri",
                    value: query.post_logout_redirect_uri.clone(),
                },
                Hidden {
                    name: "client_id",
                    value: query.client_id.clone(),
                },
                Hidden {
                    name: "state",
                    value: query.state.clone(),
                },
            ],
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

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(services) = services(&app) else {
        return text_error(StatusCode::SERVICE_UNAVAILABLE, "not configured");
    };
    let place = Place::identity();
    let words = place.words(&app);
    let form = match read_form(services, &headers, &body, &words) {
        Ok(form) => form,
        Err(error) => return text_error(StatusCode::FORBIDDEN, &error),
    };
    let query = LogoutQuery {
        id_token_hint: form.get("id_token_hint").to_string(),
        post_logout_redirect_uri: form.get("post_logout_redirect_uri").to_string(),
        client_id: form.get("client_id").to_string(),
        state: form.get("state").to_string(),
    };
    let target = logout_target(&app, services, &query).await;
    if let Some(sid) = &target.hinted_sid {
        let _ = app.db.end_sid(sid).await;
    }
    end_identity_session(&app, services, &headers, &target.next).await
}
