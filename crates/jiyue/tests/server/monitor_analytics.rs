//! Analytics over real HTTP. The tests check which public requests count as page views and
//! searches, the exact counts on the admin page and in the CSV, that public pages set no
//! cookie and that the analytics store holds no client address. They also check the scope of
//! a site administrator and the validation of the range.

use jiyue_auth::Role;
use jiyue_db::GrantRef;
use reqwest::header::{HeaderMap, ETAG, IF_NONE_MATCH, SET_COOKIE, USER_AGENT};

use crate::admin_support::{create_account, start, AdminClient};
use crate::support::{backends, hrefs, meta, TestServer};

const PORTAL: &str = "2200000001";
const HOST: &str = "www.jl.localhost";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                       Chrome/120.0 Safari/537.36";
const CRAWLER: &str =
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)";
/// The visitor's address, sent through the trusted proxy header; it must appear nowhere in
/// the analytics store.
const VISITOR: &str = "203.0.113.77";
/// A resident identity number with a valid check character, typed into the search box.
const ID_NUMBER: &str = "11010519491231002X";

/// One public request and what came back.
struct Fetched {
    status: u16,
    headers: HeaderMap,
    body: String,
}

/// Sends a public request to the portal without following redirects.
async fn fetch(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    agent: Option<&str>,
    extra: &[(reqwest::header::HeaderName, String)],
) -> Fetched {
    let mut request = server
        .raw
        .request(method, server.url(HOST, path))
        .header("x-forwarded-for", VISITOR);
    if let Some(agent) = agent {
        request = request.header(USER_AGENT, agent);
    }
    for (name, value) in extra {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Fetched {
        status,
        headers,
        body,
    }
}

async fn get(server: &TestServer, path: &str, agent: Option<&str>) -> Fetched {
    fetch(server, reqwest::Method::GET, path, agent, &[]).await
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Returns the path of the first item page the home page links to.
fn first_item_path(server: &TestServer, home: &str) -> String {
    let base = server.url(HOST, "");
    hrefs(home)
        .into_iter()
        .filter_map(|href| href.strip_prefix(&base).map(str::to_string))
        .find(|path| path.contains("/t20") && path.ends_with(".html"))
        .expect("the home page links an item page")
}

/// Returns the folder of an item's column: `/zwgk/tzgg` for `/zwgk/tzgg/202611/t…html`.
fn column_folder(item_path: &str) -> String {
    let parts: Vec<&str> = item_path.split('/').collect();
    parts[..parts.len() - 2].join("/")
}

/// The item, column and query the visits used, to find them on the admin page.
struct Visits {
    item_path: String,
    item_title: String,
    column_name: String,
    found_query: String,
}

/// Sends every kind of public request once or twice and checks that none sets a cookie.
async fn visit(server: &TestServer) -> Visits {
    let mut responses = Vec::new();

    // Counted: the home page, an item page twice (a miss, then a cache hit), its column page
    // and the site map.
    let home = get(server, "/", Some(BROWSER)).await;
    assert_eq!(home.status, 200);
    let item_path = first_item_path(server, &home.body);
    let item = get(server, &item_path, Some(BROWSER)).await;
    assert_eq!(item.status, 200, "{item_path}");
    let again = get(server, &item_path, Some(BROWSER)).await;
    assert_eq!(again.status, 200);
    let folder = column_folder(&item_path);
    let column = get(server, &format!("{folder}/index.html"), Some(BROWSER)).await;
    assert_eq!(column.status, 200, "{folder}");
    let site_map = get(server, "/sitemap.html", Some(BROWSER)).await;
    assert_eq!(site_map.status, 200);

    // Not counted: a 304, a HEAD, a crawler, a client without a user agent, a feed, a 404,
    // a redirect and a theme asset.
    let etag = item
        .headers
        .get(ETAG)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let cached = fetch(
        server,
        reqwest::Method::GET,
        &item_path,
        Some(BROWSER),
        &[(IF_NONE_MATCH, etag)],
    )
    .await;
    assert_eq!(cached.status, 304);
    let head = fetch(
        server,
        reqwest::Method::HEAD,
        &item_path,
        Some(BROWSER),
        &[],
    )
    .await;
    assert_eq!(head.status, 200);
    let crawled = get(server, &item_path, Some(CRAWLER)).await;
    assert_eq!(crawled.status, 200);
    let anonymous = get(server, &item_path, None).await;
    assert_eq!(anonymous.status, 200);
    let feed = get(server, &format!("{folder}/atom.xml"), Some(BROWSER)).await;
    assert_eq!(feed.status, 200);
    let missing = get(server, "/no-such-page.html", Some(BROWSER)).await;
    assert_eq!(missing.status, 404);
    let moved = get(server, &folder, Some(BROWSER)).await;
    assert_eq!(moved.status, 301);
    let asset = get(server, "/static/site.css", Some(BROWSER)).await;
    assert_eq!(asset.status, 200);

    // Searches: one with results, one without, one with an identity number; a second page
    // and a crawler's search are not counted.
    let found_query = "政府网站集约化";
    let found = get(
        server,
        &format!("/search?q={}", encode(found_query)),
        Some(BROWSER),
    )
    .await;
    assert_eq!(found.status, 200);
    assert!(found.body.contains("<mark>"), "the query finds items");
    let nothing = get(server, "/search?q=Zzqx%20%20Nothing", Some(BROWSER)).await;
    assert_eq!(nothing.status, 200);
    let personal = get(server, &format!("/search?q={ID_NUMBER}"), Some(BROWSER)).await;
    assert_eq!(personal.status, 200);
    let second_page = format!("/search?q={}&page=2", encode(found_query));
    assert_eq!(get(server, &second_page, Some(BROWSER)).await.status, 200);
    let crawler_search = format!("/search?q={}", encode(found_query));
    assert_eq!(
        get(server, &crawler_search, Some(CRAWLER)).await.status,
        200
    );

    responses.extend([
        home, item, again, column, site_map, cached, head, crawled, anonymous, feed, missing,
        moved, asset, found, nothing, personal,
    ]);
    for response in &responses {
        assert!(
            response.headers.get(SET_COOKIE).is_none(),
            "a public response set a cookie: {:?}",
            response.headers
        );
    }
    let item_page = &responses[1].body;
    Visits {
        item_title: meta(item_page, "ArticleTitle").expect("the item page names its title"),
        column_name: meta(item_page, "ColumnName").expect("the item page names its column"),
        item_path,
        found_query: found_query.to_string(),
    }
}

async fn operator(server: &TestServer) -> AdminClient {
    let account = create_account(
        server,
        "tongji",
        Role::SystemAdmin,
        GrantRef::Platform,
        true,
    )
    .await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_and_searches_counted_exactly() {
    for backend in backends() {
        let server = start(backend).await;
        let visits = visit(&server).await;
        let app = server.app();
        let rows = app.analytics.flush(&app.db).await.unwrap();
        assert!(rows > 0, "{backend}: the flush wrote rows");

        let client = operator(&server).await;
        let page = client
            .get(&format!("/monitor/analytics?site={PORTAL}&days=7"))
            .await;
        assert_eq!(page.status, 200, "{backend}: {}", page.body);
        // Home 1, item 2, column 1, site map 1; nothing else counts.
        assert!(
            page.body.contains("2026-11-25 至 2026-12-01 共 5 次访问"),
            "{backend}: {}",
            page.body
        );
        assert!(page
            .body
            .contains("<th scope=\"row\">2026-12-01</th><td>5</td>"));
        assert!(page
            .body
            .contains("<th scope=\"row\">2026-11-30</th><td>0</td>"));
        assert!(page.body.contains("<svg"), "the daily chart is drawn");
        let column_row = format!("<th scope=\"row\">{}</th><td>3</td>", visits.column_name);
        assert!(page.body.contains(&column_row), "{backend}: column views");

        let item_url = server.url(HOST, &visits.item_path);
        let item_link = format!(
            "<a href=\"{item_url}\">{}</a></td>\n      <td>2</td>",
            visits.item_title
        );
        assert!(page.body.contains(&item_link), "{backend}: {}", page.body);

        let found_row = format!(
            "<tr><td>{}</td><td>1</td><td>0</td></tr>",
            visits.found_query
        );
        assert!(
            page.body.contains(&found_row),
            "{backend}: the query with results"
        );
        assert!(
            page.body
                .contains("<tr><td>zzqx nothing</td><td>1</td></tr>"),
            "{backend}: the normalized query without results"
        );
        assert!(page.body.contains("另有 1 次搜索含身份证号"));
        assert!(
            !page.body.contains(ID_NUMBER),
            "an identity number is never shown"
        );
        assert!(
            page.body.contains(&format!("<td>1</td><td>{PORTAL}</td>")),
            "{backend}: the portal ranks first"
        );

        let csv = client
            .get(&format!("/monitor/analytics.csv?site={PORTAL}&days=7"))
            .await;
        assert_eq!(csv.status, 200);
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 8, "a heading and 7 days: {}", csv.body);
        assert_eq!(lines[0], "日期,网站标识码,网站,访问量");
        assert!(
            lines[1].starts_with("2026-11-25,2200000001,"),
            "{}",
            lines[1]
        );
        assert!(lines[1].ends_with(",0"));
        assert!(lines[7].starts_with("2026-12-01,2200000001,"));
        assert!(lines[7].ends_with(",5"), "{}", lines[7]);

        let cells = app.db.analytics_cells().await.unwrap();
        assert!(!cells.is_empty());
        for cell in &cells {
            assert!(
                !cell.contains(VISITOR),
                "{backend}: a stored cell holds the address"
            );
            assert!(
                !cell.contains("127.0.0.1"),
                "{backend}: a stored cell holds an address"
            );
            assert!(
                !cell.contains("Mozilla"),
                "{backend}: a stored cell holds a user agent"
            );
            assert!(
                !cell.contains("11010519"),
                "{backend}: a stored cell holds the ID number"
            );
        }
        // A second flush with nothing new writes nothing and changes no count.
        assert_eq!(app.analytics.flush(&app.db).await.unwrap(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_admin_limited_and_range_checked() {
    for backend in backends() {
        let server = start(backend).await;
        get(&server, "/", Some(BROWSER)).await;
        let app = server.app();
        app.analytics.flush(&app.db).await.unwrap();

        let mut sites = app.db.sites().await.unwrap();
        sites.sort_by(|a, b| a.code.cmp(&b.code));
        let own = sites.iter().find(|site| site.code != PORTAL).unwrap();
        let portal = sites.iter().find(|site| site.code == PORTAL).unwrap();
        let account = create_account(
            &server,
            "zhandian",
            Role::SiteAdmin,
            GrantRef::Site(own.id),
            true,
        )
        .await;
        let client = AdminClient::new(&server);
        client.sign_in(&server, &account).await;

        let mine = client.get("/monitor/analytics").await;
        assert_eq!(mine.status, 200, "{backend}: {}", mine.body);
        assert!(mine.body.contains(&own.name));
        assert!(
            !mine.body.contains(&portal.name),
            "{backend}: another site is listed"
        );
        assert!(
            !mine.body.contains("site-ranking"),
            "only operators see the ranking"
        );
        let other = client
            .get(&format!("/monitor/analytics?site={PORTAL}"))
            .await;
        assert_eq!(other.status, 403, "{backend}");
        let other_csv = client
            .get(&format!("/monitor/analytics.csv?site={PORTAL}"))
            .await;
        assert_eq!(other_csv.status, 403, "{backend}");
        let unknown = client.get("/monitor/analytics?site=9999999999").await;
        assert_eq!(unknown.status, 404);

        let bad = client.get("/monitor/analytics?days=14").await;
        assert_eq!(bad.status, 400);
        assert!(
            bad.body
                .contains("时间范围“14”无效，请选择 7、30 或 90 天。"),
            "{backend}: {}",
            bad.body
        );
        let bad_csv = client.get("/monitor/analytics.csv?days=all").await;
        assert_eq!(bad_csv.status, 400);
        assert!(bad_csv.body.contains("“all”"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_flushed_on_shutdown() {
    let server = crate::support::start_demo("sqlite").await;
    assert_eq!(get(&server, "/", Some(BROWSER)).await.status, 200);
    assert_eq!(get(&server, "/", Some(BROWSER)).await.status, 200);
    // Stopping the server runs the writer's last flush before the database closes.
    let dir = server.stop_keeping_data().await;

    let url = format!("sqlite://{}", dir.path().join("jiyue.db").display());
    let start = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 2, 0, 0).unwrap();
    let clock = std::sync::Arc::new(jiyue_core::FixedClock::new(start));
    let db = jiyue_db::Db::open(&url, clock).await.unwrap();
    let portal = db.site_by_code(PORTAL).await.unwrap().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let days = db
        .daily_views(&jiyue_db::Scope::Platform, portal.id, day, day)
        .await
        .unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].views, 2);
    db.close().await;
}
