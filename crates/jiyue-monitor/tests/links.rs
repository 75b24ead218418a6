//! The broken-link check against fixture sites: external links served by axum on
//! 127.0.0.1, internal links resolved from a folder or from the routes table of a real
//! database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use jiyue_core::credit_code::{compute_check_char, compute_org_check_char};
use jiyue_core::{Clock, ColumnType, FixedClock};
use jiyue_db::testing::{fresh_dbs, test_start};
use jiyue_db::{NewColumn, NewOrg, NewSite, Scope, SiteSettings};
use jiyue_monitor::links::{
    check_pages, DbResolver, DirResolver, HttpOptions, LinkOptions, LinkReport, Problem, Url,
};
use jiyue_monitor::{Check, Severity};

const SITE: &str = "https://www.jl.gov.cn/";

/// Requests the fixture server received, by path.
#[derive(Default)]
struct Hits {
    by_path: std::sync::Mutex<HashMap<String, usize>>,
    methods: std::sync::Mutex<Vec<(Method, String)>>,
}

impl Hits {
    fn count(&self, path: &str) -> usize {
        self.by_path.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

/// Serves the fixture paths. Every other path is 404.
async fn fixture(State(hits): State<Arc<Hits>>, method: Method, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let seen = {
        let mut by_path = hits.by_path.lock().unwrap();
        let count = by_path.entry(path.clone()).or_default();
        *count += 1;
        *count
    };
    hits.methods
        .lock()
        .unwrap()
        .push((method.clone(), path.clone()));
    match path.as_str() {
        "/ok.html" | "/count.html" => {
            Html("<html><body><h2 id=\"第一章\">第一章</h2></body></html>").into_response()
        }
        "/limited" if seen == 1 => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "slow down",
        )
            .into_response(),
        "/always-limited" => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "3600")],
            "slow down",
        )
            .into_response(),
        // The date is one second after the test clock's time, so the wait is one second
        // only when the checker reads the injected clock.
        "/unavailable" if seen == 1 => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "Fri, 01 Mar 2024 02:00:01 GMT")],
            "maintenance",
        )
            .into_response(),
        "/limited" | "/unavailable" => Html("<p>back</p>").into_response(),
        "/loop-a" => redirect("/loop-b"),
        "/loop-b" => redirect("/loop-a"),
        "/moved" => redirect("/ok.html"),
        "/moved-away" => redirect("/gone-for-good"),
        "/head-refused" if method == Method::HEAD => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        "/head-refused" => Html("<p>GET works</p>").into_response(),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Html("<p>late</p>").into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// Starts the fixture server on a free loopback port.
async fn start_server() -> (String, Arc<Hits>) {
    let hits = Arc::new(Hits::default());
    let app = Router::new()
        .fallback(any(fixture))
        .with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), hits)
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(FixedClock::new(test_start()))
}

fn test_options(allow_private: bool) -> LinkOptions {
    LinkOptions {
        offline: false,
        include_fragments: true,
        http: HttpOptions {
            timeout: Duration::from_secs(1),
            per_host_interval: Duration::ZERO,
            max_retry_wait: Duration::from_secs(5),
            allow_private,
            ..HttpOptions::default()
        },
    }
}

fn page(path: &str, body: &str) -> (Url, String) {
    let url = Url::parse(SITE).unwrap().join(path).unwrap();
    (
        url,
        format!("<!doctype html><html><body>{body}</body></html>"),
    )
}

/// Returns the problem reported for the link written as `written`, or `None` when it
/// works.
fn problem_of(report: &LinkReport, written: &str) -> Option<Problem> {
    report
        .pages
        .iter()
        .flat_map(|page| page.broken.iter().chain(&page.unverified))
        .find(|link| link.written == written)
        .map(|link| link.problem.clone())
}

