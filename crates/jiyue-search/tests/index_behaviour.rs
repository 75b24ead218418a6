//! Behaviour of the index beyond ranking: site boost and scope, facets, pagination, odd
//! queries, commit positions across reopen, replacement, deletion and schema-version wipes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corpus;

use corpus::{corpus_index, doc, CHANGCHUN, POLICE, PORTAL};
use jiyue_search::{Facet, Scope, SearchError, SearchIndex, SearchQuery};

fn ids(index: &SearchIndex, query: &SearchQuery) -> Vec<u64> {
    index
        .search(query)
        .unwrap()
        .hits
        .iter()
        .map(|hit| hit.item_id)
        .collect()
}

fn facet(value: &str, count: u64) -> Facet {
    Facet {
        value: value.to_string(),
        count,
    }
}

#[test]
fn current_site_boost_reorders_equal_documents() {
    let index = SearchIndex::open_in_ram().unwrap();
    let body = "全省统一预约挂号平台正式上线。";
    index
        .upsert(&doc(
            1,
            POLICE,
            "zh-CN",
            "预约挂号平台上线",
            body,
            (2023, 1, 1),
        ))
        .unwrap();
    index
        .upsert(&doc(
            2,
            CHANGCHUN,
            "zh-CN",
            "预约挂号平台上线",
            body,
            (2024, 1, 1),
        ))
        .unwrap();
    index.commit(1).unwrap();

    let mut query = SearchQuery::new("预约挂号");
    assert_eq!(
        ids(&index, &query),
        [2, 1],
        "without a current site the newer one leads"
    );

    query.current_site = Some(POLICE.to_string());
    assert_eq!(
        ids(&index, &query),
        [1, 2],
        "the current site's document leads"
    );
}

#[test]
fn equal_scores_rank_newer_first() {
    let index = SearchIndex::open_in_ram().unwrap();
    let body = "城乡居民医保集中缴费期开始。";
    for (id, year) in [(1, 2021), (2, 2024), (3, 2019), (4, 2022)] {
        let item = doc(id, PORTAL, "zh-CN", "医保缴费通知", body, (year, 6, 1));
        index.upsert(&item).unwrap();
    }
    index.commit(1).unwrap();

    assert_eq!(ids(&index, &SearchQuery::new("医保缴费")), [2, 4, 1, 3]);
}

#[test]
fn current_site_scope_filters_by_placement() {
    let index = corpus_index();
    let mut placed = doc(
        50,
        POLICE,
        "zh-CN",
        "身份证办理预约服务",
        "可在线预约身份证办理。",
        (2024, 6, 1),
    );
    placed.site_codes.push(CHANGCHUN.to_string());
    index.upsert(&placed).unwrap();
    index.commit(2).unwrap();

    let mut query = SearchQuery::new("身份证");
    query.current_site = Some(CHANGCHUN.to_string());
    query.scope = Scope::CurrentSite;
    let mut found = ids(&index, &query);
    found.sort_unstable();
    assert_eq!(found, [31, 50]);

    query.scope = Scope::All;
    assert!(ids(&index, &query).len() > 2);
}

#[test]
fn current_site_scope_without_site_is_rejected() {
    let index = corpus_index();
    let mut query = SearchQuery::new("身份证");
    query.scope = Scope::CurrentSite;
    assert!(matches!(
        index.search(&query),
        Err(SearchError::MissingCurrentSite)
    ));
}

#[test]
fn facets_count_every_match_not_the_page() {
    let index = corpus_index();
    let mut query = SearchQuery::new("身份证");
    query.per_page = 1;
    let results = index.search(&query).unwrap();

    assert_eq!(results.total, 4);
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.site_facets, [facet(POLICE, 3), facet(CHANGCHUN, 1)]);
    assert_eq!(
        results.year_facets,
        [
            facet("2024", 1),
            facet("2023", 1),
            facet("2022", 1),
            facet("2021", 1)
        ]
    );
}

