//! Moving a column in the admin interface: the site administrator moves 通知公告 under another
//! column, and the public site answers the old addresses with 301s to the new ones.

use jiyue_auth::Role;
use jiyue_db::GrantRef;

use crate::admin_support::{create_account, start, AdminClient};

#[tokio::test]
async fn moved_column_keeps_old_urls_working() {
    let server = start("sqlite").await;
    let db = &server.app().db;
    let portal = db.site_by_code("2200000001").await.unwrap().unwrap();
    let notices = db.column_by_path(portal.id, "tzgg").await.unwrap().unwrap();
    let news = db.column_by_path(portal.id, "yw").await.unwrap().unwrap();
    let (items, _) = db.column_items(portal.id, notices.id, 0, 1).await.unwrap();
    let old_item = items[0].path.clone();

    let admin = create_account(
        &server,
        "mover",
        Role::SiteAdmin,
        GrantRef::Site(portal.id),
        true,
    )
    .await;
    let client = AdminClient::new(&server);
    client.sign_in(&server, &admin).await;
    let page = client.get(&format!("/sites/{}", portal.id)).await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf();

    let into_itself = client
        .post(
            &format!("/sites/{}/move", portal.id),
            &[
                ("csrf", &csrf),
                ("column", &notices.id.to_string()),
                ("parent", &notices.id.to_string()),
            ],
        )
        .await;
    assert_eq!(into_itself.status, 409, "{}", into_itself.body);
    assert!(
        into_itself.body.contains("栏目未移动"),
        "{}",
        into_itself.body
    );

    let moved = client
        .post(
            &format!("/sites/{}/move", portal.id),
            &[
                ("csrf", &csrf),
                ("column", &notices.id.to_string()),
                ("parent", &news.id.to_string()),
            ],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let new_item = old_item.replacen("/tzgg/", "/yw/tzgg/", 1);

    // The outbox consumer drops the cached pages within a second or so.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let response = server
            .raw
            .get(server.url("www.jl.localhost", &old_item))
            .send()
            .await
            .unwrap();
        if response.status() == 301 {
            let location = response.headers()["location"].to_str().unwrap().to_string();
            assert!(location.ends_with(&new_item), "{location}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the old URL never redirected"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, _) = server.get("www.jl.localhost", &new_item).await;
    assert_eq!(status, 200);
    let response = server
        .raw
        .get(server.url("www.jl.localhost", "/tzgg/index.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 301);
    // Pages without routes of their own follow the column too.
    for (old, new) in [
        ("/tzgg/atom.xml", "/yw/tzgg/atom.xml"),
        ("/tzgg/index_1.html", "/yw/tzgg/index_1.html"),
    ] {
        let response = server
            .raw
            .get(server.url("www.jl.localhost", old))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 301, "{old}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.ends_with(new), "{old} went to {location}");
    }
    server.running.unwrap().stop().await;
}
