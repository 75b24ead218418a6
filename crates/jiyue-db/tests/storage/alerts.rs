//! The alert desk's storage: one live alert per fault key, severity only rising, clearing by a
//! complete run, acknowledgement and resolution, escalation once per level, deliveries once
//! each, the jobs table's leases and staff e-mail addresses.

use chrono::{Duration, NaiveDate};
use jiyue_core::Clock;
use jiyue_db::{AlertFilter, NewAlert, NewStaff, RaiseOutcome};

use crate::fixtures::*;

fn fault(key: &str, severity: &str, site: Option<i64>) -> NewAlert {
    NewAlert {
        check: "links".to_string(),
        site_id: site,
        owner_org_id: None,
        fault_key: key.to_string(),
        severity: severity.to_string(),
        message: "links-broken".to_string(),
        args: "{}".to_string(),
        evidence: format!("{key} answered 404"),
        due_on: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
    }
}

/// Creates the staff member who acknowledges and resolves alerts.
async fn ops(db: &jiyue_db::Db, org: i64) -> i64 {
    db.create_staff(&NewStaff {
        username: "ops".to_string(),
        display_name: "值班员".to_string(),
        org_id: Some(org),
        password_hash: "x".to_string(),
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_fault_is_raised_once_while_its_alert_is_live() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let site = Some(world.portal);
        let first = db.raise_alert(&fault("k1", "warning", site)).await.unwrap();
        let RaiseOutcome::Raised(id) = first else {
            panic!("{}: first raise was {first:?}", db.label());
        };
        assert_eq!(
            db.raise_alert(&fault("k1", "warning", site)).await.unwrap(),
            RaiseOutcome::Seen(id)
        );
        // A lower severity never lowers the alert; a higher one raises it again.
        assert_eq!(
            db.raise_alert(&fault("k1", "notice", site)).await.unwrap(),
            RaiseOutcome::Seen(id)
        );
        assert_eq!(
            db.raise_alert(&fault("k1", "critical", site))
                .await
                .unwrap(),
            RaiseOutcome::Worsened(id)
        );
        let alert = db.alert(id).await.unwrap().unwrap();
        assert_eq!(alert.severity, "critical");
        assert_eq!(alert.seen_count, 4);
        assert_eq!(alert.status, "open");

        let all = db.alerts(&AlertFilter::default()).await.unwrap();
        assert_eq!(all.len(), 1, "{}: one alert for one key", db.label());

        // Once resolved, the same fault found again is a new alert.
        let cleared = db.resolve_cleared_alerts("links", None, &[]).await.unwrap();
        assert_eq!(cleared, vec![id]);
        let again = db.raise_alert(&fault("k1", "warning", site)).await.unwrap();
        assert!(matches!(again, RaiseOutcome::Raised(other) if other != id));
    }
}

#[tokio::test]
async fn a_run_clears_only_its_check_and_scope() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let a = db
            .raise_alert(&fault("a", "warning", Some(world.portal)))
            .await
            .unwrap()
            .id();
        let b = db
            .raise_alert(&fault("b", "warning", Some(world.city_site)))
            .await
            .unwrap()
            .id();
        let mut other = fault("c", "warning", Some(world.portal));
        other.check = "freshness".to_string();
        let c = db.raise_alert(&other).await.unwrap().id();

        // A run of the link check over the portal alone that still finds nothing clears the
        // portal's link alert only.
        let cleared = db
            .resolve_cleared_alerts("links", Some(world.portal), &[])
            .await
            .unwrap();
        assert_eq!(cleared, vec![a], "{}", db.label());
        assert_eq!(db.alert(b).await.unwrap().unwrap().status, "open");
        assert_eq!(db.alert(c).await.unwrap().unwrap().status, "open");

        // A full run that still finds b keeps it.
        let cleared = db
            .resolve_cleared_alerts("links", None, &["b".to_string()])
            .await
            .unwrap();
        assert!(cleared.is_empty());
        let live = db
            .alerts(&AlertFilter {
                live: true,
                sites: Some(vec![world.city_site]),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].id, b);
    }
}

