//! Sites: keyed by site code, each with its domains (one primary, any number of aliases, every
//! host unique across the platform), settings and language versions.

use std::collections::{BTreeMap, BTreeSet};

use jiyue_core::{Domain, SiteCode};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{NewSite, OrgId, Scope, Site, SiteId, SiteSettings};
use crate::orgs::require_org;
use crate::outbox::{insert_events, tags, NewEvent};
use crate::scope::{check_org, check_site};
use crate::sql::{args, micros, Conn, Row};

const SITE_COLUMNS: &str = "id, org_id, code, name, lang, description, keywords, theme, settings";

/// A site's domains after normalization: the primary first, then the aliases.
struct Domains {
    primary: Domain,
    aliases: Vec<Domain>,
}

fn parse_domain(text: &str, site: &str) -> Result<Domain> {
    Domain::parse(text).map_err(|error| DbError::Invalid(format!("site \"{site}\": {error}")))
}

fn validate_site(site: &NewSite) -> Result<(SiteCode, Domains)> {
    let code = SiteCode::parse(&site.code)
        .map_err(|error| DbError::Invalid(format!("site code: {error}")))?;
    for (field, value) in [
        ("name", &site.name),
        ("lang", &site.lang),
        ("theme", &site.theme),
    ] {
        if value.trim().is_empty() {
            return Err(DbError::Invalid(format!(
                "site \"{code}\": field \"{field}\" is empty; give a value"
            )));
        }
    }
    let primary = parse_domain(&site.primary_domain, code.as_str())?;
    let mut seen = BTreeSet::from([primary.clone()]);
    let mut aliases = Vec::new();
    for alias in &site.aliases {
        let alias = parse_domain(alias, code.as_str())?;
        if !seen.insert(alias.clone()) {
            return Err(DbError::Invalid(format!(
                "site \"{code}\": domain \"{alias}\" is listed twice; list each domain once"
            )));
        }
        aliases.push(alias);
    }
    Ok((code, Domains { primary, aliases }))
}

fn settings_json(settings: &SiteSettings) -> String {
    serde_json::to_string(settings).unwrap_or_else(|_| "{}".to_string())
}

fn parse_settings(text: &str, code: &str) -> Result<SiteSettings> {
    serde_json::from_str(text).map_err(|error| {
        DbError::Invalid(format!(
            "stored settings of site \"{code}\" are not valid JSON: {error}; save the site again"
        ))
    })
}

/// Reads a site row, leaving domains and language versions to be attached.
fn site_from_row(row: &Row) -> Result<Site> {
    let code = row.text("code")?;
    Ok(Site {
        id: row.int("id")?,
        org_id: row.int("org_id")?,
        name: row.text("name")?,
        lang: row.text("lang")?,
        description: row.opt_text("description")?,
        keywords: row.opt_text("keywords")?,
        primary_domain: String::new(),
        aliases: Vec::new(),
        language_versions: Vec::new(),
        theme: row.text("theme")?,
        settings: parse_settings(&row.text("settings")?, &code)?,
        code,
    })
}

/// Finds a site id by code.
pub(crate) async fn find_site_id(conn: &mut Conn<'_>, code: &str) -> Result<Option<SiteId>> {
    let row = conn
        .fetch_optional("SELECT id FROM sites WHERE code = $1", args![code])
        .await?;
    row.map(|row| row.int("id")).transpose()
}

/// Finds the site that owns a host.
pub(crate) async fn site_id_by_host(conn: &mut Conn<'_>, host: &str) -> Result<Option<SiteId>> {
    let row = conn
        .fetch_optional("SELECT site_id FROM domains WHERE host = $1", args![host])
        .await?;
    row.map(|row| row.int("site_id")).transpose()
}

/// Returns the primary domain of a site.
pub(crate) async fn primary_domain(conn: &mut Conn<'_>, site_id: SiteId) -> Result<Option<String>> {
    let row = conn
        .fetch_optional(
            "SELECT host FROM domains WHERE site_id = $1 AND is_primary = $2",
            args![site_id, true],
        )
        .await?;
    row.map(|row| row.text("host")).transpose()
}

