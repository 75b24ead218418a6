//! Relevance of the search over a realistic corpus: a table of queries in Chinese, English,
//! mixed and traditional script, each with the document that should come first or near the top.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corpus;

use jiyue_search::{SearchIndex, SearchQuery};

/// Where the expected document must appear.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// First hit: the query names this document and no other as well.
    First(u64),
    /// Among the first three hits: several documents match the query about equally well.
    Top3(u64),
}

use Expect::{First, Top3};

const CASES: &[(&str, Expect)] = &[
    // Identity cards, passports.
    ("居民身份证换领", First(1)),
    ("身份证", Top3(1)),
    ("身份證", Top3(1)),
    ("身份證換領", First(1)),
    ("临时身份证明", First(3)),
    ("身份证 异地 通办", First(2)),
    ("护照", Top3(10)),
    ("普通护照", First(10)),
    ("護照補發", First(11)),
    ("passport", First(12)),
    ("passports apply", First(12)),
    ("identity card renewal", First(38)),
    // Business licences and social security cards.
    ("营业执照", Top3(5)),
    ("电子营业执照", First(5)),
    ("个体工商户 营业执照", First(4)),
    ("社保卡", Top3(7)),
    ("社保卡补换", First(8)),
    ("第三代社保卡", First(7)),
    ("social security card", First(36)),
    ("business licences", First(37)),
    // Government website integration.
    ("政府网站集约化试点", Top3(13)),
    ("政府網站集約化試點", Top3(13)),
    ("政府網站", Top3(14)),
    ("国务院办公厅 集约化试点 工作方案", First(13)),
    ("国办函〔2018〕71号", First(13)),
    ("吉林省政府网站集约化试点实施方案", First(14)),
    ("政府网站 pilot", First(16)),
    ("websites", Top3(16)),
    ("pilot integration of government websites", First(16)),
    ("integration government websites", Top3(16)),
    ("integrated website platform", First(17)),
    ("integrated", Top3(41)),
    // Pollution census.
    ("第二次全国污染源普查领导小组", First(18)),
    ("污染源普查", Top3(18)),
    ("污染源普查公报", First(19)),
    ("census of pollution sources leading group", First(21)),
    // Weather, budget, education.
    ("暴雪预警", First(22)),
    ("天气趋势", First(23)),
    ("blizzard warning", First(24)),
    ("预算执行", First(25)),
    ("2024 budget", First(27)),
    ("义务教育 招生", First(29)),
    ("高校招生", First(28)),
    ("education enrollment", First(30)),
    // City portal, traditional documents, alphanumerics.
    ("长春 社保卡", First(32)),
    ("长春市政府网站改版", First(42)),
    ("无障碍阅读", First(42)),
    ("5G网络", First(40)),
    ("吉林省政府工作报告", First(34)),
    ("政务公开工作要点", First(39)),
];

fn top_ids(index: &SearchIndex, text: &str) -> Vec<u64> {
    let results = index.search(&SearchQuery::new(text)).unwrap();
    results.hits.iter().map(|hit| hit.item_id).collect()
}

#[test]
fn query_table_ranks_expected_documents() {
    assert!(CASES.len() >= 30);
    let index = corpus::corpus_index();
    let mut failures = Vec::new();

    for (text, expect) in CASES {
        let ids = top_ids(&index, text);
        let found = match expect {
            First(id) => ids.first() == Some(id),
            Top3(id) => ids.iter().take(3).any(|hit| hit == id),
        };
        if !found {
            failures.push(format!(
                "{text:?}: expected {expect:?}, got {:?}",
                &ids[..ids.len().min(5)]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn bigrams_find_words_inside_longer_words() {
    let index = corpus::corpus_index();
    let ids = top_ids(&index, "份证");
    assert!(ids.contains(&1), "{ids:?}");
    assert!(ids.contains(&31), "{ids:?}");
}

#[test]
fn words_across_jieba_cuts_match_through_bigrams() {
    let index = corpus::corpus_index();
    let body = "推进政务服务一网通办改革，企业和群众办事只需进一扇门。";
    let item = corpus::doc(
        43,
        corpus::PORTAL,
        "zh-CN",
        "全省一网通办改革方案",
        body,
        (2024, 7, 1),
    );
    index.upsert(&item).unwrap();
    index.commit(2).unwrap();

    // jieba-rs 0.8 cuts 一网通办 into 一网通 and 办, so 通办 is not a jieba token of this
    // document; only the bigram field contains it.
    let ids = top_ids(&index, "通办");
    assert!(ids.contains(&43), "{ids:?}");
}

#[test]
fn results_are_highlighted() {
    let index = corpus::corpus_index();
    let results = index.search(&SearchQuery::new("身份證")).unwrap();
    let hit = results.hits.iter().find(|hit| hit.item_id == 1).unwrap();
    assert_eq!(hit.title_html, "居民<mark>身份证</mark>换领指南");
    assert!(
        hit.snippet_html.contains("<mark>身份证</mark>"),
        "{}",
        hit.snippet_html
    );

    let results = index.search(&SearchQuery::new("websites")).unwrap();
    let hit = results.hits.iter().find(|hit| hit.item_id == 16).unwrap();
    assert!(
        hit.title_html.contains("<mark>Websites</mark>"),
        "{}",
        hit.title_html
    );
}
