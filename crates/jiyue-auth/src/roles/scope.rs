//! Grant scopes, authorization targets, and the reach of a scope over a target.

use super::{role_allows, Action, Role};

/// Extent of a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantScope {
    /// The whole platform.
    Platform,
    /// An organization and every organization below it. `path` is the stored organization
    /// path such as `/1/4/`.
    Org { id: i64, path: String },
    /// One site and all its columns.
    Site { id: i64 },
    /// One column and its sub-columns. `path` is the column path inside its site, such as
    /// `xxgk/zcwj`.
    Column { id: i64, site_id: i64, path: String },
}

/// A role held at a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Role granted.
    pub role: Role,
    /// Extent over which the role applies.
    pub scope: GrantScope,
}

/// Object that an action is performed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The platform as a whole, for platform-wide actions.
    Platform,
    /// An organization, by its stored path.
    Org { path: String },
    /// A site. `org_path` is the path of the organization that owns it.
    Site { id: i64, org_path: String },
    /// A column. `path` is its path inside the site, and `org_path` is the path of the
    /// organization that owns the site.
    Column {
        id: i64,
        site_id: i64,
        path: String,
        org_path: String,
    },
}

/// Reports whether a grant at `scope` covers `target`.
///
/// Platform covers everything. An organization covers organization, site and column targets
/// whose organization path is its own or below it. A site covers itself and its columns. A
/// column covers itself and the columns below it in the same site, but not the site.
pub fn scope_reaches(scope: &GrantScope, target: &Target) -> bool {
    match (scope, target) {
        (GrantScope::Platform, _) => true,

        (GrantScope::Org { path, .. }, Target::Org { path: org_path })
        | (GrantScope::Org { path, .. }, Target::Site { org_path, .. })
        | (GrantScope::Org { path, .. }, Target::Column { org_path, .. }) => {
            org_path_within(org_path, path)
        }

        (GrantScope::Site { id }, Target::Site { id: target_id, .. }) => id == target_id,
        (GrantScope::Site { id }, Target::Column { site_id, .. }) => id == site_id,

        (
            GrantScope::Column { id, site_id, path },
            Target::Column {
                id: target_id,
                site_id: target_site,
                path: target_path,
                ..
            },
        ) => site_id == target_site && (id == target_id || column_path_within(target_path, path)),

        _ => false,
    }
}

/// Reports whether some grant in `grants` has a role that allows `action` and a scope that
/// covers `target`. Platform-only actions (see [`Action::is_platform_only`]) additionally need
/// a platform-scope grant and the platform target.
pub fn allows(grants: &[Grant], action: Action, target: &Target) -> bool {
    grants.iter().any(|grant| {
        if !role_allows(grant.role, action) {
            return false;
        }
        if action.is_platform_only() {
            return grant.scope == GrantScope::Platform && *target == Target::Platform;
        }
        scope_reaches(&grant.scope, target)
    })
}

/// Reports whether organization path `target` is `ancestor` or below it. Paths are compared
/// segment by segment, so `/1/` does not cover `/10/`. An empty or relative `ancestor` covers
/// nothing.
fn org_path_within(target: &str, ancestor: &str) -> bool {
    if !ancestor.starts_with('/') {
        return false;
    }
    let ancestor = ancestor.strip_suffix('/').unwrap_or(ancestor);
    let target = target.strip_suffix('/').unwrap_or(target);

    target == ancestor
        || target
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Reports whether column path `target` is `ancestor` or below it.
fn column_path_within(target: &str, ancestor: &str) -> bool {
    if ancestor.is_empty() {
        return false;
    }
    target == ancestor
        || target
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}
