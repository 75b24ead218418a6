//! The freshness check on a real database of each backend, with states made by moving the
//! injected clock forward after publishing.

use chrono::Duration;
use jiyue_core::credit_code::{compute_check_char, compute_org_check_char};
use jiyue_core::{ColumnType, ItemMeta};
use jiyue_db::testing::{fresh_dbs, TestDb};
use jiyue_db::{ColumnRef, ItemInput, NewColumn, NewOrg, NewSite, Scope, SiteSettings};

use super::*;

const SITE: &str = "2200000001";

fn org_code() -> String {
    let first8 = "00000001";
    let first17 = format!(
        "11220000{first8}{}",
        compute_org_check_char(first8).unwrap()
    );
    format!("{first17}{}", compute_check_char(&first17).unwrap())
}

fn column(path: &str, column_type: ColumnType) -> NewColumn {
    NewColumn {
        site_code: SITE.to_string(),
        path: path.to_string(),
        name: format!("栏目 {path}"),
        column_type,
        description: None,
        keywords: None,
        position: 0,
        review_levels: 0,
        accepts_shared: false,
    }
}

/// Builds one site with the columns given and returns its id.
async fn site_with(db: &TestDb, columns: &[(&str, ColumnType)]) -> i64 {
    let org = NewOrg {
        credit_code: org_code(),
        name: "吉林省人民政府".to_string(),
        name_en: None,
        parent_credit_code: None,
        division_code: "220000".to_string(),
    };
    db.upsert_org(&Scope::Platform, &org).await.unwrap();
    let site = NewSite {
        code: SITE.to_string(),
        org_credit_code: org_code(),
        name: "吉林省人民政府".to_string(),
        lang: "zh-CN".to_string(),
        description: None,
        keywords: None,
        primary_domain: "www.jl.gov.cn".to_string(),
        aliases: Vec::new(),
        language_version_of: None,
        theme: "default".to_string(),
        settings: SiteSettings::default(),
    };
    let id = db.upsert_site(&Scope::Platform, &site).await.unwrap();
    for (path, column_type) in columns {
        db.upsert_column(&Scope::Platform, &column(path, *column_type))
            .await
            .unwrap();
    }
    id
}

/// Publishes an item in a column at the clock's current time.
async fn publish(db: &TestDb, id: &str, path: &str) {
    let item = ItemInput {
        external_id: id.to_string(),
        org_credit_code: org_code(),
        meta: ItemMeta {
            title: format!("信息 {id}"),
            lang: "zh-CN".to_string(),
            ..ItemMeta::default()
        },
        body_html: "<p>正文</p>".to_string(),
        home: ColumnRef {
            site_code: SITE.to_string(),
            column_path: path.to_string(),
        },
        extra_placements: Vec::new(),
        translation_of: None,
        legacy_urls: Vec::new(),
        publish: true,
        sample: false,
    };
    db.save_item(&Scope::Platform, &item).await.unwrap();
}

async fn check(db: &TestDb) -> (Vec<Fault>, FreshnessReport) {
    let rules = FreshnessRules::default();
    let (faults, mut reports) = check_freshness(db, db.clock.as_ref(), &rules)
        .await
        .unwrap();
    assert_eq!(reports.len(), 1, "{}", db.label());
    (faults, reports.remove(0))
}

fn fault<'a>(faults: &'a [Fault], key: &str) -> Option<&'a Fault> {
    faults.iter().find(|fault| fault.key == key)
}

#[tokio::test]
async fn news_column_warns_then_stale() {
    for db in fresh_dbs().await.unwrap() {
        let site = site_with(&db, &[("yw", ColumnType::KeyNews)]).await;
        publish(&db, "n1", "yw").await;
        let key = format!(
            "freshness:column:{site}:{}",
            db.columns(site).await.unwrap()[0].id
        );

        db.clock.advance(Duration::days(10));
        let (faults, report) = check(&db).await;
        assert!(fault(&faults, &key).is_none(), "{faults:?}");
        assert!(report.stale.is_empty() && report.due_soon.is_empty());

        db.clock.advance(Duration::days(1));
        let (faults, report) = check(&db).await;
        let due = fault(&faults, &key).expect("11 days warns");
        assert_eq!(due.message, "fresh-column-due", "{}", db.label());
        assert_eq!(due.severity, Severity::Warning);
        assert_eq!(due.args["days"], "11");
        assert_eq!(report.due_soon.len(), 1);

        db.clock.advance(Duration::days(4));
        let (faults, report) = check(&db).await;
        let stale = fault(&faults, &key).expect("15 days is stale");
        assert_eq!(stale.message, "fresh-column-stale", "{}", db.label());
        assert_eq!(stale.severity, Severity::Warning);
        assert!(stale.evidence.contains("15 days"), "{}", stale.evidence);
        assert_eq!(report.stale.len(), 1);
        assert_eq!(report.stale[0].days, 15);
        assert_eq!(report.timely_stale, 1);
    }
}

