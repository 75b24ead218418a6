//! The outbox records one event per change, in order, with cache tags.

use jiyue_db::Scope;

use crate::fixtures::*;

#[tokio::test]
async fn events_in_order_with_tags() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let start = db.outbox_head().await.unwrap();
        assert!(start > 0, "building the world records events");

        let mut input = news("n1", "新闻");
        input.extra_placements = vec![column_ref(CITY_SITE, "yw")];
        let first = db.save_item(&Scope::Platform, &input).await.unwrap();
        let second = db
            .save_item(&Scope::Platform, &news("n2", "新闻二"))
            .await
            .unwrap();

        let events = db.outbox_after(start, 10).await.unwrap();
        assert_eq!(events.len(), 2, "{}", db.label());
        assert!(events[0].position < events[1].position);
        assert_eq!(events[1].position, db.outbox_head().await.unwrap());
        assert_eq!(events[0].kind, "item.published");
        assert_eq!(events[0].item_id, Some(first.item_id));
        assert_eq!(events[1].item_id, Some(second.item_id));
        assert_eq!(events[0].at, jiyue_db::testing::test_start());

        let portal_yw = db
            .column_by_path(world.portal, "yw")
            .await
            .unwrap()
            .unwrap();
        let city_yw = db
            .column_by_path(world.city_site, "yw")
            .await
            .unwrap()
            .unwrap();
        let mut expected = vec![
            format!("column:{}", portal_yw.id),
            format!("column:{}", city_yw.id),
            format!("item:{}", first.item_id),
            format!("site:{}", world.portal),
            format!("site:{}", world.city_site),
        ];
        expected.sort();
        assert_eq!(events[0].tags, expected);

        let all = db.outbox_after(0, 1000).await.unwrap();
        assert!(all
            .windows(2)
            .all(|pair| pair[0].position < pair[1].position));
        assert_eq!(db.outbox_after(start, 1).await.unwrap().len(), 1);
        assert!(db.outbox_after(start + 2, 10).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn consumer_positions_persist() {
    for db in dbs().await {
        assert_eq!(
            db.consumer_position("search").await.unwrap(),
            0,
            "{}",
            db.label()
        );
        db.set_consumer_position("search", 41).await.unwrap();
        db.set_consumer_position("search", 42).await.unwrap();
        db.set_consumer_position("cache", 7).await.unwrap();
        assert_eq!(db.consumer_position("search").await.unwrap(), 42);
        assert_eq!(db.consumer_position("cache").await.unwrap(), 7);
    }
}
