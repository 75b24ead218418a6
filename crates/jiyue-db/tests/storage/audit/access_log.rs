//! The access log: batched inserts, filtered newest-first queries and pruning after a year.

use chrono::Duration;
use jiyue_db::testing::test_start;
use jiyue_db::{AccessFilter, AccessRecord};

use crate::fixtures::dbs;

fn request(n: i64) -> AccessRecord {
    AccessRecord {
        at: test_start() + Duration::minutes(n),
        host: if n % 2 == 0 {
            "www.jl.gov.cn"
        } else {
            "english.jl.gov.cn"
        }
        .to_string(),
        method: "GET".to_string(),
        path: if n % 3 == 0 {
            format!("/zwgk/{n}.html")
        } else {
            format!("/yw/{n}.html")
        },
        status: if n % 10 == 0 { 404 } else { 200 },
        bytes: 1_000 + n as u64,
        address: format!("198.51.100.{}", n % 4),
        user_agent: "Mozilla/5.0".to_string(),
        referer: String::new(),
        duration_us: 250,
    }
}

fn paths(rows: &[(i64, AccessRecord)]) -> Vec<String> {
    rows.iter().map(|(_, record)| record.path.clone()).collect()
}

#[tokio::test]
async fn insert_and_query_newest_first() {
    for db in dbs().await {
        let records: Vec<AccessRecord> = (0..120).map(request).collect();
        db.access_log_insert(&records).await.unwrap();
        db.access_log_insert(&[]).await.unwrap();

        let all = db
            .access_log_query(&AccessFilter::default(), 500)
            .await
            .unwrap();
        assert_eq!(all.len(), 120, "{}", db.label());
        assert!(all.windows(2).all(|pair| pair[0].0 > pair[1].0));
        assert_eq!(all[0].1, records[119]);
        assert_eq!(all[119].1, records[0]);

        let page = AccessFilter {
            before_id: Some(all[9].0),
            ..AccessFilter::default()
        };
        let next = db.access_log_query(&page, 5).await.unwrap();
        assert_eq!(next.len(), 5);
        assert_eq!(next[0].0, all[10].0);

        let missing = AccessFilter {
            status: Some(404),
            host: Some("www.jl.gov.cn".into()),
            ..AccessFilter::default()
        };
        assert_eq!(db.access_log_query(&missing, 500).await.unwrap().len(), 12);

        let zwgk = AccessFilter {
            path_prefix: Some("/zwgk/".into()),
            address: Some("198.51.100.0".into()),
            ..AccessFilter::default()
        };
        // Multiples of 3 that are also multiples of 4 below 120.
        assert_eq!(db.access_log_query(&zwgk, 500).await.unwrap().len(), 10);

        let window = AccessFilter {
            from: Some(test_start() + Duration::minutes(5)),
            to: Some(test_start() + Duration::minutes(8)),
            ..AccessFilter::default()
        };
        let found = db.access_log_query(&window, 500).await.unwrap();
        assert_eq!(
            paths(&found),
            vec!["/yw/7.html", "/zwgk/6.html", "/yw/5.html"]
        );
    }
}

#[tokio::test]
async fn prefix_is_literal_and_long_text_is_cut() {
    for db in dbs().await {
        let mut percent = request(1);
        percent.path = "/a%b/x".to_string();
        let mut underscore = request(2);
        underscore.path = "/aXb/x".to_string();
        let mut long = request(3);
        long.path = format!("/{}", "路".repeat(1_500));
        long.user_agent = "u".repeat(1_001);
        long.referer = "r".repeat(5_000);
        db.access_log_insert(&[percent, underscore, long])
            .await
            .unwrap();

        let filter = AccessFilter {
            path_prefix: Some("/a%".into()),
            ..AccessFilter::default()
        };
        let found = db.access_log_query(&filter, 10).await.unwrap();
        assert_eq!(paths(&found), vec!["/a%b/x"], "{}", db.label());

        let filter = AccessFilter {
            status: Some(200),
            ..AccessFilter::default()
        };
        let newest = &db.access_log_query(&filter, 1).await.unwrap()[0].1;
        assert_eq!(newest.path.chars().count(), 1_000);
        assert_eq!(newest.user_agent.len(), 1_000);
        assert_eq!(newest.referer.len(), 1_000);
    }
}

#[tokio::test]
async fn prune_keeps_at_least_a_year() {
    for db in dbs().await {
        let mut old = request(0);
        old.at = test_start() - Duration::days(400);
        let mut recent = request(1);
        recent.at = test_start() - Duration::days(300);
        db.access_log_insert(&[old, recent.clone()]).await.unwrap();

        let error = db.access_log_prune(364).await.unwrap_err();
        assert!(error.is_invalid(), "{}: {error}", db.label());
        assert!(error.to_string().contains("364 days"), "{error}");

        assert_eq!(db.access_log_prune(365).await.unwrap(), 1);
        let left = db
            .access_log_query(&AccessFilter::default(), 10)
            .await
            .unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].1, recent);
        assert_eq!(db.access_log_prune(365).await.unwrap(), 0);
    }
}
