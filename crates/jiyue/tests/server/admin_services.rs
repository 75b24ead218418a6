//! The service pages of the admin listener over HTTP: a service saved with missing elements is
//! listed as incomplete with their names, cannot be submitted without a reason and is
//! published with one; the per-site list; a synced service keeps its synced fields against a
//! forged form and can be made local; the generic item form keeps the guide; refusals.

use jiyue_auth::Role;
use jiyue_core::service::ServiceGuide;
use jiyue_core::ItemMeta;
use jiyue_db::{ColumnRef, GrantRef, ItemInput, Scope, ServiceOrigin, SyncedService};

use crate::admin_support::{create_account, start, AdminClient, Page};
use crate::support::{backends, TestServer};

const PORTAL: &str = "2200000001";

async fn site_id(server: &TestServer, code: &str) -> i64 {
    let site = server.app().db.site_by_code(code).await.unwrap();
    site.unwrap().id
}

async fn services_column(server: &TestServer) -> i64 {
    let site = site_id(server, PORTAL).await;
    let column = server.app().db.column_by_path(site, "bsfw").await.unwrap();
    column.unwrap().id
}

async fn signed_in(server: &TestServer, name: &str, role: Role, scope: GrantRef) -> AdminClient {
    let account = create_account(server, name, role, scope, true).await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    client
}

