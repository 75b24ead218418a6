//! Citizen accounts: one account for every site of the platform, for people and businesses.
//!
//! Personal data arrives sealed: the caller encrypts mobile numbers, e-mail addresses, names,
//! identity numbers and addresses with the personal-data cipher and passes the sealed text
//! with its lookup digest (`SealedValue`). This module never receives a plain value, so neither
//! a copy of the database nor a storage log contains one.

mod codes;
mod oidc;
mod rate;
mod sessions;

use chrono::{DateTime, Utc};

pub use codes::{CodeCheck, CodePurpose, LinkUse};
pub use oidc::{Grant, GrantKind, NewGrant, OidcClient, StoredKey};
pub use rate::RateWindow;
pub use sessions::{IdSession, SignInRequest, SiteSession};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{args, micros, Row};

/// The row id of a citizen account.
pub type CitizenId = i64;

/// The kind of account holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitizenKind {
    /// A natural person (自然人).
    Person,
    /// A business or other legal person (法人).
    Business,
}

impl CitizenKind {
    /// Returns the stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            CitizenKind::Person => "person",
            CitizenKind::Business => "business",
        }
    }

    /// Parses the stored form.
    pub fn parse(text: &str) -> Option<CitizenKind> {
        match text {
            "person" => Some(CitizenKind::Person),
            "business" => Some(CitizenKind::Business),
            _ => None,
        }
    }
}

/// The assurance level of the holder's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Assurance {
    /// Only a mobile number or e-mail address was proven.
    Unverified,
    /// An upstream identity provider verified the holder's identity.
    Verified,
}

impl Assurance {
    /// Returns the stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Assurance::Unverified => "unverified",
            Assurance::Verified => "verified",
        }
    }

    fn parse(text: &str) -> Assurance {
        match text {
            "verified" => Assurance::Verified,
            _ => Assurance::Unverified,
        }
    }
}

/// A personal value sealed by the caller, with the digest that finds it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedValue {
    /// The sealed text (`v1.<key>.<nonce>.<ciphertext>`).
    pub sealed: String,
    /// The keyed lookup digest of the normalized value.
    pub index: String,
}

impl std::fmt::Debug for SealedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealedValue(..)")
    }
}

/// A stored citizen account. Personal fields are sealed text.
#[derive(Clone)]
pub struct Citizen {
    pub id: CitizenId,
    pub kind: CitizenKind,
    /// The name the citizen chose to be shown by; not a verified legal name.
    pub display_name: String,
    pub mobile_sealed: Option<String>,
    pub email_sealed: Option<String>,
    pub email_verified: bool,
    pub real_name_sealed: Option<String>,
    pub id_number_sealed: Option<String>,
    pub address_sealed: Option<String>,
    /// The registered name of a business account.
    pub business_name: Option<String>,
    /// The unified social credit code of a business account.
    pub credit_code: Option<String>,
    pub has_password: bool,
    pub assurance: Assurance,
    /// The upstream provider that verified the holder, when one did.
    pub assurance_source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Citizen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Citizen")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("assurance", &self.assurance)
            .finish_non_exhaustive()
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewCitizen {
    pub kind: CitizenKind,
    pub display_name: String,
    pub mobile: Option<SealedValue>,
    pub email: Option<SealedValue>,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub business_name: Option<String>,
    pub credit_code: Option<String>,
    /// The upstream account the new account is linked to, for accounts made at a federated
    /// sign-in: the issuer URL and the subject there.
    pub upstream: Option<(String, String)>,
}

/// The profile fields the holder may change. `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub display_name: Option<String>,
    /// `Some(None)` removes the address.
    pub address_sealed: Option<Option<String>>,
    pub business_name: Option<Option<String>>,
    pub credit_code: Option<Option<String>>,
}

/// Identity facts an upstream provider vouched for.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The upstream issuer URL.
    pub source: String,
    pub real_name_sealed: Option<String>,
    pub id_number: Option<SealedValue>,
}

/// Maximum length of a display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 40;

const CITIZEN_COLUMNS: &str = "id, kind, display_name, mobile_sealed, email_sealed, \
     email_verified, real_name_sealed, id_number_sealed, address_sealed, business_name, \
     credit_code, password_hash, assurance, assurance_source, created_at, last_sign_in_at";

fn citizen_from_row(row: &Row) -> Result<Citizen> {
    let kind_text = row.text("kind")?;
    let kind = CitizenKind::parse(&kind_text).ok_or_else(|| {
        DbError::Invalid(format!(
            "stored citizen kind {kind_text:?} is unknown; repair the row"
        ))
    })?;
    Ok(Citizen {
        id: row.int("id")?,
        kind,
        display_name: row.text("display_name")?,
        mobile_sealed: row.opt_text("mobile_sealed")?,
        email_sealed: row.opt_text("email_sealed")?,
        email_verified: row.flag("email_verified")?,
        real_name_sealed: row.opt_text("real_name_sealed")?,
        id_number_sealed: row.opt_text("id_number_sealed")?,
        address_sealed: row.opt_text("address_sealed")?,
        business_name: row.opt_text("business_name")?,
        credit_code: row.opt_text("credit_code")?,
        has_password: row.opt_text("password_hash")?.is_some(),
        assurance: Assurance::parse(&row.text("assurance")?),
        assurance_source: row.opt_text("assurance_source")?,
        created_at: row.time("created_at")?,
        last_sign_in_at: row.opt_time("last_sign_in_at")?,
    })
}

