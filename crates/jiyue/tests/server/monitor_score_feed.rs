//! Scorecards filled from the checks on the demo province. The wording check's misnamed
//! officials veto their site, and a broken home-page link from the link job costs the portal
//! points. One day of probes is too short to judge, and unmeasured rules are listed as such.
//! The demo's ranking lists every site with its evidence.

use chrono::{Duration, TimeZone, Utc};
use jiyue_auth::Role;
use jiyue_db::{GrantRef, ProbeVisit};
use jiyue_monitor::wording_scan::{check_item, item_faults};
use jiyue_monitor::{Check, Fault, Severity, WordLists};
use jiyue_web::monitor::scorecards::{self, Period};
use jiyue_web::monitor::{raise_and_report, run_job};

use crate::admin_support::{create_account, start, AdminClient};
use crate::support::{backends, start_demo_with, unescape, TestServer};

const PORTAL: &str = "2200000001";
const DIGEST: &str = include_str!("../../demo/source/news-digest-2018-11.txt");
const BROKEN: &str = "https://www.jl.gov.cn/zwgk/gone.html";

/// Signs in a platform operator.
async fn operator(server: &TestServer) -> AdminClient {
    let account = create_account(
        server,
        "yunwei",
        Role::SystemAdmin,
        GrantRef::Platform,
        true,
    )
    .await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    client
}

