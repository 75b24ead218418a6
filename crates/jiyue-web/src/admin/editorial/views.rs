//! Shared page pieces of the editorial pages: every site with its columns and their
//! authorization targets, the column choices of the item form, and the item form page itself.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiyue_auth::{Action, Target};
use jiyue_db::{Column, ColumnId, Site};
use minijinja::{context, Value};
use serde::Serialize;

use super::super::error::AdminError;
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::fields::{self, Choice, ChoiceGroup};
use super::form::ItemForm;
use crate::App;

/// A site with its columns and the organization path its targets need.
pub struct SiteColumns {
    pub site: Site,
    pub org_path: String,
    pub columns: Vec<Column>,
}

impl SiteColumns {
    /// Returns the authorization target of the site.
    pub fn target(&self) -> Target {
        Target::Site {
            id: self.site.id,
            org_path: self.org_path.clone(),
        }
    }

    /// Returns the authorization target of one of its columns.
    pub fn column_target(&self, column: &Column) -> Target {
        Target::Column {
            id: column.id,
            site_id: self.site.id,
            path: column.path.clone(),
            org_path: self.org_path.clone(),
        }
    }
}

/// Loads every site, ordered by code, with its columns.
///
/// NOTE: this reads the columns with one query per site on every form and list page. That is
/// fine for the demo's few sites but slow with hundreds, so a large province needs one read
/// of all columns, or a cache cleared by `column.changed` events.
pub async fn all_sites(app: &App) -> Result<Vec<SiteColumns>, AdminError> {
    let org_paths: HashMap<i64, String> = app
        .db
        .orgs()
        .await?
        .into_iter()
        .map(|org| (org.id, org.path))
        .collect();
    let mut sites = app.db.sites().await?;
    sites.sort_by(|a, b| a.code.cmp(&b.code));
    let mut all = Vec::with_capacity(sites.len());
    for site in sites {
        let columns = app.db.columns(site.id).await?;
        let org_path = org_paths.get(&site.org_id).cloned().unwrap_or_default();
        all.push(SiteColumns {
            site,
            org_path,
            columns,
        });
    }
    Ok(all)
}

/// Returns a column's name as listed: its path below the name, so nested columns read apart.
pub fn column_label(column: &Column) -> String {
    if column.path.is_empty() {
        column.name.clone()
    } else {
        format!("{}（{}）", column.name, column.path)
    }
}

/// Returns the columns where the user may do `action`, grouped by site.
pub fn allowed_columns(me: &SignedIn, sites: &[SiteColumns], action: Action) -> Vec<ChoiceGroup> {
    sites
        .iter()
        .map(|entry| ChoiceGroup {
            label: entry.site.name.clone(),
            choices: entry
                .columns
                .iter()
                .filter(|column| me.allows(action, &entry.column_target(column)))
                .map(|column| Choice {
                    value: column.id.to_string(),
                    label: column_label(column),
                })
                .collect(),
        })
        .filter(|group| !group.choices.is_empty())
        .collect()
}

/// Returns the columns of every site other than the home column's, for extra placements.
fn extra_columns(sites: &[SiteColumns], home: Option<ColumnId>) -> Vec<ChoiceGroup> {
    let home_site = sites
        .iter()
        .find(|entry| entry.columns.iter().any(|c| Some(c.id) == home))
        .map(|entry| entry.site.id);
    sites
        .iter()
        .filter(|entry| Some(entry.site.id) != home_site)
        .map(|entry| ChoiceGroup {
            label: entry.site.name.clone(),
            choices: entry
                .columns
                .iter()
                .map(|column| Choice {
                    value: column.id.to_string(),
                    label: column_label(column),
                })
                .collect(),
        })
        .filter(|group| !group.choices.is_empty())
        .collect()
}

/// The parts of the item form page besides the form itself.
pub struct FormPage {
    pub status: StatusCode,
    /// The item being edited; `None` for a new item.
    pub item: Option<Value>,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    /// The other person's change, when a save was stale.
    pub stale: Option<Value>,
}

/// Renders the item form page.
pub async fn form_page(
    app: &App,
    me: &SignedIn,
    form: &ItemForm,
    page: FormPage,
) -> Result<Response, AdminError> {
    let sites = all_sites(app).await?;
    let home: Option<ColumnId> = form.home_column.parse().ok();
    let mut home_columns = allowed_columns(me, &sites, Action::WriteItem);
    ensure_current_home(&mut home_columns, &sites, home);
    let wording = wording_findings(app, form).await?;
    let ctx = context! {
        form => form,
        wording => wording,
        item => page.item,
        errors => page.errors,
        notice => page.notice,
        stale => page.stale,
        subjects => fields::subject_groups(),
        genres => fields::genres(),
        audiences => fields::audiences(),
        validities => fields::validities(),
        home_columns => home_columns,
        extra_columns => extra_columns(&sites, home),
        editor => crate::admin::editor_assets::editor_assets(),
    };
    let html = render::page_for(app, me, "item_edit.html", ctx)?;
    Ok((page.status, html).into_response())
}

/// One wording finding as the item form shows it.
#[derive(Debug, Serialize)]
pub struct WordingView {
    /// The catalog key of the finding's kind.
    kind: String,
    blocking: bool,
    /// The id of the input the finding is in.
    field: &'static str,
    /// The catalog key of the input's name.
    place_key: String,
    found: String,
    suggestion: String,
    context: String,
}

/// Checks the form's title and body against the operators' wording lists, which are read
/// fresh so a change to them shows on the next page.
async fn wording_findings(app: &App, form: &ItemForm) -> Result<Vec<WordingView>, AdminError> {
    let lists = jiyue_monitor::WordLists::load(&app.db).await?;
    let found = jiyue_monitor::check_item(&lists, &form.title, &form.body_html);
    Ok(found
        .into_iter()
        .map(|item| WordingView {
            kind: format!("wording-kind-{}", item.finding.kind.as_str()),
            blocking: item.finding.kind.is_blocking(),
            field: match item.place {
                jiyue_monitor::Place::Title => "title",
                jiyue_monitor::Place::Body => "body_html",
            },
            place_key: format!("wording-finding-where-{}", item.place.as_str()),
            found: item.finding.found,
            suggestion: item.finding.suggestion,
            context: item.context,
        })
        .collect())
}

/// Keeps the item's current home column selectable even when the user may not write there
/// (a reviewer reading the form), so the form shows where the item lives.
fn ensure_current_home(
    groups: &mut Vec<ChoiceGroup>,
    sites: &[SiteColumns],
    home: Option<ColumnId>,
) {
    let Some(home) = home else {
        return;
    };
    let listed = groups
        .iter()
        .any(|group| group.choices.iter().any(|c| c.value == home.to_string()));
    if listed {
        return;
    }
    for entry in sites {
        if let Some(column) = entry.columns.iter().find(|c| c.id == home) {
            groups.push(ChoiceGroup {
                label: entry.site.name.clone(),
                choices: vec![Choice {
                    value: column.id.to_string(),
                    label: column_label(column),
                }],
            });
        }
    }
}

/// Serializes a value for a template, as minijinja does.
pub fn value<T: Serialize>(value: &T) -> Value {
    Value::from_serialize(value)
}
