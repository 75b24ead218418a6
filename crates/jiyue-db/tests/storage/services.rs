//! Service items in storage: their records, code uniqueness, refusal to publish an incomplete
//! guide without a reason, synced services, statistics, synonyms, unanswered queries and
//! loaded calendar years.

use chrono::NaiveDate;
use jiyue_core::{
    Fee, LifeEvent, Material, ProcessStep, ServiceAudience, ServiceGuide, ServiceKind, ServicePlace,
};
use jiyue_db::{
    CalendarDay, Db, DbError, ItemInput, Scope, ServiceOrigin, StatsInput, SyncedService,
    SERVICES_TAG,
};

use crate::fixtures::*;

fn guide(code: &str) -> ServiceGuide {
    ServiceGuide {
        code: code.to_string(),
        kind: Some(ServiceKind::Confirmation),
        implementing_org: "吉林省公安厅".to_string(),
        legal_basis: "《中华人民共和国居民身份证法》".to_string(),
        conditions: "居民身份证有效期满".to_string(),
        materials: vec![Material {
            name: "原居民身份证".to_string(),
            originals: 1,
            issuer: Some("申请人自备".to_string()),
            ..Material::default()
        }],
        fee: Some(Fee {
            free: false,
            standard: "20元/证".to_string(),
            basis: "发改价格〔2003〕2322号".to_string(),
        }),
        steps: vec![ProcessStep {
            name: "受理".to_string(),
            description: "窗口受理".to_string(),
        }],
        statutory_days: Some(60),
        promised_days: Some(20),
        places: vec![ServicePlace {
            address: "长春市人民大街".to_string(),
            hours: "周一至周五".to_string(),
        }],
        online_url: Some("https://zwfw.jl.gov.cn/".to_string()),
        consult_phone: Some("12345".to_string()),
        complaint_phone: Some("12345".to_string()),
        audiences: vec![ServiceAudience::Individual],
        life_events: vec![LifeEvent::Employment],
        ..ServiceGuide::default()
    }
}

fn service(external_id: &str, title: &str, guide: ServiceGuide) -> ItemInput {
    let mut input = news(external_id, title);
    input.meta.service = Some(guide);
    input
}

async fn events_since(db: &Db, position: i64) -> Vec<jiyue_db::OutboxEvent> {
    db.outbox_after(position, 1000).await.unwrap()
}

async fn last_position(db: &Db) -> i64 {
    events_since(db, 0)
        .await
        .last()
        .map(|event| event.position)
        .unwrap_or(0)
}

