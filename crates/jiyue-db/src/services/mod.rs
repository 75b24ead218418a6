//! Public service items (政务服务事项). A service item is an item whose metadata carries a
//! service guide; `service_records` keeps, per service item, its platform-wide code, where it
//! comes from (edited here, or synced from the province's government-service platform), and
//! the key elements its newest revision lacks.
//!
//! Also here: the monthly statistics imported from the source of record, the synonym groups
//! and unanswered queries of the search, and the calendar years an operator loads.

mod calendar;
mod search_terms;
mod stats;

use chrono::{DateTime, Utc};
use jiyue_core::ItemMeta;
use serde::Serialize;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::items::read::{load_published, PUBLISHED_COLUMNS};
use crate::model::{ItemId, ItemInput, PublishedItem, SavedItem, Scope, SiteId};
use crate::outbox::{insert_events, NewEvent};
use crate::sql::{args, micros, Conn, Row};

pub use calendar::{CalendarDay, CalendarYear};
pub use search_terms::{SearchMiss, SynonymGroup, MAX_SYNONYM_TERMS, MAX_SYNONYM_TERM_CHARS};
pub use stats::{ServiceStat, StatsImport, StatsInput};

/// The cache tag of every page that lists or shows services.
pub const SERVICES_TAG: &str = "services";

/// Origin of a service's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceOrigin {
    /// Written and maintained on this platform.
    Local,
    /// Copied from an import feed of the source of record; its synced fields are read-only.
    Synced,
}

impl ServiceOrigin {
    /// Returns the stored code, `local` or `synced`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Synced => "synced",
        }
    }

    fn parse(code: &str) -> Result<Self> {
        match code {
            "local" => Ok(Self::Local),
            "synced" => Ok(Self::Synced),
            other => Err(DbError::Invalid(format!(
                "a service record has unknown origin \"{other}\"; repair the row"
            ))),
        }
    }
}

/// Record of one service item, kept beside its revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceRecord {
    pub item_id: ItemId,
    /// 事项编码 of the newest revision.
    pub code: String,
    pub origin: ServiceOrigin,
    /// Name of the feed a synced service comes from, such as 吉林省政务服务网.
    pub source: Option<String>,
    /// When the last sync wrote the service.
    pub synced_at: Option<DateTime<Utc>>,
    /// Field names the feed owns (`title`, `legal_basis`, …); read-only in the admin interface.
    pub synced_fields: Vec<String>,
    /// Key elements (their codes) that the newest revision lacks.
    pub missing: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// A published service item with its record.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedService {
    pub item: PublishedItem,
    pub record: ServiceRecord,
}

impl PublishedService {
    /// Returns the guide of the live revision.
    pub fn guide(&self) -> Option<&jiyue_core::ServiceGuide> {
        self.item.meta.service.as_ref()
    }
}

/// One service item as the admin completeness list shows it, published or not.
#[derive(Debug, Clone, Serialize)]
pub struct AdminService {
    pub record: ServiceRecord,
    pub title: String,
    pub org_id: i64,
    /// The site of the item's home column, when it has one.
    pub home_site_id: Option<SiteId>,
    /// True when a revision of the item is live.
    pub published: bool,
    /// Reason the newest revision may be published although incomplete.
    pub incomplete_reason: Option<String>,
}

/// A service to write from an import feed of the source of record.
#[derive(Debug, Clone)]
pub struct SyncedService {
    /// The item to save; its metadata must carry a service guide.
    pub item: ItemInput,
    /// Name of the feed, such as 吉林省政务服务网.
    pub source: String,
    /// Field names the feed owns.
    pub fields: Vec<String>,
}

const RECORD_COLUMNS: &str =
    "item_id, code, origin, source, synced_at, synced_fields, missing, updated_at";

fn json_list(row: &Row, column: &str) -> Result<Vec<String>> {
    let text = row.text(column)?;
    serde_json::from_str(&text).map_err(|error| {
        DbError::Invalid(format!(
            "service record column {column} contains invalid JSON ({error}); repair the row"
        ))
    })
}

fn record_from_row(row: &Row) -> Result<ServiceRecord> {
    Ok(ServiceRecord {
        item_id: row.int("item_id")?,
        code: row.text("code")?,
        origin: ServiceOrigin::parse(&row.text("origin")?)?,
        source: row.opt_text("source")?,
        synced_at: row.opt_time("synced_at")?,
        synced_fields: json_list(row, "synced_fields")?,
        missing: json_list(row, "missing")?,
        updated_at: row.time("updated_at")?,
    })
}

fn to_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

