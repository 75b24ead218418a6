//! The scheduled jobs that need the running application: the tampering checks of the static
//! export mirrors and of the served pages, and the link check of every published page. Their
//! settings come from the config file's `[monitor]` section through [`super::DeskConfig`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use http::StatusCode;
use jiyue_db::{sm3_hex, AlertFilter, SiteId};
use jiyue_monitor::links::{
    check_pages, InternalResolver, LinkOptions, Resolution, ResolveError, Url,
};
use jiyue_monitor::{Check, Fault};

use super::{queue_event, raise_events};
use crate::export::{check_export, check_served, crawl_site, fetch, site_host};
use crate::App;

/// How often the tampering checks run.
pub const TAMPER_EVERY_MINUTES: i64 = 15;

/// A folder holding a site's static export (`jiyue export static`), checked for tampering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    pub site_id: SiteId,
    pub site_code: String,
    pub dir: PathBuf,
}

/// The check of the bytes the public address serves against the page ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedCheck {
    /// Pages fetched per site and run at most, in path order.
    pub max_pages: usize,
    /// Whether base URLs may resolve to private and loopback addresses (tests only).
    pub allow_private: bool,
    /// The address to fetch a site through instead of its public base URL, such as the CDN's
    /// address. Requests still carry the site's own `Host` header.
    pub urls: BTreeMap<SiteId, String>,
}

impl Default for ServedCheck {
    fn default() -> Self {
        Self {
            max_pages: 500,
            allow_private: false,
            urls: BTreeMap::new(),
        }
    }
}

/// The schedule and options of the link check.
#[derive(Debug, Clone)]
pub struct LinkSchedule {
    /// How often every published page of every site is checked.
    pub every: chrono::Duration,
    /// Options of the check; `offline` leaves links to other hosts unchecked.
    pub options: LinkOptions,
}

impl Default for LinkSchedule {
    fn default() -> Self {
        Self {
            every: chrono::Duration::hours(24),
            options: LinkOptions::default(),
        }
    }
}

/// The value of a tampering fault's `handled` argument when the right version is back in
/// place, and when it is not (or could not be confirmed).
const HANDLED: &str = "true";
const NOT_HANDLED: &str = "false";

/// Checks every mirror and raises its faults with the mirror's site as scope. Altered and
/// missing files are rewritten and planted ones removed before this returns, so every fault
/// carries `handled = "true"`. A mirror whose check fails is logged, and the others still run.
pub(super) async fn tamper_export(app: &Arc<App>) -> Result<String, String> {
    let desk = app.desk();
    let mut by_site: BTreeMap<SiteId, Vec<Fault>> = BTreeMap::new();
    let mut failed = Vec::new();
    for mirror in &desk.mirrors {
        match check_export(app, &mirror.dir).await {
            Ok(faults) => by_site.entry(mirror.site_id).or_default().extend(
                faults
                    .into_iter()
                    .map(|fault| fault.arg("place", "export").arg("handled", HANDLED)),
            ),
            Err(error) => {
                tracing::error!(
                    %error,
                    site = mirror.site_code,
                    dir = %mirror.dir.display(),
                    "checking an export mirror failed"
                );
                failed.push(format!(
                    "{} {}: {error}",
                    mirror.site_code,
                    mirror.dir.display()
                ));
            }
        }
    }
    let mut lines = Vec::new();
    for (site_id, faults) in &by_site {
        lines.push(raise_place(app, *site_id, "export", faults).await?);
    }
    finish(desk.mirrors.len(), "mirror(s)", lines, failed)
}

/// Fetches every site's ledgered pages through its public address (or the configured
/// override) and raises the faults per site. A fault's `handled` argument is `"true"` when the
/// same address serves the right version again after this node's cache was refreshed.
pub(super) async fn tamper_served(app: &Arc<App>, served: &ServedCheck) -> Result<String, String> {
    let directory = app.directory();
    let mut sites: Vec<_> = directory.sites.values().collect();
    sites.sort_by_key(|site| site.id);
    let mut lines = Vec::new();
    let mut failed = Vec::new();
    for site in &sites {
        let Some((host, public)) = site_host(app, site.id) else {
            continue;
        };
        let base = served.urls.get(&site.id).cloned().unwrap_or(public);
        if let Err(error) = check_address(&base, served.allow_private).await {
            tracing::warn!(site = site.code, base, %error, "served pages were not checked");
            failed.push(format!("{}: {error}", site.code));
            continue;
        }
        let faults = match check_served(app, &site.code, &base, served.max_pages).await {
            Ok(faults) => faults,
            Err(error) => {
                tracing::error!(%error, site = site.code, "checking served pages failed");
                failed.push(format!("{}: {error}", site.code));
                continue;
            }
        };
        let mut marked = Vec::with_capacity(faults.len());
        for fault in faults {
            let handled = served_again(app, &host, &fault).await;
            marked.push(
                fault
                    .arg("place", "served")
                    .arg("handled", if handled { HANDLED } else { NOT_HANDLED }),
            );
        }
        lines.push(raise_place(app, site.id, "served", &marked).await?);
    }
    finish(sites.len(), "site(s)", lines, failed)
}

