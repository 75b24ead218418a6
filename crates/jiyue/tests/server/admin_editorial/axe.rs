//! axe-core accessibility checks of the editorial pages in headless Chromium: the work page,
//! item lists and forms, revisions, comparison, sites, columns, the preview and a form with
//! errors. The test skips when Chromium, chromedriver or axe-core is missing.

use jiyue_auth::Role;
use jiyue_db::GrantRef;

use super::{create_item, page_link, portal_column, site_id};
use crate::admin_support::{create_account, start, AdminClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editorial_pages_pass_axe_core() {
    if !crate::browser_driver::tools_present("editorial_pages_pass_axe_core", true) {
        return;
    }
    let server = start("sqlite").await;
    let portal = site_id(&server, "2200000001").await;
    let account = create_account(
        &server,
        "wuzhang",
        Role::Editor,
        GrantRef::Site(portal),
        true,
    )
    .await;
    let db = &server.app().db;
    db.add_grant(account.id, Role::SiteAdmin, GrantRef::Site(portal), None)
        .await
        .unwrap();
    let client = AdminClient::new(&server);
    client.sign_in(&server, &account).await;
    let column = portal_column(&server, "gzdt").await;
    let item = create_item(&client, column, "无障碍检查用的信息", "<p>第一版。</p>").await;
    let revisions = db.item_revisions(item).await.unwrap();
    let first = revisions[0].id;
    let page = client.get(&format!("/items/{item}")).await;
    let fields = [
        ("csrf", page.csrf()),
        ("base_revision_id", first.to_string()),
        ("title", "无障碍检查用的信息（修改）".to_string()),
        ("lang", "zh-CN".to_string()),
        ("home_column", column.to_string()),
        ("body_html", "<p>第二版。</p>".to_string()),
    ];
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        client.post(&format!("/items/{item}"), &form).await.status,
        303
    );
    let second = db.item_revisions(item).await.unwrap()[0].id;
    let preview = page_link(&client, item).await;

    let browser = crate::browser_driver::Browser::start(1280, 900).await;
    let base = format!("http://localhost:{}", server.admin.port());
    browser.open(&format!("{base}/login")).await;
    let token = client.cookie("jiyue_admin").unwrap();
    let cookie = thirtyfour::Cookie::new("jiyue_admin", token);
    browser.driver().add_cookie(cookie).await.unwrap();

    let axe = std::fs::read_to_string(crate::browser_driver::axe_path()).unwrap();
    let pages = [
        "/".to_string(),
        "/items".to_string(),
        format!("/items?column={column}"),
        format!("/items/new?column={column}"),
        format!("/items/{item}"),
        format!("/items/{item}/revisions"),
        format!("/items/{item}/diff?from={first}&to={second}"),
        "/sites".to_string(),
        format!("/sites/{portal}"),
        preview,
    ];
    let mut blocking = Vec::new();
    for path in &pages {
        browser.open(&format!("{base}{path}")).await;
        assert!(!browser.heading().await.is_empty(), "{path} has a heading");
        blocking.extend(serious_violations(&browser, &axe, path).await);
    }

    // The new-item form sent empty shows its errors, which must pass too.
    browser
        .open(&format!("{base}/items/new?column={column}"))
        .await;
    let title = browser.find("#title").await;
    title.clear().await.unwrap();
    title.send_keys(thirtyfour::Key::Enter).await.unwrap();
    browser
        .wait_for_url("the refused form", |url| url.ends_with("/items"))
        .await;
    let summary = browser.find(".error-summary").await.text().await.unwrap();
    assert!(summary.contains("标题"), "{summary}");
    blocking.extend(serious_violations(&browser, &axe, "new item with errors").await);

    assert!(
        blocking.is_empty(),
        "serious or critical axe violations:\n{}",
        blocking.join("\n")
    );
    drop(browser);
    server.running.unwrap().stop().await;
}

/// Runs axe-core on the open page and returns its serious and critical violations.
async fn serious_violations(
    browser: &crate::browser_driver::Browser,
    axe: &str,
    name: &str,
) -> Vec<String> {
    let mut found = Vec::new();
    for violation in crate::browser_checks::axe_violations(browser, axe).await {
        let line = crate::browser_checks::describe(name, &violation);
        println!("axe: {line}");
        if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
            found.push(line);
        }
    }
    found
}
