//! Organizations, sites, domains and columns round-trip on both backends.

use jiyue_core::ColumnType;
use jiyue_db::{DbError, RouteTarget, Scope, SiteSettings};

use crate::fixtures::*;

#[tokio::test]
async fn org_tree_round_trip() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let orgs = db.orgs().await.unwrap();
        let paths: Vec<(&str, &str)> = orgs
            .iter()
            .map(|org| (org.name.as_str(), org.path.as_str()))
            .collect();
        let province_path = format!("/{}/", world.province);
        assert_eq!(orgs.len(), 3, "{}", db.label());
        assert_eq!(
            paths[0],
            ("吉林省人民政府", province_path.as_str()),
            "{}",
            db.label()
        );

        let department = db.org(world.department).await.unwrap().unwrap();
        assert_eq!(department.parent_id, Some(world.province));
        assert_eq!(
            department.path,
            format!("/{}/{}/", world.province, world.department)
        );
        assert_eq!(department.credit_code, department_code());

        // Saving the same organization again keeps its id and writes no event.
        let head = db.outbox_head().await.unwrap();
        let again = db
            .upsert_org(
                &Scope::Platform,
                &new_org(
                    &department_code(),
                    "吉林省生态环境厅",
                    Some(&province_code()),
                    "220000",
                ),
            )
            .await
            .unwrap();
        assert_eq!(again, world.department);
        assert_eq!(db.outbox_head().await.unwrap(), head, "{}", db.label());
    }
}

#[tokio::test]
async fn org_move_rewrites_subtree_paths() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let child = credit_code("220100", "00000004");
        let child_id = db
            .upsert_org(
                &Scope::Platform,
                &new_org(&child, "长春市生态环境局", Some(&city_code()), "220100"),
            )
            .await
            .unwrap();

        // Move the city under the department: the city's child moves with it.
        db.upsert_org(
            &Scope::Platform,
            &new_org(
                &city_code(),
                "长春市人民政府",
                Some(&department_code()),
                "220100",
            ),
        )
        .await
        .unwrap();
        let moved = db.org(child_id).await.unwrap().unwrap();
        let expected = format!(
            "/{}/{}/{}/{child_id}/",
            world.province, world.department, world.city
        );
        assert_eq!(moved.path, expected, "{}", db.label());

        // The province cannot go under its own descendant.
        let cycle = db
            .upsert_org(
                &Scope::Platform,
                &new_org(&province_code(), "吉林省人民政府", Some(&child), "220000"),
            )
            .await
            .unwrap_err();
        assert!(cycle.is_invalid(), "{}: {cycle}", db.label());
    }
}

#[tokio::test]
async fn org_input_errors() {
    for db in dbs().await {
        let bad_code = db
            .upsert_org(
                &Scope::Platform,
                &new_org("91220000MA0Y000000", "x", None, "220000"),
            )
            .await
            .unwrap_err();
        assert!(bad_code.is_invalid(), "{bad_code}");
        assert!(
            bad_code.to_string().contains("91220000MA0Y000000"),
            "{bad_code}"
        );

        let missing_parent = db
            .upsert_org(
                &Scope::Platform,
                &new_org(&department_code(), "x", Some(&province_code()), "220000"),
            )
            .await
            .unwrap_err();
        assert!(missing_parent.is_not_found(), "{missing_parent}");
        assert!(
            missing_parent.to_string().contains(&province_code()),
            "{missing_parent}"
        );

        let bad_division = db
            .upsert_org(
                &Scope::Platform,
                &new_org(&province_code(), "x", None, "999999"),
            )
            .await
            .unwrap_err();
        assert!(bad_division.is_invalid(), "{bad_division}");
        assert!(db.orgs().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn site_round_trip() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let sites = db.sites().await.unwrap();
        assert_eq!(sites.len(), 4, "{}", db.label());

        let portal = db.site_by_code(PORTAL).await.unwrap().unwrap();
        assert_eq!(portal.id, world.portal);
        assert_eq!(portal.org_id, world.province);
        assert_eq!(portal.primary_domain, "www.jl.gov.cn");
        assert_eq!(portal.aliases, vec!["jl.gov.cn".to_string()]);
        assert_eq!(portal.language_versions, vec![world.english]);
        assert_eq!(
            portal.settings.icp_filing.as_deref(),
            Some("吉ICP备00000000号")
        );
        assert!(portal.settings.demo);

        let english = sites.iter().find(|site| site.code == ENGLISH).unwrap();
        assert_eq!(english.language_versions, vec![world.portal]);
        assert_eq!(english.lang, "en");

        // Updating replaces the domain rows and the settings.
        let mut update = new_site(
            PORTAL,
            &province_code(),
            "WWW.JL.GOV.CN.",
            &["jl.gov.cn", "old.jl.gov.cn"],
            "zh-CN",
        );
        update.settings = SiteSettings {
            sponsor: Some("吉林省人民政府办公厅".to_string()),
            ..SiteSettings::default()
        };
        assert_eq!(
            db.upsert_site(&Scope::Platform, &update).await.unwrap(),
            world.portal
        );
        let portal = db.site(world.portal).await.unwrap().unwrap();
        assert_eq!(portal.primary_domain, "www.jl.gov.cn");
        assert_eq!(
            portal.aliases,
            vec!["jl.gov.cn".to_string(), "old.jl.gov.cn".to_string()]
        );
        assert_eq!(
            portal.settings.sponsor.as_deref(),
            Some("吉林省人民政府办公厅")
        );
        assert!(!portal.settings.demo);
    }
}

#[tokio::test]
async fn domain_conflict_names_both_sites() {
    for db in dbs().await {
        build_world(&db).await;
        let reused_alias = new_site(
            "2200000009",
            &province_code(),
            "new.jl.gov.cn",
            &["Jl.Gov.Cn."],
            "zh-CN",
        );
        let error = db
            .upsert_site(&Scope::Platform, &reused_alias)
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, DbError::Conflict(_)),
            "{}: {message}",
            db.label()
        );
        assert!(
            message.contains("\"jl.gov.cn\" is already used by site 2200000001"),
            "{message}"
        );
        assert!(message.contains("2200000009"), "{message}");
        assert!(db.site_by_code("2200000009").await.unwrap().is_none());

        let twice = new_site(
            "2200000009",
            &province_code(),
            "new.jl.gov.cn",
            &["new.jl.gov.cn"],
            "zh-CN",
        );
        let error = db.upsert_site(&Scope::Platform, &twice).await.unwrap_err();
        assert!(error.is_invalid(), "{error}");
    }
}