#[tokio::test]
async fn alerts_during_a_period_are_those_live_in_it() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let site = Some(world.portal);
        let start = db.clock.now();
        let Ok(RaiseOutcome::Raised(early)) =
            db.raise_alert(&fault("early", "warning", site)).await
        else {
            panic!("{}: the first alert was not raised", db.label());
        };
        db.clock.advance(Duration::days(2));
        let staff = ops(&db, world.province).await;
        assert!(db.resolve_alert(early, staff, "已修复").await.unwrap());
        db.clock.advance(Duration::days(2));
        let Ok(RaiseOutcome::Raised(late)) = db.raise_alert(&fault("late", "critical", site)).await
        else {
            panic!("{}: the second alert was not raised", db.label());
        };

        let ids = |alerts: Vec<jiyue_db::AlertRecord>| -> Vec<i64> {
            alerts.iter().map(|alert| alert.id).collect()
        };
        let first_day = db
            .alerts_during("links", start, start + Duration::days(1))
            .await
            .unwrap();
        assert_eq!(ids(first_day), vec![early], "{}", db.label());
        let all = db
            .alerts_during("links", start, start + Duration::days(5))
            .await
            .unwrap();
        assert_eq!(ids(all), vec![early, late], "{}", db.label());
        // At the end of the fourth day only the late alert is live.
        let end = start + Duration::days(4) + Duration::hours(1);
        let at_end = db.alerts_during("links", end, end).await.unwrap();
        assert_eq!(ids(at_end), vec![late], "{}", db.label());
        let other_check = db
            .alerts_during("wording", start, start + Duration::days(5))
            .await
            .unwrap();
        assert!(other_check.is_empty(), "{}", db.label());
    }
}

#[tokio::test]
async fn acknowledge_resolve_and_escalate_happen_once() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let staff = ops(&db, world.province).await;
        let id = db
            .raise_alert(&fault("e", "critical", Some(world.portal)))
            .await
            .unwrap()
            .id();
        assert!(db.escalate_alert(id, 0).await.unwrap());
        assert!(
            !db.escalate_alert(id, 0).await.unwrap(),
            "{}: the same level escalates once",
            db.label()
        );
        assert_eq!(db.alert(id).await.unwrap().unwrap().level, 1);

        assert!(db.acknowledge_alert(id, staff).await.unwrap());
        assert!(!db.acknowledge_alert(id, staff).await.unwrap());
        // An acknowledged alert does not escalate.
        assert!(!db.escalate_alert(id, 1).await.unwrap());

        let long_note = "说".repeat(jiyue_db::MAX_RESOLUTION_CHARS + 1);
        let error = db.resolve_alert(id, staff, &long_note).await.unwrap_err();
        assert!(error.to_string().contains("shorten"), "{error}");
        assert!(db.resolve_alert(id, staff, "链接已修复").await.unwrap());
        assert!(!db.resolve_alert(id, staff, "again").await.unwrap());
        let alert = db.alert(id).await.unwrap().unwrap();
        assert_eq!(alert.status, "resolved");
        assert_eq!(alert.resolved_by, Some(staff));
        assert_eq!(alert.resolution.as_deref(), Some("链接已修复"));

        let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let counts = db.alert_counts(None, today).await.unwrap();
        assert_eq!(counts.critical, 0, "resolved alerts are not counted");
    }
}

