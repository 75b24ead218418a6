//! Rendering on a cache miss: resolves a path on a site to a page, feed, sitemap or file, and
//! records the tags each response was rendered from.

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::{HeaderName, HeaderValue, StatusCode};
use jiyue_core::paths::{column_page_path, parse_column_page};
use jiyue_db::{Column, RouteTarget, SiteId};
use jiyue_render::model::{DirectoryEntry, DirectoryGroup, DirectoryPage, NotFoundPage};

use crate::cache::{CachedPage, SiteKey};
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

pub(crate) mod cases;
mod feeds;
pub(crate) mod files;
mod item;
mod listing;
pub mod search;
pub(crate) mod services;

pub use search::search;

/// The target of a host once aliases are resolved: the platform directory or a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Directory,
    Site(SiteId),
}

impl Target {
    /// Returns the page-cache key of the target: the site id, or 0 for the directory.
    pub fn cache_key(self) -> SiteKey {
        match self {
            Target::Directory => 0,
            Target::Site(id) => id,
        }
    }
}

/// A failure to build a page; the client sees a plain 500.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("database: {0}")]
    Db(#[from] jiyue_db::DbError),
    #[error("template: {0}")]
    Render(#[from] jiyue_render::RenderError),
    #[error("search: {0}")]
    Search(#[from] jiyue_search::SearchError),
    #[error("background task failed: {0}")]
    Task(String),
    #[error("site {0} is not in the host table")]
    UnknownSite(SiteId),
}

/// A response built on a miss, and whether the cache may keep it.
pub struct Rendered {
    pub page: CachedPage,
    pub cacheable: bool,
}

/// Kinds of response body, which decide content type and compression.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    Html,
    Atom,
    Xml,
    Text,
    Asset(&'static str),
}

impl Body {
    fn content_type(self) -> &'static str {
        match self {
            Body::Html => "text/html; charset=utf-8",
            Body::Atom => "application/atom+xml; charset=utf-8",
            Body::Xml => "application/xml; charset=utf-8",
            Body::Text => "text/plain; charset=utf-8",
            Body::Asset(content_type) => content_type,
        }
    }
}

/// Builds a page response with the site's security headers.
pub fn page(
    csp: &str,
    status: StatusCode,
    kind: Body,
    body: impl Into<Bytes>,
    tags: Vec<String>,
) -> CachedPage {
    page_with(csp, status, kind, body, tags, Vec::new())
}

/// Builds a page response like `page`, with `extra` headers added or replacing defaults.
pub fn page_with(
    csp: &str,
    status: StatusCode,
    kind: Body,
    body: impl Into<Bytes>,
    tags: Vec<String>,
    extra: Vec<(HeaderName, HeaderValue)>,
) -> CachedPage {
    let mut headers: Vec<(HeaderName, HeaderValue)> = crate::headers::security_headers(csp, false);
    headers.push((CONTENT_TYPE, HeaderValue::from_static(kind.content_type())));
    let cache_control = match kind {
        Body::Asset(_) => "public, max-age=86400",
        _ => "public, max-age=60",
    };
    headers.push((CACHE_CONTROL, HeaderValue::from_static(cache_control)));
    headers.retain(|(name, _)| !extra.iter().any(|(extra_name, _)| extra_name == name));
    headers.extend(extra);
    let compressible =
        !matches!(kind, Body::Asset(t) if t.starts_with("image/") && !t.contains("svg"));
    CachedPage::build(status, headers, body.into(), compressible, tags)
}

/// Returns the Content Security Policy of a site.
pub fn site_csp(ctx: &SiteContext<'_>) -> String {
    let settings = &ctx.site.settings;
    let scripts: Vec<&str> = [
        settings.badge_script_url.as_deref(),
        settings.error_report_script_url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    crate::headers::content_security_policy(&scripts)
}

/// Loads a site's context: the site, its base URL and its columns.
pub async fn site_context<'a>(
    app: &App,
    directory: &'a SiteDirectory,
    site_id: SiteId,
) -> Result<SiteContext<'a>, PageError> {
    let site = directory
        .sites
        .get(&site_id)
        .ok_or(PageError::UnknownSite(site_id))?;
    let base_url = directory
        .hosts
        .base_url(site_id)
        .ok_or(PageError::UnknownSite(site_id))?
        .to_string();
    let columns = app.db.columns(site_id).await?;
    Ok(SiteContext {
        site,
        base_url,
        columns,
    })
}

/// Renders the response for `path` on `target`.
pub async fn render(
    app: &App,
    directory: &SiteDirectory,
    target: Target,
    path: &str,
) -> Result<Rendered, PageError> {
    if let Some(name) = path.strip_prefix("/static/") {
        return Ok(static_file(name));
    }
    if let Some(name) = path.strip_prefix("/files/") {
        return files::render(app, name).await;
    }
    match target {
        Target::Directory => directory_page(app, directory, path).await,
        Target::Site(site_id) => site_page(app, directory, site_id, path).await,
    }
}

