//! The broken-link check: extracts the links of a site's pages, resolves those on the
//! platform's own sites without the network, checks the others over HTTP, verifies fragment
//! anchors, and reports broken links as faults.
//!
//! The entry point is [`check_pages`]: the server's monitor job passes pages it rendered
//! in-process, and `jiyue check links` passes the pages of a static export.

mod export;
mod extract;
mod http;
mod report;
mod resolve;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures_util::{stream, StreamExt};
use jiyue_core::Clock;
use percent_encoding::percent_decode_str;
pub use url::Url;

pub use export::{parse_site_url, read_export, ExportError};
pub use extract::{parse_html, srcset_urls, ParsedPage, RawLink};
pub use http::{
    parse_retry_after, without_fragment, Fetched, HttpChecker, HttpOptions, USER_AGENT,
};
pub use report::{fault_key, BrokenLink, LinkReport, PageCounts, PageReport, Problem};
pub use resolve::{
    is_html_file, DbResolver, DirResolver, InternalResolver, Resolution, ResolveError,
};

/// Internal lookups in flight at once (file system or database, no network).
const INTERNAL_CONCURRENCY: usize = 64;

/// Options of the check.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// Skip external links instead of requesting them.
    pub offline: bool,
    /// Report a fragment that names no `id` or `name` in the target page.
    pub include_fragments: bool,
    pub http: HttpOptions,
}

impl Default for LinkOptions {
    fn default() -> LinkOptions {
        LinkOptions {
            offline: false,
            include_fragments: true,
            http: HttpOptions::default(),
        }
    }
}

/// An error that stops the check.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("starting the HTTP client failed: {0}")]
    Client(#[from] reqwest::Error),
}

/// A link found in a page, resolved to an absolute address.
struct FoundLink {
    raw: RawLink,
    url: Result<Url, Problem>,
}

/// The resolved links of one parsed page.
struct PageLinks {
    url: Url,
    links: Vec<FoundLink>,
    skipped: usize,
}

/// The state of one distinct target (address without fragment).
#[derive(Debug, Clone)]
struct TargetState {
    /// Anchors of the target page, when known.
    anchors: Option<Arc<HashSet<String>>>,
    problem: Option<Problem>,
    redirects: Vec<String>,
}

/// Checks the links of `pages` (address and HTML of each), resolving internal addresses
/// with `resolver` and the rest over HTTP unless `options.offline` is set.
pub async fn check_pages<R: InternalResolver>(
    pages: Vec<(Url, String)>,
    resolver: &R,
    options: &LinkOptions,
    clock: Arc<dyn Clock>,
) -> Result<LinkReport, LinkError> {
    let (parsed, page_anchors) = parse_pages(pages).await;
    let mut report = LinkReport::default();

    let mut internal: HashMap<String, (Url, bool)> = HashMap::new();
    let mut external: HashMap<String, (Url, bool)> = HashMap::new();
    for page in &parsed {
        report.skipped += page.skipped;
        for link in &page.links {
            let Ok(url) = &link.url else { continue };
            let want_anchors = options.include_fragments && has_fragment(url);
            let key = target_key(url);
            if page_anchors.contains_key(&key) {
                continue;
            }
            let targets = if resolver.is_internal(url) {
                &mut internal
            } else if options.offline {
                report.skipped += 1;
                continue;
            } else {
                &mut external
            };
            let entry = targets
                .entry(key)
                .or_insert_with(|| (without_fragment(url), false));
            entry.1 |= want_anchors;
        }
    }
    report.internal_targets = internal.len();
    report.external_targets = external.len();

    let mut states: HashMap<String, TargetState> = page_anchors
        .iter()
        .map(|(key, anchors)| {
            let state = TargetState {
                anchors: Some(anchors.clone()),
                problem: None,
                redirects: Vec::new(),
            };
            (key.clone(), state)
        })
        .collect();
    let resolved = resolve_internal(internal, resolver, &mut report.errors).await;
    states.extend(resolved);

    if !external.is_empty() {
        let checker = HttpChecker::new(options.http.clone(), clock)?;
        let checked = check_external(external, &checker, options.http.max_concurrency).await;
        states.extend(checked);
    }

    build_report(&mut report, parsed, &states, options);
    Ok(report)
}

