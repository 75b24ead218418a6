//! The search page of every site: results from all sites with the current site boosted, a
//! 本站 / 全部网站 switch, facets by site and year, and pagination. Not cached: the query
//! space is unbounded.

use http::StatusCode;
use jiyue_render::model::{FacetView, Pagination, SearchHitView, SearchPage};
use jiyue_search::{Scope as SearchScope, SearchQuery};

use super::{page, page_with, site_context, site_csp, Body, PageError, Target};
use crate::cache::CachedPage;
use crate::sitemodel::china_date;
use crate::{App, SiteDirectory};

/// Results per search page.
const PER_PAGE: u32 = 10;
/// Pages a client may ask for at most, so that deep paging cannot make the index collect
/// unbounded result lists.
const MAX_PAGE: u32 = 100;

/// The parameters of `/search`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SearchParams {
    pub q: String,
    pub current_only: bool,
    pub site: Option<String>,
    pub year: Option<i32>,
    pub page: u32,
    /// True to search public services only (`kind=service`), as the one-stop pages do.
    pub services_only: bool,
}

impl SearchParams {
    /// Parses the query string; unknown or malformed parameters are ignored.
    pub fn parse(query: &str) -> Self {
        let mut params = Self::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match &*key {
                "q" => params.q = value.chars().take(1000).collect(),
                "scope" => params.current_only = value == "site",
                "site" if value.len() <= 12 && value.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                    params.site = Some(value.into_owned());
                }
                "year" => params.year = value.parse().ok().filter(|y| (1949..=2200).contains(y)),
                "kind" => params.services_only = value == jiyue_search::SERVICE_KIND,
                "page" => params.page = value.parse::<u32>().unwrap_or(1).clamp(1, MAX_PAGE) - 1,
                _ => {}
            }
        }
        params
    }

    /// Builds the query string of these parameters, 1-based page included when past the first.
    pub fn to_query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("q", &self.q);
        if self.current_only {
            out.append_pair("scope", "site");
        }
        if let Some(site) = &self.site {
            out.append_pair("site", site);
        }
        if let Some(year) = self.year {
            out.append_pair("year", &year.to_string());
        }
        if self.services_only {
            out.append_pair("kind", jiyue_search::SERVICE_KIND);
        }
        if self.page > 0 {
            out.append_pair("page", &(self.page + 1).to_string());
        }
        out.finish()
    }
}

