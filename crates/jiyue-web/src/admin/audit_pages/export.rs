//! Downloads of the audit log and the access log as JSON Lines or CSV, with the fields and
//! layout of `jiyue audit export`: one record per line, newest first, at most 100,000 records.
//! The body streams page by page, so a large export never sits in memory whole.
//!
//! NOTE: a storage error halfway through ends the download early. The chunked body then lacks
//! its final chunk, so a client can tell the file is incomplete. The error is logged here.
//!
//! NOTE: the CSV keeps the command line's layout, so it has no byte-order mark and its values
//! are not escaped for spreadsheets. Excel then misreads Chinese text unless it is imported as
//! UTF-8, and a value that starts with `=`, `+`, `-` or `@` (a claimed user name, a user agent
//! or a referer, all chosen by whoever sent the request) may run there as a formula.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use jiyue_auth::{Action, Target};
use jiyue_db::{AccessFilter, AccessRecord, AuditFilter, AuditResult, Db, DbError};
use serde::Serialize;

use super::filter::{describe, parameters, AccessForm, AuditForm};
use crate::admin::error::AdminError;
use crate::admin::session::SignedIn;
use crate::App;

/// The maximum number of records in one export.
const MAX_EXPORT: usize = 100_000;

/// Records read per query while exporting.
const EXPORT_PAGE: usize = 5_000;

/// The CSV columns of an audit log export, the fields of `AuditRecord` in order.
const AUDIT_FIELDS: [&str; 10] = [
    "seq", "at", "actor", "actor_id", "address", "action", "target", "result", "detail", "segment",
];

/// The CSV columns of an access log export, the fields of `AccessRecord` in order.
const ACCESS_FIELDS: [&str; 10] = [
    "at",
    "host",
    "method",
    "path",
    "status",
    "bytes",
    "address",
    "user_agent",
    "referer",
    "duration_us",
];