/// Writes or updates the record of `item_id` after a revision with `meta` was stored. Items
/// without a guide are left alone. A code that another item already uses is refused.
pub(crate) async fn note_revision(
    conn: &mut Conn<'_>,
    item_id: ItemId,
    meta: &ItemMeta,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(guide) = &meta.service else {
        return Ok(());
    };
    let code = guide.code.trim();
    if let Some(row) = conn
        .fetch_optional(
            "SELECT item_id FROM service_records WHERE code = $1 AND item_id <> $2",
            args![code, item_id],
        )
        .await?
    {
        let other = row.int("item_id")?;
        return Err(DbError::Conflict(format!(
            "service code \"{code}\" already belongs to item {other}; each service has its own \
             code, so correct the code or edit item {other} instead"
        )));
    }
    let missing: Vec<String> = guide
        .missing()
        .into_iter()
        .map(|element| element.code().to_string())
        .collect();
    let updated = conn
        .execute(
            "UPDATE service_records SET code = $2, missing = $3, updated_at = $4 WHERE item_id = $1",
            args![item_id, code, to_json(&missing), micros(at)],
        )
        .await?;
    if updated == 0 {
        conn.execute(
            "INSERT INTO service_records (item_id, code, origin, source, synced_at, \
             synced_fields, missing, updated_at) VALUES ($1, $2, 'local', NULL, NULL, '[]', $3, $4)",
            args![item_id, code, to_json(&missing), micros(at)],
        )
        .await?;
    }
    Ok(())
}

/// Returns true when `item_id` is a service item.
pub(crate) async fn is_service(conn: &mut Conn<'_>, item_id: ItemId) -> Result<bool> {
    Ok(conn
        .fetch_optional(
            "SELECT 1 AS one FROM service_records WHERE item_id = $1",
            args![item_id],
        )
        .await?
        .is_some())
}

/// Refuses to publish a service revision whose guide is incomplete and gives no reason.
pub(crate) fn check_publishable(meta: &ItemMeta) -> Result<()> {
    let Some(guide) = &meta.service else {
        return Ok(());
    };
    if guide.may_publish() {
        return Ok(());
    }
    let missing: Vec<&str> = guide
        .missing()
        .into_iter()
        .map(|element| element.name_zh())
        .collect();
    Err(DbError::Invalid(format!(
        "service \"{}\" lacks {}; complete the guide, or give the reason for publishing it \
         anyway in incomplete_reason",
        guide.code,
        missing.join("、")
    )))
}

