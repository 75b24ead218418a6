//! Server-side sessions of the admin interface and the counters of failed sign-ins.
//!
//! A session row holds the SHA-256 digest of its token, never the token, so a copy of the
//! database does not let anyone sign in. Every node reads the same rows, so a revoked session
//! ends everywhere at once. Failure counters are keyed by subject (an account or an address
//! network) and lock the subject for a while once they reach the limit.

use chrono::{DateTime, Duration, Utc};

use super::StaffId;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{args, micros, Row};

/// How far a session has come through sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; the second factor is still due.
    Password,
    /// Both factors passed.
    Complete,
}

impl SessionStage {
    fn as_str(self) -> &'static str {
        match self {
            SessionStage::Password => "password",
            SessionStage::Complete => "complete",
        }
    }
}

/// A stored session.
#[derive(Clone)]
pub struct Session {
    pub token_digest: String,
    pub staff_id: StaffId,
    pub csrf_token: String,
    pub stage: SessionStage,
    pub address: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub revoked: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("staff_id", &self.staff_id)
            .field("stage", &self.stage)
            .field("last_seen_at", &self.last_seen_at)
            .field("revoked", &self.revoked)
            .finish_non_exhaustive()
    }
}

fn session_from_row(row: &Row) -> Result<Session> {
    let stage = match row.text("stage")?.as_str() {
        "complete" => SessionStage::Complete,
        _ => SessionStage::Password,
    };
    Ok(Session {
        token_digest: row.text("token_digest")?,
        staff_id: row.int("staff_id")?,
        csrf_token: row.text("csrf_token")?,
        stage,
        address: row.text("address")?,
        created_at: row.time("created_at")?,
        last_seen_at: row.time("last_seen_at")?,
        revoked: row.opt_int("revoked_at")?.is_some(),
    })
}

const SESSION_COLUMNS: &str =
    "token_digest, staff_id, csrf_token, stage, address, created_at, last_seen_at, revoked_at";

impl Db {
    /// Stores a new session. `replaces`, when given, is revoked in the same transaction, so
    /// signing in always renews the session token.
    pub async fn create_session(
        &self,
        token_digest: &str,
        staff_id: StaffId,
        csrf_token: &str,
        stage: SessionStage,
        address: &str,
        replaces: Option<&str>,
    ) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        if let Some(old) = replaces {
            tx.conn()
                .execute(
                    "UPDATE sessions SET revoked_at = $1 WHERE token_digest = $2 AND revoked_at IS NULL",
                    args![now, old],
                )
                .await?;
        }
        tx.conn()
            .execute(
                "INSERT INTO sessions (token_digest, staff_id, csrf_token, stage, address, created_at, \
                 last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                args![token_digest, staff_id, csrf_token, stage.as_str(), address, now],
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finds a session by the digest of its token, revoked or not.
    pub async fn session(&self, token_digest: &str) -> Result<Option<Session>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_digest = $1");
        let row = handle
            .conn()
            .fetch_optional(&sql, args![token_digest])
            .await?;
        row.as_ref().map(session_from_row).transpose()
    }