impl Db {
    /// Creates or updates a site keyed by its code and replaces its domains. A domain that
    /// another site uses is a `Conflict` naming both.
    pub async fn upsert_site(&self, scope: &Scope, site: &NewSite) -> Result<SiteId> {
        let (code, domains) = validate_site(site)?;
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();

        let org = require_org(&mut conn, &site.org_credit_code, "org_credit_code").await?;
        let existing = load_sites(&mut conn, "WHERE code = $1", args![code.as_str()]).await?;
        let existing = existing.into_iter().next();
        match &existing {
            Some(old) if old.org_id == org.id => {
                check_site(&mut conn, scope, old.id, "update site").await?
            }
            Some(old) => {
                check_site(&mut conn, scope, old.id, "update site").await?;
                check_org(&mut conn, scope, org.id, "move a site to this organization").await?;
            }
            None => check_org(&mut conn, scope, org.id, "create a site").await?,
        }
        check_domain_conflicts(&mut conn, code.as_str(), &domains).await?;
        let other_language = match &site.language_version_of {
            Some(other) => Some(require_other_language(&mut conn, code.as_str(), other).await?),
            None => None,
        };

        let (id, mut changed) = match &existing {
            Some(old) => (
                old.id,
                update_site(&mut conn, old, org.id, site, now).await?,
            ),
            None => (
                insert_site(&mut conn, code.as_str(), org.id, site, now).await?,
                true,
            ),
        };
        changed |= replace_domains(&mut conn, id, existing.as_ref(), &domains).await?;
        let mut touched = vec![id];
        if let Some(other) = other_language {
            if link_language_versions(&mut conn, id, other).await? {
                // The other site's pages link back to this one, so they change too.
                touched.push(other);
                changed = true;
            }
        }
        if changed {
            let mut event_tags = tags(None, [], touched.iter().copied());
            event_tags.extend(touched.iter().map(|site| format!("nav:{site}")));
            let event = NewEvent {
                kind: "site.changed",
                tags: event_tags,
                item_id: None,
                site_id: Some(id),
            };
            insert_events(&mut conn, now, &[event]).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Returns every site with its domains, settings and language versions, ordered by code.
    pub async fn sites(&self) -> Result<Vec<Site>> {
        let mut handle = self.reader().await?;
        load_sites(&mut handle.conn(), "", args![]).await
    }

    /// Returns the site with a code.
    pub async fn site_by_code(&self, code: &str) -> Result<Option<Site>> {
        let mut handle = self.reader().await?;
        let sites = load_sites(&mut handle.conn(), "WHERE code = $1", args![code]).await?;
        Ok(sites.into_iter().next())
    }

    /// Returns the site with an id.
    pub async fn site(&self, id: SiteId) -> Result<Option<Site>> {
        let mut handle = self.reader().await?;
        let sites = load_sites(&mut handle.conn(), "WHERE id = $1", args![id]).await?;
        Ok(sites.into_iter().next())
    }
}

/// Loads sites matching a filter on the `sites` table, with domains and language versions.
async fn load_sites(
    conn: &mut Conn<'_>,
    filter: &str,
    filter_args: Vec<crate::sql::Arg>,
) -> Result<Vec<Site>> {
    let sql = format!("SELECT {SITE_COLUMNS} FROM sites {filter} ORDER BY code");
    let rows = conn.fetch_all(&sql, filter_args.clone()).await?;
    let mut sites: Vec<Site> = rows.iter().map(site_from_row).collect::<Result<_>>()?;
    let mut by_id: BTreeMap<SiteId, usize> = BTreeMap::new();
    for (index, site) in sites.iter().enumerate() {
        by_id.insert(site.id, index);
    }

    let sql = format!(
        "SELECT host, site_id, is_primary FROM domains \
         WHERE site_id IN (SELECT id FROM sites {filter}) ORDER BY host"
    );
    for row in conn.fetch_all(&sql, filter_args.clone()).await? {
        let Some(&index) = by_id.get(&row.int("site_id")?) else {
            continue;
        };
        let host = row.text("host")?;
        if row.flag("is_primary")? {
            sites[index].primary_domain = host;
        } else {
            sites[index].aliases.push(host);
        }
    }

    let sql = format!(
        "SELECT site_id, other_site_id FROM site_language_versions \
         WHERE site_id IN (SELECT id FROM sites {filter}) ORDER BY other_site_id"
    );
    for row in conn.fetch_all(&sql, filter_args).await? {
        if let Some(&index) = by_id.get(&row.int("site_id")?) {
            sites[index]
                .language_versions
                .push(row.int("other_site_id")?);
        }
    }
    Ok(sites)
}

async fn check_domain_conflicts(conn: &mut Conn<'_>, code: &str, domains: &Domains) -> Result<()> {
    for domain in std::iter::once(&domains.primary).chain(&domains.aliases) {
        let row = conn
            .fetch_optional(
                "SELECT s.code FROM domains d JOIN sites s ON s.id = d.site_id WHERE d.host = $1",
                args![domain.as_str()],
            )
            .await?;
        let Some(row) = row else { continue };
        let owner = row.text("code")?;
        if owner != code {
            return Err(DbError::Conflict(format!(
                "domain \"{domain}\" is already used by site {owner}; remove it from site {owner} \
                 before giving it to site {code}"
            )));
        }
    }
    Ok(())
}

async fn require_other_language(conn: &mut Conn<'_>, code: &str, other: &str) -> Result<SiteId> {
    if other == code {
        return Err(DbError::Invalid(format!(
            "site \"{code}\" names itself in language_version_of; name the site in the other language"
        )));
    }
    find_site_id(conn, other).await?.ok_or_else(|| {
        DbError::NotFound(format!(
            "site \"{code}\": language_version_of names site \"{other}\", which does not exist; create it first"
        ))
    })
}

async fn insert_site(
    conn: &mut Conn<'_>,
    code: &str,
    org_id: OrgId,
    site: &NewSite,
    now: i64,
) -> Result<SiteId> {
    let row = conn
        .fetch_one(
            "INSERT INTO sites (org_id, code, name, lang, description, keywords, theme, settings, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            args![
                org_id,
                code,
                &site.name,
                &site.lang,
                &site.description,
                &site.keywords,
                &site.theme,
                settings_json(&site.settings),
                now
            ],
        )
        .await?;
    row.int("id")
}

/// Updates the site row when a field differs. Returns whether it did.
async fn update_site(
    conn: &mut Conn<'_>,
    old: &Site,
    org_id: OrgId,
    site: &NewSite,
    now: i64,
) -> Result<bool> {
    let same = old.org_id == org_id
        && old.name == site.name
        && old.lang == site.lang
        && old.description == site.description
        && old.keywords == site.keywords
        && old.theme == site.theme
        && old.settings == site.settings;
    if same {
        return Ok(false);
    }
    conn.execute(
        "UPDATE sites SET org_id = $1, name = $2, lang = $3, description = $4, keywords = $5, \
         theme = $6, settings = $7, updated_at = $8 WHERE id = $9",
        args![
            org_id,
            &site.name,
            &site.lang,
            &site.description,
            &site.keywords,
            &site.theme,
            settings_json(&site.settings),
            now,
            old.id
        ],
    )
    .await?;
    Ok(true)
}

/// Replaces the domain rows of a site when they differ. Returns whether they did.
async fn replace_domains(
    conn: &mut Conn<'_>,
    site_id: SiteId,
    old: Option<&Site>,
    domains: &Domains,
) -> Result<bool> {
    let new_aliases: BTreeSet<&str> = domains.aliases.iter().map(Domain::as_str).collect();
    if let Some(old) = old {
        let old_aliases: BTreeSet<&str> = old.aliases.iter().map(String::as_str).collect();
        if old.primary_domain == domains.primary.as_str() && old_aliases == new_aliases {
            return Ok(false);
        }
    }
    conn.execute("DELETE FROM domains WHERE site_id = $1", args![site_id])
        .await?;
    let primary = std::iter::once((domains.primary.as_str(), true));
    for (host, is_primary) in primary.chain(new_aliases.iter().map(|host| (*host, false))) {
        conn.execute(
            "INSERT INTO domains (host, site_id, is_primary) VALUES ($1, $2, $3)",
            args![host, site_id, is_primary],
        )
        .await?;
    }
    Ok(true)
}

/// Links two sites as language versions of each other, both ways. Returns whether a link was new.
async fn link_language_versions(
    conn: &mut Conn<'_>,
    site_id: SiteId,
    other: SiteId,
) -> Result<bool> {
    let mut added = 0;
    for (a, b) in [(site_id, other), (other, site_id)] {
        added += conn
            .execute(
                "INSERT INTO site_language_versions (site_id, other_site_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
                args![a, b],
            )
            .await?;
    }
    Ok(added > 0)
}