impl Db {
    /// Returns every published service item with its record, ordered by code.
    ///
    /// NOTE: this reads each service's placements and translations with queries of their own,
    /// so its cost grows with the catalogue. Public pages and the API go through
    /// `App::published_services`, which keeps one copy until a service changes.
    pub async fn published_services(&self) -> Result<Vec<PublishedService>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let sql = format!(
            "SELECT {PUBLISHED_COLUMNS} FROM items i \
             JOIN revisions r ON r.id = i.live_revision_id \
             JOIN service_records s ON s.item_id = i.id ORDER BY s.code"
        );
        let rows = conn.fetch_all(&sql, args![]).await?;
        let records = conn
            .fetch_all(
                &format!("SELECT {RECORD_COLUMNS} FROM service_records ORDER BY code"),
                args![],
            )
            .await?;
        let mut by_item = std::collections::HashMap::new();
        for row in &records {
            let record = record_from_row(row)?;
            by_item.insert(record.item_id, record);
        }
        let mut services = Vec::with_capacity(rows.len());
        for row in &rows {
            let item = load_published(&mut conn, row).await?;
            if item.meta.service.is_none() {
                continue;
            }
            if let Some(record) = by_item.remove(&item.id) {
                services.push(PublishedService { item, record });
            }
        }
        Ok(services)
    }

    /// Returns the published service with `code`, or `None`.
    pub async fn published_service(&self, code: &str) -> Result<Option<PublishedService>> {
        let Some(record) = self.service_record_by_code(code).await? else {
            return Ok(None);
        };
        let Some(item) = self.published_item(record.item_id).await? else {
            return Ok(None);
        };
        if item.meta.service.is_none() {
            return Ok(None);
        }
        Ok(Some(PublishedService { item, record }))
    }

    /// Returns the record of a service item, or `None` when the item is not a service.
    pub async fn service_record(&self, item_id: ItemId) -> Result<Option<ServiceRecord>> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                &format!("SELECT {RECORD_COLUMNS} FROM service_records WHERE item_id = $1"),
                args![item_id],
            )
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// Returns the record of the service with `code`, published or not.
    pub async fn service_record_by_code(&self, code: &str) -> Result<Option<ServiceRecord>> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                &format!("SELECT {RECORD_COLUMNS} FROM service_records WHERE code = $1"),
                args![code.trim()],
            )
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// Returns every service item for the admin lists, the incomplete ones first, then by
    /// code. With `site`, only services whose home column is on that site.
    pub async fn admin_services(&self, site: Option<SiteId>) -> Result<Vec<AdminService>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let rows = conn
            .fetch_all(
                "SELECT s.item_id, s.code, s.origin, s.source, s.synced_at, s.synced_fields, \
                 s.missing, s.updated_at, i.org_id, i.live_revision_id, \
                 (SELECT r.meta FROM revisions r WHERE r.item_id = i.id \
                    ORDER BY r.number DESC LIMIT 1) AS meta, \
                 (SELECT p.site_id FROM placements p WHERE p.item_id = i.id AND p.is_home \
                    LIMIT 1) AS home_site_id \
                 FROM service_records s JOIN items i ON i.id = s.item_id ORDER BY s.code",
                args![],
            )
            .await?;
        let mut services = Vec::with_capacity(rows.len());
        for row in &rows {
            let home_site_id = row.opt_int("home_site_id")?;
            if site.is_some() && home_site_id != site {
                continue;
            }
            let record = record_from_row(row)?;
            let meta: ItemMeta = match row.opt_text("meta")? {
                Some(text) => serde_json::from_str(&text).map_err(|error| {
                    DbError::Invalid(format!(
                        "stored metadata of item {} is not valid JSON: {error}; save the item again",
                        record.item_id
                    ))
                })?,
                None => ItemMeta::default(),
            };
            services.push(AdminService {
                title: meta.title,
                org_id: row.int("org_id")?,
                home_site_id,
                published: row.opt_int("live_revision_id")?.is_some(),
                incomplete_reason: meta.service.and_then(|guide| guide.incomplete_reason),
                record,
            });
        }
        // Incomplete services first (false sorts before true), then by code.
        services.sort_by(|a, b| {
            let complete = |service: &AdminService| service.record.missing.is_empty();
            complete(a)
                .cmp(&complete(b))
                .then_with(|| a.record.code.cmp(&b.record.code))
        });
        Ok(services)
    }

    /// Saves services from an import feed in one transaction: each item is saved as an
    /// import saves items, and its record is marked synced from `source` now, with the fields
    /// the feed owns. A later sync of the same code updates the same item.
    pub async fn sync_services(
        &self,
        scope: &Scope,
        services: &[SyncedService],
    ) -> Result<Vec<SavedItem>> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let mut saved = Vec::with_capacity(services.len());
        let mut events = Vec::new();
        for service in services {
            if service.item.meta.service.is_none() {
                return Err(DbError::Invalid(format!(
                    "item {} has no service guide; a service feed contains only services",
                    service.item.external_id
                )));
            }
            let (one, event) =
                crate::items::save::save_one(&mut tx.conn(), scope, &service.item, now)
                    .await
                    .map_err(|error| error.in_item(&service.item.external_id))?;
            tx.conn()
                .execute(
                    "UPDATE service_records SET origin = 'synced', source = $2, synced_at = $3, \
                     synced_fields = $4 WHERE item_id = $1",
                    args![
                        one.item_id,
                        service.source.as_str(),
                        micros(now),
                        to_json(&service.fields)
                    ],
                )
                .await?;
            saved.push(one);
            if let Some(event) = event {
                events.push(event);
            }
        }
        events.push(NewEvent {
            kind: "services.synced",
            tags: [SERVICES_TAG.to_string()].into_iter().collect(),
            item_id: None,
            site_id: None,
        });
        insert_events(&mut tx.conn(), micros(now), &events).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Makes a synced service local: its fields become editable here and later syncs of its
    /// code are refused until it is synced again on purpose.
    pub async fn make_service_local(&self, item_id: ItemId) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let changed = tx
            .conn()
            .execute(
                "UPDATE service_records SET origin = 'local', synced_fields = '[]', \
                 updated_at = $2 WHERE item_id = $1",
                args![item_id, micros(now)],
            )
            .await?;
        if changed == 0 {
            return Err(DbError::NotFound(format!(
                "item {item_id} is not a service item"
            )));
        }
        let event = NewEvent {
            kind: "services.changed",
            tags: [SERVICES_TAG.to_string(), format!("item:{item_id}")]
                .into_iter()
                .collect(),
            item_id: Some(item_id),
            site_id: None,
        };
        insert_events(&mut tx.conn(), micros(now), &[event]).await?;
        tx.commit().await
    }
}
