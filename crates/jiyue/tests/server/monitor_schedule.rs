//! The `[monitor]` settings of the scheduled checks on the real server. The "tamper-export"
//! job restores an altered file of a mirror, removes a planted one and raises critical alerts
//! shown on the dashboard. The "tamper-served" job fetches pages through the configured
//! override address. The "links" job finds a broken link planted in a published item and one
//! in every page's footer, and keeps home and inner pages apart. An invalid value in each new
//! section stops `jiyue serve` with a message naming the key and the value.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiyue_auth::Role;
use jiyue_db::{AlertFilter, AlertRecord, GrantRef, NewSite, Scope};
use jiyue_web::export::{export_site, read_manifest};

use crate::admin_support::{create_account, AdminClient};
use crate::support::{
    backends, free_port, start_demo, start_demo_config, start_demo_with, TestServer,
};

const PORTAL: &str = "2200000001";
const PORTAL_HOST: &str = "www.jl.localhost";
const CITY: &str = "2201000001";

fn app(server: &TestServer) -> Arc<jiyue_web::App> {
    server.running.as_ref().unwrap().app.clone()
}

async fn site_id(server: &TestServer, code: &str) -> i64 {
    server
        .app()
        .db
        .site_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Returns the live alerts of `check` on `site`.
async fn live_alerts(server: &TestServer, check: &str, site: i64) -> Vec<AlertRecord> {
    server
        .app()
        .db
        .alerts(&AlertFilter {
            check: Some(check.to_string()),
            site_id: Some(site),
            live: true,
            ..Default::default()
        })
        .await
        .unwrap()
}

fn args(alert: &AlertRecord) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(&alert.args).unwrap()
}

fn arg<'a>(args: &'a serde_json::Map<String, serde_json::Value>, name: &str) -> &'a str {
    args.get(name)
        .and_then(|value| value.as_str())
        .unwrap_or("")
}

/// Runs job `name` once after everything the test did so far, as the monitor loop does, and
/// returns when that run has finished. The server's own loop may take the job first, so the
/// clock moves one second, and a finished run that started at or after it counts, whichever
/// node ran it.
async fn run_job_now(server: &TestServer, name: &str) {
    server.clock.advance(chrono::Duration::seconds(1));
    let after = jiyue_core::Clock::now(server.clock.as_ref());
    for _ in 0..20 {
        let job = wait_idle(server, name).await;
        if job.is_some_and(|job| job.last_started_at.is_some_and(|started| started >= after)) {
            return;
        }
        server.app().db.run_monitor_job_now(name).await.unwrap();
        jiyue_web::monitor::run_due(&app(server)).await;
    }
    panic!("job {name} did not run");
}

/// Waits until no node holds the lease of job `name`, and returns the job.
async fn wait_idle(server: &TestServer, name: &str) -> Option<jiyue_db::MonitorJob> {
    for _ in 0..1200 {
        let jobs = server.app().db.monitor_jobs().await.unwrap();
        let job = jobs.into_iter().find(|job| job.name == name);
        match job {
            Some(job) if job.lease_until.is_some() => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return other,
        }
    }
    panic!("job {name} still runs after two minutes");
}

