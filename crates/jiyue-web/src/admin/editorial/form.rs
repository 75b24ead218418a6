//! The item form as submitted: every field kept as typed (so a refused form shows it again),
//! parsed into metadata, placements and a sanitized body, with every problem tied to its field.

use chrono::{DateTime, NaiveDate, Utc};
use jiyue_core::clock::{format_china_minute, parse_china_time};
use jiyue_core::{IndexNumber, ItemMeta, Validity};
use jiyue_db::{ColumnId, ItemId, RevisionDetail, RevisionId};
use serde::Serialize;

use super::super::messages::FieldError;
use super::fields::meta_error;

/// The fields of the item form, as text.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ItemForm {
    pub title: String,
    pub subtitle: String,
    pub lang: String,
    pub index_number: String,
    pub issuing_org: String,
    pub written_date: String,
    pub document_number: String,
    pub published_at: String,
    pub source: String,
    pub author: String,
    pub editor: String,
    pub subject: String,
    pub genre: String,
    pub audience: Vec<String>,
    pub keywords: String,
    pub summary: String,
    pub validity: String,
    pub superseded_by: String,
    pub interprets: String,
    pub home_column: String,
    pub extra_columns: Vec<String>,
    pub translation_of: String,
    pub publish_at: String,
    pub body_html: String,
    pub base_revision_id: String,
}

/// A form that passed every check.
#[derive(Debug, Clone)]
pub struct ParsedForm {
    pub meta: ItemMeta,
    pub home_column: ColumnId,
    pub extra_columns: Vec<ColumnId>,
    pub translation_of: Option<ItemId>,
    pub publish_at: Option<DateTime<Utc>>,
    /// The body after `sanitize_html`.
    pub body_html: String,
    pub base_revision_id: Option<RevisionId>,
}

impl ItemForm {
    /// Reads the form from URL-encoded pairs; repeated keys fill the list fields.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = ItemForm::default();
        for (key, value) in pairs {
            let value = value.clone();
            match key.as_str() {
                "audience" => form.audience.push(value),
                "extra_columns" => form.extra_columns.push(value),
                _ => {
                    if let Some(slot) = form.text_slot(key) {
                        *slot = value;
                    }
                }
            }
        }
        form
    }

    fn text_slot(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "title" => &mut self.title,
            "subtitle" => &mut self.subtitle,
            "lang" => &mut self.lang,
            "issuing_org" => &mut self.issuing_org,
            "written_date" => &mut self.written_date,
            "document_number" => &mut self.document_number,
            "published_at" => &mut self.published_at,
            "source" => &mut self.source,
            "author" => &mut self.author,
            "editor" => &mut self.editor,
            "subject" => &mut self.subject,
            "genre" => &mut self.genre,
            "keywords" => &mut self.keywords,
            "summary" => &mut self.summary,
            "validity" => &mut self.validity,
            "superseded_by" => &mut self.superseded_by,
            "interprets" => &mut self.interprets,
            "home_column" => &mut self.home_column,
            "translation_of" => &mut self.translation_of,
            "publish_at" => &mut self.publish_at,
            "body_html" => &mut self.body_html,
            "base_revision_id" => &mut self.base_revision_id,
            _ => return None,
        })
    }

    /// Fills the form from a stored revision.
    pub fn from_revision(detail: &RevisionDetail, home_column: ColumnId) -> Self {
        let meta = &detail.meta;
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let extras = detail
            .placements
            .as_ref()
            .map(|wanted| wanted.extras.iter().map(i64::to_string).collect())
            .unwrap_or_default();
        ItemForm {
            title: meta.title.clone(),
            subtitle: text(&meta.subtitle),
            lang: meta.lang.clone(),
            index_number: meta
                .index_number
                .as_ref()
                .map(|n| n.as_str().to_string())
                .unwrap_or_default(),
            issuing_org: text(&meta.issuing_org),
            written_date: meta.written_date.map(|d| d.to_string()).unwrap_or_default(),
            document_number: text(&meta.document_number),
            published_at: meta
                .published_at
                .map(format_china_minute)
                .unwrap_or_default(),
            source: text(&meta.source),
            author: text(&meta.author),
            editor: text(&meta.editor),
            subject: text(&meta.subject),
            genre: text(&meta.genre),
            audience: meta.audience.clone(),
            keywords: meta.keywords.join("，"),
            summary: text(&meta.summary),
            validity: meta.validity.code().to_string(),
            superseded_by: meta.superseded_by.join("\n"),
            interprets: meta.interprets.join("\n"),
            home_column: home_column.to_string(),
            extra_columns: extras,
            translation_of: String::new(),
            publish_at: detail
                .summary
                .publish_at
                .map(format_china_minute)
                .unwrap_or_default(),
            body_html: detail.body_html.clone(),
            base_revision_id: detail.summary.id.to_string(),
        }
    }

    /// Parses and checks every field. The index number is kept from `stored`, as editors
    /// cannot change an assigned one.
    pub fn parse(&self, stored_index: Option<IndexNumber>) -> Result<ParsedForm, Vec<FieldError>> {
        let mut errors = Vec::new();
        let meta = self.meta(stored_index, &mut errors);
        for error in meta.validate() {
            errors.push(meta_error(&error));
        }
        let home_column = self.home_column.trim().parse::<ColumnId>().ok();
        if home_column.is_none() {
            errors.push(FieldError::new(
                "home_column",
                "editorial-error-home-column",
            ));
        }
        let translation_of = optional_id(&self.translation_of, "translation_of", &mut errors);
        let publish_at = optional_time(&self.publish_at, "publish_at", &mut errors);
        let base_revision_id = self.base_revision_id.trim().parse().ok();
        let extra_columns = self
            .extra_columns
            .iter()
            .filter_map(|id| id.trim().parse().ok())
            .filter(|id| Some(*id) != home_column)
            .collect();
        errors.sort_by_key(|error| form_position(error.field));
        match home_column {
            Some(home_column) if errors.is_empty() => Ok(ParsedForm {
                meta,
                home_column,
                extra_columns,
                translation_of,
                publish_at,
                body_html: jiyue_render::sanitize_html(&self.body_html),
                base_revision_id,
            }),
            _ => Err(errors),
        }
    }

    fn meta(&self, stored_index: Option<IndexNumber>, errors: &mut Vec<FieldError>) -> ItemMeta {
        ItemMeta {
            title: self.title.trim().to_string(),
            subtitle: optional_text(&self.subtitle),
            lang: self.lang.trim().to_string(),
            index_number: stored_index,
            issuing_org: optional_text(&self.issuing_org),
            written_date: optional_date(&self.written_date, errors),
            document_number: optional_text(&self.document_number),
            published_at: optional_time(&self.published_at, "published_at", errors),
            source: optional_text(&self.source),
            author: optional_text(&self.author),
            editor: optional_text(&self.editor),
            subject: optional_text(&self.subject),
            genre: optional_text(&self.genre),
            audience: self
                .audience
                .iter()
                .filter(|a| !a.is_empty())
                .cloned()
                .collect(),
            keywords: split_list(&self.keywords),
            summary: optional_text(&self.summary),
            validity: Validity::parse(&self.validity).unwrap_or_default(),
            superseded_by: split_list(&self.superseded_by),
            service: None,
            interprets: split_list(&self.interprets),
        }
    }
}

