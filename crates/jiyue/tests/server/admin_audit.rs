//! The audit administrator's pages over HTTP: reading, filtering and paging the audit log,
//! exporting it and the access log as JSON Lines and CSV, and the check of the chain. Other
//! roles get 403, and headless Chromium runs axe-core and a 360 px screen on the pages.

use std::time::Duration;

use jiyue_auth::Role;
use jiyue_db::{AuditEntry, AuditResult, GrantRef};

use crate::admin_login::audit_entries;
use crate::admin_support::{create_account, start, Account, AdminClient, Page};
use crate::support::{backends, TestServer};

/// Creates the audit administrator `shenji1` and a client signed in as them.
async fn auditor(server: &TestServer) -> (Account, AdminClient) {
    let account = create_account(
        server,
        "shenji1",
        Role::AuditAdmin,
        GrantRef::Platform,
        true,
    )
    .await;
    let client = AdminClient::new(server).acting_from("198.51.100.7");
    client.sign_in(server, &account).await;
    (account, client)
}

/// Returns the number of rows in the body of the page's table.
fn rows(page: &Page) -> usize {
    page.body.matches("<tr>").count().saturating_sub(1)
}

/// Returns the address of the page's "older entries" link, decoded.
fn older_link(page: &Page) -> Option<String> {
    let end = page.body.find("\">更早的记录</a>")?;
    let start = page.body[..end].rfind("href=\"")? + "href=\"".len();
    Some(crate::support::unescape(&page.body[start..end]))
}