#[tokio::test]
async fn mirror_tampering_is_restored_and_alerted() {
    for backend in backends() {
        // The mirror must hold an export before the server that checks it starts.
        let mirror = tempfile::tempdir().unwrap();
        let first = start_demo(backend).await;
        export_site(&app(&first), PORTAL, mirror.path())
            .await
            .unwrap();
        let mirror_config = format!(
            "[[monitor.mirrors]]\nsite = \"{PORTAL}\"\ndir = \"{}\"\n\n\
             [monitor.links]\nexternal = false\n",
            mirror.path().display()
        );
        // The checking server must read the database the export came from. On SQLite it
        // restarts on the same data folder. On PostgreSQL a second node joins the first
        // one's database, which stays up until the end.
        let (server, _first) = if backend == "postgres" {
            let database_url = first.database_url().unwrap();
            let data = tempfile::tempdir().unwrap();
            let config = data.path().join("jiyue.toml");
            std::fs::write(&config, &mirror_config).unwrap();
            let server = start_demo_with(backend, data, |args| {
                args.data.config = Some(config);
                args.data.database_url = Some(database_url);
                args.trusted_proxies = Some("127.0.0.1".into());
            })
            .await;
            (server, Some(first))
        } else {
            let data = first.stop_keeping_data().await;
            let config = data.path().join("jiyue.toml");
            std::fs::write(&config, &mirror_config).unwrap();
            let server = start_demo_with(backend, data, |args| {
                args.data.config = Some(config);
                args.trusted_proxies = Some("127.0.0.1".into());
            })
            .await;
            (server, None)
        };
        let portal = site_id(&server, PORTAL).await;
        let desk = server.app().desk();
        assert_eq!(desk.mirrors.len(), 1, "{backend}");
        assert_eq!(desk.mirrors[0].site_id, portal, "{backend}");

        // A first run records this server's renders in the ledger and finds nothing.
        run_job_now(&server, "tamper-export").await;
        assert!(
            live_alerts(&server, "tampering", portal).await.is_empty(),
            "{backend}: the fresh export is clean"
        );

        let home = mirror.path().join("index.html");
        let mut altered = std::fs::read(&home).unwrap();
        altered.extend_from_slice("<p>已被篡改</p>".as_bytes());
        std::fs::write(&home, &altered).unwrap();
        let planted = mirror.path().join("planted.html");
        std::fs::write(&planted, "<html>植入的页面</html>").unwrap();

        run_job_now(&server, "tamper-export").await;

        let response = server
            .raw
            .get(server.url(PORTAL_HOST, "/"))
            .send()
            .await
            .unwrap();
        let served = response.bytes().await.unwrap();
        let restored = std::fs::read(&home).unwrap();
        assert_ne!(restored, altered, "{backend}: altered file left in place");
        assert_eq!(restored, served.to_vec(), "{backend}: home page restored");
        assert!(!planted.exists(), "{backend}: planted file removed");
        let manifest = read_manifest(mirror.path()).unwrap();
        assert!(
            manifest
                .files
                .iter()
                .all(|file| file.path != "/planted.html"),
            "{backend}: planted file not listed"
        );

        let alerts = live_alerts(&server, "tampering", portal).await;
        assert_eq!(alerts.len(), 2, "{backend}: {alerts:#?}");
        for alert in &alerts {
            assert_eq!(alert.severity, "critical", "{backend}");
            let args = args(alert);
            assert_eq!(arg(&args, "handled"), "true", "{backend}: {args:?}");
            assert_eq!(arg(&args, "place"), "export", "{backend}: {args:?}");
        }
        let paths: Vec<String> = alerts
            .iter()
            .map(|alert| arg(&args(alert), "path").to_string())
            .collect();
        assert!(paths.contains(&"/".to_string()), "{backend}: {paths:?}");
        assert!(
            paths.contains(&"/planted.html".to_string()),
            "{backend}: {paths:?}"
        );

        let account = create_account(
            &server,
            "yunwei",
            Role::SystemAdmin,
            GrantRef::Platform,
            true,
        )
        .await;
        let admin = AdminClient::new(&server);
        admin.sign_in(&server, &account).await;
        let dashboard = admin.get("/monitor").await;
        assert_eq!(dashboard.status, 200, "{backend}: {}", dashboard.body);
        for alert in &alerts {
            assert!(
                dashboard
                    .body
                    .contains(&format!("/monitor/alerts/{}\"", alert.id)),
                "{backend}: alert {} not on the dashboard",
                alert.id
            );
        }
        assert!(
            dashboard.body.contains("planted.html"),
            "{backend}: the planted file is named on the dashboard"
        );

        // The restored mirror is clean, so the next run clears both alerts.
        run_job_now(&server, "tamper-export").await;
        let alerts = live_alerts(&server, "tampering", portal).await;
        assert!(alerts.is_empty(), "{backend}: {alerts:#?}");
    }
}

