//! JSON Lines import files: one JSON object per line, for bulk loads. Blank lines are skipped.

use std::path::Path;

use jiyue_db::ItemInput;

use super::error::{check, Diagnostic, ImportError};
use super::fields::{from_json, Fields};
use super::record::{json_keys, read_item, ParsedItem};

/// Parses a JSON Lines import file into items. The body of each record is `body_markdown`
/// (converted to sanitized HTML) or `body_html` (sanitized).
///
/// Every error of every record is returned, each naming the file, the line of the record and
/// the field. One bad record rejects the whole file.
pub fn parse_jsonl(path: &Path, text: &str) -> Result<Vec<ItemInput>, ImportError> {
    let parsed = parse_jsonl_located(path, text)?;
    Ok(parsed.into_iter().map(|item| item.input).collect())
}

/// Parses a JSON Lines import file, keeping the line of every record.
pub(crate) fn parse_jsonl_located(path: &Path, text: &str) -> Result<Vec<ParsedItem>, ImportError> {
    let file = path.display().to_string();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut items = Vec::new();
    let mut diagnostics = Vec::new();

    for (index, record) in text.lines().enumerate() {
        let line = index + 1;
        if record.trim().is_empty() {
            continue;
        }
        match parse_record(&file, line, record) {
            Ok(item) => items.push(item),
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }
    if items.is_empty() && diagnostics.is_empty() {
        let message = "contains no records; write one JSON object per line";
        diagnostics.push(located(&file, 1, None, message));
    }
    check(diagnostics)?;
    Ok(items)
}

fn parse_record(file: &str, line: usize, record: &str) -> Result<ParsedItem, Vec<Diagnostic>> {
    let value: serde_json::Value = serde_json::from_str(record).map_err(|error| {
        // serde_json counts lines within the record, so only its column is worth keeping.
        let text = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let reason = text.strip_suffix(&suffix).unwrap_or(&text);
        let message = format!("invalid JSON at column {}: {reason}", error.column());
        vec![located(file, line, None, &message)]
    })?;
    let serde_json::Value::Object(object) = value else {
        let message = "expected a JSON object such as {\"id\": …}, one per line";
        return Err(vec![located(file, line, None, message)]);
    };

    let mut fields = Fields::new(file, line, from_json(object, line));
    fields.reject_unknown(&json_keys());
    let body_html = read_body(&mut fields);
    let input = read_item(&mut fields, body_html);
    if !fields.diagnostics.is_empty() {
        return Err(fields.diagnostics);
    }
    Ok(ParsedItem {
        input,
        file: file.to_owned(),
        line,
        lines: fields.lines().clone(),
    })
}

/// Reads exactly one of `body_markdown` and `body_html`, returning sanitized HTML.
fn read_body(fields: &mut Fields) -> String {
    let markdown = fields.string("body_markdown");
    let html = fields.string("body_html");
    match (markdown, html) {
        (Some(markdown), None) => super::body::markdown_to_html(&markdown),
        (None, Some(html)) => super::body::sanitize_html(&html),
        (Some(_), Some(_)) => {
            fields.error(
                "body_html",
                "give either body_markdown or body_html, not both",
            );
            String::new()
        }
        (None, None) if fields.has_error("body_markdown") || fields.has_error("body_html") => {
            String::new()
        }
        (None, None) => {
            fields.error("body_markdown", "missing; add body_markdown or body_html");
            String::new()
        }
    }
}

fn located(file: &str, line: usize, field: Option<&str>, message: &str) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line,
        field: field.map(str::to_owned),
        message: message.to_owned(),
    }
}