#[tokio::test]
async fn demo_cards_show_evidence() {
    for backend in backends() {
        let server = start(backend).await;
        let app = server.running.as_ref().unwrap().app.clone();
        let sites = app.db.sites().await.unwrap();
        let portal = sites.iter().find(|site| site.code == PORTAL).unwrap();

        // The demo publishes corrected text, so the wording check reads the digest's original
        // line as the body of a published item and finds the misnamed officials.
        let lists = WordLists::load(&app.db).await.unwrap();
        let item = app.db.all_published_items(0, 1).await.unwrap().remove(0);
        let original = DIGEST.lines().next().unwrap();
        let found = check_item(&lists, &item.meta.title, &format!("<p>{original}</p>"));
        let faults = item_faults(&item, &found);
        raise_and_report(&app, Check::Wording, None, &faults)
            .await
            .unwrap();
        // The link job finds a broken link on the portal's home page.
        let link = Fault::new(
            Check::Links,
            Some(portal.id),
            format!("links:{}:/:{BROKEN}", portal.id),
            Severity::Warning,
            "links-fault-broken",
            format!("page /, link {BROKEN}: HTTP 404"),
        )
        .arg("page", "home")
        .arg("target", BROKEN);
        let ran = run_job(&app, "links", Duration::hours(24), || async {
            raise_and_report(&app, Check::Links, None, std::slice::from_ref(&link)).await
        })
        .await;
        assert!(ran);

        // A day of probes of the last site in which every other visit failed.
        let probed = sites.iter().max_by_key(|site| site.code.clone()).unwrap();
        let start_at = Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap();
        let visits: Vec<ProbeVisit> = (0..24)
            .map(|hour| ProbeVisit {
                site_id: probed.id,
                checked_at: start_at + Duration::hours(hour) / 4,
                url: "http://probe.example/".to_string(),
                status: if hour % 2 == 0 { Some(200) } else { None },
                elapsed_ms: 120,
                ok: hour % 2 == 0,
                reason: (hour % 2 == 1).then(|| "timed out after 15 s".to_string()),
            })
            .collect();
        app.db.record_probe_visits(&visits).await.unwrap();

        let period = Period::current(app.today(), app.clock.now());
        assert_eq!(period.month, "2026-12");
        app.signals.set_rules(jiyue_monitor::signals::SignalRules {
            rate_max_requests: 50,
            ..Default::default()
        });
        app.signals.drain();
        let outcome = scorecards::snapshot(&app, &period).await.unwrap();
        // Rendering every page in-process is not a visitor's rate spike.
        let signals = app.signals.drain();
        assert!(signals.is_empty(), "{backend}: {signals:?}");
        assert!(
            outcome.contains(&format!("{} site(s) scored", sites.len())),
            "{outcome}"
        );

        let client = operator(&server).await;
        let ranking = client.get("/monitor/scores?month=2026-12").await;
        assert_eq!(ranking.status, 200, "{}", ranking.body);
        for site in &sites {
            assert!(
                ranking.body.contains(&site.name),
                "{backend}: {} missing from the ranking",
                site.name
            );
        }

        let card = client
            .get(&format!("/monitor/scores/{PORTAL}?month=2026-12"))
            .await;
        assert_eq!(card.status, 200, "{}", card.body);
        let body = unescape(&card.body);
        assert!(body.contains(BROKEN), "{backend}: home-page link evidence");
        assert!(
            body.contains("function-inaccessible-page"),
            "{backend}: accessibility is listed as unmeasured"
        );

        // The site whose item names 李甘杰 fails on a serious misstatement.
        let misnamed = app
            .db
            .alerts(&jiyue_db::AlertFilter {
                check: Some("wording".into()),
                severity: Some("critical".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let alert = misnamed
            .iter()
            .find(|alert| alert.evidence.contains("李甘杰"))
            .expect("the digest's misnamed minister is an alert");
        let site = sites
            .iter()
            .find(|site| Some(site.id) == alert.site_id)
            .unwrap();
        let card = client
            .get(&format!("/monitor/scores/{}?month=2026-12", site.code))
            .await;
        let body = unescape(&card.body);
        assert!(body.contains("veto-serious-error"), "{backend}: {body}");
        assert!(
            body.contains("李甘杰"),
            "{backend}: the evidence names the word"
        );

        // An operator scores a month again from the ranking page; a wrong month is named.
        let bad = client
            .post_form(
                "/monitor/scores",
                "/monitor/scores/snapshot",
                &[("month", "2026-13")],
            )
            .await;
        assert_eq!(bad.status, 400, "{}", bad.body);
        assert!(bad.body.contains("2026-13"), "{backend}: {}", bad.body);
        let forged = client
            .post("/monitor/scores/snapshot", &[("month", "2026-11")])
            .await;
        assert_eq!(forged.status, 403, "a form without CSRF token is refused");
        let again = client
            .post_form(
                "/monitor/scores",
                "/monitor/scores/snapshot",
                &[("month", "2026-11")],
            )
            .await;
        assert_eq!(again.status, 303, "{}", again.body);
        assert!(again.location.contains("notice="), "{}", again.location);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
        while app
            .db
            .score_ranking(&jiyue_db::Scope::Platform, "2026-11")
            .await
            .unwrap()
            .len()
            < sites.len()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "{backend}: November not scored"
            );
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        let november = client.get("/monitor/scores?month=2026-11").await;
        assert!(november.body.contains(&portal.name));

        let stored = app
            .db
            .score_ranking(&jiyue_db::Scope::Platform, "2026-12")
            .await
            .unwrap();
        assert_eq!(stored.len(), sites.len());
        let probed_row = stored.iter().find(|row| row.site_id == probed.id).unwrap();
        let probed_card = jiyue_monitor::score::card_from_json(&probed_row.card).unwrap();
        // One day of probes is too short to judge the availability veto.
        assert!(
            probed_card
                .unjudged
                .iter()
                .any(|code| code == "veto-unreachable"),
            "{backend}: {probed_card:?}"
        );
        let _ = server;
    }
}

/// `jiyue serve --demo` takes the month's scorecards right after start: the ranking lists
/// every demo site without anyone running a job by hand.
#[tokio::test]
async fn demo_start_scores_sites() {
    let backend = "sqlite";
    let server = start_demo_with(backend, tempfile::tempdir().unwrap(), |args| {
        args.trusted_proxies = Some("127.0.0.1".into());
        args.demo_scorecards = true;
    })
    .await;
    let sites = server.app().db.sites().await.unwrap();

    let client = operator(&server).await;

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    loop {
        let ranking = client.get("/monitor/scores").await;
        assert!(
            ranking.status == 200 || ranking.status == 404,
            "{}",
            ranking.body
        );
        if sites.iter().all(|site| ranking.body.contains(&site.name)) {
            assert!(ranking.body.contains("2026-12"), "{}", ranking.body);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the demo's scorecards did not appear: {}",
            ranking.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }

    let jobs = server.app().db.monitor_jobs().await.unwrap();
    let job = jobs.iter().find(|job| job.name == "scorecards").unwrap();
    assert!(
        job.last_outcome
            .as_deref()
            .unwrap_or("")
            .contains("site(s) scored"),
        "{job:?}"
    );
}

#[test]
fn month_periods() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 5, 1, 0, 0).unwrap();
    let november = Period::of_month("2026-11", today, now).unwrap();
    assert_eq!(november.first.to_string(), "2026-11-01");
    assert_eq!(november.last.to_string(), "2026-11-30");
    // Midnight in China is 16:00 UTC the day before.
    assert_eq!(
        november.from,
        Utc.with_ymd_and_hms(2026, 10, 31, 16, 0, 0).unwrap()
    );
    assert_eq!(
        november.to,
        Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap()
    );
    let current = Period::of_month("2026-12", today, now).unwrap();
    assert_eq!(current.last, today);
    assert_eq!(current.to, now);
    let error = Period::of_month("2027-01", today, now).unwrap_err();
    assert!(error.contains("2027-01"), "{error}");
    assert!(Period::of_month("2026-13", today, now).is_err());
}