/// Parses every page on the blocking pool, and returns the pages with their links and the
/// anchors of each page by target key (a page is served at `dir/` and `dir/index.html` alike).
async fn parse_pages(
    pages: Vec<(Url, String)>,
) -> (Vec<PageLinks>, HashMap<String, Arc<HashSet<String>>>) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    let results: Vec<(PageLinks, Arc<HashSet<String>>)> = stream::iter(pages)
        .map(|(url, html)| {
            tokio::task::spawn_blocking(move || {
                let mut parsed = parse_html(&html);
                let anchors = Arc::new(std::mem::take(&mut parsed.anchors));
                (page_links(url, parsed), anchors)
            })
        })
        .buffered(workers)
        .filter_map(|joined| async move {
            match joined {
                Ok(page) => Some(page),
                Err(error) => {
                    tracing::error!(%error, "parsing a page failed");
                    None
                }
            }
        })
        .collect()
        .await;

    let mut anchors_by_key = HashMap::new();
    let mut parsed = Vec::with_capacity(results.len());
    for (page, anchors) in results {
        let key = target_key(&page.url);
        if let Some(directory) = key.strip_suffix("index.html") {
            anchors_by_key.insert(directory.to_string(), anchors.clone());
        }
        anchors_by_key.insert(key, anchors);
        parsed.push(page);
    }
    (parsed, anchors_by_key)
}

/// Resolves the links of one parsed page against its address and `<base href>`.
fn page_links(url: Url, parsed: ParsedPage) -> PageLinks {
    let base = parsed
        .base_href
        .as_deref()
        .and_then(|href| url.join(href).ok())
        .unwrap_or_else(|| url.clone());
    let mut links = Vec::with_capacity(parsed.links.len());
    let mut skipped = 0;
    for raw in parsed.links {
        if is_skipped_scheme(&raw.value) {
            skipped += 1;
            continue;
        }
        let resolved = base.join(&raw.value).map_err(|error| Problem::InvalidUrl {
            error: error.to_string(),
        });
        if let Ok(target) = &resolved {
            if !matches!(target.scheme(), "http" | "https") {
                skipped += 1;
                continue;
            }
        }
        links.push(FoundLink { raw, url: resolved });
    }
    PageLinks {
        url,
        links,
        skipped,
    }
}

