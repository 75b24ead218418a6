//! The editorial walk-through in headless Chromium: an editor signs in with password and TOTP,
//! writes an article in the rich-text editor, pastes Word-style HTML with an image, saves and
//! submits; a reviewer signs in and approves; the article then shows on the public site and in
//! search, with the pasted image stored as a file and Word's markup gone. axe-core checks the
//! admin pages on the way, with the editor mounted.

use std::time::{Duration, Instant};

use jiyue_auth::Role;
use jiyue_db::GrantRef;
use serde_json::Value;
use thirtyfour::prelude::*;

use crate::admin_support::{code_now, create_account, start, Account, PASSWORD};
use crate::browser_checks::{axe_violations, describe};
use crate::browser_driver::{axe_path, tools_present, Browser};
use crate::support::TestServer;

const TITLE: &str = "关于开展政府网站集约化浏览器测试的通知";
/// A 1×1 red PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";

/// Word's clipboard HTML for two paragraphs and an inline picture, in the shape Word writes it.
fn word_html() -> String {
    format!(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><style>p.MsoNormal{{mso-style-parent:\"\";}}</style></head>\
         <body><!--StartFragment--><p class=MsoNormal style='mso-margin-top-alt:auto;font-family:宋体'>\
         <span lang=EN-US style='mso-bidi-font-size:10.5pt'>各有关单位：为检验编辑流程，现开展浏览器测试。</span><o:p></o:p></p>\
         <!--[if gte vml 1]><v:shape id=\"x\"></v:shape><![endif]-->\
         <p class=MsoNormal><span style='mso-spacerun:yes'>&nbsp;</span></p>\
         <p class=MsoNormal><img width=1 height=1 src=\"data:image/png;base64,{PNG}\" alt=\"测试图片\"></p>\
         <p class=MsoNormal><span>特此通知。</span></p><!--EndFragment--></body></html>"
    )
}

fn admin_url(server: &TestServer, path: &str) -> String {
    format!("http://localhost:{}{path}", server.admin.port())
}

async fn sign_in(server: &TestServer, browser: &Browser, account: &Account) {
    browser.open(&admin_url(server, "/login")).await;
    browser
        .find("#username")
        .await
        .send_keys(&account.username)
        .await
        .unwrap();
    browser
        .find("#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    browser
        .find("#password")
        .await
        .send_keys(Key::Enter)
        .await
        .unwrap();
    browser
        .wait_for_url("the second-factor page", |url| url.contains("/login/"))
        .await;
    let secret = account.secret.as_ref().unwrap();
    let code = code_now(server, secret);
    browser
        .find("#code")
        .await
        .send_keys(code + Key::Enter)
        .await
        .unwrap();
    browser
        .wait_for_url("the start page", |url| !url.contains("/login"))
        .await;
}

async fn sign_out(browser: &Browser) {
    // The page may still be replacing itself after the last action; a button found on the old
    // page is then stale, so find it again.
    let mut attempts = 0;
    loop {
        let clicked = browser
            .find("form[action='/logout'] button")
            .await
            .click()
            .await;
        match clicked {
            Ok(()) => break,
            Err(error) if attempts < 10 && error.to_string().contains("stale element") => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => panic!("clicking the sign-out button failed: {error}"),
        }
    }
    browser
        .wait_for_url("the sign-in page", |url| url.contains("/login"))
        .await;
}

async fn axe_check(browser: &Browser, axe: &str, name: &str, blocking: &mut Vec<String>) {
    for violation in axe_violations(browser, axe).await {
        let line = describe(name, &violation);
        println!("axe: {line}");
        if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
            blocking.push(line);
        }
    }
}

/// Pastes `html` into the rich-text editor as a clipboard event, as a browser does.
async fn paste(browser: &Browser, html: &str) {
    let script = "const editor = document.querySelector('.ql-editor');\
         editor.focus();\
         const data = new DataTransfer();\
         data.setData('text/html', arguments[0]);\
         data.setData('text/plain', 'pasted');\
         editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));\
         return editor.innerHTML;";
    let value = browser
        .driver()
        .execute(script, vec![Value::String(html.to_string())])
        .await
        .unwrap();
    let inner = value.json().as_str().unwrap_or_default().to_string();
    assert!(
        inner.contains("浏览器测试"),
        "the paste reached the editor: {inner}"
    );
}

async fn write_article(
    server: &TestServer,
    browser: &Browser,
    column: i64,
    axe: &str,
) -> Vec<String> {
    let mut blocking = Vec::new();
    browser
        .open(&admin_url(server, &format!("/items/new?column={column}")))
        .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while browser
        .script("return String(!!document.querySelector('.ql-editor'))")
        .await
        != "true"
    {
        assert!(
            Instant::now() < deadline,
            "the rich-text editor did not mount"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    axe_check(browser, axe, "new item with the editor", &mut blocking).await;
    browser.find("#title").await.send_keys(TITLE).await.unwrap();
    paste(browser, &word_html()).await;
    browser
        .find("form[novalidate] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the saved item", |url| {
            let path = url.split('?').next().unwrap_or(url);
            path.rsplit('/')
                .next()
                .is_some_and(|last| last.parse::<i64>().is_ok())
        })
        .await;
    axe_check(browser, axe, "saved item", &mut blocking).await;
    browser
        .find("form[action$='/submit'] button")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_loaded().await;
    blocking
}

async fn approve(server: &TestServer, browser: &Browser, axe: &str) -> Vec<String> {
    let mut blocking = Vec::new();
    browser.open(&admin_url(server, "/")).await;
    axe_check(browser, axe, "reviewer's work list", &mut blocking).await;
    browser.link_containing(TITLE).await.click().await.unwrap();
    browser.wait_loaded().await;
    axe_check(browser, axe, "item to review", &mut blocking).await;
    browser
        .find("form[action$='/approve'] button")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_loaded().await;
    blocking
}

/// Returns the text of `html` with its tags removed, so highlighted search hits read whole.
fn without_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Polls a public page until its text contains `text`, for at most 10 seconds.
async fn public_page_with(server: &TestServer, path: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = server.get("www.jl.localhost", path).await;
        if status == 200 && without_tags(&body).contains(text) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never showed {text}: {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_editor_to_public_site() {
    if !tools_present("browser_editor_to_public_site", true) {
        return;
    }
    let axe = std::fs::read_to_string(axe_path()).unwrap();
    let server = start("sqlite").await;
    let db = &server.app().db;
    let province = db
        .org_by_credit_code("11220000000000019E")
        .await
        .unwrap()
        .unwrap();
    let portal = db.site_by_code("2200000001").await.unwrap().unwrap();
    let column = db.column_by_path(portal.id, "tzgg").await.unwrap().unwrap();
    let editor = create_account(
        &server,
        "web-editor",
        Role::Editor,
        GrantRef::Org(province.id),
        true,
    )
    .await;
    let reviewer = create_account(
        &server,
        "web-reviewer",
        Role::Reviewer,
        GrantRef::Org(province.id),
        true,
    )
    .await;

    let browser = Browser::start(1280, 900).await;
    sign_in(&server, &browser, &editor).await;
    let mut blocking = write_article(&server, &browser, column.id, &axe).await;
    sign_out(&browser).await;
    // A TOTP code is good for one 30-second step; the reviewer's code is a fresh one anyway.
    sign_in(&server, &browser, &reviewer).await;
    blocking.extend(approve(&server, &browser, &axe).await);

    public_page_with(&server, &format!("/{}/index.html", column.path), TITLE).await;
    let recent = db.recent_items(portal.id, 5).await.unwrap();
    let path = recent
        .iter()
        .find(|item| item.title == TITLE)
        .map(|item| item.path.clone())
        .unwrap_or_else(|| panic!("the article is not among the portal's newest items"));
    let article = public_page_with(&server, &path, "特此通知").await;
    assert!(article.contains("各有关单位"), "the body text is there");
    for word_markup in ["mso-", "MsoNormal", "<o:p", "StartFragment", "[if gte"] {
        assert!(
            !article.contains(word_markup),
            "Word markup {word_markup} left in:\n{article}"
        );
    }
    let image = article
        .split("<img")
        .nth(1)
        .and_then(|tag| tag.split("src=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the pasted image is missing:\n{article}"))
        .to_string();
    assert!(
        image.starts_with("/files/"),
        "the image is a stored file: {image}"
    );
    let response = server
        .raw
        .get(server.url("www.jl.localhost", &image))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{image}");
    assert_eq!(response.headers()["content-type"], "image/png");

    let query: String = form_urlencoded::byte_serialize("集约化浏览器测试".as_bytes()).collect();
    public_page_with(&server, &format!("/search?q={query}"), TITLE).await;

    assert!(
        blocking.is_empty(),
        "serious or critical axe violations on admin pages:\n{}",
        blocking.join("\n")
    );
    drop(browser);
    server.running.unwrap().stop().await;
}
