//! Static export of a site, the page ledger's recording queue, and the tampering checks that
//! compare exported files and served pages with the ledger.
//!
//! The export crawls a site in-process through the public request path (`public::handle`),
//! so every file contains exactly the bytes the server sends a client that asks for no content
//! encoding. Under `DIR/.jiyue/` it writes a manifest (path, content type, SM3 digest,
//! length) and the redirects and gone pages as an nginx snippet. It also writes an nginx
//! server block that serves the folder with the same content types and security headers.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST, LOCATION};
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt, Empty};
use jiyue_db::{sm3_hex, LedgerEntry, SiteId};
use serde::{Deserialize, Serialize};

use crate::App;

mod ledger;
mod tamper;

pub use ledger::{run_ledger_writer, LedgerQueue};
pub use tamper::{check_export, check_served};

/// The folder inside an export that contains the manifest and the nginx files.
pub const META_FOLDER: &str = ".jiyue";
/// Bodies recorded per transaction at most.
const LEDGER_BATCH: usize = 200;
/// How long an in-process request may take.
const RENDER_TIMEOUT: Duration = Duration::from_secs(30);
/// Pages an export visits at most, so a listing that links to ever more pages cannot run away.
const MAX_PAGES: usize = 200_000;
/// Routes read per query while seeding the crawl.
const ROUTE_BATCH: i64 = 1_000;

/// Errors of export and the tampering checks.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("site {0} not found; give the site code (网站标识码) of a hosted site")]
    UnknownSite(String),
    #[error("{0}")]
    Db(#[from] jiyue_db::DbError),
    #[error("{action} {path} failed: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid manifest {path}: {message}; export the site again")]
    Manifest { path: PathBuf, message: String },
    #[error("rendering {path} failed with status {status}")]
    Render { path: String, status: u16 },
    #[error("building the HTTP client failed: {0}")]
    Client(String),
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ExportError {
    let path = path.to_path_buf();
    move |source| ExportError::Io {
        action,
        path,
        source,
    }
}

/// One response of the in-process crawl.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Fetched {
    /// Returns the `Content-Type` header, or an empty string.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }
}

/// Returns the `Host` header value of a site (`www.jl.gov.cn`, with a port when the public
/// address has one) and its base URL.
pub fn site_host(app: &App, site_id: SiteId) -> Option<(String, String)> {
    let directory = app.directory();
    let base = directory.hosts.base_url(site_id)?.to_string();
    let host = base
        .split_once("://")
        .map_or(base.as_str(), |(_, rest)| rest);
    Some((host.to_string(), base))
}

/// The mark of a request the platform sends its own public handler, such as the static
/// export's crawl: the security signals leave it out.
#[derive(Debug, Clone, Copy)]
pub struct InProcess;

