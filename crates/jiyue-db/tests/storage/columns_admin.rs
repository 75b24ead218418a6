//! Column administration: counting the items of a column, refusing to delete a column that
//! still holds items or children, and deleting an empty one with its page left as 410.

use jiyue_core::ColumnType;
use jiyue_db::{DbError, RouteTarget, Scope};

use crate::fixtures::*;

#[tokio::test]
async fn a_column_with_items_is_not_deleted() {
    for db in dbs().await {
        let world = build_world(&db).await;
        db.save_item(&Scope::Platform, &news("a-1", "要闻一"))
            .await
            .unwrap();
        db.save_item(&Scope::Platform, &news("a-2", "要闻二"))
            .await
            .unwrap();
        let column = db
            .column_by_path(world.portal, "yw")
            .await
            .unwrap()
            .unwrap();

        assert_eq!(
            db.column_item_count(column.id).await.unwrap(),
            2,
            "{}",
            db.label()
        );
        let refused = db.delete_column(&Scope::Platform, column.id).await;
        assert!(matches!(refused, Err(DbError::Conflict(_))), "{refused:?}");
        assert!(db.column(column.id).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn a_column_with_children_is_not_deleted() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let parent = db
            .column_by_path(world.portal, "zwgk")
            .await
            .unwrap()
            .unwrap();

        assert_eq!(db.column_child_count(parent.id).await.unwrap(), 1);
        let refused = db.delete_column(&Scope::Platform, parent.id).await;
        assert!(matches!(refused, Err(DbError::Conflict(_))), "{refused:?}");
    }
}

#[tokio::test]
async fn an_empty_column_is_deleted_and_its_page_is_gone() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let new = new_column(PORTAL, "kong", ColumnType::Other, false);
        let id = db.upsert_column(&Scope::Platform, &new).await.unwrap();

        db.delete_column(&Scope::Platform, id).await.unwrap();
        assert!(db.column(id).await.unwrap().is_none(), "{}", db.label());
        let route = db
            .route(world.portal, "/kong/index.html")
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(route.target, RouteTarget::Gone(_)), "{route:?}");
    }
}

#[tokio::test]
async fn another_site_scope_cannot_delete() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let new = new_column(PORTAL, "kong", ColumnType::Other, false);
        let id = db.upsert_column(&Scope::Platform, &new).await.unwrap();

        let refused = db.delete_column(&Scope::Site(world.city_site), id).await;
        assert!(
            matches!(refused, Err(DbError::OutOfScope(_))),
            "{refused:?}"
        );
        assert!(db.column(id).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn scheduled_withdrawals_list_items_due() {
    for db in dbs().await {
        build_world(&db).await;
        let saved = db
            .save_item(&Scope::Platform, &news("w-1", "将撤下"))
            .await
            .unwrap();
        let at = jiyue_db::testing::test_start() + chrono::Duration::days(2);
        let actor = db
            .create_staff(&jiyue_db::NewStaff {
                username: "reviewer".to_string(),
                display_name: "reviewer".to_string(),
                org_id: None,
                password_hash: "$argon2id$placeholder".to_string(),
            })
            .await
            .unwrap();
        let how = jiyue_db::Withdrawal::Gone {
            notice: "已过期".to_string(),
        };
        db.withdraw_item(&Scope::Platform, actor, saved.item_id, &how, Some(at))
            .await
            .unwrap();

        let listed = db.scheduled_withdrawals(10).await.unwrap();
        assert_eq!(listed, vec![(saved.item_id, at)], "{}", db.label());
    }
}
