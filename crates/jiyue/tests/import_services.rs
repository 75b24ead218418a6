//! Service and statistics import files, and the demo's services, against a real database:
//! SQLite in a temporary folder, and PostgreSQL too when `JIYUE_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::path::Path;

use jiyue::import::{import_services, import_stats};
use jiyue_core::LifeEvent;
use jiyue_db::{Db, ServiceOrigin};

mod common;

use common::write;

/// Runs `test` on every backend with the demo, the clock at 2026-12-04 12:00 China time.
async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Db, String) -> Fut,
    Fut: Future<Output = ()>,
{
    common::each_backend_at("2026-12-04 12:00", test).await;
}

/// A complete service of 吉林省教育厅, which has no site of its own, so it goes to the
/// services column of the portal.
fn complete(code: &str) -> serde_json::Value {
    serde_json::json!({
        "code": code,
        "title": "测试事项",
        "org": "11220000000000078H",
        "keywords": ["测试"],
        "kind": "public_service",
        "legal_basis": "《中华人民共和国教育法》",
        "conditions": "符合条件的申请人。",
        "materials": [{"name": "居民身份证", "originals": 1, "issuer": "公安机关"}],
        "fee": {"free": true},
        "steps": [{"name": "申请", "description": "提交申请。"}],
        "statutory_days": 10,
        "promised_days": 5,
        "places": [{"address": "测试大厅", "hours": "工作日"}],
        "online_url": "https://zwfw.example.org/test",
        "consult_phone": "0431-00000000",
        "complaint_phone": "12345",
        "audiences": ["individual"],
        "life_events": ["schooling"]
    })
}

fn document(source: Option<&str>, services: Vec<serde_json::Value>) -> String {
    let mut document = serde_json::json!({ "services": services });
    if let Some(source) = source {
        document["source"] = source.into();
    }
    serde_json::to_string_pretty(&document).unwrap()
}

#[tokio::test]
async fn demo_has_the_jilin_services() {
    each_backend(|db, _| async move {
        let services = db.published_services().await.unwrap();
        assert!(services.len() >= 20, "{} services", services.len());
        for title in [
            "居民身份证换领",
            "企业设立登记",
            "社会保障卡申领",
            "普通护照签发",
        ] {
            let service = services.iter().find(|s| s.item.meta.title == title);
            assert!(service.is_some(), "{title} is in the demo");
        }
        let id_card = services
            .iter()
            .find(|s| s.item.meta.title == "居民身份证换领")
            .unwrap();
        assert!(id_card.item.meta.keywords.contains(&"身份证".to_owned()));
        assert_eq!(
            id_card.guide().unwrap().life_events,
            vec![LifeEvent::Employment]
        );
        assert_eq!(id_card.record.origin, ServiceOrigin::Synced);
        assert_eq!(
            id_card.record.source.as_deref(),
            Some("吉林省政务服务网（演示数据）")
        );
        assert!(
            services.iter().all(|s| s.item.sample),
            "all marked as demo data"
        );

        let admin = db.admin_services(None).await.unwrap();
        let incomplete: Vec<_> = admin
            .iter()
            .filter(|s| !s.record.missing.is_empty())
            .collect();
        assert!(incomplete.len() >= 2, "the completeness list has content");
        assert!(incomplete.iter().all(|s| s.incomplete_reason.is_some()));
        assert!(admin
            .iter()
            .any(|s| s.record.origin == ServiceOrigin::Local));

        let stats = db.service_stats(Some(&id_card.record.code)).await.unwrap();
        assert_eq!(stats.len(), 6);
        assert!(stats
            .iter()
            .all(|s| s.source == jiyue::demo::DEMO_STATS_SOURCE));
    })
    .await;
}

#[tokio::test]
async fn synced_and_local_services_import_and_reimport_unchanged() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let synced = write(
            dir.path(),
            "synced.json",
            &document(Some("测试源"), vec![complete(&format!("{tag}-S"))]),
        );
        let report = import_services(&db, &synced, None, false).await.unwrap();
        assert_eq!(
            (report.created, report.updated, report.unchanged),
            (1, 0, 0)
        );
        let again = import_services(&db, &synced, None, false).await.unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));

        let service = db
            .published_service(&format!("{tag}-S"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(service.record.origin, ServiceOrigin::Synced);
        assert_eq!(service.record.source.as_deref(), Some("测试源"));
        assert!(service
            .record
            .synced_fields
            .contains(&"legal_basis".to_owned()));
        assert!(!service.record.synced_fields.contains(&"org".to_owned()));
        assert_eq!(service.guide().unwrap().implementing_org, "吉林省教育厅");
        assert_eq!(service.item.meta.lang, "zh-CN");

        // A corrected file updates the service and records the sync again.
        let text = std::fs::read_to_string(&synced).unwrap();
        std::fs::write(&synced, text.replace("教育法》", "教育法》第十九条")).unwrap();
        let changed = import_services(&db, &synced, None, false).await.unwrap();
        assert_eq!((changed.created, changed.updated), (0, 1));
        let service = db
            .published_service(&format!("{tag}-S"))
            .await
            .unwrap()
            .unwrap();
        assert!(service.guide().unwrap().legal_basis.ends_with("第十九条"));

        let local = write(
            dir.path(),
            "local.json",
            &document(None, vec![complete(&format!("{tag}-L"))]),
        );
        let report = import_services(&db, &local, None, false).await.unwrap();
        assert_eq!(report.created, 1);
        let service = db
            .published_service(&format!("{tag}-L"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(service.record.origin, ServiceOrigin::Local);
        assert!(service.record.synced_fields.is_empty());
        let again = import_services(&db, &local, None, false).await.unwrap();
        assert_eq!(again.unchanged, 1);
    })
    .await;
}

#[tokio::test]
async fn bad_services_are_named_and_nothing_is_stored() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let mut unknown_org = complete(&format!("{tag}-A"));
        unknown_org["org"] = "112200000000009911".into();
        let mut bad_code = complete("bad code!");
        bad_code["title"] = "坏编码".into();
        let mut incomplete = complete(&format!("{tag}-C"));
        incomplete.as_object_mut().unwrap().remove("places");
        let mut bad_event = complete(&format!("{tag}-D"));
        bad_event["life_events"] = serde_json::json!(["jiuye"]);
        let good = complete(&format!("{tag}-E"));
        let text = document(
            None,
            vec![good, unknown_org, bad_code, incomplete, bad_event],
        );
        let path = write(dir.path(), "bad.json", &text);

        let error = import_services(&db, &path, None, false).await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains("\"jiuye\""), "{message}");
        assert!(
            message.contains(&format!("service \"{tag}-D\"")),
            "{message}"
        );
        assert!(db
            .service_record_by_code(&format!("{tag}-E"))
            .await
            .unwrap()
            .is_none());
        // The unknown life event is found while parsing, so the other checks wait for it.
        bad_event_fixed_then_rest(&db, &path, &text, &tag).await;
    })
    .await;
}

