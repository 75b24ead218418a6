//! Writes outside the caller's scope fail with `OutOfScope` and store nothing.

use jiyue_core::ColumnType;
use jiyue_db::Scope;

use crate::fixtures::*;

#[tokio::test]
async fn org_scope_reaches_its_subtree_only() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let department = Scope::Org(world.department);

        // A department may add a child organization under itself…
        let unit = credit_code("220000", "00000005");
        db.upsert_org(
            &department,
            &new_org(&unit, "监测中心", Some(&department_code()), "220000"),
        )
        .await
        .unwrap();
        // …but not under its parent, nor at the top, nor rename its parent.
        let sibling = credit_code("220000", "00000006");
        let denied = [
            db.upsert_org(
                &department,
                &new_org(&sibling, "x", Some(&province_code()), "220000"),
            )
            .await,
            db.upsert_org(&department, &new_org(&sibling, "x", None, "220000"))
                .await,
            db.upsert_org(
                &department,
                &new_org(&province_code(), "改名", None, "220000"),
            )
            .await,
        ];
        for result in denied {
            let error = result.unwrap_err();
            assert!(error.is_out_of_scope(), "{}: {error}", db.label());
        }
        assert_eq!(db.orgs().await.unwrap().len(), 4);
        assert_eq!(
            db.org(world.province).await.unwrap().unwrap().name,
            "吉林省人民政府"
        );

        // Items of the province are out of reach; the province reaches department items.
        let error = db
            .save_item(&department, &news("p1", "省政府新闻"))
            .await
            .unwrap_err();
        assert!(error.is_out_of_scope(), "{error}");
        assert!(
            error
                .to_string()
                .contains(&format!("organization {}", world.province)),
            "{error}"
        );
        assert!(db.item_by_external_id("p1").await.unwrap().is_none());

        let mut department_news = news("d1", "厅新闻");
        department_news.org_credit_code = department_code();
        department_news.home = column_ref(DEPARTMENT_SITE, "gzdt");
        db.save_item(&Scope::Org(world.province), &department_news)
            .await
            .unwrap();
        db.save_item(&department, &department_news).await.unwrap();

        // Sites and columns of other organizations are out of reach.
        let site = new_site("2200000008", &province_code(), "x.jl.gov.cn", &[], "zh-CN");
        assert!(db
            .upsert_site(&department, &site)
            .await
            .unwrap_err()
            .is_out_of_scope());
        let column = new_column(PORTAL, "bmdt", ColumnType::WorkNews, false);
        assert!(db
            .upsert_column(&department, &column)
            .await
            .unwrap_err()
            .is_out_of_scope());
        let own = new_column(DEPARTMENT_SITE, "tzgg", ColumnType::Notices, false);
        db.upsert_column(&department, &own).await.unwrap();
    }
}

#[tokio::test]
async fn site_scope_reaches_its_site_only() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let portal = Scope::Site(world.portal);

        db.upsert_column(
            &portal,
            &new_column(PORTAL, "zcjd", ColumnType::PolicyInterpretations, false),
        )
        .await
        .unwrap();
        let error = db
            .upsert_column(
                &portal,
                &new_column(CITY_SITE, "zcjd", ColumnType::PolicyInterpretations, false),
            )
            .await
            .unwrap_err();
        assert!(error.is_out_of_scope(), "{}: {error}", db.label());
        assert!(
            error
                .to_string()
                .contains(&format!("site {}", world.city_site)),
            "{error}"
        );
        assert!(db
            .column_by_path(world.city_site, "zcjd")
            .await
            .unwrap()
            .is_none());

        let error = db
            .upsert_org(
                &portal,
                &new_org(
                    &credit_code("220000", "00000007"),
                    "x",
                    Some(&province_code()),
                    "220000",
                ),
            )
            .await
            .unwrap_err();
        assert!(error.is_out_of_scope(), "{error}");

        db.save_item(&portal, &news("p1", "门户新闻"))
            .await
            .unwrap();
        let mut city_news = news("c1", "市新闻");
        city_news.home = column_ref(CITY_SITE, "yw");
        assert!(db
            .save_item(&portal, &city_news)
            .await
            .unwrap_err()
            .is_out_of_scope());

        // The city site cannot take over the portal's item by naming its own column as home.
        let mut takeover = news("p1", "门户新闻");
        takeover.home = column_ref(CITY_SITE, "yw");
        let error = db
            .save_item(&Scope::Site(world.city_site), &takeover)
            .await
            .unwrap_err();
        assert!(error.is_out_of_scope(), "{error}");
    }
}
