//! The list of cases a staff member's grants reach, with filters, paging, the deadline of each
//! case and the to-do box of cases due soon or overdue.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiyue_auth::{GrantScope, Role};
use jiyue_core::{CaseStatus, WorkCalendar};
use jiyue_db::{CaseFilter, CaseKind, CaseRecord, CaseState, OrgId, Scope, SiteId};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::super::error::AdminError;
use super::super::render;
use super::super::session::SignedIn;
use super::{category_name, kind_name, parse_optional_id, require_scopes, Need, KINDS};
use crate::App;

/// Rows of one page of the list.
const PER_PAGE: u32 = 30;

/// The most open cases of each state the to-do box looks through.
const TODO_SCAN: u32 = 100;

/// Every state, in workflow order, for the filter.
pub(super) const STATES: [CaseState; 7] = [
    CaseState::Held,
    CaseState::Received,
    CaseState::Accepted,
    CaseState::Paused,
    CaseState::ReplyPending,
    CaseState::Answered,
    CaseState::Rejected,
];

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    page: String,
}

/// The deadline of a case on a day, as the list and the case page show it.
#[derive(Debug, Default, Serialize)]
pub(super) struct Deadline {
    pub due: String,
    pub remaining: Option<i64>,
    /// 暂停中, 已超期 or 即将到期; empty while the clock runs with time to spare.
    pub status: &'static str,
    /// A CSS class for the status: `paused`, `overdue` or `due-soon`.
    pub status_class: &'static str,
    /// True when a year of the computation has no loaded calendar.
    pub provisional: bool,
}

/// Computes the deadline of a case: nothing before acceptance, the due date alone once closed.
pub(super) fn deadline(
    case: &CaseRecord,
    calendar: &WorkCalendar,
    today: chrono::NaiveDate,
) -> Deadline {
    let Some(clock) = &case.clock else {
        return Deadline::default();
    };
    let due = clock.due(calendar);
    let mut result = Deadline {
        due: due.value.map(|day| day.to_string()).unwrap_or_default(),
        provisional: due.provisional,
        ..Deadline::default()
    };
    if matches!(case.state, CaseState::Answered | CaseState::Rejected) {
        return result;
    }

    result.remaining = Some(clock.remaining(calendar, today).value);
    let (status, class) = match clock.status(calendar, today).value {
        CaseStatus::Paused => ("暂停中", "paused"),
        CaseStatus::Overdue => ("已超期", "overdue"),
        CaseStatus::DueSoon => ("即将到期", "due-soon"),
        CaseStatus::Running => ("", ""),
    };
    result.status = status;
    result.status_class = class;
    result
}

/// One row of a case list.
#[derive(Debug, Serialize)]
pub(super) struct CaseRow {
    pub id: i64,
    pub no: String,
    pub kind: &'static str,
    pub category: &'static str,
    pub subject: String,
    pub org: String,
    pub site: String,
    pub received_on: String,
    pub state: &'static str,
    pub held_for: Option<String>,
    pub deadline: Deadline,
    /// False when the user may see the row but not open the case, such as a site
    /// administrator alerted to an overdue message of their site.
    pub linked: bool,
}

/// Names of organizations and sites by id, for list rows.
pub(super) struct Names {
    pub orgs: HashMap<OrgId, String>,
    pub sites: HashMap<i64, String>,
}

impl Names {
    /// Loads every organization and site name.
    pub async fn load(app: &App) -> Result<Names, AdminError> {
        let orgs = app
            .db
            .orgs()
            .await?
            .into_iter()
            .map(|org| (org.id, org.name));
        let sites = app
            .db
            .sites()
            .await?
            .into_iter()
            .map(|site| (site.id, site.name));
        Ok(Names {
            orgs: orgs.collect(),
            sites: sites.collect(),
        })
    }

    /// Builds the row of a case.
    pub fn row(
        &self,
        case: &CaseRecord,
        calendar: &WorkCalendar,
        today: chrono::NaiveDate,
    ) -> CaseRow {
        CaseRow {
            id: case.id,
            no: case.no.clone(),
            kind: kind_name(case.kind),
            category: case.category.map(category_name).unwrap_or_default(),
            subject: case.subject.clone(),
            org: self.orgs.get(&case.org_id).cloned().unwrap_or_default(),
            site: self.sites.get(&case.site_id).cloned().unwrap_or_default(),
            received_on: case.received_on.to_string(),
            state: case.state.name_zh(),
            held_for: case.held_for.clone(),
            deadline: deadline(case, calendar, today),
            linked: true,
        }
    }
}

