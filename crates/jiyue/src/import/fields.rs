//! The keys of one import record with the line each value starts on, read from TOML front
//! matter or from one JSON object, and typed getters that record a located error for every
//! value of the wrong type.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::error::Diagnostic;

/// A value of an import record, with the numbers kept as written because no field takes one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    String(String),
    Bool(bool),
    Number(String),
    /// A TOML date or date-time, in its TOML spelling.
    Datetime(String),
    Array(Vec<Located>),
    Table(BTreeMap<String, Located>),
}

impl Value {
    /// Returns the type name used in error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::String(_) => "a string",
            Self::Bool(_) => "a boolean",
            Self::Number(_) => "a number",
            Self::Datetime(_) => "a date",
            Self::Array(_) => "an array",
            Self::Table(_) => "a table",
        }
    }
}

/// A value and the 1-based line of the file it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located {
    pub(crate) value: Value,
    pub(crate) line: usize,
}

/// The top-level keys of one record, taken out one by one by the getters, and the errors found
/// so far.
#[derive(Debug)]
pub(crate) struct Fields {
    file: String,
    /// Line of the record itself: the opening `+++` or the JSON line.
    pub(crate) line: usize,
    entries: BTreeMap<String, Located>,
    /// Line of every key present in the record, kept after the key is taken.
    lines: BTreeMap<String, usize>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Fields {
    /// Creates a record from its entries.
    pub(crate) fn new(file: &str, line: usize, entries: BTreeMap<String, Located>) -> Self {
        let lines = entries.iter().map(|(k, v)| (k.clone(), v.line)).collect();
        Self {
            file: file.to_owned(),
            line,
            entries,
            lines,
            diagnostics: Vec::new(),
        }
    }

    /// Returns the line of `key`, or the record's line when the key is absent.
    pub(crate) fn line_of(&self, key: &str) -> usize {
        self.lines.get(key).copied().unwrap_or(self.line)
    }

    /// Returns the line of every key present in the record.
    pub(crate) fn lines(&self) -> &BTreeMap<String, usize> {
        &self.lines
    }

    /// Records an error on `field` at the line of that field.
    pub(crate) fn error(&mut self, field: &str, message: impl Into<String>) {
        let line = self.line_of(field);
        self.error_at(line, field, message);
    }

    /// Records an error on `field` at `line`.
    pub(crate) fn error_at(&mut self, line: usize, field: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: self.file.clone(),
            line,
            field: Some(field.to_owned()),
            message: message.into(),
        });
    }

    /// Records an error for every key not in `known`, naming the closest known key.
    pub(crate) fn reject_unknown(&mut self, known: &[&str]) {
        let unknown: Vec<(String, usize)> = self
            .entries
            .iter()
            .filter(|(key, _)| !known.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.line))
            .collect();
        for (key, line) in unknown {
            self.entries.remove(&key);
            let message = match closest(&key, known) {
                Some(near) => format!("unknown key; did you mean \"{near}\"?"),
                None => format!("unknown key; the known keys are {}", known.join(", ")),
            };
            self.error_at(line, &key, message);
        }
    }

    /// Takes the raw value of `key`.
    pub(crate) fn take(&mut self, key: &str) -> Option<Located> {
        self.entries.remove(key)
    }

    /// Takes an optional string; an empty or blank string counts as absent.
    pub(crate) fn string(&mut self, key: &str) -> Option<String> {
        let located = self.take(key)?;
        match located.value {
            Value::String(text) if text.trim().is_empty() => None,
            Value::String(text) => Some(text.trim().to_owned()),
            other => {
                self.error_at(located.line, key, expected("a string", &other));
                None
            }
        }
    }

    /// Takes a string that must be present.
    pub(crate) fn required_string(&mut self, key: &str) -> Option<String> {
        let present = self.entries.contains_key(key);
        let text = self.string(key);
        if text.is_none() && !self.has_error(key) {
            let message = if present {
                "must not be empty"
            } else {
                "missing; add it"
            };
            self.error(key, message);
        }
        text
    }

    /// Takes a string or a TOML date, returned as written.
    pub(crate) fn date_text(&mut self, key: &str) -> Option<String> {
        let located = self.take(key)?;
        match located.value {
            Value::String(text) | Value::Datetime(text) => Some(text.trim().to_owned()),
            other => {
                self.error_at(located.line, key, expected("a string or a date", &other));
                None
            }
        }
    }

    /// Takes a boolean, or `default` when absent.
    pub(crate) fn boolean(&mut self, key: &str, default: bool) -> bool {
        let Some(located) = self.take(key) else {
            return default;
        };
        match located.value {
            Value::Bool(flag) => flag,
            other => {
                self.error_at(located.line, key, expected("true or false", &other));
                default
            }
        }
    }

    /// Takes an array of non-empty strings; a single string counts as an array of one.
    pub(crate) fn strings(&mut self, key: &str) -> Vec<String> {
        let Some(located) = self.take(key) else {
            return Vec::new();
        };
        let elements = match located.value {
            Value::String(text) => vec![Located {
                value: Value::String(text),
                line: located.line,
            }],
            Value::Array(elements) => elements,
            other => {
                self.error_at(located.line, key, expected("an array of strings", &other));
                return Vec::new();
            }
        };
        let mut texts = Vec::new();
        for element in elements {
            match element.value {
                Value::String(text) if !text.trim().is_empty() => {
                    texts.push(text.trim().to_owned())
                }
                Value::String(_) => self.error_at(element.line, key, "contains an empty string"),
                other => self.error_at(element.line, key, expected("strings", &other)),
            }
        }
        texts
    }

    /// Returns true when an error was already recorded on `key`.
    pub(crate) fn has_error(&self, key: &str) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.field.as_deref() == Some(key))
    }
}