/// Fetches `path` from the public request path as a client asking for no content encoding.
pub async fn fetch(app: &Arc<App>, host: &str, path: &str) -> Fetched {
    let peer = SocketAddr::from(([127, 0, 0, 1], 0));
    let request = hyper::Request::get(path)
        .header(HOST, host)
        .extension(InProcess)
        .body(Empty::<Bytes>::new());
    let response = match request {
        Ok(request) => crate::public::handle(app, request, peer, RENDER_TIMEOUT).await,
        Err(_) => crate::public::plain_error(StatusCode::BAD_REQUEST, "invalid path"),
    };
    let (parts, body) = response.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(never) => match never {},
    };
    Fetched {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// Returns whether the crawl leaves `path` alone: forms, search and the JSON API.
pub fn is_skipped(path: &str) -> bool {
    crate::citizen::is_interactive(path) || path == "/search" || path.starts_with("/api/")
}

/// Crawls a site in-process from its fixed pages, every route, every column's first page and
/// feed, following same-site links in HTML and XML, and calls `visit` with each response.
/// Returns the number of paths visited.
pub async fn crawl_site<F>(
    app: &Arc<App>,
    site_id: SiteId,
    mut visit: F,
) -> Result<usize, ExportError>
where
    F: FnMut(&str, &Fetched),
{
    let (host, base) =
        site_host(app, site_id).ok_or_else(|| ExportError::UnknownSite(site_id.to_string()))?;
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut push = |path: String, queue: &mut VecDeque<String>| {
        if !is_skipped(&path) && seen.len() < MAX_PAGES && seen.insert(path.clone()) {
            queue.push_back(path);
        }
    };
    for fixed in ["/", "/sitemap.html", "/sitemap.xml", "/robots.txt"] {
        push(fixed.to_string(), &mut queue);
    }
    let mut after = 0;
    loop {
        let routes = app.db.site_routes(site_id, after, ROUTE_BATCH).await?;
        let Some(last) = routes.last() else { break };
        after = last.id;
        for route in routes {
            push(route.path, &mut queue);
        }
    }
    for column in app.db.columns(site_id).await? {
        if column.path.is_empty() {
            continue;
        }
        push(format!("/{}/index.html", column.path), &mut queue);
        push(format!("/{}/atom.xml", column.path), &mut queue);
    }

    let mut visited = 0;
    while let Some(path) = queue.pop_front() {
        let fetched = fetch(app, &host, &path).await;
        visited += 1;
        visit(&path, &fetched);
        if fetched.status == StatusCode::OK {
            let markup =
                fetched.content_type().contains("html") || fetched.content_type().contains("xml");
            if markup {
                let text = String::from_utf8_lossy(&fetched.body);
                for link in links(&text) {
                    if let Some(found) = same_site_path(&link, &base, &path) {
                        push(found, &mut queue);
                    }
                }
            }
        }
    }
    Ok(visited)
}

/// Returns the values of `href` and `src` attributes and of `<loc>` elements, decoded.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["href=\"", "src=\"", "<loc>"] {
        let end = if marker == "<loc>" { '<' } else { '"' };
        for rest in text.split(marker).skip(1) {
            if let Some(value) = rest.split(end).next() {
                found.push(unescape(value.trim()));
            }
        }
    }
    found
}

fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Resolves a link found on `from` to a path of the same site, or `None` for another host,
/// a query, a fragment-only link or a scheme such as `mailto:`.
fn same_site_path(link: &str, base: &str, from: &str) -> Option<String> {
    let link = link.split('#').next().unwrap_or("");
    if link.is_empty() || link.contains('?') {
        return None;
    }
    let path = if let Some(rest) = link.strip_prefix(base) {
        if rest.is_empty() {
            "/".to_string()
        } else if rest.starts_with('/') {
            rest.to_string()
        } else {
            return None;
        }
    } else if link.starts_with("//") || link.contains(':') {
        return None;
    } else if link.starts_with('/') {
        link.to_string()
    } else {
        let folder = from.rsplit_once('/').map_or("", |(folder, _)| folder);
        format!("{folder}/{link}")
    };
    Some(path)
}

/// One exported file, as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The request path, such as `/` or `/zwgk/index.html`.
    pub path: String,
    /// The file below the export folder, such as `index.html`.
    pub file: String,
    pub content_type: String,
    /// Lowercase hex SM3 digest of the file.
    pub sm3: String,
    pub length: u64,
}

/// The manifest of an export: the site and every file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub site_code: String,
    pub host: String,
    pub files: Vec<ManifestEntry>,
}

