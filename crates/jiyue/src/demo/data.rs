//! The demo data files compiled into the binary (`crates/jiyue/demo/`): organizations, sites,
//! column sets and the news items, read into storage records.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{anyhow, bail, Context};
use include_dir::{include_dir, Dir};
use jiyue_core::ColumnType;
use jiyue_db::{NewColumn, NewOrg, NewSite, SiteSettings};
use serde::Deserialize;

use crate::import::markdown::parse_markdown_located;
use crate::import::record::ParsedItem;

/// The demo folder, compiled into the binary so `jiyue demo` runs from any folder.
static DEMO_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/demo");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgsFile {
    orgs: Vec<OrgEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgEntry {
    credit_code: String,
    name: String,
    name_en: Option<String>,
    parent: Option<String>,
    division: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SitesFile {
    sites: Vec<SiteEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteEntry {
    code: String,
    org: String,
    name: String,
    lang: String,
    description: Option<String>,
    keywords: Option<String>,
    primary_domain: String,
    #[serde(default)]
    aliases: Vec<String>,
    language_version_of: Option<String>,
    #[serde(default = "default_theme")]
    theme: String,
    /// Name of the column set in columns.toml.
    columns: String,
    settings: SiteSettings,
}

fn default_theme() -> String {
    "default".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnEntry {
    path: String,
    name: String,
    #[serde(rename = "type")]
    column_type: String,
    description: Option<String>,
    keywords: Option<String>,
    review_levels: i16,
    accepts_shared: bool,
}

/// A demo site with its standard columns.
#[derive(Debug, Clone)]
pub(crate) struct DemoSite {
    pub(crate) site: NewSite,
    pub(crate) columns: Vec<NewColumn>,
}

/// Everything the demo loads except the generated sample items.
#[derive(Debug, Clone)]
pub(crate) struct DemoData {
    /// Organizations, parents before children.
    pub(crate) orgs: Vec<NewOrg>,
    /// Sites, each after the site it is a language version of.
    pub(crate) sites: Vec<DemoSite>,
    /// The news items of `demo/content/`, in file-name order.
    pub(crate) items: Vec<ParsedItem>,
}

/// Reads the demo files compiled into the binary.
pub(crate) fn load() -> anyhow::Result<DemoData> {
    let orgs: OrgsFile = read_toml("orgs.toml")?;
    let sites: SitesFile = read_toml("sites.toml")?;
    let column_sets: BTreeMap<String, Vec<ColumnEntry>> = read_toml("columns.toml")?;
    Ok(DemoData {
        orgs: orgs.orgs.into_iter().map(new_org).collect(),
        sites: sites
            .sites
            .into_iter()
            .map(|entry| demo_site(entry, &column_sets))
            .collect::<anyhow::Result<_>>()?,
        items: content_items()?,
    })
}

fn read_toml<T: serde::de::DeserializeOwned>(name: &str) -> anyhow::Result<T> {
    let file = DEMO_DIR
        .get_file(name)
        .ok_or_else(|| anyhow!("demo file {name} is missing from the binary; rebuild jiyue"))?;
    let text = file
        .contents_utf8()
        .ok_or_else(|| anyhow!("demo file {name} is not UTF-8"))?;
    toml::from_str(text).with_context(|| format!("invalid demo file {name}"))
}

fn new_org(entry: OrgEntry) -> NewOrg {
    NewOrg {
        credit_code: entry.credit_code,
        name: entry.name,
        name_en: entry.name_en,
        parent_credit_code: entry.parent,
        division_code: entry.division,
    }
}

fn demo_site(
    entry: SiteEntry,
    column_sets: &BTreeMap<String, Vec<ColumnEntry>>,
) -> anyhow::Result<DemoSite> {
    let Some(set) = column_sets.get(&entry.columns) else {
        bail!(
            "demo site {}: column set \"{}\" is not in columns.toml",
            entry.code,
            entry.columns
        );
    };
    let columns = set
        .iter()
        .enumerate()
        .map(|(position, column)| new_column(&entry.code, position, column))
        .collect::<anyhow::Result<_>>()?;
    let site = NewSite {
        code: entry.code,
        org_credit_code: entry.org,
        name: entry.name,
        lang: entry.lang,
        description: entry.description,
        keywords: entry.keywords,
        primary_domain: entry.primary_domain,
        aliases: entry.aliases,
        language_version_of: entry.language_version_of,
        theme: entry.theme,
        settings: entry.settings,
    };
    Ok(DemoSite { site, columns })
}

fn new_column(site_code: &str, position: usize, entry: &ColumnEntry) -> anyhow::Result<NewColumn> {
    let column_type = ColumnType::parse(&entry.column_type).ok_or_else(|| {
        anyhow!(
            "demo column {site_code}:{}: unknown column type \"{}\"",
            entry.path,
            entry.column_type
        )
    })?;
    Ok(NewColumn {
        site_code: site_code.to_owned(),
        path: entry.path.clone(),
        name: entry.name.clone(),
        column_type,
        description: entry.description.clone(),
        keywords: entry.keywords.clone(),
        position: i32::try_from(position)?,
        review_levels: entry.review_levels,
        accepts_shared: entry.accepts_shared,
    })
}

/// Parses every `content/*.md` file with the import parser.
fn content_items() -> anyhow::Result<Vec<ParsedItem>> {
    let content = DEMO_DIR
        .get_dir("content")
        .ok_or_else(|| anyhow!("demo folder content/ is missing from the binary; rebuild jiyue"))?;
    let mut files: Vec<_> = content
        .files()
        .filter(|file| file.path().extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort_by_key(|file| file.path());

    let mut items = Vec::new();
    for file in files {
        let path = Path::new("demo").join(file.path());
        let text = file
            .contents_utf8()
            .ok_or_else(|| anyhow!("demo file {} is not UTF-8", path.display()))?;
        items.push(parse_markdown_located(&path, text)?);
    }
    Ok(items)
}

/// Returns the text of the kept source digest, for tests of the wording check.
pub fn source_digest() -> Option<&'static str> {
    DEMO_DIR
        .get_file("source/news-digest-2018-11.txt")
        .and_then(|file| file.contents_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_files_load() {
        let data = load().unwrap();
        assert_eq!(data.orgs.len(), 18);
        assert_eq!(data.sites.len(), 6);
        assert_eq!(data.items.len(), 4);
        assert!(data.sites.iter().all(|site| !site.columns.is_empty()));
    }

    #[test]
    fn demo_credit_codes_are_valid() {
        for org in load().unwrap().orgs {
            assert!(
                jiyue_core::CreditCode::parse(&org.credit_code).is_ok(),
                "{}",
                org.credit_code
            );
        }
    }

    #[test]
    fn source_digest_is_kept() {
        let digest = source_digest().unwrap();
        assert!(digest.contains("李甘杰"));
    }
}
