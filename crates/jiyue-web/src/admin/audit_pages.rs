//! The audit administrator's pages: the audit log and the public listener's access log, each
//! filtered, paged newest first and exported as JSON Lines or CSV, and the check of the audit
//! log's chain. The access log page lives in `access`, downloads in `export`, the check in
//! `verify` and the parsing of filters in `filter`.
//!
//! Reading needs `Action::ReadAudit` on the platform and exporting `Action::ExportAudit`. Every
//! read, export and check is itself audited with its filter in the detail, refusals included.

mod access;
mod export;
mod filter;
mod verify;

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use jiyue_auth::{Action, Target};
use jiyue_db::{AuditRecord, AuditResult};
use minijinja::{context, Value};
use serde::Serialize;

use self::filter::{describe, query_string, AuditForm};
use self::verify::ReportView;
use super::error::AdminError;
use super::messages::FieldError;
use super::render;
use super::session::SignedIn;
use crate::App;

/// Entries or requests shown on one page.
const PAGE_SIZE: usize = 100;

/// Returns the routes of the audit pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/audit", get(audit_log))
        .route("/audit/export", get(export::audit))
        .route("/audit/verify", post(verify::run))
        .route("/audit/access", get(access::page))
        .route("/audit/access/export", get(export::access))
}

/// An audit log entry as the page shows it.
#[derive(Debug, Serialize)]
struct AuditRow {
    seq: i64,
    time: String,
    actor: String,
    address: String,
    action: String,
    target: String,
    result_key: &'static str,
    detail: String,
}

impl AuditRow {
    fn of(record: &AuditRecord) -> Self {
        Self {
            seq: record.seq,
            time: china_seconds(record.at),
            actor: record.actor.clone(),
            address: record.address.clone(),
            action: record.action.clone(),
            target: record.target.clone(),
            result_key: result_key(&record.result),
            detail: record.detail.clone(),
        }
    }
}

/// Returns the catalog key that names a stored result: `ok`, `denied` or `failed`.
fn result_key(result: &str) -> &'static str {
    match result {
        "ok" => "audit-result-ok",
        "denied" => "audit-result-denied",
        _ => "audit-result-failed",
    }
}

/// Formats an instant as China Standard Time, `YYYY-MM-DD HH:MM:SS`.
fn china_seconds(at: DateTime<Utc>) -> String {
    jiyue_core::clock::to_china(at)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Returns the address of a list page that continues before `position` with the same
/// filter, or `None` when the page was the last one.
fn older_href(base: &str, pairs: &[(&str, &str)], position: Option<i64>) -> Option<String> {
    let position = position?.to_string();
    let mut pairs = pairs.to_vec();
    pairs.push(("before", position.as_str()));
    Some(format!("{base}?{}", query_string(&pairs)))
}

/// Returns the address of the first page of the list at `base` with `pairs` as its filter.
fn list_href(base: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", query_string(pairs))
    }
}

/// Returns the address of the export in `format` of the list with `pairs` as its filter.
fn export_href(base: &str, format: &str, pairs: &[(&str, &str)]) -> String {
    let mut all = vec![("format", format)];
    all.extend_from_slice(pairs);
    format!("{base}?{}", query_string(&all))
}

/// Renders a list page, with 400 when the filter had errors.
fn respond(
    app: &App,
    me: &SignedIn,
    template: &str,
    errors: &[FieldError],
    ctx: Value,
) -> Result<Response, AdminError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = render::page_for(app, me, template, context! { errors, ..ctx })?;
    Ok((status, html).into_response())
}

async fn audit_log(
    State(app): State<Arc<App>>,
    me: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AdminError> {
    me.authorize(&app, Action::ReadAudit, &Target::Platform, "audit.read", "")
        .await?;
    let form = AuditForm::read(query.as_deref());
    audit_page(&app, &me, &form, None).await
}

/// Shows one page of the audit log for `form`, with the report of a check when there is one,
/// and audits the reading.
async fn audit_page(
    app: &App,
    me: &SignedIn,
    form: &AuditForm,
    report: Option<ReportView>,
) -> Result<Response, AdminError> {
    let detail = describe(&form.pairs(), &form.before);
    let filter = match form.filter() {
        Ok(filter) => filter,
        Err(errors) => {
            me.audit(app, "audit.read", "", AuditResult::Failed, &detail)
                .await;
            return audit_listing(app, me, form, &errors, &[], report);
        }
    };
    let records = app.db.audit_query(&filter, PAGE_SIZE as i64 + 1).await?;
    me.audit(app, "audit.read", "", AuditResult::Ok, &detail)
        .await;
    audit_listing(app, me, form, &[], &records, report)
}

/// Renders the audit log page: the filter form with its errors, up to one page of `records`
/// (one more than a page means older entries exist) and the report of a check.
pub(super) fn audit_listing(
    app: &App,
    me: &SignedIn,
    form: &AuditForm,
    errors: &[FieldError],
    records: &[AuditRecord],
    report: Option<ReportView>,
) -> Result<Response, AdminError> {
    let pairs = form.pairs();
    let on_page = &records[..records.len().min(PAGE_SIZE)];
    let more = records.len() > PAGE_SIZE;
    let rows: Vec<AuditRow> = on_page.iter().map(AuditRow::of).collect();
    let older = older_href(
        "/audit",
        &pairs,
        on_page.last().map(|r| r.seq).filter(|_| more),
    );
    let ctx = context! {
        form,
        rows,
        listed => errors.is_empty(),
        older_href => older,
        paged => !form.before.is_empty(),
        newest_href => list_href("/audit", &pairs),
        jsonl_href => export_href("/audit/export", "jsonl", &pairs),
        csv_href => export_href("/audit/export", "csv", &pairs),
        report,
    };
    respond(app, me, "audit.html", errors, ctx)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn times_are_china_seconds() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 2, 3, 4).unwrap();
        assert_eq!(china_seconds(at), "2026-12-01 10:03:04");
    }

    #[test]
    fn links_keep_the_filter() {
        let pairs = [("actor", "张三"), ("result", "ok")];
        assert_eq!(
            older_href("/audit", &pairs, Some(42)).unwrap(),
            "/audit?actor=%E5%BC%A0%E4%B8%89&result=ok&before=42"
        );
        assert_eq!(older_href("/audit", &pairs, None), None);
        assert_eq!(list_href("/audit", &[]), "/audit");
        assert_eq!(
            export_href("/audit/export", "csv", &pairs[1..]),
            "/audit/export?format=csv&result=ok"
        );
    }

    #[test]
    fn results_have_labels() {
        assert_eq!(result_key("ok"), "audit-result-ok");
        assert_eq!(result_key("denied"), "audit-result-denied");
        assert_eq!(result_key("failed"), "audit-result-failed");
    }
}
