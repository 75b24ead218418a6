//! `import_services`: checks a parsed service file against the stored organizations, sites and
//! columns, then stores all its services in one transaction: synced from the file's `source`,
//! or as local items when it names none.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use jiyue_core::{ColumnType, ItemMeta};
use jiyue_db::{ColumnRef, Db, DbError, ItemInput, Org, Scope, ServiceOrigin, Site, SyncedService};

use super::error::{check, Diagnostic, ImportError};
use super::run::progress_bar;
use super::services::{parse_services, ParsedService, ServiceFile};
use super::store::{store_items, StoreCounts};

/// Language of a service whose file gives none.
const DEFAULT_LANG: &str = "zh-CN";

/// Outcome of a service import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServicesReport {
    /// The feed the services were synced from; `None` when they were stored as local items.
    pub source: Option<String>,
    pub created: usize,
    pub updated: usize,
    /// Services whose stored content already equalled the file.
    pub unchanged: usize,
}

impl fmt::Display for ServicesReport {
    /// Formats the counts as one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "services synced from {source}: ")?,
            None => write!(f, "local services: ")?,
        }
        write!(
            f,
            "{} created, {} updated, {} unchanged",
            self.created, self.updated, self.unchanged
        )
    }
}

/// Imports the services of one JSON file (docs/services.md). `incomplete_reason`, when given,
/// becomes the recorded reason of every incomplete service of the file that gives none.
///
/// Every service is checked before anything is stored; one bad service stores nothing, and the
/// error lists every fault with the line, the service's code and the field.
pub async fn import_services(
    db: &Db,
    path: &Path,
    incomplete_reason: Option<&str>,
    show_progress: bool,
) -> Result<ServicesReport, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let file = path.display().to_string();
    import_services_text(db, &file, &text, incomplete_reason, show_progress).await
}

/// Imports the services of `text`, named `file` in errors.
pub(crate) async fn import_services_text(
    db: &Db,
    file: &str,
    text: &str,
    incomplete_reason: Option<&str>,
    show_progress: bool,
) -> Result<ServicesReport, ImportError> {
    let parsed = parse_services(file, text)?;
    let progress = progress_bar(show_progress, parsed.services.len() as u64, "checking");
    let catalog = Places::load(db)
        .await
        .map_err(|error| db_error(file, &error))?;
    let inputs = check_services(db, &catalog, &parsed, incomplete_reason).await?;
    progress.set_position(inputs.len() as u64);
    progress.set_message("storing");

    let counts = match &parsed.source {
        Some(source) => sync(db, source, &parsed, inputs).await,
        None => {
            let items: Vec<ItemInput> = inputs.into_iter().map(|(item, _)| item).collect();
            store_items(db, &items).await
        }
    };
    progress.finish_and_clear();
    let counts = counts.map_err(|error| db_error(file, &error))?;
    Ok(ServicesReport {
        source: parsed.source,
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
    })
}

/// Syncs the services from `source`. When every service is already synced from `source` with
/// the same fields, the items are saved first as an import saves them; only if that changed
/// something is the sync recorded, so importing the same file again writes nothing at all.
async fn sync(
    db: &Db,
    source: &str,
    parsed: &ServiceFile,
    inputs: Vec<(ItemInput, usize)>,
) -> Result<StoreCounts, DbError> {
    let synced: Vec<SyncedService> = inputs
        .into_iter()
        .map(|(item, index)| SyncedService {
            item,
            source: source.to_owned(),
            fields: parsed.services[index].given.clone(),
        })
        .collect();
    if all_settled(db, &synced).await? {
        let items: Vec<ItemInput> = synced.iter().map(|service| service.item.clone()).collect();
        let counts = store_items(db, &items).await?;
        if counts.created + counts.updated > 0 {
            db.sync_services(&Scope::Platform, &synced).await?;
        }
        return Ok(counts);
    }
    let saved = db.sync_services(&Scope::Platform, &synced).await?;
    let mut counts = StoreCounts::default();
    for outcome in &saved {
        match (outcome.created, outcome.changed) {
            (true, _) => counts.created += 1,
            (false, true) => counts.updated += 1,
            (false, false) => counts.unchanged += 1,
        }
    }
    Ok(counts)
}

