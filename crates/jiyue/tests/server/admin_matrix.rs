//! The role matrix over HTTP: every role, granted on the provincial government's subtree, on
//! one of its columns, on the 长春市 site, or on the platform, tries every kind of admin page
//! and action on the province's portal and on the city's site. Whatever `jiyue_auth::allows`
//! rejects must return 403, and whatever it allows must not. No rejected request may change
//! anything.

use jiyue_auth::{allows, Action, Role, Target};
use jiyue_db::GrantRef;

use crate::admin_support::{create_account, start, Account, AdminClient};
use crate::support::TestServer;

/// One request the matrix sends, with the action and target the server must check.
struct Probe {
    name: &'static str,
    post: bool,
    path: String,
    fields: Vec<(&'static str, String)>,
    action: Action,
    target: Target,
}

struct Place {
    site: i64,
    column: i64,
    item: i64,
    org_path: String,
    column_path: String,
}

async fn place(server: &TestServer, site_code: &str, column_path: &str) -> Place {
    let db = &server.app().db;
    let site = db.site_by_code(site_code).await.unwrap().unwrap();
    let column = db
        .column_by_path(site.id, column_path)
        .await
        .unwrap()
        .unwrap();
    let org = db.org(site.org_id).await.unwrap().unwrap();
    let (items, _) = db.column_items(site.id, column.id, 0, 1).await.unwrap();
    let item = items.first().map(|item| item.id).unwrap();
    Place {
        site: site.id,
        column: column.id,
        item,
        org_path: org.path,
        column_path: column.path,
    }
}

fn probes(place: &Place) -> Vec<Probe> {
    let column_target = Target::Column {
        id: place.column,
        site_id: place.site,
        path: place.column_path.clone(),
        org_path: place.org_path.clone(),
    };
    let site_target = Target::Site {
        id: place.site,
        org_path: place.org_path.clone(),
    };
    let item = place.item;
    let probe =
        |name, post, path: String, fields: Vec<(&'static str, String)>, action, target| Probe {
            name,
            post,
            path,
            fields,
            action,
            target,
        };
    vec![
        probe(
            "staff list",
            false,
            "/staff".into(),
            vec![],
            Action::ManageStaff,
            Target::Platform,
        ),
        probe(
            "create account",
            true,
            "/staff".into(),
            vec![("username", String::new())],
            Action::ManageStaff,
            Target::Platform,
        ),
        probe(
            "view item",
            false,
            format!("/items/{item}"),
            vec![],
            Action::ViewItems,
            column_target.clone(),
        ),
        probe(
            "revisions",
            false,
            format!("/items/{item}/revisions"),
            vec![],
            Action::ViewItems,
            column_target.clone(),
        ),
        probe(
            "save item",
            true,
            format!("/items/{item}"),
            vec![
                ("title", String::new()),
                ("home_column", place.column.to_string()),
            ],
            Action::WriteItem,
            column_target.clone(),
        ),
        probe(
            "new item",
            true,
            "/items".into(),
            vec![
                ("title", String::new()),
                ("home_column", place.column.to_string()),
            ],
            Action::WriteItem,
            column_target.clone(),
        ),
        probe(
            "submit",
            true,
            format!("/items/{item}/submit"),
            vec![],
            Action::SubmitItem,
            column_target.clone(),
        ),
        probe(
            "approve",
            true,
            format!("/items/{item}/approve"),
            vec![],
            Action::ReviewItem,
            column_target.clone(),
        ),
        probe(
            "reject",
            true,
            format!("/items/{item}/reject"),
            vec![("reason", String::new())],
            Action::ReviewItem,
            column_target.clone(),
        ),
        probe(
            "withdraw",
            true,
            format!("/items/{item}/withdraw"),
            vec![("how", "gone".into()), ("notice", String::new())],
            Action::WithdrawItem,
            column_target.clone(),
        ),
        probe(
            "columns",
            false,
            format!("/sites/{}", place.site),
            vec![],
            Action::ManageColumns,
            site_target.clone(),
        ),
        probe(
            "change column",
            true,
            format!("/columns/{}", place.column),
            vec![("name", String::new())],
            Action::ManageColumns,
            site_target.clone(),
        ),
        probe(
            "delete column",
            true,
            format!("/columns/{}/delete", place.column),
            vec![],
            Action::ManageColumns,
            site_target,
        ),
    ]
}

async fn account(server: &TestServer, n: usize, role: Role, scope: GrantRef) -> Account {
    create_account(server, &format!("matrix{n}"), role, scope, true).await
}

/// Sends every probe on both places as `account` and checks each response against the grant.
async fn probe_all(
    server: &TestServer,
    account: &Account,
    role: Role,
    scope_name: &str,
    places: [&Place; 2],
) -> usize {
    let db = &server.app().db;
    let grants: Vec<_> = db
        .staff_grants(account.id)
        .await
        .unwrap()
        .into_iter()
        .map(|stored| stored.grant)
        .collect();
    let client = AdminClient::new(server);
    client.sign_in(server, account).await;
    let csrf = client.get("/account").await.csrf();
    let mut checked = 0;
    for place in places {
        for probe in probes(place) {
            let mut fields: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            fields.extend(probe.fields.iter().map(|(k, v)| (*k, v.as_str())));
            let page = if probe.post {
                client.post(&probe.path, &fields).await
            } else {
                client.get(&probe.path).await
            };
            let allowed = allows(&grants, probe.action, &probe.target);
            let what = format!(
                "{} on {scope_name}: {} {} (site {})",
                role.as_str(),
                probe.name,
                probe.path,
                place.site
            );
            assert!(page.status < 500, "{what} answered {}", page.status);
            if allowed {
                assert_ne!(page.status, 403, "{what} was refused though allowed");
            } else {
                assert_eq!(page.status, 403, "{what} was not refused:\n{}", page.body);
            }
            checked += 1;
        }
    }
    checked
}

#[tokio::test]
async fn every_role_is_held_to_its_grant() {
    let server = start("sqlite").await;
    let db = &server.app().db;
    let province = place(&server, "2200000001", "tzgg").await;
    let city = place(&server, "2201000001", "tzgg").await;
    let province_org = db.site(province.site).await.unwrap().unwrap().org_id;
    let before = db.outbox_head().await.unwrap();

    let ordinary = [
        ("the province", GrantRef::Org(province_org)),
        ("a province column", GrantRef::Column(province.column)),
        ("the city site", GrantRef::Site(city.site)),
    ];
    let platform = [("the platform", GrantRef::Platform)];
    let mut checked = 0;
    for (n, role) in Role::ALL.into_iter().enumerate() {
        let scopes: &[(&str, GrantRef)] = if role.is_separated_admin() {
            &platform
        } else {
            &ordinary
        };
        for (m, (scope_name, scope)) in scopes.iter().enumerate() {
            let account = account(&server, n * 10 + m, role, *scope).await;
            checked += probe_all(&server, &account, role, scope_name, [&province, &city]).await;
        }
    }
    assert!(checked >= 200, "only {checked} requests were checked");
    // The requests that were allowed carried invalid or empty input, and the refused ones
    // must not have changed anything either: no item, column or site change reached the outbox.
    let events = db.outbox_after(before, 1000).await.unwrap();
    let changes: Vec<_> = events
        .iter()
        .filter(|event| event.kind != "revision.reviewed")
        .map(|event| event.kind.clone())
        .collect();
    assert!(
        changes.is_empty(),
        "the matrix changed something: {changes:?}"
    );
    server.running.unwrap().stop().await;
}
