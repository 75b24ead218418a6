//! Reads the `ItemMeta` keys of a record: dates in China Standard Time, coded vocabularies by
//! code or name, validity in Chinese or English.

use chrono::NaiveDate;
use jiyue_core::clock::parse_china_time;
use jiyue_core::metadata::vocabulary;
use jiyue_core::{IndexNumber, ItemMeta, Validity};

use super::fields::Fields;

/// Keys of the item metadata, named as the fields of `ItemMeta`.
pub(crate) const META_KEYS: [&str; 19] = [
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
    "audience",
    "keywords",
    "summary",
    "validity",
    "superseded_by",
    "interprets",
];

/// Reads the metadata keys. A missing `lang` stays empty, for the importer to fill in with the
/// language of the home site.
pub(crate) fn read_meta(fields: &mut Fields) -> ItemMeta {
    let title = fields.required_string("title").unwrap_or_default();
    let lang = fields.string("lang").unwrap_or_default();
    let index_number = read_index_number(fields);
    let written_date = read_written_date(fields);
    let published_at = read_published_at(fields);
    let subject = read_coded(fields, "subject", |text| {
        vocabulary::subject(text).map(|term| term.code)
    });
    let genre = read_coded(fields, "genre", |text| {
        vocabulary::genre(text).map(|term| term.code)
    });
    let audience = fields
        .strings("audience")
        .iter()
        .filter_map(|text| {
            resolve(fields, "audience", text, |text| {
                vocabulary::audience(text).map(|term| term.code)
            })
        })
        .collect();
    let validity = read_validity(fields);

    ItemMeta {
        title,
        subtitle: fields.string("subtitle"),
        lang,
        index_number,
        issuing_org: fields.string("issuing_org"),
        written_date,
        document_number: fields.string("document_number"),
        published_at,
        source: fields.string("source"),
        author: fields.string("author"),
        editor: fields.string("editor"),
        subject,
        genre,
        audience,
        keywords: fields.strings("keywords"),
        summary: fields.string("summary"),
        validity,
        superseded_by: fields.strings("superseded_by"),
        interprets: fields.strings("interprets"),
        service: None,
    }
}

fn read_index_number(fields: &mut Fields) -> Option<IndexNumber> {
    let text = fields.string("index_number")?;
    match IndexNumber::parse(&text) {
        Ok(number) => Some(number),
        Err(error) => {
            fields.error("index_number", error.to_string());
            None
        }
    }
}

fn read_written_date(fields: &mut Fields) -> Option<NaiveDate> {
    let text = fields.date_text("written_date")?;
    match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            fields.error(
                "written_date",
                format!("invalid date \"{text}\": expected YYYY-MM-DD"),
            );
            None
        }
    }
}

fn read_published_at(fields: &mut Fields) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = fields.date_text("published_at")?;
    // A TOML local date-time is spelled with a `T`; `parse_china_time` takes both spellings.
    let at = parse_china_time(&text);
    if at.is_none() {
        fields.error(
            "published_at",
            format!("invalid time \"{text}\": expected YYYY-MM-DD HH:MM in China Standard Time"),
        );
    }
    at
}

/// Reads a key whose value is a code or a name of a coded vocabulary, and returns the code.
fn read_coded(
    fields: &mut Fields,
    key: &'static str,
    lookup: fn(&str) -> Option<&'static str>,
) -> Option<String> {
    let text = fields.string(key)?;
    resolve(fields, key, &text, lookup)
}

fn resolve(
    fields: &mut Fields,
    key: &'static str,
    text: &str,
    lookup: fn(&str) -> Option<&'static str>,
) -> Option<String> {
    match lookup(text) {
        Some(code) => Some(code.to_owned()),
        None => {
            fields.error(
                key,
                format!("unknown {key} \"{text}\": use a code or a name of the {key} vocabulary"),
            );
            None
        }
    }
}

fn read_validity(fields: &mut Fields) -> Validity {
    let Some(text) = fields.string("validity") else {
        return Validity::default();
    };
    match text.to_lowercase().as_str() {
        "有效" | "valid" => Validity::Valid,
        "失效" | "expired" => Validity::Expired,
        "废止" | "repealed" => Validity::Repealed,
        "已修订" | "amended" => Validity::Amended,
        _ => {
            fields.error(
                "validity",
                format!(
                    "unknown validity \"{text}\": use 有效, 失效, 废止 or 已修订 \
                     (valid, expired, repealed, amended)"
                ),
            );
            Validity::default()
        }
    }
}
