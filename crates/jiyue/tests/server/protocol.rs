//! HTTP behaviour of the public listener: hosts, errors, conditional and compressed
//! responses, security headers, feeds, sitemaps and the separation of the admin listener.

use crate::support::{start_demo, TestServer};

async fn raw(
    server: &TestServer,
    method: reqwest::Method,
    host: &str,
    path: &str,
) -> reqwest::Response {
    server
        .raw
        .request(method, server.url(host, path))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_errors_and_redirects() {
    let server = start_demo("sqlite").await;

    let (status, body) = server.get("unknown.example", "/").await;
    assert_eq!(status, 404);
    assert!(
        body.contains("unknown.example"),
        "the 404 names the unknown host"
    );

    let (status, body) = server.get("www.jl.localhost", "/no/such/page.html").await;
    assert_eq!(status, 404);
    assert!(
        body.contains("吉林省人民政府"),
        "an unknown path renders in the site layout"
    );
    assert!(body.contains("<footer"));

    let response = raw(
        &server,
        reqwest::Method::GET,
        "jl.localhost",
        "/yw/index.html?x=1",
    )
    .await;
    assert_eq!(response.status(), 301, "an alias redirects");
    assert_eq!(
        response.headers()["location"],
        format!("http://www.jl.localhost:{}/yw/index.html?x=1", server.port).as_str()
    );

    let response = raw(&server, reqwest::Method::POST, "www.jl.localhost", "/").await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD");

    let response = raw(&server, reqwest::Method::GET, "www.jl.localhost", "/yw").await;
    assert_eq!(
        response.status(),
        301,
        "a column path without index.html redirects"
    );

    let (status, _) = server.get("www.jl.localhost", "/yw/index_999.html").await;
    assert_eq!(status, 404, "a column page past the last one");

    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_etag_and_compression() {
    let server = start_demo("sqlite").await;
    let host = "www.jl.localhost";

    let full = raw(&server, reqwest::Method::GET, host, "/").await;
    assert_eq!(full.status(), 200);
    let etag = full.headers()["etag"].clone();
    let length = full.headers()["content-length"].clone();
    let body = full.bytes().await.unwrap();
    assert_eq!(length.to_str().unwrap(), body.len().to_string());

    let head = raw(&server, reqwest::Method::HEAD, host, "/").await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], length);
    assert_eq!(head.headers()["etag"], etag);

    let not_modified = server
        .raw
        .get(server.url(host, "/"))
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), 304);
    assert!(not_modified.bytes().await.unwrap().is_empty());

    for (encoding, name) in [("br", "br"), ("gzip", "gzip"), ("gzip, br", "br")] {
        let response = server
            .raw
            .get(server.url(host, "/"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-encoding"],
            name,
            "for {encoding}"
        );
        assert_eq!(response.headers()["vary"], "Accept-Encoding");
        assert_ne!(
            response.headers()["etag"],
            etag,
            "each encoding has its own tag"
        );
        let compressed = response.bytes().await.unwrap();
        assert!(
            compressed.len() < body.len() / 2,
            "{encoding} body is compressed"
        );
    }

    // The decoding client gets the same bytes as the identity response.
    let decoded = server
        .client
        .get(server.url(host, "/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(decoded, body);

    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_and_admin_separation() {
    let server = start_demo("sqlite").await;
    let response = raw(&server, reqwest::Method::GET, "www.jl.localhost", "/").await;
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"));
    assert!(csp.contains("frame-ancestors"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script");
    assert!(!html.contains(" style=\""), "no inline style");

    for path in ["/healthz", "/metrics", "/readyz"] {
        let (status, _) = server.get("www.jl.localhost", path).await;
        assert_eq!(status, 404, "{path} is not on the public listener");
    }
    let admin = format!("http://{}", server.admin);
    let health = reqwest::get(format!("{admin}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = reqwest::get(format!("{admin}/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let metrics = reqwest::get(format!("{admin}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("jiyue_page_cache_hits_total"));

    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_sitemap_and_robots() {
    let server = start_demo("sqlite").await;

    let (status, column) = server.get("www.jl.localhost", "/yw/index.html").await;
    assert_eq!(status, 200);
    assert!(
        column.contains("application/atom+xml"),
        "the column page links its feed"
    );

    let response = server
        .client
        .get(server.url("www.jl.localhost", "/yw/atom.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    let feed = response.bytes().await.unwrap();
    let parsed = parse_feed_with_feedparser(&feed);
    assert_eq!(parsed["bozo"], 0, "feedparser: {parsed}");
    assert_eq!(parsed["version"], "atom10");
    assert!(parsed["entries"].as_u64().unwrap() >= 2);
    assert!(parsed["titles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t.as_str().unwrap().contains("政府网站")));

    let (status, sitemap) = server.get("www.jl.localhost", "/sitemap.xml").await;
    assert_eq!(status, 200);
    assert!(sitemap.contains("<urlset"));
    assert!(sitemap.contains(&format!(
        "http://www.jl.localhost:{}/yw/201811/",
        server.port
    )));

    // The human-readable site map lists the columns and every footer links to it.
    let (status, site_map) = server.get("www.jl.localhost", "/sitemap.html").await;
    assert_eq!(status, 200);
    assert!(site_map.contains("网站地图"));
    for column in ["要闻", "通知公告", "政策文件", "信息公开指南"] {
        assert!(site_map.contains(column), "the site map lists {column}");
    }
    assert!(
        site_map.contains("/tzgg/index.html"),
        "the site map links the column pages"
    );
    assert!(
        column.contains("/sitemap.html"),
        "the footer links the site map"
    );

    let (status, robots) = server.get("www.jl.localhost", "/robots.txt").await;
    assert_eq!(status, 200);
    assert!(robots.contains("Sitemap: http://www.jl.localhost"));

    server.running.unwrap().stop().await;
}

/// Parses an Atom document with Python feedparser, the independent implementation of the
/// other side, and returns a JSON summary.
fn parse_feed_with_feedparser(feed: &[u8]) -> serde_json::Value {
    let python = std::env::var("JIYUE_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, feed).unwrap();
    let script = "import sys, json, feedparser\n\
        d = feedparser.parse(open(sys.argv[1], 'rb').read())\n\
        print(json.dumps({'bozo': int(d.bozo), 'version': d.version, \
        'entries': len(d.entries), 'titles': [e.title for e in d.entries]}))";
    let output = std::process::Command::new(&python)
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python}: {e}; run ./scripts/test, which sets up feedparser")
        });
    assert!(
        output.status.success(),
        "feedparser failed (install it with ./scripts/test or pip install feedparser): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}
