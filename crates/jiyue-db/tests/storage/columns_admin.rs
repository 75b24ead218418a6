//! Column administration: counting the items of a column, refusing to delete a column that
//! still contains items or children, and deleting an empty one with its page left as 410.

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

#[tokio::test]
async fn moving_a_column_redirects_its_urls() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut item = news("moved-1", "栏目移动");
        item.home = column_ref(PORTAL, "zwgk/tzgg");
        let saved = db.save_item(&Scope::Platform, &item).await.unwrap();
        let old_path = db
            .published_item(saved.item_id)
            .await
            .unwrap()
            .unwrap()
            .placements[0]
            .path
            .clone();
        let notices = db
            .column_by_path(world.portal, "zwgk/tzgg")
            .await
            .unwrap()
            .unwrap();
        let parent = db
            .column_by_path(world.portal, "zwgk")
            .await
            .unwrap()
            .unwrap();

        let inside = db
            .move_column(&Scope::Platform, parent.id, Some(notices.id))
            .await;
        assert!(inside.unwrap_err().is_invalid(), "{}", db.label());
        let other_site = db
            .column_by_path(world.city_site, "yw")
            .await
            .unwrap()
            .unwrap();
        let across = db
            .move_column(&Scope::Platform, notices.id, Some(other_site.id))
            .await;
        assert!(across.unwrap_err().is_invalid());
        let denied = db
            .move_column(&Scope::Site(world.city_site), notices.id, None)
            .await;
        assert!(denied.unwrap_err().is_out_of_scope());

        let new_path = db
            .move_column(&Scope::Platform, notices.id, None)
            .await
            .unwrap();
        assert_eq!(new_path, "tzgg");
        assert!(db
            .column_by_path(world.portal, "zwgk/tzgg")
            .await
            .unwrap()
            .is_none());
        let moved_item_path = old_path.replacen("/zwgk/tzgg/", "/tzgg/", 1);
        let old = db.route(world.portal, &old_path).await.unwrap().unwrap();
        assert_eq!(old.target, RouteTarget::Redirect(moved_item_path.clone()));
        let new = db
            .route(world.portal, &moved_item_path)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(new.target, RouteTarget::Item(saved.item_id));
        let listing = db
            .route(world.portal, "/zwgk/tzgg/index.html")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            listing.target,
            RouteTarget::Redirect("/tzgg/index.html".to_string())
        );
        let live = db.published_item(saved.item_id).await.unwrap().unwrap();
        assert_eq!(live.placements[0].path, moved_item_path);

        // Moving it back turns the redirects left at the old paths into pages again.
        let back = db
            .move_column(&Scope::Platform, notices.id, Some(parent.id))
            .await
            .unwrap();
        assert_eq!(back, "zwgk/tzgg");
        let again = db.route(world.portal, &old_path).await.unwrap().unwrap();
        assert_eq!(
            again.target,
            RouteTarget::Item(saved.item_id),
            "{}",
            db.label()
        );
    }
}

#[tokio::test]
async fn overlong_column_name_is_refused() {
    for db in dbs().await {
        build_world(&db).await;
        let mut column = new_column(PORTAL, "long", ColumnType::Other, false);
        column.name = "栏".repeat(51);
        let refused = db.upsert_column(&Scope::Platform, &column).await;
        let error = refused.unwrap_err();
        assert!(error.is_invalid(), "{}", db.label());
        assert!(error.to_string().contains("51 characters"), "{error}");
        column.name = "栏".repeat(50);
        db.upsert_column(&Scope::Platform, &column).await.unwrap();
    }
}
