//! The demo's wording lists: the two officials the November 2018 digest misnames, the office
//! it mistranslates, and a few non-recommended word forms as typos. They load once, into an
//! empty list, so an operator's changes survive a restart.

use anyhow::Context;
use jiyue_db::{Db, NewWordingEntry};

/// The source of the officials and the misstatement: the English text of the November 2018
/// news digest, which reports the State Council's statement of 12 November 2018 on the
/// leading group of the second national pollution census.
const DIGEST_SOURCE: &str =
    "2018年11月新闻摘要英文版（国务院11月12日关于第二次全国污染源普查领导小组的声明）";
/// The source of the typos: 《第一批异形词整理表》(GF 1001-2001), recommended word forms.
const VARIANTS_SOURCE: &str = "《第一批异形词整理表》GF 1001-2001";

/// Entries as (list, term, replacement, source).
const ENTRIES: [(&str, &str, &str, &str); 8] = [
    ("official", "生态环境部部长", "李干杰", DIGEST_SOURCE),
    ("official", "国家统计局局长", "宁吉喆", DIGEST_SOURCE),
    (
        "misstatement",
        "集团办公室",
        "领导小组办公室",
        DIGEST_SOURCE,
    ),
    ("typo", "必恭必敬", "毕恭毕敬", VARIANTS_SOURCE),
    ("typo", "辈份", "辈分", VARIANTS_SOURCE),
    ("typo", "耽心", "担心", VARIANTS_SOURCE),
    ("typo", "车箱", "车厢", VARIANTS_SOURCE),
    ("typo", "按纳", "按捺", VARIANTS_SOURCE),
];

/// Seeds the wording lists when they are empty and returns the number of entries added.
pub(crate) async fn seed(db: &Db) -> anyhow::Result<usize> {
    if !db.wording_entries().await?.is_empty() {
        return Ok(0);
    }
    for (list, term, replacement, source) in ENTRIES {
        let entry = NewWordingEntry {
            list: list.to_string(),
            term: term.to_string(),
            replacement: replacement.to_string(),
            source: source.to_string(),
        };
        db.add_wording_entry(&entry, None)
            .await
            .with_context(|| format!("failed to store the demo wording entry {term}"))?;
    }
    Ok(ENTRIES.len())
}
