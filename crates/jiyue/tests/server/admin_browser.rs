//! The admin pages in headless Chromium: signing in by keyboard alone, axe-core finding no
//! serious or critical accessibility violation on each page, and no page wider than a 360 px
//! phone screen. Skips like the other browser tests when Chromium or axe-core is missing.

use jiyue_auth::Role;
use jiyue_db::GrantRef;
use thirtyfour::prelude::*;

use crate::admin_support::{code_now, create_account, start, Account, PASSWORD};
use crate::browser_checks::{axe_violations, describe, save_screenshot};
use crate::browser_driver::{axe_path, tools_present, Browser};
use crate::support::TestServer;

/// Returns the admin listener's address as the browser reaches it: by the name `localhost`,
/// which the browser maps to the loopback address while it resolves no other name.
fn base_url(server: &TestServer) -> String {
    format!("http://localhost:{}", server.admin.port())
}

/// Presses Tab until the element with id `id` has the focus, at most `limit` times.
async fn tab_to(browser: &Browser, id: &str, limit: usize) {
    let mut path = Vec::new();
    for _ in 0..limit {
        browser
            .driver()
            .action_chain()
            .send_keys(Key::Tab)
            .perform()
            .await
            .unwrap();
        let active = browser.script("return document.activeElement.id").await;
        if active == id {
            return;
        }
        path.push(active);
    }
    panic!("Tab never reached #{id}; focus went through {path:?}");
}

/// Types `text` and presses Enter on the focused element.
async fn type_and_enter(browser: &Browser, text: &str) {
    let active = browser.driver().active_element().await.unwrap();
    active
        .send_keys(text.to_string() + Key::Enter)
        .await
        .unwrap();
}

/// Signs `account` in by keyboard alone, starting on the sign-in form.
async fn sign_in_by_keyboard(server: &TestServer, browser: &Browser, account: &Account) {
    browser.open(&format!("{}/login", base_url(server))).await;
    tab_to(browser, "username", 6).await;
    browser
        .driver()
        .active_element()
        .await
        .unwrap()
        .send_keys(&account.username)
        .await
        .unwrap();
    tab_to(browser, "password", 2).await;
    type_and_enter(browser, PASSWORD).await;
    browser
        .wait_for_url("the second-factor page", |url| url.contains("/login/"))
        .await;
    if let Some(secret) = &account.secret {
        tab_to(browser, "code", 6).await;
        type_and_enter(browser, &code_now(server, secret)).await;
        browser
            .wait_for_url("the start page", |url| !url.contains("/login"))
            .await;
    }
}

/// Runs axe on the open page and returns its serious and critical violations, described.
async fn blocking_violations(browser: &Browser, axe: &str, name: &str) -> Vec<String> {
    assert!(
        !browser.heading().await.is_empty(),
        "{name}: the page has a heading"
    );
    let mut blocking = Vec::new();
    for violation in axe_violations(browser, axe).await {
        let line = describe(name, &violation);
        println!("axe: {line}");
        if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
            blocking.push(line);
        }
    }
    blocking
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_pages_pass_axe_by_keyboard() {
    if !tools_present("admin_pages_pass_axe_by_keyboard", true) {
        return;
    }
    let axe = std::fs::read_to_string(axe_path()).unwrap();
    let server = start("sqlite").await;
    let admin = create_account(
        &server,
        "sec",
        Role::SecurityAdmin,
        GrantRef::Platform,
        true,
    )
    .await;
    let newbie = create_account(&server, "newbie", Role::Editor, GrantRef::Platform, false).await;
    let base = base_url(&server);
    let browser = Browser::start(1280, 900).await;
    let mut blocking = Vec::new();

    // The sign-in form, first with the error summary of a failed attempt.
    browser.open(&format!("{base}/login")).await;
    browser
        .find("#username")
        .await
        .send_keys("sec")
        .await
        .unwrap();
    browser
        .find("#password")
        .await
        .send_keys("wrong")
        .await
        .unwrap();
    browser
        .find("button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    let summary = browser.wait_find("[role=alert] a[href='#username']").await;
    browser.wait_loaded().await;
    assert!(summary.is_displayed().await.unwrap());
    blocking.extend(blocking_violations(&browser, &axe, "login with error").await);
    save_screenshot(&browser, "admin-login.png").await;

    sign_in_by_keyboard(&server, &browser, &admin).await;
    let staff_id = server
        .app()
        .db
        .staff_by_username("newbie")
        .await
        .unwrap()
        .unwrap()
        .id;
    for (name, path) in [
        ("start page", "/".to_string()),
        ("account", "/account".to_string()),
        ("staff list", "/staff".to_string()),
        ("staff detail", format!("/staff/{staff_id}")),
        ("not found", "/no/such/page".to_string()),
    ] {
        browser.open(&format!("{base}{path}")).await;
        blocking.extend(blocking_violations(&browser, &axe, name).await);
    }
    save_screenshot(&browser, "admin-not-found.png").await;
    browser.open(&format!("{base}/staff/{staff_id}")).await;
    save_screenshot(&browser, "admin-staff-detail.png").await;

    // The sign-out button, then enrollment and the second-factor page of another account.
    browser.find(".who button").await.click().await.unwrap();
    browser
        .wait_for_url("the sign-in form", |url| url.contains("/login"))
        .await;
    sign_in_by_keyboard(&server, &browser, &newbie).await;
    assert!(browser.url().await.contains("/login/enroll"));
    blocking.extend(blocking_violations(&browser, &axe, "enroll").await);
    save_screenshot(&browser, "admin-enroll.png").await;

    assert!(
        blocking.is_empty(),
        "serious or critical axe violations:\n{}",
        blocking.join("\n")
    );
    drop(browser);
    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_pages_fit_360px() {
    if !tools_present("admin_pages_fit_360px", false) {
        return;
    }
    let server = start("sqlite").await;
    let admin = create_account(
        &server,
        "sec",
        Role::SecurityAdmin,
        GrantRef::Platform,
        true,
    )
    .await;
    let base = base_url(&server);
    let browser = Browser::start(360, 740).await;
    sign_in_by_keyboard(&server, &browser, &admin).await;

    let mut too_wide = Vec::new();
    for path in ["/", "/account", "/staff", "/staff/1"] {
        browser.open(&format!("{base}{path}")).await;
        let width = browser
            .script_value("return document.documentElement.scrollWidth")
            .await;
        if width.as_u64().is_none_or(|width| width > 360) {
            too_wide.push(format!("{path}: {width}"));
        }
    }
    save_screenshot(&browser, "admin-staff-360.png").await;
    assert!(too_wide.is_empty(), "pages wider than 360 px: {too_wide:?}");

    drop(browser);
    server.running.unwrap().stop().await;
}
