//! Analytics counters: batches added to stored days, reads over day ranges with column names
//! and item titles, the ranking of sites, top and no-result queries, withheld searches,
//! scope checks, invalid input and pruning.

use chrono::NaiveDate;
use jiyue_db::analytics::normalize_query;
use jiyue_db::{AnalyticsBatch, QueryCount, Scope, ViewCount, ViewKind, WithheldCount};

use crate::fixtures::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

fn view(
    site_id: i64,
    d: u32,
    kind: ViewKind,
    column: Option<i64>,
    item: Option<i64>,
    views: u64,
) -> ViewCount {
    ViewCount {
        site_id,
        day: day(d),
        kind,
        column_id: column,
        item_id: item,
        views,
    }
}

fn query(site_id: i64, d: u32, text: &str, searches: u64, zero_results: u64) -> QueryCount {
    QueryCount {
        site_id,
        day: day(d),
        query: text.to_string(),
        searches,
        zero_results,
    }
}

#[tokio::test]
async fn views_added_and_read_by_range() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let saved = db
            .save_item(&Scope::Platform, &news("news-1", "试点工作方案"))
            .await
            .unwrap();
        let item = db.published_item(saved.item_id).await.unwrap().unwrap();
        let yw = db
            .column_by_path(world.portal, "yw")
            .await
            .unwrap()
            .unwrap();
        let zwgk = db
            .column_by_path(world.portal, "zwgk")
            .await
            .unwrap()
            .unwrap();

        let batch = AnalyticsBatch {
            views: vec![
                view(world.portal, 1, ViewKind::Home, None, None, 5),
                view(
                    world.portal,
                    1,
                    ViewKind::Item,
                    Some(yw.id),
                    Some(item.id),
                    3,
                ),
                view(world.portal, 2, ViewKind::Column, Some(zwgk.id), None, 2),
                view(world.city_site, 2, ViewKind::Home, None, None, 1),
            ],
            ..AnalyticsBatch::default()
        };
        db.record_analytics(&batch).await.unwrap();
        // A second flush adds to the same rows instead of inserting new ones.
        db.record_analytics(&batch).await.unwrap();
        assert_eq!(
            count(&db, "analytics_page_views").await,
            4,
            "{}",
            db.label()
        );

        let days = db
            .daily_views(&Scope::Platform, world.portal, day(1), day(31))
            .await
            .unwrap();
        assert_eq!(days.len(), 2, "{}", db.label());
        assert_eq!((days[0].day, days[0].views), (day(1), 16));
        assert_eq!((days[1].day, days[1].views), (day(2), 4));
        let first_only = db
            .daily_views(&Scope::Platform, world.portal, day(1), day(1))
            .await
            .unwrap();
        assert_eq!(first_only.len(), 1, "the last day of a range is included");

        let columns = db
            .top_columns(&Scope::Platform, world.portal, day(1), day(2), 10)
            .await
            .unwrap();
        assert_eq!(columns.len(), 2);
        assert_eq!(columns[0].column_id, yw.id);
        assert_eq!(columns[0].views, 6);
        assert_eq!(columns[0].name.as_deref(), Some(yw.name.as_str()));
        assert_eq!(columns[0].path.as_deref(), Some("yw"));
        assert_eq!(columns[1].views, 4);

        let items = db
            .top_items(&Scope::Platform, world.portal, day(1), day(2), 10)
            .await
            .unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].title.as_deref(), Some("试点工作方案"));
        let path = format!("/yw/202403/t20240301_{}.html", item.item_no);
        assert_eq!(items[0].path.as_deref(), Some(path.as_str()));
        assert_eq!(items[0].views, 6);

        let ranking = db
            .site_views(&Scope::Platform, day(1), day(2))
            .await
            .unwrap();
        assert_eq!(ranking[0].site_id, world.portal);
        assert_eq!(ranking[0].views, 20);
        assert_eq!(ranking[1].site_id, world.city_site);
        assert_eq!(ranking[1].views, 2);
        let sites = db.sites().await.unwrap();
        assert_eq!(
            ranking.len(),
            sites.len(),
            "sites without views rank with 0"
        );
        assert!(ranking[2..].iter().all(|row| row.views == 0));
    }
}

