//! Page models: plain data the web layer and the static export fill in and the renderer turns
//! into HTML. No model contains a database handle, so pages render without a server.
//!
//! Strings are plain text unless the field name ends in `_html`; the templates escape every
//! plain-text field. Dates are already formatted in China Standard Time.

use jiyue_core::{ColumnType, Validity};
use serde::Serialize;

pub use crate::pagination::{PageLink, Pagination};

/// The site a page belongs to: its identity, its footer and its header navigation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteView {
    /// Site code (网站标识码), such as `2200000001`.
    pub code: String,
    pub name: String,
    /// BCP 47 language tag of the site, such as `zh-CN` or `en`.
    pub lang: String,
    /// Text direction of the site's language: `ltr` or `rtl`.
    pub dir: String,
    /// Scheme, host and optional port, without a trailing slash: `https://www.jl.gov.cn`.
    pub base_url: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub footer: FooterView,
    pub nav: Vec<NavLink>,
    /// Links to the other language versions of the site (or of the current item).
    pub language_links: Vec<LangLink>,
    /// Whether the site shows demo data, which every page then labels.
    pub demo: bool,
    pub search_url: String,
    /// URL of the platform's directory of all hosted sites.
    pub directory_url: String,
}

/// The elements every site footer must show under the national rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FooterView {
    /// 主办单位
    pub sponsor: String,
    /// 承办单位
    pub operator: String,
    /// ICP filing number (ICP备案号), such as `吉ICP备05002208号`.
    pub icp_filing: String,
    /// Public-security filing number (公安机关备案号).
    pub public_security_filing: String,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub address: Option<String>,
    /// Script of the party-and-government site badge (党政机关网站标识). Without it the footer
    /// shows a text label.
    pub badge_script_url: Option<String>,
    /// Script of the national error-report entry (我为政府网站找错). Without it the footer links
    /// to `error_report_url`.
    pub error_report_script_url: Option<String>,
    pub site_map_url: String,
    pub error_report_url: String,
}

/// One entry of the header navigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NavLink {
    pub name: String,
    pub url: String,
    /// Whether the current page lies in this section; the template marks it `aria-current`.
    pub current: bool,
}

/// A link to the same content in another language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LangLink {
    /// BCP 47 tag of the target, written into `hreflang`.
    pub lang: String,
    /// Name of the language in that language, such as `English` or `中文`.
    pub label: String,
    pub url: String,
}

/// A plain titled link, such as an attachment or another site showing an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// One link of the breadcrumb trail. A page's trail lists the pages above it, home first; the
/// template adds the current page's own name (column name or item title) after them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breadcrumb {
    pub name: String,
    pub url: String,
}

/// A column (栏目) as shown in page headers, meta tags and home-page sections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnView {
    pub name: String,
    pub url: String,
    pub column_type: ColumnType,
    pub description: String,
    pub keywords: Vec<String>,
    /// URL of the column's Atom feed, linked from the column page when set.
    pub feed_url: Option<String>,
}

/// One line of an item list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListEntry {
    pub title: String,
    pub url: String,
    /// Publication date, `YYYY-MM-DD` in China Standard Time.
    pub date: String,
    pub summary: Option<String>,
    /// Whether the item is generated sample content (示例内容).
    pub sample: bool,
    /// Name of the owning site, set when the list mixes items of several sites.
    pub site_name: Option<String>,
}

