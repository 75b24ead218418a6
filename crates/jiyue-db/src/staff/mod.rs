//! Staff accounts of the admin interface: the account rows, their role grants, and the
//! targets that authorization decisions are made on. Sessions and sign-in failure counters
//! live in the `sessions` module beside this one.

mod grants;
mod sessions;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::OrgId;
use crate::sql::{args, micros, Conn, Row};

pub use grants::{GrantRef, StoredGrant};
pub use sessions::{Session, SessionStage};

/// Row id of a staff account.
pub type StaffId = i64;

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Sign-in name; stored trimmed and in lowercase.
    pub username: String,
    pub display_name: String,
    /// The organization the person works for, when they belong to one.
    pub org_id: Option<OrgId>,
    /// The PHC string of the password hash.
    pub password_hash: String,
}

/// The second factor a staff account has enrolled.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredFactor {
    /// `totp` or `certificate_key`.
    pub kind: String,
    pub secret: String,
    pub last_used: Option<i64>,
}

impl std::fmt::Debug for StoredFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredFactor")
            .field("kind", &self.kind)
            .field("last_used", &self.last_used)
            .finish_non_exhaustive()
    }
}

/// A stored staff account.
#[derive(Clone, Serialize)]
pub struct Staff {
    pub id: StaffId,
    pub username: String,
    pub display_name: String,
    pub org_id: Option<OrgId>,
    #[serde(skip)]
    pub password_hash: String,
    pub password_changed_at: DateTime<Utc>,
    #[serde(skip)]
    pub factor: Option<StoredFactor>,
    pub disabled: bool,
    /// True when an administrator set the password, which its owner must now change.
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    /// The work address alert mail goes to, when one is set.
    pub email: Option<String>,
}

impl std::fmt::Debug for Staff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staff")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("org_id", &self.org_id)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

const STAFF_COLUMNS: &str = "id, username, display_name, org_id, password_hash, \
     password_changed_at, factor_kind, factor_secret, factor_last_used, disabled, \
     must_change_password, created_at, email";

fn staff_from_row(row: &Row) -> Result<Staff> {
    let factor = match (row.opt_text("factor_kind")?, row.opt_text("factor_secret")?) {
        (Some(kind), Some(secret)) => Some(StoredFactor {
            kind,
            secret,
            last_used: row.opt_int("factor_last_used")?,
        }),
        _ => None,
    };
    Ok(Staff {
        id: row.int("id")?,
        username: row.text("username")?,
        display_name: row.text("display_name")?,
        org_id: row.opt_int("org_id")?,
        password_hash: row.text("password_hash")?,
        password_changed_at: row.time("password_changed_at")?,
        factor,
        disabled: row.flag("disabled")?,
        must_change_password: row.flag("must_change_password")?,
        created_at: row.time("created_at")?,
        email: row.opt_text("email")?,
    })
}

/// Returns the stored form of a sign-in name: trimmed and in lowercase.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Checks a sign-in name: 2 to 64 characters of ASCII letters, digits, `.`, `_` and `-`.
pub fn check_username(username: &str) -> Result<()> {
    let name = normalize_username(username);
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if (2..=64).contains(&name.len()) && name.chars().all(allowed) {
        return Ok(());
    }
    Err(DbError::Invalid(format!(
        "user name \"{username}\" is not valid; use 2 to 64 letters, digits, dots, underscores or hyphens"
    )))
}

pub(crate) async fn find_staff(conn: &mut Conn<'_>, id: StaffId) -> Result<Option<Staff>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1");
    let row = conn.fetch_optional(&sql, args![id]).await?;
    row.as_ref().map(staff_from_row).transpose()
}

impl Db {
    /// Creates a staff account; a taken user name is a `Conflict`.
    pub async fn create_staff(&self, new: &NewStaff) -> Result<StaffId> {
        check_username(&new.username)?;
        let username = normalize_username(&new.username);
        let display_name = new.display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 64 {
            return Err(DbError::Invalid(format!(
                "display name \"{display_name}\" must have 1 to 64 characters"
            )));
        }
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let taken = tx
            .conn()
            .fetch_optional("SELECT id FROM staff WHERE username = $1", args![&username])
            .await?;
        if taken.is_some() {
            return Err(DbError::Conflict(format!(
                "user name \"{username}\" is taken; choose another"
            )));
        }
        let row = tx
            .conn()
            .fetch_one(
                "INSERT INTO staff (username, display_name, org_id, password_hash, password_changed_at, \
                 disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $5, $5) RETURNING id",
                args![&username, display_name, new.org_id, &new.password_hash, now, false],
            )
            .await?;
        tx.commit().await?;
        row.int("id")
    }