/// Returns whether the address of a served-page fault now returns what this node renders.
async fn served_again(app: &Arc<App>, host: &str, fault: &Fault) -> bool {
    let (Some(location), Some(path)) = (fault.args.get("location"), fault.args.get("path")) else {
        return false;
    };
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build();
    let Ok(client) = client else { return false };
    let served = client
        .get(location)
        .header(http::header::HOST.as_str(), host)
        .send()
        .await;
    let body = match served {
        Ok(response) if response.status() == reqwest::StatusCode::OK => response.bytes().await,
        _ => return false,
    };
    let Ok(body) = body else { return false };
    let rendered = fetch(app, host, path).await;
    rendered.status == StatusCode::OK && sm3_hex(&body) == sm3_hex(&rendered.body)
}

/// Rejects a base URL whose host is or resolves to a private, loopback or link-local address
/// unless `allow_private`.
async fn check_address(base: &str, allow_private: bool) -> Result<(), String> {
    let url = Url::parse(base).map_err(|error| format!("invalid address {base}: {error}"))?;
    let host = url
        .host_str()
        .ok_or_else(|| format!("address {base} has no host"))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| format!("address {base} has no port"))?;
    if allow_private {
        return Ok(());
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|error| format!("resolving {host} failed: {error}"))?;
    for address in addresses {
        if !crate::net::is_public(address.ip()) {
            return Err(format!(
                "{host} resolves to the private address {}; set [monitor.served] \
                 allow_private = true only for tests",
                address.ip()
            ));
        }
    }
    Ok(())
}

/// Raises the tampering faults of one site found at one place (`export` or `served`), and
/// clears the site's live tampering alerts of that place the run no longer found. Alerts of
/// the other place are left alone, since the other job judges them.
async fn raise_place(
    app: &App,
    site_id: SiteId,
    place: &str,
    faults: &[Fault],
) -> Result<String, String> {
    let live = app
        .db
        .alerts(&AlertFilter {
            check: Some(Check::Tampering.as_str().to_string()),
            site_id: Some(site_id),
            live: true,
            ..Default::default()
        })
        .await
        .map_err(|error| error.to_string())?;
    let prefix = format!("tampering:{place}:");
    let mut keep: Vec<String> = faults.iter().map(|fault| fault.key.clone()).collect();
    keep.extend(
        live.into_iter()
            .map(|alert| alert.fault_key)
            .filter(|key| !key.starts_with(&prefix)),
    );
    let report = raise_events(app, Check::Tampering, faults)
        .await
        .map_err(|error| error.to_string())?;
    let resolved = app
        .db
        .resolve_cleared_alerts(Check::Tampering.as_str(), Some(site_id), &keep)
        .await
        .map_err(|error| error.to_string())?;
    for id in &resolved {
        tracing::info!(alert = id, "tampering alert cleared by its check");
        if let Some(alert) = app.db.alert(*id).await.map_err(|error| error.to_string())? {
            queue_event(app, *id, "resolved", alert.level)
                .await
                .map_err(|error| error.to_string())?;
        }
    }
    Ok(format!(
        "site {site_id}: {} fault(s), {} raised, {} cleared",
        faults.len(),
        report.raised.len(),
        resolved.len()
    ))
}

/// Checks the links of every published page of every site. Pages are rendered in process the
/// way the static export crawls a site, links to the platform's own sites are resolved
/// through the public request path in process, and the rest are fetched over HTTP unless the
/// schedule is offline. Each site's faults are raised with the site as scope; every fault's `page`
/// argument is `home` or `inner` and its `url` argument the page's address.
pub(super) async fn links(app: &Arc<App>, options: &LinkOptions) -> Result<String, String> {
    let directory = app.directory();
    let resolver = AppResolver {
        app: app.clone(),
        hosts: own_hosts(app),
    };
    let mut sites: Vec<_> = directory.sites.values().collect();
    sites.sort_by_key(|site| site.id);
    let mut home = 0;
    let mut inner = 0;
    let mut failed = Vec::new();
    for site in &sites {
        let pages = match site_pages(app, site.id).await {
            Ok(pages) => pages,
            Err(error) => {
                tracing::error!(%error, site = site.code, "crawling a site for the link check failed");
                failed.push(format!("{}: {error}", site.code));
                continue;
            }
        };
        let report = check_pages(pages, &resolver, options, app.clock.clone())
            .await
            .map_err(|error| error.to_string())?;
        if !report.errors.is_empty() {
            // A lookup that failed is a platform fault. Clearing the site's alerts on a partial
            // result would hide links that are still broken.
            tracing::error!(
                site = site.code,
                first = report.errors[0],
                "internal links could not be resolved; the site's link alerts are kept"
            );
            failed.push(format!("{}: {}", site.code, report.errors[0]));
            continue;
        }
        home += report.home.broken;
        inner += report.inner.broken;
        let faults: Vec<Fault> = report
            .faults(Some(site.id))
            .into_iter()
            .map(split_home)
            .collect();
        super::raise(app, Check::Links, Some(site.id), &faults)
            .await
            .map_err(|error| error.to_string())?;
    }
    let mut line = format!(
        "{} site(s): {home} broken on home pages, {inner} on inner pages",
        sites.len()
    );
    if !failed.is_empty() {
        line.push_str(&format!("; {} failed: {}", failed.len(), failed.join("; ")));
    }
    Ok(line)
}