/// Formats a type mismatch, such as `expected a string, found a number (3)`.
pub(crate) fn expected(what: &str, found: &Value) -> String {
    match found {
        Value::Number(text) | Value::Datetime(text) => {
            format!("expected {what}, found {} ({text})", found.kind())
        }
        Value::Bool(flag) => format!("expected {what}, found a boolean ({flag})"),
        _ => format!("expected {what}, found {}", found.kind()),
    }
}

/// Returns the known key within two edits of `key`, if there is one.
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|candidate| (edit_distance(key, candidate), *candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Computes the optimal string alignment distance, counted in characters: insertions,
/// deletions, substitutions and swaps of two neighbours each cost 1, so `titel` is 1 from
/// `title`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    table[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

/// Maps byte offsets of a text to 1-based lines, shifted by the line the text starts on.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    /// Indexes `text`, whose first line is line `first_line` of its file.
    pub(crate) fn new(text: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Self { starts, first_line }
    }

    /// Returns the file line that contains byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        let index = self.starts.partition_point(|start| *start <= offset);
        self.first_line + index.saturating_sub(1)
    }
}

/// Converts a parsed TOML table into entries with lines.
pub(crate) fn from_toml(table: &DeTable<'_>, lines: &LineIndex) -> BTreeMap<String, Located> {
    table
        .iter()
        .map(|(key, value)| {
            let located = Located {
                value: toml_value(value.get_ref(), lines),
                line: lines.line(key.span().start),
            };
            (key.get_ref().to_string(), located)
        })
        .collect()
}

fn toml_value(value: &DeValue<'_>, lines: &LineIndex) -> Value {
    match value {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(number) => Value::Number(number.to_string()),
        DeValue::Float(number) => Value::Number(number.to_string()),
        DeValue::Boolean(flag) => Value::Bool(*flag),
        DeValue::Datetime(at) => Value::Datetime(at.to_string()),
        DeValue::Array(elements) => Value::Array(
            elements
                .iter()
                .map(|element| located_toml(element.get_ref(), element.span(), lines))
                .collect(),
        ),
        DeValue::Table(table) => Value::Table(from_toml(table, lines)),
    }
}

fn located_toml(value: &DeValue<'_>, span: Range<usize>, lines: &LineIndex) -> Located {
    Located {
        value: toml_value(value, lines),
        line: lines.line(span.start),
    }
}

/// Converts a JSON object into entries that all sit on `line`; `null` values count as absent.
pub(crate) fn from_json(
    object: serde_json::Map<String, serde_json::Value>,
    line: usize,
) -> BTreeMap<String, Located> {
    object
        .into_iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| (key, json_value(value, line)))
        .collect()
}

fn json_value(value: serde_json::Value, line: usize) -> Located {
    let value = match value {
        serde_json::Value::String(text) => Value::String(text),
        serde_json::Value::Bool(flag) => Value::Bool(flag),
        serde_json::Value::Number(number) => Value::Number(number.to_string()),
        serde_json::Value::Null => Value::String(String::new()),
        serde_json::Value::Array(elements) => Value::Array(
            elements
                .into_iter()
                .map(|element| json_value(element, line))
                .collect(),
        ),
        serde_json::Value::Object(object) => Value::Table(from_json(object, line)),
    };
    Located { value, line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_from_first_line() {
        let index = LineIndex::new("a = 1\nb = 2\n", 2);
        assert_eq!(index.line(0), 2);
        assert_eq!(index.line(6), 3);
        assert_eq!(index.line(11), 3);
    }

    #[test]
    fn closest_finds_typo() {
        assert_eq!(closest("titel", &["title", "subtitle"]), Some("title"));
        assert_eq!(closest("colour", &["id", "org"]), None);
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("标题", "标题"), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("titel", "title"), 1);
    }
}
