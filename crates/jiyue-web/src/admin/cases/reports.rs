//! Reports on cases: the monthly statistics per organization with a CSV export, and the
//! inspection list of messages left unanswered for three months.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Months, NaiveDate};
use jiyue_db::{AuditResult, OrgCaseStats};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::super::error::AdminError;
use super::super::render;
use super::super::session::{forbidden, SignedIn};
use super::list::{sorted, CaseRow, Names};
use super::{is_platform_operator, kind_name, parse_optional_id, require_scopes, Need};
use crate::App;

/// Months a message may stay unanswered before the national inspection of government websites
/// fails the site outright (单项否决).
const INSPECTION_MONTHS: u32 = 3;

#[derive(Debug, Default, Deserialize)]
pub(super) struct StatsQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    site: String,
}

/// One row of the statistics, as shown and exported.
#[derive(Debug, Serialize)]
struct StatsRow {
    #[serde(rename = "单位")]
    org: String,
    #[serde(rename = "类型")]
    kind: &'static str,
    #[serde(rename = "收到")]
    received: u64,
    #[serde(rename = "办结")]
    answered: u64,
    #[serde(rename = "按期办结")]
    answered_on_time: u64,
    #[serde(rename = "平均用时（工作日）")]
    average: String,
}

fn stats_row(stats: OrgCaseStats) -> StatsRow {
    StatsRow {
        org: stats.org_name,
        kind: kind_name(stats.kind),
        received: stats.received,
        answered: stats.answered,
        answered_on_time: stats.answered_on_time,
        average: stats
            .average_working_days
            .map(|days| format!("{days:.1}"))
            .unwrap_or_default(),
    }
}

/// Parses `YYYY-MM`; blank is the current month in China.
fn parse_month(text: &str, today: NaiveDate) -> Result<(i32, u32), AdminError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok((today.year(), today.month()));
    }
    let parsed = text
        .split_once('-')
        .and_then(|(year, month)| Some((year.parse().ok()?, month.parse().ok()?)))
        .filter(|(_, month): &(i32, u32)| (1..=12).contains(month));
    parsed.ok_or_else(|| {
        AdminError::BadRequest(format!(
            "month \"{text}\" is invalid; write it as YYYY-MM, such as 2026-10"
        ))
    })
}

async fn load_stats(
    app: &App,
    me: &SignedIn,
    query: &StatsQuery,
) -> Result<(String, Option<i64>, Vec<StatsRow>), AdminError> {
    require_scopes(app, me, Need::View, "case.stats").await?;
    let (year, month) = parse_month(&query.month, app.today())?;
    let site = parse_optional_id("site", &query.site)?;
    let stats = app.db.case_month_stats(year, month, site).await?;
    let rows = stats.into_iter().map(stats_row).collect();
    Ok((format!("{year}-{month:02}"), site, rows))
}

pub(super) async fn stats(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<StatsQuery>,
) -> Result<Response, AdminError> {
    let (month, site, rows) = load_stats(&app, &me, &query).await?;
    let names = Names::load(&app).await?;
    let ctx = context! {
        month => month,
        site => site.map(|id| id.to_string()).unwrap_or_default(),
        sites => sorted(&names.sites),
        rows => rows,
    };
    Ok(render::page_for(&app, &me, "cases/stats.html", ctx)?.into_response())
}

pub(super) async fn stats_csv(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<StatsQuery>,
) -> Result<Response, AdminError> {
    let (month, _, rows) = load_stats(&app, &me, &query).await?;
    let internal = |error: csv::Error| {
        AdminError::Internal(format!("writing the statistics CSV failed: {error}"))
    };
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    if rows.is_empty() {
        writer
            .write_record([
                "单位",
                "类型",
                "收到",
                "办结",
                "按期办结",
                "平均用时（工作日）",
            ])
            .map_err(internal)?;
    }
    for row in &rows {
        writer.serialize(row).map_err(internal)?;
    }
    let bytes = writer.into_inner().map_err(|error| {
        AdminError::Internal(format!("writing the statistics CSV failed: {error}"))
    })?;
    let response =
        crate::csv_safe::download(&bytes, &format!("case-stats-{month}.csv")).map_err(internal)?;

    me.audit(&app, "case.stats_export", &month, AuditResult::Ok, "")
        .await;
    Ok(response)
}

/// The unanswered messages of one site.
#[derive(Debug, Serialize)]
struct SiteGroup {
    site: String,
    cases: Vec<CaseRow>,
}

pub(super) async fn inspection(
    State(app): State<Arc<App>>,
    me: SignedIn,
) -> Result<Response, AdminError> {
    if !is_platform_operator(&me) {
        me.audit(
            &app,
            "case.inspection",
            "cases",
            AuditResult::Denied,
            "platform operator",
        )
        .await;
        return Err(forbidden(jiyue_auth::Action::ManageSites));
    }
    let today = app.today();
    let before = today
        .checked_sub_months(Months::new(INSPECTION_MONTHS))
        .unwrap_or(today);
    let cases = app.db.unanswered_since(before).await?;
    let names = Names::load(&app).await?;
    let calendar = app.calendar();

    let mut groups: Vec<SiteGroup> = Vec::new();
    for case in &cases {
        let row = names.row(case, &calendar, today);
        match groups.iter_mut().find(|group| group.site == row.site) {
            Some(group) => group.cases.push(row),
            None => groups.push(SiteGroup {
                site: row.site.clone(),
                cases: vec![row],
            }),
        }
    }
    let ctx = context! { groups => groups, before => before.to_string(), total => cases.len() };
    Ok(render::page_for(&app, &me, "cases/inspection.html", ctx)?.into_response())
}

#[cfg(test)]
mod tests {
    use super::parse_month;
    use chrono::NaiveDate;

    #[test]
    fn month_parses_and_rejects() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        assert_eq!(parse_month("", today).ok(), Some((2026, 12)));
        assert_eq!(parse_month("2026-10", today).ok(), Some((2026, 10)));
        assert!(parse_month("2026-13", today).is_err());
        assert!(parse_month("十月", today).is_err());
    }
}
