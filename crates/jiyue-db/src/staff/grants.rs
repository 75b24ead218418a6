//! Role grants of staff accounts, and the authorization targets of sites, columns and items.
//!
//! A grant is stored as a role and a scope reference (platform, organization, site or column).
//! Reading it back resolves the paths that `jiyue_auth` decisions compare, so a grant always
//! follows the organization tree as it is now.

use jiyue_auth::{check_grant, Grant, GrantScope, Role, Target};
use serde::Serialize;

use super::StaffId;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ColumnId, ItemId, OrgId, SiteId};
use crate::sql::{args, micros, Conn, Row};

/// The scope a grant is given on, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum GrantRef {
    Platform,
    Org(OrgId),
    Site(SiteId),
    Column(ColumnId),
}

impl GrantRef {
    fn kind(self) -> &'static str {
        match self {
            GrantRef::Platform => "platform",
            GrantRef::Org(_) => "org",
            GrantRef::Site(_) => "site",
            GrantRef::Column(_) => "column",
        }
    }

    fn id(self) -> i64 {
        match self {
            GrantRef::Platform => 0,
            GrantRef::Org(id) | GrantRef::Site(id) | GrantRef::Column(id) => id,
        }
    }

    fn from_stored(kind: &str, id: i64) -> Result<GrantRef> {
        Ok(match kind {
            "platform" => GrantRef::Platform,
            "org" => GrantRef::Org(id),
            "site" => GrantRef::Site(id),
            "column" => GrantRef::Column(id),
            other => {
                return Err(DbError::Invalid(format!(
                    "stored grant scope \"{other}\" is unknown; repair the grants row"
                )))
            }
        })
    }
}

/// A grant as stored, with its scope resolved for authorization and named for display.
#[derive(Debug, Clone, Serialize)]
pub struct StoredGrant {
    pub id: i64,
    #[serde(serialize_with = "role_name")]
    pub role: Role,
    pub scope: GrantRef,
    #[serde(skip)]
    pub grant: Grant,
    /// The name of what the grant is on: an organization, a site, or a site and column.
    pub scope_name: String,
}

fn role_name<S: serde::Serializer>(role: &Role, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(role.as_str())
}

/// Resolves a scope reference to the scope `jiyue_auth` compares, and a display name.
async fn resolve_scope(conn: &mut Conn<'_>, scope: GrantRef) -> Result<(GrantScope, String)> {
    let missing = |what: &str, id: i64| {
        DbError::NotFound(format!(
            "{what} {id} not found; grant the role on an existing {what}"
        ))
    };
    match scope {
        GrantRef::Platform => Ok((GrantScope::Platform, String::new())),
        GrantRef::Org(id) => {
            let row = conn
                .fetch_optional(
                    "SELECT path, name FROM organizations WHERE id = $1",
                    args![id],
                )
                .await?
                .ok_or_else(|| missing("organization", id))?;
            let scope = GrantScope::Org {
                id,
                path: row.text("path")?,
            };
            Ok((scope, row.text("name")?))
        }
        GrantRef::Site(id) => {
            let row = conn
                .fetch_optional("SELECT name FROM sites WHERE id = $1", args![id])
                .await?
                .ok_or_else(|| missing("site", id))?;
            Ok((GrantScope::Site { id }, row.text("name")?))
        }
        GrantRef::Column(id) => {
            let row = conn
                .fetch_optional(
                    "SELECT c.site_id, c.path, c.name, s.name AS site_name FROM columns c \
                     JOIN sites s ON s.id = c.site_id WHERE c.id = $1",
                    args![id],
                )
                .await?
                .ok_or_else(|| missing("column", id))?;
            let scope = GrantScope::Column {
                id,
                site_id: row.int("site_id")?,
                path: row.text("path")?,
            };
            let name = format!("{} / {}", row.text("site_name")?, row.text("name")?);
            Ok((scope, name))
        }
    }
}

async fn grant_from_row(conn: &mut Conn<'_>, row: &Row) -> Result<StoredGrant> {
    let role_text = row.text("role")?;
    let role = Role::parse(&role_text).ok_or_else(|| {
        DbError::Invalid(format!(
            "stored role \"{role_text}\" is unknown; repair the grants row"
        ))
    })?;
    let scope = GrantRef::from_stored(&row.text("scope_kind")?, row.int("scope_id")?)?;
    let (resolved, scope_name) = resolve_scope(conn, scope).await?;
    Ok(StoredGrant {
        id: row.int("id")?,
        role,
        scope,
        grant: Grant {
            role,
            scope: resolved,
        },
        scope_name,
    })
}

