//! What the freshness check reads: per column, the published items its listing shows and the
//! newest publication time, placements from the shared resource library included.

use chrono::Duration;
use jiyue_db::{ColumnActivity, Scope};

use crate::fixtures::*;

fn find<'a>(columns: &'a [ColumnActivity], path: &str) -> &'a ColumnActivity {
    columns
        .iter()
        .find(|activity| activity.column.path == path)
        .unwrap_or_else(|| panic!("no column {path}"))
}

#[tokio::test]
async fn activity_counts_listed_items() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut older = news("news-old", "旧闻");
        older.meta.published_at = Some(march_first() - Duration::days(20));
        db.save_item(&Scope::Platform, &older).await.unwrap();
        let mut shared = news("news-new", "新闻");
        shared.extra_placements = vec![
            column_ref(CITY_SITE, "yw"),
            column_ref(DEPARTMENT_SITE, "gzdt"),
        ];
        // Saved in the province's scope, not the platform's, so placements on other sites
        // follow the receiving column's rule.
        db.save_item(&Scope::Org(world.province), &shared)
            .await
            .unwrap();

        let portal = db.column_activity(world.portal).await.unwrap();
        let paths: Vec<&str> = portal.iter().map(|a| a.column.path.as_str()).collect();
        assert_eq!(paths, vec!["yw", "zwgk", "zwgk/tzgg"], "{}", db.label());
        assert_eq!(find(&portal, "yw").published, 2, "{}", db.label());
        assert_eq!(find(&portal, "yw").latest, Some(march_first()));
        assert_eq!(find(&portal, "zwgk").published, 0);
        assert_eq!(find(&portal, "zwgk").latest, None);

        // The city's column accepts shared items, so the placement counts there at once.
        let city = db.column_activity(world.city_site).await.unwrap();
        assert_eq!(find(&city, "yw").published, 1, "{}", db.label());
        assert_eq!(find(&city, "yw").latest, Some(march_first()));

        // The department's column needs acceptance: a pending placement is not listed.
        let department = db.column_activity(world.department_site).await.unwrap();
        assert_eq!(find(&department, "gzdt").published, 0, "{}", db.label());
        assert_eq!(find(&department, "gzdt").latest, None);
    }
}

#[tokio::test]
async fn activity_ignores_unpublished_items() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut draft = news("news-draft", "草稿");
        draft.publish = false;
        db.save_item(&Scope::Platform, &draft).await.unwrap();

        let portal = db.column_activity(world.portal).await.unwrap();
        assert_eq!(find(&portal, "yw").published, 0, "{}", db.label());
        assert_eq!(find(&portal, "yw").latest, None, "{}", db.label());
    }
}
