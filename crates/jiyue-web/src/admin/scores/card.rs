//! One site's scorecard: the vetoes and every point lost with its evidence, the category
//! subtotals, and the trend of its totals over the months as an SVG chart with a data table.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiyue_db::{AuditResult, DbError, Snapshot};
use jiyue_monitor::chart::{Chart, Series};
use jiyue_monitor::score::{card_from_json, Points, PASS_LINE};
use minijinja::{context, Value};

use super::super::error::AdminError;
use super::super::extract::AdminPath;
use super::super::render;
use super::super::session::SignedIn;
use super::ranking::MonthQuery;
use super::{category_key, require_scopes};
use crate::App;

/// Returns the site's scorecards through the first scope that reaches it.
async fn trend(app: &App, me: &SignedIn, site_code: &str) -> Result<Vec<Snapshot>, AdminError> {
    let scopes = require_scopes(app, me, "score.card").await?;
    let site = app
        .db
        .site_by_code(site_code)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("no site has the code \"{site_code}\"")))?;
    let mut last = None;
    for scope in &scopes {
        match app.db.score_trend(scope, site.id).await {
            Ok(rows) => return Ok(rows),
            Err(error @ DbError::OutOfScope(_)) => last = Some(error),
            Err(error) => return Err(error.into()),
        }
    }
    me.audit(app, "score.card", site_code, AuditResult::Denied, "")
        .await;
    Err(last
        .map(AdminError::from)
        .unwrap_or_else(|| AdminError::NotFound(site_code.to_string())))
}

fn trend_chart(site_code: &str, rows: &[Snapshot]) -> Chart {
    let totals = rows
        .iter()
        .map(|row| (row.month.clone(), Points(row.total).as_f64()))
        .collect();
    let pass_line = rows
        .iter()
        .map(|row| (row.month.clone(), PASS_LINE.as_f64()))
        .collect();
    Chart {
        id: format!("trend-{site_code}"),
        title: render::message("score-trend-title"),
        description: render::format("score-trend-desc", &[("months", rows.len().to_string())]),
        label_heading: render::message("score-col-month"),
        series: vec![
            Series {
                name: render::message("score-col-total"),
                points: totals,
            },
            Series {
                name: render::message("score-pass-line"),
                points: pass_line,
            },
        ],
        y_max: Some(Points::FULL.as_f64()),
    }
}

pub(super) async fn card(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(site_code): AdminPath<String>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AdminError> {
    let rows = trend(&app, &me, &site_code).await?;
    let month = query.month.trim();
    if !month.is_empty() {
        jiyue_db::scorecards::check_month(month)
            .map_err(|error| AdminError::BadRequest(error.to_string()))?;
    }
    let chosen = if month.is_empty() {
        rows.last()
    } else {
        rows.iter().find(|row| row.month == month)
    };
    let Some(chosen) = chosen else {
        return Err(AdminError::NotFound(format!(
            "site {site_code} has no scorecard for {}",
            if month.is_empty() { "any month" } else { month }
        )));
    };
    let card = card_from_json(&chosen.card)?;

    let chart = trend_chart(&site_code, &rows);
    let categories: Vec<Value> = card
        .categories
        .iter()
        .map(|total| {
            context! { name_key => category_key(total.category.as_str()), points => total.points.to_string() }
        })
        .collect();
    let deductions: Vec<Value> = card
        .deductions
        .iter()
        .map(|deduction| {
            context! {
                code => &deduction.code, description => &deduction.description,
                category_key => category_key(deduction.category.as_str()),
                occurrences => deduction.occurrences,
                points_each => deduction.points_each.to_string(),
                points => deduction.points.to_string(), capped => deduction.capped,
                evidence => &deduction.evidence,
            }
        })
        .collect();
    let ctx = context! {
        site_code => &site_code, site_name => &chosen.site_name, month => &chosen.month,
        months => rows.iter().map(|row| row.month.clone()).collect::<Vec<_>>(),
        total => card.total.to_string(), pass => card.pass,
        vetoes => &card.vetoes, deductions => deductions, categories => categories,
        unjudged => &card.unjudged, unmeasured => &card.unmeasured,
        chart_svg => Value::from_safe_string(chart.line_svg()),
        chart_table => Value::from_safe_string(chart.table_html()),
    };
    Ok(render::page_for(&app, &me, "scores/card.html", ctx)?.into_response())
}