#[tokio::test]
async fn deliveries_are_recorded_once_and_claimed_once() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let id = db
            .raise_alert(&fault("d", "warning", Some(world.portal)))
            .await
            .unwrap()
            .id();
        assert!(db
            .queue_delivery(id, "raised", "mail", "ops@example.gov.cn")
            .await
            .unwrap());
        assert!(!db
            .queue_delivery(id, "raised", "mail", "ops@example.gov.cn")
            .await
            .unwrap());
        assert!(db
            .queue_delivery(id, "raised", "webhook", "http://127.0.0.1:9/hook")
            .await
            .unwrap());

        let due = db.due_deliveries(10).await.unwrap();
        assert_eq!(due.len(), 2, "{}", db.label());
        let first = &due[0];
        let retry = db.clock().now() + Duration::minutes(5);
        assert!(db.claim_delivery(first.id, 0, retry).await.unwrap());
        assert!(
            !db.claim_delivery(first.id, 0, retry).await.unwrap(),
            "a second node cannot claim the same attempt"
        );
        db.delivery_sent(first.id).await.unwrap();

        let second = &due[1];
        assert!(db.claim_delivery(second.id, 0, retry).await.unwrap());
        db.delivery_failed(second.id, "connection refused", false)
            .await
            .unwrap();
        assert!(db.due_deliveries(10).await.unwrap().is_empty());
        db.clock.advance(Duration::minutes(6));
        let retried = db.due_deliveries(10).await.unwrap();
        assert_eq!(retried.len(), 1);
        assert_eq!(retried[0].attempts, 1);
        assert_eq!(retried[0].last_error.as_deref(), Some("connection refused"));

        let all = db.alert_deliveries(id).await.unwrap();
        assert_eq!(all[0].status, "sent");
    }
}

#[tokio::test]
async fn job_leases_let_one_node_run_each_job() {
    for db in dbs().await {
        let lease = Duration::minutes(30);
        assert!(db.claim_monitor_job("links", "a", lease).await.unwrap());
        assert!(
            !db.claim_monitor_job("links", "b", lease).await.unwrap(),
            "{}: a held lease keeps the job",
            db.label()
        );
        let next = db.clock().now() + Duration::hours(1);
        db.finish_monitor_job("links", "a", "ok", next)
            .await
            .unwrap();
        assert!(!db.claim_monitor_job("links", "b", lease).await.unwrap());
        db.clock.advance(Duration::minutes(61));
        assert!(db.claim_monitor_job("links", "b", lease).await.unwrap());
        // A node that died holding the lease loses it when it lapses.
        db.clock.advance(Duration::minutes(31));
        assert!(db.claim_monitor_job("links", "c", lease).await.unwrap());
        let jobs = db.monitor_jobs().await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].last_outcome.as_deref(), Some("ok"));
    }
}

#[tokio::test]
async fn staff_email_is_checked_and_reaches_the_right_roles() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let admin = db
            .create_staff(&NewStaff {
                username: "siteadmin".to_string(),
                display_name: "网站管理员".to_string(),
                org_id: Some(world.province),
                password_hash: "x".to_string(),
            })
            .await
            .unwrap();
        let error = db
            .set_staff_email(admin, Some("not an address"))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("name@example.gov.cn"), "{error}");
        db.set_staff_email(admin, Some("admin@jl.gov.cn"))
            .await
            .unwrap();
        db.add_grant(
            admin,
            jiyue_auth::Role::SiteAdmin,
            jiyue_db::GrantRef::Site(world.portal),
            None,
        )
        .await
        .unwrap();
        let to_portal = db
            .alert_recipients(&["site_admin"], Some(world.province), Some(world.portal))
            .await
            .unwrap();
        assert_eq!(
            to_portal,
            vec!["admin@jl.gov.cn".to_string()],
            "{}",
            db.label()
        );
        let to_city = db
            .alert_recipients(&["site_admin"], Some(world.city), Some(world.city_site))
            .await
            .unwrap();
        assert!(to_city.is_empty());
        db.set_staff_email(admin, None).await.unwrap();
        assert!(db
            .alert_recipients(&["site_admin"], None, Some(world.portal))
            .await
            .unwrap()
            .is_empty());
    }
}
