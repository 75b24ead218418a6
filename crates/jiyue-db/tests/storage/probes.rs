//! Visits of the availability probe: storing, China-time days, replays stored once, time
//! ranges and pruning.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use jiyue_db::ProbeVisit;

use crate::fixtures::*;

fn visit(site_id: i64, at: chrono::DateTime<Utc>, status: Option<u16>) -> ProbeVisit {
    let ok = status.is_some_and(|status| (200..300).contains(&status));
    ProbeVisit {
        site_id,
        checked_at: at,
        url: "https://www.jl.gov.cn/".to_string(),
        status,
        elapsed_ms: 120,
        ok,
        reason: (!ok).then(|| "status 500".to_string()),
    }
}

#[tokio::test]
async fn visits_stored_once_with_china_day() {
    for db in dbs().await {
        let world = build_world(&db).await;
        // 23:30 UTC on 1 March is 07:30 on 2 March in China.
        let late = Utc.with_ymd_and_hms(2024, 3, 1, 23, 30, 0).unwrap();
        let early = Utc.with_ymd_and_hms(2024, 3, 1, 1, 0, 0).unwrap();
        let visits = vec![
            visit(world.portal, early, Some(200)),
            visit(world.portal, late, Some(500)),
            visit(world.english, late, None),
        ];
        assert_eq!(db.record_probe_visits(&visits).await.unwrap(), 3);

        // A replayed spool file stores nothing twice.
        assert_eq!(
            db.record_probe_visits(&visits).await.unwrap(),
            0,
            "{}",
            db.label()
        );

        let from = early - Duration::hours(1);
        let to = late + Duration::hours(1);
        let portal = db.probe_results(world.portal, from, to).await.unwrap();
        assert_eq!(portal.len(), 2);
        assert_eq!(portal[0].day, NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        assert_eq!(portal[1].day, NaiveDate::from_ymd_opt(2024, 3, 2).unwrap());
        assert!(portal[0].ok);
        assert_eq!(portal[1].status, Some(500));
        assert_eq!(portal[1].reason.as_deref(), Some("status 500"));
        assert!(!portal[1].ok);

        let english = db.probe_results(world.english, from, to).await.unwrap();
        assert_eq!(english.len(), 1);
        assert_eq!(english[0].status, None);

        let sites = db.probed_sites(from, to).await.unwrap();
        assert_eq!(sites, {
            let mut sites = vec![world.portal, world.english];
            sites.sort();
            sites
        });
        // The end of a range is exclusive.
        assert_eq!(
            db.probe_results(world.portal, from, late)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn negative_time_rejected_and_pruning() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let at = Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).unwrap();
        let mut bad = visit(world.portal, at, Some(200));
        bad.elapsed_ms = -1;
        let error = db.record_probe_visits(&[bad]).await.unwrap_err();
        assert!(error.to_string().contains("negative"), "{error}");

        let old = visit(world.portal, at - Duration::days(40), Some(200));
        let new = visit(world.portal, at, Some(200));
        db.record_probe_visits(&[old, new]).await.unwrap();
        let pruned = db
            .prune_probe_results(at - Duration::days(30))
            .await
            .unwrap();
        assert_eq!(pruned, 1, "{}", db.label());
        assert_eq!(count(&db, "probe_results").await, 1);
    }
}
