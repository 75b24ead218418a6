//! The alert desk on the real server. A fault raises one alert, which reaches a local SMTP
//! server (aiosmtpd) and a local webhook receiver once each. The receiver is Python's
//! http.server and checks the HMAC-SM3 signature with its own OpenSSL. A failed post is retried
//! with the same delivery id, an unacknowledged critical alert escalates once to the platform's
//! administrators, and a run that no longer finds the fault resolves it. The dashboard shows a
//! site administrator only their sites' alerts and lets them acknowledge and resolve.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use jiyue_auth::Role;
use jiyue_db::GrantRef;
use jiyue_monitor::{Check, Fault, Severity};

use crate::admin_support::{create_account, AdminClient};
use crate::citizen_accounts::{python, script, SmtpSink};
use crate::support::{backends, start_demo_config, TestServer};

const PORTAL: &str = "2200000001";
const CITY: &str = "2201000001";
const SECRET: &str = "hook-secret-2026";

/// A local webhook receiver; stopped when dropped.
struct WebhookSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl WebhookSink {
    fn start(fail_first: u32) -> WebhookSink {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(python())
            .arg(script("webhook_sink.py"))
            .arg(dir.path())
            .arg(SECRET)
            .arg(fail_first.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot run {}: {error}; set JIYUE_TEST_PYTHON", python())
            });
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("webhook_sink.py printed {line:?}, not a port"));
        WebhookSink { child, port, dir }
    }

    fn path(&self, n: usize) -> PathBuf {
        self.dir.path().join(format!("{n}.json"))
    }

    fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter(|entry| {
                let name = entry.as_ref().unwrap().file_name();
                let name = name.to_string_lossy();
                name.ends_with(".json") && !name.starts_with('.')
            })
            .count()
    }

    /// Waits for post `n` (from 1) and returns it as JSON.
    async fn post(&self, n: usize) -> serde_json::Value {
        for _ in 0..100 {
            if let Ok(text) = std::fs::read_to_string(self.path(n)) {
                return serde_json::from_str(&text).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the webhook received no post {n} within 10 s");
    }
}

impl Drop for WebhookSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

fn broken_link(site: i64, key: &str, severity: Severity) -> Fault {
    Fault::new(
        Check::Links,
        Some(site),
        key,
        severity,
        "monitor-check-links",
        format!("https://www.jl.gov.cn/{key}.html answered 404"),
    )
}

/// Runs the desk's delivery until `done` holds, at most 10 s.
async fn deliver_until(server: &TestServer, done: impl Fn() -> bool) {
    for _ in 0..100 {
        jiyue_web::monitor::deliver(server.app()).await.unwrap();
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the deliveries did not arrive within 10 s");
}

#[tokio::test]
async fn alerts_reach_smtp_and_webhook_once_then_escalate_and_clear() {
    for backend in backends() {
        let smtp = SmtpSink::start();
        // The first post fails with 500, so the retry is tested too.
        let hook = WebhookSink::start(1);
        let config = format!(
            "[monitor]\nescalate_critical_minutes = 5\nadmin_url = \"http://admin.jl.localhost\"\n\
             allow_private = true\n\
             mail = {{ kind = \"smtp\", host = \"127.0.0.1\", port = {}, security = \"none\", \
             from = \"monitor@jl.gov.cn\" }}\n\
             [[monitor.webhooks]]\nurl = \"http://127.0.0.1:{}/hook\"\nsecret = \"{SECRET}\"\n",
            smtp.port, hook.port
        );
        let server = start_demo_config(backend, &config, None).await;
        let app = server.app();
        let portal = site_id(&server, PORTAL).await;
        let site_admin = create_account(
            &server,
            "portalops",
            Role::SiteAdmin,
            GrantRef::Site(portal),
            true,
        )
        .await;
        app.db
            .set_staff_email(site_admin.id, Some("portal-ops@jl.gov.cn"))
            .await
            .unwrap();
        let operator = create_account(
            &server,
            "platformops",
            Role::SystemAdmin,
            GrantRef::Platform,
            true,
        )
        .await;
        app.db
            .set_staff_email(operator.id, Some("platform-ops@jl.gov.cn"))
            .await
            .unwrap();

        let fault = broken_link(portal, "links:test:home", Severity::Critical);
        let report =
            jiyue_web::monitor::raise(app, Check::Links, None, std::slice::from_ref(&fault))
                .await
                .unwrap();
        assert_eq!(report.raised.len(), 1, "{backend}");
        let id = report.raised[0];
        // The same fault found again raises nothing new.
        let again =
            jiyue_web::monitor::raise(app, Check::Links, None, std::slice::from_ref(&fault))
                .await
                .unwrap();
        assert_eq!(again.seen, vec![id]);
        assert!(again.raised.is_empty());

        // The site's administrator gets one mail; the webhook's first post fails.
        deliver_until(&server, || smtp.count() >= 1 && hook.count() >= 1).await;
        let mail = smtp.message(1).await;
        assert!(mail.starts_with("To: portal-ops@jl.gov.cn"), "{mail}");
        assert!(mail.contains("严重"), "{mail}");
        assert!(mail.contains("links:test:home.html answered 404"), "{mail}");
        assert!(
            mail.contains(&format!("http://admin.jl.localhost/monitor/alerts/{id}")),
            "{mail}"
        );
        let first = hook.post(1).await;
        assert_eq!(first["status"], 500);
        assert_eq!(first["signature_valid"], true, "{first}");
        assert_eq!(first["content_type"], "application/json");
        assert_eq!(first["body"]["event"], "raised");
        assert_eq!(first["body"]["alert"]["severity"], "critical");
        assert_eq!(first["body"]["alert"]["site_code"], PORTAL);

        // The retry waits a minute and carries the same delivery id.
        server.clock.advance(chrono::Duration::minutes(2));
        deliver_until(&server, || hook.count() >= 2).await;
        let second = hook.post(2).await;
        assert_eq!(second["status"], 204);
        assert_eq!(second["delivery"], first["delivery"]);
        assert_eq!(second["body"]["delivery_id"], first["body"]["delivery_id"]);

        // Nothing is sent twice.
        for _ in 0..3 {
            jiyue_web::monitor::deliver(app).await.unwrap();
        }
        assert_eq!(smtp.count(), 1, "{backend}: one mail for one alert");
        assert_eq!(hook.count(), 2);

        // Unacknowledged past five minutes, the critical alert escalates once, to the platform's
        // administrators as well.
        server.clock.advance(chrono::Duration::minutes(6));
        // The server's own monitor loop may escalate first; either way it happens once.
        jiyue_web::monitor::escalate(app).await.unwrap();
        assert_eq!(app.db.alert(id).await.unwrap().unwrap().level, 1);
        assert!(jiyue_web::monitor::escalate(app).await.unwrap().is_empty());
        deliver_until(&server, || smtp.count() >= 3 && hook.count() >= 3).await;
        let mut recipients: Vec<String> = Vec::new();
        for n in 2..=3 {
            let text = smtp.message(n).await;
            recipients.push(text.lines().next().unwrap().to_string());
        }
        recipients.sort();
        assert_eq!(
            recipients,
            vec![
                "To: platform-ops@jl.gov.cn".to_string(),
                "To: portal-ops@jl.gov.cn".to_string()
            ]
        );
        assert_eq!(hook.post(3).await["body"]["event"], "escalated:1");

        // A complete run that no longer finds the fault resolves the alert and posts the event.
        let cleared = jiyue_web::monitor::raise(app, Check::Links, None, &[])
            .await
            .unwrap();
        assert_eq!(cleared.resolved, vec![id]);
        deliver_until(&server, || hook.count() >= 4).await;
        assert_eq!(hook.post(4).await["body"]["event"], "resolved");
        let alert = app.db.alert(id).await.unwrap().unwrap();
        assert_eq!(alert.status, "resolved");
        assert_eq!(alert.resolution.as_deref(), Some("cleared"));

        // The operator sees the alert and its deliveries, addresses masked.
        let admin = AdminClient::new(&server);
        admin.sign_in(&server, &operator).await;
        let page = admin.get(&format!("/monitor/alerts/{id}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("已关闭"), "{}", page.body);
        assert!(
            !page.body.contains("portal-ops@jl.gov.cn"),
            "mail addresses are masked"
        );
        assert!(page.body.contains("已送达"));
        let list = admin.get("/monitor?status=all").await;
        assert!(
            list.body.contains(&format!("/monitor/alerts/{id}")),
            "{}",
            list.body
        );
        let live = admin.get("/monitor").await;
        assert!(!live.body.contains(&format!("/monitor/alerts/{id}\"")));
    }
}

#[tokio::test]
async fn site_admins_see_their_sites_and_act_on_alerts() {
    for backend in backends() {
        let server = start_demo_config(backend, "", None).await;
        let app = server.app();
        let portal = site_id(&server, PORTAL).await;
        let city = site_id(&server, CITY).await;
        let portal_alert = jiyue_web::monitor::raise(
            app,
            Check::Links,
            None,
            &[
                broken_link(portal, "links:portal:a", Severity::Warning),
                broken_link(city, "links:city:b", Severity::Critical),
            ],
        )
        .await
        .unwrap();
        assert_eq!(portal_alert.raised.len(), 2);
        let (portal_id, city_id) = (portal_alert.raised[0], portal_alert.raised[1]);

        let account = create_account(
            &server,
            "portaladmin",
            Role::SiteAdmin,
            GrantRef::Site(portal),
            true,
        )
        .await;
        let admin = AdminClient::new(&server);
        admin.sign_in(&server, &account).await;
        let home = admin.get("/").await;
        assert!(
            home.body.contains("href=\"/monitor\""),
            "navigation links the dashboard"
        );

        let list = admin.get("/monitor").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list
            .body
            .contains(&format!("/monitor/alerts/{portal_id}\"")));
        assert!(
            !list.body.contains(&format!("/monitor/alerts/{city_id}\"")),
            "{backend}: another site's alert is hidden"
        );
        assert!(
            list.body.contains("id=\"count-warning\">1<"),
            "{}",
            list.body
        );
        assert!(
            list.body.contains("id=\"count-critical\">0<"),
            "{}",
            list.body
        );
        let other = admin.get(&format!("/monitor/alerts/{city_id}")).await;
        assert_eq!(other.status, 404);

        let bad = admin.get("/monitor?severity=urgent").await;
        assert_eq!(bad.status, 400);

        let path = format!("/monitor/alerts/{portal_id}");
        let page = admin
            .post_form(&path, &path, &[("action", "acknowledge")])
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("预警已确认"), "{}", page.body);
        assert_eq!(
            app.db
                .alert(portal_id)
                .await
                .unwrap()
                .unwrap()
                .acknowledged_by,
            Some(account.id)
        );

        let page = admin
            .post_form(&path, &path, &[("action", "resolve"), ("note", "  ")])
            .await;
        assert!(page.body.contains("请填写处理说明"), "{}", page.body);
        assert_eq!(
            app.db.alert(portal_id).await.unwrap().unwrap().status,
            "acknowledged"
        );

        let page = admin
            .post_form(
                &path,
                &path,
                &[("action", "resolve"), ("note", "已修复首页链接")],
            )
            .await;
        assert!(page.body.contains("预警已关闭"), "{}", page.body);
        let alert = app.db.alert(portal_id).await.unwrap().unwrap();
        assert_eq!(alert.status, "resolved");
        assert_eq!(alert.resolution.as_deref(), Some("已修复首页链接"));

        // The form is refused without its CSRF token.
        let refused = admin.post(&path, &[("action", "acknowledge")]).await;
        assert_eq!(refused.status, 403);

        // An editor has no dashboard.
        let editor = create_account(
            &server,
            "editor1",
            Role::Editor,
            GrantRef::Site(portal),
            true,
        )
        .await;
        let other_admin = AdminClient::new(&server);
        other_admin.sign_in(&server, &editor).await;
        assert_eq!(other_admin.get("/monitor").await.status, 403);
    }
}