/// The outcome of an export.
#[derive(Debug, Clone, Default)]
pub struct ExportReport {
    pub files: usize,
    pub bytes: u64,
    /// Paths that returned a redirect, and its location.
    pub redirects: Vec<(String, u16, String)>,
    /// Paths that returned a client or server error, and the status.
    pub errors: Vec<(String, u16)>,
    /// Paths that cannot be stored as files, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Maps a request path to a file below the export folder: `/` and any path ending in `/`
/// get `index.html`; percent-escapes are decoded. Rejects a path that could leave the folder
/// or reach the metadata folder.
pub fn file_for_path(path: &str) -> Result<PathBuf, String> {
    let decoded = percent_decode(path).ok_or_else(|| "invalid percent-escape".to_string())?;
    let mut relative = decoded
        .strip_prefix('/')
        .ok_or_else(|| "not an absolute path".to_string())?
        .to_string();
    if relative.is_empty() || relative.ends_with('/') {
        relative.push_str("index.html");
    }
    let mut file = PathBuf::new();
    for segment in relative.split('/') {
        let bad = segment.is_empty()
            || segment.starts_with('.')
            || segment.contains('\\')
            || segment.contains('\0');
        if bad {
            return Err(format!(
                "segment \"{segment}\" is not allowed in a file name"
            ));
        }
        file.push(segment);
    }
    if file
        .components()
        .any(|part| !matches!(part, Component::Normal(_)))
    {
        return Err("the path leaves the export folder".to_string());
    }
    Ok(file)
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = path.get(index + 1..index + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Exports a site (by site code) into `dir`, records every exported body in the ledger, and
/// writes the manifest and the nginx files. Files of an earlier export that the site no
/// longer has are left in place; export into an empty folder for an exact copy.
pub async fn export_site(
    app: &Arc<App>,
    site_code: &str,
    dir: &Path,
) -> Result<ExportReport, ExportError> {
    let site_id = site_id_of(app, site_code)?;
    let (host, _) =
        site_host(app, site_id).ok_or_else(|| ExportError::UnknownSite(site_code.to_string()))?;
    std::fs::create_dir_all(dir).map_err(io_error("creating", dir))?;

    let mut report = ExportReport::default();
    let mut files: BTreeMap<String, ManifestEntry> = BTreeMap::new();
    let mut bodies: Vec<(PathBuf, Bytes)> = Vec::new();
    let mut security = HeaderMap::new();
    crawl_site(app, site_id, |path, fetched| {
        let status = fetched.status.as_u16();
        if fetched.status.is_redirection() {
            let location = fetched
                .headers
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_string();
            report.redirects.push((path.to_string(), status, location));
            return;
        }
        if status >= 400 {
            report.errors.push((path.to_string(), status));
            return;
        }
        let file = match file_for_path(path) {
            Ok(file) => file,
            Err(reason) => {
                report.skipped.push((path.to_string(), reason));
                return;
            }
        };
        if path == "/" {
            security = fetched.headers.clone();
        }
        let name = file.to_string_lossy().replace('\\', "/");
        files.insert(
            path.to_string(),
            ManifestEntry {
                path: path.to_string(),
                file: name,
                content_type: fetched.content_type().to_string(),
                sm3: sm3_hex(&fetched.body),
                length: fetched.body.len() as u64,
            },
        );
        bodies.push((file, fetched.body.clone()));
    })
    .await?;

    for (file, body) in &bodies {
        write_file(&dir.join(file), body)?;
        report.files += 1;
        report.bytes += body.len() as u64;
    }
    let entries: Vec<LedgerEntry> = files
        .values()
        .filter(|entry| entry.path.len() <= jiyue_db::MAX_LEDGER_PATH_BYTES)
        .map(|entry| LedgerEntry {
            site_id,
            path: entry.path.clone(),
            digest: entry.sm3.clone(),
            length: entry.length,
            content_type: entry.content_type.clone(),
        })
        .collect();
    for chunk in entries.chunks(LEDGER_BATCH) {
        app.db.ledger_record(chunk).await?;
    }

    let manifest = Manifest {
        site_code: site_code.to_string(),
        host: host.clone(),
        files: files.into_values().collect(),
    };
    write_meta(dir, &manifest, &report, &security)?;
    Ok(report)
}

fn site_id_of(app: &App, site_code: &str) -> Result<SiteId, ExportError> {
    app.directory()
        .sites
        .values()
        .find(|site| site.code == site_code)
        .map(|site| site.id)
        .ok_or_else(|| ExportError::UnknownSite(site_code.to_string()))
}

/// Writes a file through a temporary name and a rename, so a reader never sees half of it.
fn write_file(path: &Path, body: &[u8]) -> Result<(), ExportError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error("creating", parent))?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".jiyue-tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, body).map_err(io_error("writing", &temporary))?;
    std::fs::rename(&temporary, path).map_err(io_error("renaming", path))
}

fn manifest_path(dir: &Path) -> PathBuf {
    dir.join(META_FOLDER).join("manifest.json")
}

fn write_meta(
    dir: &Path,
    manifest: &Manifest,
    report: &ExportReport,
    security: &HeaderMap,
) -> Result<(), ExportError> {
    let json = serde_json::to_vec_pretty(manifest).map_err(|error| ExportError::Manifest {
        path: manifest_path(dir),
        message: error.to_string(),
    })?;
    write_file(&manifest_path(dir), &json)?;
    let redirects = nginx_redirects(report);
    write_file(
        &dir.join(META_FOLDER).join("redirects.conf"),
        redirects.as_bytes(),
    )?;
    write_file(
        &dir.join(META_FOLDER).join("upstream.conf"),
        nginx_upstream(manifest).as_bytes(),
    )?;
    let server = nginx_server(dir, manifest, security);
    write_file(&dir.join(META_FOLDER).join("nginx.conf"), server.as_bytes())
}

/// The public listener's default address, where the mirror sends what it cannot serve.
const DEFAULT_ORIGIN: &str = "127.0.0.1:8080";

/// Returns the name of the nginx upstream of a site's platform, unique per site so that the
/// mirrors of several sites share one nginx.
fn upstream_name(manifest: &Manifest) -> String {
    format!("jiyue_platform_{}", manifest.site_code)
}

/// Builds the `upstream` block (for nginx's `http` level) of the platform that serves the
/// forms, the search and the API behind the mirror.
fn nginx_upstream(manifest: &Manifest) -> String {
    format!(
        "# The platform behind the static mirror of site {code}: forms, search, the API and the\n\
         # citizen account go there. Point it at the platform's public listener.\n\
         upstream {name} {{\n    server {DEFAULT_ORIGIN};\n    keepalive 16;\n}}\n",
        code = manifest.site_code,
        name = upstream_name(manifest),
    )
}

/// The paths a static mirror cannot serve: interactive pages and forms, the search and the
/// JSON API, as nginx location matches. They mirror `citizen::is_interactive` and
/// [`is_skipped`].
const DYNAMIC_LOCATIONS: [&str; 7] = [
    "= /search",
    "^~ /api/",
    "^~ /account/",
    "= /hudong/write",
    "= /zhaocuo",
    "= /ysqgk",
    "~ ^/hudong/zj/[^/]+/opinion$",
];

/// Quotes a value for an nginx configuration file.
fn nginx_quote(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

fn nginx_redirects(report: &ExportReport) -> String {
    let mut text = String::from(
        "# Redirects and gone pages of the exported site, written by `jiyue export static`.\n",
    );
    for (path, status, location) in &report.redirects {
        text.push_str(&format!(
            "location = {} {{ return {status} {}; }}\n",
            nginx_quote(path),
            nginx_quote(location)
        ));
    }
    for (path, status) in &report.errors {
        if *status == 410 {
            text.push_str(&format!(
                "location = {} {{ return 410; }}\n",
                nginx_quote(path)
            ));
        }
    }
    text
}

/// Builds a server block that serves the export with each file's content type and the
/// security headers of the site's home page.
fn nginx_server(dir: &Path, manifest: &Manifest, security: &HeaderMap) -> String {
    let root = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let root = root.to_string_lossy();
    let server_name = manifest.host.split(':').next().unwrap_or(&manifest.host);
    let mut text = format!(
        "# Static mirror of site {code}, written by `jiyue export static`.\n\
         server {{\n    listen 80;\n    server_name {server_name};\n    root {root};\n\
         \x20   index index.html;\n    charset off;\n    types {{ }}\n\
         \x20   default_type application/octet-stream;\n",
        code = manifest.site_code,
        root = nginx_quote(&root),
    );
    let skipped = [
        "content-type",
        "content-length",
        "etag",
        "vary",
        "content-encoding",
        "cache-control",
    ];
    for (name, value) in security {
        if skipped.contains(&name.as_str()) {
            continue;
        }
        if let Ok(value) = value.to_str() {
            text.push_str(&format!(
                "    add_header {name} {} always;\n",
                nginx_quote(value)
            ));
        }
    }
    text.push_str(&format!(
        "    location ^~ /{META_FOLDER}/ {{ return 404; }}\n    include {};\n",
        nginx_quote(&format!("{root}/{META_FOLDER}/redirects.conf"))
    ));
    let upstream = upstream_name(manifest);
    for location in DYNAMIC_LOCATIONS {
        text.push_str(&format!(
            "    location {location} {{\n        proxy_pass http://{upstream};\n\
             \x20       proxy_http_version 1.1;\n        proxy_set_header Connection \"\";\n\
             \x20       proxy_set_header Host $host;\n\
             \x20       proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
             \x20       proxy_set_header X-Forwarded-Proto $scheme;\n    }}\n"
        ));
    }
    for entry in &manifest.files {
        if entry.content_type.is_empty() {
            continue;
        }
        text.push_str(&format!(
            "    location = {} {{ default_type {}; }}\n",
            nginx_quote(&format!("/{}", entry.file)),
            nginx_quote(&entry.content_type)
        ));
    }
    text.push_str("}\n");
    text
}