/// Turns a link fault of the link report into the desk's form. Its `page` argument is `home`
/// or `inner`, `url` is the page's address, and the message is the desk's own.
pub fn split_home(mut fault: Fault) -> Fault {
    let home = fault.message == "links-broken-home";
    if let Some(url) = fault.args.remove("page") {
        fault.args.insert("url".to_string(), url);
    }
    fault.args.insert(
        "page".to_string(),
        if home { "home" } else { "inner" }.to_string(),
    );
    fault.message = if home {
        "monitor-links-home"
    } else {
        "monitor-links-inner"
    }
    .to_string();
    fault
}

/// Resolves links to the hosted sites by handling a request for them in process, exactly as
/// the public listener would, with no network. Unlike the routes table alone, this also finds
/// the pages the web crate routes itself, such as service guides, the error-report form and
/// citizen pages.
struct AppResolver {
    app: Arc<App>,
    hosts: HashMap<String, SiteId>,
}

impl InternalResolver for AppResolver {
    fn is_internal(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https")
            && url
                .host_str()
                .is_some_and(|host| self.hosts.contains_key(&host.to_ascii_lowercase()))
    }

    async fn resolve(&self, url: &Url, want_html: bool) -> Result<Resolution, ResolveError> {
        let site = url
            .host_str()
            .and_then(|host| self.hosts.get(&host.to_ascii_lowercase()));
        let Some((host, _)) = site.and_then(|site| site_host(&self.app, *site)) else {
            return Ok(Resolution::Missing { status: 404 });
        };
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let response = fetch(&self.app, &host, &target).await;
        if response.status.is_redirection() {
            let location = response
                .headers
                .get(http::header::LOCATION)
                .and_then(|value| value.to_str().ok());
            if let Some(location) = location {
                return Ok(Resolution::Redirect(location.to_string()));
            }
        }
        if !response.status.is_success() {
            return Ok(Resolution::Missing {
                status: response.status.as_u16(),
            });
        }
        let html = (want_html && response.content_type().contains("html"))
            .then(|| String::from_utf8_lossy(&response.body).into_owned());
        Ok(Resolution::Found { html })
    }
}

/// Returns every host name of the hosted sites, primary and alias, as served and as linked.
fn own_hosts(app: &App) -> HashMap<String, SiteId> {
    let directory = app.directory();
    let mut hosts = HashMap::new();
    for site in directory.sites.values() {
        hosts.insert(site.primary_domain.to_ascii_lowercase(), site.id);
        for alias in &site.aliases {
            hosts.insert(alias.to_ascii_lowercase(), site.id);
        }
        if let Some(host) = directory
            .hosts
            .base_url(site.id)
            .and_then(|base| Url::parse(base).ok())
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        {
            hosts.insert(host, site.id);
        }
    }
    hosts
}

/// Renders every HTML page of a site in process and returns each with its public address.
async fn site_pages(app: &Arc<App>, site_id: SiteId) -> Result<Vec<(Url, String)>, String> {
    let (_, base) = site_host(app, site_id).ok_or_else(|| format!("site {site_id} has no host"))?;
    let base = Url::parse(&base).map_err(|error| format!("base URL {base}: {error}"))?;
    let mut pages = Vec::new();
    let mut seen = HashSet::new();
    crawl_site(app, site_id, |path, fetched| {
        if fetched.status != StatusCode::OK || !fetched.content_type().contains("html") {
            return;
        }
        let Ok(url) = base.join(path) else { return };
        if seen.insert(url.to_string()) {
            pages.push((url, String::from_utf8_lossy(&fetched.body).into_owned()));
        }
    })
    .await
    .map_err(|error| error.to_string())?;
    Ok(pages)
}

/// Describes a run of a job over `total` subjects in one line.
fn finish(
    total: usize,
    what: &str,
    lines: Vec<String>,
    failed: Vec<String>,
) -> Result<String, String> {
    let mut line = format!("{total} {what}");
    if !lines.is_empty() {
        line.push_str(": ");
        line.push_str(&lines.join("; "));
    }
    if !failed.is_empty() {
        line.push_str(&format!("; {} failed: {}", failed.len(), failed.join("; ")));
    }
    Ok(line)
}