/// Returns true when every service is stored, synced from the same source with the same fields.
async fn all_settled(db: &Db, services: &[SyncedService]) -> Result<bool, DbError> {
    for service in services {
        let code = service
            .item
            .meta
            .service
            .as_ref()
            .map_or("", |guide| guide.code.as_str());
        let settled = db
            .service_record_by_code(code)
            .await?
            .is_some_and(|record| {
                record.origin == ServiceOrigin::Synced
                    && record.source.as_deref() == Some(service.source.as_str())
                    && record.synced_fields == service.fields
            });
        if !settled {
            return Ok(false);
        }
    }
    Ok(true)
}

fn db_error(file: &str, error: &DbError) -> ImportError {
    ImportError::at(file, 1, None, format!("nothing stored: {error}"))
}

/// The stored organizations and sites, and the services column of each site.
struct Places {
    orgs: HashMap<String, Org>,
    sites: HashMap<String, Site>,
    /// Column paths of every site, by site code.
    columns: HashMap<String, Vec<(String, ColumnType)>>,
    /// The zh-CN site of the root organization: the provincial portal.
    portal: Option<String>,
}

impl Places {
    async fn load(db: &Db) -> Result<Self, DbError> {
        let orgs: HashMap<String, Org> = db
            .orgs()
            .await?
            .into_iter()
            .map(|org| (org.credit_code.clone(), org))
            .collect();
        let mut sites = HashMap::new();
        let mut columns = HashMap::new();
        for site in db.sites().await? {
            let paths = db
                .columns(site.id)
                .await?
                .into_iter()
                .map(|column| (column.path, column.column_type))
                .collect();
            columns.insert(site.code.clone(), paths);
            sites.insert(site.code.clone(), site);
        }
        let roots: HashSet<i64> = orgs
            .values()
            .filter(|org| org.parent_id.is_none())
            .map(|org| org.id)
            .collect();
        let mut portals: Vec<&Site> = sites
            .values()
            .filter(|site| roots.contains(&site.org_id) && site.lang == DEFAULT_LANG)
            .collect();
        portals.sort_by_key(|site| site.id);
        let portal = portals.first().map(|site| site.code.clone());
        Ok(Self {
            orgs,
            sites,
            columns,
            portal,
        })
    }

    /// Returns the path of the first 办事服务 column of a site.
    fn services_column(&self, site_code: &str) -> Option<String> {
        self.columns
            .get(site_code)?
            .iter()
            .find_map(|(path, kind)| (*kind == ColumnType::Services).then(|| path.clone()))
    }

    /// Returns the home column: the one the service names, else the services column of the
    /// org's own site, else that of the portal.
    fn home(
        &self,
        service: &ParsedService,
        org: &Org,
    ) -> Result<ColumnRef, (&'static str, String)> {
        let site_code = match &service.site {
            Some(code) if self.sites.contains_key(code) => code.clone(),
            Some(code) => {
                return Err((
                    "site",
                    format!("site \"{code}\" not found; name a stored site code"),
                ))
            }
            None => self.default_site(org).ok_or_else(|| {
                let message = "neither the organization's own site nor the portal has a 办事服务 \
                               column; name the site and column";
                ("site", message.to_owned())
            })?,
        };
        let column_path = match &service.column {
            Some(path) => path.clone(),
            None => self.services_column(&site_code).ok_or_else(|| {
                let message =
                    format!("site {site_code} has no 办事服务 column; name the column to use");
                ("column", message)
            })?,
        };
        let known = self
            .columns
            .get(&site_code)
            .is_some_and(|columns| columns.iter().any(|(path, _)| *path == column_path));
        if !known {
            let message = format!("column \"{column_path}\" not found on site {site_code}");
            return Err(("column", message));
        }
        Ok(ColumnRef {
            site_code,
            column_path,
        })
    }

    fn default_site(&self, org: &Org) -> Option<String> {
        let mut own: Vec<&Site> = self
            .sites
            .values()
            .filter(|site| site.org_id == org.id && site.lang == DEFAULT_LANG)
            .filter(|site| self.services_column(&site.code).is_some())
            .collect();
        own.sort_by_key(|site| site.id);
        own.first()
            .map(|site| site.code.clone())
            .or_else(|| self.portal.clone())
    }
}

