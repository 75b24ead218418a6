use proptest::prelude::*;

use super::*;

/// The role table written out independently of `Role::actions`.
const TABLE: [(Role, &[&str]); 7] = [
    (
        Role::SystemAdmin,
        &[
            "manage_orgs",
            "manage_sites",
            "manage_themes",
            "manage_columns",
            "edit_site_settings",
            "view_items",
        ],
    ),
    (
        Role::SecurityAdmin,
        &["manage_staff", "grant_roles", "set_security_policy"],
    ),
    (Role::AuditAdmin, &["read_audit", "export_audit"]),
    (
        Role::SiteAdmin,
        &[
            "manage_columns",
            "edit_site_settings",
            "view_items",
            "accept_placement",
        ],
    ),
    (Role::Editor, &["view_items", "write_item", "submit_item"]),
    (
        Role::Reviewer,
        &[
            "view_items",
            "review_item",
            "publish_item",
            "withdraw_item",
            "accept_placement",
        ],
    ),
    (Role::MessageHandler, &["handle_messages"]),
];

const PLATFORM_ONLY: [&str; 8] = [
    "manage_orgs",
    "manage_sites",
    "manage_themes",
    "manage_staff",
    "grant_roles",
    "set_security_policy",
    "read_audit",
    "export_audit",
];

fn expected_allows(role: Role, action: Action) -> bool {
    TABLE
        .iter()
        .any(|(r, actions)| *r == role && actions.contains(&action.as_str()))
}

fn org(id: i64, path: &str) -> GrantScope {
    GrantScope::Org {
        id,
        path: path.into(),
    }
}

fn column_scope(id: i64, site_id: i64, path: &str) -> GrantScope {
    GrantScope::Column {
        id,
        site_id,
        path: path.into(),
    }
}

fn site_target(id: i64, org_path: &str) -> Target {
    Target::Site {
        id,
        org_path: org_path.into(),
    }
}

fn column_target(id: i64, site_id: i64, path: &str, org_path: &str) -> Target {
    Target::Column {
        id,
        site_id,
        path: path.into(),
        org_path: org_path.into(),
    }
}

/// Scopes of the fixture: the platform, province /1/, city /1/4/, site 10 (owned by /1/4/) and
/// column 100 `xxgk` of site 10.
fn fixture_scopes() -> Vec<GrantScope> {
    vec![
        GrantScope::Platform,
        org(1, "/1/"),
        org(4, "/1/4/"),
        GrantScope::Site { id: 10 },
        column_scope(100, 10, "xxgk"),
    ]
}

/// Targets of the fixture, including look-alikes: org /10/ and column `xxgkx`.
fn fixture_targets() -> Vec<Target> {
    vec![
        Target::Platform,
        Target::Org { path: "/1/".into() },
        Target::Org {
            path: "/1/4/".into(),
        },
        Target::Org {
            path: "/10/".into(),
        },
        site_target(10, "/1/4/"),
        site_target(20, "/10/"),
        column_target(100, 10, "xxgk", "/1/4/"),
        column_target(101, 10, "xxgk/zcwj", "/1/4/"),
        column_target(102, 10, "xxgkx", "/1/4/"),
        column_target(200, 20, "xxgk", "/10/"),
    ]
}

/// Expected reach: one row per fixture scope, one column per fixture target.
const REACH: [[bool; 10]; 5] = [
    [true, true, true, true, true, true, true, true, true, true],
    [
        false, true, true, false, true, false, true, true, true, false,
    ],
    [
        false, false, true, false, true, false, true, true, true, false,
    ],
    [
        false, false, false, false, true, false, true, true, true, false,
    ],
    [
        false, false, false, false, false, false, true, true, false, false,
    ],
];

#[test]
fn role_table_matches() {
    for role in Role::ALL {
        for action in Action::ALL {
            assert_eq!(
                role_allows(role, action),
                expected_allows(role, action),
                "{role:?} {action:?}"
            );
        }
    }
}

#[test]
fn scope_reach_matches() {
    for (row, scope) in fixture_scopes().iter().enumerate() {
        for (column, target) in fixture_targets().iter().enumerate() {
            assert_eq!(
                scope_reaches(scope, target),
                REACH[row][column],
                "{scope:?} {target:?}"
            );
        }
    }
}

