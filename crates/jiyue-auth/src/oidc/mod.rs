//! OpenID Connect primitives for the identity host: ES256 signing keys and JWK sets, compact
//! JWS signing and ES256/RS256 verification, ID token claims and their validation, PKCE,
//! scope parsing, redirect URI checks and the provider metadata document.
//!
//! Everything here is free of I/O and of the system clock: callers pass the current time.
//! Random session-style tokens and their stored digests come from [`crate::token`]
//! ([`crate::new_token`], [`crate::token_digest`]).

mod claims;
mod discovery;
mod error;
mod jws;
mod keys;
mod pkce;
mod redirect;
mod scopes;

#[cfg(test)]
mod tests;

pub use claims::{validate_id_token, verify_id_token, Audience, Expected, IdTokenClaims};
pub use discovery::Discovery;
pub use error::{
    ClaimError, IdTokenError, JwsError, KeyError, PkceError, RedirectError, ScopeError,
};
pub use jws::{sign_jwt, verify_jwt, MAX_TOKEN_BYTES};
pub use keys::{Jwk, Jwks, SigningKey, ES256, RS256};
pub use pkce::{validate_verifier, CodeChallenge, PkcePair, S256};
pub use redirect::{match_redirect_uri, validate_redirect_uri};
pub use scopes::{Scope, Scopes};
