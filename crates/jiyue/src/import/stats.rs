//! Service statistics import (办事统计): a CSV file with the header
//! `code,month,received,completed` and an optional `source` column, stored exactly as the
//! source reported it. Every error names the line, the column and the value; one bad row
//! stores nothing.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use jiyue_db::{Db, StatsImport, StatsInput};

use super::error::{check, Diagnostic, ImportError};
use super::run::progress_bar;

/// Columns every statistics file has.
const REQUIRED: [&str; 4] = ["code", "month", "received", "completed"];

/// Outcome of a statistics import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsReport {
    /// The source the figures were stored under.
    pub source: String,
    /// Rows of the file.
    pub rows: usize,
    pub stored: StatsImport,
}

impl fmt::Display for StatsReport {
    /// Formats the counts as one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "statistics from {}: {} rows, {} months added, {} corrected, {} unchanged",
            self.source,
            self.rows,
            self.stored.inserted,
            self.stored.updated,
            self.stored.unchanged
        )
    }
}

/// Imports the statistics of one CSV file. The source is `source`, or the `source` column of
/// the file, which must then hold one name on every row.
pub async fn import_stats(
    db: &Db,
    path: &Path,
    source: Option<&str>,
    show_progress: bool,
) -> Result<StatsReport, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|error| ImportError::Read {
        path: path.to_owned(),
        source: error,
    })?;
    let file = path.display().to_string();
    import_stats_text(db, &file, &text, source, show_progress).await
}

/// Imports the statistics of `text`, named `file` in errors.
pub(crate) async fn import_stats_text(
    db: &Db,
    file: &str,
    text: &str,
    source: Option<&str>,
    show_progress: bool,
) -> Result<StatsReport, ImportError> {
    let parsed = parse_stats(file, text, source)?;
    let progress = progress_bar(show_progress, parsed.rows.len() as u64, "checking");
    let mut diagnostics = Vec::new();
    let mut known = HashSet::new();
    for (row, line) in parsed.rows.iter().zip(&parsed.lines) {
        if known.contains(&row.code) {
            continue;
        }
        let record = db
            .service_record_by_code(&row.code)
            .await
            .map_err(|error| ImportError::at(file, 1, None, format!("nothing stored: {error}")))?;
        if record.is_some() {
            known.insert(row.code.clone());
        } else if !diagnostics
            .iter()
            .any(|d: &Diagnostic| d.message.contains(&row.code))
        {
            let message = format!(
                "no service has code \"{}\"; import the service first or correct the code",
                row.code
            );
            diagnostics.push(located(file, *line, "code", message));
        }
        progress.inc(1);
    }
    check(diagnostics)?;

    progress.set_message("storing");
    let stored = db
        .import_service_stats(&parsed.source, &parsed.rows)
        .await
        .map_err(|error| ImportError::at(file, 1, None, format!("nothing stored: {error}")));
    progress.finish_and_clear();
    Ok(StatsReport {
        source: parsed.source,
        rows: parsed.rows.len(),
        stored: stored?,
    })
}

/// A checked statistics file.
struct ParsedStats {
    source: String,
    rows: Vec<StatsInput>,
    /// Line of each row.
    lines: Vec<usize>,
}