/// The error that ends an export early.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading the log for an export failed: {0}")]
    Db(#[from] DbError),
    #[error("encoding an export as JSON failed: {0}")]
    Json(#[from] serde_json::Error),
    #[error("encoding an export as CSV failed: {0}")]
    Csv(#[from] csv::Error),
}

/// The format of a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLines,
    Csv,
}

impl Format {
    /// Reads `format` from a raw query string. A missing format means JSON Lines.
    fn read(query: Option<&str>) -> Result<Self, AdminError> {
        match parameters(query).get("format").map(String::as_str) {
            None | Some("jsonl") => Ok(Format::JsonLines),
            Some("csv") => Ok(Format::Csv),
            Some(other) => Err(AdminError::BadRequest(format!(
                "unknown export format \"{other}\": use format=jsonl or format=csv"
            ))),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::JsonLines => "application/jsonl; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// Encodes `rows`. A CSV part starts with the header row when `first` is true, even
    /// without rows.
    fn encode<T: Serialize>(
        self,
        rows: &[T],
        first: bool,
        fields: &[&str],
    ) -> Result<Bytes, ExportError> {
        let mut out = Vec::new();
        match self {
            Format::JsonLines => {
                for row in rows {
                    serde_json::to_writer(&mut out, row)?;
                    out.push(b'\n');
                }
            }
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new()
                    .has_headers(first)
                    .from_writer(&mut out);
                if first && rows.is_empty() {
                    writer.write_record(fields)?;
                }
                for row in rows {
                    writer.serialize(row)?;
                }
                writer.flush().map_err(csv::Error::from)?;
                drop(writer);
                let safe = crate::csv_safe::neutralize(&out)?;
                out = if first {
                    [crate::csv_safe::BOM.as_bytes(), &safe].concat()
                } else {
                    safe
                };
            }
        }
        Ok(Bytes::from(out))
    }
}

/// The log an export reads, with its filter moved on past each page read.
enum Source {
    Audit(AuditFilter),
    Access(AccessFilter),
}

impl Source {
    /// Reads and encodes the next page of up to `limit` records, and returns the bytes with
    /// the number of records they contain.
    async fn next(
        &mut self,
        db: &Db,
        limit: usize,
        format: Format,
        first: bool,
    ) -> Result<(Bytes, usize), ExportError> {
        let limit_sql = i64::try_from(limit).unwrap_or(i64::MAX);
        match self {
            Source::Audit(filter) => {
                let page = db.audit_query(filter, limit_sql).await?;
                if let Some(last) = page.last() {
                    filter.before_seq = Some(last.seq);
                }
                Ok((format.encode(&page, first, &AUDIT_FIELDS)?, page.len()))
            }
            Source::Access(filter) => {
                let page = db.access_log_query(filter, limit_sql).await?;
                if let Some((id, _)) = page.last() {
                    filter.before_id = Some(*id);
                }
                let records: Vec<&AccessRecord> = page.iter().map(|(_, r)| r).collect();
                Ok((format.encode(&records, first, &ACCESS_FIELDS)?, page.len()))
            }
        }
    }
}

/// The state of a streaming export between pages.
struct Progress {
    app: Arc<App>,
    source: Source,
    format: Format,
    written: usize,
    first: bool,
    done: bool,
}

/// Streams the records of `source`, page by page, up to `MAX_EXPORT`.
fn records(
    app: Arc<App>,
    source: Source,
    format: Format,
) -> impl Stream<Item = Result<Bytes, ExportError>> {
    let start = Progress {
        app,
        source,
        format,
        written: 0,
        first: true,
        done: false,
    };
    stream::try_unfold(start, |mut progress| async move {
        let limit = EXPORT_PAGE.min(MAX_EXPORT - progress.written);
        if progress.done || limit == 0 {
            return Ok(None);
        }
        let read = progress
            .source
            .next(&progress.app.db, limit, progress.format, progress.first)
            .await
            .inspect_err(|error| tracing::error!(%error, "an admin export ended early"))?;
        let (bytes, count) = read;
        progress.written += count;
        progress.first = false;
        progress.done = count < limit;
        Ok(Some((bytes, progress)))
    })
}

/// Builds the download response: `<name>-YYYYMMDD.<ext>` dated today in China time.
fn download(app: Arc<App>, name: &str, source: Source, format: Format) -> Response {
    let day = jiyue_core::clock::to_china(app.clock.now()).format("%Y%m%d");
    let disposition = format!(
        "attachment; filename=\"{name}-{day}.{}\"",
        format.extension()
    );
    let body = Body::from_stream(records(app, source, format));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Downloads the audit log for the filter of the query. An invalid filter shows the audit
/// page with its errors.
pub(super) async fn audit(
    State(app): State<Arc<App>>,
    me: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AdminError> {
    me.authorize(
        &app,
        Action::ExportAudit,
        &Target::Platform,
        "audit.export",
        "",
    )
    .await?;
    let form = AuditForm::read(query.as_deref());
    let format = Format::read(query.as_deref())?;
    let detail = format!(
        "format={} {}",
        format.extension(),
        describe(&form.pairs(), "")
    );
    let filter = match form.filter() {
        Ok(filter) => AuditFilter {
            before_seq: None,
            ..filter
        },
        Err(errors) => {
            me.audit(&app, "audit.export", "", AuditResult::Failed, &detail)
                .await;
            return super::audit_listing(&app, &me, &form, &errors, &[], None);
        }
    };
    me.audit(&app, "audit.export", "", AuditResult::Ok, &detail)
        .await;
    Ok(download(app, "audit", Source::Audit(filter), format))
}

/// Downloads the access log for the filter of the query. An invalid filter shows the access
/// log page with its errors.
pub(super) async fn access(
    State(app): State<Arc<App>>,
    me: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AdminError> {
    me.authorize(
        &app,
        Action::ExportAudit,
        &Target::Platform,
        "access_log.export",
        "",
    )
    .await?;
    let form = AccessForm::read(query.as_deref());
    let format = Format::read(query.as_deref())?;
    let detail = format!(
        "format={} {}",
        format.extension(),
        describe(&form.pairs(), "")
    );
    let filter = match form.filter() {
        Ok(filter) => AccessFilter {
            before_id: None,
            ..filter
        },
        Err(errors) => {
            me.audit(&app, "access_log.export", "", AuditResult::Failed, &detail)
                .await;
            return super::access::listing(&app, &me, &form, &errors, &[]);
        }
    };
    me.audit(&app, "access_log.export", "", AuditResult::Ok, &detail)
        .await;
    Ok(download(app, "access", Source::Access(filter), format))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use jiyue_db::AuditRecord;

    use super::*;

    fn audit_record() -> AuditRecord {
        AuditRecord {
            seq: 3,
            at: Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
            actor: "sec".into(),
            actor_id: None,
            address: "192.0.2.1".into(),
            action: "audit.read".into(),
            target: String::new(),
            result: "ok".into(),
            detail: "comma, \"quote\"".into(),
            segment: "2026-12".into(),
        }
    }

    #[test]
    fn csv_header_matches_audit_fields() {
        let full = Format::Csv
            .encode(&[audit_record()], true, &AUDIT_FIELDS)
            .unwrap();
        let empty = Format::Csv
            .encode::<AuditRecord>(&[], true, &AUDIT_FIELDS)
            .unwrap();
        let header = |bytes: &Bytes| String::from_utf8(bytes.to_vec()).unwrap();
        let full = header(&full);
        assert_eq!(full.lines().next(), header(&empty).lines().next());
        assert!(full.contains("\"comma, \"\"quote\"\"\""), "{full}");
        let later = Format::Csv
            .encode(&[audit_record()], false, &AUDIT_FIELDS)
            .unwrap();
        assert!(header(&later).starts_with("3,"));
    }

    #[test]
    fn csv_header_matches_access_fields() {
        let record = AccessRecord {
            at: Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
            host: "www.jl.gov.cn".into(),
            method: "GET".into(),
            path: "/".into(),
            status: 200,
            bytes: 1,
            address: "192.0.2.1".into(),
            user_agent: String::new(),
            referer: String::new(),
            duration_us: 5,
        };
        let text = Format::Csv.encode(&[record], true, &ACCESS_FIELDS).unwrap();
        let text = String::from_utf8(text.to_vec()).unwrap();
        let text = text.strip_prefix(crate::csv_safe::BOM).unwrap();
        assert_eq!(text.lines().next(), Some(ACCESS_FIELDS.join(",").as_str()));
    }

    #[test]
    fn json_lines_one_record_each() {
        let text = Format::JsonLines
            .encode(&[audit_record(), audit_record()], true, &AUDIT_FIELDS)
            .unwrap();
        let text = String::from_utf8(text.to_vec()).unwrap();
        assert_eq!(text.lines().count(), 2);
        let value: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(value["seq"], 3);
        assert_eq!(value["segment"], "2026-12");
    }

    #[test]
    fn formats_are_checked() {
        assert_eq!(Format::read(Some("format=csv")).unwrap(), Format::Csv);
        assert_eq!(Format::read(None).unwrap(), Format::JsonLines);
        assert!(Format::read(Some("format=xml")).is_err());
    }
}