async fn bad_event_fixed_then_rest(db: &Db, path: &Path, text: &str, tag: &str) {
    std::fs::write(path, text.replace("jiuye", "employment")).unwrap();
    let error = import_services(db, path, None, false).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("field \"org\"") && message.contains("112200000000009911"),
        "{message}"
    );
    assert!(message.contains("bad code!"), "{message}");
    assert!(
        message.contains(&format!("service \"{tag}-C\"")) && message.contains("places"),
        "{message}"
    );
    assert!(db
        .service_record_by_code(&format!("{tag}-E"))
        .await
        .unwrap()
        .is_none());

    // One reason for the whole import lets the incomplete service through, recorded on it.
    let fixed = text
        .replace("jiuye", "employment")
        .replace("112200000000009911", "11220000000000078H")
        .replace("bad code!", &format!("{tag}-B"));
    std::fs::write(path, fixed).unwrap();
    let report = import_services(db, path, Some("测试：地点待补充"), false)
        .await
        .unwrap();
    assert_eq!(report.created, 5);
    let service = db
        .published_service(&format!("{tag}-C"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        service.guide().unwrap().incomplete_reason.as_deref(),
        Some("测试：地点待补充")
    );
    let complete = db
        .published_service(&format!("{tag}-E"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(complete.guide().unwrap().incomplete_reason, None);
}

#[tokio::test]
async fn statistics_import_and_a_bad_month_stores_nothing() {
    each_backend(|db, tag| async move {
        let dir = tempfile::tempdir().unwrap();
        let code = format!("{tag}-S");
        let services = write(dir.path(), "s.json", &document(None, vec![complete(&code)]));
        import_services(&db, &services, None, false).await.unwrap();

        let good =
            format!("code,month,received,completed\n{code},2026-10,12,11\n{code},2026-11,9,9\n");
        let path = write(dir.path(), "good.csv", &good);
        let report = import_stats(&db, &path, Some("测试源"), false)
            .await
            .unwrap();
        assert_eq!(report.stored.inserted, 2);
        let again = import_stats(&db, &path, Some("测试源"), false)
            .await
            .unwrap();
        assert_eq!(again.stored.unchanged, 2);

        let bad =
            format!("code,month,received,completed\n{code},2026-09,3,3\n{code},2026-13,4,4\n");
        let path = write(dir.path(), "bad.csv", &bad);
        let error = import_stats(&db, &path, Some("测试源"), false)
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("bad.csv:3: field \"month\": \"2026-13\""),
            "{message}"
        );
        let unknown = "code,month,received,completed\nNO-SUCH-CODE,2026-09,3,3\n";
        let path = write(dir.path(), "unknown.csv", unknown);
        let error = import_stats(&db, &path, Some("测试源"), false)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("NO-SUCH-CODE"), "{error}");
        let stored = db.service_stats(Some(&code)).await.unwrap();
        assert_eq!(stored.len(), 2, "the bad files stored nothing");
    })
    .await;
}

#[tokio::test]
async fn building_the_demo_again_keeps_what_an_operator_changed() {
    each_backend(|db, _| async move {
        let month = db.service_stats(Some("JL-GA-001")).await.unwrap()[0]
            .month
            .clone();
        let corrected = jiyue_db::StatsInput {
            code: "JL-GA-001".to_owned(),
            month: month.clone(),
            received: 7,
            completed: 6,
        };
        db.import_service_stats("运营者导入", &[corrected])
            .await
            .unwrap();
        jiyue::demo::build(&db, db.clock().as_ref(), 1)
            .await
            .unwrap();
        let stored = db.service_stats(Some("JL-GA-001")).await.unwrap();
        let again = stored.iter().find(|stat| stat.month == month).unwrap();
        assert_eq!((again.source.as_str(), again.received), ("运营者导入", 7));
    })
    .await;
}