#[tokio::test]
async fn served_tampering_uses_the_override_address() {
    for backend in backends() {
        let port = free_port();
        let config = format!(
            "[monitor.served]\nenabled = true\nallow_private = true\nmax_pages = 50\n\n\
             [monitor.served.urls]\n\"{PORTAL}\" = \"http://127.0.0.1:{port}/\"\n\n\
             [monitor.links]\nexternal = false\n"
        );
        let server = start_demo_config(backend, &config, Some(port)).await;
        let app = app(&server);
        let portal = site_id(&server, PORTAL).await;
        let served = app.desk().served.clone().unwrap();
        assert_eq!(
            served.urls.get(&portal).map(String::as_str),
            Some(format!("http://127.0.0.1:{port}").as_str()),
            "{backend}"
        );

        // The export records every page in the ledger. Then this node's cached home page is
        // replaced by altered bytes, as a tampered cache would contain them.
        let mirror = tempfile::tempdir().unwrap();
        export_site(&app, PORTAL, mirror.path()).await.unwrap();
        let response = server
            .raw
            .get(server.url(PORTAL_HOST, "/"))
            .send()
            .await
            .unwrap();
        let original = response.bytes().await.unwrap();
        let cached = app.cache.get(portal, "/").unwrap();
        let mut identity = cached.identity.clone();
        identity.body = String::from_utf8_lossy(&original)
            .replacen("</main>", "<p>篡改</p></main>", 1)
            .into_bytes()
            .into();
        identity.headers.remove("content-length");
        let altered = Arc::new(jiyue_web::cache::CachedPage {
            status: cached.status,
            identity,
            gzip: None,
            brotli: None,
            tags: cached.tags.clone(),
            view: cached.view,
        });
        app.cache.insert(portal, "/", altered, app.cache.epoch());
        let (_, tampered) = server.get(PORTAL_HOST, "/").await;
        assert!(tampered.contains("<p>篡改</p>"), "{backend}: cache altered");

        run_job_now(&server, "tamper-served").await;

        let alerts = live_alerts(&server, "tampering", portal).await;
        assert_eq!(alerts.len(), 1, "{backend}: {alerts:#?}");
        let args = args(&alerts[0]);
        assert_eq!(alerts[0].severity, "critical", "{backend}");
        assert_eq!(arg(&args, "path"), "/", "{backend}: {args:?}");
        assert_eq!(arg(&args, "place"), "served", "{backend}: {args:?}");
        assert_eq!(arg(&args, "handled"), "true", "{backend}: {args:?}");
        assert_eq!(
            arg(&args, "location"),
            format!("http://127.0.0.1:{port}/"),
            "{backend}: fetched through the override address"
        );
        let response = server
            .raw
            .get(server.url(PORTAL_HOST, "/"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.bytes().await.unwrap(),
            original,
            "{backend}: the right page is served again"
        );
    }
}

/// A news item of the city site whose body links to a page that does not exist.
const BROKEN_ITEM: &str = "+++\n\
id = \"schedule-broken-link\"\n\
org = \"11220100000000019K\"\n\
site = \"2201000001\"\n\
column = \"yw\"\n\
title = \"链接检查测试稿件\"\n\
lang = \"zh-CN\"\n\
published_at = \"2026-11-30 09:00\"\n\
+++\n\n\
详见[已删除的页面](/yw/no-such-page.html)。\n";

#[tokio::test]
async fn broken_links_split_home_and_inner() {
    for backend in backends() {
        let server = start_demo_config(
            backend,
            "[monitor.links]\nexternal = false\nevery_hours = 12\n",
            None,
        )
        .await;
        let desk = server.app().desk();
        assert_eq!(desk.links.every, chrono::Duration::hours(12), "{backend}");
        assert!(desk.links.options.offline, "{backend}");
        let db = &server.app().db;
        let city = site_id(&server, CITY).await;

        // A broken link in the body of a published item, on an inner page only.
        let item = jiyue::import::parse_markdown(Path::new("broken.md"), BROKEN_ITEM).unwrap();
        db.save_item(&Scope::Platform, &item).await.unwrap();

        // A broken script address in the footer, on the home page and every inner page.
        let site = db.site_by_code(CITY).await.unwrap().unwrap();
        let org = db.org(site.org_id).await.unwrap().unwrap();
        let mut settings = site.settings.clone();
        settings.error_report_script_url = Some("/static/no-such-script.js".to_string());
        db.upsert_site(
            &Scope::Platform,
            &NewSite {
                code: site.code.clone(),
                org_credit_code: org.credit_code.clone(),
                name: site.name.clone(),
                lang: site.lang.clone(),
                description: site.description.clone(),
                keywords: site.keywords.clone(),
                primary_domain: site.primary_domain.clone(),
                aliases: site.aliases.clone(),
                language_version_of: None,
                theme: site.theme.clone(),
                settings,
            },
        )
        .await
        .unwrap();
        server.app().reload_sites().await.unwrap();

        run_job_now(&server, "links").await;

        let alerts = live_alerts(&server, "links", city).await;
        let home: Vec<_> = alerts
            .iter()
            .filter(|alert| arg(&args(alert), "page") == "home")
            .collect();
        let inner: Vec<_> = alerts
            .iter()
            .filter(|alert| arg(&args(alert), "page") == "inner")
            .collect();
        assert_eq!(
            home.len() + inner.len(),
            alerts.len(),
            "{backend}: every link alert says home or inner"
        );
        assert!(
            home.iter().any(|alert| {
                let args = args(alert);
                arg(&args, "target").ends_with("/static/no-such-script.js")
                    && alert.message == "monitor-links-home"
            }),
            "{backend}: no home page alert for the footer script: {home:#?}"
        );
        assert!(
            inner
                .iter()
                .all(|alert| alert.message == "monitor-links-inner"),
            "{backend}"
        );
        let planted: Vec<_> = inner
            .iter()
            .filter(|alert| arg(&args(alert), "target").ends_with("/yw/no-such-page.html"))
            .collect();
        assert!(
            !planted.is_empty(),
            "{backend}: no inner page alert for the item's link: {inner:#?}"
        );
        for alert in &planted {
            let args = args(alert);
            assert_eq!(arg(&args, "problem"), "404", "{backend}: {args:?}");
            assert!(
                arg(&args, "url").starts_with("http://www.changchun.localhost"),
                "{backend}: {args:?}"
            );
            assert_eq!(alert.severity, "warning", "{backend}");
        }

        // The dashboard shows both kinds in words, from the desk's own messages.
        let account = create_account(
            &server,
            "yunwei",
            Role::SystemAdmin,
            GrantRef::Platform,
            true,
        )
        .await;
        let admin = AdminClient::new(&server);
        admin.sign_in(&server, &account).await;
        let dashboard = admin.get("/monitor?check=links").await;
        assert_eq!(dashboard.status, 200, "{backend}: {}", dashboard.body);
        assert!(
            dashboard.body.contains("首页链接不可用："),
            "{backend}: no home page alert on the dashboard"
        );
        assert!(
            dashboard.body.contains("内页链接不可用："),
            "{backend}: no inner page alert on the dashboard"
        );

        // The demo's own links all work, so only the two planted addresses are reported:
        // pages the web crate routes itself (service guides, forms) are not false alarms.
        for alert in &alerts {
            let args = args(alert);
            let target = arg(&args, "target");
            assert!(
                target.ends_with("/static/no-such-script.js")
                    || target.ends_with("/yw/no-such-page.html"),
                "{backend}: unexpected broken link {args:?}"
            );
        }
        let portal = site_id(&server, PORTAL).await;
        let portal_alerts = live_alerts(&server, "links", portal).await;
        assert!(portal_alerts.is_empty(), "{backend}: {portal_alerts:#?}");
    }
}

/// Runs `jiyue serve` with `config` and returns what it printed once it exited; fails when
/// it is still running after a minute, since a valid start never exits by itself.
fn serve_with(config: &str, demo: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jiyue.toml");
    std::fs::write(&path, config).unwrap();
    let data = dir.path().join("data");
    let mut command = Command::new(env!("CARGO_BIN_EXE_jiyue"));
    command
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(&data)
        .arg("--config")
        .arg(&path)
        .env_remove("JIYUE_DATABASE_URL")
        .env("JIYUE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if demo {
        command.arg("--demo");
    }
    let mut child = command.spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("jiyue serve started with an invalid config:\n{config}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success(), "{config}");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn invalid_monitor_settings_stop_serve() {
    let cases: &[(&str, &[&str])] = &[
        (
            "[monitor.freshness]\nhome_warning_days = 20\n",
            &["home_warning_days = 20", "1 to 14"],
        ),
        ("[monitor.freshness]\nhome_warning = 3\n", &["home_warning"]),
        (
            "[monitor.availability]\nperiod_days = 0\n",
            &["[monitor.availability]", "period_days 0", "1 to 366"],
        ),
        (
            "[monitor.signals]\nrate_max_requests = 0\n",
            &["[monitor.signals]", "rate_max_requests 0", "1 or more"],
        ),
        (
            "[monitor.signals]\nrate_window_secs = 7200\n",
            &["rate_window_secs 7200", "1 to 3600"],
        ),
        (
            "[[monitor.mirrors]]\nsite = \"2299999999\"\ndir = \"/tmp\"\n",
            &["[[monitor.mirrors]] entry 1", "2299999999"],
        ),
        (
            "[monitor.served]\nenabled = true\nmax_pages = 0\n",
            &["[monitor.served] max_pages 0", "1 to 100000"],
        ),
        (
            "[monitor.served.urls]\n\"2299999999\" = \"https://cdn.example.gov.cn\"\n",
            &["[monitor.served.urls]", "2299999999"],
        ),
        (
            "[monitor.links]\nevery_hours = 0\n",
            &["[monitor.links] every_hours 0", "1 to 168"],
        ),
        (
            "[monitor.links]\ntimeout_secs = 900\n",
            &["[monitor.links] timeout_secs 900", "1 to 300"],
        ),
        (
            "[monitor.links]\nper_host_concurrency = 0\n",
            &["per_host_concurrency 0", "1 to 16"],
        ),
    ];
    for (config, expected) in cases {
        let output = serve_with(config, false);
        for text in *expected {
            assert!(
                output.contains(text),
                "config:\n{config}\nexpected {text:?} in:\n{output}"
            );
        }
    }
}

#[test]
fn missing_mirror_folder_stops_serve() {
    let output = serve_with(
        "[[monitor.mirrors]]\nsite = \"2200000001\"\ndir = \"/nonexistent/jiyue-mirror\"\n",
        true,
    );
    assert!(
        output.contains("/nonexistent/jiyue-mirror"),
        "the folder is named: {output}"
    );
    assert!(
        output.contains("jiyue export static --site 2200000001"),
        "the fix is named: {output}"
    );
}
