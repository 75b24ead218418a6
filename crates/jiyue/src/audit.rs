//! `jiyue audit`: verifying, sealing, pruning and exporting the audit log, and exporting the
//! access log of the public listener.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use clap::Subcommand;
use jiyue_auth::chain::ChainMac;
use jiyue_db::{AccessFilter, AuditFilter, Db};
use serde::Serialize;

/// Problems that `verify` prints one per line; beyond this it prints how many more it found.
const MAX_PRINTED_PROBLEMS: usize = 1_000;

/// Rows read per query while exporting.
const EXPORT_PAGE: i64 = 5_000;

/// The subcommands of `jiyue audit`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AuditCommand {
    /// Check every entry, segment seal and the head of the audit log, and exit with an error
    /// when any problem is found
    Verify,
    /// Seal the segments of finished months that no later entry has sealed yet
    Seal,
    /// Delete the entries of sealed months that ended longer ago than the retention period
    Prune {
        /// Months to keep the audit log, at least 12
        #[arg(long, default_value_t = 12)]
        retain_months: u32,
    },
    /// Write the audit log, or the access log with --access, to standard output, newest first
    Export {
        /// First day to include, `YYYY-MM-DD` in China Standard Time
        #[arg(long)]
        from: Option<String>,
        /// Last day to include, `YYYY-MM-DD` in China Standard Time
        #[arg(long)]
        to: Option<String>,
        /// Output format: `jsonl` (one JSON object per line) or `csv` (with a header row)
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// Export the access log of the public listener instead of the audit log
        #[arg(long)]
        access: bool,
    },
}

/// Returns the path of the audit key file, `<data_dir>/keys/audit.key`.
///
/// The key must be kept outside the database and backed up separately from it. Anyone with
/// write access to the database and a copy of the key can rewrite the log without detection.
/// Without the key, the log can no longer be verified.
pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("audit.key")
}

/// Runs one `jiyue audit` subcommand against `db`, with `key` as the audit log's MAC key.
/// Fails when verification finds a problem.
pub async fn run(db: &Db, key: &dyn ChainMac, command: AuditCommand) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = run_to(db, key, command, &mut out).await;
    out.flush().context("writing to standard output failed")?;
    result
}

/// Runs one subcommand, writing its output to `out`.
async fn run_to(
    db: &Db,
    key: &dyn ChainMac,
    command: AuditCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify => verify(db, key, out).await,
        AuditCommand::Seal => {
            let sealed = db.audit_seal_due(key).await?;
            if sealed.is_empty() {
                writeln!(out, "no audit segment is due for sealing")?;
            } else {
                writeln!(out, "sealed audit segments: {}", sealed.join(", "))?;
            }
            Ok(())
        }
        AuditCommand::Prune { retain_months } => {
            let pruned = db.audit_prune(key, retain_months).await?;
            if pruned.is_empty() {
                writeln!(
                    out,
                    "no sealed audit segment ended more than {retain_months} months ago"
                )?;
            } else {
                writeln!(out, "pruned audit segments: {}", pruned.join(", "))?;
            }
            Ok(())
        }
        AuditCommand::Export {
            from,
            to,
            format,
            access,
        } => {
            let format = Format::parse(&format)?;
            let range = day_range(from.as_deref(), to.as_deref())?;
            if access {
                export_access(db, range, format.writer(out)).await
            } else {
                export_audit(db, range, format.writer(out)).await
            }
        }
    }
}

async fn verify(db: &Db, key: &dyn ChainMac, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
    let report = db.audit_verify(key).await?;
    if report.is_clean() {
        writeln!(
            out,
            "audit log verified: {} entries in {} segments, no problems",
            report.entries, report.segments
        )?;
        return Ok(());
    }
    for problem in report.problems.iter().take(MAX_PRINTED_PROBLEMS) {
        writeln!(out, "problem: {problem}")?;
    }
    if report.problems.len() > MAX_PRINTED_PROBLEMS {
        let more = report.problems.len() - MAX_PRINTED_PROBLEMS;
        writeln!(out, "… and {more} more problems")?;
    }
    bail!(
        "audit log verification found {} problems in {} entries: check that the audit key file \
         is the one that wrote the log, then investigate who changed the database",
        report.problems.len(),
        report.entries
    )
}

/// The output format of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLines,
    Csv,
}

impl Format {
    fn parse(text: &str) -> anyhow::Result<Format> {
        match text {
            "jsonl" => Ok(Format::JsonLines),
            "csv" => Ok(Format::Csv),
            other => bail!("unknown export format \"{other}\": use --format jsonl or --format csv"),
        }
    }

