//! The access log page: requests to the public listener, filtered by day, host, path prefix,
//! status and client address, newest first, one hundred a page.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use jiyue_auth::{Action, Target};
use jiyue_db::{AccessRecord, AuditResult};
use minijinja::context;
use serde::Serialize;

use super::filter::{describe, AccessForm};
use super::{china_seconds, export_href, list_href, older_href, respond, PAGE_SIZE};
use crate::admin::error::AdminError;
use crate::admin::messages::FieldError;
use crate::admin::session::SignedIn;
use crate::App;

/// A request as the page shows it.
#[derive(Debug, Serialize)]
struct AccessRow {
    time: String,
    host: String,
    method: String,
    path: String,
    status: u16,
    bytes: u64,
    address: String,
    user_agent: String,
    referer: String,
    /// Milliseconds with one decimal.
    duration_ms: String,
}

impl AccessRow {
    fn of(record: &AccessRecord) -> Self {
        Self {
            time: china_seconds(record.at),
            host: record.host.clone(),
            method: record.method.clone(),
            path: record.path.clone(),
            status: record.status,
            bytes: record.bytes,
            address: record.address.clone(),
            user_agent: record.user_agent.clone(),
            referer: record.referer.clone(),
            duration_ms: format!("{:.1}", record.duration_us as f64 / 1000.0),
        }
    }
}

/// Shows one page of the access log and audits the reading.
pub(super) async fn page(
    State(app): State<Arc<App>>,
    me: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AdminError> {
    me.authorize(
        &app,
        Action::ReadAudit,
        &Target::Platform,
        "access_log.read",
        "",
    )
    .await?;
    let form = AccessForm::read(query.as_deref());
    let detail = describe(&form.pairs(), &form.before);
    let filter = match form.filter() {
        Ok(filter) => filter,
        Err(errors) => {
            me.audit(&app, "access_log.read", "", AuditResult::Failed, &detail)
                .await;
            return listing(&app, &me, &form, &errors, &[]);
        }
    };
    let records = app
        .db
        .access_log_query(&filter, PAGE_SIZE as i64 + 1)
        .await?;
    me.audit(&app, "access_log.read", "", AuditResult::Ok, &detail)
        .await;
    listing(&app, &me, &form, &[], &records)
}

/// Renders the access log page: the filter form with its errors and up to one page of
/// `records` (one more than a page means older requests exist).
pub(super) fn listing(
    app: &App,
    me: &SignedIn,
    form: &AccessForm,
    errors: &[FieldError],
    records: &[(i64, AccessRecord)],
) -> Result<Response, AdminError> {
    let pairs = form.pairs();
    let on_page = &records[..records.len().min(PAGE_SIZE)];
    let more = records.len() > PAGE_SIZE;
    let rows: Vec<AccessRow> = on_page.iter().map(|(_, r)| AccessRow::of(r)).collect();
    let last = on_page.last().map(|(id, _)| *id).filter(|_| more);
    let ctx = context! {
        form,
        rows,
        listed => errors.is_empty(),
        older_href => older_href("/audit/access", &pairs, last),
        paged => !form.before.is_empty(),
        newest_href => list_href("/audit/access", &pairs),
        jsonl_href => export_href("/audit/access/export", "jsonl", &pairs),
        csv_href => export_href("/audit/access/export", "csv", &pairs),
    };
    respond(app, me, "access_log.html", errors, ctx)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn rows_show_china_time_and_milliseconds() {
        let record = AccessRecord {
            at: chrono::Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
            host: "www.jl.gov.cn".into(),
            method: "GET".into(),
            path: "/".into(),
            status: 200,
            bytes: 10,
            address: "192.0.2.1".into(),
            user_agent: String::new(),
            referer: String::new(),
            duration_us: 1_260,
        };
        let row = AccessRow::of(&record);
        assert_eq!(row.time, "2026-12-01 10:00:00");
        assert_eq!(row.duration_ms, "1.3");
    }
}
