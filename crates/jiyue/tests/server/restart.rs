//! Restarts: changes committed while the index missed them (a crash between the
//! database commit and the index commit) reach the search index when the server starts.

use crate::support::{hrefs, start_demo, start_demo_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_catches_up_at_restart() {
    let server = start_demo("sqlite").await;
    let (_, before) = server
        .get(
            "www.jl.localhost",
            "/search?q=%E9%9B%AA%E5%AE%B9%E8%AF%95%E9%AA%8C",
        )
        .await;
    assert!(
        !hrefs(&before)
            .iter()
            .any(|h| h.contains("/tzgg/202611/t20261130_")),
        "the probe item does not exist yet"
    );
    let dir = server.stop_keeping_data().await;

    // Store an item with the server down: the outbox contains its event, the index does not.
    let item = "+++\n\
        id = \"restart-probe\"\n\
        org = \"11220000000000019E\"\n\
        site = \"2200000001\"\n\
        column = \"tzgg\"\n\
        title = \"雪容试验通知\"\n\
        lang = \"zh-CN\"\n\
        published_at = \"2026-11-30 09:00\"\n\
        +++\n\n\
        本通知用于检验重启后搜索索引的恢复。\n";
    let file = dir.path().join("restart-probe.md");
    std::fs::write(&file, item).unwrap();
    let url = format!("sqlite://{}", dir.path().join("jiyue.db").display());
    let start = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 2, 0, 0).unwrap();
    let clock = std::sync::Arc::new(jiyue_core::FixedClock::new(start));
    let db = jiyue_db::Db::open(&url, clock).await.unwrap();
    let report = jiyue::import::import_paths(&db, &[file], false)
        .await
        .unwrap();
    assert!(report.is_success(), "{report}");
    db.close().await;

    let server = start_demo_in("sqlite", dir).await;
    let (status, after) = server
        .get(
            "www.jl.localhost",
            "/search?q=%E9%9B%AA%E5%AE%B9%E8%AF%95%E9%AA%8C",
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        hrefs(&after)
            .iter()
            .any(|h| h.contains("/tzgg/202611/t20261130_")),
        "the item stored while the server was down is found after the restart"
    );
    server.running.unwrap().stop().await;
}
