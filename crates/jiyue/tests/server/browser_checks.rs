//! Checks the browser tests run on a loaded page: fit on a narrow screen, screenshots kept for
//! a person to look at, and axe-core accessibility violations.

use std::path::PathBuf;

use serde_json::Value;

use crate::browser_driver::Browser;

/// Lists up to 8 elements whose right edge passes the `width` given as the first argument.
const WIDEST_ELEMENTS: &str = "const width = arguments[0];
    return Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > width)
        .slice(0, 8)
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
            + ' right=' + Math.round(e.getBoundingClientRect().right))
        .join(', ')";

/// Returns what keeps the open page `name` from fitting a `width` px screen: content wider
/// than the screen (naming the elements too wide) or a header search box not fully on screen.
/// A phone zooms out to show wide content, so a wider `innerWidth` counts as well as a wider
/// `scrollWidth`.
pub async fn fit_problems(browser: &Browser, name: &str, width: u32) -> Vec<String> {
    let url = browser.url().await;
    let screen = browser.script_value("return screen.width").await;
    assert_eq!(
        screen,
        Value::from(width),
        "{name}: the screen is {width} px wide"
    );

    let mut problems = Vec::new();
    let sizes = browser
        .script_value("return [window.innerWidth, document.documentElement.scrollWidth]")
        .await;
    let too_wide = |size: &Value| size.as_u64().is_none_or(|size| size > u64::from(width));
    if too_wide(&sizes[0]) || too_wide(&sizes[1]) {
        let wide = browser
            .driver()
            .execute(WIDEST_ELEMENTS, vec![Value::from(width)])
            .await
            .unwrap();
        let wide = wide.json().as_str().unwrap_or_default().to_string();
        problems.push(format!(
            "{name} ({url}): innerWidth {}, scrollWidth {}, too wide: {wide}",
            sizes[0], sizes[1]
        ));
    }

    let search = browser.find("#header-search-q").await;
    let rect = search.rect().await.unwrap();
    let on_screen = rect.x >= 0.0 && rect.x + rect.width <= f64::from(width);
    if !search.is_displayed().await.unwrap() || !on_screen {
        problems.push(format!(
            "{name} ({url}): search box not fully visible at {rect:?}"
        ));
    }
    problems
}

/// Saves a screenshot of the open page as `name` under Cargo's folder for integration-test
/// files, where it stays after the run, and returns its path and its width in pixels.
pub async fn save_screenshot(browser: &Browser, name: &str) -> (PathBuf, u32) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    browser.driver().screenshot(&path).await.unwrap();

    let png = std::fs::read(&path).unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        path.display()
    );
    // The IHDR chunk follows the 8-byte signature, and its width is bytes 16 to 19.
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    (path, width)
}

/// Prints a warning when no Chinese font is installed, because Chinese text then shows as
/// empty boxes in screenshots.
pub fn warn_without_chinese_font(test: &str) {
    let fonts = std::process::Command::new("fc-list")
        .arg(":lang=zh")
        .output();
    if fonts.map_or(true, |out| out.stdout.is_empty()) {
        eprintln!(
            "{test}: no Chinese font found, so screenshots show boxes. \
             Install one with `apt-get install fonts-wqy-microhei`."
        );
    }
}

/// Injects axe-core (the text of `axe.min.js`) into the open page, runs it, and returns the
/// violations it reports.
pub async fn axe_violations(browser: &Browser, axe: &str) -> Vec<Value> {
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
        Err(_) => panic!("axe.run failed on {}: {text}", browser.url().await),
    }
}

/// Formats one violation on `page`: rule, impact, help, and every node's target and markup.
pub fn describe(page: &str, violation: &Value) -> String {
    let nodes: Vec<String> = violation["nodes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|node| {
            let html = node["html"].as_str().unwrap_or_default();
            format!("{} {}", node["target"], html.replace('\n', " "))
        })
        .collect();
    format!(
        "{page}: {} ({}) {}. Nodes: {}",
        violation["id"].as_str().unwrap_or_default(),
        violation["impact"].as_str().unwrap_or("no impact"),
        violation["help"].as_str().unwrap_or_default(),
        nodes.join(" | ")
    )
}

/// Adds an image without alt text to the open page's `main`, a critical axe-core violation.
pub async fn add_image_without_alt(browser: &Browser) {
    let script = "const image = document.createElement('img');
        image.src = '/static/site.css';
        document.querySelector('main').append(image);";
    browser.driver().execute(script, Vec::new()).await.unwrap();
}
