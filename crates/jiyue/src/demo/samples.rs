//! Generated sample items for demo columns that the real news leaves blank or stale. Each
//! states in its title and body that it is sample content, and is dated relative to the clock
//! so its column meets the freshness rule of its type.

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use jiyue_core::clock::{china_offset, to_china};
use jiyue_core::ItemMeta;
use jiyue_db::{ColumnRef, ItemInput, NewColumn, NewSite};

use super::words::{self, TitleWords};
use crate::import::body::markdown_to_html;

/// Civil time of day, China Standard Time, at which sample items are published.
const PUBLISH_HOUR: u32 = 10;

/// The owner of a demo site, as sample items name it.
pub(crate) struct Owner<'a> {
    pub(crate) credit_code: &'a str,
    pub(crate) name: &'a str,
}

/// Creates `count` sample items for one column. Item `i` (from 0) is published at 10:00 China
/// Standard Time `i + 1` days before the day of `now`, so the newest is always in the past and
/// under two days old. The same inputs give the same items, which keeps the demo idempotent
/// within one day.
pub(crate) fn sample_items(
    site: &NewSite,
    owner: &Owner<'_>,
    column: &NewColumn,
    count: usize,
    now: DateTime<Utc>,
) -> Vec<ItemInput> {
    let english = site.lang.starts_with("en");
    let words = if english {
        words::english(column.column_type)
    } else {
        words::chinese(column.column_type)
    };
    let offset = stable_hash(&format!("{}:{}", site.code, column.path));
    (0..count)
        .map(|index| {
            let published_at = sample_time(now, index);
            let text = SampleText::new(english, &words, offset + index as u64, &column.name);
            sample_item(site, owner, column, index, published_at, text)
        })
        .collect()
}

fn sample_item(
    site: &NewSite,
    owner: &Owner<'_>,
    column: &NewColumn,
    index: usize,
    published_at: DateTime<Utc>,
    text: SampleText,
) -> ItemInput {
    let meta = ItemMeta {
        title: text.title,
        lang: site.lang.clone(),
        issuing_org: Some(owner.name.to_owned()),
        published_at: Some(published_at),
        source: Some(site.name.clone()),
        keywords: vec![text.keyword],
        summary: Some(text.summary),
        ..ItemMeta::default()
    };
    ItemInput {
        external_id: sample_id(&site.code, &column.path, index),
        org_credit_code: owner.credit_code.to_owned(),
        meta,
        body_html: markdown_to_html(&text.body_markdown),
        home: ColumnRef {
            site_code: site.code.clone(),
            column_path: column.path.clone(),
        },
        extra_placements: Vec::new(),
        translation_of: None,
        legacy_urls: Vec::new(),
        publish: true,
        sample: true,
    }
}

/// Returns the external id of sample `index` (from 0) of a column.
pub(crate) fn sample_id(site_code: &str, column_path: &str, index: usize) -> String {
    format!(
        "demo-sample-{site_code}-{}-{}",
        column_path.replace('/', "."),
        index + 1
    )
}

/// Returns 10:00 China Standard Time, `index + 1` days before the China-time day of `now`.
fn sample_time(now: DateTime<Utc>, index: usize) -> DateTime<Utc> {
    let today = to_china(now).date_naive();
    let days = Days::new(u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1));
    let day = today.checked_sub_days(days).unwrap_or(today);
    let time = NaiveTime::from_hms_opt(PUBLISH_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
    china_offset()
        .from_local_datetime(&day.and_time(time))
        .single()
        .map_or(now, |at| at.with_timezone(&Utc))
}

/// The visible text of one sample item.
struct SampleText {
    title: String,
    summary: String,
    keyword: String,
    body_markdown: String,
}

impl SampleText {
    fn new(english: bool, words: &TitleWords, pick: u64, column_name: &str) -> Self {
        let count = u64::try_from(words.count()).unwrap_or(1).max(1);
        let generic = words.title(usize::try_from(pick % count).unwrap_or(0));
        if english {
            Self {
                title: format!("[Sample] {generic}"),
                summary: "Generated demo content, not real government information.".to_owned(),
                keyword: "sample".to_owned(),
                body_markdown: format!(
                    "[Sample] This is generated demo content of the Jiyue demo province, \
                     not real government information.\n\n\
                     It shows how items look in the column \"{column_name}\". Replace or \
                     delete all sample content before the site goes live.\n"
                ),
            }
        } else {
            Self {
                title: format!("【示例】{generic}"),
                summary: "系统生成的演示内容，不是真实的政府信息。".to_owned(),
                keyword: "示例".to_owned(),
                body_markdown: format!(
                    "【示例】本文是 Jiyue 演示省份由系统生成的演示内容，不是真实的政府信息。\n\n\
                     本条信息用于展示“{column_name}”栏目的列表和文章页面。网站正式上线前，\
                     请用真实信息替换或删除全部示例内容。\n"
                ),
            }
        }
    }
}

/// Hashes text with 64-bit FNV-1a, which unlike `DefaultHasher` is the same on every Rust
/// version, so sample titles never change between builds.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiyue_core::clock::parse_china_time;

    #[test]
    fn sample_time_is_past_and_recent() {
        let now = parse_china_time("2025-03-10 08:00").unwrap();
        let newest = sample_time(now, 0);
        assert_eq!(newest, parse_china_time("2025-03-09 10:00").unwrap());
        assert!(newest < now);
        assert_eq!(
            sample_time(now, 2),
            parse_china_time("2025-03-07 10:00").unwrap()
        );
    }

    #[test]
    fn sample_id_flattens_path() {
        assert_eq!(
            sample_id("2200000001", "zwgk/tzgg", 0),
            "demo-sample-2200000001-zwgk.tzgg-1"
        );
    }
}