fn check_display_name(name: &str) -> Result<String> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_DISPLAY_NAME_CHARS {
        return Err(DbError::Invalid(format!(
            "称呼须为 1 至 {MAX_DISPLAY_NAME_CHARS} 个字符，当前为 {chars} 个；请修改后重试"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(DbError::Invalid(
            "称呼不能包含控制字符；请删去后重试".to_string(),
        ));
    }
    Ok(name.to_string())
}

/// Maps a unique-index clash to a conflict that names the field, never the value.
fn clash(error: DbError, field: &str) -> DbError {
    match error {
        DbError::Sqlx(sqlx::Error::Database(ref db)) if db.is_unique_violation() => {
            DbError::Conflict(format!("{field} is already used by another account"))
        }
        other => other,
    }
}

impl Db {
    /// Creates an account. A mobile number or e-mail address already on another account is
    /// a conflict; callers that must not reveal registrations look the value up first.
    pub async fn create_citizen(&self, citizen: NewCitizen) -> Result<CitizenId> {
        let display_name = check_display_name(&citizen.display_name)?;
        if citizen.mobile.is_none() && citizen.email.is_none() && citizen.upstream.is_none() {
            return Err(DbError::Invalid(
                "an account needs a mobile number, an e-mail address or an upstream account"
                    .to_string(),
            ));
        }
        let now = micros(self.now());
        let (mobile_sealed, mobile_index) = split(citizen.mobile);
        let (email_sealed, email_index) = split(citizen.email);
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_one(
                "INSERT INTO citizens (kind, display_name, mobile_sealed, mobile_index, \
                 email_sealed, email_index, email_verified, password_hash, business_name, \
                 credit_code, assurance, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'unverified', $11, $11) \
                 RETURNING id",
                args![
                    citizen.kind.as_str(),
                    display_name,
                    mobile_sealed,
                    mobile_index,
                    email_sealed,
                    email_index,
                    citizen.email_verified,
                    citizen.password_hash,
                    citizen.business_name,
                    citizen.credit_code,
                    now
                ],
            )
            .await
            .map_err(|error| clash(error, "the mobile number or e-mail address"))?;
        let id = row.int("id")?;
        if let Some((issuer, subject)) = &citizen.upstream {
            tx.conn()
                .execute(
                    "INSERT INTO citizen_links (issuer, subject, citizen_id, linked_at) \
                     VALUES ($1, $2, $3, $4)",
                    args![issuer.as_str(), subject.as_str(), id, now],
                )
                .await
                .map_err(|error| clash(error, "the upstream account"))?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Finds an account by id.
    pub async fn citizen(&self, id: CitizenId) -> Result<Option<Citizen>> {
        self.citizen_where("id = $1", args![id]).await
    }

    /// Finds an account by the lookup digest of its mobile number.
    pub async fn citizen_by_mobile(&self, index: &str) -> Result<Option<Citizen>> {
        self.citizen_where("mobile_index = $1", args![index]).await
    }

    /// Finds an account by the lookup digest of its e-mail address.
    pub async fn citizen_by_email(&self, index: &str) -> Result<Option<Citizen>> {
        self.citizen_where("email_index = $1", args![index]).await
    }

    /// Finds the account linked to an upstream provider's subject.
    pub async fn citizen_by_link(&self, issuer: &str, subject: &str) -> Result<Option<Citizen>> {
        self.citizen_where(
            "id = (SELECT citizen_id FROM citizen_links WHERE issuer = $1 AND subject = $2)",
            args![issuer, subject],
        )
        .await
    }

    async fn citizen_where(
        &self,
        condition: &str,
        values: Vec<crate::sql::Arg>,
    ) -> Result<Option<Citizen>> {
        let sql = format!("SELECT {CITIZEN_COLUMNS} FROM citizens WHERE {condition}");
        let mut handle = self.reader().await?;
        let row = handle.conn().fetch_optional(&sql, values).await?;
        row.as_ref().map(citizen_from_row).transpose()
    }

    /// Returns the stored password hash of an account, when it has one.
    pub async fn citizen_password_hash(&self, id: CitizenId) -> Result<Option<String>> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT password_hash FROM citizens WHERE id = $1",
                args![id],
            )
            .await?;
        Ok(row
            .map(|row| row.opt_text("password_hash"))
            .transpose()?
            .flatten())
    }

    /// Links an upstream provider's subject to an account.
    pub async fn link_citizen(&self, id: CitizenId, issuer: &str, subject: &str) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO citizen_links (issuer, subject, citizen_id, linked_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, subject) DO NOTHING",
                args![issuer, subject, id, now],
            )
            .await?;
        tx.commit().await
    }

    /// Changes profile fields.
    pub async fn update_citizen_profile(&self, id: CitizenId, change: ProfileChange) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        if let Some(name) = change.display_name {
            let name = check_display_name(&name)?;
            tx.conn()
                .execute(
                    "UPDATE citizens SET display_name = $1 WHERE id = $2",
                    args![name, id],
                )
                .await?;
        }
        let optional = [
            ("address_sealed", change.address_sealed),
            ("business_name", change.business_name),
            ("credit_code", change.credit_code),
        ];
        for (column, value) in optional {
            if let Some(value) = value {
                let sql = format!("UPDATE citizens SET {column} = $1 WHERE id = $2");
                tx.conn().execute(&sql, args![value, id]).await?;
            }
        }
        let updated = tx
            .conn()
            .execute(
                "UPDATE citizens SET updated_at = $1 WHERE id = $2",
                args![now, id],
            )
            .await?;
        if updated == 0 {
            return Err(DbError::NotFound(format!(
                "citizen account {id} does not exist"
            )));
        }
        tx.commit().await
    }

    /// Sets or replaces the mobile number.
    pub async fn set_citizen_mobile(&self, id: CitizenId, mobile: SealedValue) -> Result<()> {
        self.update_citizen(
            id,
            "mobile_sealed = $1, mobile_index = $2",
            args![mobile.sealed, mobile.index],
            "the mobile number",
        )
        .await
    }

    /// Sets or replaces the e-mail address.
    pub async fn set_citizen_email(
        &self,
        id: CitizenId,
        email: SealedValue,
        verified: bool,
    ) -> Result<()> {
        self.update_citizen(
            id,
            "email_sealed = $1, email_index = $2, email_verified = $3",
            args![email.sealed, email.index, verified],
            "the e-mail address",
        )
        .await
    }

    /// Sets the password hash (Argon2id, made by the caller).
    pub async fn set_citizen_password(&self, id: CitizenId, hash: &str) -> Result<()> {
        self.update_citizen(id, "password_hash = $1", args![hash], "the password")
            .await
    }

    /// Records identity facts an upstream provider vouched for and raises the assurance.
    pub async fn verify_citizen(&self, id: CitizenId, verification: Verification) -> Result<()> {
        let (id_sealed, id_index) = split(verification.id_number);
        self.update_citizen(
            id,
            "assurance = 'verified', assurance_source = $1, \
             real_name_sealed = COALESCE($2, real_name_sealed), \
             id_number_sealed = COALESCE($3, id_number_sealed), \
             id_number_index = COALESCE($4, id_number_index)",
            args![
                verification.source,
                verification.real_name_sealed,
                id_sealed,
                id_index
            ],
            "the identity number",
        )
        .await
    }

    /// Records a successful sign-in.
    pub async fn note_citizen_sign_in(&self, id: CitizenId) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "UPDATE citizens SET last_sign_in_at = $1 WHERE id = $2",
                args![now, id],
            )
            .await?;
        tx.commit().await
    }

    async fn update_citizen(
        &self,
        id: CitizenId,
        assignments: &str,
        mut values: Vec<crate::sql::Arg>,
        field: &str,
    ) -> Result<()> {
        let now = micros(self.now());
        let next = values.len() + 1;
        let sql = format!(
            "UPDATE citizens SET {assignments}, updated_at = ${next} WHERE id = ${}",
            next + 1
        );
        values.push(now.into());
        values.push(id.into());
        let mut tx = self.begin().await?;
        let updated = tx
            .conn()
            .execute(&sql, values)
            .await
            .map_err(|error| clash(error, field))?;
        if updated == 0 {
            return Err(DbError::NotFound(format!(
                "citizen account {id} does not exist"
            )));
        }
        tx.commit().await
    }

    /// Deletes an account and every piece of personal data stored with it: sessions,
    /// tokens, links and pending codes go; the caller blanks the contact fields of the
    /// account's cases in the same request. Returns false when the account did not exist.
    pub async fn delete_citizen(&self, id: CitizenId) -> Result<bool> {
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                "SELECT mobile_index, email_index FROM citizens WHERE id = $1",
                args![id],
            )
            .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        for target in [row.opt_text("mobile_index")?, row.opt_text("email_index")?]
            .into_iter()
            .flatten()
        {
            tx.conn()
                .execute("DELETE FROM citizen_codes WHERE target = $1", args![target])
                .await?;
        }
        for table in [
            "id_sessions",
            "site_sessions",
            "oidc_grants",
            "citizen_links",
        ] {
            let sql = format!("DELETE FROM {table} WHERE citizen_id = $1");
            tx.conn().execute(&sql, args![id]).await?;
        }
        tx.conn()
            .execute("DELETE FROM citizens WHERE id = $1", args![id])
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn split(value: Option<SealedValue>) -> (Option<String>, Option<String>) {
    match value {
        Some(value) => (Some(value.sealed), Some(value.index)),
        None => (None, None),
    }
}