    fn writer(self, out: &mut (dyn Write + Send)) -> RowWriter<'_> {
        match self {
            Format::JsonLines => RowWriter::JsonLines(out),
            Format::Csv => RowWriter::Csv { out, first: true },
        }
    }
}

/// Writes rows as JSON Lines or CSV.
enum RowWriter<'a> {
    JsonLines(&'a mut (dyn Write + Send)),
    /// CSV made safe for spreadsheets (`jiyue_web::csv_safe`), with a byte-order mark.
    Csv {
        out: &'a mut (dyn Write + Send),
        first: bool,
    },
}

impl RowWriter<'_> {
    fn write<T: Serialize>(&mut self, row: &T) -> anyhow::Result<()> {
        match self {
            RowWriter::JsonLines(out) => {
                serde_json::to_writer(&mut *out, row)?;
                out.write_all(b"\n")?;
            }
            RowWriter::Csv { out, first } => {
                let mut writer = csv::WriterBuilder::new()
                    .has_headers(*first)
                    .from_writer(Vec::new());
                writer.serialize(row)?;
                let bytes = writer.into_inner().map_err(|error| error.into_error())?;
                if *first {
                    out.write_all(jiyue_web::csv_safe::BOM.as_bytes())?;
                    *first = false;
                }
                out.write_all(&jiyue_web::csv_safe::neutralize(&bytes)?)?;
            }
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            RowWriter::JsonLines(out) => out.flush()?,
            RowWriter::Csv { out, .. } => out.flush()?,
        }
        Ok(())
    }
}

/// Instants from the start of the `from` day to the end of the `to` day, both optional.
type Range = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Parses `--from` and `--to`, days in China Standard Time, into a half-open range of instants.
fn day_range(from: Option<&str>, to: Option<&str>) -> anyhow::Result<Range> {
    let start = from.map(|day| parse_day("--from", day)).transpose()?;
    let end = to
        .map(|day| parse_day("--to", day).map(|start| start + Duration::days(1)))
        .transpose()?;
    if let (Some(start), Some(end)) = (start, end) {
        if start >= end {
            bail!(
                "--from {} is after --to {}: give the earlier day first",
                from.unwrap_or_default(),
                to.unwrap_or_default()
            );
        }
    }
    Ok((start, end))
}

fn parse_day(option: &str, text: &str) -> anyhow::Result<DateTime<Utc>> {
    let day = text.trim();
    let parsed = (day.len() == 10)
        .then(|| jiyue_core::clock::parse_china_time(day))
        .flatten();
    parsed.with_context(|| format!("invalid {option} day \"{text}\": write it as YYYY-MM-DD"))
}

async fn export_audit(db: &Db, range: Range, mut writer: RowWriter<'_>) -> anyhow::Result<()> {
    let mut filter = AuditFilter {
        from: range.0,
        to: range.1,
        ..AuditFilter::default()
    };
    loop {
        let page = db.audit_query(&filter, EXPORT_PAGE).await?;
        for record in &page {
            writer.write(record)?;
        }
        match page.last() {
            Some(last) if page.len() as i64 == EXPORT_PAGE => filter.before_seq = Some(last.seq),
            _ => break,
        }
    }
    writer.finish()
}