#[tokio::test]
async fn column_round_trip_and_routes() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let columns = db.columns(world.portal).await.unwrap();
        let paths: Vec<&str> = columns.iter().map(|column| column.path.as_str()).collect();
        assert_eq!(paths, vec!["yw", "zwgk", "zwgk/tzgg"], "{}", db.label());

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
        assert_eq!(notices.parent_id, Some(parent.id));
        assert_eq!(notices.column_type, ColumnType::Notices);
        assert_eq!(notices.review_levels, 1);
        assert_eq!(
            db.column(notices.id).await.unwrap().unwrap().name,
            "column zwgk/tzgg"
        );

        let first = db
            .route(world.portal, "/zwgk/tzgg/index.html")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            first.target,
            RouteTarget::Column {
                column_id: notices.id,
                page: 0
            }
        );
        let third = db
            .route(world.portal, "/zwgk/tzgg/index_2.html")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            third.target,
            RouteTarget::Column {
                column_id: notices.id,
                page: 2
            }
        );
        assert!(db
            .route(world.portal, "/zwgk/tzgg/index_02.html")
            .await
            .unwrap()
            .is_none());
        assert!(db
            .route(world.portal, "/nothing/index_2.html")
            .await
            .unwrap()
            .is_none());
        assert!(db
            .route(world.english, "/zwgk/tzgg/index.html")
            .await
            .unwrap()
            .is_none());

        // A root column becomes the parent of top-level columns created after it.
        let root = db
            .upsert_column(
                &Scope::Platform,
                &new_column(PORTAL, "", ColumnType::Home, false),
            )
            .await
            .unwrap();
        let later = db
            .upsert_column(
                &Scope::Platform,
                &new_column(PORTAL, "ghjh", ColumnType::Plans, false),
            )
            .await
            .unwrap();
        assert_eq!(
            db.column(later).await.unwrap().unwrap().parent_id,
            Some(root)
        );
        let home = db
            .route(world.portal, "/index.html")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            home.target,
            RouteTarget::Column {
                column_id: root,
                page: 0
            }
        );
    }
}

#[tokio::test]
async fn column_input_errors() {
    for db in dbs().await {
        build_world(&db).await;
        let orphan = db
            .upsert_column(
                &Scope::Platform,
                &new_column(PORTAL, "xxgk/zcwj", ColumnType::PolicyDocuments, false),
            )
            .await
            .unwrap_err();
        assert!(orphan.is_not_found(), "{orphan}");
        assert!(orphan.to_string().contains("\"xxgk\""), "{orphan}");

        let mut too_many_levels = new_column(PORTAL, "xxgk", ColumnType::Other, false);
        too_many_levels.review_levels = 4;
        let error = db
            .upsert_column(&Scope::Platform, &too_many_levels)
            .await
            .unwrap_err();
        assert!(error.is_invalid(), "{error}");

        let reserved = new_column(PORTAL, "search", ColumnType::Other, false);
        assert!(db
            .upsert_column(&Scope::Platform, &reserved)
            .await
            .unwrap_err()
            .is_invalid());

        let unknown_site = new_column("2200000099", "yw", ColumnType::KeyNews, false);
        assert!(db
            .upsert_column(&Scope::Platform, &unknown_site)
            .await
            .unwrap_err()
            .is_not_found());
    }
}