/// The fields of a guide that lacks the fee, the issuer of its material and more.
fn incomplete_fields(column: &str) -> Vec<(&'static str, String)> {
    [
        ("title", "测试用户外广告设置审批"),
        ("keywords", "广告牌，户外广告"),
        ("home_column", column),
        ("code", "JL-TEST-0001"),
        ("kind", "licensing"),
        ("implementing_org", "吉林省测试局"),
        ("legal_basis", "《城市市容和环境卫生管理条例》"),
        ("conditions", "设置户外广告的单位和个人"),
        ("material_name_0", "户外广告设置申请表"),
        ("material_originals_0", "1"),
        ("step_name_0", "受理"),
        ("statutory_days", "20"),
        ("promised_days", "5"),
        ("audiences", "business"),
        ("business_stages", "operating"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

async fn post_fields(
    client: &AdminClient,
    from: &str,
    path: &str,
    fields: &[(&str, String)],
) -> Page {
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post_form(from, path, &form).await
}

fn item_id(page: &Page) -> i64 {
    assert_eq!(page.status, 303, "{}", page.body);
    let rest = page.location.trim_start_matches("/services/");
    rest.split('?').next().unwrap().parse().unwrap()
}

async fn latest_meta(server: &TestServer, id: i64) -> ItemMeta {
    let db = &server.app().db;
    let revision = db.item_revisions(id).await.unwrap()[0].id;
    db.revision_detail(revision).await.unwrap().unwrap().meta
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incomplete_service_needs_a_reason() {
    for backend in backends() {
        let server = start(backend).await;
        let portal = site_id(&server, PORTAL).await;
        let changchun = site_id(&server, "2201000001").await;
        let column = services_column(&server).await.to_string();
        let editor = signed_in(&server, "fuwu", Role::Editor, GrantRef::Site(portal)).await;

        // The demo ships incomplete services of its own; the new one adds one to the count.
        let before = incomplete_count(&editor.get("/").await.body);
        let fields = incomplete_fields(&column);
        let id = item_id(&post_fields(&editor, "/services/new", "/services", &fields).await);
        let form = editor.get(&format!("/services/{id}")).await;
        assert!(form.body.contains("收费标准及依据"), "{}", form.body);
        assert!(form.body.contains(&format!("href=\"/items/{id}\"")));

        let work = editor.get("/").await;
        assert_eq!(incomplete_count(&work.body), before + 1, "{}", work.body);

        let list = editor.get("/services?incomplete=1").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("JL-TEST-0001"), "{}", list.body);
        assert!(list.body.contains("不完整"));
        assert!(list.body.contains("申请材料") && list.body.contains("收费标准及依据"));
        assert!(list.body.contains("本地维护"));

        let from = format!("/services/{id}");
        let refused = editor
            .post_form(&from, &format!("/items/{id}/submit"), &[])
            .await;
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert!(refused.body.contains("收费标准及依据"), "{}", refused.body);

        let typed = editor.get(&from).await;
        let mut fields: Vec<_> = fields
            .into_iter()
            .filter(|(key, _)| *key != "statutory_days")
            .collect();
        fields.push(("statutory_days", "二十".to_string()));
        fields.push(("base_revision_id", typed.field("base_revision_id")));
        let invalid = post_fields(&editor, &from, &from, &fields).await;
        assert_eq!(invalid.status, 422, "{}", invalid.body);
        assert!(invalid.body.contains("“二十”不是数字"), "{}", invalid.body);
        assert!(invalid.body.contains("value=\"测试用户外广告设置审批\""));

        let mut fields = incomplete_fields(&column);
        fields.push((
            "incomplete_reason",
            "收费依据待省发展改革委公布".to_string(),
        ));
        fields.push(("base_revision_id", typed.field("base_revision_id")));
        assert_eq!(
            item_id(&post_fields(&editor, &from, &from, &fields).await),
            id
        );
        let submitted = editor
            .post_form(&from, &format!("/items/{id}/submit"), &[])
            .await;
        assert_eq!(submitted.status, 303, "{}", submitted.body);
        let reviewer = signed_in(&server, "shenhe", Role::Reviewer, GrantRef::Site(portal)).await;
        let item = format!("/items/{id}");
        let approved = reviewer
            .post_form(&item, &format!("{item}/approve"), &[])
            .await;
        assert_eq!(approved.status, 303, "{}", approved.body);
        let published = server
            .app()
            .db
            .published_service("JL-TEST-0001")
            .await
            .unwrap();
        assert_eq!(published.unwrap().record.item_id, id);

        let here = editor.get(&format!("/services?site={portal}")).await;
        assert!(here.body.contains("JL-TEST-0001"), "{}", here.body);
        assert!(here.body.contains("收费依据待省发展改革委公布"));
        let elsewhere = editor.get(&format!("/services?site={changchun}")).await;
        assert_eq!(elsewhere.status, 200);
        assert!(
            !elsewhere.body.contains("JL-TEST-0001"),
            "{}",
            elsewhere.body
        );
    }
}

fn synced_input(column: &str) -> ItemInput {
    let guide = ServiceGuide {
        code: "JL-SYNC-0001".to_string(),
        legal_basis: "《居民身份证法》".to_string(),
        conditions: "本省户籍居民".to_string(),
        incomplete_reason: Some("其余要素待省平台补充".to_string()),
        ..ServiceGuide::default()
    };
    ItemInput {
        external_id: "sync-JL-SYNC-0001".to_string(),
        org_credit_code: "11220000000000019E".to_string(),
        meta: ItemMeta {
            title: "居民身份证换领".to_string(),
            lang: "zh-CN".to_string(),
            service: Some(guide),
            ..ItemMeta::default()
        },
        body_html: String::new(),
        home: ColumnRef {
            site_code: PORTAL.to_string(),
            column_path: column.to_string(),
        },
        extra_placements: Vec::new(),
        translation_of: None,
        legacy_urls: Vec::new(),
        publish: true,
        sample: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synced_fields_stay_read_only() {
    let server = start("sqlite").await;
    let portal = site_id(&server, PORTAL).await;
    let db = &server.app().db;
    let synced = SyncedService {
        item: synced_input("bsfw"),
        source: "吉林省政务服务网".to_string(),
        fields: vec!["title".to_string(), "legal_basis".to_string()],
    };
    let id = db.sync_services(&Scope::Platform, &[synced]).await.unwrap()[0].item_id;
    let editor = signed_in(&server, "tongbu", Role::Editor, GrantRef::Site(portal)).await;

    let from = format!("/services/{id}");
    let form = editor.get(&from).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("同步自吉林省政务服务网"),
        "{}",
        form.body
    );
    assert!(!form.body.contains("name=\"legal_basis\""));
    assert!(form.body.contains("name=\"conditions\""));

    let column = services_column(&server).await.to_string();
    let fields = [
        ("base_revision_id", form.field("base_revision_id")),
        ("home_column", column),
        ("code", "JL-SYNC-0001".to_string()),
        ("title", "伪造的名称".to_string()),
        ("legal_basis", "伪造的依据".to_string()),
        ("conditions", "本省户籍居民和持居住证的居民".to_string()),
    ];
    assert_eq!(
        item_id(&post_fields(&editor, &from, &from, &fields).await),
        id
    );
    let meta = latest_meta(&server, id).await;
    let guide = meta.service.unwrap();
    assert_eq!(meta.title, "居民身份证换领");
    assert_eq!(guide.legal_basis, "《居民身份证法》");
    assert_eq!(guide.conditions, "本省户籍居民和持居住证的居民");

    let local = editor.post_form(&from, &format!("{from}/local"), &[]).await;
    assert_eq!(local.status, 303, "{}", local.body);
    let record = db.service_record(id).await.unwrap().unwrap();
    assert_eq!(record.origin, ServiceOrigin::Local);
    assert!(editor
        .get(&from)
        .await
        .body
        .contains("name=\"legal_basis\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_form_keeps_the_guide() {
    let server = start("sqlite").await;
    let portal = site_id(&server, PORTAL).await;
    let column = services_column(&server).await.to_string();
    let editor = signed_in(&server, "tongyong", Role::Editor, GrantRef::Site(portal)).await;
    let fields = incomplete_fields(&column);
    let id = item_id(&post_fields(&editor, "/services/new", "/services", &fields).await);

    let item = format!("/items/{id}");
    let page = editor.get(&item).await;
    let generic = [
        ("base_revision_id", page.field("base_revision_id")),
        ("title", "测试用户外广告设置审批（修订）".to_string()),
        ("lang", "zh-CN".to_string()),
        ("home_column", column),
        ("body_html", "<p>简介</p>".to_string()),
    ];
    let saved = post_fields(&editor, &item, &item, &generic).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let meta = latest_meta(&server, id).await;
    assert_eq!(meta.title, "测试用户外广告设置审批（修订）");
    let guide = meta.service.expect("the generic form dropped the guide");
    assert_eq!(guide.code, "JL-TEST-0001");
    assert_eq!(guide.legal_basis, "《城市市容和环境卫生管理条例》");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_reject_outsiders_and_forgeries() {
    let server = start("sqlite").await;
    let portal = site_id(&server, PORTAL).await;
    let changchun = site_id(&server, "2201000001").await;
    let column = services_column(&server).await.to_string();
    let editor = signed_in(&server, "benzhan", Role::Editor, GrantRef::Site(portal)).await;
    let fields = incomplete_fields(&column);
    let id = item_id(&post_fields(&editor, "/services/new", "/services", &fields).await);

    let outsider = signed_in(&server, "waizhan", Role::Editor, GrantRef::Site(changchun)).await;
    assert_eq!(outsider.get(&format!("/services/{id}")).await.status, 403);
    assert!(!outsider
        .get("/services")
        .await
        .body
        .contains("JL-TEST-0001"));
    let auditor = signed_in(&server, "shenji", Role::AuditAdmin, GrantRef::Platform).await;
    assert_eq!(auditor.get("/services").await.status, 403);
    assert!(!auditor.get("/").await.body.contains("href=\"/services\""));
    assert!(editor.get("/").await.body.contains("href=\"/services\""));

    let forged = editor
        .post(
            "/services",
            &[("title", "无令牌"), ("home_column", column.as_str())],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
}

/// Opens `paths` in the browser with `client`'s session and returns the serious and critical
/// axe-core violations found.
async fn axe_problems(
    browser: &crate::browser_driver::Browser,
    server: &TestServer,
    client: &AdminClient,
    paths: &[String],
) -> Vec<String> {
    let axe = std::fs::read_to_string(crate::browser_driver::axe_path()).unwrap();
    let base = format!("http://localhost:{}", server.admin.port());
    browser.open(&format!("{base}/login")).await;
    browser.driver().delete_all_cookies().await.unwrap();
    let token = client.cookie("jiyue_admin").unwrap();
    let cookie = thirtyfour::Cookie::new("jiyue_admin", token);
    browser.driver().add_cookie(cookie).await.unwrap();
    let mut found = Vec::new();
    for path in paths {
        browser.open(&format!("{base}{path}")).await;
        assert!(!browser.heading().await.is_empty(), "{path} has no heading");
        for violation in crate::browser_checks::axe_violations(browser, &axe).await {
            let line = crate::browser_checks::describe(path, &violation);
            println!("axe: {line}");
            if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
                found.push(line);
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_and_tool_pages_pass_axe() {
    if !crate::browser_driver::tools_present("service_and_tool_pages_pass_axe", true) {
        return;
    }
    let server = start("sqlite").await;
    let portal = site_id(&server, PORTAL).await;
    let column = services_column(&server).await.to_string();
    let editor = signed_in(&server, "wuzhangai", Role::Editor, GrantRef::Site(portal)).await;
    let fields = incomplete_fields(&column);
    let id = item_id(&post_fields(&editor, "/services/new", "/services", &fields).await);
    server
        .app()
        .db
        .record_search_miss(portal, "电动车上牌")
        .await
        .unwrap();
    let operator = signed_in(&server, "yunwei", Role::SystemAdmin, GrantRef::Platform).await;

    let browser = crate::browser_driver::Browser::start(1280, 900).await;
    let editor_pages = [
        "/services".to_string(),
        "/services/new".to_string(),
        format!("/services/{id}"),
        "/search-terms".to_string(),
    ];
    let mut blocking = axe_problems(&browser, &server, &editor, &editor_pages).await;
    let operator_pages = ["/calendar?date=2027-01-04&days=3".to_string()];
    blocking.extend(axe_problems(&browser, &server, &operator, &operator_pages).await);
    assert!(
        blocking.is_empty(),
        "serious or critical axe violations:\n{}",
        blocking.join("\n")
    );
}

/// Reads N from the work page's notice "有 N 个办事事项要素不全"; 0 when there is no notice.
fn incomplete_count(body: &str) -> usize {
    let Some(end) = body.find(" 个办事事项要素不全") else {
        return 0;
    };
    let start = body[..end].rfind("有 ").map_or(end, |at| at + "有 ".len());
    body[start..end].parse().unwrap()
}
