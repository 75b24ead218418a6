//! The provider's stored state: registered clients, authorization codes, access and refresh
//! tokens, and the keys that sign ID tokens.
//!
//! Codes and tokens are stored by the digest of their value. A code works once; using it a
//! second time revokes everything issued from it. A refresh token is rotated on use, and a
//! used one presented again revokes its whole family, so a stolen token stops working as soon
//! as either holder uses it.

use chrono::{DateTime, Utc};

use super::{CitizenId, Db};
use crate::error::{DbError, Result};
use crate::sql::{args, micros, Row};

/// A relying party an operator registered.
#[derive(Clone)]
pub struct OidcClient {
    pub client_id: String,
    pub name: String,
    /// The Argon2id hash of the client secret; `None` for a public client.
    pub secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_uris: Vec<String>,
    pub disabled: bool,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcClient")
            .field("client_id", &self.client_id)
            .field("redirect_uris", &self.redirect_uris)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// What a stored grant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantKind {
    Code,
    Access,
    Refresh,
}

impl GrantKind {
    fn as_str(self) -> &'static str {
        match self {
            GrantKind::Code => "code",
            GrantKind::Access => "access",
            GrantKind::Refresh => "refresh",
        }
    }
}

/// A code or token to store.
#[derive(Debug, Clone)]
pub struct NewGrant {
    pub kind: GrantKind,
    pub client_id: String,
    pub citizen_id: CitizenId,
    pub sid: String,
    pub scope: String,
    pub redirect_uri: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: DateTime<Utc>,
    /// Codes and tokens issued from one authorization share a family.
    pub family: String,
    pub expires_at: DateTime<Utc>,
}

/// A stored code or token that is still usable.
#[derive(Debug, Clone)]
pub struct Grant {
    pub kind: GrantKind,
    pub client_id: String,
    pub citizen_id: CitizenId,
    pub sid: String,
    pub scope: String,
    pub redirect_uri: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: DateTime<Utc>,
    pub family: String,
    pub expires_at: DateTime<Utc>,
}

/// A signing key as stored: sealed with the personal-data key.
#[derive(Clone)]
pub struct StoredKey {
    pub kid: String,
    pub sealed_key: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

const GRANT_COLUMNS: &str = "token_kind, client_id, citizen_id, sid, scope, redirect_uri, \
     nonce, code_challenge, auth_time, family, expires_at";

fn grant_from_row(row: &Row) -> Result<Grant> {
    let kind = match row.text("token_kind")?.as_str() {
        "code" => GrantKind::Code,
        "access" => GrantKind::Access,
        _ => GrantKind::Refresh,
    };
    Ok(Grant {
        kind,
        client_id: row.text("client_id")?,
        citizen_id: row.int("citizen_id")?,
        sid: row.text("sid")?,
        scope: row.text("scope")?,
        redirect_uri: row.opt_text("redirect_uri")?,
        nonce: row.opt_text("nonce")?,
        code_challenge: row.opt_text("code_challenge")?,
        auth_time: row.time("auth_time")?,
        family: row.text("family")?,
        expires_at: row.time("expires_at")?,
    })
}

fn client_from_row(row: &Row) -> Result<OidcClient> {
    Ok(OidcClient {
        client_id: row.text("client_id")?,
        name: row.text("name")?,
        secret_hash: row.opt_text("secret_hash")?,
        redirect_uris: lines(&row.text("redirect_uris")?),
        post_logout_uris: lines(&row.text("post_logout_uris")?),
        disabled: row.opt_int("disabled_at")?.is_some(),
    })
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

impl Db {
    /// Registers a client or replaces its settings (the secret is kept when `secret_hash` is
    /// `None` and the client exists).
    pub async fn save_oidc_client(&self, client: &OidcClient) -> Result<()> {
        if client.redirect_uris.is_empty() {
            return Err(DbError::Invalid(format!(
                "client {} needs at least one redirect URI",
                client.client_id
            )));
        }
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO oidc_clients (client_id, name, secret_hash, redirect_uris, \
                 post_logout_uris, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, \
                 secret_hash = COALESCE(excluded.secret_hash, oidc_clients.secret_hash), \
                 redirect_uris = excluded.redirect_uris, \
                 post_logout_uris = excluded.post_logout_uris, \
                 disabled_at = excluded.disabled_at",
                args![
                    client.client_id.as_str(),
                    client.name.as_str(),
                    client.secret_hash.clone(),
                    client.redirect_uris.join("\n"),
                    client.post_logout_uris.join("\n"),
                    now,
                    client.disabled.then_some(now)
                ],
            )
            .await?;
        tx.commit().await
    }

    /// Finds a registered client.
    pub async fn oidc_client(&self, client_id: &str) -> Result<Option<OidcClient>> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT client_id, name, secret_hash, redirect_uris, post_logout_uris, \
                 disabled_at FROM oidc_clients WHERE client_id = $1",
                args![client_id],
            )
            .await?;
        row.as_ref().map(client_from_row).transpose()
    }

