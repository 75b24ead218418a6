//! Scope checks: whether a caller's `Scope` reaches an organization or a site.
//!
//! An organization scope reaches the organization and every organization below it, found by
//! the prefix of the stored path (`/1/4/` reaches `/1/4/9/`). A site scope reaches that site
//! only, and no organization.

use crate::error::{DbError, Result};
use crate::model::{OrgId, Scope, SiteId};
use crate::sql::{args, Conn};

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Platform => f.write_str("the platform scope"),
            Scope::Org(id) => write!(f, "the scope of organization {id}"),
            Scope::Site(id) => write!(f, "the scope of site {id}"),
        }
    }
}

/// Returns the stored path of an organization, such as `/1/4/`.
pub(crate) async fn org_path(conn: &mut Conn<'_>, org_id: OrgId) -> Result<Option<String>> {
    let row = conn
        .fetch_optional(
            "SELECT path FROM organizations WHERE id = $1",
            args![org_id],
        )
        .await?;
    row.map(|row| row.text("path")).transpose()
}

/// Returns true when `scope` reaches the organization `org_id`.
pub(crate) async fn reaches_org(conn: &mut Conn<'_>, scope: &Scope, org_id: OrgId) -> Result<bool> {
    match scope {
        Scope::Platform => Ok(true),
        Scope::Site(_) => Ok(false),
        Scope::Org(scope_org) => {
            let Some(prefix) = org_path(conn, *scope_org).await? else {
                return Ok(false);
            };
            let Some(path) = org_path(conn, org_id).await? else {
                return Ok(false);
            };
            Ok(path.starts_with(&prefix))
        }
    }
}

/// Fails with `OutOfScope` unless `scope` reaches the organization `org_id`.
pub(crate) async fn check_org(
    conn: &mut Conn<'_>,
    scope: &Scope,
    org_id: OrgId,
    action: &str,
) -> Result<()> {
    if reaches_org(conn, scope, org_id).await? {
        return Ok(());
    }
    Err(DbError::OutOfScope(format!(
        "cannot {action}: organization {org_id} is outside {scope}; \
         use the scope of that organization, a parent of it, or the platform"
    )))
}

/// Fails with `OutOfScope` unless `scope` reaches the site `site_id`.
pub(crate) async fn check_site(
    conn: &mut Conn<'_>,
    scope: &Scope,
    site_id: SiteId,
    action: &str,
) -> Result<()> {
    let reached = match scope {
        Scope::Platform => true,
        Scope::Site(scope_site) => *scope_site == site_id,
        Scope::Org(_) => {
            let row = conn
                .fetch_optional("SELECT org_id FROM sites WHERE id = $1", args![site_id])
                .await?;
            match row {
                Some(row) => reaches_org(conn, scope, row.int("org_id")?).await?,
                None => false,
            }
        }
    };
    if reached {
        return Ok(());
    }
    Err(DbError::OutOfScope(format!(
        "cannot {action}: site {site_id} is outside {scope}; \
         use the scope of that site, of its organization, or the platform"
    )))
}
