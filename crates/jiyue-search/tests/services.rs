//! Public service items (政务服务事项): services a query names rank first, synonym groups
//! widen queries without reindexing, and the kind filter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// This file builds its own small indexes and uses only the corpus's document helpers.
#[allow(dead_code)]
mod corpus;

use corpus::{doc, MARKET, POLICE, SOCIAL_SECURITY};
use jiyue_search::{SearchDoc, SearchIndex, SearchQuery, SERVICE_KIND};

fn service(id: u64, site: &str, title: &str, names: &[&str], body: &str) -> SearchDoc {
    let mut service = doc(id, site, "zh-CN", title, body, (2020, 1, 1));
    service.kind = SERVICE_KIND.to_string();
    service.names = names.iter().map(|name| name.to_string()).collect();
    service
}

/// Builds five news items, newer than any service, that repeat `word` in title and body.
fn news(first_id: u64, site: &str, word: &str) -> Vec<SearchDoc> {
    (0..5)
        .map(|n| {
            let title = format!("{word}，{word}，{word}");
            let body = format!("{word}。").repeat(20);
            doc(
                first_id + n,
                site,
                "zh-CN",
                &title,
                &body,
                (2024, 3, 1 + n as i64),
            )
        })
        .collect()
}

fn index_of(docs: &[SearchDoc]) -> SearchIndex {
    let index = SearchIndex::open_in_ram().unwrap();
    for doc in docs {
        index.upsert(doc).unwrap();
    }
    index.commit(1).unwrap();
    index
}

fn ids(index: &SearchIndex, query: &SearchQuery) -> Vec<u64> {
    index
        .search(query)
        .unwrap()
        .hits
        .iter()
        .map(|hit| hit.item_id)
        .collect()
}

fn text_ids(index: &SearchIndex, text: &str) -> Vec<u64> {
    ids(index, &SearchQuery::new(text))
}

/// Long enough that the service ranks below the news items on relevance alone.
const SERVICE_BODY: &str = "申请人携带户口簿和近期照片，到户籍所在地派出所提交申请，现场采集指纹，\
    缴纳工本费后领取受理回执，按回执约定的时间领取新证件。";

fn identity_index() -> SearchIndex {
    let mut docs = news(1, POLICE, "身份证");
    docs.push(service(
        100,
        POLICE,
        "居民身份证换领",
        &["身份证", "换身份证"],
        SERVICE_BODY,
    ));
    index_of(&docs)
}

/// Returns a document equal to `service` in every field but its kind and names.
fn as_item(service: &SearchDoc) -> SearchDoc {
    SearchDoc {
        kind: "item".to_string(),
        names: Vec::new(),
        ..service.clone()
    }
}

fn social_security_index() -> SearchIndex {
    let mut docs = news(1, SOCIAL_SECURITY, "社保卡");
    docs.push(service(
        200,
        SOCIAL_SECURITY,
        "社会保障卡申领",
        &[],
        "首次申领社会保障卡。",
    ));
    index_of(&docs)
}

fn synonym_groups(groups: &[&[&str]]) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|group| group.iter().map(|member| member.to_string()).collect())
        .collect()
}

#[test]
fn service_named_by_title_outranks_better_matches() {
    let renewal = service(100, POLICE, "居民身份证换领", &[], SERVICE_BODY);
    let mut docs = news(1, POLICE, "身份证");
    docs.push(as_item(&renewal));
    let plain = index_of(&docs);
    let hits = text_ids(&plain, "身份证");
    assert_eq!(hits.len(), 6);
    assert_ne!(
        hits[0], 100,
        "as an item the document must rank below the news"
    );

    docs[5] = renewal;
    let services = index_of(&docs);
    assert_eq!(text_ids(&services, "身份证")[0], 100);
}

#[test]
fn named_service_outranks_repetitive_news() {
    let index = identity_index();
    let results = index.search(&SearchQuery::new("身份证")).unwrap();

    assert_eq!(results.total, 6);
    assert_eq!(results.hits[0].item_id, 100);
    assert_eq!(results.hits[0].kind, "service");
    assert!(results.hits[1..].iter().all(|hit| hit.kind == "item"));
}

#[test]
fn name_match_is_normalized() {
    let index = identity_index();
    for text in ["換身份證", "  换身份证 ", "居民身份证换领"] {
        assert_eq!(text_ids(&index, text).first(), Some(&100), "query {text:?}");
    }
}

#[test]
fn service_named_only_by_its_names_comes_first() {
    let mut docs = news(1, POLICE, "护照");
    let passport = service(
        300,
        POLICE,
        "出入境证件申领",
        &["护照"],
        "出国旅行所需证件。",
    );
    docs.push(as_item(&passport));
    let plain = index_of(&docs);
    assert!(!text_ids(&plain, "护照").contains(&300));
    docs[5] = passport;
    let index = index_of(&docs);

    let hits = text_ids(&index, "護照");
    assert_eq!(hits.len(), 6);
    assert_eq!(hits[0], 300);
}