    /// Returns every registered client, by id.
    pub async fn oidc_clients(&self) -> Result<Vec<OidcClient>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT client_id, name, secret_hash, redirect_uris, post_logout_uris, \
                 disabled_at FROM oidc_clients ORDER BY client_id",
                args![],
            )
            .await?;
        rows.iter().map(client_from_row).collect()
    }

    /// Returns the client a code or token was issued to, whatever its state.
    pub async fn grant_client(&self, token_digest: &str) -> Result<Option<String>> {
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT client_id FROM oidc_grants WHERE token_digest = $1",
                args![token_digest],
            )
            .await?;
        row.map(|row| row.text("client_id")).transpose()
    }

    /// Stores a code or token by the digest of its value.
    pub async fn store_grant(&self, token_digest: &str, grant: &NewGrant) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO oidc_grants (token_digest, token_kind, client_id, citizen_id, sid, \
                 scope, redirect_uri, nonce, code_challenge, auth_time, family, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                args![
                    token_digest,
                    grant.kind.as_str(),
                    grant.client_id.as_str(),
                    grant.citizen_id,
                    grant.sid.as_str(),
                    grant.scope.as_str(),
                    grant.redirect_uri.clone(),
                    grant.nonce.clone(),
                    grant.code_challenge.clone(),
                    micros(grant.auth_time),
                    grant.family.as_str(),
                    now,
                    micros(grant.expires_at)
                ],
            )
            .await?;
        tx.commit().await
    }

    /// Uses a single-use code or refresh token: returns it and marks it used. A token that
    /// was already used revokes its whole family and returns `None`, as does an expired or
    /// revoked one.
    pub async fn use_grant(&self, token_digest: &str, kind: GrantKind) -> Result<Option<Grant>> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        // One statement marks and returns the grant, so two nodes racing for the same code
        // cannot both win.
        let sql = format!(
            "UPDATE oidc_grants SET used_at = $1 WHERE token_digest = $2 AND token_kind = $3 \
             AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
             RETURNING {GRANT_COLUMNS}"
        );
        let row = tx
            .conn()
            .fetch_optional(&sql, args![now, token_digest, kind.as_str()])
            .await?;
        if let Some(row) = row {
            let grant = grant_from_row(&row)?;
            tx.commit().await?;
            return Ok(Some(grant));
        }
        let replayed = tx
            .conn()
            .fetch_optional(
                "SELECT family, client_id FROM oidc_grants \
                 WHERE token_digest = $1 AND token_kind = $2 AND used_at IS NOT NULL",
                args![token_digest, kind.as_str()],
            )
            .await?;
        if let Some(row) = replayed {
            tx.conn()
                .execute(
                    "UPDATE oidc_grants SET revoked_at = $1 \
                     WHERE family = $2 AND revoked_at IS NULL",
                    args![now, row.text("family")?],
                )
                .await?;
            tx.commit().await?;
            tracing::warn!(
                client = row.text("client_id")?,
                "a used code or refresh token was presented again; its family is revoked"
            );
        }
        Ok(None)
    }

    /// Finds a live access token.
    pub async fn access_grant(&self, token_digest: &str) -> Result<Option<Grant>> {
        let now = micros(self.now());
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM oidc_grants WHERE token_digest = $1 \
             AND token_kind = 'access' AND revoked_at IS NULL AND expires_at > $2"
        );
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(&sql, args![token_digest, now])
            .await?;
        row.as_ref().map(grant_from_row).transpose()
    }

    /// Revokes a token and, for a refresh token, its family; returns true when one was live.
    pub async fn revoke_grant(&self, token_digest: &str) -> Result<bool> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                "SELECT token_kind, family FROM oidc_grants WHERE token_digest = $1",
                args![token_digest],
            )
            .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let revoked = if row.text("token_kind")? == "refresh" {
            tx.conn()
                .execute(
                    "UPDATE oidc_grants SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL",
                    args![now, row.text("family")?],
                )
                .await?
        } else {
            tx.conn()
                .execute(
                    "UPDATE oidc_grants SET revoked_at = $1 \
                     WHERE token_digest = $2 AND revoked_at IS NULL",
                    args![now, token_digest],
                )
                .await?
        };
        tx.commit().await?;
        Ok(revoked > 0)
    }

    /// Deletes codes and tokens that expired more than a day ago; returns how many.
    pub async fn prune_grants(&self) -> Result<u64> {
        let before = micros(self.now() - chrono::Duration::days(1));
        let mut tx = self.begin().await?;
        let removed = tx
            .conn()
            .execute(
                "DELETE FROM oidc_grants WHERE expires_at < $1",
                args![before],
            )
            .await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// Returns the signing keys, newest first.
    pub async fn oidc_keys(&self) -> Result<Vec<StoredKey>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT kid, sealed_key, created_at, retired_at FROM oidc_keys \
                 ORDER BY created_at DESC, kid",
                args![],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredKey {
                    kid: row.text("kid")?,
                    sealed_key: row.text("sealed_key")?,
                    created_at: row.time("created_at")?,
                    retired_at: row.opt_time("retired_at")?,
                })
            })
            .collect()
    }

    /// Adds a signing key; it signs from now on. Other keys are retired when `retire_others`.
    pub async fn add_oidc_key(
        &self,
        kid: &str,
        sealed_key: &str,
        retire_others: bool,
    ) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        if retire_others {
            tx.conn()
                .execute(
                    "UPDATE oidc_keys SET retired_at = $1 WHERE retired_at IS NULL AND kid <> $2",
                    args![now, kid],
                )
                .await?;
        }
        tx.conn()
            .execute(
                "INSERT INTO oidc_keys (kid, sealed_key, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (kid) DO NOTHING",
                args![kid, sealed_key, now],
            )
            .await?;
        tx.commit().await
    }
}
