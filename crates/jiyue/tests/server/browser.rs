//! The demo in a real headless Chromium: the walk-through by clicking, the keyboard alone, a
//! 360 px wide phone screen, and axe-core accessibility checks. Each test skips with a message
//! when Chromium, chromedriver or axe-core is missing, and fails instead when
//! `JIYUE_REQUIRE_BROWSER=1`.

use thirtyfour::Key;

use crate::browser_checks::{
    add_image_without_alt, axe_violations, describe, fit_problems, save_screenshot,
    warn_without_chinese_font,
};
use crate::browser_driver::{axe_path, tools_present, Browser};
use crate::support::{start_demo, TestServer};

/// Words of the title of the news on the pilot integration of government websites.
const PILOT: &str = "政府网站集约化";
/// The path part shared by the pilot news's addresses.
const PILOT_PATH: &str = "/yw/201811/t20181110_";

/// Returns the path of the search page for `query`.
fn search_path(query: &str) -> String {
    let query: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("/search?q={query}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_walkthrough_by_clicking() {
    if !tools_present("browser_walkthrough_by_clicking", false) {
        return;
    }
    let server = start_demo("sqlite").await;
    let browser = Browser::start(1280, 900).await;
    let article = read_in_two_languages(&server, &browser).await;
    find_by_searching(&browser, &article).await;

    // 政数局's 要闻 column lists the item too.
    browser.open(&server.url("zsj.jl.localhost", "/")).await;
    browser
        .find(".site-nav")
        .await
        .find(thirtyfour::By::XPath(".//a[normalize-space(.)='要闻']"))
        .await
        .unwrap_or_else(|error| panic!("要闻 link not found in 政数局's navigation: {error}"))
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("政数局's 要闻 column", |url| {
            url.contains("zsj.jl.localhost") && url.contains("/yw/")
        })
        .await;
    let listed = browser.link_containing(PILOT).await;
    let href = listed.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        href.contains(PILOT_PATH),
        "政数局's 要闻 links the pilot news: {href}"
    );

    drop(browser);
    server.running.unwrap().stop().await;
}

/// Clicks from the portal home to the pilot news, to its English version and back. Returns
/// the address of the Chinese article.
async fn read_in_two_languages(server: &TestServer, browser: &Browser) -> String {
    browser.open(&server.url("www.jl.localhost", "/")).await;
    assert_eq!(browser.lang().await, "zh-CN", "lang of the portal home");
    browser.link_containing(PILOT).await.click().await.unwrap();
    let article = browser
        .wait_for_url("the pilot news", |url| url.contains(PILOT_PATH))
        .await;
    let heading = browser.heading().await;
    assert!(heading.contains(PILOT), "heading of the article: {heading}");
    assert_eq!(browser.lang().await, "zh-CN", "lang of the Chinese article");

    browser
        .find(".lang-switch a[hreflang='en']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the English version", |url| {
            url.starts_with("http://english.jl.localhost")
        })
        .await;
    assert_eq!(browser.lang().await, "en", "lang of the English article");
    let english = browser.heading().await;
    assert!(
        english.to_lowercase().contains("pilot"),
        "English heading: {english}"
    );

    browser.driver().back().await.unwrap();
    let back = browser
        .wait_for_url("the Chinese article again", |url| url == article)
        .await;
    assert_eq!(back, article);
    assert!(
        browser.heading().await.contains(PILOT),
        "heading after going back"
    );
    article
}

/// Types the title words in the header search box, submits, and clicks the first result.
async fn find_by_searching(browser: &Browser, article: &str) {
    let input = browser.find("#header-search-q").await;
    input.send_keys(PILOT).await.unwrap();

    browser
        .find(".header-search button[type='submit']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_url("the search page", |url| url.contains("/search?"))
        .await;
    let value = browser
        .find("#search-q")
        .await
        .value()
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(value, PILOT, "the search page keeps the query");

    let first = browser.find(".result-list li h2 a").await;
    let href = first.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        href.contains(PILOT_PATH),
        "the first result is the pilot news: {href}"
    );
    assert!(
        first.text().await.unwrap().contains(PILOT),
        "the first result's title"
    );

    first.click().await.unwrap();
    let url = browser
        .wait_for_url("the first result", |url| url.contains(PILOT_PATH))
        .await;
    assert_eq!(url, article, "the first result opens the portal article");
    assert!(browser.heading().await.contains(PILOT));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_keyboard_only() {
    if !tools_present("browser_keyboard_only", false) {
        return;
    }
    let server = start_demo("sqlite").await;
    let browser = Browser::start(1280, 900).await;
    let home = server.url("www.jl.localhost", "/");
    browser.open(&home).await;

    // The first Tab focuses the skip link, which then shows. Enter moves focus to <main>.
    press(&browser, Key::Tab).await;
    let focused = browser.driver().active_element().await.unwrap();
    assert_eq!(
        focused.class_name().await.unwrap().as_deref(),
        Some("skip-link"),
        "first Tab"
    );
    assert_eq!(
        focused.attr("href").await.unwrap().as_deref(),
        Some("#main")
    );
    assert!(
        focused.is_displayed().await.unwrap(),
        "the focused skip link is visible"
    );
    let rect = focused.rect().await.unwrap();
    assert!(
        rect.width > 1.0 && rect.height > 1.0 && rect.x >= 0.0 && rect.y >= 0.0,
        "skip link on screen: {rect:?}"
    );
    press(&browser, Key::Enter).await;
    let focused = browser.script("return document.activeElement.id").await;
    assert_eq!(
        focused, "main",
        "the skip link moves focus to the main content"
    );

    // From the top of the page, a few Tabs reach the header search box.
    browser.open(&home).await;
    let mut path = Vec::new();
    for _ in 0..6 {
        press(&browser, Key::Tab).await;
        let active = browser
            .script("const e = document.activeElement; return e.id || e.outerHTML.slice(0, 60)")
            .await;
        path.push(active.clone());
        if active == "header-search-q" {
            break;
        }
    }
    assert_eq!(
        path.last().map(String::as_str),
        Some("header-search-q"),
        "Tab order: {path:?}"
    );

    // Typing and Enter submit the search.
    let input = browser.driver().active_element().await.unwrap();
    input
        .send_keys(PILOT.to_string() + Key::Enter)
        .await
        .unwrap();
    browser
        .wait_for_url("the search page", |url| url.contains("/search?"))
        .await;
    let first = browser.find(".result-list li h2 a").await;
    let href = first.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        href.contains(PILOT_PATH),
        "Enter submitted the query: first result {href}"
    );

    drop(browser);
    server.running.unwrap().stop().await;
}

