//! Service import files (docs/services.md): one JSON document `{"source": …, "services": […]}`
//! whose services carry the item keys (`code`, `title`, `org`, …) and every service guide field
//! by its serde name. Parsing checks the form of every value, and `service_run` checks the
//! values against what is stored.

use jiyue_core::{CreditCode, ServiceGuide};
use serde_json::{Map, Value};

use super::error::{check, Diagnostic, ImportError};

/// Keys of a service that describe the item rather than the guide.
const ITEM_KEYS: [&str; 10] = [
    "code",
    "title",
    "org",
    "site",
    "column",
    "keywords",
    "lang",
    "summary",
    "body_markdown",
    "sample",
];

/// Keys of a service that are fields of `ServiceGuide`, named as serde names them.
const GUIDE_KEYS: [&str; 17] = [
    "kind",
    "implementing_org",
    "legal_basis",
    "conditions",
    "materials",
    "fee",
    "steps",
    "statutory_days",
    "promised_days",
    "places",
    "online_url",
    "consult_phone",
    "complaint_phone",
    "audiences",
    "life_events",
    "business_stages",
    "incomplete_reason",
];

/// Keys that place or flag the item. A feed does not own them, so they are never synced fields.
const PLACEMENT_KEYS: [&str; 5] = ["org", "site", "column", "lang", "sample"];

/// One service read from a file, before the checks against the database.
#[derive(Debug, Clone)]
pub(crate) struct ParsedService {
    /// Line of the service's opening brace.
    pub(crate) line: usize,
    pub(crate) title: String,
    /// Credit code of the implementing organization, in canonical form.
    pub(crate) org: String,
    pub(crate) site: Option<String>,
    pub(crate) column: Option<String>,
    pub(crate) keywords: Vec<String>,
    /// Language; empty when the file gives none.
    pub(crate) lang: String,
    pub(crate) summary: Option<String>,
    /// Sanitized HTML of `body_markdown`, empty without one.
    pub(crate) body_html: String,
    pub(crate) sample: bool,
    /// The guide; its `code` is the service's code.
    pub(crate) guide: ServiceGuide,
    /// Keys the record gives that a feed owns: they become the synced fields.
    pub(crate) given: Vec<String>,
}

/// A parsed service file.
#[derive(Debug, Clone)]
pub(crate) struct ServiceFile {
    pub(crate) file: String,
    /// The feed the services are synced from; `None` for local services.
    pub(crate) source: Option<String>,
    pub(crate) services: Vec<ParsedService>,
}

/// Parses a service file, returning every error of every service, each naming the line of the
/// service, its code and the field.
pub(crate) fn parse_services(file: &str, text: &str) -> Result<ServiceFile, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let document: Value = serde_json::from_str(text).map_err(|error| {
        let message = format!("invalid JSON at column {}: {error}", error.column());
        ImportError::at(file, error.line().max(1), None, message)
    })?;
    let Value::Object(mut top) = document else {
        let message = "expected one JSON object {\"source\": …, \"services\": [ … ]}";
        return Err(ImportError::at(file, 1, None, message));
    };

    let mut diagnostics = Vec::new();
    for key in top.keys() {
        if key != "source" && key != "services" {
            let message =
                format!("unknown key \"{key}\"; the document contains only source and services");
            diagnostics.push(diagnostic(file, 1, Some(key), message));
        }
    }
    let source = match top.remove("source") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) if !name.trim().is_empty() => Some(name.trim().to_owned()),
        Some(_) => {
            let message = "must be the non-empty name of the feed, or left out for local services";
            diagnostics.push(diagnostic(file, 1, Some("source"), message));
            None
        }
    };
    let elements = match top.remove("services") {
        Some(Value::Array(elements)) if !elements.is_empty() => elements,
        _ => {
            let message = "must be a non-empty array of service objects";
            diagnostics.push(diagnostic(file, 1, Some("services"), message));
            Vec::new()
        }
    };

    let lines = element_lines(text);
    let mut services = Vec::new();
    for (index, element) in elements.into_iter().enumerate() {
        let line = if lines.len() > index { lines[index] } else { 1 };
        match parse_service(file, line, element) {
            Ok(service) => services.push(service),
            Err(mut errors) => diagnostics.append(&mut errors),
        }
    }
    check(diagnostics)?;
    Ok(ServiceFile {
        file: file.to_owned(),
        source,
        services,
    })
}

/// Returns the line of every object that opens directly inside an array of the top-level
/// object, which is only `services`. The text must be valid JSON.
fn element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut stack: Vec<char> = Vec::new();
    let mut line = 1;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                if c == '{' && stack == ['{', '['] {
                    lines.push(line);
                }
                stack.push(c);
            }
            '}' | ']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    lines
}

/// Collects the errors of one service.
struct Record<'a> {
    file: &'a str,
    line: usize,
    /// The code, once read, so every message names the service.
    code: String,
    diagnostics: Vec<Diagnostic>,
}

impl Record<'_> {
    fn error(&mut self, field: &str, message: impl std::fmt::Display) {
        let named = if self.code.is_empty() {
            message.to_string()
        } else {
            format!("service \"{}\": {message}", self.code)
        };
        self.diagnostics
            .push(diagnostic(self.file, self.line, Some(field), named));
    }

    fn string(&mut self, object: &mut Map<String, Value>, key: &str) -> Option<String> {
        match object.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::String(text)) => Some(text.trim().to_owned()),
            Some(other) => {
                self.error(key, format!("expected a string, found {other}"));
                None
            }
        }
    }

    fn required(&mut self, object: &mut Map<String, Value>, key: &str) -> String {
        let value = self.string(object, key);
        if value.is_none() && !self.has_error(key) {
            self.error(key, "missing; every service needs it");
        }
        value.unwrap_or_default()
    }

    fn has_error(&self, key: &str) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.field.as_deref() == Some(key))
    }
}

