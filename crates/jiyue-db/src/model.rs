//! Records read from and written to storage. Inputs are named `New*` or `*Input`; the rest are
//! rows as read.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jiyue_core::{ColumnType, ItemMeta};
use serde::{Deserialize, Serialize};

pub type OrgId = i64;
pub type SiteId = i64;
pub type ColumnId = i64;
pub type ItemId = i64;
pub type RevisionId = i64;
pub type FileId = i64;

/// The caller's scope: storage functions only reach rows inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The platform itself: imports, the demo builder and platform operators.
    Platform,
    /// An organization and its subtree, found through the stored organization path.
    Org(OrgId),
    /// One site.
    Site(SiteId),
}

/// A government body to create or update, keyed by its credit code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewOrg {
    pub credit_code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Credit code of the parent organization, if any.
    pub parent_credit_code: Option<String>,
    pub division_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Org {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    /// Ids from the root down to this organization, as `/1/4/9/`.
    pub path: String,
    pub credit_code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub division_code: String,
}

/// Footer and filing settings of a site, shown on every page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteSettings {
    pub icp_filing: Option<String>,
    pub public_security_filing: Option<String>,
    /// 主办单位
    pub sponsor: Option<String>,
    /// 承办单位
    pub operator: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub address: Option<String>,
    /// URL of the national party-and-government site badge script, when the site has one.
    pub badge_script_url: Option<String>,
    /// URL of the national error-report script, when the site has one.
    pub error_report_script_url: Option<String>,
    /// True for demo sites, whose codes and filing numbers are placeholders.
    pub demo: bool,
    /// Extra settings a theme may read.
    pub extra: BTreeMap<String, String>,
}

/// A site to create or update, keyed by its site code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewSite {
    pub code: String,
    pub org_credit_code: String,
    pub name: String,
    /// BCP 47 tag such as `zh-CN` or `en`.
    pub lang: String,
    pub description: Option<String>,
    pub keywords: Option<String>,
    pub primary_domain: String,
    pub aliases: Vec<String>,
    /// Code of the site this one is a language version of, linked both ways.
    pub language_version_of: Option<String>,
    pub theme: String,
    pub settings: SiteSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteId,
    pub org_id: OrgId,
    pub code: String,
    pub name: String,
    pub lang: String,
    pub description: Option<String>,
    pub keywords: Option<String>,
    pub primary_domain: String,
    pub aliases: Vec<String>,
    /// Sites that are other language versions of this one.
    pub language_versions: Vec<SiteId>,
    pub theme: String,
    pub settings: SiteSettings,
}

/// A column to create or update, keyed by site and path.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewColumn {
    pub site_code: String,
    /// Path below the site root without leading or trailing slash, such as `zwgk/tzgg`; its
    /// parent column is the path without the last segment.
    pub path: String,
    pub name: String,
    pub column_type: ColumnType,
    pub description: Option<String>,
    pub keywords: Option<String>,
    pub position: i32,
    /// Number of review levels a change needs, 0 to 3.
    pub review_levels: i16,
    /// True when items placed here from other sites need no acceptance by this site.
    pub accepts_shared: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub id: ColumnId,
    pub site_id: SiteId,
    pub parent_id: Option<ColumnId>,
    pub path: String,
    pub name: String,
    pub column_type: ColumnType,
    pub description: Option<String>,
    pub keywords: Option<String>,
    pub position: i32,
    pub review_levels: i16,
    pub accepts_shared: bool,
}

/// A column of some site, named by site code and column path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRef {
    pub site_code: String,
    pub column_path: String,
}

/// One item to create or update, keyed by a stable external id, as import files carry it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemInput {
    pub external_id: String,
    pub org_credit_code: String,
    pub meta: ItemMeta,
    /// Sanitized HTML body.
    pub body_html: String,
    pub home: ColumnRef,
    pub extra_placements: Vec<ColumnRef>,
    /// External id of the item this one translates.
    pub translation_of: Option<String>,
    /// Old URLs (absolute, with host) that become 301 routes to the item.
    pub legacy_urls: Vec<String>,
    /// True to publish the saved revision at once.
    pub publish: bool,
    /// True for generated demo content.
    pub sample: bool,
}

/// The outcome of `save_item`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedItem {
    pub item_id: ItemId,
    pub revision_id: RevisionId,
    pub created: bool,
    /// False when the save found everything already stored and wrote nothing.
    pub changed: bool,
}

/// A published item with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedItem {
    pub id: ItemId,
    /// Platform-wide item number used in paths.
    pub item_no: i64,
    pub external_id: Option<String>,
    pub org_id: OrgId,
    pub revision_id: RevisionId,
    pub meta: ItemMeta,
    pub body_html: String,
    pub first_published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sample: bool,
    pub placements: Vec<Placement>,
    /// Items in other languages linked to this one (either direction).
    pub translations: Vec<ItemId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Placement {
    pub item_id: ItemId,
    pub site_id: SiteId,
    pub column_id: ColumnId,
    pub is_home: bool,
    /// Route path of the item on that site.
    pub path: String,
}

/// One line of a column listing.
#[derive(Debug, Clone, Serialize)]
pub struct ItemSummary {
    pub id: ItemId,
    pub title: String,
    pub published_at: DateTime<Utc>,
    /// Route path of the item on the listing's site.
    pub path: String,
    pub summary: Option<String>,
    pub sample: bool,
}

/// The target of a public URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RouteTarget {
    Item(ItemId),
    Column {
        column_id: ColumnId,
        page: u32,
    },
    File(FileId),
    /// A permanent redirect to a URL, absolute or a path on the same host.
    Redirect(String),
    /// Withdrawn, with a notice shown on the 410 page.
    Gone(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub site_id: SiteId,
    pub path: String,
    pub target: RouteTarget,
}

/// One change event from the outbox, in commit order.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEvent {
    pub position: i64,
    pub at: DateTime<Utc>,
    /// Such as `item.published`, `site.changed`, `column.changed`.
    pub kind: String,
    /// Cache tags the change invalidates, such as `item:12`, `column:3`, `site:1`, `nav:1`.
    pub tags: Vec<String>,
    pub item_id: Option<ItemId>,
    pub site_id: Option<SiteId>,
}

/// A route listed for a sitemap.
#[derive(Debug, Clone, Serialize)]
pub struct SiteRoute {
    /// Row id, passed back as `after_id` to read the next batch.
    pub id: i64,
    pub path: String,
    pub target: RouteTarget,
    /// When the page last changed: the item's `updated_at`, or the column's.
    pub lastmod: DateTime<Utc>,
}

/// An item as stored, published or not.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRecord {
    pub id: ItemId,
    pub item_no: i64,
    pub external_id: Option<String>,
    pub org_id: OrgId,
    pub lang: String,
    /// The published revision, if any.
    pub live_revision_id: Option<RevisionId>,
    /// The newest revision, which is a draft when it differs from the live one.
    pub latest_revision_id: Option<RevisionId>,
    pub index_number: Option<String>,
    pub first_published_at: Option<DateTime<Utc>>,
    pub sample: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored file: its bytes live in the blob store under the SM3 digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRecord {
    pub id: FileId,
    /// SM3 digest of the bytes, 64 lowercase hex characters.
    pub digest: String,
    /// Size in bytes.
    pub size: i64,
    pub content_type: String,
    /// Number of item attachments that use the file.
    pub refcount: i64,
    pub created_at: DateTime<Utc>,
}

/// A file attached to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub file: FileRecord,
    /// File name shown to readers, such as `附件1.pdf`.
    pub name: String,
    pub position: i32,
}
