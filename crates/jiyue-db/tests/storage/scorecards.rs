//! The scoring rule table and the monthly scorecard snapshots: seeding, editing with
//! validation, idempotent monthly storage, ranking and trend within the caller's scope.

use jiyue_db::{Db, NewSnapshot, NewStaff, RuleChange, Scope};

use crate::fixtures::*;

async fn operator(db: &Db) -> i64 {
    db.create_staff(&NewStaff {
        username: "operator".to_string(),
        display_name: "平台管理员".to_string(),
        org_id: None,
        password_hash: "$argon2id$placeholder".to_string(),
    })
    .await
    .unwrap()
}

fn snapshot(site_id: i64, total: i64, pass: bool) -> NewSnapshot {
    NewSnapshot {
        site_id,
        total,
        pass,
        card: format!("{{\"total\":{total}}}"),
    }
}

#[tokio::test]
async fn rules_seeded_by_migration() {
    for db in dbs().await {
        let rules = db.score_rules().await.unwrap();
        assert_eq!(rules.len(), 18, "{}", db.label());
        assert_eq!(rules[0].category, "veto", "vetoes come first");
        let unreachable = rules
            .iter()
            .find(|rule| rule.code == "veto-unreachable")
            .unwrap();
        assert!(unreachable.veto);
        assert_eq!(unreachable.threshold, Some(5));
        assert!(unreachable.confirmed);
        assert!(unreachable.source.contains("http"));
        let inner = rules
            .iter()
            .find(|rule| rule.code == "function-inner-broken-link")
            .unwrap();
        assert_eq!(inner.points, 10, "0.1 points in hundredths");
        assert_eq!(inner.cap, 500);
        assert!(!inner.confirmed, "a placeholder is marked");
        assert_eq!(inner.updated_at, None);
        let categories: Vec<&str> = rules.iter().map(|rule| rule.category.as_str()).collect();
        let mut sorted = categories.clone();
        sorted.sort_by_key(|category| {
            jiyue_db::scorecards::RULE_CATEGORIES
                .iter()
                .position(|known| known == category)
        });
        assert_eq!(categories, sorted, "rules are in category order");
    }
}

#[tokio::test]
async fn rule_edit_validated_and_stored() {
    for db in dbs().await {
        let by = operator(&db).await;
        let change = RuleChange {
            description: "  首页不可用链接（每个）  ".to_string(),
            points: 200,
            cap: 800,
            veto: false,
            threshold: None,
            confirmed: true,
        };
        let rule = db
            .update_score_rule("function-home-broken-link", &change, by)
            .await
            .unwrap();
        assert_eq!(rule.description, "首页不可用链接（每个）");
        assert_eq!(rule.points, 200);
        assert_eq!(rule.cap, 800);
        assert!(rule.confirmed);
        assert_eq!(rule.updated_by, Some(by));
        assert_eq!(rule.updated_at, Some(jiyue_db::testing::test_start()));
        let stored = db.score_rules().await.unwrap();
        assert!(stored.contains(&rule), "{}", db.label());

        let mut over = change.clone();
        over.points = 10_001;
        let error = db
            .update_score_rule("function-home-broken-link", &over, by)
            .await
            .unwrap_err();
        assert!(error.is_invalid(), "{error}");
        assert!(error.to_string().contains("0 to 100"), "{error}");

        let missing = db.update_score_rule("no-such-rule", &change, by).await;
        assert!(missing.unwrap_err().is_not_found());
        assert_eq!(
            db.score_rules().await.unwrap(),
            stored,
            "failed edits store nothing"
        );
    }
}

#[tokio::test]
async fn month_stored_again_replaces() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let first = [
            snapshot(world.portal, 9_000, true),
            snapshot(world.city_site, 5_000, false),
        ];
        db.store_score_snapshots("2026-10", &first).await.unwrap();
        let again = [
            snapshot(world.portal, 9_500, true),
            snapshot(world.city_site, 7_000, true),
        ];
        db.store_score_snapshots("2026-10", &again).await.unwrap();
        assert_eq!(count(&db, "score_snapshots").await, 2, "{}", db.label());

        let ranking = db.score_ranking(&Scope::Platform, "2026-10").await.unwrap();
        let totals: Vec<i64> = ranking.iter().map(|row| row.total).collect();
        assert_eq!(totals, vec![9_500, 7_000]);
        assert_eq!(ranking[0].site_code, PORTAL);
        assert_eq!(ranking[0].card, "{\"total\":9500}");

        let error = db
            .store_score_snapshots("2026-13", &again)
            .await
            .unwrap_err();
        assert!(error.is_invalid(), "{error}");
        assert!(error.to_string().contains("YYYY-MM"), "{error}");
    }
}

#[tokio::test]
async fn ranking_puts_failures_last() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let cards = [
            snapshot(world.portal, 9_800, false),
            snapshot(world.english, 7_000, true),
            snapshot(world.department_site, 9_000, true),
            snapshot(world.city_site, 9_000, true),
        ];
        db.store_score_snapshots("2026-11", &cards).await.unwrap();
        db.store_score_snapshots("2026-10", &cards[..1])
            .await
            .unwrap();

        let ranking = db.score_ranking(&Scope::Platform, "2026-11").await.unwrap();
        let codes: Vec<&str> = ranking.iter().map(|row| row.site_code.as_str()).collect();
        assert_eq!(
            codes,
            vec![DEPARTMENT_SITE, CITY_SITE, ENGLISH, PORTAL],
            "pass first, then total, then site code ({})",
            db.label()
        );
        assert_eq!(db.score_months().await.unwrap(), vec!["2026-11", "2026-10"]);
        assert!(db
            .score_ranking(&Scope::Platform, "2026-09")
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn ranking_and_trend_keep_scope() {
    for db in dbs().await {
        let world = build_world(&db).await;
        for (month, portal, city) in [("2026-09", 8_000, 6_000), ("2026-10", 9_000, 7_000)] {
            let cards = [
                snapshot(world.portal, portal, true),
                snapshot(world.city_site, city, true),
            ];
            db.store_score_snapshots(month, &cards).await.unwrap();
        }

        let own = db
            .score_ranking(&Scope::Site(world.city_site), "2026-10")
            .await
            .unwrap();
        assert_eq!(own.len(), 1, "{}", db.label());
        assert_eq!(own[0].site_code, CITY_SITE);
        let city_org = db
            .score_ranking(&Scope::Org(world.city), "2026-10")
            .await
            .unwrap();
        assert_eq!(city_org.len(), 1);
        assert_eq!(city_org[0].site_id, world.city_site);
        let province = db
            .score_ranking(&Scope::Org(world.province), "2026-10")
            .await
            .unwrap();
        assert!(province.iter().any(|row| row.site_id == world.portal));

        let trend = db
            .score_trend(&Scope::Site(world.city_site), world.city_site)
            .await
            .unwrap();
        let points: Vec<(&str, i64)> = trend
            .iter()
            .map(|row| (row.month.as_str(), row.total))
            .collect();
        assert_eq!(points, vec![("2026-09", 6_000), ("2026-10", 7_000)]);
        let denied = db
            .score_trend(&Scope::Site(world.city_site), world.portal)
            .await
            .unwrap_err();
        assert!(denied.is_out_of_scope(), "{denied}");
    }
}
