//! Second factors behind one trait, so that certificate keys (SM2 UKeys) can follow TOTP
//! without changing the login flow.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::totp::{verify_totp, TotpSecret};

/// Kind of second factor an account has enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorKind {
    /// Time-based one-time password (RFC 6238).
    Totp,
    /// Certificate key, such as an SM2 UKey.
    CertificateKey,
}

impl FactorKind {
    /// Returns the stored name: `totp` or `certificate_key`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::CertificateKey => "certificate_key",
        }
    }

    /// Parses a stored name written by [`FactorKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "totp" => Some(Self::Totp),
            "certificate_key" => Some(Self::CertificateKey),
            _ => None,
        }
    }
}

/// A stored second-factor enrollment. `Debug` hides the secret.
#[derive(Clone)]
pub struct Enrollment {
    /// Kind of factor.
    pub kind: FactorKind,
    /// Factor secret: base32 text for TOTP.
    pub secret: String,
    /// Last accepted value, used to reject replays: the TOTP time step for TOTP.
    pub last_used: Option<i64>,
}

impl fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Enrollment")
            .field("kind", &self.kind)
            .field("secret", &"..")
            .field("last_used", &self.last_used)
            .finish()
    }
}

/// Reasons a second-factor response is not accepted.
#[derive(Debug, thiserror::Error)]
pub enum FactorError {
    /// The enrollment belongs to another kind of factor than the verifier.
    #[error("the enrollment is of another factor kind than this verifier; use factor_for(enrollment.kind)")]
    WrongKind,

    /// The response is wrong, malformed or already used.
    #[error("the second-factor response was rejected; enter a new code")]
    Rejected,

    /// The stored enrollment cannot be used.
    #[error(
        "the stored second-factor enrollment is unusable: {0}; reset the account's second factor"
    )]
    BadEnrollment(String),
}

/// A verifier for one kind of second factor.
pub trait SecondFactor: Send + Sync {
    /// Returns the kind of factor this verifier checks.
    fn kind(&self) -> FactorKind;

    /// Verifies `response` for `enrollment` at time `at` and returns the new `last_used` value
    /// to store.
    fn verify(
        &self,
        enrollment: &Enrollment,
        response: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, FactorError>;
}

/// TOTP verifier. The enrollment secret is base32 text.
#[derive(Debug, Clone, Copy, Default)]
pub struct TotpFactor;

impl SecondFactor for TotpFactor {
    fn kind(&self) -> FactorKind {
        FactorKind::Totp
    }

    fn verify(
        &self,
        enrollment: &Enrollment,
        response: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, FactorError> {
        if enrollment.kind != FactorKind::Totp {
            return Err(FactorError::WrongKind);
        }

        let secret = TotpSecret::from_base32(&enrollment.secret)
            .map_err(|err| FactorError::BadEnrollment(err.to_string()))?;
        verify_totp(&secret, response, at, enrollment.last_used).ok_or(FactorError::Rejected)
    }
}

/// Returns the verifier for `kind`, or `None` when that kind is not implemented yet.
pub fn factor_for(kind: FactorKind) -> Option<&'static dyn SecondFactor> {
    match kind {
        FactorKind::Totp => Some(&TotpFactor),
        // NOTE: SM2 certificate keys need a signature-check implementation behind the crypto
        // trait, which is not built yet, so accounts cannot enroll a certificate key.
        FactorKind::CertificateKey => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::totp::{totp_code, totp_step};

    fn enrollment(secret: &TotpSecret, last_used: Option<i64>) -> Enrollment {
        Enrollment {
            kind: FactorKind::Totp,
            secret: secret.to_base32(),
            last_used,
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in [FactorKind::Totp, FactorKind::CertificateKey] {
            assert_eq!(FactorKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(FactorKind::parse("sms"), None);
    }

    #[test]
    fn totp_factor_accepts_once() {
        let secret = TotpSecret::generate();
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let code = totp_code(&secret, totp_step(now));
        let factor = factor_for(FactorKind::Totp).unwrap();

        assert_eq!(factor.kind(), FactorKind::Totp);
        let used = factor
            .verify(&enrollment(&secret, None), &code, now)
            .unwrap();
        assert_eq!(used, totp_step(now));
        let replay = factor.verify(&enrollment(&secret, Some(used)), &code, now);
        assert!(matches!(replay, Err(FactorError::Rejected)));
    }

    #[test]
    fn totp_factor_rejects_bad_enrollment() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let bad = Enrollment {
            kind: FactorKind::Totp,
            secret: "!!".into(),
            last_used: None,
        };
        let other = Enrollment {
            kind: FactorKind::CertificateKey,
            secret: String::new(),
            last_used: None,
        };

        assert!(matches!(
            TotpFactor.verify(&bad, "123456", now),
            Err(FactorError::BadEnrollment(_))
        ));
        assert!(matches!(
            TotpFactor.verify(&other, "123456", now),
            Err(FactorError::WrongKind)
        ));
    }

    #[test]
    fn certificate_key_not_built() {
        assert!(factor_for(FactorKind::CertificateKey).is_none());
    }

    #[test]
    fn enrollment_debug_hides_secret() {
        let secret = TotpSecret::generate();
        let text = format!("{:?}", enrollment(&secret, Some(3)));

        assert!(!text.contains(&secret.to_base32()), "{text}");
        assert!(text.contains("last_used: Some(3)"), "{text}");
    }
}
