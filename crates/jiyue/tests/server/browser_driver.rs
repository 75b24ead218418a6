//! Starts chromedriver and a headless Chromium kept off the network for the browser tests,
//! decides whether those tests can run here, and stops both programs when a test ends, whether
//! it passed or panicked.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use thirtyfour::prelude::*;
use tokio::sync::{Mutex, MutexGuard};

/// The Debian chromedriver the tests drive Chromium with.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The Debian Chromium, same version as chromedriver.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium's smallest window width, as observed with Chromium 156 headless. Narrower
/// screens are emulated.
const MIN_WINDOW_WIDTH: u32 = 500;

/// One browser at a time: the machine has two cores and the server shares them.
static TURN: Mutex<()> = Mutex::const_new(());

/// Returns where `npm ci` puts axe-core, read at run time.
pub fn axe_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../node_modules/axe-core/axe.min.js"
    ))
}

/// Returns whether the tools `test` needs are installed (axe-core only when `axe` is true).
/// Prints why not and returns false, or panics when `JIYUE_REQUIRE_BROWSER=1`.
pub fn tools_present(test: &str, axe: bool) -> bool {
    let mut missing = Vec::new();
    for (path, install) in [
        (CHROMEDRIVER, "apt-get install chromium-driver"),
        (CHROMIUM, "apt-get install chromium"),
    ] {
        if !Path::new(path).exists() {
            missing.push(format!("{path} (install it with `{install}`)"));
        }
    }
    if axe && !axe_path().exists() {
        missing.push(format!(
            "{} (install it with `npm ci` at the repository root)",
            axe_path().display()
        ));
    }
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    if std::env::var("JIYUE_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("{test}: JIYUE_REQUIRE_BROWSER=1 but these are missing: {missing}");
    }
    eprintln!("{test}: skipped because these are missing: {missing}. Set JIYUE_REQUIRE_BROWSER=1 to fail instead.");
    false
}

/// Starts chromedriver on `port`, logging to `log`, in a process group of its own so that
/// `Browser`'s drop can kill Chromium too if quitting the session fails.
fn spawn_chromedriver(port: u16, log: &Path) -> Child {
    Command::new(CHROMEDRIVER)
        .process_group(0)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", log.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("failed to start {CHROMEDRIVER}: {error}. Install it with `apt-get install chromium-driver`")
        })
}

/// A headless Chromium driven over WebDriver, with the chromedriver that runs it. Dropping it
/// blocks on quitting the session, so it needs a multi-threaded tokio runtime.
pub struct Browser {
    driver: Option<WebDriver>,
    chromedriver: Child,
    work: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and Chromium with a `width`×`height`
    /// viewport. Below Chromium's smallest window (500 px) a phone screen is emulated instead.
    pub async fn start(width: u32, height: u32) -> Browser {
        let turn = TURN.lock().await;
        let work = tempfile::Builder::new()
            .prefix("jiyue-browser-")
            .tempdir()
            .unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let chromedriver = spawn_chromedriver(port, &work.path().join("chromedriver.log"));
        let mut browser = Browser {
            driver: None,
            chromedriver,
            work,
            _turn: turn,
        };

        let url = format!("http://127.0.0.1:{port}");
        browser.wait_until_ready(&url).await;
        let caps = browser.capabilities(width, height);
        let driver = WebDriver::new(&url, caps).await.unwrap_or_else(|error| {
            panic!(
                "chromedriver failed to start {CHROMIUM}: {error}\n{}",
                browser.log()
            )
        });
        driver
            .set_script_timeout(Duration::from_secs(60))
            .await
            .unwrap();
        driver
            .set_page_load_timeout(Duration::from_secs(30))
            .await
            .unwrap();
        browser.driver = Some(driver);
        browser
    }

