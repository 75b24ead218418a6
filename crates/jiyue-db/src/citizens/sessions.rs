//! Citizen sessions: the sign-in session on the identity host, the sessions of each site
//! (every site is a relying party), and sign-ins in progress at a site.
//!
//! A session row holds the digest of its token, never the token. The identity session's
//! `sid` is copied into every site session and grant made under it, so ending it (global
//! sign-out) ends all of them in one transaction, on every node.

use chrono::{DateTime, Duration, Utc};

use super::{CitizenId, Db};
use crate::error::Result;
use crate::sql::{args, micros, Row};

/// A sign-in session on the identity host.
#[derive(Clone)]
pub struct IdSession {
    pub sid: String,
    pub citizen_id: CitizenId,
    pub csrf_token: String,
    /// How the citizen proved who they are, comma-separated (`sms`, `pwd`, `email`, `fed`).
    pub methods: String,
    pub auth_time: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for IdSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdSession")
            .field("citizen_id", &self.citizen_id)
            .field("methods", &self.methods)
            .finish_non_exhaustive()
    }
}

/// A session of one site.
#[derive(Clone)]
pub struct SiteSession {
    pub host: String,
    pub sid: String,
    pub citizen_id: CitizenId,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for SiteSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteSession")
            .field("host", &self.host)
            .field("citizen_id", &self.citizen_id)
            .finish_non_exhaustive()
    }
}

/// A sign-in a relying party started and the provider has not yet answered.
#[derive(Clone)]
pub struct SignInRequest {
    pub host: String,
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// The local path to return to afterwards.
    pub return_to: String,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("host", &self.host)
            .field("return_to", &self.return_to)
            .finish_non_exhaustive()
    }
}

fn id_session_from_row(row: &Row) -> Result<IdSession> {
    Ok(IdSession {
        sid: row.text("sid")?,
        citizen_id: row.int("citizen_id")?,
        csrf_token: row.text("csrf_token")?,
        methods: row.text("methods")?,
        auth_time: row.time("auth_time")?,
        expires_at: row.time("expires_at")?,
    })
}