/// The inputs of the item form in page order, so the error summary lists problems in the
/// order the user meets them.
const FORM_ORDER: [&str; 24] = [
    "title",
    "subtitle",
    "lang",
    "index_number",
    "issuing_org",
    "written_date",
    "document_number",
    "published_at",
    "source",
    "author",
    "editor",
    "subject",
    "genre",
    "audience_01",
    "keywords",
    "summary",
    "validity",
    "superseded_by",
    "interprets",
    "translation_of",
    "home_column",
    "extra_columns",
    "publish_at",
    "body_html",
];

fn form_position(field: &str) -> usize {
    FORM_ORDER
        .iter()
        .position(|name| *name == field)
        .unwrap_or(FORM_ORDER.len())
}

fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Splits a list typed with commas, semicolons, spaces or one entry per line.
fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；', '、', '\n', '\r', ' ', '\t'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

fn optional_date(text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if date.is_none() {
        errors.push(FieldError::new(
            "written_date",
            "editorial-error-date-format",
        ));
    }
    date
}

fn optional_time(
    text: &str,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let at = parse_china_time(text);
    if at.is_none() {
        errors.push(FieldError::new(field, "editorial-error-time-format"));
    }
    at
}

fn optional_id(text: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<ItemId> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let id = text.parse().ok().filter(|id: &ItemId| *id > 0);
    if id.is_none() {
        errors.push(FieldError::new(field, "editorial-error-item-id"));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn form_parses_when_complete() {
        let form = ItemForm::from_pairs(&pairs(&[
            ("title", " 关于做好信息公开的通知 "),
            ("lang", "zh-CN"),
            ("audience", "01"),
            ("audience", "02"),
            ("keywords", "公开，通知 政务"),
            ("home_column", "7"),
            ("extra_columns", "9"),
            ("extra_columns", "7"),
            ("publish_at", "2026-03-01 09:30"),
            ("body_html", "<p>正文</p><script>x()</script>"),
        ]));
        let parsed = form.parse(None).unwrap();
        assert_eq!(parsed.meta.title, "关于做好信息公开的通知");
        assert_eq!(parsed.meta.audience, ["01", "02"]);
        assert_eq!(parsed.meta.keywords, ["公开", "通知", "政务"]);
        assert_eq!(parsed.extra_columns, [9]);
        assert_eq!(
            parsed.publish_at.unwrap().to_rfc3339(),
            "2026-03-01T01:30:00+00:00"
        );
        assert!(!parsed.body_html.contains("script"));
    }

    #[test]
    fn form_errors_name_their_fields() {
        let form = ItemForm::from_pairs(&pairs(&[
            ("title", ""),
            ("lang", "zh-CN"),
            ("written_date", "2026/03/01"),
            ("publish_at", "tomorrow"),
            ("home_column", "x"),
        ]));
        let errors = form.parse(None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["title", "written_date", "home_column", "publish_at"]
        );
    }
}
