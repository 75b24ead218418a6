//! Turns the keys of one record into an `ItemInput`: placement, identity and flags here, item
//! metadata in `meta`.

use std::collections::BTreeMap;

use jiyue_core::paths::validate_column_path;
use jiyue_core::{CreditCode, SiteCode};
use jiyue_db::{ColumnRef, ItemInput};

use super::error::Diagnostic;
use super::fields::{expected, Fields, Located, Value};
use super::meta;

/// Keys of the placement, identity and flags of an item.
const ITEM_KEYS: [&str; 9] = [
    "id",
    "org",
    "site",
    "column",
    "placements",
    "translation_of",
    "legacy_urls",
    "publish",
    "sample",
];

/// Keys of a JSON Lines record that carry the body.
pub(crate) const JSON_BODY_KEYS: [&str; 2] = ["body_markdown", "body_html"];

/// Returns every key a Markdown front matter may carry.
pub(crate) fn front_matter_keys() -> Vec<&'static str> {
    ITEM_KEYS
        .iter()
        .chain(meta::META_KEYS.iter())
        .copied()
        .collect()
}

/// Returns every key a JSON Lines record may carry.
pub(crate) fn json_keys() -> Vec<&'static str> {
    let mut keys = front_matter_keys();
    keys.extend(JSON_BODY_KEYS);
    keys
}

/// An item read from a file, with where its keys were, for errors found later.
#[derive(Debug, Clone)]
pub(crate) struct ParsedItem {
    pub(crate) input: ItemInput,
    pub(crate) file: String,
    /// Line of the record: the opening `+++` or the JSON line.
    pub(crate) line: usize,
    /// Line of every key present.
    pub(crate) lines: BTreeMap<String, usize>,
}

impl ParsedItem {
    /// Returns the line of `field`, or the record's line when the field was not given.
    pub(crate) fn line_of(&self, field: &str) -> usize {
        self.lines.get(field).copied().unwrap_or(self.line)
    }

    /// Creates a diagnostic on `field` of this item.
    pub(crate) fn diagnostic(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line_of(field),
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }
}

/// Reads an item from `fields`; `body_html` is the already converted body. Every key must have
/// been checked against the known keys before. Errors are left in `fields.diagnostics`.
pub(crate) fn read_item(fields: &mut Fields, body_html: String) -> ItemInput {
    let external_id = fields.required_string("id").unwrap_or_default();
    check_external_id(fields, "id", &external_id);

    let org_credit_code = match fields.required_string("org") {
        Some(text) => match CreditCode::parse(&text) {
            Ok(code) => code.as_str().to_owned(),
            Err(error) => {
                fields.error("org", error.to_string());
                text
            }
        },
        None => String::new(),
    };

    let home = read_home(fields);
    let extra_placements = read_placements(fields);

    let translation_of = fields.string("translation_of");
    if let Some(original) = &translation_of {
        check_external_id(fields, "translation_of", original);
        if *original == external_id {
            fields.error(
                "translation_of",
                "names the item itself; name the original item",
            );
        }
    }
    let legacy_urls = read_legacy_urls(fields);
    let publish = fields.boolean("publish", true);
    let sample = fields.boolean("sample", false);
    let meta = meta::read_meta(fields);

    ItemInput {
        external_id,
        org_credit_code,
        meta,
        body_html,
        home,
        extra_placements,
        translation_of,
        legacy_urls,
        publish,
        sample,
    }
}

fn check_external_id(fields: &mut Fields, key: &str, id: &str) {
    let bad = id.chars().find(|c| c.is_whitespace() || c.is_control());
    if let Some(bad) = bad {
        fields.error(
            key,
            format!("invalid id \"{id}\": contains {bad:?}; use letters, digits, '-', '_' or '.'"),
        );
    }
}

fn read_home(fields: &mut Fields) -> ColumnRef {
    let site = fields.required_string("site");
    let column = fields.required_string("column");
    let site_code = site
        .map(|text| check_site(fields, "site", &text))
        .unwrap_or_default();
    let column_path = match column {
        Some(text) => check_column(fields, "column", &text),
        None => String::new(),
    };
    ColumnRef {
        site_code,
        column_path,
    }
}