#[tokio::test]
async fn queries_counted_and_ranked() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let batch = AnalyticsBatch {
            queries: vec![
                query(world.portal, 1, "社保", 4, 0),
                query(world.portal, 2, "社保", 2, 0),
                query(world.portal, 1, "公积金", 3, 3),
                query(world.portal, 2, "xyz", 1, 1),
                query(world.city_site, 1, "城市", 9, 9),
            ],
            withheld: vec![
                WithheldCount {
                    site_id: world.portal,
                    day: day(1),
                    searches: 2,
                },
                WithheldCount {
                    site_id: world.portal,
                    day: day(9),
                    searches: 5,
                },
            ],
            ..AnalyticsBatch::default()
        };
        db.record_analytics(&batch).await.unwrap();
        db.record_analytics(&batch).await.unwrap();

        let top = db
            .top_queries(&Scope::Platform, world.portal, (day(1), day(2)), false, 10)
            .await
            .unwrap();
        let listed: Vec<(&str, u64, u64)> = top
            .iter()
            .map(|row| (row.query.as_str(), row.searches, row.zero_results))
            .collect();
        assert_eq!(
            listed,
            vec![("社保", 12, 0), ("公积金", 6, 6), ("xyz", 2, 2)],
            "{}",
            db.label()
        );
        let zero = db
            .top_queries(&Scope::Platform, world.portal, (day(1), day(2)), true, 1)
            .await
            .unwrap();
        assert_eq!(zero.len(), 1, "the limit applies");
        assert_eq!(zero[0].query, "公积金");

        let withheld = db
            .withheld_searches(&Scope::Platform, world.portal, day(1), day(2))
            .await
            .unwrap();
        assert_eq!(withheld, 4);
        let none = db
            .withheld_searches(&Scope::Platform, world.city_site, day(1), day(2))
            .await
            .unwrap();
        assert_eq!(none, 0);
    }
}

#[tokio::test]
async fn scope_limits_reads() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let batch = AnalyticsBatch {
            views: vec![
                view(world.portal, 1, ViewKind::Home, None, None, 5),
                view(world.city_site, 1, ViewKind::Home, None, None, 7),
            ],
            ..AnalyticsBatch::default()
        };
        db.record_analytics(&batch).await.unwrap();

        let own = Scope::Site(world.city_site);
        let days = db
            .daily_views(&own, world.city_site, day(1), day(1))
            .await
            .unwrap();
        assert_eq!(days[0].views, 7);
        let error = db
            .daily_views(&own, world.portal, day(1), day(1))
            .await
            .unwrap_err();
        assert!(error.is_out_of_scope(), "{error}");
        let error = db
            .top_queries(&own, world.portal, (day(1), day(1)), false, 5)
            .await
            .unwrap_err();
        assert!(error.is_out_of_scope(), "{error}");

        let ranking = db.site_views(&own, day(1), day(1)).await.unwrap();
        assert_eq!(ranking.len(), 1, "{}", db.label());
        assert_eq!(ranking[0].site_id, world.city_site);

        let department = Scope::Org(world.department);
        let ranking = db.site_views(&department, day(1), day(1)).await.unwrap();
        assert_eq!(ranking.len(), 1);
        assert_eq!(ranking[0].site_id, world.department_site);
    }
}

#[tokio::test]
async fn invalid_input_rejected() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let raw = AnalyticsBatch {
            queries: vec![query(world.portal, 1, "  Raw Query ", 1, 0)],
            ..AnalyticsBatch::default()
        };
        let error = db.record_analytics(&raw).await.unwrap_err();
        assert!(error.to_string().contains("not normalized"), "{error}");

        let impossible = AnalyticsBatch {
            queries: vec![query(world.portal, 1, "a", 1, 2)],
            ..AnalyticsBatch::default()
        };
        let error = db.record_analytics(&impossible).await.unwrap_err();
        assert!(
            error.to_string().contains("count each search once"),
            "{error}"
        );

        let reversed = db
            .daily_views(&Scope::Platform, world.portal, day(2), day(1))
            .await
            .unwrap_err();
        assert!(reversed.to_string().contains("swap them"), "{reversed}");
        assert_eq!(count(&db, "analytics_search_queries").await, 0);
    }
}

#[tokio::test]
async fn old_days_pruned() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let batch = AnalyticsBatch {
            views: vec![
                view(world.portal, 1, ViewKind::Home, None, None, 1),
                view(world.portal, 5, ViewKind::Home, None, None, 1),
            ],
            queries: vec![query(world.portal, 1, "a", 1, 0)],
            withheld: vec![WithheldCount {
                site_id: world.portal,
                day: day(5),
                searches: 1,
            }],
        };
        db.record_analytics(&batch).await.unwrap();
        let removed = db.prune_analytics(day(5)).await.unwrap();
        assert_eq!(removed, 2, "{}", db.label());
        assert_eq!(count(&db, "analytics_page_views").await, 1);
        assert_eq!(count(&db, "analytics_search_queries").await, 0);
        assert_eq!(count(&db, "analytics_search_withheld").await, 1);
    }
}

#[test]
fn normalized_query_accepted() {
    assert_eq!(normalize_query(" A  b ").as_deref(), Some("a b"));
}
