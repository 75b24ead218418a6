//! The demo in a real headless Chromium: the walk-through by clicking, the keyboard alone, a
//! 360 px wide phone screen, and axe-core accessibility checks. Each test skips with a message
//! when Chromium, chromedriver or axe-core is missing, and fails instead when
//! `JIYUE_REQUIRE_BROWSER=1`.

use std::path::PathBuf;

use serde_json::Value;
use thirtyfour::Key;

use crate::browser_driver::{axe_path, tools_present, Browser};
use crate::support::{start_demo, TestServer};

/// Words of the title of the news on the pilot integration of government websites.
const PILOT: &str = "政府网站集约化";
/// The path part shared by the pilot news's addresses.
const PILOT_PATH: &str = "/yw/201811/t20181110_";

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
        .unwrap_or_else(|error| panic!("no 要闻 in 政数局's navigation: {error}"))
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

/// Clicks from the portal home to the pilot news, to its English version and back; returns
/// the Chinese article's address.
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

    // The first Tab focuses the skip link, which shows itself; Enter moves focus to <main>.
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
    warn_without_chinese_font();
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
        let viewport = browser.script_value("return window.innerWidth").await;
        assert_eq!(
            viewport,
            Value::from(360),
            "{name}: the window is 360 px wide"
        );
        let scroll = browser
            .script_value("return document.documentElement.scrollWidth")
            .await;
        if scroll.as_u64().is_none_or(|width| width > 360) {
            let wide = browser.script(WIDEST_ELEMENTS).await;
            problems.push(format!(
                "{name} ({url}): scrollWidth {scroll}; too wide: {wide}"
            ));
        }
        let search = browser.find("#header-search-q").await;
        let rect = search.rect().await.unwrap();
        if !search.is_displayed().await.unwrap() || rect.x < 0.0 || rect.x + rect.width > 360.0 {
            problems.push(format!(
                "{name} ({url}): search box not fully visible at {rect:?}"
            ));
        }
    }

    browser.open(&item).await;
    let screenshot = screenshot_path("item-360px.png");
    browser.driver().screenshot(&screenshot).await.unwrap();
    println!(
        "browser_narrow_screen_360px: item page at 360 px saved to {}",
        screenshot.display()
    );
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    assert_eq!(width, 360, "the screenshot is 360 px wide");

    assert!(
        problems.is_empty(),
        "horizontal scrolling at 360 px:\n{}",
        problems.join("\n")
    );
    drop(browser);
    server.running.unwrap().stop().await;
}

/// Warns when no Chinese font is installed: Chinese text then shows as boxes of another width.
fn warn_without_chinese_font() {
    let fonts = std::process::Command::new("fc-list")
        .arg(":lang=zh")
        .output();
    if fonts.map_or(true, |out| out.stdout.is_empty()) {
        eprintln!("browser_narrow_screen_360px: no Chinese font (apt-get install fonts-wqy-microhei); the screenshot shows boxes");
    }
}

/// Lists the elements whose right edge passes 360 px, to make a failure actionable.
const WIDEST_ELEMENTS: &str = "return Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > 360)
    .slice(0, 8)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
        + ' right=' + Math.round(e.getBoundingClientRect().right))
    .join(', ')";

/// Returns a path under Cargo's folder for integration-test files, kept after the run.
fn screenshot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
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
        ("404", server.url("www.jl.localhost", "/no/such/page.html")),
    ];
    let mut blocking = Vec::new();
    for (name, url) in &pages {
        browser.open(url).await;
        if *name == "404" {
            let title = browser.script("return document.title").await;
            assert!(!title.is_empty(), "the 404 page has a title");
        }
        for violation in axe_violations(&browser, &axe).await {
            let line = describe(name, &violation);
            println!("axe: {line}");
            if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
                blocking.push(line);
            }
        }
    }
    // The check itself works: an image without alt text on the last page is caught.
    browser.script("const img = document.createElement('img'); img.src = '/static/site.css'; document.querySelector('main').append(img); return ''").await;
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

/// Injects axe-core into the current page, runs it, and returns its violations.
async fn axe_violations(browser: &Browser, axe: &str) -> Vec<Value> {
    browser.driver().execute(axe, Vec::new()).await.unwrap();
    let run = "const done = arguments[arguments.length - 1];
        axe.run(document).then(r => done(JSON.stringify(r.violations)),
            e => done('axe failed: ' + e));";
    let ret = browser
        .driver()
        .execute_async(run, Vec::new())
        .await
        .unwrap();
    let text = ret.json().as_str().unwrap_or_default().to_string();
    match serde_json::from_str::<Vec<Value>>(&text) {
        Ok(violations) => violations,
        Err(_) => panic!("axe.run on {} returned {text}", browser.url().await),
    }
}

/// Formats one violation: page, rule, impact, help and every node's target and markup.
fn describe(page: &str, violation: &Value) -> String {
    let nodes: Vec<String> = violation["nodes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|node| {
            format!(
                "{} {}",
                node["target"],
                node["html"].as_str().unwrap_or_default()
            )
        })
        .collect();
    format!(
        "{page}: {} ({}) {}; nodes: {}",
        violation["id"].as_str().unwrap_or_default(),
        violation["impact"].as_str().unwrap_or("no impact"),
        violation["help"].as_str().unwrap_or_default(),
        nodes.join(" | ")
    )
}