impl Db {
    /// Opens a sign-in session on the identity host. `replaces`, when given, is revoked in
    /// the same transaction, so signing in always renews the token.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_id_session(
        &self,
        token_digest: &str,
        sid: &str,
        citizen_id: CitizenId,
        csrf_token: &str,
        methods: &str,
        lifetime: Duration,
        replaces: Option<&str>,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        if let Some(old) = replaces {
            tx.conn()
                .execute(
                    "UPDATE id_sessions SET revoked_at = $1 \
                     WHERE token_digest = $2 AND revoked_at IS NULL",
                    args![micros(now), old],
                )
                .await?;
        }
        tx.conn()
            .execute(
                "INSERT INTO id_sessions (token_digest, sid, citizen_id, csrf_token, methods, \
                 auth_time, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
                args![
                    token_digest,
                    sid,
                    citizen_id,
                    csrf_token,
                    methods,
                    micros(now),
                    micros(now + lifetime)
                ],
            )
            .await?;
        tx.commit().await
    }

    /// Finds a live identity session by the digest of its token.
    pub async fn id_session(&self, token_digest: &str) -> Result<Option<IdSession>> {
        let now = micros(self.now());
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT sid, citizen_id, csrf_token, methods, auth_time, expires_at \
                 FROM id_sessions \
                 WHERE token_digest = $1 AND revoked_at IS NULL AND expires_at > $2",
                args![token_digest, now],
            )
            .await?;
        row.as_ref().map(id_session_from_row).transpose()
    }

    /// Returns true while the identity session `sid` is live.
    pub async fn sid_is_live(&self, sid: &str) -> Result<bool> {
        let now = micros(self.now());
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT 1 AS live FROM id_sessions \
                 WHERE sid = $1 AND revoked_at IS NULL AND expires_at > $2",
                args![sid, now],
            )
            .await?;
        Ok(row.is_some())
    }

    /// Ends the identity session `sid` and everything made under it: the sessions of every
    /// site and every code and token issued to a client. Returns how many rows were ended.
    pub async fn end_sid(&self, sid: &str) -> Result<u64> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut ended = 0;
        for table in ["id_sessions", "site_sessions", "oidc_grants"] {
            let sql =
                format!("UPDATE {table} SET revoked_at = $1 WHERE sid = $2 AND revoked_at IS NULL");
            ended += tx.conn().execute(&sql, args![now, sid]).await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// Ends every session and token of an account, as after a password reset.
    pub async fn end_citizen_sessions(&self, citizen_id: CitizenId) -> Result<u64> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut ended = 0;
        for table in ["id_sessions", "site_sessions", "oidc_grants"] {
            let sql = format!(
                "UPDATE {table} SET revoked_at = $1 WHERE citizen_id = $2 AND revoked_at IS NULL"
            );
            ended += tx.conn().execute(&sql, args![now, citizen_id]).await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// Opens a session of one site for a citizen signed in at the provider under `sid`.
    pub async fn create_site_session(
        &self,
        token_digest: &str,
        host: &str,
        sid: &str,
        citizen_id: CitizenId,
        csrf_token: &str,
        lifetime: Duration,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO site_sessions (token_digest, host, sid, citizen_id, csrf_token, \
                 created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
                args![
                    token_digest,
                    host,
                    sid,
                    citizen_id,
                    csrf_token,
                    micros(now),
                    micros(now + lifetime)
                ],
            )
            .await?;
        tx.commit().await
    }

    /// Finds a live session of the site on `host` by the digest of its token.
    pub async fn site_session(
        &self,
        token_digest: &str,
        host: &str,
    ) -> Result<Option<SiteSession>> {
        let now = micros(self.now());
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT host, sid, citizen_id, csrf_token, expires_at FROM site_sessions \
                 WHERE token_digest = $1 AND host = $2 AND revoked_at IS NULL AND expires_at > $3",
                args![token_digest, host, now],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(SiteSession {
            host: row.text("host")?,
            sid: row.text("sid")?,
            citizen_id: row.int("citizen_id")?,
            csrf_token: row.text("csrf_token")?,
            expires_at: row.time("expires_at")?,
        }))
    }

    /// Stores a sign-in a site started, keyed by the digest of its `state`.
    pub async fn create_sign_in_request(
        &self,
        state_digest: &str,
        request: &SignInRequest,
        lifetime: Duration,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO sign_in_requests (state_digest, host, nonce, verifier, return_to, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    state_digest,
                    request.host.as_str(),
                    request.nonce.as_str(),
                    request.verifier.as_str(),
                    request.return_to.as_str(),
                    micros(now),
                    micros(now + lifetime)
                ],
            )
            .await?;
        tx.conn()
            .execute(
                "DELETE FROM sign_in_requests WHERE expires_at < $1",
                args![micros(now - Duration::days(1))],
            )
            .await?;
        tx.commit().await
    }

    /// Takes a stored sign-in by its state digest and host: it works once, before it expires.
    pub async fn take_sign_in_request(
        &self,
        state_digest: &str,
        host: &str,
    ) -> Result<Option<SignInRequest>> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                "UPDATE sign_in_requests SET used_at = $1 \
                 WHERE state_digest = $2 AND host = $3 AND used_at IS NULL AND expires_at > $1 \
                 RETURNING host, nonce, verifier, return_to",
                args![now, state_digest, host],
            )
            .await?;
        let request = match row {
            Some(row) => Some(SignInRequest {
                host: row.text("host")?,
                nonce: row.text("nonce")?,
                verifier: row.text("verifier")?,
                return_to: row.text("return_to")?,
            }),
            None => None,
        };
        tx.commit().await?;
        Ok(request)
    }
}