    fn capabilities(&self, width: u32, height: u32) -> thirtyfour::ChromeCapabilities {
        let profile = self.work.path().join("profile");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1, MAP * ~NOTFOUND",
            &format!("--window-size={width},{height}"),
        ] {
            caps.add_arg(arg).unwrap();
        }
        if width < MIN_WINDOW_WIDTH {
            let metrics = serde_json::json!({ "width": width, "height": height, "pixelRatio": 1 });
            let emulation = serde_json::json!({ "deviceMetrics": metrics });
            caps.insert_browser_option("mobileEmulation", emulation)
                .unwrap();
        }
        caps
    }

    /// Polls chromedriver's `/status` until it reports `ready`, for at most 20 seconds.
    async fn wait_until_ready(&mut self, url: &str) {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.chromedriver.try_wait() {
                panic!(
                    "chromedriver exited before it was ready ({status})\n{}",
                    self.log()
                );
            }
            if let Ok(response) = client.get(format!("{url}/status")).send().await {
                let status: Value = response.json().await.unwrap_or_default();
                if status["value"]["ready"] == Value::Bool(true) {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver timed out: not ready after 20 s\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log(&self) -> String {
        let log = std::fs::read_to_string(self.work.path().join("chromedriver.log"));
        let text = log.unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        format!(
            "chromedriver log (last lines):\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
    }

    /// Returns the WebDriver session.
    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().unwrap()
    }

    /// Opens `url` and waits until the document has loaded.
    pub async fn open(&self, url: &str) {
        self.driver()
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("failed to open {url}: {error}"));
        self.wait_loaded().await;
    }

    /// Waits until the current document's `readyState` is `complete`.
    pub async fn wait_loaded(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.script("return document.readyState").await != "complete" {
            assert!(
                Instant::now() < deadline,
                "page not loaded in 20 s: {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the address satisfies `wanted` (described by `what`) and returns it.
    pub async fn wait_for_url(&self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = self.url().await;
            if wanted(&url) {
                self.wait_loaded().await;
                return url;
            }
            assert!(Instant::now() < deadline, "still on {url}, expected {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Returns the current address.
    pub async fn url(&self) -> String {
        self.driver().current_url().await.unwrap().to_string()
    }

    /// Runs `script` in the page and returns its result as JSON.
    pub async fn script_value(&self, script: &str) -> Value {
        let ret = self.driver().execute(script, Vec::new()).await;
        ret.unwrap_or_else(|error| panic!("script {script:?} failed: {error}"))
            .json()
            .clone()
    }

    /// Runs `script` in the page and returns its result as text (JSON for non-strings).
    pub async fn script(&self, script: &str) -> String {
        match self.script_value(script).await {
            Value::String(text) => text,
            other => other.to_string(),
        }
    }

    /// Waits until an element matches the CSS `selector` and returns it, failing with the page's
    /// address after 20 s. A click starts navigation asynchronously, so the old page may still
    /// read as loaded right after it.
    pub async fn wait_find(&self, selector: &str) -> WebElement {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.driver().find(By::Css(selector)).await {
                Ok(element) => return element,
                Err(error) if Instant::now() >= deadline => panic!(
                    "element {selector} not found on {} within 20 s: {error}",
                    self.url().await
                ),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Returns the first element matching the CSS `selector`, or fails naming the page.
    pub async fn find(&self, selector: &str) -> WebElement {
        match self.driver().find(By::Css(selector)).await {
            Ok(element) => element,
            Err(error) => panic!(
                "element {selector} not found on {}: {error}",
                self.url().await
            ),
        }
    }

    /// Returns the first `a` element whose text contains `text`.
    pub async fn link_containing(&self, text: &str) -> WebElement {
        let xpath = format!("//a[contains(normalize-space(.), '{text}')]");
        match self.driver().find(By::XPath(&xpath)).await {
            Ok(element) => element,
            Err(error) => panic!(
                "link containing {text:?} not found on {}: {error}",
                self.url().await
            ),
        }
    }

    /// Returns the text of the page's first `h1`.
    pub async fn heading(&self) -> String {
        self.find("h1").await.text().await.unwrap()
    }

    /// Returns the `lang` attribute of the `html` element.
    pub async fn lang(&self) -> String {
        self.script("return document.documentElement.lang").await
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Quitting the session closes Chromium, even while elements still refer to the session.
        if let Some(driver) = self.driver.take() {
            let quit = tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(driver.quit())
            });
            if let Err(error) = quit {
                eprintln!("failed to quit the WebDriver session: {error}");
            }
        }
        // Kill what remains of chromedriver's process group, Chromium too if quitting failed.
        let group = format!("-{}", self.chromedriver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).output();
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}