#[test]
fn site_and_year_filters_narrow_results() {
    let index = corpus_index();
    let mut query = SearchQuery::new("身份证");
    query.site_filter = Some(POLICE.to_string());
    let mut found = ids(&index, &query);
    found.sort_unstable();
    assert_eq!(found, [1, 2, 3]);

    query.year = Some(2023);
    assert_eq!(ids(&index, &query), [1]);

    query.year = Some(-5);
    assert!(matches!(
        index.search(&query),
        Err(SearchError::InvalidYear { year: -5 })
    ));
}

#[test]
fn pages_partition_the_results() {
    let index = corpus_index();
    let mut query = SearchQuery::new("政府");
    query.per_page = 6;
    let all = ids(&index, &query);
    assert_eq!(all.len(), 6);

    query.per_page = 2;
    let mut paged = Vec::new();
    for page in 0..3 {
        query.page = page;
        let results = index.search(&query).unwrap();
        assert!(results.total > 6);
        paged.extend(results.hits.iter().map(|hit| hit.item_id));
    }
    assert_eq!(paged, all);

    query.page = 1_000;
    let results = index.search(&query).unwrap();
    assert!(results.hits.is_empty());
    assert!(results.total > 6);
}

#[test]
fn page_size_has_default_and_maximum() {
    let index = corpus_index();
    let mut query = SearchQuery::new("的");
    query.per_page = 0;
    assert_eq!(index.search(&query).unwrap().hits.len(), 10);
    query.per_page = 10_000;
    let results = index.search(&query).unwrap();
    assert_eq!(results.hits.len(), results.total.min(100));
}

#[test]
fn empty_queries_return_no_hits() {
    let index = corpus_index();
    for text in ["", "   ", "\t\n", "\"\"", "():*?!"] {
        let results = index.search(&SearchQuery::new(text)).unwrap();
        assert!(results.empty_query, "{text:?}");
        assert_eq!(results.total, 0, "{text:?}");
        assert!(results.hits.is_empty(), "{text:?}");
    }
}

#[test]
fn long_queries_are_truncated_not_rejected() {
    let index = corpus_index();
    let text = "护照".repeat(500);
    assert_eq!(text.chars().count(), 1_000);
    let results = index.search(&SearchQuery::new(text)).unwrap();
    assert!(results.truncated);
    assert!(!results.empty_query);
    assert!(results.hits.iter().any(|hit| hit.item_id == 10));

    let mixed = "居民身份证换领 passport renewal 营业执照 ".repeat(40);
    let results = index.search(&SearchQuery::new(mixed)).unwrap();
    assert!(results.truncated);
    assert!(!results.hits.is_empty());

    let short = index.search(&SearchQuery::new("护照")).unwrap();
    assert!(!short.truncated);
}

#[test]
fn syntax_characters_are_plain_text() {
    let index = corpus_index();
    let plain = ids(&index, &SearchQuery::new("普通护照"));
    for text in [
        "\"普通护照\"",
        "title:普通护照",
        "(普通护照)",
        "普通护照~2",
        "+普通护照^3",
        "普通护照 AND",
        "[普通护照 TO *]",
        "普通护照 || {} \\ /",
    ] {
        assert_eq!(
            ids(&index, &SearchQuery::new(text)).first(),
            plain.first(),
            "{text:?}"
        );
    }
    for text in [
        "AND OR NOT",
        "* : ( ) [ ] { } ^ ~ \" \\",
        "-passport",
        "site:2200000010",
    ] {
        assert!(index.search(&SearchQuery::new(text)).is_ok(), "{text:?}");
    }
}

#[test]
fn commit_position_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert!(index.needs_rebuild(), "a new index needs a full build");
        assert_eq!(index.committed_position(), 0);
        index
            .upsert(&doc(
                1,
                PORTAL,
                "zh-CN",
                "政府网站集约化平台",
                "正文",
                (2024, 1, 1),
            ))
            .unwrap();
        index.commit(42).unwrap();
        assert_eq!(index.committed_position(), 42);
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert!(!index.needs_rebuild());
    assert_eq!(index.committed_position(), 42);
    assert_eq!(ids(&index, &SearchQuery::new("集约化")), [1]);
}

