//! Placements on other sites, translations, legacy URLs and batches.

use jiyue_db::{RouteTarget, Scope};

use crate::fixtures::*;

#[tokio::test]
async fn extra_placements_and_acceptance() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut input = news("shared", "共享新闻");
        input.extra_placements = vec![
            column_ref(CITY_SITE, "yw"),
            column_ref(DEPARTMENT_SITE, "gzdt"),
        ];

        // Written in the province's scope, the department column (no shared items) must accept.
        let saved = db
            .save_item(&Scope::Org(world.province), &input)
            .await
            .unwrap();
        let item = db.published_item(saved.item_id).await.unwrap().unwrap();
        let sites: Vec<i64> = item
            .placements
            .iter()
            .map(|placement| placement.site_id)
            .collect();
        assert_eq!(sites, vec![world.portal, world.city_site], "{}", db.label());
        let city_path = &item.placements[1].path;
        assert!(
            city_path.starts_with("/yw/202403/t20240301_"),
            "{city_path}"
        );
        let city_route = db.route(world.city_site, city_path).await.unwrap().unwrap();
        assert_eq!(city_route.target, RouteTarget::Item(saved.item_id));

        let gzdt = db
            .column_by_path(world.department_site, "gzdt")
            .await
            .unwrap()
            .unwrap();
        let (entries, total) = db
            .column_items(world.department_site, gzdt.id, 0, 10)
            .await
            .unwrap();
        assert!(entries.is_empty());
        assert_eq!(total, 0);
        // The route exists already, so the URL is stable once the site accepts the placement.
        let pending_route = format!("/gzdt/202403/t20240301_{}.html", item.item_no);
        assert!(db
            .route(world.department_site, &pending_route)
            .await
            .unwrap()
            .is_some());

        // An import (platform scope) accepts the pending placement; nothing is duplicated.
        let routes = count(&db, "routes").await;
        let again = db.save_item(&Scope::Platform, &input).await.unwrap();
        assert!(again.changed, "{}", db.label());
        assert_eq!(count(&db, "routes").await, routes);
        assert_eq!(count(&db, "placements").await, 3);
        let (entries, total) = db
            .column_items(world.department_site, gzdt.id, 0, 10)
            .await
            .unwrap();
        assert_eq!(total, 1);
        assert_eq!(entries[0].path, pending_route);
    }
}

#[tokio::test]
async fn translation_links_both_ways() {
    for db in dbs().await {
        build_world(&db).await;
        let original = db
            .save_item(&Scope::Platform, &news("zh-1", "中文"))
            .await
            .unwrap();
        let mut english = news("en-1", "English");
        english.meta.lang = "en".to_string();
        english.home = column_ref(ENGLISH, "news");
        english.translation_of = Some("zh-1".to_string());
        let translation = db.save_item(&Scope::Platform, &english).await.unwrap();

        let zh = db.published_item(original.item_id).await.unwrap().unwrap();
        let en = db
            .published_item(translation.item_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(zh.translations, vec![translation.item_id], "{}", db.label());
        assert_eq!(en.translations, vec![original.item_id]);
        assert_eq!(count(&db, "translations").await, 1);

        db.save_item(&Scope::Platform, &english).await.unwrap();
        assert_eq!(count(&db, "translations").await, 1);

        let mut orphan = english.clone();
        orphan.external_id = "en-2".to_string();
        orphan.translation_of = Some("zh-404".to_string());
        let error = db.save_item(&Scope::Platform, &orphan).await.unwrap_err();
        assert!(error.is_invalid(), "{error}");
        assert!(error.to_string().contains("\"zh-404\""), "{error}");
        assert!(db.item_by_external_id("en-2").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn legacy_urls_become_redirects() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut input = news("old", "旧文章");
        input.legacy_urls = vec![
            "http://jl.gov.cn/art/2018/11/9/art_1_1.html".to_string(),
            "https://www.changchun.gov.cn/news.jsp?id=7".to_string(),
        ];
        let saved = db.save_item(&Scope::Platform, &input).await.unwrap();
        let item = db.published_item(saved.item_id).await.unwrap().unwrap();
        let home_path = item.placements[0].path.clone();

        let portal = db
            .route(world.portal, "/art/2018/11/9/art_1_1.html")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            portal.target,
            RouteTarget::Redirect(home_path.clone()),
            "{}",
            db.label()
        );
        let city = db
            .route(world.city_site, "/news.jsp?id=7")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            city.target,
            RouteTarget::Redirect(format!("https://www.jl.gov.cn{home_path}"))
        );

        let routes = count(&db, "routes").await;
        db.save_item(&Scope::Platform, &input).await.unwrap();
        assert_eq!(count(&db, "routes").await, routes);

        let mut unknown = news("old-2", "另一篇");
        unknown.legacy_urls = vec!["http://www.example.org/a.html".to_string()];
        let error = db.save_item(&Scope::Platform, &unknown).await.unwrap_err();
        assert!(error.is_invalid(), "{error}");
        assert!(error.to_string().contains("www.example.org"), "{error}");

        // A legacy URL cannot take a path that already leads elsewhere.
        let mut clash = news("old-3", "冲突");
        clash.legacy_urls = vec!["http://www.jl.gov.cn/yw/index.html".to_string()];
        let error = db.save_item(&Scope::Platform, &clash).await.unwrap_err();
        assert!(error.is_conflict(), "{error}");
    }
}

#[tokio::test]
async fn batch_is_all_or_nothing() {
    for db in dbs().await {
        build_world(&db).await;
        let original = news("zh-1", "中文");
        let mut english = news("en-1", "English");
        english.meta.lang = "en".to_string();
        english.home = column_ref(ENGLISH, "news");
        english.translation_of = Some("zh-1".to_string());

        let saved = db
            .save_items(&Scope::Platform, &[original.clone(), english.clone()])
            .await
            .unwrap();
        assert_eq!(saved.len(), 2, "{}", db.label());
        assert!(saved.iter().all(|one| one.created));
        let zh = db.published_item(saved[0].item_id).await.unwrap().unwrap();
        assert_eq!(zh.translations, vec![saved[1].item_id]);

        let mut broken = news("zh-2", "第二篇");
        broken.home = column_ref(PORTAL, "missing");
        let head = db.outbox_head().await.unwrap();
        let error = db
            .save_items(&Scope::Platform, &[news("zh-3", "第三篇"), broken])
            .await
            .unwrap_err();
        assert!(error.to_string().starts_with("item \"zh-2\":"), "{error}");
        assert!(error.is_not_found(), "{error}");
        assert!(db.item_by_external_id("zh-3").await.unwrap().is_none());
        assert_eq!(db.outbox_head().await.unwrap(), head);
    }
}
