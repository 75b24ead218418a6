//! The index schema, its version, and conversion of a [`SearchDoc`] into a tantivy document.

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use crate::analysis::{BIGRAM_ANALYZER, JIEBA_ANALYZER};
use crate::synonyms::normalize;

/// Version of the schema and analyzers. Raise it whenever either changes, so indexes built by
/// an older binary are wiped and rebuilt instead of returning results for mismatched terms.
pub(crate) const SCHEMA_VERSION: u32 = 2;

/// Kind of a public service item (政务服务事项); a query naming one ranks it first.
pub const SERVICE_KIND: &str = "service";

/// One published item as the index receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Item id, unique across the platform.
    pub item_id: u64,
    /// Every site the item is placed on, including its home site.
    pub site_codes: Vec<String>,
    /// Site code of the home placement.
    pub home_site: String,
    /// Name of the home site, shown in results.
    pub site_name: String,
    /// BCP 47 language tag of the item.
    pub lang: String,
    /// Kind of document, such as `item` or `service`.
    pub kind: String,
    /// Title as plain text.
    pub title: String,
    /// Body as plain text, without markup.
    pub body: String,
    /// Absolute URL of the home placement.
    pub url: String,
    /// Name of the column of the home placement.
    pub column_name: String,
    /// Publication time in Unix seconds.
    pub published_at: i64,
    /// Other names a service is known by, such as 身份证 for 居民身份证换领; empty for items.
    #[serde(default)]
    pub names: Vec<String>,
}

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) item_id: Field,
    pub(crate) site_codes: Field,
    pub(crate) home_site: Field,
    pub(crate) site_name: Field,
    pub(crate) lang: Field,
    pub(crate) kind: Field,
    pub(crate) title: Field,
    pub(crate) title_bigram: Field,
    pub(crate) body: Field,
    pub(crate) body_bigram: Field,
    pub(crate) names: Field,
    pub(crate) names_bigram: Field,
    /// The title and every name, each normalized as a whole, for exact comparison with a query.
    pub(crate) name_keys: Field,
    pub(crate) url: Field,
    pub(crate) column_name: Field,
    pub(crate) published_at: Field,
    pub(crate) year: Field,
}

fn analyzed(analyzer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Builds the schema and the handles to its fields.
pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        item_id: builder.add_u64_field("item_id", INDEXED | FAST | STORED),
        site_codes: builder.add_text_field("site_codes", STRING),
        home_site: builder.add_text_field("home_site", STRING | FAST | STORED),
        site_name: builder.add_text_field("site_name", STORED),
        lang: builder.add_text_field("lang", STRING | FAST | STORED),
        kind: builder.add_text_field("kind", STRING | FAST | STORED),
        title: builder.add_text_field("title", analyzed(JIEBA_ANALYZER, true)),
        title_bigram: builder.add_text_field("title_bigram", analyzed(BIGRAM_ANALYZER, false)),
        body: builder.add_text_field("body", analyzed(JIEBA_ANALYZER, true)),
        body_bigram: builder.add_text_field("body_bigram", analyzed(BIGRAM_ANALYZER, false)),
        names: builder.add_text_field("names", analyzed(JIEBA_ANALYZER, false)),
        names_bigram: builder.add_text_field("names_bigram", analyzed(BIGRAM_ANALYZER, false)),
        name_keys: builder.add_text_field("name_keys", STRING),
        url: builder.add_text_field("url", STORED),
        column_name: builder.add_text_field("column_name", STORED),
        published_at: builder.add_i64_field("published_at", INDEXED | FAST | STORED),
        year: builder.add_u64_field("year", INDEXED | FAST | STORED),
    };
    (builder.build(), fields)
}

/// Converts `doc` into a tantivy document; the home site is always among the site codes.
pub(crate) fn to_document(fields: &Fields, doc: &SearchDoc) -> TantivyDocument {
    let mut document = TantivyDocument::default();
    document.add_u64(fields.item_id, doc.item_id);

    let mut site_codes: Vec<&str> = doc.site_codes.iter().map(String::as_str).collect();
    site_codes.push(&doc.home_site);
    site_codes.sort_unstable();
    site_codes.dedup();
    for code in site_codes {
        document.add_text(fields.site_codes, code);
    }

    document.add_text(fields.home_site, &doc.home_site);
    document.add_text(fields.site_name, &doc.site_name);
    document.add_text(fields.lang, &doc.lang);
    document.add_text(fields.kind, &doc.kind);
    document.add_text(fields.title, &doc.title);
    document.add_text(fields.title_bigram, &doc.title);
    document.add_text(fields.body, &doc.body);
    document.add_text(fields.body_bigram, &doc.body);
    document.add_text(fields.name_keys, normalize(&doc.title));
    for name in &doc.names {
        document.add_text(fields.names, name);
        document.add_text(fields.names_bigram, name);
        document.add_text(fields.name_keys, normalize(name));
    }
    document.add_text(fields.url, &doc.url);
    document.add_text(fields.column_name, &doc.column_name);
    document.add_i64(fields.published_at, doc.published_at);
    document.add_u64(fields.year, china_year(doc.published_at));
    document
}

/// Returns the calendar year of `unix_seconds` in China Standard Time (UTC+8, no daylight
/// saving), or 0 for instants before year 1.
pub(crate) fn china_year(unix_seconds: i64) -> u64 {
    const CHINA_OFFSET_SECONDS: i64 = 8 * 3600;
    let days = unix_seconds
        .saturating_add(CHINA_OFFSET_SECONDS)
        .div_euclid(86_400);
    u64::try_from(civil_year(days)).unwrap_or(0)
}

/// Returns the proleptic Gregorian year of the day `days` after 1970-01-01.
fn civil_year(days: i64) -> i64 {
    // Count from 0000-03-01, so the leap day ends a year, in 400-year eras of 146,097 days.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let in_january_or_february = march_based_month >= 10;
    era * 400 + year_of_era + i64::from(in_january_or_february)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_year_turns_at_china_midnight() {
        // 2024-01-01 00:00 in China is 2023-12-31 16:00 UTC.
        assert_eq!(china_year(1_704_038_400), 2024);
        assert_eq!(china_year(1_704_038_399), 2023);
    }

    #[test]
    fn china_year_handles_leap_days_and_epoch() {
        // 2024-02-29 12:00 UTC and 2000-03-01 00:00 UTC.
        assert_eq!(china_year(1_709_208_000), 2024);
        assert_eq!(china_year(951_868_800), 2000);
        assert_eq!(china_year(0), 1970);
        assert_eq!(china_year(-28_801), 1969);
    }

    #[test]
    fn home_site_is_always_a_site_code() {
        let (schema, fields) = build_schema();
        let doc = SearchDoc {
            item_id: 7,
            site_codes: vec!["2200000002".into()],
            home_site: "2200000001".into(),
            site_name: String::new(),
            lang: "zh-CN".into(),
            kind: "item".into(),
            title: String::new(),
            body: String::new(),
            url: String::new(),
            column_name: String::new(),
            published_at: 0,
            names: Vec::new(),
        };
        let document = to_document(&fields, &doc);
        let codes: Vec<_> = document.get_all(fields.site_codes).collect();
        assert_eq!(codes.len(), 2);
        assert!(schema.get_field("site_codes").is_ok());
    }
}