#[test]
fn uncommitted_changes_are_lost_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index
            .upsert(&doc(1, PORTAL, "zh-CN", "护照", "正文", (2024, 1, 1)))
            .unwrap();
        index.commit(7).unwrap();
        index
            .upsert(&doc(2, PORTAL, "zh-CN", "护照补发", "正文", (2024, 1, 1)))
            .unwrap();
        assert_eq!(
            ids(&index, &SearchQuery::new("护照")),
            [1],
            "not visible before commit"
        );
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.committed_position(), 7);
    assert_eq!(ids(&index, &SearchQuery::new("护照")), [1]);
}

#[test]
fn other_schema_version_wipes_the_index() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index
            .upsert(&doc(1, PORTAL, "zh-CN", "护照", "正文", (2024, 1, 1)))
            .unwrap();
        index.commit(9).unwrap();
    }
    std::fs::write(dir.path().join("schema-version"), "jiyue-search schema 0\n").unwrap();

    let index = SearchIndex::open(dir.path()).unwrap();
    assert!(index.needs_rebuild());
    assert_eq!(index.committed_position(), 0);
    assert!(ids(&index, &SearchQuery::new("护照")).is_empty());
}

#[test]
fn second_writer_on_same_folder_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let _first = SearchIndex::open(dir.path()).unwrap();
    let second = SearchIndex::open(dir.path());
    assert!(
        matches!(second, Err(SearchError::Locked { .. })),
        "{:?}",
        second.err()
    );
}

#[test]
fn upsert_replaces_instead_of_duplicating() {
    let index = corpus_index();
    let mut changed = doc(
        10,
        POLICE,
        "zh-CN",
        "普通护照申请须知（修订）",
        "修订后的护照申请材料清单。",
        (2024, 8, 1),
    );
    index.upsert(&changed).unwrap();
    changed.title = "普通护照申请须知（第二次修订）".to_string();
    index.upsert(&changed).unwrap();
    index.commit(2).unwrap();

    let results = index.search(&SearchQuery::new("普通护照")).unwrap();
    let copies = results.hits.iter().filter(|hit| hit.item_id == 10).count();
    assert_eq!(copies, 1);
    let hit = results.hits.iter().find(|hit| hit.item_id == 10).unwrap();
    assert!(hit.title_html.contains("第二次修订"), "{}", hit.title_html);
    assert!(
        !ids(&index, &SearchQuery::new("七个工作日")).contains(&10),
        "old body is gone"
    );
}

#[test]
fn delete_and_clear_remove_documents() {
    let index = corpus_index();
    index.delete(12).unwrap();
    index.commit(2).unwrap();
    assert!(ids(&index, &SearchQuery::new("passport")).is_empty());
    assert_eq!(index.committed_position(), 2);

    index.clear().unwrap();
    index.commit(3).unwrap();
    assert!(ids(&index, &SearchQuery::new("身份证")).is_empty());
    assert_eq!(index.committed_position(), 3);
}

#[test]
fn clear_then_rebuild_keeps_only_new_documents() {
    let index = corpus_index();
    index
        .upsert(&doc(
            60,
            PORTAL,
            "zh-CN",
            "护照旧稿",
            "未提交",
            (2024, 1, 1),
        ))
        .unwrap();
    index.clear().unwrap();
    index
        .upsert(&doc(61, PORTAL, "zh-CN", "护照新稿", "重建", (2024, 1, 1)))
        .unwrap();
    index.commit(5).unwrap();

    assert_eq!(ids(&index, &SearchQuery::new("护照")), [61]);
    assert!(ids(&index, &SearchQuery::new("身份证")).is_empty());
}

#[test]
fn hits_carry_stored_fields() {
    let index = corpus_index();
    let results = index.search(&SearchQuery::new("passport")).unwrap();
    let hit = &results.hits[0];
    assert_eq!(hit.item_id, 12);
    assert_eq!(hit.url, "https://2200000002.example/t12.html");
    assert_eq!(hit.site_code, "2200000002");
    assert_eq!(hit.site_name, "site 2200000002");
    assert_eq!(hit.lang, "en");
    assert_eq!(hit.column_name, "工作动态");
    assert_eq!(hit.published_at, corpus::china_noon(2023, 7, 2));
    assert!(
        hit.snippet_html.contains("<mark>passports</mark>"),
        "{}",
        hit.snippet_html
    );
}
