//! The admin tools over HTTP: platform operators load a year of the working-day calendar from
//! CSV (the warning about the missing year goes away, a bad line is named, others get 403),
//! check a date; editors maintain synonym groups and dismiss queries that found nothing.

use jiyue_auth::Role;
use jiyue_db::GrantRef;

use crate::admin_support::{create_account, start, AdminClient, Page};
use crate::support::TestServer;

const BOUNDARY: &str = "jiyue-calendar-boundary-41c9";

/// A small plausible 2027: a day or more of each festival and one adjusted Sunday.
const YEAR_2027: &str = "date,kind,name_zh,name_en\n\
2027-01-01,holiday,元旦,New Year's Day\n\
2027-02-06,holiday,春节,Spring Festival\n\
2027-02-07,holiday,春节,Spring Festival\n\
2027-02-08,holiday,春节,Spring Festival\n\
2027-02-09,holiday,春节,Spring Festival\n\
2027-02-10,holiday,春节,Spring Festival\n\
2027-02-11,holiday,春节,Spring Festival\n\
2027-02-12,holiday,春节,Spring Festival\n\
2027-02-14,adjusted_workday,春节,Spring Festival\n\
2027-04-05,holiday,清明节,Qingming Festival\n\
2027-05-03,holiday,劳动节,Labour Day\n\
2027-06-09,holiday,端午节,Dragon Boat Festival\n\
2027-10-01,holiday,国庆节,National Day\n";

const WARNING: &str = "2027年节假日安排尚未录入";

async fn signed_in(server: &TestServer, name: &str, role: Role, scope: GrantRef) -> AdminClient {
    let account = create_account(server, name, role, scope, true).await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    client
}

/// Posts the load form as multipart, the CSRF token first as the guard requires.
async fn load_year(server: &TestServer, client: &AdminClient, year: &str, csv: &str) -> Page {
    let csrf = client.get("/calendar").await.csrf();
    let mut body = String::new();
    for (name, value) in [("csrf", csrf.as_str()), ("year", year), ("csv", csv)] {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    let session = client.cookie("jiyue_admin").unwrap();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("http://{}/calendar", server.admin))
        .header("cookie", format!("jiyue_admin={session}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    Page {
        status,
        location,
        headers,
        body: response.text().await.unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_next_year_clears_warning() {
    let server = start("sqlite").await;
    let operator = signed_in(&server, "xitong", Role::SystemAdmin, GrantRef::Platform).await;

    let page = operator.get("/calendar").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(WARNING), "{}", page.body);
    assert!(operator.get("/").await.body.contains(WARNING));
    assert!(page.body.contains("2026"));

    let check = operator.get("/calendar?date=2027-01-01&days=1").await;
    assert!(
        check.body.contains("2027-01-01 是工作日（暂定）"),
        "{}",
        check.body
    );

    let malformed = operator.get("/calendar?date=2027-13-01").await;
    assert!(
        malformed.body.contains("日期“2027-13-01”格式不对"),
        "{}",
        malformed.body
    );

    let bad = YEAR_2027.replace("2027-02-09", "2027-02-30");
    let refused = load_year(&server, &operator, "2027", &bad).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("第 6 行"));
    assert!(refused.body.contains("2027-02-30"));
    assert!(refused.body.contains(WARNING));

    let loaded = load_year(&server, &operator, "2027", YEAR_2027).await;
    assert_eq!(loaded.status, 303, "{}", loaded.body);
    assert_eq!(loaded.location, "/calendar?year=2027&notice=loaded");
    let page = operator.get(&loaded.location).await;
    assert!(!page.body.contains(WARNING), "{}", page.body);
    assert!(page.body.contains("元旦"));
    assert!(page.body.contains("xitong"));
    assert!(!operator.get("/").await.body.contains(WARNING));
    let years = server.app().db.calendar_years().await.unwrap();
    assert_eq!(years[0].year, 2027);

    let check = operator.get("/calendar?date=2027-02-12&days=1").await;
    assert!(
        check.body.contains("2027-02-12 不是工作日"),
        "{}",
        check.body
    );
    assert!(check.body.contains("是 2027-02-14"), "{}", check.body);
    assert!(!check.body.contains("暂定）"), "{}", check.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_needs_platform_operator() {
    let server = start("sqlite").await;
    let portal = server
        .app()
        .db
        .site_by_code("2200000001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let editor = signed_in(&server, "bianji", Role::Editor, GrantRef::Site(portal)).await;
    assert_eq!(editor.get("/calendar").await.status, 403);
    assert!(!editor.get("/").await.body.contains(WARNING));
    let refused = editor
        .post_with(
            "/calendar",
            &[],
            &[("content-type", "multipart/form-data; boundary=x")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(server.app().db.calendar_years().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editors_maintain_synonyms_and_misses() {
    let server = start("sqlite").await;
    let db = &server.app().db;
    let portal = db.site_by_code("2200000001").await.unwrap().unwrap().id;
    let editor = signed_in(&server, "sousuo", Role::Editor, GrantRef::Site(portal)).await;

    let added = editor
        .post_form(
            "/search-terms",
            "/search-terms",
            &[("terms", "身份证 = 居民身份证")],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let groups = db.synonym_groups().await.unwrap();
    assert_eq!(groups[0].terms, ["身份证", "居民身份证"]);
    let id = groups[0].id.to_string();

    let taken = editor
        .post_form(
            "/search-terms",
            "/search-terms",
            &[("terms", "身份证\n二代证")],
        )
        .await;
    assert_eq!(taken.status, 422, "{}", taken.body);
    assert!(taken
        .body
        .contains("“身份证”已在同义词组 身份证 = 居民身份证 中"));

    let edit = format!("/search-terms?edit={id}");
    let form = editor.get(&edit).await;
    assert!(form.body.contains("身份证\n居民身份证"), "{}", form.body);
    let edited = editor
        .post_form(
            &edit,
            "/search-terms",
            &[("id", &id), ("terms", "身份证=居民身份证=二代证")],
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    assert_eq!(db.synonym_groups().await.unwrap()[0].terms.len(), 3);

    let deleted = editor
        .post_form("/search-terms", &format!("/search-terms/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    assert!(db.synonym_groups().await.unwrap().is_empty());

    db.record_search_miss(portal, "电动车上牌").await.unwrap();
    db.record_search_miss(portal, "电动车上牌").await.unwrap();
    let page = editor.get("/search-terms").await;
    assert!(page.body.contains("电动车上牌"), "{}", page.body);
    let site = portal.to_string();
    let fields = [("site", site.as_str()), ("query", "电动车上牌")];
    let forged = editor.post("/search-terms/dismiss", &fields).await;
    assert_eq!(forged.status, 403);
    let dismissed = editor
        .post_form("/search-terms", "/search-terms/dismiss", &fields)
        .await;
    assert_eq!(dismissed.status, 303, "{}", dismissed.body);
    assert!(db
        .search_misses(Some(portal), 100)
        .await
        .unwrap()
        .is_empty());

    let auditor = signed_in(&server, "shenji", Role::AuditAdmin, GrantRef::Platform).await;
    assert_eq!(auditor.get("/search-terms").await.status, 403);
}