/// Returns the canonical site code, or the text as given after recording an error.
fn check_site(fields: &mut Fields, key: &str, text: &str) -> String {
    match SiteCode::parse(text) {
        Ok(code) => code.as_str().to_owned(),
        Err(error) => {
            fields.error(key, error.to_string());
            text.to_owned()
        }
    }
}

/// Returns the column path without surrounding slashes, after checking it.
fn check_column(fields: &mut Fields, key: &str, text: &str) -> String {
    let path = text.trim_matches('/').to_owned();
    if path.is_empty() {
        fields.error(key, "must name a column, such as \"yw\" or \"zwgk/tzgg\"");
    } else if let Err(error) = validate_column_path(&path) {
        fields.error(key, error.to_string());
    }
    path
}

fn read_placements(fields: &mut Fields) -> Vec<ColumnRef> {
    let Some(located) = fields.take("placements") else {
        return Vec::new();
    };
    let elements = match located.value {
        Value::Array(elements) => elements,
        other => {
            let message = expected("an array of \"<site code>:<column path>\" strings", &other);
            fields.error_at(located.line, "placements", message);
            return Vec::new();
        }
    };
    elements
        .into_iter()
        .filter_map(|element| read_placement(fields, element))
        .collect()
}

fn read_placement(fields: &mut Fields, element: Located) -> Option<ColumnRef> {
    let line = element.line;
    let (site, column) = match element.value {
        Value::String(text) => match text.split_once(':') {
            Some((site, column)) => (site.trim().to_owned(), column.trim().to_owned()),
            None => {
                let message = format!(
                    "invalid placement \"{text}\": expected \"<site code>:<column path>\", \
                     such as \"2200000003:yw\""
                );
                fields.error_at(line, "placements", message);
                return None;
            }
        },
        Value::Table(table) => match placement_table(table) {
            Some(pair) => pair,
            None => {
                let message = "a placement table must have exactly the string keys \
                               \"site\" and \"column\"";
                fields.error_at(line, "placements", message);
                return None;
            }
        },
        other => {
            let message = expected("a \"<site code>:<column path>\" string or a table", &other);
            fields.error_at(line, "placements", message);
            return None;
        }
    };
    let errors_before = fields.diagnostics.len();
    let site_code = check_site(fields, "placements", &site);
    let column_path = check_column(fields, "placements", &column);
    for diagnostic in &mut fields.diagnostics[errors_before..] {
        diagnostic.line = line;
    }
    Some(ColumnRef {
        site_code,
        column_path,
    })
}

/// Returns the site and column of a placement table with exactly those two string keys.
fn placement_table(mut table: BTreeMap<String, Located>) -> Option<(String, String)> {
    let site = table_string(&mut table, "site")?;
    let column = table_string(&mut table, "column")?;
    table.is_empty().then_some((site, column))
}

fn table_string(table: &mut BTreeMap<String, Located>, key: &str) -> Option<String> {
    match table.remove(key)?.value {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        _ => None,
    }
}

fn read_legacy_urls(fields: &mut Fields) -> Vec<String> {
    let urls = fields.strings("legacy_urls");
    for url in &urls {
        if let Err(reason) = check_absolute_url(url) {
            let message = format!("invalid URL \"{url}\": {reason}");
            fields.error("legacy_urls", message);
        }
    }
    urls
}

/// Checks that `url` is an absolute `http` or `https` URL with a host and a path.
fn check_absolute_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or("must start with http:// or https:// and name the old host")?;
    if url.chars().any(char::is_whitespace) {
        return Err("must not contain spaces; percent-encode them as %20");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Err(
            "has no host; write the full old address, such as http://www.jl.gov.cn/old/1.html",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_url_needs_scheme_and_host() {
        assert!(check_absolute_url("http://www.jl.gov.cn/a/1.html").is_ok());
        assert!(check_absolute_url("https://jl.gov.cn").is_ok());
        assert!(check_absolute_url("/a/1.html").is_err());
        assert!(check_absolute_url("http:///a").is_err());
        assert!(check_absolute_url("http://jl.gov.cn/a b").is_err());
    }
}