fn static_file(name: &str) -> Rendered {
    let csp = crate::headers::content_security_policy(&[]);
    match jiyue_render::static_asset(name) {
        Some((bytes, content_type)) => Rendered {
            page: page(
                &csp,
                StatusCode::OK,
                Body::Asset(content_type),
                bytes,
                vec!["theme".into()],
            ),
            cacheable: true,
        },
        None => Rendered {
            page: page(
                &csp,
                StatusCode::NOT_FOUND,
                Body::Text,
                "static file not found\n",
                Vec::new(),
            ),
            cacheable: false,
        },
    }
}

async fn site_page(
    app: &App,
    directory: &SiteDirectory,
    site_id: SiteId,
    path: &str,
) -> Result<Rendered, PageError> {
    let ctx = site_context(app, directory, site_id).await?;
    let nav_tag = format!("nav:{site_id}");

    match path {
        "/" | "/index.html" => return listing::home(app, directory, &ctx).await,
        "/sitemap.html" => {
            let root = ctx.column_by_path("").map(|column| column.id);
            let model = jiyue_render::model::SiteMapPage {
                site: ctx.view(directory, None),
                columns: ctx.site_map(root, 0),
            };
            let html = app.renderer.site_map(&model)?;
            let csp = site_csp(&ctx);
            return Ok(Rendered {
                page: page(&csp, StatusCode::OK, Body::Html, html, vec![nav_tag]),
                cacheable: true,
            });
        }
        "/robots.txt" => {
            let body = jiyue_render::robots_txt(&ctx.url("/sitemap.xml"));
            let csp = site_csp(&ctx);
            return Ok(Rendered {
                page: page(&csp, StatusCode::OK, Body::Text, body, vec![nav_tag]),
                cacheable: true,
            });
        }
        _ => {}
    }
    if let Some(rendered) = services::render(app, directory, &ctx, path).await? {
        return Ok(rendered);
    }
    if let Some(rendered) = cases::render(app, directory, &ctx, path).await? {
        return Ok(rendered);
    }
    if path == "/sitemap.xml" || (path.starts_with("/sitemap-") && path.ends_with(".xml")) {
        return feeds::sitemap(app, &ctx, path).await;
    }
    if let Some(column_path) = path
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix("/atom.xml"))
    {
        if let Some(column) = ctx.column_by_path(column_path) {
            return feeds::atom(app, &ctx, column).await;
        }
    }

    if let Some(route) = app.db.route(site_id, path).await? {
        return match route.target {
            RouteTarget::Item(item_id) => {
                item::item_page(app, directory, &ctx, item_id, path).await
            }
            RouteTarget::Column { column_id, page } => match ctx.column(column_id) {
                Some(column) => listing::column(app, directory, &ctx, column, page).await,
                None => not_found(app, directory, &ctx, path),
            },
            RouteTarget::Redirect(location) => Ok(redirect(&ctx, &location, nav_tag.clone())),
            RouteTarget::Gone(notice) => gone(app, directory, &ctx, &notice),
            RouteTarget::File(_) => not_found(app, directory, &ctx, path),
        };
    }
    if let Some((column_path, number)) = parse_column_page(path) {
        if let Some(column) = ctx.column_by_path(&column_path) {
            return listing::column(app, directory, &ctx, column, number).await;
        }
    }
    if let Some(column_path) = path.strip_prefix('/').map(|p| p.trim_end_matches('/')) {
        if let Some(column) = ctx.column_by_path(column_path) {
            let location = ctx.url(&column_page_path(&column.path, 0));
            return Ok(redirect(&ctx, &location, nav_tag.clone()));
        }
    }
    if let Some(location) = moved_column_page(app, site_id, path).await? {
        return Ok(redirect(&ctx, &location, nav_tag));
    }
    not_found(app, directory, &ctx, path)
}

/// Follows a column that moved for the pages without routes of their own: a later listing
/// page (`index_3.html`) or the feed (`atom.xml`) at the old path redirects to the same page
/// at the path the column's first page now redirects to.
async fn moved_column_page(
    app: &App,
    site_id: SiteId,
    path: &str,
) -> Result<Option<String>, PageError> {
    let Some((folder, file)) = path.rsplit_once('/') else {
        return Ok(None);
    };
    let listing_page = file
        .strip_prefix("index_")
        .and_then(|rest| rest.strip_suffix(".html"));
    let known = file == "atom.xml" || listing_page.is_some_and(|n| n.parse::<u32>().is_ok());
    if folder.is_empty() || !known {
        return Ok(None);
    }
    let first_page = format!("{folder}/index.html");
    let Some(route) = app.db.route(site_id, &first_page).await? else {
        return Ok(None);
    };
    let RouteTarget::Redirect(location) = route.target else {
        return Ok(None);
    };
    Ok(location
        .strip_suffix("/index.html")
        .filter(|new_folder| new_folder.starts_with('/') && !new_folder.starts_with("//"))
        .map(|new_folder| format!("{new_folder}/{file}")))
}