/// Renders `/search` for a site; the directory host has no search page. With `counted`, the
/// search counts in analytics.
pub async fn search(
    app: &App,
    directory: &SiteDirectory,
    target: Target,
    query: &str,
    counted: bool,
) -> Result<CachedPage, PageError> {
    let Target::Site(site_id) = target else {
        let csp = crate::headers::content_security_policy(&[]);
        return Ok(page(
            &csp,
            StatusCode::NOT_FOUND,
            Body::Text,
            "search is offered on each site\n",
            Vec::new(),
        ));
    };
    let ctx = site_context(app, directory, site_id).await?;
    let params = SearchParams::parse(query);
    let site_code = ctx.site.code.clone();
    let lang = ctx.site.lang.clone();

    let query = SearchQuery {
        text: params.q.clone(),
        current_site: Some(site_code.clone()),
        scope: if params.current_only {
            SearchScope::CurrentSite
        } else {
            SearchScope::All
        },
        site_filter: params.site.clone(),
        year: params.year,
        page: params.page,
        per_page: PER_PAGE,
        kind: params
            .services_only
            .then(|| jiyue_search::SERVICE_KIND.to_string()),
    };
    // Searching is CPU work that blocks; keep it off the threads that serve cached pages.
    let index = app.search.clone();
    let results = tokio::task::spawn_blocking(move || index.search(&query))
        .await
        .map_err(|error| PageError::Task(error.to_string()))??;

    if results.total == 0 && !results.empty_query && params.page == 0 {
        record_miss(app, site_id, &params.q);
    }
    // Later pages and facet filters refine a search already counted.
    let first_request = params.page == 0 && params.site.is_none() && params.year.is_none();
    if counted && first_request && !results.empty_query {
        app.analytics
            .record_search(site_id, &params.q, results.total == 0);
    }

    let url_with = |change: &dyn Fn(&mut SearchParams)| {
        let mut next = params.clone();
        next.page = 0;
        change(&mut next);
        ctx.url(&format!("/search?{}", next.to_query()))
    };
    let site_facets = results
        .site_facets
        .iter()
        .map(|facet| {
            let selected = params.site.as_deref() == Some(facet.value.as_str());
            let label = directory
                .sites
                .values()
                .find(|site| site.code == facet.value)
                .map(|site| site.name.clone())
                .unwrap_or_else(|| facet.value.clone());
            let value = facet.value.clone();
            FacetView {
                label,
                count: facet.count,
                url: url_with(&|p| p.site = if selected { None } else { Some(value.clone()) }),
                selected,
            }
        })
        .collect();
    let year_facets = results
        .year_facets
        .iter()
        .map(|facet| {
            let year: Option<i32> = facet.value.parse().ok();
            let selected = year.is_some() && params.year == year;
            FacetView {
                label: facet.value.clone(),
                count: facet.count,
                url: url_with(&|p| p.year = if selected { None } else { year }),
                selected,
            }
        })
        .collect();
    let hits = results
        .hits
        .iter()
        .map(|hit| SearchHitView {
            title_html: hit.title_html.clone(),
            snippet_html: hit.snippet_html.clone(),
            url: hit_url(directory, &hit.site_code, &hit.url),
            site_name: hit.site_name.clone(),
            date: chrono::DateTime::from_timestamp(hit.published_at, 0)
                .map(china_date)
                .unwrap_or_default(),
            column_name: hit.column_name.clone(),
            service: hit.kind == jiyue_search::SERVICE_KIND,
        })
        .collect();
    let pagination = Pagination::new(
        params.page as usize,
        (results.total as u64).min(u64::from(MAX_PAGE * PER_PAGE)),
        PER_PAGE as usize,
        |p| {
            let mut next = params.clone();
            next.page = p as u32;
            ctx.url(&format!("/search?{}", next.to_query()))
        },
    );
    let notice = if results.empty_query {
        Some(app.renderer.catalog().message(&lang, "search-empty-query"))
    } else if results.truncated {
        Some(app.renderer.catalog().message(&lang, "search-truncated"))
    } else {
        None
    };
    let model = SearchPage {
        site: ctx.view(directory, None),
        query: params.q.clone(),
        scope_current: params.current_only,
        results: hits,
        total: results.total as u64,
        site_facets,
        year_facets,
        pagination,
        switch_current_url: url_with(&|p| p.current_only = true),
        switch_all_url: url_with(&|p| p.current_only = false),
        services_only: params.services_only,
        all_kinds_url: url_with(&|p| p.services_only = false),
        notice,
    };
    let html = app.renderer.search(&model)?;
    let no_cache = vec![(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-cache"),
    )];
    let response = page_with(
        &site_csp(&ctx),
        StatusCode::OK,
        Body::Html,
        html,
        Vec::new(),
        no_cache,
    );
    Ok(response)
}

/// Returns the absolute URL of a hit: the base URL of its home site plus its stored path.
fn hit_url(directory: &SiteDirectory, site_code: &str, path: &str) -> String {
    directory
        .sites
        .values()
        .find(|site| site.code == site_code)
        .and_then(|site| directory.hosts.base_url(site.id))
        .map(|base| format!("{base}{path}"))
        .unwrap_or_else(|| path.to_string())
}

/// Counts a query that found nothing, with personal data masked, for the editors' list, without
/// making the visitor wait.
/// At most a few such writes run at once; past that, misses are dropped rather than queued, so
/// a flood of nonsense queries cannot load the database.
fn record_miss(app: &App, site_id: jiyue_db::SiteId, query: &str) {
    let Ok(permit) = app.miss_permits.clone().try_acquire_owned() else {
        tracing::debug!("an unanswered query was not counted: too many being written");
        return;
    };
    let db = app.db.clone();
    // Visitors type phone and identity numbers into the search box; the list editors read
    // keeps only their masked form.
    let query = jiyue_core::mask_personal_data(query, &[]).text;
    tokio::spawn(async move {
        if let Err(error) = db.record_search_miss(site_id, &query).await {
            tracing::warn!(%error, "counting an unanswered query failed");
        }
        drop(permit);
    });
}