pub(crate) async fn load_grants(
    conn: &mut Conn<'_>,
    staff_id: StaffId,
) -> Result<Vec<StoredGrant>> {
    let rows = conn
        .fetch_all(
            "SELECT id, role, scope_kind, scope_id FROM grants WHERE staff_id = $1 ORDER BY id",
            args![staff_id],
        )
        .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in &rows {
        grants.push(grant_from_row(conn, row).await?);
    }
    Ok(grants)
}

impl Db {
    /// Grants a role on a scope. The separation rules of `jiyue_auth::check_grant` are checked
    /// inside the transaction, so two concurrent grants cannot together break them.
    pub async fn add_grant(
        &self,
        staff_id: StaffId,
        role: Role,
        scope: GrantRef,
        granted_by: Option<StaffId>,
    ) -> Result<i64> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        if tx.conn().is_pg() {
            // Serializes grants to one account, so the separation check reads every earlier grant.
            tx.conn()
                .execute(
                    "SELECT id FROM staff WHERE id = $1 FOR UPDATE",
                    args![staff_id],
                )
                .await?;
        }
        super::find_staff(&mut tx.conn(), staff_id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("staff account {staff_id} not found")))?;
        let held: Vec<Grant> = load_grants(&mut tx.conn(), staff_id)
            .await?
            .into_iter()
            .map(|stored| stored.grant)
            .collect();
        let (resolved, _) = resolve_scope(&mut tx.conn(), scope).await?;
        let new = Grant {
            role,
            scope: resolved,
        };
        check_grant(&held, &new).map_err(|error| DbError::Conflict(error.to_string()))?;
        let row = tx
            .conn()
            .fetch_one(
                "INSERT INTO grants (staff_id, role, scope_kind, scope_id, granted_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                args![staff_id, role.as_str(), scope.kind(), scope.id(), granted_by, now],
            )
            .await?;
        tx.commit().await?;
        row.int("id")
    }

    /// Removes one grant of an account; returns false when it did not exist.
    pub async fn remove_grant(&self, staff_id: StaffId, grant_id: i64) -> Result<bool> {
        let mut tx = self.begin().await?;
        let removed = tx
            .conn()
            .execute(
                "DELETE FROM grants WHERE id = $1 AND staff_id = $2",
                args![grant_id, staff_id],
            )
            .await?;
        tx.commit().await?;
        Ok(removed == 1)
    }

    /// Returns the grants of an account, resolved.
    pub async fn staff_grants(&self, staff_id: StaffId) -> Result<Vec<StoredGrant>> {
        let mut handle = self.reader().await?;
        load_grants(&mut handle.conn(), staff_id).await
    }

    /// Counts the enabled accounts that hold a role anywhere.
    pub async fn count_role_holders(&self, role: Role) -> Result<i64> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_one(
                "SELECT COUNT(DISTINCT g.staff_id) AS n FROM grants g JOIN staff s ON s.id = g.staff_id \
                 WHERE g.role = $1 AND s.disabled = $2",
                args![role.as_str(), false],
            )
            .await?;
        row.int("n")
    }

    /// Returns the authorization target of a site.
    pub async fn site_target(&self, site_id: SiteId) -> Result<Option<Target>> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT o.path FROM sites s JOIN organizations o ON o.id = s.org_id WHERE s.id = $1",
                args![site_id],
            )
            .await?;
        row.map(|row| {
            Ok(Target::Site {
                id: site_id,
                org_path: row.text("path")?,
            })
        })
        .transpose()
    }

    /// Returns the authorization target of a column.
    pub async fn column_target(&self, column_id: ColumnId) -> Result<Option<Target>> {
        let mut handle = self.reader().await?;
        column_target(&mut handle.conn(), column_id).await
    }

    /// Returns the authorization target of an item: its home column.
    pub async fn item_target(&self, item_id: ItemId) -> Result<Option<Target>> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT column_id FROM placements WHERE item_id = $1 AND is_home = $2",
                args![item_id, true],
            )
            .await?;
        match row {
            Some(row) => column_target(&mut handle.conn(), row.int("column_id")?).await,
            None => Ok(None),
        }
    }
}

pub(crate) async fn column_target(
    conn: &mut Conn<'_>,
    column_id: ColumnId,
) -> Result<Option<Target>> {
    let row = conn
        .fetch_optional(
            "SELECT c.site_id, c.path, o.path AS org_path FROM columns c \
             JOIN sites s ON s.id = c.site_id JOIN organizations o ON o.id = s.org_id \
             WHERE c.id = $1",
            args![column_id],
        )
        .await?;
    row.map(|row| {
        Ok(Target::Column {
            id: column_id,
            site_id: row.int("site_id")?,
            path: row.text("path")?,
            org_path: row.text("org_path")?,
        })
    })
    .transpose()
}
