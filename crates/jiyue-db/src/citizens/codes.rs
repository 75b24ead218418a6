//! One-time codes sent by SMS and verification links sent by e-mail.
//!
//! Only the SHA-256 digest of a code is stored. A code is checked against the newest unused
//! code of its purpose and target; each wrong guess counts, and the code burns after the
//! limit, so a six-digit code cannot be guessed within its lifetime.

use chrono::Duration;

use super::Db;
use crate::error::Result;
use crate::sql::{args, micros};

/// What a code proves when it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodePurpose {
    /// Sign-in or sign-up by mobile number.
    SignInMobile,
    /// Sign-up by e-mail, or confirming a new address.
    VerifyEmail,
    /// Setting a new password after a reset request.
    ResetPassword,
    /// Adding or changing the account's mobile number.
    ChangeMobile,
}

impl CodePurpose {
    /// Returns the stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::SignInMobile => "sign_in_mobile",
            CodePurpose::VerifyEmail => "verify_email",
            CodePurpose::ResetPassword => "reset_password",
            CodePurpose::ChangeMobile => "change_mobile",
        }
    }
}

/// The outcome of checking a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// The code was right; it is now used up. Carries what was stored with it.
    Valid { payload: Option<String> },
    /// The code was wrong; `left` more tries remain.
    Wrong { left: u32 },
    /// No usable code: none was sent, it expired, it was used, or it burned.
    Missing,
}

/// A verification link that was followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    /// The lookup digest the link was sent to.
    pub target: String,
    pub payload: Option<String>,
}

impl Db {
    /// Stores a new code and retires older unused codes of the same purpose and target, so
    /// only the newest code works.
    pub async fn create_code(
        &self,
        purpose: CodePurpose,
        target: &str,
        code_digest: &str,
        payload: Option<&str>,
        lifetime: Duration,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "UPDATE citizen_codes SET used_at = $1 \
                 WHERE purpose = $2 AND target = $3 AND used_at IS NULL",
                args![micros(now), purpose.as_str(), target],
            )
            .await?;
        tx.conn()
            .execute(
                "INSERT INTO citizen_codes (purpose, target, code_digest, payload, attempts, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, 0, $5, $6)",
                args![
                    purpose.as_str(),
                    target,
                    code_digest,
                    payload,
                    micros(now),
                    micros(now + lifetime)
                ],
            )
            .await?;
        tx.commit().await
    }

    /// Counts the codes sent for a purpose and target within `window`, for resend limits.
    pub async fn codes_sent_within(
        &self,
        purpose: CodePurpose,
        target: &str,
        window: Duration,
    ) -> Result<u64> {
        let since = micros(self.now() - window);
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_one(
                "SELECT COUNT(*) AS n FROM citizen_codes \
                 WHERE purpose = $1 AND target = $2 AND created_at >= $3",
                args![purpose.as_str(), target, since],
            )
            .await?;
        Ok(u64::try_from(row.int("n")?).unwrap_or(0))
    }

    /// Checks a typed code against the newest usable code of the purpose and target.
    pub async fn check_code(
        &self,
        purpose: CodePurpose,
        target: &str,
        code_digest: &str,
        max_attempts: u32,
    ) -> Result<CodeCheck> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        // Parallel guesses on PostgreSQL would all read the same attempt count, so only one of
        // them would count. The row lock makes each wait for the count the previous one wrote.
        // SQLite needs no lock because `BEGIN IMMEDIATE` already serializes its writers.
        let lock = if tx.conn().is_pg() { " FOR UPDATE" } else { "" };
        let sql = format!(
            "SELECT id, code_digest, payload, attempts FROM citizen_codes \
             WHERE purpose = $1 AND target = $2 AND used_at IS NULL AND expires_at > $3 \
             ORDER BY id DESC LIMIT 1{lock}"
        );
        let row = tx
            .conn()
            .fetch_optional(&sql, args![purpose.as_str(), target, now])
            .await?;
        let Some(row) = row else {
            return Ok(CodeCheck::Missing);
        };
        let id = row.int("id")?;
        let stored = row.text("code_digest")?;
        let outcome = if constant_time_eq(stored.as_bytes(), code_digest.as_bytes()) {
            tx.conn()
                .execute(
                    "UPDATE citizen_codes SET used_at = $1 WHERE id = $2",
                    args![now, id],
                )
                .await?;
            CodeCheck::Valid {
                payload: row.opt_text("payload")?,
            }
        } else {
            let attempts = u32::try_from(row.int("attempts")?)
                .unwrap_or(u32::MAX)
                .saturating_add(1);
            let burned = attempts >= max_attempts;
            tx.conn()
                .execute(
                    "UPDATE citizen_codes SET attempts = $1, used_at = $2 WHERE id = $3",
                    args![i64::from(attempts), burned.then_some(now), id],
                )
                .await?;
            if burned {
                CodeCheck::Missing
            } else {
                CodeCheck::Wrong {
                    left: max_attempts - attempts,
                }
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Uses a verification link: finds the unused, unexpired code by its digest alone (a link
    /// carries 256 random bits, so it needs no target) and marks it used.
    pub async fn use_link(
        &self,
        purpose: CodePurpose,
        code_digest: &str,
    ) -> Result<Option<LinkUse>> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                "UPDATE citizen_codes SET used_at = $1 \
                 WHERE purpose = $2 AND code_digest = $3 AND used_at IS NULL AND expires_at > $1 \
                 RETURNING target, payload",
                args![now, purpose.as_str(), code_digest],
            )
            .await?;
        let found = match row {
            Some(row) => Some(LinkUse {
                target: row.text("target")?,
                payload: row.opt_text("payload")?,
            }),
            None => None,
        };
        tx.commit().await?;
        Ok(found)
    }

    /// Deletes codes that expired more than a day ago; returns how many.
    pub async fn prune_codes(&self) -> Result<u64> {
        let before = micros(self.now() - Duration::days(1));
        let mut tx = self.begin().await?;
        let removed = tx
            .conn()
            .execute(
                "DELETE FROM citizen_codes WHERE expires_at < $1",
                args![before],
            )
            .await?;
        tx.commit().await?;
        Ok(removed)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
