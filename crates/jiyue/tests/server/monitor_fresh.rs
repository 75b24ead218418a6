//! The wording lists page and the inline wording check over HTTP, and the freshness and
//! wording checks on the demo province: an operator adds and removes entries, an editor's
//! submission with a misnamed official stops until the name is fixed.

use jiyue_auth::Role;
use jiyue_db::{GrantRef, WordingList};
use jiyue_monitor::freshness::check_freshness;
use jiyue_monitor::{scan_published, FreshnessRules, Severity};

use crate::admin_support::{create_account, start, AdminClient};
use crate::support::backends;

const DIGEST: &str = include_str!("../../demo/source/news-digest-2018-11.txt");

async fn signed_in(
    server: &crate::support::TestServer,
    name: &str,
    role: Role,
    scope: GrantRef,
) -> AdminClient {
    let account = create_account(server, name, role, scope, true).await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    client
}

#[tokio::test]
async fn operator_adds_and_removes_entries() {
    for backend in backends() {
        let server = start(backend).await;
        let operator = signed_in(&server, "yunwei", Role::SystemAdmin, GrantRef::Platform).await;

        let page = operator.get("/monitor/wording").await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        assert!(page.body.contains("李干杰"), "demo officials seeded");
        assert!(page.body.contains("领导小组办公室"));

        let page = operator
            .post_form(
                "/monitor/wording",
                "/monitor/wording",
                &[
                    ("list", "forbidden"),
                    ("term", "测试禁用词"),
                    ("replacement", ""),
                    ("source", "测试"),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        let entries = server.app().db.wording_entries().await.unwrap();
        let added = entries
            .iter()
            .find(|e| e.term == "测试禁用词")
            .expect("entry stored");
        assert_eq!(added.list, WordingList::Forbidden);

        // A name in Latin letters is rejected with the value and the fix.
        let page = operator
            .post_form(
                "/monitor/wording",
                "/monitor/wording",
                &[
                    ("list", "official"),
                    ("term", "国家统计局局长"),
                    ("replacement", "Ning"),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{backend}: {}", page.body);
        assert!(page.body.contains("Ning"), "{}", page.body);
        assert!(page.body.contains("value=\"国家统计局局长\""), "input kept");

        let id = added.id.to_string();
        let page = operator
            .post_form(
                "/monitor/wording",
                "/monitor/wording/remove",
                &[("id", &id)],
            )
            .await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        let entries = server.app().db.wording_entries().await.unwrap();
        assert!(entries.iter().all(|e| e.term != "测试禁用词"));

        let audit = server
            .app()
            .db
            .audit_query(&jiyue_db::AuditFilter::default(), 200)
            .await
            .unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"wording.add"), "{actions:?}");
        assert!(actions.contains(&"wording.remove"), "{actions:?}");
    }
}

#[tokio::test]
async fn editor_cannot_open_wording_lists() {
    let server = start("sqlite").await;
    let editor = signed_in(&server, "bianji", Role::Editor, GrantRef::Platform).await;
    let page = editor.get("/monitor/wording").await;
    assert_eq!(page.status, 403, "{}", page.body);
    let page = editor
        .post_form(
            "/account",
            "/monitor/wording",
            &[("list", "forbidden"), ("term", "词")],
        )
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(server
        .app()
        .db
        .wording_entries()
        .await
        .unwrap()
        .iter()
        .all(|e| e.term != "词"));
}

#[tokio::test]
async fn misnamed_official_stops_submission() {
    for backend in backends() {
        let server = start(backend).await;
        let portal = server
            .app()
            .db
            .site_by_code("2200000001")
            .await
            .unwrap()
            .unwrap();
        let editor = signed_in(&server, "bianji", Role::Editor, GrantRef::Site(portal.id)).await;
        let column = server
            .app()
            .db
            .column_by_path(portal.id, "gzdt")
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let wrong = "<p>生态环境部长李甘杰出席会议，车箱整洁。</p>";
        let page = editor
            .post_form(
                &format!("/items/new?column={column}"),
                "/items",
                &[
                    ("title", "用语检查测试"),
                    ("lang", "zh-CN"),
                    ("home_column", &column),
                    ("audience", "01"),
                    ("body_html", wrong),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        let item: i64 = page
            .location
            .trim_start_matches("/items/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();

        // Saving shows the findings beside the form at once.
        let page = editor.get(&format!("/items/{item}")).await;
        assert!(
            page.body.contains("id=\"wording-findings\""),
            "{}",
            page.body
        );
        assert!(page.body.contains("李干杰"), "suggestion shown");

        let from = format!("/items/{item}");
        let page = editor
            .post_form(&from, &format!("/items/{item}/submit"), &[])
            .await;
        assert_eq!(page.status, 409, "{backend}: {}", page.body);
        assert!(page.body.contains("未提交"), "{}", page.body);
        assert!(page.body.contains("李甘杰"), "{}", page.body);
        assert!(page.body.contains("领导姓名错误"), "{}", page.body);
        assert!(page.body.contains("车厢"), "the typo is listed too");
        let state = server.app().db.item_revisions(item).await.unwrap();
        assert_eq!(state.len(), 1, "nothing new was submitted");

        // Fixing the name lets the submission through; the typo alone only warns.
        let form_page = editor.get(&from).await;
        let fields = [
            ("csrf", form_page.csrf()),
            ("base_revision_id", form_page.field("base_revision_id")),
            ("title", "用语检查测试".to_string()),
            ("lang", "zh-CN".to_string()),
            ("home_column", column.clone()),
            ("audience", "01".to_string()),
            (
                "body_html",
                "<p>生态环境部长李干杰出席会议，车箱整洁。</p>".to_string(),
            ),
        ];
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = editor.post(&from, &form).await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        let page = editor
            .post_form(&from, &format!("/items/{item}/submit"), &[])
            .await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        assert!(
            page.location.contains("notice=submitted"),
            "{}",
            page.location
        );
        let page = editor.get(&page.location).await;
        assert!(
            page.body.contains("车厢"),
            "the typo still warns: {}",
            page.body
        );
        assert!(!page.body.contains("李甘杰"));
    }
}

#[tokio::test]
async fn digest_text_flagged_by_scan() {
    for backend in backends() {
        let server = start(backend).await;
        let db = &server.app().db;
        let chinese = DIGEST.lines().next().unwrap();
        let lists = jiyue_monitor::WordLists::load(db).await.unwrap();
        let found: Vec<String> =
            jiyue_monitor::check_item(&lists, "", &format!("<p>{chinese}</p>"))
                .into_iter()
                .map(|item| item.finding.found)
                .collect();
        assert!(
            found.contains(&"李甘杰".to_string()),
            "{backend}: {found:?}"
        );
        assert!(found.contains(&"宁继哲".to_string()), "{found:?}");
        assert_eq!(
            found.iter().filter(|f| *f == "集团办公室").count(),
            2,
            "{found:?}"
        );

        // The demo publishes corrected items, so the scan of published content is clean.
        let faults = scan_published(db).await.unwrap();
        let critical: Vec<_> = faults
            .iter()
            .filter(|f| f.severity == Severity::Critical)
            .collect();
        assert!(critical.is_empty(), "{backend}: {critical:?}");
    }
}

#[tokio::test]
async fn demo_sites_pass_freshness() {
    let server = start("sqlite").await;
    let app = server.app();
    let (faults, reports) =
        check_freshness(&app.db, app.clock.as_ref(), &FreshnessRules::default())
            .await
            .unwrap();
    assert!(!reports.is_empty());
    let critical: Vec<_> = faults
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .collect();
    assert!(critical.is_empty(), "{critical:?}");
    for report in &reports {
        assert!(
            report.blank.is_empty(),
            "{}: {:?}",
            report.site_code,
            report.blank
        );
    }
}

/// Runs axe-core on the open page and returns its serious and critical violations.
async fn blocking_violations(
    browser: &crate::browser_driver::Browser,
    axe: &str,
    name: &str,
) -> Vec<String> {
    let mut blocking = Vec::new();
    for violation in crate::browser_checks::axe_violations(browser, axe).await {
        let line = crate::browser_checks::describe(name, &violation);
        println!("axe: {line}");
        if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
            blocking.push(line);
        }
    }
    blocking
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wording_pages_pass_axe_at_360px() {
    if !crate::browser_driver::tools_present("wording_pages_pass_axe_at_360px", true) {
        return;
    }
    let server = start("sqlite").await;
    let db = &server.app().db;
    let portal = db.site_by_code("2200000001").await.unwrap().unwrap().id;
    let operator = signed_in(&server, "yunwei", Role::SystemAdmin, GrantRef::Platform).await;
    let editor = signed_in(&server, "bianji", Role::Editor, GrantRef::Site(portal)).await;
    let column = db
        .column_by_path(portal, "gzdt")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let page = editor
        .post_form(
            &format!("/items/new?column={column}"),
            "/items",
            &[
                ("title", "无障碍检查：国家统计局局长宁继哲"),
                ("lang", "zh-CN"),
                ("home_column", &column),
                ("audience", "01"),
                ("body_html", "<p>集团办公室设在生态环境部，车箱整洁。</p>"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let item = page
        .location
        .trim_start_matches("/items/")
        .split('?')
        .next()
        .unwrap()
        .to_string();

    let browser = crate::browser_driver::Browser::start(360, 740).await;
    let base = format!("http://localhost:{}", server.admin.port());
    browser.open(&format!("{base}/login")).await;
    let axe = std::fs::read_to_string(crate::browser_driver::axe_path()).unwrap();

    let mut blocking = Vec::new();
    let mut too_wide = Vec::new();
    let pages = [
        (&operator, "/monitor/wording".to_string()),
        (&editor, format!("/items/{item}")),
    ];
    for (client, path) in pages {
        let token = client.cookie("jiyue_admin").unwrap();
        browser.driver().delete_all_cookies().await.unwrap();
        browser
            .driver()
            .add_cookie(thirtyfour::Cookie::new("jiyue_admin", token))
            .await
            .unwrap();
        browser.open(&format!("{base}{path}")).await;
        assert!(!browser.heading().await.is_empty(), "{path} has a heading");
        if path.starts_with("/items/") {
            let panel = browser
                .find("#wording-findings")
                .await
                .text()
                .await
                .unwrap();
            assert!(panel.contains("宁吉喆"), "{panel}");
        }
        blocking.extend(blocking_violations(&browser, &axe, &path).await);
        let width = browser
            .script_value("return document.documentElement.scrollWidth")
            .await;
        if width.as_u64().is_none_or(|width| width > 360) {
            too_wide.push(format!("{path}: {width}"));
        }
    }
    assert!(
        blocking.is_empty(),
        "serious or critical axe violations:\n{}",
        blocking.join("\n")
    );
    assert!(too_wide.is_empty(), "pages wider than 360 px: {too_wide:?}");
}