/// Presses and releases `key` on whatever has the focus.
async fn press(browser: &Browser, key: Key) {
    browser
        .driver()
        .action_chain()
        .send_keys(key)
        .perform()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_narrow_screen_360px() {
    if !tools_present("browser_narrow_screen_360px", false) {
        return;
    }
    warn_without_chinese_font("browser_narrow_screen_360px");
    let server = start_demo("sqlite").await;
    let browser = Browser::start(360, 800).await;
    let item = article_url(&server).await;
    let pages = [
        ("home", server.url("www.jl.localhost", "/")),
        ("column", server.url("www.jl.localhost", "/yw/index.html")),
        ("item", item.clone()),
        (
            "search",
            server.url("www.jl.localhost", &search_path(PILOT)),
        ),
    ];
    let mut problems = Vec::new();
    for (name, url) in &pages {
        browser.open(url).await;
        problems.extend(fit_problems(&browser, name, 360).await);
    }

    browser.open(&item).await;
    let (screenshot, width) = save_screenshot(&browser, "item-360px.png").await;
    println!(
        "browser_narrow_screen_360px: item page at 360 px saved to {}",
        screenshot.display()
    );
    assert_eq!(width, 360, "the screenshot is 360 px wide");

    // The check itself works: a 600 px wide block added to the item page is reported.
    let script = "const block = document.createElement('div');
        block.className = 'too-wide';
        block.style.width = '600px';
        block.style.height = '1px';
        document.querySelector('main').append(block);";
    browser.driver().execute(script, Vec::new()).await.unwrap();
    let caught = fit_problems(&browser, "item with a wide block", 360).await;
    assert!(
        caught
            .iter()
            .any(|problem| problem.contains("div.too-wide")),
        "the fit check missed a 600 px wide block: {caught:?}"
    );
    assert!(
        problems.is_empty(),
        "pages that do not fit 360 px:\n{}",
        problems.join("\n")
    );

    drop(browser);
    server.running.unwrap().stop().await;
}

/// Returns the portal address of the pilot news, found in the 要闻 column over HTTP.
async fn article_url(server: &TestServer) -> String {
    let (status, column) = server.get("www.jl.localhost", "/yw/index.html").await;
    assert_eq!(status, 200, "the portal's 要闻 column");
    crate::support::hrefs(&column)
        .into_iter()
        .find(|href| href.contains(PILOT_PATH))
        .unwrap_or_else(|| panic!("the portal's 要闻 column does not link the pilot news"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_accessibility_axe() {
    if !tools_present("browser_accessibility_axe", true) {
        return;
    }
    let axe = std::fs::read_to_string(axe_path()).unwrap();
    let server = start_demo("sqlite").await;
    let browser = Browser::start(1280, 900).await;
    let pages = [
        ("home", server.url("www.jl.localhost", "/")),
        ("column", server.url("www.jl.localhost", "/yw/index.html")),
        ("item", article_url(&server).await),
        ("English home", server.url("english.jl.localhost", "/")),
        (
            "search",
            server.url("www.jl.localhost", &search_path(PILOT)),
        ),
        ("directory", server.url("localhost", "/")),
        ("site map", server.url("www.jl.localhost", "/sitemap.html")),
        ("404", server.url("www.jl.localhost", "/no/such/page.html")),
    ];
    let mut blocking = Vec::new();
    for (name, url) in &pages {
        browser.open(url).await;
        assert!(
            !browser.heading().await.is_empty(),
            "{name}: the page has a heading"
        );
        for violation in axe_violations(&browser, &axe).await {
            let line = describe(name, &violation);
            println!("axe: {line}");
            if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
                blocking.push(line);
            }
        }
    }

    // The check itself works: an image without alt text on the last page is caught.
    add_image_without_alt(&browser).await;
    let caught = axe_violations(&browser, &axe).await;
    assert!(
        caught
            .iter()
            .any(|v| v["id"] == "image-alt" && v["impact"] == "critical"),
        "axe missed an image without alt text: {caught:?}"
    );
    assert!(
        blocking.is_empty(),
        "serious or critical axe violations:\n{}",
        blocking.join("\n")
    );

    drop(browser);
    server.running.unwrap().stop().await;
}
