//! The editorial pages over HTTP: an editor writes and submits an item, a reviewer approves
//! it and the public site shows it; stale saves, rejection reasons on the work list, refusals
//! outside a grant, previews that expire, withdrawal, and column deletion.

mod axe;

use std::time::Duration;

use jiyue_auth::Role;
use jiyue_db::GrantRef;

use crate::admin_support::{create_account, start, AdminClient, Page};
use crate::support::{backends, TestServer};

const PORTAL_HOST: &str = "www.jl.localhost";

/// Returns the id of a demo site by code.
async fn site_id(server: &TestServer, code: &str) -> i64 {
    server
        .app()
        .db
        .site_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Returns the id of a column of the portal.
async fn portal_column(server: &TestServer, path: &str) -> i64 {
    let site = site_id(server, "2200000001").await;
    let column = server.app().db.column_by_path(site, path).await.unwrap();
    column.unwrap().id
}

/// Signs in a new account holding `role` on `scope`.
async fn signed_in(server: &TestServer, name: &str, role: Role, scope: GrantRef) -> AdminClient {
    let account = create_account(server, name, role, scope, true).await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    client
}

/// Creates an item through the new-item form and returns its id.
async fn create_item(client: &AdminClient, column: i64, title: &str, body: &str) -> i64 {
    let column = column.to_string();
    let page = client
        .post_form(
            &format!("/items/new?column={column}"),
            "/items",
            &[
                ("title", title),
                ("lang", "zh-CN"),
                ("home_column", &column),
                ("audience", "01"),
                ("keywords", "测试，编辑"),
                ("body_html", body),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let id = page.location.trim_start_matches("/items/");
    id.split('?').next().unwrap().parse().unwrap()
}

/// Posts a workflow step from the item page.
async fn step(client: &AdminClient, item: i64, name: &str, fields: &[(&str, &str)]) -> Page {
    let from = format!("/items/{item}");
    client
        .post_form(&from, &format!("/items/{item}/{name}"), fields)
        .await
}

/// Polls a public page until `done` holds for its status and text, for up to ten seconds.
async fn wait_for(server: &TestServer, path: &str, done: impl Fn(u16, &str) -> bool) -> String {
    for _ in 0..100 {
        let (status, body) = server.get(PORTAL_HOST, path).await;
        if done(status, &body) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = server.get(PORTAL_HOST, path).await;
    panic!("{path} never became ready: {status}\n{body}");
}

/// Returns the public path of an item's home placement.
async fn public_path(server: &TestServer, item: i64) -> String {
    let published = server.app().db.published_item(item).await.unwrap().unwrap();
    let home = published.placements.iter().find(|p| p.is_home).unwrap();
    home.path.clone()
}

#[tokio::test]
async fn an_item_goes_from_draft_to_the_public_site_and_back() {
    for backend in backends() {
        let server = start(backend).await;
        let portal = site_id(&server, "2200000001").await;
        let editor = signed_in(&server, "bianji", Role::Editor, GrantRef::Site(portal)).await;
        let reviewer = signed_in(&server, "shenhe", Role::Reviewer, GrantRef::Site(portal)).await;
        let column = portal_column(&server, "gzdt").await;

        let title = "编辑页面测试：关于开展数据共享的通知";
        let item = create_item(
            &editor,
            column,
            title,
            "<p>正文第一段。</p><script>x()</script>",
        )
        .await;
        let page = editor.get(&format!("/items/{item}?notice=saved")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("已保存"), "{}", page.body);
        assert!(!page.body.contains("<script>x()"), "the body was sanitized");
        assert!(page.body.contains("data-editor=\"rich\""));

        let page = step(&editor, item, "submit", &[]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert!(server
            .app()
            .db
            .published_item(item)
            .await
            .unwrap()
            .is_none());
        let work = reviewer.get("/").await;
        assert!(
            work.body.contains(title),
            "waiting for review:\n{}",
            work.body
        );
        assert!(work.body.contains("等待第 1 级审核"), "{}", work.body);

        let page = step(&reviewer, item, "approve", &[]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert!(
            page.location.ends_with("notice=published"),
            "{}",
            page.location
        );

        let path = public_path(&server, item).await;
        wait_for(&server, &path, |status, body| {
            status == 200 && body.contains(title)
        })
        .await;
        wait_for(&server, "/gzdt/index.html", |_, body| body.contains(title)).await;
        wait_for(&server, "/", |_, body| body.contains(title)).await;
        let query = format!("/search?q={}", "数据共享");
        wait_for(&server, &query, |_, body| body.contains(&path)).await;

        // A withdrawal set for later shows on the work page and leaves the page online.
        let later = [
            ("how", "gone"),
            ("notice", "稍后撤下"),
            ("at", "2026-12-31 09:00"),
        ];
        let page = step(&reviewer, item, "withdraw", &later).await;
        assert!(
            page.location.ends_with("notice=withdraw-scheduled"),
            "{}",
            page.location
        );
        let work = reviewer.get("/").await;
        assert!(work.body.contains("2026-12-31 09:00"), "{}", work.body);
        assert_eq!(server.get(PORTAL_HOST, &path).await.0, 200);

        // Withdrawal: the public address returns 410 with the notice.
        let notice = "本文已过期，请查看最新通知。";
        let page = step(
            &reviewer,
            item,
            "withdraw",
            &[("how", "gone"), ("notice", notice)],
        )
        .await;
        assert_eq!(page.status, 303, "{}", page.body);
        let gone = wait_for(&server, &path, |status, _| status == 410).await;
        assert!(gone.contains(notice), "{gone}");

        server.running.unwrap().stop().await;
    }
}

#[tokio::test]
async fn a_preview_link_shows_the_draft_for_one_hour() {
    let server = start("sqlite").await;
    let portal = site_id(&server, "2200000001").await;
    let editor = signed_in(&server, "yulan", Role::Editor, GrantRef::Site(portal)).await;
    let column = portal_column(&server, "tzgg").await;
    let title = "预览测试：尚未发布的通知";
    let item = create_item(&editor, column, title, "<p>预览正文。</p>").await;

    let page = editor
        .post_form(
            &format!("/items/{item}"),
            &format!("/items/{item}/preview"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(page.location.starts_with("/preview/"), "{}", page.location);

    let stranger = AdminClient::new(&server);
    let page = stranger.get(&page.location).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(title));
    assert!(page.body.contains("预览：尚未发布"));
    assert!(page
        .body
        .contains("<meta name=\"robots\" content=\"noindex\">"));
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.headers["x-robots-tag"]
        .to_str()
        .unwrap()
        .contains("noindex"));
    assert!(server
        .app()
        .db
        .published_item(item)
        .await
        .unwrap()
        .is_none());
    assert!(page.body.contains("href=\"/preview/static/site.css\""));
    let css = stranger.get("/preview/static/site.css").await;
    assert_eq!(css.status, 200);
    let content_type = css.headers["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/css"), "{content_type}");

    let link = page_link(&editor, item).await;
    server.clock.advance(chrono::Duration::minutes(61));
    let page = stranger.get(&link).await;
    assert_eq!(page.status, 410, "{}", page.body);
    assert!(page.body.contains("预览链接已失效"), "{}", page.body);

    server.running.unwrap().stop().await;
}

/// Makes a fresh preview link of an item.
async fn page_link(client: &AdminClient, item: i64) -> String {
    let page = client
        .post_form(
            &format!("/items/{item}"),
            &format!("/items/{item}/preview"),
            &[],
        )
        .await;
    page.location
}

#[tokio::test]
async fn a_stale_save_shows_the_other_change_and_a_rejection_shows_its_reason() {
    let server = start("sqlite").await;
    let portal = site_id(&server, "2200000001").await;
    let first = signed_in(&server, "diyi", Role::Editor, GrantRef::Site(portal)).await;
    let second = signed_in(&server, "dier", Role::Editor, GrantRef::Site(portal)).await;
    let reviewer = signed_in(&server, "shenhe2", Role::Reviewer, GrantRef::Site(portal)).await;
    let column = portal_column(&server, "gzdt").await;
    let item = create_item(&first, column, "原来的标题", "<p>原文。</p>").await;

    // Both open the form at the same revision; the second saves first.
    let mine = first.get(&format!("/items/{item}")).await;
    let base = mine.field("base_revision_id");
    let theirs = second.get(&format!("/items/{item}")).await;
    let fields = [
        ("csrf", theirs.csrf()),
        ("base_revision_id", theirs.field("base_revision_id")),
        ("title", "第二位编辑改的标题".to_string()),
        ("lang", "zh-CN".to_string()),
        ("home_column", column.to_string()),
        ("body_html", "<p>原文。</p>".to_string()),
    ];
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = second.post(&format!("/items/{item}"), &form).await;
    assert_eq!(page.status, 303, "{}", page.body);

    let fields = [
        ("csrf", mine.csrf()),
        ("base_revision_id", base.clone()),
        ("title", "第一位编辑的标题".to_string()),
        ("lang", "zh-CN".to_string()),
        ("home_column", column.to_string()),
        ("body_html", "<p>第一位编辑的正文。</p>".to_string()),
    ];
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = first.post(&format!("/items/{item}"), &form).await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(
        page.body.contains("<ins>第二位编辑改</ins>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"第一位编辑的标题\""),
        "input kept"
    );
    assert_ne!(
        page.field("base_revision_id"),
        base,
        "offers the newest revision"
    );
    let detail = server.app().db.item(item).await.unwrap().unwrap();
    let latest = detail.latest_revision_id.unwrap();
    let stored = server
        .app()
        .db
        .revision_detail(latest)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.meta.title, "第二位编辑改的标题", "nothing stored");

    // Sent back with a reason, which the author sees on the work list.
    assert_eq!(step(&second, item, "submit", &[]).await.status, 303);
    let page = step(&reviewer, item, "reject", &[("reason", "")]).await;
    assert_eq!(page.status, 409, "a reason is required");
    let reason = "请补充发布机构和成文日期。";
    let page = step(&reviewer, item, "reject", &[("reason", reason)]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let work = second.get("/").await;
    assert!(work.body.contains(reason), "{}", work.body);

    let page = second.get(&format!("/items/{item}/revisions")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("退回"), "{}", page.body);

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn grants_limit_what_an_editor_may_do_and_columns_keep_their_items() {
    let server = start("sqlite").await;
    let city = site_id(&server, "2201000001").await;
    let portal = site_id(&server, "2200000001").await;
    let outsider = signed_in(&server, "waibu", Role::Editor, GrantRef::Site(city)).await;
    let column = portal_column(&server, "gzdt").await;
    let before = server
        .app()
        .db
        .column_admin_items(column, 1000, 0)
        .await
        .unwrap()
        .len();

    let page = outsider.get(&format!("/items/new?column={column}")).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("编辑"), "names the role: {}", page.body);
    let csrf = outsider.get("/").await.csrf();
    let column_text = column.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "越权的信息"),
        ("lang", "zh-CN"),
        ("home_column", column_text.as_str()),
        ("body_html", "<p>x</p>"),
    ];
    let page = outsider.post("/items", &form).await;
    assert_eq!(page.status, 403, "{}", page.body);
    let after = server
        .app()
        .db
        .column_admin_items(column, 1000, 0)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after, "nothing was stored");
    let filter = jiyue_db::AuditFilter {
        action: Some("item.save".to_string()),
        ..Default::default()
    };
    let entries = server.app().db.audit_query(&filter, 100).await.unwrap();
    let denied = entries
        .iter()
        .find(|entry| entry.actor == "waibu" && entry.result == "denied");
    assert!(denied.is_some(), "the refusal is audited: {entries:?}");

    // A site administrator cannot delete a column that still contains items.
    let admin = signed_in(
        &server,
        "zhanzhang",
        Role::SiteAdmin,
        GrantRef::Site(portal),
    )
    .await;
    let news = portal_column(&server, "yw").await;
    let count = server.app().db.column_item_count(news).await.unwrap();
    assert!(count > 0);
    let page = admin
        .post_form(
            &format!("/sites/{portal}"),
            &format!("/columns/{news}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, 409, "{}", page.body);
    let message = format!("栏目“要闻”下还有 {count} 条信息，请先移走或撤下");
    assert!(page.body.contains(&message), "{message}\n{}", page.body);
    assert!(server.app().db.column(news).await.unwrap().is_some());

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn refused_forms_keep_input_and_columns_change() {
    let server = start("sqlite").await;
    let portal = site_id(&server, "2200000001").await;
    let editor = signed_in(&server, "biaodan", Role::Editor, GrantRef::Site(portal)).await;
    let column = portal_column(&server, "gzdt").await.to_string();
    let page = editor
        .post_form(
            &format!("/items/new?column={column}"),
            "/items",
            &[
                ("title", ""),
                ("lang", "zh-CN"),
                ("written_date", "2026年3月1日"),
                ("document_number", "吉政发〔2026〕3号"),
                ("home_column", &column),
                ("body_html", "<p>保留的正文</p>"),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("role=\"alert\""));
    assert!(
        page.body.contains("href=\"#title\""),
        "the summary links to the field"
    );
    assert!(page.body.contains("href=\"#written_date\""));
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert!(page.body.contains("value=\"2026年3月1日\""), "input kept");
    assert!(page.body.contains("value=\"吉政发〔2026〕3号\""));
    assert!(page.body.contains("&lt;p&gt;保留的正文&lt;/p&gt;"));

    // A site administrator creates a column, changes it, and deletes it while it is empty.
    let admin = signed_in(&server, "guanli", Role::SiteAdmin, GrantRef::Site(portal)).await;
    let site_page = format!("/sites/{portal}");
    let fields = [
        ("path", "ceshi"),
        ("name", "测试栏目"),
        ("column_type", "other"),
        ("review_levels", "2"),
        ("position", "20"),
    ];
    let page = admin
        .post_form(&site_page, &format!("/sites/{portal}/columns"), &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let db = &server.app().db;
    let created = db.column_by_path(portal, "ceshi").await.unwrap().unwrap();
    assert_eq!(created.review_levels, 2);

    let fields = [
        ("name", "测试栏目二"),
        ("review_levels", "0"),
        ("accepts_shared", "1"),
        ("position", "21"),
    ];
    let path = format!("/columns/{}", created.id);
    assert_eq!(
        admin.post_form(&site_page, &path, &fields).await.status,
        303
    );
    let changed = db.column(created.id).await.unwrap().unwrap();
    assert_eq!(changed.name, "测试栏目二");
    assert_eq!(changed.review_levels, 0);
    assert!(changed.accepts_shared);

    let page = admin.get(&site_page).await;
    assert!(page.body.contains("测试栏目二"), "{}", page.body);
    let delete = format!("/columns/{}/delete", created.id);
    assert_eq!(admin.post_form(&site_page, &delete, &[]).await.status, 303);
    assert!(db.column(created.id).await.unwrap().is_none());

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn a_preview_shows_the_body_images_without_a_session() {
    let server = start("sqlite").await;
    let portal = site_id(&server, "2200000001").await;
    let editor = signed_in(&server, "tuxiang", Role::Editor, GrantRef::Site(portal)).await;
    let column = portal_column(&server, "tzgg").await;
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";
    let body =
        format!("<p>带图片的预览。</p><p><img src=\"data:image/png;base64,{png}\" alt=\"图\"></p>");
    let item = create_item(&editor, column, "预览里的图片", &body).await;

    let link = page_link(&editor, item).await;
    let stranger = AdminClient::new(&server);
    let page = stranger.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let prefix = format!("{link}/files/");
    let start = page
        .body
        .find(&format!("src=\"{prefix}"))
        .unwrap_or_else(|| panic!("no image under {prefix}:\n{}", page.body))
        + 5;
    let src = &page.body[start..start + page.body[start..].find('"').unwrap()];
    let image = stranger.get(src).await;
    assert_eq!(image.status, 200, "{src}");
    assert_eq!(image.headers["content-type"], "image/png");
    assert_eq!(image.headers["cache-control"], "private, no-store");

    server.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(stranger.get(src).await.status, 410);
    server.running.unwrap().stop().await;
}