fn parse_filter(query: &ListQuery) -> Result<CaseFilter, AdminError> {
    let kind = match query.kind.trim() {
        "" => None,
        code => {
            Some(CaseKind::parse(code).map_err(|error| AdminError::BadRequest(error.to_string()))?)
        }
    };
    let state = match query.state.trim() {
        "" => None,
        code => Some(CaseState::parse(code).map_err(|_| {
            AdminError::BadRequest(format!(
                "case state \"{code}\" is unknown; pick a state from the list"
            ))
        })?),
    };
    let text = query.text.trim();
    Ok(CaseFilter {
        kind,
        state,
        org_id: parse_optional_id("org", &query.org)?,
        site_id: parse_optional_id("site", &query.site)?,
        text: (!text.is_empty()).then(|| text.to_string()),
    })
}

/// Returns the open cases `scope` reaches that are due soon or overdue on `today`, overdue
/// first.
pub(super) async fn todo(
    app: &App,
    scope: &Scope,
    site_id: Option<SiteId>,
    names: &Names,
) -> Result<Vec<CaseRow>, AdminError> {
    let calendar = app.calendar();
    let today = app.today();
    let mut rows = Vec::new();
    for state in [
        CaseState::Accepted,
        CaseState::Paused,
        CaseState::ReplyPending,
    ] {
        let filter = CaseFilter {
            state: Some(state),
            site_id,
            ..CaseFilter::default()
        };
        let (cases, _) = app.db.cases(scope, &filter, 1, TODO_SCAN).await?;
        rows.extend(
            cases
                .iter()
                .map(|case| names.row(case, &calendar, today))
                .filter(|row| matches!(row.deadline.status_class, "overdue" | "due-soon")),
        );
    }
    rows.sort_by_key(|row| {
        (
            row.deadline.status_class != "overdue",
            row.deadline.due.clone(),
        )
    });
    Ok(rows)
}

/// Adds to `rows` the overdue cases of the sites the user administers. The deadline job alerts
/// site administrators to them, although a site grant opens only the error reports of the site.
async fn add_site_overdue(
    app: &App,
    me: &SignedIn,
    names: &Names,
    rows: &mut Vec<CaseRow>,
) -> Result<(), AdminError> {
    let sites: Vec<SiteId> = me
        .grants
        .iter()
        .filter_map(|stored| match stored.grant.scope {
            GrantScope::Site { id } if stored.grant.role == Role::SiteAdmin => Some(id),
            _ => None,
        })
        .collect();
    for site in sites {
        for mut row in todo(app, &Scope::Platform, Some(site), names).await? {
            let seen = rows.iter().any(|other| other.id == row.id);
            if row.deadline.status_class != "overdue" || seen {
                continue;
            }
            row.linked = false;
            rows.push(row);
        }
    }
    Ok(())
}

pub(super) async fn list(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Response, AdminError> {
    let scopes = require_scopes(&app, &me, Need::View, "case.list").await?;
    // NOTE: a user with grants on several organizations sees the cases of the broadest grant
    // only; the case page still tries every grant.
    let scope = &scopes[0];
    let filter = parse_filter(&query)?;
    let page: u32 = query.page.trim().parse().unwrap_or(1).max(1);

    let (cases, total) = app.db.cases(scope, &filter, page, PER_PAGE).await?;
    let names = Names::load(&app).await?;
    let calendar = app.calendar();
    let today = app.today();
    let rows: Vec<CaseRow> = cases
        .iter()
        .map(|case| names.row(case, &calendar, today))
        .collect();
    let mut todo = todo(&app, scope, None, &names).await?;
    add_site_overdue(&app, &me, &names, &mut todo).await?;

    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    let ctx = context! {
        cases => rows,
        todo => todo,
        total => total,
        page => page,
        pages => pages,
        query_base => query_base(&query),
        filter => context! {
            kind => query.kind.trim(), state => query.state.trim(), org => query.org.trim(),
            site => query.site.trim(), text => query.text.trim(),
        },
        kinds => KINDS.iter().map(|kind| context! { code => kind.as_str(), name => kind_name(*kind) }).collect::<Vec<_>>(),
        states => STATES.iter().map(|state| context! { code => state.as_str(), name => state.name_zh() }).collect::<Vec<_>>(),
        orgs => sorted(&names.orgs),
        sites => sorted(&names.sites),
        operator => super::is_platform_operator(&me),
        today => today.to_string(),
    };
    Ok(render::page_for(&app, &me, "cases/list.html", ctx)?.into_response())
}

/// Returns `(id, name)` pairs ordered by name, for a select.
pub(super) fn sorted(names: &HashMap<i64, String>) -> Vec<minijinja::Value> {
    let mut pairs: Vec<(&i64, &String)> = names.iter().collect();
    pairs.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
    pairs
        .into_iter()
        .map(|(id, name)| context! { id => id.to_string(), name => name })
        .collect()
}

/// Returns the query string of the filters, for the paging links.
fn query_base(query: &ListQuery) -> String {
    let pairs = [
        ("kind", query.kind.trim()),
        ("state", query.state.trim()),
        ("org", query.org.trim()),
        ("site", query.site.trim()),
        ("text", query.text.trim()),
    ];
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if !value.is_empty() {
            serializer.append_pair(name, value);
        }
    }
    serializer.finish()
}