#[tokio::test]
async fn notices_stale_after_183_days() {
    for db in fresh_dbs().await.unwrap() {
        site_with(
            &db,
            &[("yw", ColumnType::KeyNews), ("tzgg", ColumnType::Notices)],
        )
        .await;
        publish(&db, "notice", "tzgg").await;
        db.clock.advance(Duration::days(183));
        // Keep the home page fresh so only the notices column is judged.
        publish(&db, "news", "yw").await;

        let (_, report) = check(&db).await;
        assert!(report.stale.is_empty(), "{}: {report:?}", db.label());
        assert_eq!(report.due_soon.len(), 1);
        assert_eq!(report.due_soon[0].path, "tzgg");
        assert_eq!(report.due_soon[0].days, 183);

        db.clock.advance(Duration::days(1));
        let (faults, report) = check(&db).await;
        assert_eq!(report.stale.len(), 1, "{}", db.label());
        assert_eq!(report.stale[0].path, "tzgg");
        assert_eq!(report.stale[0].max_days, 183);
        assert!(faults.iter().any(|f| f.message == "fresh-column-stale"));
    }
}

#[tokio::test]
async fn blank_columns_counted_against_lines() {
    let blank: Vec<(String, ColumnType)> = (1..=5)
        .map(|n| (format!("k{n}"), ColumnType::Other))
        .collect();
    for db in fresh_dbs().await.unwrap() {
        let mut columns = vec![("yw", ColumnType::KeyNews), ("gk", ColumnType::Overview)];
        columns.extend(blank.iter().map(|(path, kind)| (path.as_str(), *kind)));
        let site = site_with(&db, &columns).await;
        // A parent with a filled sub-column is not blank.
        db.upsert_column(&Scope::Platform, &column("gk/jj", ColumnType::Other))
            .await
            .unwrap();
        publish(&db, "news", "yw").await;
        publish(&db, "intro", "gk/jj").await;

        let (faults, report) = check(&db).await;
        let paths: Vec<&str> = report.blank.iter().map(|b| b.path.as_str()).collect();
        assert_eq!(paths, vec!["k1", "k2", "k3", "k4", "k5"], "{}", db.label());
        let count = fault(&faults, &format!("freshness:blank-columns:{site}")).unwrap();
        assert_eq!(count.severity, Severity::Critical, "{}", db.label());
        assert_eq!(count.args["count"], "5");
        let blank_faults = faults
            .iter()
            .filter(|f| f.message == "fresh-column-blank")
            .count();
        assert_eq!(blank_faults, 5);

        // Filling three leaves two: a warning, below the veto line.
        for path in ["k1", "k2", "k3"] {
            publish(&db, path, path).await;
        }
        let (faults, report) = check(&db).await;
        assert_eq!(report.blank.len(), 2, "{}", db.label());
        let count = fault(&faults, &format!("freshness:blank-columns:{site}")).unwrap();
        assert_eq!(count.severity, Severity::Warning, "{}", db.label());
    }
}

#[tokio::test]
async fn home_page_warns_then_vetoes() {
    for db in fresh_dbs().await.unwrap() {
        let site = site_with(&db, &[("yw", ColumnType::KeyNews)]).await;
        let key = format!("freshness:home:{site}");
        let (faults, report) = check(&db).await;
        assert_eq!(report.home_days, None, "{}", db.label());
        assert_eq!(fault(&faults, &key).unwrap().severity, Severity::Critical);

        publish(&db, "news", "yw").await;
        db.clock.advance(Duration::days(9));
        let (faults, _) = check(&db).await;
        assert!(fault(&faults, &key).is_none(), "{}", db.label());

        db.clock.advance(Duration::days(5));
        let (faults, report) = check(&db).await;
        assert_eq!(report.home_days, Some(14), "{}", db.label());
        assert_eq!(fault(&faults, &key).unwrap().severity, Severity::Warning);

        db.clock.advance(Duration::days(1));
        let (faults, report) = check(&db).await;
        assert_eq!(report.home_days, Some(15), "{}", db.label());
        let veto = fault(&faults, &key).unwrap();
        assert_eq!(veto.severity, Severity::Critical, "{}", db.label());
        assert_eq!(veto.args["days"], "15");
    }
}

#[tokio::test]
async fn stale_count_crosses_timely_line() {
    let paths: Vec<String> = (1..=5).map(|n| format!("dt{n}")).collect();
    for db in fresh_dbs().await.unwrap() {
        let columns: Vec<(&str, ColumnType)> = paths
            .iter()
            .map(|path| (path.as_str(), ColumnType::WorkNews))
            .chain([("yw", ColumnType::KeyNews)])
            .collect();
        let site = site_with(&db, &columns).await;
        for path in &paths {
            publish(&db, path, path).await;
        }
        db.clock.advance(Duration::days(15));
        publish(&db, "today", "yw").await;

        let (faults, report) = check(&db).await;
        assert_eq!(report.timely_stale, 5, "{}", db.label());
        let line = fault(&faults, &format!("freshness:timely-columns:{site}")).unwrap();
        assert_eq!(line.severity, Severity::Critical, "{}", db.label());
        let all = fault(&faults, &format!("freshness:stale-columns:{site}"));
        assert!(all.is_none(), "5 stale columns stay below the line of 10");
    }
}

#[test]
fn rules_reject_warnings_past_veto() {
    assert!(FreshnessRules::default().validate().is_ok());
    let late = FreshnessRules {
        blank_warning_columns: 5,
        ..FreshnessRules::default()
    };
    let error = late.validate().unwrap_err();
    assert!(error.contains("blank_warning_columns = 5"), "{error}");
    let parsed: FreshnessRules = serde_json::from_str(r#"{"home_warning_days": 12}"#).unwrap();
    assert_eq!(parsed.home_warning_days, 12);
    assert_eq!(parsed.stale_warning_columns, 6);
    assert!(serde_json::from_str::<FreshnessRules>(r#"{"home_days": 1}"#).is_err());
}
