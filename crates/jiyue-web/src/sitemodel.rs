//! Builds the render crate's page models from stored sites, columns and items.

use chrono::{DateTime, Utc};
use jiyue_core::clock::to_china;
use jiyue_core::paths::column_page_path;
use jiyue_db::{Column, ItemSummary, Site};
use jiyue_render::model::{
    Breadcrumb, ColumnView, FooterView, LangLink, ListEntry, NavLink, SiteMapColumn, SiteView,
};

use crate::SiteDirectory;

/// Columns shown in the header navigation at most.
const NAV_COLUMNS: usize = 9;

/// A site with its base URL and columns, loaded once per render.
pub struct SiteContext<'a> {
    pub site: &'a Site,
    pub base_url: String,
    pub columns: Vec<Column>,
}

impl<'a> SiteContext<'a> {
    /// Returns the column with `id`.
    pub fn column(&self, id: i64) -> Option<&Column> {
        self.columns.iter().find(|column| column.id == id)
    }

    /// Returns the column at `path`.
    pub fn column_by_path(&self, path: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.path == path)
    }

    /// Returns the top-level columns in their set order.
    pub fn top_columns(&self) -> Vec<&Column> {
        let mut top: Vec<&Column> = self
            .columns
            .iter()
            .filter(|column| column.parent_id.is_none())
            .collect();
        top.sort_by_key(|column| (column.position, column.id));
        top
    }

    /// Returns the absolute URL of a path on this site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Builds the site part of every page; `current_column` marks the navigation entry.
    pub fn view(&self, directory: &SiteDirectory, current_column: Option<i64>) -> SiteView {
        let site = self.site;
        let settings = &site.settings;
        let current_top = current_column.and_then(|id| self.top_ancestor(id));
        let nav = self
            .top_columns()
            .into_iter()
            .take(NAV_COLUMNS)
            .map(|column| NavLink {
                name: column.name.clone(),
                // The services column leads to the one-stop pages, which show every service of
                // the platform; the column's own listing stays in the site map.
                url: if column.column_type == jiyue_core::ColumnType::Services {
                    self.url(crate::pages::services::PREFIX)
                } else {
                    self.url(&column_page_path(&column.path, 0))
                },
                current: Some(column.id) == current_top,
            })
            .collect();
        let language_links = site
            .language_versions
            .iter()
            .filter_map(|other| {
                let other_site = directory.sites.get(other)?;
                let base = directory.hosts.base_url(*other)?;
                Some(LangLink {
                    lang: other_site.lang.clone(),
                    label: language_label(&other_site.lang).to_string(),
                    url: format!("{base}/"),
                })
            })
            .collect();
        // Without the national script, the footer links to the site's own error-report form.
        let error_report_url = self.url("/zhaocuo");
        SiteView {
            code: site.code.clone(),
            name: site.name.clone(),
            lang: site.lang.clone(),
            dir: text_direction(&site.lang).to_string(),
            base_url: self.base_url.clone(),
            description: site.description.clone().unwrap_or_default(),
            keywords: split_keywords(site.keywords.as_deref()),
            footer: FooterView {
                sponsor: settings
                    .sponsor
                    .clone()
                    .unwrap_or_else(|| site.name.clone()),
                operator: settings.operator.clone().unwrap_or_default(),
                icp_filing: settings.icp_filing.clone().unwrap_or_default(),
                public_security_filing: settings.public_security_filing.clone().unwrap_or_default(),
                contact_phone: settings.contact_phone.clone(),
                contact_email: settings.contact_email.clone(),
                address: settings.address.clone(),
                badge_script_url: settings.badge_script_url.clone(),
                error_report_script_url: settings.error_report_script_url.clone(),
                site_map_url: self.url("/sitemap.html"),
                error_report_url,
            },
            nav,
            language_links,
            demo: settings.demo,
            search_url: self.url("/search"),
            directory_url: format!("{}/", directory.hosts.directory_url()),
        }
    }

    fn top_ancestor(&self, id: i64) -> Option<i64> {
        let mut column = self.column(id)?;
        for _ in 0..8 {
            match column.parent_id.and_then(|parent| self.column(parent)) {
                Some(parent) => column = parent,
                None => break,
            }
        }
        Some(column.id)
    }

    /// Builds the site map: every column under its parent, in the set order.
    pub fn site_map(&self, parent: Option<i64>, depth: usize) -> Vec<SiteMapColumn> {
        let mut columns: Vec<&Column> = self
            .columns
            .iter()
            .filter(|column| column.parent_id == parent && !column.path.is_empty())
            .collect();
        columns.sort_by_key(|column| (column.position, column.id));
        columns
            .into_iter()
            .map(|column| SiteMapColumn {
                name: column.name.clone(),
                url: self.url(&column_page_path(&column.path, 0)),
                children: if depth < 6 {
                    self.site_map(Some(column.id), depth + 1)
                } else {
                    Vec::new()
                },
            })
            .collect()
    }

    /// Builds the view of a column.
    pub fn column_view(&self, column: &Column) -> ColumnView {
        ColumnView {
            name: column.name.clone(),
            url: self.url(&column_page_path(&column.path, 0)),
            column_type: column.column_type,
            description: column.description.clone().unwrap_or_default(),
            keywords: split_keywords(column.keywords.as_deref()),
            feed_url: Some(self.url(&feed_path(&column.path))),
        }
    }

    /// Builds the breadcrumb trail from the home page down to `column`, which is left out
    /// when it is the current page (the template adds the current page itself).
    pub fn breadcrumbs(&self, column: &Column, include_column: bool) -> Vec<Breadcrumb> {
        let mut trail = Vec::new();
        let mut current = if include_column {
            Some(column)
        } else {
            column.parent_id.and_then(|parent| self.column(parent))
        };
        while let Some(step) = current {
            trail.push(Breadcrumb {
                name: step.name.clone(),
                url: self.url(&column_page_path(&step.path, 0)),
            });
            current = step.parent_id.and_then(|parent| self.column(parent));
            if trail.len() > 8 {
                break;
            }
        }
        trail.push(Breadcrumb {
            name: self.site.name.clone(),
            url: self.url("/"),
        });
        trail.reverse();
        trail
    }

    /// Builds one list line.
    pub fn entry(&self, summary: &ItemSummary) -> ListEntry {
        ListEntry {
            title: summary.title.clone(),
            url: self.url(&summary.path),
            date: china_date(summary.published_at),
            summary: summary.summary.clone(),
            sample: summary.sample,
            site_name: None,
        }
    }
}

