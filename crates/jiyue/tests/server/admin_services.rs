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
        assert!(list.body.contains("申请材料"));
        assert!(list.body.contains("收费标准及依据"));
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

    // The generic item editor cannot change a synced field either.
    let item = format!("/items/{id}");
    let page = editor.get(&item).await;
    let generic = [
        ("base_revision_id", page.field("base_revision_id")),
        ("title", "通过通用编辑器改的名称".to_string()),
        ("lang", "zh-CN".to_string()),
        ("home_column", services_column(&server).await.to_string()),
        ("body_html", "<p>简介</p>".to_string()),
    ];
    let saved = post_fields(&editor, &item, &item, &generic).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(latest_meta(&server, id).await.title, "居民身份证换领");

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

    // A value outside a vocabulary, which only a forged form sends, is named, not dropped.
    let mut fields = incomplete_fields(&column);
    fields.retain(|(name, _)| *name != "code");
    fields.push(("code", "JL-TEST-0099".to_string()));
    fields.push(("kind", "bogus".to_string()));
    fields.push(("audiences", "alien".to_string()));
    let refused = post_fields(&editor, "/services/new", "/services", &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("“bogus”不是可选的值"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("“alien”不是可选的值"),
        "{}",
        refused.body
    );
    let db = &server.app().db;
    assert!(db
        .service_record_by_code("JL-TEST-0099")
        .await
        .unwrap()
        .is_none());
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

const BOUNDARY: &str = "jiyue-services-boundary-5c1e";

/// A multipart part: field name, file name (for file inputs) and bytes.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match file_name {
            Some(file) => format!("form-data; name=\"{name}\"; filename=\"{file}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if file_name.is_some() {
            body.extend(b"Content-Type: application/octet-stream\r\n");
        }
        body.extend(b"\r\n");
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends a multipart form to the admin listener with `client`'s session; returns the status,
/// the redirect target and the body.
async fn post_multipart(
    server: &TestServer,
    client: &AdminClient,
    path: &str,
    parts: &[Part<'_>],
) -> (u16, String, String) {
    let session = client.cookie("jiyue_admin").unwrap();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("http://{}{path}", server.admin))
        .header("cookie", format!("jiyue_admin={session}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, response.text().await.unwrap())
}

fn tiny_png(shade: u8) -> Vec<u8> {
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        8,
        8,
        image::Rgb([shade, 90, 160]),
    ));
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

async fn public_bytes(server: &TestServer, path: &str) -> (u16, Vec<u8>) {
    let response = server
        .raw
        .get(server.url("www.jl.localhost", path))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn material_files_upload_on_the_form() {
    let server = start("sqlite").await;
    let portal = site_id(&server, PORTAL).await;
    let column = services_column(&server).await.to_string();
    let editor = signed_in(&server, "biaoge", Role::Editor, GrantRef::Site(portal)).await;
    let csrf = editor.get("/services/new").await.csrf();
    let mut fields = incomplete_fields(&column);
    fields.retain(|(key, _)| *key != "code");
    let text_parts = |code: &'static str| -> Vec<Part<'_>> {
        let mut parts: Vec<Part<'_>> = vec![("csrf", None, csrf.as_bytes())];
        parts.extend(fields.iter().map(|(k, v)| (*k, None, v.as_bytes())));
        parts.push(("code", None, code.as_bytes()));
        parts
    };
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let png = tiny_png(30);

    // A blank form and an example chosen on the first material; the blank row's input is empty.
    let mut parts = text_parts("JL-TEST-0002");
    parts.push(("material_blank_file_0", Some("户外广告设置申请表.pdf"), pdf));
    parts.push(("material_example_file_0", Some("填写示例.png"), &png));
    parts.push(("material_blank_file_1", Some(""), b""));
    let (status, location, body) = post_multipart(&server, &editor, "/services", &parts).await;
    assert_eq!(status, 303, "{body}");
    let id: i64 = location
        .trim_start_matches("/services/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let guide = latest_meta(&server, id).await.service.unwrap();
    assert_eq!(guide.materials.len(), 1, "{guide:?}");
    let blank = guide.materials[0].blank_form.clone().unwrap();
    let example = guide.materials[0].example.clone().unwrap();
    assert_eq!(blank.name, "户外广告设置申请表.pdf");
    assert!(blank.href.starts_with("/files/"), "{}", blank.href);
    assert!(blank.href.ends_with(".pdf"), "{}", blank.href);
    let digest = jiyue_db::sm3_hex(&png);
    assert_eq!(example.href, format!("/files/{digest}.png"));
    assert_eq!(
        public_bytes(&server, &blank.href).await,
        (200, pdf.to_vec())
    );
    assert_eq!(
        public_bytes(&server, &example.href).await,
        (200, png.clone())
    );
    let form = editor.get(&format!("/services/{id}")).await;
    assert!(form.body.contains(&blank.href), "{}", form.body);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));

    // Saving again with another example replaces only the example.
    let other = tiny_png(200);
    let revision = form.field("base_revision_id");
    let mut parts = text_parts("JL-TEST-0002");
    parts.push(("base_revision_id", None, revision.as_bytes()));
    parts.push(("material_blank_href_0", None, blank.href.as_bytes()));
    parts.push(("material_blank_name_0", None, blank.name.as_bytes()));
    parts.push(("material_example_file_0", Some("新示例.png"), &other));
    let path = format!("/services/{id}");
    let (status, _, body) = post_multipart(&server, &editor, &path, &parts).await;
    assert_eq!(status, 303, "{body}");
    let saved = latest_meta(&server, id).await.service.unwrap();
    let material = &saved.materials[0];
    assert_eq!(material.blank_form.as_ref(), Some(&blank));
    let replaced = material.example.clone().unwrap();
    assert_eq!(replaced.name, "新示例.png");
    assert_ne!(replaced.href, example.href);
    assert_eq!(public_bytes(&server, &replaced.href).await, (200, other));

    // Program content is refused by its content, naming the file; nothing is saved.
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00";
    let mut parts = text_parts("JL-TEST-0003");
    parts.push(("material_blank_file_0", Some("安装程序.exe"), program));
    let (status, _, body) = post_multipart(&server, &editor, "/services", &parts).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("安装程序.exe"), "{body}");
    assert!(body.contains("不是允许上传的文件类型"), "{body}");
    assert!(body.contains("value=\"测试用户外广告设置审批\""), "{body}");
    let db = &server.app().db;
    assert!(db
        .service_record_by_code("JL-TEST-0003")
        .await
        .unwrap()
        .is_none());

    // A file over 20 MB is refused by size, naming it; the rest of the form still arrives.
    let huge = vec![b'a'; 20 * 1024 * 1024 + 1];
    let mut parts = text_parts("JL-TEST-0003");
    parts.push(("material_example_file_0", Some("扫描件.pdf"), &huge));
    parts.push(("incomplete_reason", None, "收费依据待定".as_bytes()));
    let (status, _, body) = post_multipart(&server, &editor, "/services", &parts).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("扫描件.pdf") && body.contains("20 MB"),
        "{body}"
    );
    assert!(body.contains("收费依据待定"), "{body}");
    assert!(db
        .service_record_by_code("JL-TEST-0003")
        .await
        .unwrap()
        .is_none());

    // A multipart form without the token is refused before anything is read.
    let parts: Vec<Part<'_>> = vec![
        ("title", None, "无令牌".as_bytes()),
        ("home_column", None, column.as_bytes()),
        ("material_blank_file_0", Some("申请表.pdf"), pdf),
    ];
    let (status, _, body) = post_multipart(&server, &editor, "/services", &parts).await;
    assert_eq!(status, 403, "{body}");
    server.running.unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synced_materials_take_no_uploads() {
    let server = start("sqlite").await;
    let portal = site_id(&server, PORTAL).await;
    let db = &server.app().db;
    let mut item = synced_input("bsfw");
    if let Some(guide) = item.meta.service.as_mut() {
        guide.materials = vec![jiyue_core::service::Material {
            name: "居民户口簿".to_string(),
            originals: 1,
            ..Default::default()
        }];
    }
    let stored = item.meta.service.clone().unwrap().materials;
    let synced = SyncedService {
        item,
        source: "吉林省政务服务网".to_string(),
        fields: vec!["materials".to_string()],
    };
    let id = db.sync_services(&Scope::Platform, &[synced]).await.unwrap()[0].item_id;
    let editor = signed_in(&server, "tongbu2", Role::Editor, GrantRef::Site(portal)).await;
    let path = format!("/services/{id}");
    let form = editor.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        !form.body.contains("material_blank_file_0"),
        "{}",
        form.body
    );

    let csrf = form.csrf();
    let revision = form.field("base_revision_id");
    let column = services_column(&server).await.to_string();
    let png = tiny_png(120);
    let parts: Vec<Part<'_>> = vec![
        ("csrf", None, csrf.as_bytes()),
        ("base_revision_id", None, revision.as_bytes()),
        ("home_column", None, column.as_bytes()),
        ("title", None, "居民身份证换领".as_bytes()),
        ("code", None, b"JL-SYNC-0001"),
        ("incomplete_reason", None, "其余要素待省平台补充".as_bytes()),
        ("material_blank_file_0", Some("伪造.png"), &png),
    ];
    let (status, _, body) = post_multipart(&server, &editor, &path, &parts).await;
    assert_eq!(status, 303, "{body}");
    let guide = latest_meta(&server, id).await.service.unwrap();
    assert_eq!(guide.materials, stored);
    // The file was not stored either: its address is not found.
    let address = format!("/files/{}.png", jiyue_db::sm3_hex(&png));
    assert_eq!(public_bytes(&server, &address).await.0, 404);
}