    /// Finds a staff account by its sign-in name, in any letter case.
    pub async fn staff_by_username(&self, username: &str) -> Result<Option<Staff>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE username = $1");
        let row = handle
            .conn()
            .fetch_optional(&sql, args![normalize_username(username)])
            .await?;
        row.as_ref().map(staff_from_row).transpose()
    }

    /// Finds a staff account by id.
    pub async fn staff(&self, id: StaffId) -> Result<Option<Staff>> {
        let mut handle = self.reader().await?;
        find_staff(&mut handle.conn(), id).await
    }

    /// Lists every staff account by user name.
    pub async fn list_staff(&self) -> Result<Vec<Staff>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY username");
        let rows = handle.conn().fetch_all(&sql, args![]).await?;
        rows.iter().map(staff_from_row).collect()
    }

    /// Replaces the password hash of an account, after its owner changed the password or a
    /// rehash at sign-in. `changed` is true when the password itself changed. An owner's own
    /// change also ends any demand to change it.
    pub async fn set_password_hash(&self, id: StaffId, hash: &str, changed: bool) -> Result<()> {
        let now = micros(self.now());
        let sql = if changed {
            "UPDATE staff SET password_hash = $1, password_changed_at = $2, updated_at = $2, \
             must_change_password = FALSE WHERE id = $3"
        } else {
            "UPDATE staff SET password_hash = $1, updated_at = $2 WHERE id = $3"
        };
        let mut tx = self.begin().await?;
        let updated = tx.conn().execute(sql, args![hash, now, id]).await?;
        tx.commit().await?;
        require_updated(updated, id)
    }

    /// Sets a password on an owner's behalf (a new account or a reset), which the owner must
    /// change at the next sign-in.
    pub async fn set_password_by_admin(&self, id: StaffId, hash: &str) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let updated = tx
            .conn()
            .execute(
                "UPDATE staff SET password_hash = $1, password_changed_at = $2, updated_at = $2, \
                 must_change_password = TRUE WHERE id = $3",
                args![hash, now, id],
            )
            .await?;
        tx.commit().await?;
        require_updated(updated, id)
    }

    /// Enrolls a second factor, replacing any earlier one.
    pub async fn set_factor(&self, id: StaffId, kind: &str, secret: &str) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let updated = tx
            .conn()
            .execute(
                "UPDATE staff SET factor_kind = $1, factor_secret = $2, factor_last_used = NULL, \
                 updated_at = $3 WHERE id = $4",
                args![kind, secret, now, id],
            )
            .await?;
        tx.commit().await?;
        require_updated(updated, id)
    }

    /// Removes an account's second factor, so the next sign-in enrolls a new one.
    pub async fn clear_factor(&self, id: StaffId) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let updated = tx
            .conn()
            .execute(
                "UPDATE staff SET factor_kind = NULL, factor_secret = NULL, factor_last_used = NULL, \
                 updated_at = $1 WHERE id = $2",
                args![now, id],
            )
            .await?;
        tx.commit().await?;
        require_updated(updated, id)
    }

    /// Records the step of a second-factor code as used, only when the stored value is still
    /// `previous`. Returns false when another sign-in used a code first, so two requests cannot
    /// both spend one code.
    pub async fn record_factor_use(
        &self,
        id: StaffId,
        previous: Option<i64>,
        used: i64,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let updated = match previous {
            Some(previous) => {
                tx.conn()
                    .execute(
                        "UPDATE staff SET factor_last_used = $1 WHERE id = $2 AND factor_last_used = $3",
                        args![used, id, previous],
                    )
                    .await?
            }
            None => {
                tx.conn()
                    .execute(
                        "UPDATE staff SET factor_last_used = $1 WHERE id = $2 AND factor_last_used IS NULL",
                        args![used, id],
                    )
                    .await?
            }
        };
        tx.commit().await?;
        Ok(updated == 1)
    }

    /// Disables or enables an account; disabling also revokes its sessions.
    pub async fn set_staff_disabled(&self, id: StaffId, disabled: bool) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let updated = tx
            .conn()
            .execute(
                "UPDATE staff SET disabled = $1, updated_at = $2 WHERE id = $3",
                args![disabled, now, id],
            )
            .await?;
        if disabled {
            tx.conn()
                .execute(
                    "UPDATE sessions SET revoked_at = $1 WHERE staff_id = $2 AND revoked_at IS NULL",
                    args![now, id],
                )
                .await?;
        }
        tx.commit().await?;
        require_updated(updated, id)
    }
}

fn require_updated(updated: u64, id: StaffId) -> Result<()> {
    if updated == 0 {
        return Err(DbError::NotFound(format!(
            "staff account {id} not found; check the id"
        )));
    }
    Ok(())
}
