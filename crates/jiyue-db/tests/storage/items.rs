//! Saving and reading items: revisions, publication, index numbers and listings.

use chrono::{Duration, TimeZone, Utc};
use jiyue_core::IndexNumber;
use jiyue_db::{RouteTarget, Scope};

use crate::fixtures::*;

#[tokio::test]
async fn item_round_trip() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let saved = db
            .save_item(&Scope::Platform, &news("news-1", "试点工作方案"))
            .await
            .unwrap();
        assert!(saved.created, "{}", db.label());
        assert!(saved.changed, "{}", db.label());

        let item = db.published_item(saved.item_id).await.unwrap().unwrap();
        assert_eq!(item.meta.title, "试点工作方案");
        assert_eq!(item.body_html, "<p>试点工作方案</p>");
        assert_eq!(item.revision_id, saved.revision_id);
        assert_eq!(item.external_id.as_deref(), Some("news-1"));
        assert_eq!(item.org_id, world.province);
        assert_eq!(item.first_published_at, march_first());
        assert_eq!(item.updated_at, jiyue_db::testing::test_start());

        let path = format!("/yw/202403/t20240301_{}.html", item.item_no);
        assert_eq!(item.placements.len(), 1);
        assert_eq!(item.placements[0].path, path);
        assert_eq!(item.placements[0].site_id, world.portal);
        assert!(item.placements[0].is_home);

        let route = db.route(world.portal, &path).await.unwrap().unwrap();
        assert_eq!(route.target, RouteTarget::Item(saved.item_id));

        let record = db.item_by_external_id("news-1").await.unwrap().unwrap();
        assert_eq!(record.live_revision_id, Some(saved.revision_id));
        assert_eq!(record.item_no, item.item_no);
        assert!(db.item_by_external_id("news-404").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn save_twice_writes_nothing() {
    for db in dbs().await {
        build_world(&db).await;
        let input = news("news-1", "试点工作方案");
        let first = db.save_item(&Scope::Platform, &input).await.unwrap();
        let head = db.outbox_head().await.unwrap();
        let counts = [
            count(&db, "items").await,
            count(&db, "revisions").await,
            count(&db, "placements").await,
            count(&db, "routes").await,
        ];

        let second = db.save_item(&Scope::Platform, &input).await.unwrap();
        assert_eq!(second.item_id, first.item_id, "{}", db.label());
        assert_eq!(second.revision_id, first.revision_id);
        assert!(!second.created);
        assert!(!second.changed);
        let after = [
            count(&db, "items").await,
            count(&db, "revisions").await,
            count(&db, "placements").await,
            count(&db, "routes").await,
        ];
        assert_eq!(after, counts, "{}", db.label());
        assert_eq!(db.outbox_head().await.unwrap(), head);

        // A changed title makes revision 2; the route stays.
        db.clock.advance(Duration::hours(1));
        let mut changed = input.clone();
        changed.meta.title = "试点工作方案（修订）".to_string();
        let third = db.save_item(&Scope::Platform, &changed).await.unwrap();
        assert!(third.changed);
        assert!(!third.created);
        assert_ne!(third.revision_id, first.revision_id);
        assert_eq!(count(&db, "revisions").await, counts[1] + 1);
        assert_eq!(count(&db, "routes").await, counts[3]);
        let item = db.published_item(first.item_id).await.unwrap().unwrap();
        assert_eq!(item.meta.title, "试点工作方案（修订）");
        assert_eq!(
            item.updated_at,
            jiyue_db::testing::test_start() + Duration::hours(1)
        );
    }
}

#[tokio::test]
async fn index_numbers_count_per_org_and_year() {
    for db in dbs().await {
        build_world(&db).await;
        let org_code = &province_code()[8..17];
        let first = db
            .save_item(&Scope::Platform, &news("a", "第一条"))
            .await
            .unwrap();
        let second = db
            .save_item(&Scope::Platform, &news("b", "第二条"))
            .await
            .unwrap();
        let number = |serial: u32, year: i32| Some(IndexNumber::new(org_code, year, serial));

        let a = db.published_item(first.item_id).await.unwrap().unwrap();
        let b = db.published_item(second.item_id).await.unwrap().unwrap();
        assert_eq!(a.meta.index_number, number(1, 2024), "{}", db.label());
        assert_eq!(b.meta.index_number, number(2, 2024), "{}", db.label());

        // An imported number is kept and uses no serial.
        let mut imported = news("c", "第三条");
        imported.meta.index_number = Some(IndexNumber::parse("11220000X/2018-00042").unwrap());
        let c = db.save_item(&Scope::Platform, &imported).await.unwrap();
        let c = db.published_item(c.item_id).await.unwrap().unwrap();
        assert_eq!(
            c.meta.index_number.as_ref().map(IndexNumber::as_str),
            Some("11220000X/2018-00042")
        );

        // 2023-12-31 17:00 UTC is already 2024 in China Standard Time.
        let mut new_year = news("d", "第四条");
        new_year.meta.published_at = Some(Utc.with_ymd_and_hms(2023, 12, 31, 17, 0, 0).unwrap());
        let d = db.save_item(&Scope::Platform, &new_year).await.unwrap();
        let d = db.published_item(d.item_id).await.unwrap().unwrap();
        assert_eq!(d.meta.index_number, number(3, 2024));
        assert!(
            d.placements[0].path.contains("/202401/t20240101_"),
            "{}",
            d.placements[0].path
        );

        let mut old = news("e", "第五条");
        old.meta.published_at = Some(Utc.with_ymd_and_hms(2023, 6, 1, 0, 0, 0).unwrap());
        let e = db.save_item(&Scope::Platform, &old).await.unwrap();
        let e = db.published_item(e.item_id).await.unwrap().unwrap();
        assert_eq!(e.meta.index_number, number(1, 2023));

        // Saving again keeps the assigned number and makes no new revision.
        let again = db
            .save_item(&Scope::Platform, &news("a", "第一条"))
            .await
            .unwrap();
        assert!(!again.changed, "{}", db.label());
    }
}

#[tokio::test]
async fn draft_is_not_published() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut draft = news("draft", "草稿");
        draft.publish = false;
        let saved = db.save_item(&Scope::Platform, &draft).await.unwrap();
        assert!(
            db.published_item(saved.item_id).await.unwrap().is_none(),
            "{}",
            db.label()
        );
        let record = db.item_by_external_id("draft").await.unwrap().unwrap();
        assert_eq!(record.live_revision_id, None);
        assert_eq!(record.latest_revision_id, Some(saved.revision_id));
        assert_eq!(record.index_number, None);
        assert_eq!(count(&db, "routes").await, 6, "only the column routes");
        assert!(db.recent_items(world.portal, 10).await.unwrap().is_empty());

        draft.publish = true;
        let published = db.save_item(&Scope::Platform, &draft).await.unwrap();
        assert!(published.changed);
        assert!(db.published_item(saved.item_id).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn listings_newest_first() {
    for db in dbs().await {
        let world = build_world(&db).await;
        for day in 0..5 {
            let mut input = news(&format!("n{day}"), &format!("第{day}天"));
            input.meta.published_at = Some(march_first() + Duration::days(day));
            db.save_item(&Scope::Platform, &input).await.unwrap();
        }
        let mut notice = news("notice", "通知");
        notice.home = column_ref(PORTAL, "zwgk/tzgg");
        notice.meta.published_at = Some(march_first() + Duration::days(10));
        db.save_item(&Scope::Platform, &notice).await.unwrap();

        let yw = db
            .column_by_path(world.portal, "yw")
            .await
            .unwrap()
            .unwrap();
        let (page, total) = db.column_items(world.portal, yw.id, 1, 2).await.unwrap();
        assert_eq!(total, 5, "{}", db.label());
        let titles: Vec<&str> = page.iter().map(|entry| entry.title.as_str()).collect();
        assert_eq!(titles, vec!["第3天", "第2天"]);
        assert!(
            page[0].path.starts_with("/yw/202403/t20240304_"),
            "{}",
            page[0].path
        );
        assert_eq!(page[0].summary.as_deref(), Some("summary of 第3天"));
        assert_eq!(page[0].published_at, march_first() + Duration::days(3));

        let recent = db.recent_items(world.portal, 3).await.unwrap();
        let titles: Vec<&str> = recent.iter().map(|entry| entry.title.as_str()).collect();
        assert_eq!(titles, vec!["通知", "第4天", "第3天"]);
        assert!(recent[0].path.starts_with("/zwgk/tzgg/"));

        let all = db.all_published_items(0, 100).await.unwrap();
        assert_eq!(all.len(), 6);
        let next = db.all_published_items(all[2].id, 100).await.unwrap();
        assert_eq!(next.len(), 3);
        assert!(next.iter().all(|item| item.id > all[2].id));
    }
}

#[tokio::test]
async fn site_routes_for_sitemaps() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let saved = db
            .save_item(&Scope::Platform, &news("n1", "新闻"))
            .await
            .unwrap();
        let routes = db.site_routes(world.portal, 0, 100).await.unwrap();
        let targets: Vec<&RouteTarget> = routes.iter().map(|route| &route.target).collect();
        assert_eq!(routes.len(), 4, "{}: {targets:?}", db.label());
        assert!(targets.contains(&&RouteTarget::Item(saved.item_id)));
        let item_route = routes
            .iter()
            .find(|route| route.target == RouteTarget::Item(saved.item_id))
            .unwrap();
        assert_eq!(item_route.lastmod, jiyue_db::testing::test_start());

        let after = db
            .site_routes(world.portal, routes[1].id, 100)
            .await
            .unwrap();
        assert_eq!(after.len(), 2);
        let limited = db.site_routes(world.portal, 0, 1).await.unwrap();
        assert_eq!(limited.len(), 1);
    }
}

#[tokio::test]
async fn invalid_meta_lists_every_field() {
    for db in dbs().await {
        build_world(&db).await;
        let mut input = news("bad", "");
        input.meta.lang = String::new();
        let error = db.save_item(&Scope::Platform, &input).await.unwrap_err();
        let message = error.to_string();
        assert!(error.is_invalid(), "{message}");
        assert!(message.contains("title"), "{message}");
        assert!(message.contains("lang"), "{message}");
        assert_eq!(count(&db, "items").await, 0);

        let mut unknown = news("bad", "标题");
        unknown.home = column_ref(PORTAL, "nope");
        let error = db.save_item(&Scope::Platform, &unknown).await.unwrap_err();
        assert!(error.is_not_found(), "{error}");
        assert!(error.to_string().contains("\"nope\""), "{error}");
    }
}
