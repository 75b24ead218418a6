//! The security administrator lifts a sign-in lock that someone caused on purpose.

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
