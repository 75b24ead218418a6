//! Checks of parsed items against what is stored: the sites, columns and organizations they
//! name, the originals they translate, and the metadata rules of `ItemMeta::validate`.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiyue_db::{ColumnRef, Db, DbError};

use super::error::Diagnostic;
use super::record::ParsedItem;

/// A stored site as the checks need it.
#[derive(Debug, Clone)]
struct SiteInfo {
    lang: String,
    columns: BTreeSet<String>,
}

/// The stored sites, columns and organizations, read once per import.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    sites: HashMap<String, SiteInfo>,
    orgs: HashSet<String>,
    /// Primary domains and aliases of every site, lowercase.
    hosts: HashSet<String>,
}

impl Catalog {
    /// Reads every site with its column paths, and every organization's credit code.
    pub(crate) async fn load(db: &Db) -> Result<Self, DbError> {
        let mut sites = HashMap::new();
        let mut hosts = HashSet::new();
        for site in db.sites().await? {
            hosts.insert(site.primary_domain.to_ascii_lowercase());
            hosts.extend(site.aliases.iter().map(|alias| alias.to_ascii_lowercase()));
            let columns = db.columns(site.id).await?;
            let info = SiteInfo {
                lang: site.lang.clone(),
                columns: columns.into_iter().map(|column| column.path).collect(),
            };
            sites.insert(site.code, info);
        }
        let orgs = db
            .orgs()
            .await?
            .into_iter()
            .map(|org| org.credit_code)
            .collect();
        Ok(Self { sites, orgs, hosts })
    }
}

/// External ids already seen in this import, with the file each came from.
pub(crate) type SeenIds = HashMap<String, String>;

/// Checks the items of one file, filling an empty language from the home site, and returns
/// every error found. `batch_ids` contains the ids of every item of every file of this import.
pub(crate) async fn check_items(
    db: &Db,
    catalog: &Catalog,
    items: &mut [ParsedItem],
    batch_ids: &HashSet<String>,
    seen: &mut SeenIds,
) -> Result<Vec<Diagnostic>, DbError> {
    let mut diagnostics = Vec::new();
    for item in items.iter_mut() {
        check_identity(item, seen, &mut diagnostics);
        check_org(item, catalog, &mut diagnostics);
        check_placements(item, catalog, &mut diagnostics);
        check_legacy_hosts(item, catalog, &mut diagnostics);
        check_meta(item, &mut diagnostics);
        if let Some(original) = &item.input.translation_of {
            let known =
                batch_ids.contains(original) || db.item_by_external_id(original).await?.is_some();
            if !known {
                diagnostics.push(item.diagnostic(
                    "translation_of",
                    format!(
                        "no item with id \"{original}\" is stored or in this import; import \
                         the original first or in the same run"
                    ),
                ));
            }
        }
    }
    Ok(diagnostics)
}

fn check_identity(item: &ParsedItem, seen: &mut SeenIds, diagnostics: &mut Vec<Diagnostic>) {
    let id = &item.input.external_id;
    match seen.get(id) {
        Some(file) if *file == item.file => diagnostics.push(item.diagnostic(
            "id",
            format!(
                "id \"{id}\" is used by an earlier record of this file; give each item its own id"
            ),
        )),
        Some(file) => diagnostics.push(item.diagnostic(
            "id",
            format!("id \"{id}\" is also used in {file}; give each item its own id"),
        )),
        None => {
            seen.insert(id.clone(), item.file.clone());
        }
    }
}

fn check_org(item: &ParsedItem, catalog: &Catalog, diagnostics: &mut Vec<Diagnostic>) {
    let code = &item.input.org_credit_code;
    if !catalog.orgs.contains(code) {
        diagnostics.push(item.diagnostic(
            "org",
            format!(
                "organization with credit code \"{code}\" not found; create it before \
                 importing its items"
            ),
        ));
    }
}

fn check_placements(item: &mut ParsedItem, catalog: &Catalog, diagnostics: &mut Vec<Diagnostic>) {
    let home = &item.input.home;
    match catalog.sites.get(&home.site_code) {
        None => diagnostics.push(item.diagnostic("site", site_not_found(&home.site_code))),
        Some(site) => {
            if let Some(message) = column_not_found(site, home) {
                diagnostics.push(item.diagnostic("column", message));
            }
            if item.input.meta.lang.is_empty() {
                item.input.meta.lang = site.lang.clone();
            }
        }
    }

    for placement in &item.input.extra_placements {
        let message = match catalog.sites.get(&placement.site_code) {
            None => Some(site_not_found(&placement.site_code)),
            Some(site) => column_not_found(site, placement),
        };
        if let Some(message) = message {
            diagnostics.push(item.diagnostic("placements", message));
        }
        if *placement == item.input.home {
            diagnostics.push(item.diagnostic(
                "placements",
                format!(
                    "{}:{} is the home placement; list only other columns here",
                    placement.site_code, placement.column_path
                ),
            ));
        }
    }
}

/// Checks that every legacy URL is on the domain or an alias of a hosted site, because its
/// redirect is served there.
fn check_legacy_hosts(item: &ParsedItem, catalog: &Catalog, diagnostics: &mut Vec<Diagnostic>) {
    for url in &item.input.legacy_urls {
        let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority
            .rsplit_once(':')
            .map_or(authority, |(host, _port)| host);
        if !catalog.hosts.contains(&host.to_ascii_lowercase()) {
            diagnostics.push(item.diagnostic(
                "legacy_urls",
                format!(
                    "no site has the domain \"{host}\" of \"{url}\"; add the domain to a site \
                     as an alias, or drop the URL"
                ),
            ));
        }
    }
}

fn site_not_found(code: &str) -> String {
    format!("site \"{code}\" not found; create the site before importing its items")
}

fn column_not_found(site: &SiteInfo, place: &ColumnRef) -> Option<String> {
    if site.columns.contains(&place.column_path) {
        return None;
    }
    let known: Vec<&str> = site.columns.iter().map(String::as_str).collect();
    Some(format!(
        "column \"{}\" not found on site {}; use one of: {}",
        place.column_path,
        place.site_code,
        known.join(", ")
    ))
}

/// Adds the metadata rule violations of fields that have no error yet.
fn check_meta(item: &ParsedItem, diagnostics: &mut Vec<Diagnostic>) {
    for error in item.input.meta.validate() {
        let reported = diagnostics.iter().any(|d| {
            d.file == item.file
                && d.line == item.line_of(error.field)
                && d.field.as_deref() == Some(error.field)
        });
        if !reported {
            diagnostics.push(item.diagnostic(error.field, error.message));
        }
    }
}