    /// Marks a session as seen now, which restarts its idle timeout.
    pub async fn touch_session(&self, token_digest: &str) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "UPDATE sessions SET last_seen_at = $1 WHERE token_digest = $2 AND revoked_at IS NULL",
                args![now, token_digest],
            )
            .await?;
        tx.commit().await
    }

    /// Revokes one session; signing out and idle timeouts use this.
    pub async fn revoke_session(&self, token_digest: &str) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "UPDATE sessions SET revoked_at = $1 WHERE token_digest = $2 AND revoked_at IS NULL",
                args![now, token_digest],
            )
            .await?;
        tx.commit().await
    }

    /// Revokes every session of an account; returns how many were open.
    pub async fn revoke_staff_sessions(&self, staff_id: StaffId) -> Result<u64> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let revoked = tx
            .conn()
            .execute(
                "UPDATE sessions SET revoked_at = $1 WHERE staff_id = $2 AND revoked_at IS NULL",
                args![now, staff_id],
            )
            .await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Lists the open sessions of an account, newest first.
    pub async fn open_sessions(&self, staff_id: StaffId) -> Result<Vec<Session>> {
        let mut handle = self.reader().await?;
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE staff_id = $1 AND revoked_at IS NULL \
             ORDER BY last_seen_at DESC"
        );
        let rows = handle.conn().fetch_all(&sql, args![staff_id]).await?;
        rows.iter().map(session_from_row).collect()
    }

    /// Returns the latest time until which any of the subjects is locked, when that is later
    /// than now.
    pub async fn locked_until(&self, subjects: &[String]) -> Result<Option<DateTime<Utc>>> {
        let now = self.now();
        let mut handle = self.reader().await?;
        let mut latest: Option<DateTime<Utc>> = None;
        for subject in subjects {
            let row = handle
                .conn()
                .fetch_optional(
                    "SELECT locked_until FROM login_failures WHERE subject = $1",
                    args![subject],
                )
                .await?;
            let until = match row {
                Some(row) => row.opt_time("locked_until")?,
                None => None,
            };
            if let Some(until) = until.filter(|until| *until > now) {
                latest = Some(latest.map_or(until, |l| l.max(until)));
            }
        }
        Ok(latest)
    }

    /// Counts one failed sign-in against each subject. Failures older than `lock_for` no
    /// longer count, so occasional typos never add up to a lock. A subject that reaches
    /// `max_failures` within that window is locked for `lock_for`, and its count starts again.
    pub async fn record_login_failure(
        &self,
        subjects: &[String],
        max_failures: u32,
        lock_for: Duration,
    ) -> Result<()> {
        if max_failures == 0 {
            return Err(DbError::Invalid(
                "max_failures is 0; set the lockout limit to at least 1".to_string(),
            ));
        }
        let now = self.now();
        let mut tx = self.begin().await?;
        for subject in subjects {
            let row = tx
                .conn()
                .fetch_one(
                    "INSERT INTO login_failures (subject, failures, updated_at) VALUES ($1, 1, $2) \
                     ON CONFLICT (subject) DO UPDATE SET failures = CASE \
                     WHEN login_failures.updated_at < $3 THEN 1 \
                     ELSE login_failures.failures + 1 END, \
                     updated_at = $2 RETURNING failures",
                    args![subject, micros(now), micros(now - lock_for)],
                )
                .await?;
            if row.int("failures")? >= i64::from(max_failures) {
                tx.conn()
                    .execute(
                        "UPDATE login_failures SET failures = 0, locked_until = $1 WHERE subject = $2",
                        args![micros(now + lock_for), subject],
                    )
                    .await?;
            }
        }
        tx.commit().await
    }

    /// Lifts the lock of a subject and clears its count; the security administrator's unlock.
    pub async fn unlock_subject(&self, subject: &str) -> Result<bool> {
        let mut tx = self.begin().await?;
        let updated = tx
            .conn()
            .execute(
                "UPDATE login_failures SET failures = 0, locked_until = NULL WHERE subject = $1",
                args![subject],
            )
            .await?;
        tx.commit().await?;
        Ok(updated > 0)
    }

    /// Deletes failure counters untouched since `before` whose lock, if any, has ended.
    pub async fn prune_login_failures(&self, before: DateTime<Utc>) -> Result<u64> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let deleted = tx
            .conn()
            .execute(
                "DELETE FROM login_failures WHERE updated_at < $1 \
                 AND (locked_until IS NULL OR locked_until < $2)",
                args![micros(before), now],
            )
            .await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Clears the failure count of a subject after a successful sign-in.
    pub async fn clear_login_failures(&self, subject: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "UPDATE login_failures SET failures = 0 WHERE subject = $1",
                args![subject],
            )
            .await?;
        tx.commit().await
    }
}
