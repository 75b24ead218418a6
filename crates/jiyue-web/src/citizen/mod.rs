//! Citizens on the public listener: accounts and sign-in on the identity host, the OpenID
//! Connect provider every site signs in through, and the forms citizens send on each site.
//!
//! These requests carry per-visitor state (a session, a form token), so they bypass the page
//! cache and run through axum routers built per request. Every path of the identity host is
//! handled here, and on a site only the paths that `is_interactive` names.

pub(crate) mod cases;
pub mod challenge;
mod federation;
mod forms;
mod identity;
mod keys;
mod provider;
mod relying;
pub(crate) mod view;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body as AxumBody;
use bytes::Bytes;
use http::header::CONTENT_SECURITY_POLICY;
use http::{HeaderValue, StatusCode};
use http_body_util::Full;
use hyper::{Request, Response};
use jiyue_auth::personal::PersonalDataCipher;
use jiyue_db::SiteId;
use jiyue_notify::{MailChannel, SmsChannel};
use tower::ServiceExt;

use crate::public::plain_error;
use crate::App;

pub use federation::UpstreamConfig;
pub(crate) use forms::ClientAddr;

/// Largest form body a citizen may send: three attachments of 5 MB and the text fields.
pub(crate) const MAX_FORM_BYTES: usize = 16 * 1024 * 1024;

/// Settings of citizen accounts.
#[derive(Debug, Clone)]
pub struct CitizenConfig {
    /// How long a sign-in on the identity host lasts.
    pub session_lifetime: chrono::Duration,
    /// How long a site session lasts; it also ends with the identity session.
    pub site_session_lifetime: chrono::Duration,
    /// How long a code sent by SMS works.
    pub code_lifetime: chrono::Duration,
    /// How long a link sent by e-mail works.
    pub link_lifetime: chrono::Duration,
    /// Wrong guesses after which a code burns.
    pub code_attempts: u32,
    /// Whether cookies carry `Secure`; off only when the public listener is plain HTTP.
    pub cookie_secure: bool,
    /// The upstream provincial identity provider, when sign-in may be delegated to one.
    pub upstream: Option<UpstreamConfig>,
}

impl Default for CitizenConfig {
    fn default() -> Self {
        Self {
            session_lifetime: chrono::Duration::hours(8),
            site_session_lifetime: chrono::Duration::hours(8),
            code_lifetime: chrono::Duration::minutes(10),
            link_lifetime: chrono::Duration::hours(24),
            code_attempts: 5,
            cookie_secure: true,
            upstream: None,
        }
    }
}

/// The citizen handlers' dependencies besides the database: the personal-data cipher, the
/// channels for codes and links, and the provider's signing keys.
pub struct CitizenServices {
    pub config: CitizenConfig,
    pub cipher: Arc<dyn PersonalDataCipher>,
    pub mail: Arc<dyn MailChannel>,
    pub sms: Arc<dyn SmsChannel>,
    keys: keys::KeyRing,
    upstream: federation::UpstreamCache,
}

impl CitizenServices {
    /// Creates the services; signing keys load from the database on first use.
    pub fn new(
        config: CitizenConfig,
        cipher: Arc<dyn PersonalDataCipher>,
        mail: Arc<dyn MailChannel>,
        sms: Arc<dyn SmsChannel>,
    ) -> Self {
        Self {
            config,
            cipher,
            mail,
            sms,
            keys: keys::KeyRing::default(),
            upstream: federation::UpstreamCache::default(),
        }
    }
}

impl std::fmt::Debug for CitizenServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CitizenServices")
            .field("config", &self.config)
            .field("mail", &self.mail.describe())
            .field("sms", &self.sms.describe())
            .finish_non_exhaustive()
    }
}

/// Returns true when a path on a site is a citizen page that must not be cached: sign-in,
/// the citizen's own pages and every form.
pub fn is_interactive(path: &str) -> bool {
    path.starts_with(relying::PREFIX)
        || path == "/hudong/write"
        || path == "/zhaocuo"
        || path == "/ysqgk"
        || (path.starts_with("/hudong/zj/") && path.ends_with("/opinion"))
}

