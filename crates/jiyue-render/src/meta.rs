//! The head of every page: the `<title>`, the national meta tags, and the canonical,
//! language-alternate and feed links, computed from the page models so the base layout only
//! prints them.

use jiyue_core::ColumnType;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::model::{
    ColumnPage, ColumnView, GonePage, HomePage, ItemPage, LangLink, NotFoundPage, SearchPage,
    SiteMapPage, SiteView,
};

/// Everything the base layout prints in `<head>` and the header's language switch.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageHead {
    pub title: String,
    /// National meta tags; absent on platform pages that belong to no site.
    pub national: Option<NationalMeta>,
    pub canonical_url: Option<String>,
    /// Other language versions of the page, for `rel=alternate` links and the language switch.
    pub alternates: Vec<LangLink>,
    pub feed: Option<FeedLink>,
}

/// The meta tags the national page-design rules require on every page of a government site.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NationalMeta {
    pub site_name: String,
    pub site_domain: String,
    pub site_code: String,
    pub column_name: String,
    pub column_description: String,
    pub column_keywords: String,
    /// Chinese name of the column type, whatever the page language.
    pub column_type: &'static str,
    pub article: Option<ArticleMeta>,
}

/// The extra meta tags of an article page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ArticleMeta {
    pub title: String,
    pub pub_date: String,
    pub source: String,
}

/// The Atom feed link of a column page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FeedLink {
    pub url: String,
    pub title: String,
}

pub(crate) fn home(page: &HomePage, catalog: &Catalog) -> PageHead {
    let site = &page.site;
    let national = NationalMeta {
        column_name: catalog.message(&site.lang, "home-column-name"),
        column_description: site.description.clone(),
        column_keywords: site.keywords.join(","),
        column_type: ColumnType::Home.name_zh(),
        ..site_meta(site)
    };
    PageHead {
        title: site.name.clone(),
        national: Some(national),
        canonical_url: None,
        alternates: site.language_links.clone(),
        feed: None,
    }
}

pub(crate) fn column(page: &ColumnPage) -> PageHead {
    let site = &page.site;
    let feed = page.column.feed_url.as_ref().map(|url| FeedLink {
        url: url.clone(),
        title: format!("{} - {}", page.column.name, site.name),
    });
    PageHead {
        title: format!("{} - {}", page.column.name, site.name),
        national: Some(column_meta(site, &page.column)),
        canonical_url: None,
        alternates: site.language_links.clone(),
        feed,
    }
}

pub(crate) fn item(page: &ItemPage) -> PageHead {
    let site = &page.site;
    let item = &page.item;
    let article = ArticleMeta {
        title: item.title.clone(),
        pub_date: item.pub_date.clone(),
        source: item.source.clone().unwrap_or_default(),
    };
    let alternates = if item.translations.is_empty() {
        site.language_links.clone()
    } else {
        item.translations.clone()
    };
    PageHead {
        title: format!("{} - {}", item.title, site.name),
        national: Some(NationalMeta {
            article: Some(article),
            ..column_meta(site, &page.column)
        }),
        canonical_url: item.canonical_url.clone(),
        alternates,
        feed: None,
    }
}

pub(crate) fn search(page: &SearchPage, catalog: &Catalog) -> PageHead {
    utility(&page.site, catalog, "search-title")
}

pub(crate) fn site_map(page: &SiteMapPage, catalog: &Catalog) -> PageHead {
    utility(&page.site, catalog, "site-map-title")
}

pub(crate) fn gone(page: &GonePage, catalog: &Catalog) -> PageHead {
    utility(&page.site, catalog, "gone-title")
}

pub(crate) fn not_found(page: &NotFoundPage, catalog: &Catalog) -> PageHead {
    match &page.site {
        Some(site) => utility(site, catalog, "not-found-title"),
        None => PageHead {
            title: catalog.message(crate::catalog::FALLBACK_LANG, "not-found-title"),
            national: None,
            canonical_url: None,
            alternates: Vec::new(),
            feed: None,
        },
    }
}

pub(crate) fn directory(title: String) -> PageHead {
    PageHead {
        title,
        national: None,
        canonical_url: None,
        alternates: Vec::new(),
        feed: None,
    }
}

/// Builds the head of a page that is not a column, such as search results: its column meta
/// tags name the page itself, with the column type 其他 (other).
fn utility(site: &SiteView, catalog: &Catalog, title_key: &str) -> PageHead {
    let page_name = catalog.message(&site.lang, title_key);
    let national = NationalMeta {
        column_name: page_name.clone(),
        column_description: site.description.clone(),
        column_keywords: site.keywords.join(","),
        column_type: ColumnType::Other.name_zh(),
        ..site_meta(site)
    };
    PageHead {
        title: format!("{page_name} - {}", site.name),
        national: Some(national),
        canonical_url: None,
        alternates: site.language_links.clone(),
        feed: None,
    }
}

fn column_meta(site: &SiteView, column: &ColumnView) -> NationalMeta {
    NationalMeta {
        column_name: column.name.clone(),
        column_description: column.description.clone(),
        column_keywords: column.keywords.join(","),
        column_type: column.column_type.name_zh(),
        ..site_meta(site)
    }
}

fn site_meta(site: &SiteView) -> NationalMeta {
    NationalMeta {
        site_name: site.name.clone(),
        site_domain: site_domain(&site.base_url).to_owned(),
        site_code: site.code.clone(),
        column_name: String::new(),
        column_description: String::new(),
        column_keywords: String::new(),
        column_type: ColumnType::Other.name_zh(),
        article: None,
    }
}

/// Returns the host of a base URL without scheme and port: `www.jl.gov.cn` for
/// `https://www.jl.gov.cn:8443`, the value of the `SiteDomain` meta tag.
pub(crate) fn site_domain(base_url: &str) -> &str {
    let without_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let authority = without_scheme.split('/').next().unwrap_or(without_scheme);
    if let Some(bracketed) = authority.strip_prefix('[') {
        // An IPv6 literal such as `[::1]:8080`.
        return bracketed.split(']').next().unwrap_or(bracketed);
    }
    authority.split(':').next().unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::site_domain;

    #[test]
    fn site_domain_drops_scheme_and_port() {
        assert_eq!(site_domain("https://www.jl.gov.cn"), "www.jl.gov.cn");
        assert_eq!(
            site_domain("http://www.jl.localhost:8080"),
            "www.jl.localhost"
        );
        assert_eq!(site_domain("www.jl.gov.cn/"), "www.jl.gov.cn");
        assert_eq!(site_domain("http://[::1]:8080"), "::1");
    }
}
