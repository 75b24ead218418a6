//! Security administration of accounts: lifting a sign-in lock that someone caused on
//! purpose, and a password an administrator set that its owner must change first.

use chrono::Duration;
use jiyue_auth::{account_key, Role};
use jiyue_db::GrantRef;

use crate::admin_support::{create_account, start, AdminClient};

#[tokio::test]
async fn security_admin_lifts_a_lock() {
    let server = start("sqlite").await;
    let db = &server.app().db;
    let target = create_account(&server, "locked1", Role::Editor, GrantRef::Platform, true).await;
    let key = vec![account_key("locked1")];
    for _ in 0..5 {
        db.record_login_failure(&key, 5, Duration::minutes(15))
            .await
            .unwrap();
    }
    assert!(db.locked_until(&key).await.unwrap().is_some());

    let admin = create_account(
        &server,
        "sec1",
        Role::SecurityAdmin,
        GrantRef::Platform,
        true,
    )
    .await;
    let client = AdminClient::new(&server);
    client.sign_in(&server, &admin).await;
    let detail = format!("/staff/{}", target.id);
    let page = client.get(&detail).await;
    assert!(page.body.contains("解除登录锁定"), "{}", page.body);
    let done = client
        .post(&format!("{detail}/unlock"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(db.locked_until(&key).await.unwrap(), None);

    let entries = db
        .audit_query(
            &jiyue_db::AuditFilter {
                action: Some("staff.unlock".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].detail, "lock lifted");
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn password_set_by_an_admin_must_be_changed_first() {
    let server = start("sqlite").await;
    let db = &server.app().db;
    let account = create_account(&server, "newcomer", Role::Editor, GrantRef::Platform, true).await;
    let hash = jiyue_auth::hash_password(crate::admin_support::PASSWORD).unwrap();
    db.set_password_by_admin(account.id, &hash).await.unwrap();

    let client = AdminClient::new(&server);
    client.sign_in(&server, &account).await;
    let work = client.get("/").await;
    assert_eq!(work.status, 303);
    assert_eq!(work.location, "/account?notice=must-change-password");
    let items = client.get("/items").await;
    assert_eq!(items.location, "/account?notice=must-change-password");

    let page = client.get(&work.location).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("请先修改密码"), "{}", page.body);
    let changed = client
        .post(
            "/account/password",
            &[
                ("csrf", &page.csrf()),
                ("current", crate::admin_support::PASSWORD),
                ("new", "Own-Choice-2026"),
                ("repeat", "Own-Choice-2026"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(client.get("/").await.status, 200);
    let staff = db.staff(account.id).await.unwrap().unwrap();
    assert!(!staff.must_change_password);
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn refused_forms_are_audited() {
    let server = start("sqlite").await;
    let db = &server.app().db;
    let account = create_account(&server, "forger", Role::Editor, GrantRef::Platform, true).await;
    let client = AdminClient::new(&server);
    client.sign_in(&server, &account).await;
    let page = client
        .post("/account/password", &[("current", "x"), ("new", "y")])
        .await;
    assert_eq!(page.status, 403);
    let entries = db
        .audit_query(
            &jiyue_db::AuditFilter {
                action: Some("csrf.refused".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].target, "/account/password");
    assert_eq!(entries[0].result, "denied");
    server.running.unwrap().stop().await;
}

#[tokio::test]
async fn password_typed_as_name_is_not_recorded() {
    let server = start("sqlite").await;
    let client = AdminClient::new(&server);
    let typed = "My-Secret Passw0rd!";
    let page = client.sign_in_password(typed, "whatever").await;
    assert_eq!(page.status, 200);
    let entries = server
        .app()
        .db
        .audit_query(&jiyue_db::AuditFilter::default(), 50)
        .await
        .unwrap();
    assert!(!entries.is_empty());
    for entry in &entries {
        assert!(!entry.actor.contains("Passw0rd"), "{}", entry.actor);
        assert!(!entry.target.contains("Passw0rd"), "{}", entry.target);
    }
    assert!(entries
        .iter()
        .any(|entry| entry.actor.starts_with("(invalid name #")));
    server.running.unwrap().stop().await;
}
