//! The security administrator's staff pages over HTTP: who may open them, creating accounts,
//! granting and revoking roles under the separation rules, and the actions on an account,
//! each of them audited.

use jiyue_auth::Role;
use jiyue_db::GrantRef;

use crate::admin_login::audit_entries;
use crate::admin_support::{create_account, start, AdminClient, PASSWORD};
use crate::support::backends;

#[tokio::test]
async fn editor_is_refused_staff_pages() {
    let server = start("sqlite").await;
    let editor = create_account(&server, "editor4", Role::Editor, GrantRef::Platform, true).await;
    let client = AdminClient::new(&server);
    client.sign_in(&server, &editor).await;

    let page = client.get("/staff").await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("“安全管理员”"),
        "names the role: {}",
        page.body
    );
    assert!(
        page.body.contains("<h1>无权使用此功能</h1>"),
        "{}",
        page.body
    );

    let csrf = client.get("/account").await.csrf();
    let create = [
        ("csrf", csrf.as_str()),
        ("username", "intruder"),
        ("display_name", "Intruder"),
        ("password", PASSWORD),
    ];
    assert_eq!(client.post("/staff", &create).await.status, 403);
    let db = &server.app().db;
    assert!(db.staff_by_username("intruder").await.unwrap().is_none());

    let denied = audit_entries(&server, "staff.list").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].result, "denied");
    assert_eq!(denied[0].actor, "editor4");
    let denied = audit_entries(&server, "staff.create").await;
    assert_eq!(denied[0].result, "denied");

    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn security_admin_manages_accounts() {
    for backend in backends() {
        let server = start(backend).await;
        let admin = create_account(
            &server,
            "sec",
            Role::SecurityAdmin,
            GrantRef::Platform,
            true,
        )
        .await;
        let client = AdminClient::new(&server);
        client.sign_in(&server, &admin).await;

        let home = client.get("/").await;
        assert!(
            home.body.contains("href=\"/staff\""),
            "{backend}: staff in the navigation"
        );
        let list = client.get("/staff").await;
        assert_eq!(list.status, 200, "{backend}: {}", list.body);
        assert!(list.body.contains(">sec</a>"));

        // A weak initial password is refused with the rule it breaks.
        let weak = [
            ("username", "zhang.san"),
            ("display_name", "张三"),
            ("org", ""),
            ("password", "short"),
        ];
        let page = client.post_form("/staff", "/staff", &weak).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("密码不能少于 8 个字符。"),
            "{}",
            page.body
        );
        assert!(page.body.contains("role=\"alert\""));

        let good = [
            ("username", "zhang.san"),
            ("display_name", "张三"),
            ("org", ""),
            ("password", "Zhang-San-2026"),
        ];
        let page = client.post_form("/staff", "/staff", &good).await;
        assert_eq!(page.status, 303, "{backend}: {}", page.body);
        let detail_path = page.location.split('?').next().unwrap().to_string();
        let id: i64 = detail_path.trim_start_matches("/staff/").parse().unwrap();
        let page = client.get(&page.location).await;
        assert!(page.body.contains("张三（zhang.san）"), "{}", page.body);
        assert!(page.body.contains("账户已创建"));

        grant_roles(&server, &client, id, &detail_path).await;
        account_actions(&server, &client, id, &detail_path).await;

        let created = audit_entries(&server, "staff.create").await;
        assert!(created
            .iter()
            .any(|e| e.result == "ok" && e.target == "zhang.san"));
        assert!(created.iter().any(|e| e.result == "failed"));
        server.running.unwrap().stop().await;
    }
}