/// Appends `count` entries of action `test.bulk` straight to the audit log.
async fn bulk_entries(server: &TestServer, count: usize) {
    let app = server.app();
    for index in 0..count {
        let entry = AuditEntry {
            actor: "bulk".to_string(),
            actor_id: None,
            address: "192.0.2.9".to_string(),
            action: "test.bulk".to_string(),
            target: format!("item {index}"),
            result: AuditResult::Ok,
            detail: "comma, \"quote\" 和中文".to_string(),
        };
        app.db
            .audit_append(app.audit_mac.as_ref(), &entry)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn audit_admin_reads_filters_and_pages() {
    for backend in backends() {
        let server = start(backend).await;
        let stranger = AdminClient::new(&server).acting_from("203.0.113.5");
        stranger.sign_in_password("shenji1", "wrong").await;
        let (_, client) = auditor(&server).await;

        let home = client.get("/").await;
        assert!(home.body.contains("href=\"/audit\""), "{backend}: nav link");
        let page = client.get("/audit").await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        assert!(page.body.contains("<h1>审计日志</h1>"));
        assert!(page.body.contains("<td>login.password</td>"));
        assert!(page.body.contains("<td>198.51.100.7</td>"));
        assert!(page.body.contains("<td>成功</td>"));
        assert!(page.body.contains("<td>拒绝</td>"));

        let page = client
            .get("/audit?action=login.password&result=denied")
            .await;
        assert_eq!(page.status, 200);
        assert_eq!(rows(&page), 1, "{backend}: {}", page.body);
        assert!(page.body.contains("<td>203.0.113.5</td>"));
        assert!(!page.body.contains("<td>成功</td>"));
        let page = client.get("/audit?actor=shenji1&action=login.factor").await;
        assert_eq!(rows(&page), 1, "{backend}: {}", page.body);

        bulk_entries(&server, 130).await;
        let first = client.get("/audit?action=test.bulk").await;
        assert_eq!(rows(&first), 100, "{backend}");
        assert!(first.body.contains("<td>item 129</td>"));
        let older = older_link(&first).expect("an older-entries link");
        assert!(older.contains("action=test.bulk"), "{older}");
        assert!(older.contains("before="), "{older}");
        let second = client.get(&older).await;
        assert_eq!(rows(&second), 30, "{backend}");
        assert!(second.body.contains("<td>item 0</td>"));
        assert!(older_link(&second).is_none());

        let reads = audit_entries(&server, "audit.read").await;
        assert!(reads
            .iter()
            .any(|e| e.actor == "shenji1" && e.detail == "action=login.password result=denied"));
        assert!(reads.iter().any(|e| e.detail.contains("before=")));
        server.running.unwrap().stop().await;
    }
}

#[tokio::test]
async fn invalid_filters_name_the_field() {
    let server = start("sqlite").await;
    let (_, client) = auditor(&server).await;

    let page = client.get("/audit?from=2026-13-45&result=maybe").await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.body.contains("role=\"alert\""));
    assert!(
        page.body.contains("开始日期：请按 YYYY-MM-DD 格式填写"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"#from\""));
    assert!(page.body.contains("结果：请选择"));
    assert!(
        page.body.contains("value=\"2026-13-45\""),
        "keeps what was typed"
    );

    let page = client.get("/audit?from=2026-12-02&to=2026-12-01").await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("不能早于开始日期"));
    let page = client.get("/audit?before=abc").await;
    assert_eq!(page.status, 400);
    let page = client.get("/audit/access?status=99x&address=1.2.3").await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("状态码："));
    assert!(page.body.contains("来源地址："));
    let page = client.get("/audit/export?format=csv&to=tomorrow").await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("结束日期：请按 YYYY-MM-DD 格式填写"));
    let page = client.get("/audit/export?format=xml").await;
    assert_eq!(page.status, 400);

    let failed = audit_entries(&server, "audit.read").await;
    assert!(failed
        .iter()
        .any(|e| e.result == "failed" && e.detail.contains("from=2026-13-45")));
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn audit_log_exports_as_json_lines_and_csv() {
    let server = start("sqlite").await;
    let (_, client) = auditor(&server).await;
    bulk_entries(&server, 3).await;

    let page = client
        .get("/audit/export?format=jsonl&action=test.bulk")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.headers["content-disposition"],
        "attachment; filename=\"audit-20261201.jsonl\""
    );
    let lines: Vec<serde_json::Value> = page
        .body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["target"], "item 2");
    assert_eq!(lines[2]["target"], "item 0");
    assert!(lines[0]["seq"].as_i64().unwrap() > lines[1]["seq"].as_i64().unwrap());
    for field in [
        "at", "actor", "actor_id", "address", "result", "detail", "segment",
    ] {
        assert!(lines[0].get(field).is_some(), "{field} in {}", lines[0]);
    }
    assert_eq!(lines[0]["detail"], "comma, \"quote\" 和中文");

    let page = client
        .get("/audit/export?format=csv&action=test.bulk&from=2026-12-01&to=2026-12-01")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(page.headers["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with("audit-20261201.csv\""));
    let mut reader = csv::Reader::from_reader(page.body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let names: Vec<&str> = headers.iter().collect();
    assert_eq!(
        names,
        [
            "seq", "at", "actor", "actor_id", "address", "action", "target", "result", "detail",
            "segment"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(&records[0][6], "item 2");
    assert_eq!(&records[0][8], "comma, \"quote\" 和中文");
    assert_eq!(&records[0][9], "2026-12");

    let page = client
        .get("/audit/export?format=csv&action=nothing.here")
        .await;
    assert_eq!(
        page.body.lines().count(),
        1,
        "only the header: {}",
        page.body
    );

    let exports = audit_entries(&server, "audit.export").await;
    assert!(exports
        .iter()
        .any(|e| e.result == "ok" && e.detail == "format=jsonl action=test.bulk"));
    server.running.unwrap().stop().await;
}

/// Opens the access log filtered to `path` until it lists a request, for about ten seconds:
/// the writer stores the queue in batches about once a second.
async fn wait_for_request(client: &AdminClient, path: &str) -> Page {
    for _ in 0..50 {
        let page = client.get(&format!("/audit/access?path={path}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        if rows(&page) > 0 {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the access log never showed the request for {path}");
}

#[tokio::test]
async fn access_log_shows_and_exports_public_requests() {
    let server = start("sqlite").await;
    let (_, client) = auditor(&server).await;
    let (status, _) = server.get("www.jl.localhost", "/audit-test-page").await;

    let page = wait_for_request(&client, "/audit-test").await;
    assert_eq!(rows(&page), 1, "{}", page.body);
    assert!(page.body.contains("<h1>访问日志</h1>"));
    assert!(page.body.contains("<td>/audit-test-page</td>"));
    assert!(page.body.contains(&format!("<td>{status}</td>")));
    let other = if status == 200 { 404 } else { 200 };
    let page = client
        .get(&format!("/audit/access?path=/audit-test&status={other}"))
        .await;
    assert_eq!(rows(&page), 0);

    let page = client
        .get("/audit/access/export?format=csv&path=/audit-test")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("access-20261201.csv"));
    let mut reader = csv::Reader::from_reader(page.body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "at");
    assert_eq!(&headers[9], "duration_us");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][3], "/audit-test-page");
    assert_eq!(&records[0][4], status.to_string());

    let page = client
        .get("/audit/access/export?format=jsonl&path=/audit-test")
        .await;
    let line: serde_json::Value = serde_json::from_str(page.body.trim()).unwrap();
    assert_eq!(line["path"], "/audit-test-page");
    assert_eq!(line["status"], status);
    assert!(line["host"]
        .as_str()
        .unwrap()
        .starts_with("www.jl.localhost"));

    let reads = audit_entries(&server, "access_log.read").await;
    assert!(reads.iter().any(|e| e.detail == "path=/audit-test"));
    let exports = audit_entries(&server, "access_log.export").await;
    assert_eq!(exports.len(), 2);
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn verify_reports_a_clean_log() {
    let server = start("sqlite").await;
    let (_, client) = auditor(&server).await;
    let page = client.post_form("/audit", "/audit/verify", &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("校验通过"), "{}", page.body);
    assert!(page.body.contains("未发现问题"));

    let without_token = client.post("/audit/verify", &[]).await;
    assert_eq!(without_token.status, 403, "no CSRF token");
    let verified = audit_entries(&server, "audit.verify").await;
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].result, "ok");
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn editor_is_refused_audit_pages() {
    let server = start("sqlite").await;
    let editor = create_account(&server, "editor9", Role::Editor, GrantRef::Platform, true).await;
    let client = AdminClient::new(&server);
    client.sign_in(&server, &editor).await;

    let home = client.get("/").await;
    assert!(!home.body.contains("href=\"/audit\""), "no nav link");
    let page = client.get("/audit").await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("“审计管理员”"), "{}", page.body);
    for path in [
        "/audit/access",
        "/audit/export?format=csv",
        "/audit/access/export",
    ] {
        assert_eq!(client.get(path).await.status, 403, "{path}");
    }
    let csrf = client.get("/account").await.csrf();
    let page = client.post("/audit/verify", &[("csrf", &csrf)]).await;
    assert_eq!(page.status, 403);

    for action in [
        "audit.read",
        "access_log.read",
        "audit.export",
        "access_log.export",
        "audit.verify",
    ] {
        let denied = audit_entries(&server, action).await;
        assert_eq!(denied.len(), 1, "{action}");
        assert_eq!(denied[0].result, "denied");
        assert_eq!(denied[0].actor, "editor9");
    }
    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_pages_pass_axe_and_fit_360px() {
    if !crate::browser_driver::tools_present("audit_pages_pass_axe_and_fit_360px", true) {
        return;
    }
    let server = start("sqlite").await;
    let (_, client) = auditor(&server).await;
    let (status, _) = server.get("www.jl.localhost", "/").await;
    assert_eq!(status, 200);
    wait_for_request(&client, "/").await;

    let pages = ["/audit", "/audit/access", "/audit?from=2026-13-01"];
    let axe = std::fs::read_to_string(crate::browser_driver::axe_path()).unwrap();
    let base = format!("http://localhost:{}", server.admin.port());
    let token = client.cookie("jiyue_admin").unwrap();
    let mut problems = Vec::new();
    for width in [1280, 360] {
        let browser = crate::browser_driver::Browser::start(width, 800).await;
        browser.open(&format!("{base}/login")).await;
        let cookie = thirtyfour::Cookie::new("jiyue_admin", token.clone());
        browser.driver().add_cookie(cookie).await.unwrap();
        for path in pages {
            browser.open(&format!("{base}{path}")).await;
            assert!(!browser.heading().await.is_empty(), "{path} has a heading");
            if width == 360 {
                let scroll = browser
                    .script_value("return document.documentElement.scrollWidth")
                    .await;
                if scroll.as_u64().is_none_or(|scroll| scroll > 360) {
                    problems.push(format!("{path} is {scroll} px wide at 360 px"));
                }
                continue;
            }
            for violation in crate::browser_checks::axe_violations(&browser, &axe).await {
                let line = crate::browser_checks::describe(path, &violation);
                println!("axe: {line}");
                if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
                    problems.push(line);
                }
            }
        }
        drop(browser);
    }
    assert!(problems.is_empty(), "problems:\n{}", problems.join("\n"));
    server.running.unwrap().stop().await;
}