/// One item (信息) with its standard metadata and its sanitized body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemView {
    pub title: String,
    pub subtitle: Option<String>,
    /// BCP 47 tag of the item; the article element carries it when it differs from the site's.
    pub lang: String,
    /// 索引号
    pub index_number: Option<String>,
    /// 发布机构
    pub issuing_org: Option<String>,
    /// 成文日期, `YYYY-MM-DD`.
    pub written_date: Option<String>,
    /// 发文字号, such as `国办函〔2018〕71号`.
    pub document_number: Option<String>,
    /// 发布日期, `YYYY-MM-DD HH:MM` in China Standard Time (see
    /// `jiyue_core::clock::format_china_minute`).
    pub pub_date: String,
    /// 来源; also the `ContentSource` meta tag.
    pub source: Option<String>,
    pub author: Option<String>,
    /// 责任编辑
    pub editor: Option<String>,
    /// 主题分类 as a path, such as `综合政务\政务公开`.
    pub subject_path: Option<String>,
    /// 体裁分类 name.
    pub genre: Option<String>,
    pub keywords: Vec<String>,
    pub summary: Option<String>,
    pub validity: Validity,
    /// Body HTML that has already passed `sanitize_html`; the template outputs it unescaped.
    pub body_html: String,
    pub attachments: Vec<Link>,
    /// URL of the home placement, set when this page is a placement on another site.
    pub canonical_url: Option<String>,
    pub translations: Vec<LangLink>,
    /// Other sites that show this item.
    pub also_on: Vec<Link>,
    pub sample: bool,
}

/// One column's block on the home page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomeSection {
    pub column: ColumnView,
    pub entries: Vec<ListEntry>,
}

/// The home page of a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomePage {
    pub site: SiteView,
    pub sections: Vec<HomeSection>,
}

/// One page of a column's item list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnPage {
    pub site: SiteView,
    pub column: ColumnView,
    pub breadcrumbs: Vec<Breadcrumb>,
    pub entries: Vec<ListEntry>,
    pub pagination: Pagination,
}

/// The page of one item placement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemPage {
    pub site: SiteView,
    pub column: ColumnView,
    pub breadcrumbs: Vec<Breadcrumb>,
    pub item: ItemView,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHitView {
    /// Title with the matched terms in `<mark>`, every other character already escaped.
    pub title_html: String,
    /// Excerpt with the matched terms in `<mark>`, every other character already escaped.
    pub snippet_html: String,
    pub url: String,
    pub site_name: String,
    pub date: String,
    pub column_name: String,
    /// True when the hit is a public service item.
    pub service: bool,
}

/// One value of a search facet, linking to the results narrowed (or widened) by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetView {
    pub label: String,
    pub count: u64,
    pub url: String,
    pub selected: bool,
}

/// The search results page of a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    pub site: SiteView,
    pub query: String,
    /// Whether the results are limited to the current site (本站) rather than all sites.
    pub scope_current: bool,
    pub results: Vec<SearchHitView>,
    pub total: u64,
    pub site_facets: Vec<FacetView>,
    pub year_facets: Vec<FacetView>,
    pub pagination: Pagination,
    pub switch_current_url: String,
    pub switch_all_url: String,
    /// A message shown above the results, such as for an empty or truncated query.
    pub notice: Option<String>,
    /// True when only public services are searched (`kind=service`).
    pub services_only: bool,
    /// The same search over every kind of content.
    pub all_kinds_url: String,
}

/// One hosted site in the platform directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryEntry {
    pub name: String,
    pub code: String,
    pub url: String,
    pub lang: String,
}

/// The sites of one organization in the platform directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryGroup {
    pub org_name: String,
    pub sites: Vec<DirectoryEntry>,
}

/// The platform's own directory of every hosted site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryPage {
    pub platform_name: String,
    /// BCP 47 tag of the page language.
    pub lang: String,
    pub groups: Vec<DirectoryGroup>,
}

/// A 404 page. With a site, it renders inside the site's layout; without one (an unknown
/// host), it renders as a plain platform page that names the host.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotFoundPage {
    pub site: Option<SiteView>,
    pub host: String,
    pub path: String,
}

/// A 410 page for a withdrawn URL, with the notice its site left.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GonePage {
    pub site: SiteView,
    pub notice: String,
}

/// One column in the site map, with its child columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteMapColumn {
    pub name: String,
    pub url: String,
    pub children: Vec<SiteMapColumn>,
}

/// The human-readable site map (网站地图) that every site footer links to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteMapPage {
    pub site: SiteView,
    /// Top-level columns in their set order.
    pub columns: Vec<SiteMapColumn>,
}