/// Returns true for addresses that lead nowhere to check: mail, telephone, script and
/// inline data.
fn is_skipped_scheme(value: &str) -> bool {
    let lower = value
        .trim_start()
        .get(..11)
        .unwrap_or(value)
        .to_ascii_lowercase();
    ["mailto:", "tel:", "javascript:", "data:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

fn has_fragment(url: &Url) -> bool {
    url.fragment().is_some_and(|fragment| !fragment.is_empty())
}

fn target_key(url: &Url) -> String {
    let text = url.as_str();
    match text.find('#') {
        Some(hash) => text[..hash].to_string(),
        None => text.to_string(),
    }
}

async fn resolve_internal<R: InternalResolver>(
    targets: HashMap<String, (Url, bool)>,
    resolver: &R,
    errors: &mut Vec<String>,
) -> HashMap<String, TargetState> {
    let results: Vec<(String, Result<TargetState, ResolveError>)> = stream::iter(targets)
        .map(|(key, (url, want_html))| async move {
            let state = resolve_one(resolver, url, want_html).await;
            (key, state)
        })
        .buffer_unordered(INTERNAL_CONCURRENCY)
        .collect()
        .await;
    let mut states = HashMap::with_capacity(results.len());
    for (key, result) in results {
        match result {
            Ok(state) => {
                states.insert(key, state);
            }
            Err(error) => {
                tracing::warn!(target = %key, %error, "resolving an internal link failed");
                errors.push(format!("{key}: {error}"));
            }
        }
    }
    states
}

/// Resolves one internal address, following internal redirects up to the usual limit.
async fn resolve_one<R: InternalResolver>(
    resolver: &R,
    url: Url,
    want_html: bool,
) -> Result<TargetState, ResolveError> {
    const MAX_INTERNAL_REDIRECTS: usize = 10;
    let mut current = url;
    let mut redirects: Vec<String> = Vec::new();
    let mut visited = HashSet::from([current.to_string()]);
    loop {
        let resolution = resolver.resolve(&current, want_html).await?;
        let (anchors, problem) = match resolution {
            Resolution::Found { html } => {
                let anchors = html.map(|html| Arc::new(parse_html(&html).anchors));
                (anchors, None)
            }
            Resolution::Missing { status } => (None, Some(Problem::Status { status })),
            Resolution::Redirect(location) => {
                let next = match current.join(&location) {
                    Ok(next) => without_fragment(&next),
                    Err(error) => {
                        let problem = Problem::InvalidUrl {
                            error: format!("redirect to \"{location}\": {error}"),
                        };
                        return Ok(broken(problem, redirects));
                    }
                };
                redirects.push(next.to_string());
                if !visited.insert(next.to_string()) {
                    return Ok(broken(Problem::RedirectLoop, redirects));
                }
                if redirects.len() > MAX_INTERNAL_REDIRECTS {
                    let problem = Problem::TooManyRedirects {
                        limit: MAX_INTERNAL_REDIRECTS,
                    };
                    return Ok(broken(problem, redirects));
                }
                // NOTE: a redirect from an internal page to an external address is taken
                // as working; the external address itself is not requested.
                if !resolver.is_internal(&next) {
                    return Ok(TargetState {
                        anchors: None,
                        problem: None,
                        redirects,
                    });
                }
                current = next;
                continue;
            }
        };
        return Ok(TargetState {
            anchors,
            problem,
            redirects,
        });
    }
}

fn broken(problem: Problem, redirects: Vec<String>) -> TargetState {
    TargetState {
        anchors: None,
        problem: Some(problem),
        redirects,
    }
}

async fn check_external(
    targets: HashMap<String, (Url, bool)>,
    checker: &HttpChecker,
    concurrency: usize,
) -> HashMap<String, TargetState> {
    stream::iter(targets)
        .map(|(key, (url, want_anchors))| async move {
            let fetched = checker.check(&url, want_anchors).await;
            let state = match fetched.result {
                Ok(anchors) => TargetState {
                    anchors,
                    problem: None,
                    redirects: fetched.redirects,
                },
                Err(problem) => broken(problem, fetched.redirects),
            };
            (key, state)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await
}

fn build_report(
    report: &mut LinkReport,
    parsed: Vec<PageLinks>,
    states: &HashMap<String, TargetState>,
    options: &LinkOptions,
) {
    for page in parsed {
        let home = is_home(&page.url);
        let mut page_report = PageReport {
            url: page.url.to_string(),
            home,
            links: page.links.len(),
            broken: Vec::new(),
            unverified: Vec::new(),
        };
        for link in page.links {
            let Some(problem) = link_problem(&link, states, options) else {
                continue;
            };
            let (url, redirects) = match &link.url {
                Ok(url) => {
                    let redirects = states
                        .get(&target_key(url))
                        .map(|state| state.redirects.clone())
                        .unwrap_or_default();
                    (url.to_string(), redirects)
                }
                Err(_) => (link.raw.value.clone(), Vec::new()),
            };
            let broken_link = BrokenLink {
                written: link.raw.value,
                source: link.raw.source,
                url,
                problem,
                redirects,
            };
            if broken_link.problem.is_broken() {
                page_report.broken.push(broken_link);
            } else {
                page_report.unverified.push(broken_link);
            }
        }

        let counts = if home {
            &mut report.home
        } else {
            &mut report.inner
        };
        counts.pages += 1;
        counts.links += page_report.links;
        counts.broken += page_report.broken.len();
        report.unverified += page_report.unverified.len();
        if !page_report.broken.is_empty() || !page_report.unverified.is_empty() {
            report.pages.push(page_report);
        }
    }
}

/// Returns the problem of one link, or `None` when it works or was not checked.
fn link_problem(
    link: &FoundLink,
    states: &HashMap<String, TargetState>,
    options: &LinkOptions,
) -> Option<Problem> {
    let url = match &link.url {
        Ok(url) => url,
        Err(problem) => return Some(problem.clone()),
    };
    let state = states.get(&target_key(url))?;
    if let Some(problem) = &state.problem {
        return Some(problem.clone());
    }
    if !options.include_fragments {
        return None;
    }
    let fragment = url.fragment().filter(|fragment| !fragment.is_empty())?;
    let anchors = state.anchors.as_ref()?;
    let decoded = percent_decode_str(fragment).decode_utf8_lossy();
    if anchors.contains(decoded.as_ref()) || anchors.contains(fragment) {
        return None;
    }
    Some(Problem::MissingFragment {
        fragment: decoded.into_owned(),
    })
}

/// Returns true for a site's home page, whose broken links weigh more in the inspection.
fn is_home(url: &Url) -> bool {
    matches!(url.path(), "/" | "/index.html")
}
