//! The analytics page of one site and the CSV of its daily views.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use jiyue_db::{AuditResult, DayViews, Scope, SiteViews};
use jiyue_monitor::chart::{Chart, Series};
use minijinja::{context, Value};

use super::super::error::AdminError;
use super::super::render;
use super::super::session::SignedIn;
use super::{sees_ranking, select, AnalyticsQuery, Failure, Selection, RANGES};
use crate::App;

/// Rows of each top list.
const TOP_ROWS: i64 = 10;
/// Rows of each query list.
const QUERY_ROWS: i64 = 20;

/// Returns the views of every day of `from..=to`, with 0 for days without any.
fn every_day(stored: &[DayViews], from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u64)> {
    from.iter_days()
        .take_while(|day| *day <= to)
        .map(|day| {
            let views = stored
                .iter()
                .find(|row| row.day == day)
                .map_or(0, |row| row.views);
            (day, views)
        })
        .collect()
}

/// Loads the daily views of the chosen site, through the scope that reaches it.
async fn daily(
    app: &App,
    site: &SiteViews,
    scope: &Scope,
    selection: &Selection,
) -> Result<Vec<(NaiveDate, u64)>, AdminError> {
    let stored = app
        .db
        .daily_views(scope, site.site_id, selection.from, selection.to)
        .await?;
    Ok(every_day(&stored, selection.from, selection.to))
}

fn daily_chart(site: &SiteViews, days: &[(NaiveDate, u64)]) -> Chart {
    Chart {
        id: format!("views-{}", site.code),
        title: render::format("analytics-daily-title", &[("site", site.name.clone())]),
        description: render::format(
            "analytics-daily-description",
            &[
                ("site", site.name.clone()),
                ("days", days.len().to_string()),
            ],
        ),
        label_heading: render::message("analytics-col-day"),
        series: vec![Series {
            name: render::message("analytics-col-views"),
            points: days
                .iter()
                .map(|(day, views)| (day.format("%Y-%m-%d").to_string(), *views as f64))
                .collect(),
        }],
        y_max: None,
    }
}

fn column_chart(site: &SiteViews, points: Vec<(String, f64)>) -> Chart {
    Chart {
        id: format!("columns-{}", site.code),
        title: render::message("analytics-columns-title"),
        description: render::format(
            "analytics-columns-description",
            &[("site", site.name.clone())],
        ),
        label_heading: render::message("analytics-col-column"),
        series: vec![Series {
            name: render::message("analytics-col-views"),
            points,
        }],
        y_max: None,
    }
}

/// Builds the context of the chosen site's figures.
async fn site_figures(
    app: &App,
    site: &SiteViews,
    scope: &Scope,
    selection: &Selection,
) -> Result<Value, AdminError> {
    let (from, to) = (selection.from, selection.to);
    let days = daily(app, site, scope, selection).await?;
    let total: u64 = days.iter().map(|(_, views)| views).sum();
    let chart = daily_chart(site, &days);

    let columns = app
        .db
        .top_columns(scope, site.site_id, from, to, TOP_ROWS)
        .await?;
    let column_points = columns
        .iter()
        .map(|row| {
            // A deleted column has no name; its id keeps the chart's labels distinct.
            let name = row.name.clone().unwrap_or_else(|| {
                render::format(
                    "analytics-column-deleted",
                    &[("id", row.column_id.to_string())],
                )
            });
            (name, row.views as f64)
        })
        .collect();
    let columns_chart = column_chart(site, column_points);

    let base = app
        .directory()
        .hosts
        .base_url(site.site_id)
        .map(str::to_string);
    let items: Vec<Value> = app
        .db
        .top_items(scope, site.site_id, from, to, TOP_ROWS)
        .await?
        .into_iter()
        .map(|row| {
            let url = match (&base, &row.path) {
                (Some(base), Some(path)) => Some(format!("{base}{path}")),
                _ => None,
            };
            context! { item_id => row.item_id, title => row.title, url => url, views => row.views }
        })
        .collect();
    let queries = app
        .db
        .top_queries(scope, site.site_id, (from, to), false, QUERY_ROWS)
        .await?;
    let zero_queries = app
        .db
        .top_queries(scope, site.site_id, (from, to), true, QUERY_ROWS)
        .await?;
    let withheld = app
        .db
        .withheld_searches(scope, site.site_id, from, to)
        .await?;
    Ok(context! {
        code => &site.code, name => &site.name, total => total,
        chart_svg => Value::from_safe_string(chart.line_svg()),
        chart_table => Value::from_safe_string(chart.table_html()),
        has_columns => !columns.is_empty(),
        columns_svg => Value::from_safe_string(columns_chart.bar_svg()),
        columns_table => Value::from_safe_string(columns_chart.table_html()),
        items => items, queries => queries, zero_queries => zero_queries, withheld => withheld,
    })
}

pub(super) async fn show(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<AnalyticsQuery>,
) -> Result<Response, Failure> {
    let (app, me) = (&*app, &me);
    let selection = select(app, me, &query, "analytics.view").await?;
    let figures = match &selection.chosen {
        Some((site, scope)) => Some(site_figures(app, site, scope, &selection).await?),
        None => None,
    };
    let ranking: Vec<Value> = if sees_ranking(me) {
        selection
            .sites
            .iter()
            .enumerate()
            .map(|(index, site)| {
                context! { rank => index + 1, code => &site.code, name => &site.name, views => site.views }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut choices: Vec<&SiteViews> = selection.sites.iter().collect();
    choices.sort_by(|a, b| a.code.cmp(&b.code));
    let ctx = context! {
        days => selection.days, ranges => RANGES,
        from => selection.from.to_string(), to => selection.to.to_string(),
        sites => choices, site => figures, ranking => ranking,
    };
    Ok(render::page_for(app, me, "analytics/page.html", ctx)?.into_response())
}

pub(super) async fn daily_csv(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<AnalyticsQuery>,
) -> Result<Response, Failure> {
    let (app, me) = (&*app, &me);
    let selection = select(app, me, &query, "analytics.export").await?;
    let Some((site, scope)) = &selection.chosen else {
        return Err(AdminError::NotFound("no site to export".to_string()).into());
    };
    let days = daily(app, site, scope, &selection).await?;
    let bytes = daily_csv_bytes(site, &days)?;

    let file = format!(
        "views-{}-{}-{}.csv",
        site.code, selection.from, selection.to
    );
    let response = crate::csv_safe::download(&bytes, &file).map_err(|error| {
        AdminError::Internal(format!("writing the analytics CSV failed: {error}"))
    })?;
    me.audit(app, "analytics.export", &site.code, AuditResult::Ok, &file)
        .await;
    Ok(response)
}

/// Writes the daily views as CSV with a heading row.
fn daily_csv_bytes(site: &SiteViews, days: &[(NaiveDate, u64)]) -> Result<Vec<u8>, AdminError> {
    let internal = |error: csv::Error| {
        AdminError::Internal(format!("writing the analytics CSV failed: {error}"))
    };
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let heading: Vec<String> = [
        "analytics-col-day",
        "analytics-col-site-code",
        "analytics-col-site",
        "analytics-col-views",
    ]
    .iter()
    .map(|key| render::message(key))
    .collect();
    writer.write_record(&heading).map_err(internal)?;
    for (day, views) in days {
        writer
            .write_record([
                day.format("%Y-%m-%d").to_string(),
                site.code.clone(),
                site.name.clone(),
                views.to_string(),
            ])
            .map_err(internal)?;
    }
    writer
        .into_inner()
        .map_err(|error| AdminError::Internal(format!("writing the analytics CSV failed: {error}")))
}