/// Handles a request to the identity host.
pub async fn identity_request<B>(
    app: &Arc<App>,
    request: Request<B>,
    client: IpAddr,
    timeout: Duration,
) -> Response<Full<Bytes>>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let router = identity::router()
        .merge(provider::router())
        .merge(federation::router())
        .with_state(app.clone());
    let mut response = run(router, request, ClientAddr(client), None, timeout).await;
    if response.headers().contains_key(CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&identity_policy(app).await) {
            response
                .headers_mut()
                .insert(CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// Returns the content security policy of the identity host. A sign-in form's response
/// redirects through `/authorize` to the relying party, and browsers apply `form-action` to
/// every redirect of a form submission, so the policy lists the origin of every hosted site
/// and every registered redirect URI besides the host itself.
async fn identity_policy(app: &App) -> String {
    let directory = app.directory();
    let mut origins: Vec<String> = directory
        .hosts
        .site_base_urls()
        .filter_map(origin_of)
        .collect();
    if let Ok(clients) = app.db.oidc_clients().await {
        for client in clients.iter().filter(|client| !client.disabled) {
            origins.extend(client.redirect_uris.iter().filter_map(|uri| origin_of(uri)));
        }
    }
    if let Some(upstream) = app
        .citizens
        .as_ref()
        .and_then(|citizens| citizens.config.upstream.as_ref())
    {
        origins.extend(origin_of(&upstream.issuer));
    }
    origins.sort();
    origins.dedup();
    let base = crate::headers::content_security_policy(&[]);
    let allowed = format!("form-action 'self' {}", origins.join(" "));
    base.replace("form-action 'self'", allowed.trim_end())
}

/// Returns the `scheme://host[:port]` origin of an http or https URL.
fn origin_of(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    Some(parsed.origin().ascii_serialization())
}

/// Handles a citizen request to a site.
pub async fn site_request<B>(
    app: &Arc<App>,
    site_id: SiteId,
    request: Request<B>,
    client: IpAddr,
    timeout: Duration,
) -> Response<Full<Bytes>>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let router = relying::router().with_state(app.clone());
    run(router, request, ClientAddr(client), Some(site_id), timeout).await
}

/// Returns the citizen services, or a 503 response when they are not configured.
#[allow(clippy::result_large_err)]
pub(crate) fn services(app: &App) -> Result<&CitizenServices, axum::response::Response> {
    app.citizens.as_deref().ok_or_else(|| {
        forms::text_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "citizen accounts are not configured on this platform",
        )
    })
}

/// The site a citizen request arrived on, as a request extension.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OnSite(pub SiteId);

async fn run<B>(
    router: axum::Router,
    request: Request<B>,
    client: ClientAddr,
    site: Option<SiteId>,
    timeout: Duration,
) -> Response<Full<Bytes>>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(client);
    if let Some(site) = site {
        parts.extensions.insert(OnSite(site));
    }
    let request = Request::from_parts(parts, AxumBody::new(body));
    let response = match tokio::time::timeout(timeout, router.oneshot(request)).await {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => {
            return plain_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the request took too long; please try again shortly",
            )
        }
    };
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => Response::from_parts(parts, Full::new(bytes)),
        Err(error) => {
            tracing::error!(%error, "reading a citizen response failed");
            plain_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error: please try again later",
            )
        }
    }
}

/// Blanks the contact details of a deleted account's cases. The cases stay as government
/// records.
pub(crate) async fn erase_case_contacts(
    app: &App,
    citizen: jiyue_db::CitizenId,
) -> Result<(), jiyue_db::DbError> {
    app.db.erase_citizen_contacts(citizen).await.map(|_| ())
}

/// Resolves `host` once and returns an address that outbound requests may connect to: a
/// private, loopback or link-local address only when `allow_private`.
pub(crate) async fn checked_address(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<SocketAddr, String> {
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|error| format!("cannot resolve {host}: {error}"))?;
    let mut refused = None;
    for address in addresses {
        if allow_private || crate::net::is_public(address.ip()) {
            return Ok(address);
        }
        refused = Some(address.ip());
    }
    Err(match refused {
        Some(ip) => format!(
            "{host} resolves to {ip}, a private or loopback address; outbound requests refuse \
             those unless the configuration allows them"
        ),
        None => format!("{host} resolves to no address"),
    })
}