/// Checks every service and returns the items to store, each with its index in the file.
async fn check_services(
    db: &Db,
    places: &Places,
    parsed: &ServiceFile,
    incomplete_reason: Option<&str>,
) -> Result<Vec<(ItemInput, usize)>, ImportError> {
    let mut diagnostics = Vec::new();
    let mut codes = HashSet::new();
    let mut inputs = Vec::new();
    for (index, service) in parsed.services.iter().enumerate() {
        let code = service.guide.code.clone();
        let mut error = |field: &str, message: String| {
            diagnostics.push(Diagnostic {
                file: parsed.file.clone(),
                line: service.line,
                field: Some(field.to_owned()),
                message: format!("service \"{code}\": {message}"),
            });
        };
        if !codes.insert(code.clone()) {
            error(
                "code",
                "is used by an earlier service of this file".to_owned(),
            );
        }
        let Some(org) = places.orgs.get(&service.org) else {
            let message = format!(
                "organization with credit code \"{}\" not found; create it before importing \
                 its services",
                service.org
            );
            error("org", message);
            continue;
        };
        let home = match places.home(service, org) {
            Ok(home) => home,
            Err((field, message)) => {
                error(field, message);
                continue;
            }
        };
        let mut meta = service_meta(service, org, incomplete_reason);
        if let Some(guide) = meta.service.as_ref().filter(|guide| !guide.may_publish()) {
            let missing: Vec<String> = guide
                .missing()
                .into_iter()
                .map(|element| format!("{} ({})", element.name_zh(), element.code()))
                .collect();
            let message = format!(
                "lacks {}; complete the guide, give incomplete_reason, or import with \
                 --incomplete-reason",
                missing.join(", ")
            );
            error("incomplete_reason", message);
        }
        for problem in meta.validate() {
            error(problem.field, problem.message);
        }
        meta.lang = meta.lang.trim().to_owned();
        let external_id = external_id(db, &code)
            .await
            .map_err(|error| db_error(&parsed.file, &error))?;
        let item = ItemInput {
            external_id,
            org_credit_code: org.credit_code.clone(),
            meta,
            body_html: service.body_html.clone(),
            home,
            extra_placements: Vec::new(),
            translation_of: None,
            legacy_urls: Vec::new(),
            publish: true,
            sample: service.sample,
        };
        inputs.push((item, index));
    }
    check(diagnostics)?;
    Ok(inputs)
}

/// Builds the metadata of a service: the item keys, then the guide with its implementing
/// organization defaulting to the organization's name.
fn service_meta(service: &ParsedService, org: &Org, incomplete_reason: Option<&str>) -> ItemMeta {
    let mut guide = service.guide.clone();
    if guide.implementing_org.trim().is_empty() {
        guide.implementing_org.clone_from(&org.name);
    }
    let reason_given = guide
        .incomplete_reason
        .as_deref()
        .is_some_and(|reason| !reason.trim().is_empty());
    if !guide.is_complete() && !reason_given {
        guide.incomplete_reason = incomplete_reason.map(str::to_owned);
    }
    let lang = if service.lang.is_empty() {
        DEFAULT_LANG.to_owned()
    } else {
        service.lang.clone()
    };
    ItemMeta {
        title: service.title.clone(),
        lang,
        issuing_org: Some(org.name.clone()),
        keywords: service.keywords.clone(),
        summary: service.summary.clone(),
        service: Some(guide),
        ..ItemMeta::default()
    }
}

/// Returns the external id of the item that already holds `code`, or `service-<code>` for a
/// new service, so a service created in the admin interface is updated, not duplicated.
async fn external_id(db: &Db, code: &str) -> Result<String, DbError> {
    let fallback = format!("service-{code}");
    let Some(record) = db.service_record_by_code(code).await? else {
        return Ok(fallback);
    };
    let item = db.item(record.item_id).await?;
    Ok(item.and_then(|item| item.external_id).unwrap_or(fallback))
}