fn redirect(ctx: &SiteContext<'_>, location: &str, tag: String) -> Rendered {
    let csp = site_csp(ctx);
    let extra: Vec<_> = HeaderValue::from_str(location)
        .map(|value| vec![(LOCATION, value)])
        .unwrap_or_default();
    let page = page_with(
        &csp,
        StatusCode::MOVED_PERMANENTLY,
        Body::Text,
        "moved permanently\n",
        vec![tag],
        extra,
    );
    Rendered {
        page,
        cacheable: true,
    }
}

/// Renders the 404 page inside the site's layout. It is not cached, so that requests for
/// random paths cannot push real pages out of the cache.
pub fn not_found(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    path: &str,
) -> Result<Rendered, PageError> {
    let model = NotFoundPage {
        site: Some(ctx.view(directory, None)),
        host: ctx.site.primary_domain.clone(),
        path: path.to_string(),
    };
    let html = app.renderer.not_found(&model)?;
    Ok(Rendered {
        page: page(
            &site_csp(ctx),
            StatusCode::NOT_FOUND,
            Body::Html,
            html,
            Vec::new(),
        ),
        cacheable: false,
    })
}

fn gone(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    notice: &str,
) -> Result<Rendered, PageError> {
    let model = jiyue_render::model::GonePage {
        site: ctx.view(directory, None),
        notice: notice.to_string(),
    };
    let html = app.renderer.gone(&model)?;
    let tags = vec![format!("nav:{}", ctx.site.id)];
    Ok(Rendered {
        page: page(&site_csp(ctx), StatusCode::GONE, Body::Html, html, tags),
        cacheable: true,
    })
}

/// Renders the plain platform 404 for a host that no site uses, naming the host.
pub fn unknown_host(app: &App, host: &str, path: &str) -> Result<CachedPage, PageError> {
    let model = NotFoundPage {
        site: None,
        host: host.chars().take(255).collect(),
        path: path.chars().take(1000).collect(),
    };
    let html = app.renderer.not_found(&model)?;
    let csp = crate::headers::content_security_policy(&[]);
    Ok(page(
        &csp,
        StatusCode::NOT_FOUND,
        Body::Html,
        html,
        Vec::new(),
    ))
}

async fn directory_page(
    app: &App,
    directory: &SiteDirectory,
    path: &str,
) -> Result<Rendered, PageError> {
    let csp = crate::headers::content_security_policy(&[]);
    if path != "/" && path != "/index.html" {
        let model = NotFoundPage {
            site: None,
            host: format!("sites.{}", app.config.hosts.platform_domain),
            path: path.to_string(),
        };
        let html = app.renderer.not_found(&model)?;
        return Ok(Rendered {
            page: page(&csp, StatusCode::NOT_FOUND, Body::Html, html, Vec::new()),
            cacheable: false,
        });
    }
    let orgs = app.db.orgs().await?;
    let mut sites: Vec<_> = directory.sites.values().collect();
    sites.sort_by(|a, b| a.code.cmp(&b.code));
    let mut groups: Vec<DirectoryGroup> = Vec::new();
    for org in &orgs {
        let entries: Vec<DirectoryEntry> = sites
            .iter()
            .filter(|site| site.org_id == org.id)
            .filter_map(|site| {
                Some(DirectoryEntry {
                    name: site.name.clone(),
                    code: site.code.clone(),
                    url: format!("{}/", directory.hosts.base_url(site.id)?),
                    lang: site.lang.clone(),
                })
            })
            .collect();
        if !entries.is_empty() {
            groups.push(DirectoryGroup {
                org_name: org.name.clone(),
                sites: entries,
            });
        }
    }
    let model = DirectoryPage {
        platform_name: app.config.platform_name.clone(),
        lang: "zh-CN".to_string(),
        groups,
    };
    let html = app.renderer.directory(&model)?;
    Ok(Rendered {
        page: page(
            &csp,
            StatusCode::OK,
            Body::Html,
            html,
            vec!["directory".into()],
        ),
        cacheable: true,
    })
}

/// Returns the tags of a column listing: the site's navigation and footer, and the column.
pub fn column_tags(site_id: SiteId, column: &Column) -> Vec<String> {
    vec![format!("nav:{site_id}"), format!("column:{}", column.id)]
}