fn parse_service(
    file: &str,
    line: usize,
    element: Value,
) -> Result<ParsedService, Vec<Diagnostic>> {
    let Value::Object(mut object) = element else {
        let message = "each service must be a JSON object such as {\"code\": …, \"title\": …}";
        return Err(vec![diagnostic(file, line, None, message)]);
    };
    let given: Vec<String> = object
        .keys()
        .filter(|key| !PLACEMENT_KEYS.contains(&key.as_str()))
        .cloned()
        .collect();
    let mut record = Record {
        file,
        line,
        code: String::new(),
        diagnostics: Vec::new(),
    };
    let code = record.required(&mut object, "code");
    record.code.clone_from(&code);
    let unknown: Vec<String> = object
        .keys()
        .filter(|key| !ITEM_KEYS.contains(&key.as_str()) && !GUIDE_KEYS.contains(&key.as_str()))
        .cloned()
        .collect();
    for key in unknown {
        record.error(
            &key,
            "unknown key; see docs/services.md for the keys of a service",
        );
        object.remove(&key);
    }

    let title = record.required(&mut object, "title");
    let org = read_org(&mut record, &mut object);
    let site = record.string(&mut object, "site");
    let column = record
        .string(&mut object, "column")
        .map(|path| path.trim_matches('/').to_owned());
    let keywords = read_keywords(&mut record, &mut object);
    let lang = record.string(&mut object, "lang").unwrap_or_default();
    let summary = record.string(&mut object, "summary");
    let body_html = record
        .string(&mut object, "body_markdown")
        .map(|markdown| super::body::markdown_to_html(&markdown))
        .unwrap_or_default();
    let sample = match object.remove("sample") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => flag,
        Some(other) => {
            record.error("sample", format!("expected true or false, found {other}"));
            false
        }
    };
    let guide = read_guide(&mut record, object, code);

    if !record.diagnostics.is_empty() {
        return Err(record.diagnostics);
    }
    Ok(ParsedService {
        line,
        title,
        org,
        site,
        column,
        keywords,
        lang,
        summary,
        body_html,
        sample,
        guide,
        given,
    })
}

fn read_org(record: &mut Record<'_>, object: &mut Map<String, Value>) -> String {
    let text = record.required(object, "org");
    if text.is_empty() {
        return text;
    }
    match CreditCode::parse(&text) {
        Ok(code) => code.as_str().to_owned(),
        Err(error) => {
            record.error("org", error);
            text
        }
    }
}

fn read_keywords(record: &mut Record<'_>, object: &mut Map<String, Value>) -> Vec<String> {
    match object.remove("keywords") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(elements)) => {
            let mut keywords = Vec::new();
            for element in elements {
                match element {
                    Value::String(text) if !text.trim().is_empty() => {
                        keywords.push(text.trim().to_owned());
                    }
                    other => record.error(
                        "keywords",
                        format!("expected non-empty strings, found {other}"),
                    ),
                }
            }
            keywords
        }
        Some(other) => {
            let message =
                format!("expected an array of strings such as [\"身份证\"], found {other}");
            record.error("keywords", message);
            Vec::new()
        }
    }
}

/// Reads the guide keys left in `object`. Each key is read alone first, so a bad value is
/// reported on its own field with the reason serde gives.
fn read_guide(record: &mut Record<'_>, object: Map<String, Value>, code: String) -> ServiceGuide {
    let mut fields = Map::new();
    for (key, value) in object {
        let mut alone = Map::new();
        alone.insert(key.clone(), value.clone());
        match serde_json::from_value::<ServiceGuide>(Value::Object(alone)) {
            Ok(_) => {
                fields.insert(key, value);
            }
            Err(error) => record.error(&key, format!("{error}; see docs/services.md")),
        }
    }
    let mut guide: ServiceGuide = serde_json::from_value(Value::Object(fields)).unwrap_or_default();
    guide.code = code;
    guide
}

fn diagnostic(
    file: &str,
    line: usize,
    field: Option<&str>,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line,
        field: field.map(str::to_owned),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{
  "source": "演示源",
  "services": [
    {"code": "JL-1", "title": "甲", "org": "11220000000000019E"},
    {
      "code": "JL-2", "title": "乙", "org": "11220000000000019E",
      "life_events": ["nonsense"], "statutory_days": "ten", "colour": 1
    }
  ]
}"#;

    #[test]
    fn finds_the_line_of_each_service() {
        assert_eq!(element_lines(ONE), vec![4, 5]);
    }

    #[test]
    fn names_line_code_and_field_of_bad_values() {
        let error = parse_services("s.json", ONE).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("s.json:5: field \"life_events\": service \"JL-2\""),
            "{text}"
        );
        assert!(text.contains("nonsense"), "{text}");
        assert!(text.contains("field \"statutory_days\""), "{text}");
        assert!(text.contains("field \"colour\""), "{text}");
        assert_eq!(error.diagnostics().len(), 3);
    }

    #[test]
    fn reads_a_good_service() {
        let text = ONE.replace(
            r#""life_events": ["nonsense"], "statutory_days": "ten", "colour": 1"#,
            r#""life_events": ["出生"], "statutory_days": 10, "keywords": ["乙事"]"#,
        );
        let file = parse_services("s.json", &text).unwrap();
        assert_eq!(file.source.as_deref(), Some("演示源"));
        let second = &file.services[1];
        assert_eq!(second.guide.code, "JL-2");
        assert_eq!(second.guide.statutory_days, Some(10));
        assert_eq!(second.keywords, vec!["乙事"]);
        assert!(second.given.contains(&"life_events".to_owned()));
        assert!(!second.given.contains(&"org".to_owned()));
    }
}
