//! The search page over HTTP: all sites, the current site boosted, the 本站 / 全部网站 switch,
//! facets, pagination and awkward queries.

use crate::support::{hrefs, start_demo};

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_news_across_sites() {
    let server = start_demo("sqlite").await;

    // From the department site, the portal's news is found (results span all sites).
    let (status, page) = server
        .get(
            "zsj.jl.localhost",
            &format!("/search?q={}", encode("政府网站集约化")),
        )
        .await;
    assert_eq!(status, 200);
    let first = hrefs(&page)
        .into_iter()
        .find(|h| h.contains("/201811/t2018"))
        .expect("a result links an item");
    assert!(
        first.contains("t20181110_"),
        "the pilot news ranks first: {first}"
    );
    assert!(page.contains("<mark>"), "matches are highlighted");

    // English, on the English site.
    let (_, page) = server
        .get(
            "english.jl.localhost",
            &format!("/search?q={}", encode("pilot integration websites")),
        )
        .await;
    assert!(
        hrefs(&page)
            .iter()
            .any(|h| h.starts_with("http://english.jl.localhost") && h.contains("/201811/")),
        "English query finds the English item"
    );

    // Traditional characters fold to simplified.
    let (_, page) = server
        .get(
            "www.jl.localhost",
            &format!("/search?q={}", encode("污染源普查領導小組")),
        )
        .await;
    assert!(
        hrefs(&page).iter().any(|h| h.contains("t20181113_")),
        "traditional query"
    );

    // Mixed Chinese and English.
    let (status, _) = server
        .get(
            "www.jl.localhost",
            &format!("/search?q={}", encode("政府网站 pilot")),
        )
        .await;
    assert_eq!(status, 200);

    // 本站 limits to the current site: 长春市 has no census placement.
    let (_, page) = server
        .get(
            "www.changchun.localhost",
            &format!("/search?q={}&scope=site", encode("污染源普查")),
        )
        .await;
    assert!(
        !hrefs(&page).iter().any(|h| h.contains("t20181113_")),
        "scope=site filters"
    );

    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awkward_queries_get_pages_not_errors() {
    let server = start_demo("sqlite").await;
    let long = "政".repeat(1000);
    for query in [
        String::new(),
        "   ".to_string(),
        long,
        "\"(AND OR:*".to_string(),
        "<script>alert(1)</script>".to_string(),
    ] {
        let (status, page) = server
            .get("www.jl.localhost", &format!("/search?q={}", encode(&query)))
            .await;
        assert_eq!(
            status,
            200,
            "query {:?}",
            query.chars().take(20).collect::<String>()
        );
        assert!(!page.contains("<script>alert"), "the query is escaped");
    }
    let (status, _) = server
        .get("www.jl.localhost", "/search?q=%FF%FE&page=abc&year=x")
        .await;
    assert_eq!(status, 200, "malformed parameters are ignored");
    server.running.unwrap().stop().await;
}
