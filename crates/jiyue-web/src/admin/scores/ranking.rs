//! The ranking of all sites for a month, as a page and as CSV.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiyue_db::{AuditResult, Snapshot};
use jiyue_monitor::score::Points;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::super::error::AdminError;
use super::super::render;
use super::super::session::SignedIn;
use super::{chosen_month, is_operator, ranking_in, require_scopes};
use crate::App;

#[derive(Debug, Default, Deserialize)]
pub(super) struct MonthQuery {
    #[serde(default)]
    pub(super) month: String,
    /// `taking` after a run was started, `busy` when one was already running.
    #[serde(default)]
    pub(super) notice: String,
}

/// One row of the ranking, as shown.
#[derive(Debug, Serialize)]
struct RankRow {
    rank: usize,
    site_code: String,
    site_name: String,
    total: String,
    pass: bool,
}

fn rank_rows(snapshots: &[Snapshot]) -> Vec<RankRow> {
    snapshots
        .iter()
        .enumerate()
        .map(|(index, row)| RankRow {
            rank: index + 1,
            site_code: row.site_code.clone(),
            site_name: row.site_name.clone(),
            total: Points(row.total).to_string(),
            pass: row.pass,
        })
        .collect()
}

async fn load(
    app: &App,
    me: &SignedIn,
    query: &MonthQuery,
    audit_action: &str,
) -> Result<(Option<String>, Vec<RankRow>), AdminError> {
    let scopes = require_scopes(app, me, audit_action).await?;
    let Some(month) = chosen_month(app, &query.month).await? else {
        return Ok((None, Vec::new()));
    };
    let rows = rank_rows(&ranking_in(app, &scopes, &month).await?);
    Ok((Some(month), rows))
}

pub(super) async fn ranking(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AdminError> {
    let (month, rows) = load(&app, &me, &query, "score.ranking").await?;
    let months = app.db.score_months().await?;
    let passed = rows.iter().filter(|row| row.pass).count();
    let notice = match query.notice.as_str() {
        "taking" => Some("score-notice-taking"),
        "busy" => Some("score-notice-busy"),
        _ => None,
    };
    let ctx = context! {
        month => month, months => months, rows => rows, passed => passed,
        notice => notice, operator => is_operator(&me),
        current_month => crate::monitor::scorecards::Period::current(app.today(), app.clock.now()).month,
    };
    Ok(render::page_for(&app, &me, "scores/ranking.html", ctx)?.into_response())
}

pub(super) async fn ranking_csv(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AdminError> {
    let (month, rows) = load(&app, &me, &query, "score.export").await?;
    let month = month.unwrap_or_default();
    let internal = |error: csv::Error| {
        AdminError::Internal(format!("writing the scorecard CSV failed: {error}"))
    };
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let heading: Vec<String> = [
        "score-col-rank",
        "score-col-site-code",
        "score-col-site",
        "score-col-month",
        "score-col-total",
        "score-col-result",
    ]
    .iter()
    .map(|key| render::message(key))
    .collect();
    writer.write_record(&heading).map_err(internal)?;
    for row in &rows {
        let result = render::message(if row.pass { "score-pass" } else { "score-fail" });
        writer
            .write_record([
                row.rank.to_string(),
                row.site_code.clone(),
                row.site_name.clone(),
                month.clone(),
                row.total.clone(),
                result,
            ])
            .map_err(internal)?;
    }
    let bytes = writer.into_inner().map_err(|error| {
        AdminError::Internal(format!("writing the scorecard CSV failed: {error}"))
    })?;
    let response =
        crate::csv_safe::download(&bytes, &format!("scores-{month}.csv")).map_err(internal)?;

    me.audit(&app, "score.export", &month, AuditResult::Ok, "")
        .await;
    Ok(response)
}