#[test]
fn synonyms_find_service_only_when_set() {
    let index = social_security_index();
    assert!(!text_ids(&index, "社保卡").contains(&200));

    index.set_synonyms(synonym_groups(&[&["社保卡", "社会保障卡"]]));
    let hits = text_ids(&index, "社保卡");
    assert_eq!(hits.len(), 6);
    assert_eq!(hits[0], 200);

    index.set_synonyms(Vec::new());
    assert!(!text_ids(&index, "社保卡").contains(&200));
}

#[test]
fn synonym_matches_are_highlighted() {
    let index = social_security_index();
    index.set_synonyms(synonym_groups(&[&["社保卡", "社会保障卡"]]));

    let results = index.search(&SearchQuery::new("社保卡")).unwrap();
    let service = &results.hits[0];
    assert_eq!(service.title_html, "<mark>社会保障卡</mark>申领");
    assert!(
        service.snippet_html.contains("<mark>社会保障卡</mark>"),
        "{}",
        service.snippet_html
    );
}

#[test]
fn multi_word_member_finds_short_form() {
    let index = social_security_index();
    index.set_synonyms(synonym_groups(&[&["社保卡", "社会保障卡"]]));

    let hits = text_ids(&index, "社会保障卡");
    assert_eq!(hits[0], 200);
    assert_eq!(hits.len(), 6, "the news items only say 社保卡: {hits:?}");
}

#[test]
fn synonym_matches_multi_word_member_in_documents() {
    let mut docs = news(1, POLICE, "户口本");
    docs.push(doc(
        400,
        POLICE,
        "zh-CN",
        "居民身份证换领指南",
        "携带原证件办理。",
        (2023, 1, 1),
    ));
    let index = index_of(&docs);
    assert!(text_ids(&index, "二代证").is_empty());

    index.set_synonyms(synonym_groups(&[&["二代证", "居民身份证"]]));
    assert_eq!(text_ids(&index, "二代证"), [400]);
}

#[test]
fn set_synonyms_while_searching() {
    let index = social_security_index();
    let groups = synonym_groups(&[&["社保卡", "社会保障卡"]]);

    std::thread::scope(|scope| {
        let searcher = scope.spawn(|| {
            for _ in 0..200 {
                let hits = text_ids(&index, "社保卡");
                // Each search uses either no groups (five news items) or the whole group
                // (service first), never a mix.
                match hits.len() {
                    5 => assert!(!hits.contains(&200)),
                    6 => assert_eq!(hits[0], 200),
                    other => panic!("unexpected {other} hits: {hits:?}"),
                }
            }
        });
        for round in 0..200 {
            if round % 2 == 0 {
                index.set_synonyms(groups.clone());
            } else {
                index.set_synonyms(Vec::new());
            }
        }
        searcher.join().unwrap();
    });

    index.set_synonyms(groups);
    assert_eq!(text_ids(&index, "社保卡")[0], 200);
}

#[test]
fn kind_filter_restricts_results() {
    let index = identity_index();
    let mut query = SearchQuery::new("身份证");

    query.kind = Some(SERVICE_KIND.to_string());
    assert_eq!(ids(&index, &query), [100]);

    query.kind = Some("item".to_string());
    let items = ids(&index, &query);
    assert_eq!(items.len(), 5);
    assert!(!items.contains(&100));

    query.kind = Some("notice".to_string());
    assert!(ids(&index, &query).is_empty());
}

#[test]
fn english_query_names_english_service() {
    let mut docs: Vec<SearchDoc> = (1..=3)
        .map(|id| {
            doc(
                id,
                POLICE,
                "en",
                "Passport news: passport fees, passport photos",
                &"The passport office reports on passports. ".repeat(10),
                (2024, 5, id as i64),
            )
        })
        .collect();
    let mut english = service(500, POLICE, "Passport application", &["passport"], "Apply.");
    english.lang = "en".to_string();
    docs.push(english);
    let index = index_of(&docs);

    let hits = text_ids(&index, "Passports");
    assert_eq!(hits.len(), 4);
    assert_eq!(hits[0], 500);
}

#[test]
fn unnamed_service_keeps_relevance_order() {
    let mut items = news(1, MARKET, "营业执照");
    items.push(doc(
        600,
        MARKET,
        "zh-CN",
        "企业开办一窗通办",
        "开办企业可同时领取营业执照。",
        (2020, 1, 1),
    ));
    let plain = index_of(&items);

    let mut with_service = items.clone();
    with_service[5] = service(
        600,
        MARKET,
        "企业开办一窗通办",
        &["企业开办"],
        "开办企业可同时领取营业执照。",
    );
    let services = index_of(&with_service);

    let expected = text_ids(&plain, "营业执照");
    assert_eq!(expected.len(), 6);
    assert_eq!(expected.last(), Some(&600));
    assert_eq!(text_ids(&services, "营业执照"), expected);
}
