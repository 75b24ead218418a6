//! Internal links: addresses on the platform's own sites, resolved from the platform's own
//! data instead of over the network. One resolver reads a folder of exported files, the
//! other the routes table.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Component, Path, PathBuf};

use jiyue_db::{Db, RouteTarget, SiteId};
use percent_encoding::percent_decode_str;
use url::Url;

/// The result of resolving an internal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The address serves something. `html` is the page text when the caller asked for it,
    /// the target is a page, and the resolver has it at hand.
    Found { html: Option<String> },
    /// The address redirects to `location`, an absolute URL or a path on the same host.
    Redirect(String),
    /// Nothing is served there. `status` is what the public listener would return (404, or
    /// 410 for a withdrawn page).
    Missing { status: u16 },
}

/// An error resolving an internal address at all (a fault of the platform, not of the
/// link).
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("reading {path} failed: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("looking up the route failed: {0}")]
    Db(#[from] jiyue_db::DbError),
}

/// A lookup of internal addresses without the network.
pub trait InternalResolver: Send + Sync {
    /// Returns true when `url` is on one of the platform's own sites.
    fn is_internal(&self, url: &Url) -> bool;

    /// Resolves an internal address, ignoring its fragment. With `want_html`, a found page
    /// should carry its text so fragments can be checked against it.
    fn resolve(
        &self,
        url: &Url,
        want_html: bool,
    ) -> impl Future<Output = Result<Resolution, ResolveError>> + Send;
}

/// Resolves addresses of one site against a folder holding its static export:
/// `/a/b.html` is `DIR/a/b.html`, and `/a/` is `DIR/a/index.html`.
#[derive(Debug, Clone)]
pub struct DirResolver {
    root: PathBuf,
    site: Url,
}

impl DirResolver {
    /// Builds a resolver for the folder `root`, exported from the site at `site` (an
    /// address ending in `/`, such as `https://www.jl.gov.cn/`).
    pub fn new(root: impl Into<PathBuf>, site: Url) -> DirResolver {
        DirResolver {
            root: root.into(),
            site,
        }
    }

    /// Returns the file an internal address maps to, or `None` when the address climbs out
    /// of the folder.
    pub fn file_of(&self, url: &Url) -> Option<PathBuf> {
        let relative = url.path().strip_prefix(self.site.path())?;
        let decoded = percent_decode_str(relative).decode_utf8_lossy();
        let mut file = self.root.clone();
        for component in Path::new(decoded.as_ref()).components() {
            match component {
                Component::Normal(part) => file.push(part),
                Component::CurDir => {}
                _ => return None,
            }
        }
        if decoded.is_empty() || decoded.ends_with('/') {
            file.push("index.html");
        }
        Some(file)
    }
}

impl InternalResolver for DirResolver {
    fn is_internal(&self, url: &Url) -> bool {
        url.scheme() == self.site.scheme()
            && url.host_str() == self.site.host_str()
            && url.port_or_known_default() == self.site.port_or_known_default()
            && url.path().starts_with(self.site.path())
    }

    async fn resolve(&self, url: &Url, want_html: bool) -> Result<Resolution, ResolveError> {
        let Some(mut file) = self.file_of(url) else {
            return Ok(Resolution::Missing { status: 404 });
        };
        match tokio::fs::metadata(&file).await {
            Ok(meta) if meta.is_dir() => file.push("index.html"),
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Resolution::Missing { status: 404 })
            }
            Err(source) => return Err(io_error(&file, source)),
        }
        if !want_html || !is_html_file(&file) {
            return match tokio::fs::try_exists(&file).await {
                Ok(true) => Ok(Resolution::Found { html: None }),
                Ok(false) => Ok(Resolution::Missing { status: 404 }),
                Err(source) => Err(io_error(&file, source)),
            };
        }
        match tokio::fs::read(&file).await {
            Ok(bytes) => Ok(Resolution::Found {
                html: Some(String::from_utf8_lossy(&bytes).into_owned()),
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(Resolution::Missing { status: 404 })
            }
            Err(source) => Err(io_error(&file, source)),
        }
    }
}