/// Returns the path of a column's Atom feed.
pub fn feed_path(column_path: &str) -> String {
    format!("/{column_path}/atom.xml")
}

/// Formats an instant as a China Standard Time date, `YYYY-MM-DD`.
pub fn china_date(at: DateTime<Utc>) -> String {
    to_china(at).format("%Y-%m-%d").to_string()
}

/// Returns the name of a language in that language, for language switches.
pub fn language_label(lang: &str) -> &'static str {
    let primary = lang.split('-').next().unwrap_or(lang);
    match primary {
        "en" => "English",
        "zh" if lang.contains("Hant") || lang.ends_with("TW") || lang.ends_with("HK") => "繁體中文",
        "zh" => "中文",
        "bo" => "བོད་ཡིག",
        "ug" => "ئۇيغۇرچە",
        _ => "Other",
    }
}

/// Returns `rtl` for right-to-left scripts such as Uyghur, else `ltr`.
pub fn text_direction(lang: &str) -> &'static str {
    let primary = lang.split('-').next().unwrap_or(lang);
    if matches!(primary, "ug" | "ar" | "fa" | "he" | "ur") {
        "rtl"
    } else {
        "ltr"
    }
}

fn split_keywords(text: Option<&str>) -> Vec<String> {
    text.unwrap_or("")
        .split([',', '，', ';', '；', '、'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect()
}
