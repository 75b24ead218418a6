//! Password hashing with Argon2id, stored as PHC strings, and the rehash-on-login check.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::OsRng;

use crate::error::AuthError;

// Current parameters: the OWASP Password Storage Cheat Sheet recommends Argon2id with
// m = 19 MiB (19456 KiB), t = 2 iterations and p = 1 lane as its first configuration.

/// Memory cost in KiB of new hashes.
pub const MEMORY_KIB: u32 = 19_456;

/// Number of passes over memory of new hashes.
pub const ITERATIONS: u32 = 2;

/// Degree of parallelism (lanes) of new hashes.
pub const PARALLELISM: u32 = 1;

/// Result of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    /// The password matches. `needs_rehash` is true when the stored hash uses another
    /// algorithm, version or parameters than [`hash_password`], so the caller should store a
    /// fresh hash now that it has the plain password.
    Valid { needs_rehash: bool },
    /// The password does not match, or the stored hash cannot be parsed.
    Invalid,
}

fn current_params() -> Result<Params, AuthError> {
    Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|err| AuthError::Hash(format!("invalid Argon2 parameters: {err}")))
}

/// Hashes `password` with Argon2id v0x13 and the current parameters and a fresh 16-byte salt,
/// returning a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, current_params()?);
    let salt = SaltString::generate(&mut OsRng);

    hasher
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| AuthError::Hash(err.to_string()))
}

/// Verifies `password` against the PHC string `stored` with the algorithm, version and
/// parameters recorded in it. An unparseable or unsupported `stored` value is `Invalid`.
pub fn verify_password(password: &str, stored: &str) -> PasswordCheck {
    let Ok(hash) = PasswordHash::new(stored) else {
        return PasswordCheck::Invalid;
    };

    // Argon2's verifier takes algorithm, version and parameters from `hash`, not from `self`.
    if Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_err()
    {
        return PasswordCheck::Invalid;
    }

    PasswordCheck::Valid {
        needs_rehash: needs_rehash(&hash),
    }
}

fn needs_rehash(hash: &PasswordHash<'_>) -> bool {
    if hash.algorithm != Algorithm::Argon2id.ident() {
        return true;
    }
    if hash.version != Some(Version::V0x13.into()) {
        return true;
    }

    let Ok(stored) = Params::try_from(hash) else {
        return true;
    };
    let output_len = stored.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);

    stored.m_cost() != MEMORY_KIB
        || stored.t_cost() != ITERATIONS
        || stored.p_cost() != PARALLELISM
        || output_len != Params::DEFAULT_OUTPUT_LEN
}

/// Runs one verification of `password` against a fixed hash with the current parameters, so
/// that a login for an unknown account takes as long as one for a known account. The fixed hash
/// is computed on first use.
pub fn burn_dummy_verification(password: &str) {
    static DUMMY_HASH: OnceLock<Option<String>> = OnceLock::new();

    let dummy = DUMMY_HASH.get_or_init(|| hash_password("jiyue-dummy-password-never-matches").ok());
    if let Some(stored) = dummy {
        std::hint::black_box(verify_password(password, stored));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_uses_current_parameters() {
        let hash = hash_password("correct horse").unwrap();

        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            verify_password("correct horse", &hash),
            PasswordCheck::Valid {
                needs_rehash: false
            }
        );
        assert_eq!(
            verify_password("wrong horse", &hash),
            PasswordCheck::Invalid
        );
    }

    #[test]
    fn salts_differ_between_hashes() {
        let first = hash_password("same").unwrap();
        let second = hash_password("same").unwrap();

        assert_ne!(first, second);
    }

    #[test]
    fn weaker_parameters_need_rehash() {
        let params = Params::new(4096, 1, 1, None).unwrap();
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"legacy", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();

        assert!(weak.starts_with("$argon2id$v=19$m=4096,t=1,p=1$"), "{weak}");
        assert_eq!(
            verify_password("legacy", &weak),
            PasswordCheck::Valid { needs_rehash: true }
        );
        assert_eq!(verify_password("other", &weak), PasswordCheck::Invalid);
    }

    #[test]
    fn other_algorithm_needs_rehash() {
        let params = Params::new(4096, 1, 1, None).unwrap();
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, params)
            .hash_password(b"legacy", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();

        assert!(argon2i.starts_with("$argon2i$"), "{argon2i}");
        assert_eq!(
            verify_password("legacy", &argon2i),
            PasswordCheck::Valid { needs_rehash: true }
        );
    }

    #[test]
    fn unparseable_hash_is_invalid() {
        for stored in [
            "",
            "plain",
            "$argon2id$",
            "$argon2id$v=19$m=x$abc$def",
            "$bcrypt$v=1$a$b",
        ] {
            assert_eq!(
                verify_password("anything", stored),
                PasswordCheck::Invalid,
                "{stored}"
            );
        }
    }

    #[test]
    fn dummy_verification_runs_twice() {
        burn_dummy_verification("first");
        burn_dummy_verification("second");
    }
}