async fn grant_roles(
    server: &crate::support::TestServer,
    client: &AdminClient,
    id: i64,
    detail: &str,
) {
    let db = &server.app().db;
    let site = db.site_by_code("2200000001").await.unwrap().unwrap();
    let column = db.columns(site.id).await.unwrap().remove(1);

    let scope = format!("column:{}", column.id);
    let page = client
        .post_form(
            detail,
            &format!("{detail}/grants"),
            &[("role", "editor"), ("scope", &scope)],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let grants = db.staff_grants(id).await.unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].role, Role::Editor);
    assert_eq!(grants[0].scope, GrantRef::Column(column.id));

    // A separated administrator role is refused beside another role, with the catalog message.
    let page = client
        .post_form(
            detail,
            &format!("{detail}/grants"),
            &[("role", "audit_admin"), ("scope", "platform")],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("该账户已有“编辑”角色，不能再授予“审计管理员”"),
        "{}",
        page.body
    );
    let site_scope = format!("site:{}", site.id);
    let page = client
        .post_form(
            detail,
            &format!("{detail}/grants"),
            &[("role", "system_admin"), ("scope", &site_scope)],
        )
        .await;
    assert!(page.body.contains("只能在全平台范围授予"), "{}", page.body);
    assert_eq!(db.staff_grants(id).await.unwrap().len(), 1);

    let grant_id = grants[0].id;
    let page = client
        .post_form(detail, &format!("{detail}/grants/{grant_id}/remove"), &[])
        .await;
    assert_eq!(page.status, 303);
    assert!(db.staff_grants(id).await.unwrap().is_empty());

    // Without other roles, the account may become an audit administrator, and then nothing else.
    let page = client
        .post_form(
            detail,
            &format!("{detail}/grants"),
            &[("role", "audit_admin"), ("scope", "platform")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = client
        .post_form(
            detail,
            &format!("{detail}/grants"),
            &[("role", "security_admin"), ("scope", "platform")],
        )
        .await;
    assert!(page.body.contains("三者分离"), "{}", page.body);

    let entries = audit_entries(server, "grant.add").await;
    assert!(entries
        .iter()
        .any(|e| e.result == "denied" && e.detail.contains("audit_admin")));
    assert_eq!(entries.iter().filter(|e| e.result == "ok").count(), 2);
}

async fn account_actions(
    server: &crate::support::TestServer,
    client: &AdminClient,
    id: i64,
    detail: &str,
) {
    let db = &server.app().db;
    // The demo's own audit administrator is set aside, so the account tested here is the only
    // enabled one.
    let demo_auditor = db.staff_by_username("auditor").await.unwrap().unwrap();
    db.set_staff_disabled(demo_auditor.id, true).await.unwrap();
    let page = client
        .post_form(
            detail,
            &format!("{detail}/reset-password"),
            &[("password", "abc")],
        )
        .await;
    assert!(
        page.body.contains("密码不能少于 8 个字符。"),
        "{}",
        page.body
    );
    let page = client
        .post_form(
            detail,
            &format!("{detail}/reset-password"),
            &[("password", "New-Zhang-2026")],
        )
        .await;
    assert_eq!(page.status, 303);

    db.set_factor(id, "totp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        .await
        .unwrap();
    let page = client
        .post_form(detail, &format!("{detail}/reset-factor"), &[])
        .await;
    assert_eq!(page.status, 303);
    let page = client.get(detail).await;
    assert!(
        page.body.contains("未设置（首次登录时设置）"),
        "{}",
        page.body
    );

    // The only audit administrator cannot be disabled; with a second one it can.
    let page = client
        .post_form(detail, &format!("{detail}/disable"), &[])
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("这是唯一的“审计管理员”账户"),
        "{}",
        page.body
    );
    assert!(!db.staff(id).await.unwrap().unwrap().disabled);
    create_account(
        server,
        "audit2",
        Role::AuditAdmin,
        GrantRef::Platform,
        false,
    )
    .await;
    let page = client
        .post_form(detail, &format!("{detail}/disable"), &[])
        .await;
    assert_eq!(page.status, 303);
    assert!(db.staff(id).await.unwrap().unwrap().disabled);
    let page = client
        .post_form(detail, &format!("{detail}/enable"), &[])
        .await;
    assert_eq!(page.status, 303);
    assert!(!db.staff(id).await.unwrap().unwrap().disabled);

    // The only security administrator cannot disable their own account.
    let me = db.staff_by_username("sec").await.unwrap().unwrap();
    let own = format!("/staff/{}", me.id);
    let page = client.post_form(&own, &format!("{own}/disable"), &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("不能停用自己的账户"), "{}", page.body);
    assert!(!db.staff(me.id).await.unwrap().unwrap().disabled);

    for action in [
        "staff.reset_password",
        "staff.reset_factor",
        "staff.disable",
        "staff.enable",
    ] {
        let entries = audit_entries(server, action).await;
        assert!(entries.iter().any(|e| e.result == "ok"), "{action} audited");
    }
}
