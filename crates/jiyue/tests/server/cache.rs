//! The page cache: a hit needs no database, and a change invalidates exactly the pages that
//! show it, through the outbox.

use std::time::Duration;

use crate::support::{hrefs, meta, start_demo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_hit_needs_no_database() {
    let server = start_demo("sqlite").await;
    let (status, first) = server.get("www.jl.localhost", "/yw/index.html").await;
    assert_eq!(status, 200);

    // Close every database connection: cached pages are still served, uncached ones cannot be.
    server.app().db.close().await;
    let (status, second) = server.get("www.jl.localhost", "/yw/index.html").await;
    assert_eq!(
        status, 200,
        "a cached page is served with the database closed"
    );
    assert_eq!(first, second);
    let (status, _) = server.get("www.jl.localhost", "/tzgg/index.html").await;
    assert_eq!(status, 500, "an uncached page needs the database");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_invalidates_exactly_its_pages() {
    let server = start_demo("sqlite").await;
    let app = server.app();

    // Warm three pages: the column listing the news, its item page, and an unrelated column.
    let (_, column) = server.get("www.jl.localhost", "/yw/index.html").await;
    let item_url = hrefs(&column)
        .into_iter()
        .find(|h| h.contains("/yw/201811/t20181110_"))
        .unwrap();
    let item_path = item_url
        .split(&format!(":{}", server.port))
        .nth(1)
        .unwrap()
        .to_string();
    let (_, item) = server.get("www.jl.localhost", &item_path).await;
    let old_title = meta(&item, "ArticleTitle").unwrap();
    let (_, _) = server
        .get("www.changchun.localhost", "/tzgg/index.html")
        .await;
    let site_ids: std::collections::HashMap<String, i64> = app
        .db
        .sites()
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.code.clone(), s.id))
        .collect();
    let changchun = site_ids["2201000001"];
    let portal = site_ids["2200000001"];
    assert!(app.cache.get(changchun, "/tzgg/index.html").is_some());
    assert!(app.cache.get(portal, &item_path).is_some());

    // Re-import the Chinese item with a new title.
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/content/2018-11-09-websites-pilot.zh.md"
    ))
    .unwrap();
    let new_title = "政府网站集约化试点工作方案印发（更新）";
    let changed = source.replacen(
        &format!("title = \"{old_title}\""),
        &format!("title = \"{new_title}\""),
        1,
    );
    assert_ne!(changed, source, "the fixture title matches the page title");
    let path = dir.path().join("pilot.md");
    std::fs::write(&path, changed).unwrap();
    let report = jiyue::import::import_paths(&app.db, &[path], false)
        .await
        .unwrap();
    assert!(report.is_success(), "{report}");

    // Within a second or so the item page shows the new title; the unrelated page stayed.
    let mut updated = false;
    for _ in 0..50 {
        let (_, page) = server.get("www.jl.localhost", &item_path).await;
        if meta(&page, "ArticleTitle").as_deref() == Some(new_title) {
            updated = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(updated, "the item page shows the new title");
    assert!(
        app.cache.get(changchun, "/tzgg/index.html").is_some(),
        "a page that does not show the item stays cached"
    );
    let (_, column) = server.get("www.jl.localhost", "/yw/index.html").await;
    assert!(
        column.contains(new_title),
        "the column listing shows the new title"
    );

    server.running.unwrap().stop().await;
}