fn parse_stats(file: &str, text: &str, source: Option<&str>) -> Result<ParsedStats, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| ImportError::at(file, 1, None, format!("unreadable header: {error}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let indexes: Vec<Option<usize>> = REQUIRED.iter().map(|name| column(name)).collect();
    let source_column = column("source");
    if indexes.iter().any(Option::is_none)
        || header.len() != 4 + usize::from(source_column.is_some())
    {
        let message = format!(
            "invalid header \"{}\"; start the file with code,month,received,completed \
             (and optionally source)",
            header.join(",")
        );
        return Err(ImportError::at(file, 1, None, message));
    }
    let cell_indexes: Vec<usize> = indexes.into_iter().flatten().collect();

    let mut diagnostics = Vec::new();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut sources = HashSet::new();
    let mut months = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(1, |p| p.line() as usize);
                diagnostics.push(Diagnostic {
                    file: file.to_owned(),
                    line,
                    field: None,
                    message: format!("unreadable row: {error}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as usize);
        let cell = |index: usize| record.get(index).unwrap_or_default().to_owned();
        let code = cell(cell_indexes[0]);
        let month = cell(cell_indexes[1]);
        if !jiyue_core::service::is_service_code(&code) {
            let message = format!("\"{code}\" is not a service code; copy the 事项编码");
            diagnostics.push(located(file, line, "code", message));
        }
        if !is_month(&month) {
            let message = format!("\"{month}\" is not a month; write YYYY-MM, such as 2026-10");
            diagnostics.push(located(file, line, "month", message));
        }
        let received = count(
            file,
            line,
            "received",
            &cell(cell_indexes[2]),
            &mut diagnostics,
        );
        let completed = count(
            file,
            line,
            "completed",
            &cell(cell_indexes[3]),
            &mut diagnostics,
        );
        if !months.insert((code.clone(), month.clone())) {
            let message = format!("service \"{code}\" month {month} is given twice; keep one row");
            diagnostics.push(located(file, line, "month", message));
        }
        if let Some(index) = source_column {
            sources.insert(cell(index));
        }
        rows.push(StatsInput {
            code,
            month,
            received,
            completed,
        });
        lines.push(line);
    }
    if rows.is_empty() && diagnostics.is_empty() {
        let message = "contains no rows; add one row per service and month";
        return Err(ImportError::at(file, 1, None, message));
    }
    check(diagnostics)?;
    let source = choose_source(file, source, sources)?;
    Ok(ParsedStats {
        source,
        rows,
        lines,
    })
}

fn choose_source(
    file: &str,
    option: Option<&str>,
    column: HashSet<String>,
) -> Result<String, ImportError> {
    let option = option.map(str::trim).filter(|name| !name.is_empty());
    let mut names: Vec<String> = column.into_iter().collect();
    names.sort();
    match (option, names.as_slice()) {
        (Some(name), []) => Ok(name.to_owned()),
        (None, [name]) if !name.is_empty() => Ok(name.clone()),
        (Some(name), [column]) if column == name => Ok(name.to_owned()),
        (None, []) => Err(ImportError::at(
            file,
            1,
            Some("source"),
            "no source named; give --source NAME or a source column",
        )),
        _ => Err(ImportError::at(
            file,
            1,
            Some("source"),
            format!(
                "the file names the sources \"{}\"{}; one import takes the figures of one \
                 source, so split the file",
                names.join("\", \""),
                option
                    .map(|name| format!(" besides --source \"{name}\""))
                    .unwrap_or_default()
            ),
        )),
    }
}

fn count(
    file: &str,
    line: usize,
    column: &str,
    value: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> i64 {
    match value.parse::<u32>() {
        Ok(number) => i64::from(number),
        Err(_) => {
            let message = format!("\"{value}\" is not a count; write a whole number, 0 or more");
            diagnostics.push(located(file, line, column, message));
            0
        }
    }
}

/// Returns true for `YYYY-MM` with a real month.
fn is_month(text: &str) -> bool {
    text.len() == 7
        && text.as_bytes().get(4) == Some(&b'-')
        && NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_ok()
}

fn located(file: &str, line: usize, column: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line,
        field: Some(column.to_owned()),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_month_names_line_column_and_value() {
        let text = "code,month,received,completed\nJL-1,2026-10,5,4\nJL-1,2026-13,5,x\n";
        let error = parse_stats("t.csv", text, Some("源")).err().unwrap();
        let text = error.to_string();
        assert!(
            text.contains("t.csv:3: field \"month\": \"2026-13\""),
            "{text}"
        );
        assert!(
            text.contains("t.csv:3: field \"completed\": \"x\""),
            "{text}"
        );
    }

    #[test]
    fn source_from_option_or_column() {
        let plain = "code,month,received,completed\nJL-1,2026-10,5,4\n";
        assert_eq!(
            parse_stats("t.csv", plain, Some("源")).unwrap().source,
            "源"
        );
        assert!(parse_stats("t.csv", plain, None).is_err());
        let with =
            "code,month,received,completed,source\nJL-1,2026-10,5,4,甲\nJL-1,2026-11,5,4,乙\n";
        assert!(parse_stats("t.csv", with, None).is_err());
    }
}