/// Reads the manifest of an export folder.
pub fn read_manifest(dir: &Path) -> Result<Manifest, ExportError> {
    let path = manifest_path(dir);
    let bytes = std::fs::read(&path).map_err(io_error("reading", &path))?;
    serde_json::from_slice(&bytes).map_err(|error| ExportError::Manifest {
        path,
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_files() {
        assert_eq!(file_for_path("/").unwrap(), PathBuf::from("index.html"));
        assert_eq!(
            file_for_path("/zwgk/").unwrap(),
            PathBuf::from("zwgk/index.html")
        );
        assert_eq!(
            file_for_path("/files/%E9%99%84%E4%BB%B6.pdf").unwrap(),
            PathBuf::from("files/附件.pdf")
        );
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a//b",
            "/.jiyue/manifest.json",
            "x",
            "/a%zz",
            "/a\\b",
        ] {
            assert!(file_for_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_resolve_within_site() {
        let base = "http://www.jl.localhost:8080";
        let from = "/zwgk/index.html";
        assert_eq!(
            same_site_path("/static/site.css", base, from).as_deref(),
            Some("/static/site.css")
        );
        assert_eq!(
            same_site_path("http://www.jl.localhost:8080/a.html#top", base, from).as_deref(),
            Some("/a.html")
        );
        assert_eq!(same_site_path(base, base, from).as_deref(), Some("/"));
        assert_eq!(
            same_site_path("index_1.html", base, from).as_deref(),
            Some("/zwgk/index_1.html")
        );
        assert_eq!(
            same_site_path("http://www.jl.localhost:80801/", base, from),
            None
        );
        assert_eq!(same_site_path("https://example.org/", base, from), None);
        assert_eq!(same_site_path("//example.org/", base, from), None);
        assert_eq!(same_site_path("mailto:a@example.org", base, from), None);
        assert_eq!(same_site_path("/search?q=a", base, from), None);
        assert_eq!(
            links("<a href=\"&#x2f;a\">x</a><loc>http://h/b</loc>"),
            ["/a", "http://h/b"]
        );
    }
}
