//! A citizen in headless Chromium finds the service for renewing an identity card from the
//! portal home twice: by typing 身份证 in the header search box, and by browsing the one-stop
//! pages by life event. Both ways end on the service guide, which axe-core checks, and which
//! fits a 360 px screen.

use thirtyfour::By;

use crate::browser_checks::{axe_violations, describe, fit_problems};
use crate::browser_driver::{axe_path, tools_present, Browser};
use crate::support::{start_demo, TestServer};

/// The demo's service for renewing an identity card.
const RENEWAL: &str = "居民身份证换领";
/// The life event the demo files the renewal under.
const LIFE_EVENT: &str = "就业";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_citizen_finds_identity_card_renewal() {
    if !tools_present("browser_citizen_finds_identity_card_renewal", true) {
        return;
    }
    let server = start_demo("sqlite").await;
    let browser = Browser::start(1280, 900).await;
    let axe = std::fs::read_to_string(axe_path()).unwrap();

    let searched = find_by_searching(&server, &browser).await;
    check_guide(&browser, &axe).await;
    let browsed = find_by_life_event(&server, &browser, &axe).await;
    check_guide(&browser, &axe).await;
    assert!(
        searched.contains("jl.localhost") && browsed.contains("/zwfw/sx/"),
        "search led to {searched}, browsing to {browsed}"
    );

    // A citizen on a phone reads the same guide without scrolling sideways.
    drop(browser);
    let phone = Browser::start(360, 740).await;
    phone.open(&browsed).await;
    let problems = fit_problems(&phone, "service guide", 360).await;
    assert!(problems.is_empty(), "the guide at 360 px: {problems:#?}");

    drop(phone);
    server.running.unwrap().stop().await;
}

/// Types 身份证 in the portal's header search box and opens the first result, which must be
/// the renewal service. Returns the guide's address.
async fn find_by_searching(server: &TestServer, browser: &Browser) -> String {
    browser.open(&server.url("www.jl.localhost", "/")).await;
    browser
        .find("#header-search-q")
        .await
        .send_keys("身份证")
        .await
        .unwrap();
    browser
        .find(".header-search button[type='submit']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the search page", |url| url.contains("/search?"))
        .await;
    let first = browser.find(".result-list li h2 a").await;
    let title = first.text().await.unwrap();
    assert!(
        title.contains(RENEWAL),
        "the first result for 身份证 is the renewal service, not {title:?}"
    );
    first.click().await.unwrap();
    browser
        .wait_for_url("the renewal guide", |url| !url.contains("/search?"))
        .await
}

/// Clicks from the portal home to the one-stop pages, the life event, and the renewal.
/// Returns the guide's address.
async fn find_by_life_event(server: &TestServer, browser: &Browser, axe: &str) -> String {
    browser.open(&server.url("www.jl.localhost", "/")).await;
    let hub = browser
        .driver()
        .find(By::Css("a[href*='/zwfw/']"))
        .await
        .unwrap_or_else(|error| {
            panic!("no link to the one-stop pages on the portal home: {error}")
        });
    hub.click().await.unwrap();
    browser
        .wait_for_url("the one-stop hub", |url| url.contains("/zwfw/"))
        .await;
    assert_no_violations(browser, axe, "the one-stop hub").await;

    let xpath = format!(
        "//a[contains(@href, '/zwfw/sj/') and contains(normalize-space(.), '{LIFE_EVENT}')]"
    );
    browser
        .driver()
        .find(By::XPath(&xpath))
        .await
        .unwrap_or_else(|error| panic!("no {LIFE_EVENT} link on the hub: {error}"))
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the life-event page", |url| url.contains("/zwfw/sj/"))
        .await;
    assert!(
        browser.heading().await.contains(LIFE_EVENT),
        "heading of the life-event page"
    );
    assert_no_violations(browser, axe, "the life-event page").await;

    browser
        .link_containing(RENEWAL)
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the renewal guide", |url| url.contains("/zwfw/sx/"))
        .await
}

/// Checks that the open page is the renewal's guide with its key elements, and passes axe.
async fn check_guide(browser: &Browser, axe: &str) {
    let heading = browser.heading().await;
    assert!(heading.contains(RENEWAL), "guide heading: {heading}");
    let text = browser.find("main").await.text().await.unwrap();
    for element in [
        "事项编码",
        "设定依据",
        "申请材料",
        "承诺办结时限",
        "办理地点",
        "咨询电话",
    ] {
        assert!(text.contains(element), "the guide shows {element}: {text}");
    }
    assert!(
        text.contains("工作日"),
        "time limits in working days: {text}"
    );
    assert_no_violations(browser, axe, "the service guide").await;
}

async fn assert_no_violations(browser: &Browser, axe: &str, page: &str) {
    let violations = axe_violations(browser, axe).await;
    let described: Vec<String> = violations
        .iter()
        .map(|violation| describe(page, violation))
        .collect();
    assert!(described.is_empty(), "{}", described.join("\n"));
}