#[tokio::test]
async fn service_save_writes_record_and_tags() {
    for db in dbs().await {
        build_world(&db).await;
        let before = last_position(&db).await;
        let saved = db
            .save_item(
                &Scope::Platform,
                &service("svc-1", "居民身份证换领", guide("JL-GA-001")),
            )
            .await
            .unwrap();
        let record = db.service_record(saved.item_id).await.unwrap().unwrap();
        assert_eq!(record.code, "JL-GA-001");
        assert_eq!(record.origin, ServiceOrigin::Local);
        assert!(record.missing.is_empty(), "{:?}", record.missing);
        let events = events_since(&db, before).await;
        assert!(
            events
                .iter()
                .any(|event| event.tags.iter().any(|tag| tag == SERVICES_TAG)),
            "{}: {events:?}",
            db.label()
        );
        let published = db.published_services().await.unwrap();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].record.code, "JL-GA-001");
        assert_eq!(published[0].guide().unwrap().promised_days, Some(20));
        assert!(db.published_service("JL-GA-001").await.unwrap().is_some());
        assert!(db.published_service("JL-GA-002").await.unwrap().is_none());

        // An ordinary item is not a service.
        let news = db
            .save_item(&Scope::Platform, &news("n-1", "要闻"))
            .await
            .unwrap();
        assert!(db.service_record(news.item_id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn service_code_is_unique() {
    for db in dbs().await {
        build_world(&db).await;
        db.save_item(
            &Scope::Platform,
            &service("svc-1", "居民身份证换领", guide("JL-GA-001")),
        )
        .await
        .unwrap();
        let clash = db
            .save_item(
                &Scope::Platform,
                &service("svc-2", "另一个事项", guide("JL-GA-001")),
            )
            .await
            .unwrap_err();
        assert!(clash.is_conflict(), "{}: {clash}", db.label());
        assert!(clash.to_string().contains("JL-GA-001"), "{clash}");
        assert_eq!(db.published_services().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn incomplete_guide_needs_reason() {
    for db in dbs().await {
        build_world(&db).await;
        let mut incomplete = guide("JL-GA-003");
        incomplete.legal_basis.clear();
        incomplete.fee = None;
        let refused = db
            .save_item(
                &Scope::Platform,
                &service("svc-3", "普通护照签发", incomplete.clone()),
            )
            .await
            .unwrap_err();
        let text = refused.to_string();
        assert!(
            matches!(refused, DbError::Invalid(_)) || refused.is_invalid(),
            "{text}"
        );
        assert!(
            text.contains("设定依据") && text.contains("收费标准及依据"),
            "{text}"
        );
        assert!(db.published_service("JL-GA-003").await.unwrap().is_none());

        incomplete.incomplete_reason = Some("来源平台尚未提供".to_string());
        let saved = db
            .save_item(
                &Scope::Platform,
                &service("svc-3", "普通护照签发", incomplete),
            )
            .await
            .unwrap();
        let listed = db.admin_services(None).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].record.item_id, saved.item_id);
        assert_eq!(listed[0].record.missing, vec!["legal_basis", "fee"]);
        assert_eq!(
            listed[0].incomplete_reason.as_deref(),
            Some("来源平台尚未提供")
        );
        assert!(listed[0].published);
    }
}

#[tokio::test]
async fn synced_services_record_their_source_and_fields() {
    for db in dbs().await {
        build_world(&db).await;
        let synced = SyncedService {
            item: service("sync-1", "居民身份证换领", guide("JL-GA-001")),
            source: "吉林省政务服务网".to_string(),
            fields: vec!["title".to_string(), "legal_basis".to_string()],
        };
        let saved = db
            .sync_services(&Scope::Platform, std::slice::from_ref(&synced))
            .await
            .unwrap();
        let record = db.service_record(saved[0].item_id).await.unwrap().unwrap();
        assert_eq!(record.origin, ServiceOrigin::Synced);
        assert_eq!(record.source.as_deref(), Some("吉林省政务服务网"));
        assert!(record.synced_at.is_some());
        assert_eq!(record.synced_fields, vec!["title", "legal_basis"]);

        // Syncing the same content again writes no new revision.
        let again = db.sync_services(&Scope::Platform, &[synced]).await.unwrap();
        assert!(!again[0].changed, "{}", db.label());

        db.make_service_local(saved[0].item_id).await.unwrap();
        let record = db.service_record(saved[0].item_id).await.unwrap().unwrap();
        assert_eq!(record.origin, ServiceOrigin::Local);
        assert!(record.synced_fields.is_empty());
        assert!(db
            .make_service_local(99_999)
            .await
            .unwrap_err()
            .is_not_found());
    }
}

#[tokio::test]
async fn statistics_are_stored_as_reported() {
    for db in dbs().await {
        build_world(&db).await;
        db.save_item(
            &Scope::Platform,
            &service("svc-1", "居民身份证换领", guide("JL-GA-001")),
        )
        .await
        .unwrap();
        let row = |month: &str, received, completed| StatsInput {
            code: "JL-GA-001".to_string(),
            month: month.to_string(),
            received,
            completed,
        };
        let first = db
            .import_service_stats(
                "吉林省政务服务网",
                &[row("2023-10", 120, 118), row("2023-11", 95, 90)],
            )
            .await
            .unwrap();
        assert_eq!((first.inserted, first.updated, first.unchanged), (2, 0, 0));
        let corrected = db
            .import_service_stats(
                "吉林省政务服务网",
                &[row("2023-10", 121, 118), row("2023-11", 95, 90)],
            )
            .await
            .unwrap();
        assert_eq!(
            (corrected.inserted, corrected.updated, corrected.unchanged),
            (0, 1, 1)
        );
        let stored = db.service_stats(Some("JL-GA-001")).await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(
            (stored[0].month.as_str(), stored[0].received),
            ("2023-11", 95)
        );
        assert_eq!(
            (stored[1].month.as_str(), stored[1].received),
            ("2023-10", 121)
        );

        // One bad row refuses the whole import and keeps what was stored.
        for (bad, expected) in [
            (row("2023-13", 1, 1), "2023-13"),
            (row("2023-12", -1, 0), "negative"),
            (
                StatsInput {
                    code: "NO-SUCH".to_string(),
                    ..row("2023-12", 1, 1)
                },
                "NO-SUCH",
            ),
        ] {
            let error = db
                .import_service_stats("吉林省政务服务网", &[row("2023-12", 5, 5), bad])
                .await
                .unwrap_err();
            assert!(error.to_string().contains(expected), "{error}");
            assert!(error.to_string().contains("row 2"), "{error}");
        }
        // The clock of the test databases is set to March 2024: April has not begun.
        let future = db
            .import_service_stats("吉林省政务服务网", &[row("2024-04", 1, 1)])
            .await
            .unwrap_err();
        assert!(
            future.to_string().contains("2024-04 has not begun"),
            "{future}"
        );
        assert_eq!(db.service_stats(None).await.unwrap().len(), 2);
        assert!(db.import_service_stats(" ", &[]).await.is_err());
    }
}

#[tokio::test]
async fn synonym_groups_hold_each_term_once() {
    for db in dbs().await {
        build_world(&db).await;
        let terms = |list: &[&str]| list.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let before = last_position(&db).await;
        let id = db
            .save_synonym_group(None, &terms(&["身份证", " 居民身份证 ", "身份证"]), None)
            .await
            .unwrap();
        let groups = db.synonym_groups().await.unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].terms, vec!["身份证", "居民身份证"]);
        assert!(events_since(&db, before)
            .await
            .iter()
            .any(|event| event.kind == "search.synonyms"));

        let clash = db
            .save_synonym_group(None, &terms(&["居民身份证", "二代证"]), None)
            .await
            .unwrap_err();
        assert!(clash.to_string().contains("身份证 = 居民身份证"), "{clash}");
        let lonely = db.save_synonym_group(None, &terms(&["社保卡"]), None).await;
        assert!(lonely.is_err());

        db.save_synonym_group(Some(id), &terms(&["身份证", "居民身份证", "二代证"]), None)
            .await
            .unwrap();
        assert_eq!(db.synonym_groups().await.unwrap()[0].terms.len(), 3);
        db.delete_synonym_group(id).await.unwrap();
        assert!(db.synonym_groups().await.unwrap().is_empty());
        assert!(db
            .delete_synonym_group(id)
            .await
            .unwrap_err()
            .is_not_found());
    }
}

#[tokio::test]
async fn unanswered_queries_are_counted_per_site() {
    for db in dbs().await {
        let world = build_world(&db).await;
        for query in ["护照加急", " 护照加急 ", "公积金"] {
            db.record_search_miss(world.portal, query).await.unwrap();
        }
        db.record_search_miss(world.city_site, "护照加急")
            .await
            .unwrap();
        db.record_search_miss(world.portal, "   ").await.unwrap();
        let portal = db.search_misses(Some(world.portal), 10).await.unwrap();
        assert_eq!(portal.len(), 2, "{}", db.label());
        assert_eq!((portal[0].query.as_str(), portal[0].count), ("护照加急", 2));
        assert_eq!(db.search_misses(None, 10).await.unwrap().len(), 3);
        assert!(db
            .dismiss_search_miss(world.portal, "护照加急")
            .await
            .unwrap());
        assert_eq!(
            db.search_misses(Some(world.portal), 10)
                .await
                .unwrap()
                .len(),
            1
        );
        let later = march_first() + chrono::Duration::days(36_500);
        assert_eq!(db.prune_search_misses(later).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn calendar_year_load_replaces_previous() {
    for db in dbs().await {
        build_world(&db).await;
        let day = |date: &str, kind: &str| CalendarDay {
            day: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            kind: kind.to_string(),
            name_zh: "元旦".to_string(),
            name_en: "New Year's Day".to_string(),
        };
        db.save_calendar_year(2027, &[day("2027-01-01", "holiday")], "cli")
            .await
            .unwrap();
        db.save_calendar_year(
            2027,
            &[day("2027-01-01", "holiday"), day("2027-01-02", "holiday")],
            "operator",
        )
        .await
        .unwrap();
        assert_eq!(db.calendar_days().await.unwrap().len(), 2);
        let years = db.calendar_years().await.unwrap();
        assert_eq!(years.len(), 1);
        assert_eq!(
            (years[0].year, years[0].loaded_by.as_str()),
            (2027, "operator")
        );
        let wrong_year = db
            .save_calendar_year(2028, &[day("2027-05-01", "holiday")], "cli")
            .await
            .unwrap_err();
        assert!(
            wrong_year.to_string().contains("2027-05-01"),
            "{wrong_year}"
        );
        assert_eq!(db.calendar_days().await.unwrap().len(), 2);
    }
}