async fn check_external(links: &[String], allow_private: bool) -> LinkReport {
    let body: String = links
        .iter()
        .map(|link| format!("<a href=\"{link}\">x</a>"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let resolver = DirResolver::new(dir.path(), Url::parse(SITE).unwrap());
    let pages = vec![page("/a.html", &body)];
    check_pages(pages, &resolver, &test_options(allow_private), clock())
        .await
        .unwrap()
}

#[tokio::test]
async fn external_broken_and_working() {
    let (base, _hits) = start_server().await;
    let ok = format!("{base}/ok.html");
    let missing = format!("{base}/missing.html");
    let moved = format!("{base}/moved");
    let moved_away = format!("{base}/moved-away");
    let report = check_external(
        &[
            ok.clone(),
            missing.clone(),
            moved.clone(),
            moved_away.clone(),
        ],
        true,
    )
    .await;

    assert_eq!(problem_of(&report, &ok), None);
    assert_eq!(problem_of(&report, &moved), None);
    assert_eq!(
        problem_of(&report, &missing),
        Some(Problem::Status { status: 404 })
    );
    assert_eq!(
        problem_of(&report, &moved_away),
        Some(Problem::Status { status: 404 })
    );
    let link = report.pages[0]
        .broken
        .iter()
        .find(|link| link.written == moved_away)
        .unwrap();
    assert_eq!(link.redirects, [format!("{base}/gone-for-good")]);
    assert_eq!(report.inner.broken, 2);
    assert_eq!(report.external_targets, 4);
}

#[tokio::test]
async fn retry_after_seconds_then_success() {
    let (base, hits) = start_server().await;
    let limited = format!("{base}/limited");
    let started = Instant::now();
    let report = check_external(std::slice::from_ref(&limited), true).await;

    assert_eq!(problem_of(&report, &limited), None);
    assert_eq!(hits.count("/limited"), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retry_after_date_uses_clock() {
    let (base, hits) = start_server().await;
    let unavailable = format!("{base}/unavailable");
    let started = Instant::now();
    let report = check_external(std::slice::from_ref(&unavailable), true).await;

    assert_eq!(problem_of(&report, &unavailable), None);
    assert_eq!(hits.count("/unavailable"), 2);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_too_long_is_unverified() {
    let (base, hits) = start_server().await;
    let limited = format!("{base}/always-limited");
    let report = check_external(std::slice::from_ref(&limited), true).await;

    assert_eq!(problem_of(&report, &limited), Some(Problem::RateLimited));
    assert_eq!(hits.count("/always-limited"), 1);
    assert_eq!(report.broken(), 0);
    assert_eq!(report.unverified, 1);
}

#[tokio::test]
async fn redirect_loop_reported() {
    let (base, _hits) = start_server().await;
    let looping = format!("{base}/loop-a");
    let report = check_external(std::slice::from_ref(&looping), true).await;

    assert_eq!(problem_of(&report, &looping), Some(Problem::RedirectLoop));
    let link = &report.pages[0].broken[0];
    assert_eq!(
        link.redirects,
        [format!("{base}/loop-b"), format!("{base}/loop-a")]
    );
}

#[tokio::test]
async fn head_refused_falls_back_to_get() {
    let (base, hits) = start_server().await;
    let refused = format!("{base}/head-refused");
    let report = check_external(std::slice::from_ref(&refused), true).await;

    assert_eq!(problem_of(&report, &refused), None);
    let methods = hits.methods.lock().unwrap().clone();
    assert_eq!(
        methods,
        [
            (Method::HEAD, "/head-refused".to_string()),
            (Method::GET, "/head-refused".to_string())
        ]
    );
}

#[tokio::test]
async fn slow_server_times_out() {
    let (base, _hits) = start_server().await;
    let slow = format!("{base}/slow");
    let started = Instant::now();
    let report = check_external(std::slice::from_ref(&slow), true).await;

    assert_eq!(problem_of(&report, &slow), Some(Problem::Timeout));
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn private_address_refused() {
    let (base, hits) = start_server().await;
    let literal = format!("{base}/ok.html");
    let port = base.rsplit(':').next().unwrap();
    let named = format!("http://localhost:{port}/ok.html");
    let report = check_external(&[literal.clone(), named.clone()], false).await;

    assert_eq!(
        problem_of(&report, &literal),
        Some(Problem::PrivateAddress {
            address: "127.0.0.1".to_string()
        })
    );
    assert!(
        matches!(
            problem_of(&report, &named),
            Some(Problem::PrivateAddress { .. })
        ),
        "{:?}",
        problem_of(&report, &named)
    );
    assert_eq!(hits.count("/ok.html"), 0);
}

#[tokio::test]
async fn external_fragments_and_one_request() {
    let (base, hits) = start_server().await;
    let present = format!("{base}/count.html#第一章");
    let encoded = format!("{base}/count.html#%E7%AC%AC%E4%B8%80%E7%AB%A0");
    let missing = format!("{base}/count.html#第二章");
    let plain = format!("{base}/count.html");
    let report = check_external(
        &[present.clone(), encoded.clone(), missing.clone(), plain],
        true,
    )
    .await;

    assert_eq!(problem_of(&report, &present), None);
    assert_eq!(problem_of(&report, &encoded), None);
    assert_eq!(
        problem_of(&report, &missing),
        Some(Problem::MissingFragment {
            fragment: "第二章".to_string()
        })
    );
    assert_eq!(hits.count("/count.html"), 1);
    assert_eq!(hits.methods.lock().unwrap()[0].0, Method::GET);
}

fn write(dir: &Path, path: &str, body: &str) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, body).unwrap();
}

#[tokio::test]
async fn export_folder_fragments_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sub/index.html", "<h1 id=\"top\">sub</h1>");
    write(dir.path(), "中文/页面.html", "<h2 id=\"第一章\">一</h2>");
    write(dir.path(), "site.css", "body{}");
    let pages = vec![
        page(
            "/index.html",
            "<a href=\"/中文/页面.html#第一章\">ok</a>\
             <a href=\"/%E4%B8%AD%E6%96%87/%E9%A1%B5%E9%9D%A2.html#%E7%AC%AC%E4%B8%80%E7%AB%A0\">ok</a>\
             <a href=\"/中文/页面.html#第二章\">missing anchor</a>\
             <a href=\"sub/\">dir</a><a href=\"sub\">dir without slash</a>\
             <link href=\"/site.css\"><a href=\"mailto:a@b.cn\">m</a><a href=\"tel:0431\">t</a>\
             <img src=\"/logo.png\"><a href=\"#本页\">self</a><p id=\"本页\">p</p>",
        ),
        page(
            "/sub/index.html",
            "<a href=\"../nope.html\">gone</a><a href=\"/index.html#无此锚\">x</a>\
             <a href=\"javascript:void(0)\">js</a><img srcset=\"a.png 1x, /site.css 2x\">\
             <a href=\"https://www.gov.cn/zhengce/\">another site, not fetched offline</a>",
        ),
    ];
    let resolver = DirResolver::new(dir.path(), Url::parse(SITE).unwrap());
    let mut options = test_options(false);
    options.offline = true;
    let report = check_pages(pages, &resolver, &options, clock())
        .await
        .unwrap();

    assert_eq!(problem_of(&report, "/中文/页面.html#第一章"), None);
    assert_eq!(
        problem_of(
            &report,
            "/%E4%B8%AD%E6%96%87/%E9%A1%B5%E9%9D%A2.html#%E7%AC%AC%E4%B8%80%E7%AB%A0"
        ),
        None
    );
    assert_eq!(
        problem_of(&report, "/中文/页面.html#第二章"),
        Some(Problem::MissingFragment {
            fragment: "第二章".to_string()
        })
    );
    assert_eq!(problem_of(&report, "sub/"), None);
    assert_eq!(problem_of(&report, "sub"), None);
    assert_eq!(problem_of(&report, "/site.css"), None);
    assert_eq!(problem_of(&report, "#本页"), None);
    assert_eq!(
        problem_of(&report, "/logo.png"),
        Some(Problem::Status { status: 404 })
    );
    assert_eq!(
        problem_of(&report, "../nope.html"),
        Some(Problem::Status { status: 404 })
    );
    assert_eq!(
        problem_of(&report, "/index.html#无此锚"),
        Some(Problem::MissingFragment {
            fragment: "无此锚".to_string()
        })
    );
    assert_eq!(
        problem_of(&report, "a.png"),
        Some(Problem::Status { status: 404 })
    );

    assert_eq!(report.home.pages, 1);
    assert_eq!(report.home.broken, 2);
    assert_eq!(report.inner.pages, 1);
    assert_eq!(report.inner.broken, 3);
    assert_eq!(report.skipped, 4);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[tokio::test]
async fn faults_keyed_and_graded() {
    let dir = tempfile::tempdir().unwrap();
    let pages = || {
        vec![
            page("/", "<a href=\"/a.html\">a</a>"),
            page(
                "/inner/b.html",
                "<a href=\"/a.html\">a</a><a href=\"/c.html\">c</a>",
            ),
        ]
    };
    let resolver = DirResolver::new(dir.path(), Url::parse(SITE).unwrap());
    let options = test_options(false);
    let first = check_pages(pages(), &resolver, &options, clock())
        .await
        .unwrap();
    let second = check_pages(pages(), &resolver, &options, clock())
        .await
        .unwrap();
    let faults = first.faults(Some(7));
    let again = second.faults(Some(7));

    assert_eq!(faults.len(), 3);
    let keys: Vec<&str> = faults.iter().map(|fault| fault.key.as_str()).collect();
    let keys_again: Vec<&str> = again.iter().map(|fault| fault.key.as_str()).collect();
    assert_eq!(keys, keys_again);
    let distinct: std::collections::HashSet<&&str> = keys.iter().collect();
    assert_eq!(distinct.len(), 3);
    assert_ne!(first.faults(Some(8))[0].key, faults[0].key);

    let home = &faults[0];
    assert_eq!(home.check, Check::Links);
    assert_eq!(home.site_id, Some(7));
    assert_eq!(home.severity, Severity::Warning);
    assert_eq!(home.message, "links-broken-home");
    assert_eq!(home.args["problem"], "404");
    assert_eq!(home.args["target"], "https://www.jl.gov.cn/a.html");
    assert!(home.evidence.contains("https://www.jl.gov.cn/a.html"));
    assert_eq!(faults[1].message, "links-broken-inner");
}

fn credit_code(division: &str, first8: &str) -> String {
    let org_check = compute_org_check_char(first8).unwrap();
    let first17 = format!("11{division}{first8}{org_check}");
    format!("{first17}{}", compute_check_char(&first17).unwrap())
}

#[tokio::test]
async fn routes_table_without_network() {
    for test_db in fresh_dbs().await.unwrap() {
        let db = &test_db.db;
        let label = test_db.label();
        let scope = Scope::Platform;
        let org = credit_code("220000", "00000001");
        db.upsert_org(
            &scope,
            &NewOrg {
                credit_code: org.clone(),
                name: "吉林省人民政府".to_string(),
                name_en: None,
                parent_credit_code: None,
                division_code: "220000".to_string(),
            },
        )
        .await
        .unwrap();
        let site_id = db
            .upsert_site(
                &scope,
                &NewSite {
                    code: "2200000001".to_string(),
                    org_credit_code: org,
                    name: "吉林省人民政府门户网站".to_string(),
                    lang: "zh-CN".to_string(),
                    description: None,
                    keywords: None,
                    primary_domain: "www.jl.gov.cn".to_string(),
                    aliases: vec!["jl.gov.cn".to_string()],
                    language_version_of: None,
                    theme: "default".to_string(),
                    settings: SiteSettings::default(),
                },
            )
            .await
            .unwrap();
        db.upsert_column(
            &scope,
            &NewColumn {
                site_code: "2200000001".to_string(),
                path: "yw".to_string(),
                name: "要闻".to_string(),
                column_type: ColumnType::KeyNews,
                description: None,
                keywords: None,
                position: 0,
                review_levels: 1,
                accepts_shared: false,
            },
        )
        .await
        .unwrap();
        let digest = db.blob_store().unwrap().put(b"%PDF-1.4").await.unwrap();

        let hosts = HashMap::from([
            ("www.jl.gov.cn".to_string(), site_id),
            ("jl.gov.cn".to_string(), site_id),
        ]);
        let resolver = DbResolver::new(db.clone(), hosts);
        let pages = vec![page(
            "/",
            &format!(
                "<a href=\"/yw/index.html\">column</a><a href=\"/yw/index_2.html\">page 2</a>\
                 <a href=\"https://jl.gov.cn/yw/index.html\">alias</a>\
                 <a href=\"/static/site.css\">css</a><a href=\"/static/none.css\">no css</a>\
                 <a href=\"/files/{digest}.pdf\">file</a><a href=\"/files/{}.pdf\">no file</a>\
                 <a href=\"/zwgk/index.html\">no column</a><a href=\"/sitemap.html\">map</a>",
                "0".repeat(64)
            ),
        )];
        // Private addresses stay forbidden: a link leaving for the network would fail.
        let report = check_pages(pages, &resolver, &test_options(false), clock())
            .await
            .unwrap();

        for working in [
            "/yw/index.html",
            "/yw/index_2.html",
            "https://jl.gov.cn/yw/index.html",
            "/static/site.css",
            "/sitemap.html",
        ] {
            assert_eq!(problem_of(&report, working), None, "{label}: {working}");
        }
        assert_eq!(
            problem_of(&report, &format!("/files/{digest}.pdf")),
            None,
            "{label}"
        );
        for missing in ["/static/none.css", "/zwgk/index.html"] {
            assert_eq!(
                problem_of(&report, missing),
                Some(Problem::Status { status: 404 }),
                "{label}: {missing}"
            );
        }
        assert_eq!(report.home.broken, 3, "{label}");
        assert_eq!(report.external_targets, 0, "{label}");
        assert!(report.errors.is_empty(), "{label}: {:?}", report.errors);
    }
}