async fn export_access(db: &Db, range: Range, mut writer: RowWriter<'_>) -> anyhow::Result<()> {
    let mut filter = AccessFilter {
        from: range.0,
        to: range.1,
        ..AccessFilter::default()
    };
    loop {
        let page = db.access_log_query(&filter, EXPORT_PAGE).await?;
        for (_, record) in &page {
            writer.write(record)?;
        }
        match page.last() {
            Some((id, _)) if page.len() as i64 == EXPORT_PAGE => filter.before_id = Some(*id),
            _ => break,
        }
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use jiyue_auth::chain::SoftwareSm3Mac;
    use jiyue_db::testing::{fresh_db, test_start};
    use jiyue_db::{AccessRecord, AuditEntry, AuditResult};

    use super::*;

    fn key() -> SoftwareSm3Mac {
        SoftwareSm3Mac::new(b"0123456789abcdef0123456789abcdef").unwrap()
    }

    fn entry(actor: &str) -> AuditEntry {
        AuditEntry {
            actor: actor.to_string(),
            actor_id: Some(7),
            address: "192.0.2.7".to_string(),
            action: "login".to_string(),
            target: actor.to_string(),
            result: AuditResult::Ok,
            detail: "comma, \"quote\"".to_string(),
        }
    }

    async fn output(db: &Db, command: AuditCommand) -> (anyhow::Result<()>, String) {
        let mut out = Vec::new();
        let result = run_to(db, &key(), command, &mut out).await;
        (result, String::from_utf8(out).unwrap())
    }

    fn export(format: &str, from: Option<&str>, to: Option<&str>, access: bool) -> AuditCommand {
        AuditCommand::Export {
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            format: format.to_string(),
            access,
        }
    }

    #[test]
    fn key_lives_in_keys_folder() {
        assert_eq!(
            key_path(Path::new("/srv/jiyue")),
            PathBuf::from("/srv/jiyue/keys/audit.key")
        );
    }

    #[test]
    fn days_are_china_time_and_inclusive() {
        let (start, end) = day_range(Some("2024-03-01"), Some("2024-03-01")).unwrap();
        assert_eq!(
            start,
            Some(Utc.with_ymd_and_hms(2024, 2, 29, 16, 0, 0).unwrap())
        );
        assert_eq!(
            end,
            Some(Utc.with_ymd_and_hms(2024, 3, 1, 16, 0, 0).unwrap())
        );
        assert_eq!(day_range(None, None).unwrap(), (None, None));
    }

    #[test]
    fn bad_days_are_rejected() {
        let error = day_range(Some("2024-3-1"), None).unwrap_err().to_string();
        assert!(error.contains("--from"), "{error}");
        assert!(error.contains("2024-3-1"), "{error}");
        assert!(day_range(None, Some("2024-03-01 10:00")).is_err());
        assert!(day_range(Some("2024-03-02"), Some("2024-03-01")).is_err());
        assert!(Format::parse("xml").is_err());
    }

    #[tokio::test]
    async fn verify_reports_clean_log() {
        let db = fresh_db().await.unwrap();
        db.audit_append(&key(), &entry("admin")).await.unwrap();
        let (result, text) = output(&db, AuditCommand::Verify).await;
        result.unwrap();
        assert_eq!(
            text,
            "audit log verified: 1 entries in 1 segments, no problems\n"
        );
    }

    #[tokio::test]
    async fn verify_fails_with_wrong_key() {
        let db = fresh_db().await.unwrap();
        let other = SoftwareSm3Mac::new(b"another key, also of 32 bytes...").unwrap();
        db.audit_append(&other, &entry("admin")).await.unwrap();
        let (result, text) = output(&db, AuditCommand::Verify).await;
        assert!(result.is_err());
        assert!(text.contains("problem: entry 1 was changed"), "{text}");
    }

    #[tokio::test]
    async fn seal_and_prune_report_segments() {
        let db = fresh_db().await.unwrap();
        db.audit_append(&key(), &entry("admin")).await.unwrap();
        db.clock.advance(Duration::days(400));
        let (result, text) = output(&db, AuditCommand::Seal).await;
        result.unwrap();
        assert_eq!(text, "sealed audit segments: 2024-03\n");

        let prune = AuditCommand::Prune { retain_months: 11 };
        let (result, _) = output(&db, prune).await;
        assert!(result.is_err());
        let prune = AuditCommand::Prune { retain_months: 12 };
        let (result, text) = output(&db, prune).await;
        result.unwrap();
        assert_eq!(text, "pruned audit segments: 2024-03\n");
    }

    #[tokio::test]
    async fn export_writes_jsonl_and_csv() {
        let db = fresh_db().await.unwrap();
        db.audit_append(&key(), &entry("first")).await.unwrap();
        db.clock.advance(Duration::days(1));
        db.audit_append(&key(), &entry("second")).await.unwrap();

        let (result, text) = output(&db, export("jsonl", None, None, false)).await;
        result.unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["actor"], "second");
        assert_eq!(lines[1]["seq"], 1);

        let (result, text) = output(&db, export("csv", Some("2024-03-02"), None, false)).await;
        result.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "seq");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][2], "second");
        assert_eq!(&rows[0][8], "comma, \"quote\"");
    }

    #[tokio::test]
    async fn export_access_log() {
        let db = fresh_db().await.unwrap();
        let record = AccessRecord {
            at: test_start(),
            host: "www.jl.gov.cn".to_string(),
            method: "GET".to_string(),
            path: "/".to_string(),
            status: 200,
            bytes: 512,
            address: "198.51.100.1".to_string(),
            user_agent: "curl/8".to_string(),
            referer: String::new(),
            duration_us: 90,
        };
        db.access_log_insert(&[record]).await.unwrap();

        let (result, text) = output(&db, export("csv", None, Some("2024-03-01"), true)).await;
        result.unwrap();
        assert!(
            text.starts_with("\u{feff}at,host,method,path,status"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 2);
        let (result, text) = output(&db, export("jsonl", None, Some("2024-02-29"), true)).await;
        result.unwrap();
        assert_eq!(text, "");
    }
}