#[test]
fn allows_matches_exhaustive_table() {
    for role in Role::ALL {
        for action in Action::ALL {
            let platform_only = PLATFORM_ONLY.contains(&action.as_str());
            assert_eq!(action.is_platform_only(), platform_only, "{action:?}");

            for (row, scope) in fixture_scopes().into_iter().enumerate() {
                for (column, target) in fixture_targets().iter().enumerate() {
                    let reach = if platform_only {
                        row == 0 && column == 0
                    } else {
                        REACH[row][column]
                    };
                    let expected = expected_allows(role, action) && reach;
                    let grants = [Grant {
                        role,
                        scope: scope.clone(),
                    }];
                    assert_eq!(
                        allows(&grants, action, target),
                        expected,
                        "{role:?} {action:?} {scope:?} {target:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn allows_uses_any_matching_grant() {
    let grants = [
        Grant {
            role: Role::Editor,
            scope: GrantScope::Site { id: 20 },
        },
        Grant {
            role: Role::Reviewer,
            scope: GrantScope::Site { id: 10 },
        },
    ];
    let column = column_target(100, 10, "xxgk", "/1/4/");

    assert!(allows(&grants, Action::PublishItem, &column));
    assert!(!allows(&grants, Action::WriteItem, &column));
    assert!(allows(
        &grants,
        Action::WriteItem,
        &column_target(200, 20, "xxgk", "/10/")
    ));
    assert!(!allows(&[], Action::ViewItems, &Target::Platform));
}

#[test]
fn malformed_paths_reach_nothing() {
    let target = Target::Org { path: "/1/".into() };

    assert!(!scope_reaches(&org(0, ""), &target));
    assert!(!scope_reaches(&org(0, "1/"), &target));
    assert!(scope_reaches(
        &org(1, "/1"),
        &Target::Org {
            path: "/1/4/".into()
        }
    ));
    assert!(!scope_reaches(
        &org(1, "/1"),
        &Target::Org {
            path: "/10/".into()
        }
    ));
    assert!(!scope_reaches(
        &column_scope(0, 10, ""),
        &column_target(1, 10, "a", "/1/")
    ));
}

#[test]
fn role_names_round_trip() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
        assert_eq!(Role::parse(&role.as_str().replace('_', "-")), Some(role));
        assert_eq!(
            role.message_id(),
            format!("role-{}", role.as_str().replace('_', "-"))
        );
    }
    assert_eq!(Role::parse("root"), None);
    assert_eq!(Role::parse("System_Admin"), None);

    let separated: Vec<Role> = Role::ALL
        .into_iter()
        .filter(Role::is_separated_admin)
        .collect();
    assert_eq!(
        separated,
        [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin]
    );
}

#[test]
fn action_names_are_unique() {
    let mut names: Vec<&str> = Action::ALL.iter().map(Action::as_str).collect();
    names.sort_unstable();
    names.dedup();

    assert_eq!(names.len(), Action::ALL.len());
}

fn grant(role: Role, scope: GrantScope) -> Grant {
    Grant { role, scope }
}

#[test]
fn separated_admin_needs_platform_scope() {
    for role in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
        for scope in fixture_scopes().into_iter().skip(1) {
            assert_eq!(
                check_grant(&[], &grant(role, scope)),
                Err(GrantError::AdminScope { role })
            );
        }
        assert_eq!(check_grant(&[], &grant(role, GrantScope::Platform)), Ok(()));
    }
}

#[test]
fn separated_admins_stay_pure() {
    let system = grant(Role::SystemAdmin, GrantScope::Platform);
    let audit = grant(Role::AuditAdmin, GrantScope::Platform);
    let editor = grant(Role::Editor, GrantScope::Site { id: 10 });

    assert_eq!(
        check_grant(std::slice::from_ref(&system), &audit),
        Err(GrantError::SeparatedAdmin {
            held: Role::SystemAdmin,
            new: Role::AuditAdmin
        })
    );
    assert_eq!(
        check_grant(std::slice::from_ref(&system), &editor),
        Err(GrantError::SeparatedAdmin {
            held: Role::SystemAdmin,
            new: Role::Editor
        })
    );
    assert_eq!(
        check_grant(std::slice::from_ref(&editor), &audit),
        Err(GrantError::SeparatedAdmin {
            held: Role::Editor,
            new: Role::AuditAdmin
        })
    );
}

#[test]
fn ordinary_roles_combine() {
    let editor = grant(Role::Editor, GrantScope::Site { id: 10 });
    let reviewer = grant(Role::Reviewer, GrantScope::Site { id: 10 });
    let editor_elsewhere = grant(Role::Editor, GrantScope::Site { id: 20 });

    assert_eq!(
        check_grant(std::slice::from_ref(&editor), &reviewer),
        Ok(())
    );
    assert_eq!(
        check_grant(&[editor.clone(), reviewer], &editor_elsewhere),
        Ok(())
    );
    assert_eq!(
        check_grant(std::slice::from_ref(&editor), &editor),
        Err(GrantError::Duplicate)
    );

    let system = grant(Role::SystemAdmin, GrantScope::Platform);
    assert_eq!(
        check_grant(std::slice::from_ref(&system), &system),
        Err(GrantError::Duplicate)
    );
}

#[test]
fn grant_error_message_ids() {
    let separated = GrantError::SeparatedAdmin {
        held: Role::Editor,
        new: Role::AuditAdmin,
    };

    assert_eq!(separated.message_id(), "grant-separated-admin");
    assert_eq!(
        GrantError::AdminScope {
            role: Role::AuditAdmin
        }
        .message_id(),
        "grant-admin-scope"
    );
    assert_eq!(GrantError::Duplicate.message_id(), "grant-duplicate");
    assert!(separated.to_string().contains("audit_admin"), "{separated}");
}

fn any_role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

fn any_action() -> impl Strategy<Value = Action> {
    prop::sample::select(Action::ALL.to_vec())
}

fn segments() -> impl Strategy<Value = Vec<u16>> {
    prop::collection::vec(1u16..40, 1..4)
}

fn org_path(segments: &[u16]) -> String {
    segments
        .iter()
        .map(|segment| format!("/{segment}"))
        .collect::<String>()
        + "/"
}

fn column_path(segments: &[u16]) -> String {
    segments
        .iter()
        .map(|segment| format!("c{segment}"))
        .collect::<Vec<_>>()
        .join("/")
}

/// Returns an organization, a site and a column target built from the given parts.
fn targets(org: &[u16], site: i64, column: i64, path: &[u16]) -> [Target; 3] {
    [
        Target::Org {
            path: org_path(org),
        },
        site_target(site, &org_path(org)),
        column_target(column, site, &column_path(path), &org_path(org)),
    ]
}

proptest! {
    #[test]
    fn other_org_subtree_never_allows(
        roles in prop::collection::vec(any_role(), 1..4),
        action in any_action(),
        grant_org in segments(),
        target_org in segments(),
        path in segments(),
    ) {
        prop_assume!(!target_org.starts_with(&grant_org));
        let grants: Vec<Grant> =
            roles.into_iter().map(|role| grant(role, org(1, &org_path(&grant_org)))).collect();

        for target in targets(&target_org, 10, 100, &path) {
            prop_assert!(!allows(&grants, action, &target), "{grants:?} {target:?}");
        }
    }

    #[test]
    fn other_site_never_allows(
        roles in prop::collection::vec(any_role(), 1..4),
        action in any_action(),
        grant_site in 1i64..50,
        target_site in 1i64..50,
        target_org in segments(),
        path in segments(),
    ) {
        prop_assume!(grant_site != target_site);
        let grants: Vec<Grant> =
            roles.into_iter().map(|role| grant(role, GrantScope::Site { id: grant_site })).collect();

        for target in targets(&target_org, target_site, 100, &path) {
            prop_assert!(!allows(&grants, action, &target), "{grants:?} {target:?}");
        }
    }

    #[test]
    fn other_column_never_allows(
        roles in prop::collection::vec(any_role(), 1..4),
        action in any_action(),
        same_site in any::<bool>(),
        grant_path in segments(),
        target_path in segments(),
        target_org in segments(),
    ) {
        prop_assume!(!same_site || !target_path.starts_with(&grant_path));
        let grant_site = if same_site { 10 } else { 11 };
        let scope = column_scope(7, grant_site, &column_path(&grant_path));
        let grants: Vec<Grant> = roles.into_iter().map(|role| grant(role, scope.clone())).collect();

        for target in targets(&target_org, 10, 100, &target_path) {
            prop_assert!(!allows(&grants, action, &target), "{grants:?} {target:?}");
        }
    }
}
