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

/// A link to a group of services (a department, life event, business stage or audience) with
/// the number of published services in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceGroupLink {
    pub name: String,
    /// BCP 47 tag of the name when it differs from the site's language, else `None`.
    pub lang: Option<String>,
    pub url: String,
    pub count: usize,
}

/// One line of a service list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceEntry {
    /// The service's name, the item title.
    pub name: String,
    pub url: String,
    /// 事项编码
    pub code: String,
    /// BCP 47 tag of the service's own text, which the list marks when it differs from the
    /// site's language.
    pub lang: String,
    /// 实施主体
    pub implementing_org: String,
    /// Name of the kind of service in the site's language.
    pub kind: Option<String>,
    pub sample: bool,
}

/// The one-stop hub (`/zwfw/`): every way to browse the published services.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicesHubPage {
    pub site: SiteView,
    /// The site's services column, whose name and meta tags the page takes when it has one.
    pub column: Option<ColumnView>,
    pub breadcrumbs: Vec<Breadcrumb>,
    pub total: usize,
    pub departments: Vec<ServiceGroupLink>,
    pub life_events: Vec<ServiceGroupLink>,
    pub business_stages: Vec<ServiceGroupLink>,
    pub audiences: Vec<ServiceGroupLink>,
    pub stats_url: String,
}

/// The services of one group: a department, a life event, a business stage or an audience.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicesListPage {
    pub site: SiteView,
    pub column: Option<ColumnView>,
    pub breadcrumbs: Vec<Breadcrumb>,
    /// Name of the group, the page heading.
    pub title: String,
    /// BCP 47 tag of the heading when it differs from the site's (a Chinese department name on
    /// the English site), else `None`.
    pub title_lang: Option<String>,
    pub services: Vec<ServiceEntry>,
}

/// One material of a service guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterialView {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub blank_form: Option<Link>,
    pub example: Option<Link>,
    pub issuer: Option<String>,
    pub note: Option<String>,
}

/// The fee of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeView {
    pub free: bool,
    pub standard: String,
    pub basis: String,
}

/// One step of the process, or one place and its hours, as a name and a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedText {
    pub name: String,
    pub text: String,
}

/// One month of imported statistics (办事统计), exactly as the source reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStatView {
    /// `YYYY-MM`
    pub month: String,
    /// The service's name, linked to its guide; set on the platform statistics page.
    pub service: Option<Link>,
    pub code: String,
    pub received: i64,
    pub completed: i64,
    /// The source of record the numbers were imported from.
    pub source: String,
    /// Import time, `YYYY-MM-DD HH:MM` in China Standard Time.
    pub imported_at: String,
}

/// The sums over the listed months of one service's statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatSum {
    pub months: usize,
    pub received: i64,
    pub completed: i64,
}

/// Every key element of one service guide (办事指南), ready to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceGuideView {
    /// The service's name, the item title.
    pub title: String,
    /// BCP 47 tag of the guide's text; elements holding it carry it when it differs from the
    /// site's language.
    pub lang: String,
    pub code: String,
    pub kind: Option<String>,
    pub implementing_org: String,
    pub legal_basis: String,
    pub conditions: String,
    pub materials: Vec<MaterialView>,
    pub fee: Option<FeeView>,
    pub steps: Vec<NamedText>,
    pub statutory_days: Option<u32>,
    pub promised_days: Option<u32>,
    /// The day an application made today is due, `YYYY-MM-DD`, from the promised limit.
    pub due_date: Option<String>,
    /// Whether the due date counts days of a year whose holidays are not yet announced.
    pub due_provisional: bool,
    pub places: Vec<NamedText>,
    pub online_url: Option<String>,
    pub consult_phone: Option<String>,
    pub complaint_phone: Option<String>,
    /// Audiences, linked to their lists.
    pub audiences: Vec<Link>,
    pub life_events: Vec<Link>,
    pub business_stages: Vec<Link>,
    /// Other names the service is known by.
    pub keywords: Vec<String>,
    /// Codes of the key elements the guide lacks (see `jiyue_core::service::GuideElement`).
    pub missing: Vec<String>,
    pub incomplete_reason: Option<String>,
    /// Whether the service is synced from a source of record rather than maintained here.
    pub synced: bool,
    pub source: Option<String>,
    /// Time of the last sync, `YYYY-MM-DD HH:MM` in China Standard Time.
    pub synced_at: Option<String>,
    /// Time of the last change, `YYYY-MM-DD HH:MM` in China Standard Time.
    pub updated_at: String,
    /// Further text of the item that has already passed `sanitize_html`; may be empty.
    pub body_html: String,
    /// Imported statistics, newest month first.
    pub stats: Vec<ServiceStatView>,
    pub stats_sum: Option<StatSum>,
    pub sample: bool,
}

/// The guide page of one service, at `/zwfw/sx/<code>.html` or at the item's own route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceGuidePage {
    pub site: SiteView,
    pub column: Option<ColumnView>,
    pub breadcrumbs: Vec<Breadcrumb>,
    /// URL of the item's home placement when this page is not it.
    pub canonical_url: Option<String>,
    /// Publication time, `YYYY-MM-DD HH:MM`, for the `PubDate` meta tag.
    pub pub_date: String,
    pub guide: ServiceGuideView,
}

/// One month of the platform's published statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsMonthView {
    /// `YYYY-MM`
    pub month: String,
    pub rows: Vec<ServiceStatView>,
}

/// The published statistics (办事统计) of every service, newest month first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicesStatsPage {
    pub site: SiteView,
    pub column: Option<ColumnView>,
    pub breadcrumbs: Vec<Breadcrumb>,
    pub months: Vec<StatsMonthView>,
}
