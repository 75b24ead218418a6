//! Staff security primitives for Jiyue: password hashing and composition policy, TOTP second
//! factors, roles and the authorization decision, login lockout keys, session and CSRF tokens,
//! the HMAC-SM3 chain that protects the audit log, SM4-GCM encryption of personal data, and the
//! OpenID Connect primitives of the identity host.
//!
//! The crate does no database or network I/O. Its only file access is the audit chain key file
//! read by [`SoftwareSm3Mac::load_or_create`] and the personal data key file read by
//! [`SoftwareSm4::load_or_create`].

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod chain;
pub mod error;
pub mod factor;
pub mod lockout;
pub mod oidc;
pub mod password;
pub mod personal;
pub mod policy;
pub mod roles;
pub mod token;
pub mod totp;

pub use chain::{entry_mac, head_mac, seal_mac, AuditFields, ChainMac, SoftwareSm3Mac};
pub use error::AuthError;
pub use factor::{factor_for, Enrollment, FactorError, FactorKind, SecondFactor, TotpFactor};
pub use lockout::{account_key, address_key, LockoutPolicy};
pub use oidc::{
    sign_jwt, validate_id_token, verify_id_token, verify_jwt, CodeChallenge, Discovery, Expected,
    IdTokenClaims, Jwk, Jwks, PkcePair, Scopes, SigningKey,
};
pub use password::{burn_dummy_verification, hash_password, verify_password, PasswordCheck};
pub use personal::{
    normalize_for_index, CryptoError, Field, PersonalDataCipher, Sealed, SoftwareSm4,
};
pub use policy::{PasswordPolicy, PolicyError};
pub use roles::{
    allows, check_grant, role_allows, scope_reaches, Action, Grant, GrantError, GrantScope, Role,
    Target,
};
pub use token::{new_token, token_digest, tokens_match};
pub use totp::{totp_code, totp_step, verify_totp, TotpSecret};