fn io_error(path: &Path, source: std::io::Error) -> ResolveError {
    ResolveError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Returns true for files the checker reads as HTML pages.
pub fn is_html_file(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm"))
}

/// Resolves addresses of the hosted sites through the database, the way the public listener
/// routes a request: the home page, fixed pages, `/static/` theme assets, `/files/` uploads,
/// then the routes table with its column-page fallback.
#[derive(Clone)]
pub struct DbResolver {
    db: Db,
    hosts: HashMap<String, SiteId>,
}

impl DbResolver {
    /// Builds a resolver over `db` for the sites named in `hosts` (host name, lower case,
    /// to site id; primary domains and aliases alike).
    pub fn new(db: Db, hosts: HashMap<String, SiteId>) -> DbResolver {
        let hosts = hosts
            .into_iter()
            .map(|(host, site)| (host.to_ascii_lowercase(), site))
            .collect();
        DbResolver { db, hosts }
    }

    fn site_of(&self, url: &Url) -> Option<SiteId> {
        self.hosts.get(url.host_str()?).copied()
    }

    async fn resolve_path(&self, site: SiteId, path: &str) -> Result<Resolution, ResolveError> {
        if is_fixed_page(path) {
            return Ok(Resolution::Found { html: None });
        }
        if let Some(name) = path.strip_prefix("/static/") {
            let found = jiyue_render::static_asset(name).is_some();
            return Ok(found_or_missing(found));
        }
        if let Some(name) = path.strip_prefix("/files/") {
            return self.resolve_file(name).await;
        }
        let route = match self.db.route(site, path).await? {
            Some(route) => Some(route),
            None => {
                // Routes of Chinese paths may be stored decoded.
                let decoded = percent_decode_str(path).decode_utf8_lossy();
                if decoded != path {
                    self.db.route(site, &decoded).await?
                } else {
                    None
                }
            }
        };
        let Some(route) = route else {
            return Ok(Resolution::Missing { status: 404 });
        };
        Ok(match route.target {
            RouteTarget::Item(_) | RouteTarget::Column { .. } | RouteTarget::File(_) => {
                Resolution::Found { html: None }
            }
            RouteTarget::Redirect(location) => Resolution::Redirect(location),
            RouteTarget::Gone(_) => Resolution::Missing { status: 410 },
        })
    }

    async fn resolve_file(&self, name: &str) -> Result<Resolution, ResolveError> {
        let Some((digest, _extension)) = name.split_once('.') else {
            return Ok(Resolution::Missing { status: 404 });
        };
        let Some(path) = self.db.blob_store().and_then(|store| store.path(digest)) else {
            return Ok(Resolution::Missing { status: 404 });
        };
        match tokio::fs::try_exists(&path).await {
            Ok(found) => Ok(found_or_missing(found)),
            Err(source) => Err(io_error(&path, source)),
        }
    }
}

impl InternalResolver for DbResolver {
    fn is_internal(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https") && self.site_of(url).is_some()
    }

    async fn resolve(&self, url: &Url, _want_html: bool) -> Result<Resolution, ResolveError> {
        let Some(site) = self.site_of(url) else {
            return Ok(Resolution::Missing { status: 404 });
        };
        // NOTE: pages are not rendered here, so a fragment into a page that is not among the
        // checked pages is not verified.
        self.resolve_path(site, url.path()).await
    }
}

/// Returns true for the pages every site serves without a route.
// NOTE: the web crate routes the service guide and case pages without the routes table, so
// links to them resolve as missing here. That routing must move where this crate can call it.
fn is_fixed_page(path: &str) -> bool {
    matches!(
        path,
        "/" | "/index.html" | "/sitemap.html" | "/robots.txt" | "/sitemap.xml"
    ) || (path.starts_with("/sitemap-") && path.ends_with(".xml"))
        || path.ends_with("/atom.xml")
}

fn found_or_missing(found: bool) -> Resolution {
    if found {
        Resolution::Found { html: None }
    } else {
        Resolution::Missing { status: 404 }
    }
}
