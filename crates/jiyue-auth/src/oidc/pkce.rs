//! Proof Key for Code Exchange (RFC 7636) with the S256 method only.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::error::PkceError;
use crate::token::new_token;

/// The minimum length of a code verifier in characters (RFC 7636 section 4.1).
const MIN_VERIFIER_CHARS: usize = 43;

/// The maximum length of a code verifier in characters (RFC 7636 section 4.1).
const MAX_VERIFIER_CHARS: usize = 128;

/// The only code challenge method this provider accepts.
pub const S256: &str = "S256";

/// A parsed S256 code challenge: the SHA-256 digest of the client's code verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge {
    digest: [u8; 32],
}

impl CodeChallenge {
    /// Parses the `code_challenge` and `code_challenge_method` request parameters.
    ///
    /// Only `S256` is accepted. A missing method is rejected too, because RFC 7636 reads a
    /// missing method as `plain`.
    pub fn parse(challenge: &str, method: Option<&str>) -> Result<Self, PkceError> {
        match method {
            None => return Err(PkceError::MissingMethod),
            Some(S256) => {}
            Some("plain") => return Err(PkceError::Plain),
            Some(other) => return Err(PkceError::UnknownMethod(other.to_string())),
        }

        if challenge.len() != 43 {
            return Err(PkceError::Challenge(format!(
                "it has {} characters",
                challenge.len()
            )));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(challenge)
            .map_err(|err| PkceError::Challenge(format!("not base64url: {err}")))?;
        let digest = <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| PkceError::Challenge(format!("it decodes to {} bytes", bytes.len())))?;
        Ok(Self { digest })
    }

    /// Computes the S256 challenge of `verifier`, after checking the verifier syntax.
    pub fn from_verifier(verifier: &str) -> Result<Self, PkceError> {
        validate_verifier(verifier)?;
        Ok(Self {
            digest: Sha256::digest(verifier.as_bytes()).into(),
        })
    }

    /// Tells whether `verifier` is well formed and hashes to this challenge. The digests are
    /// compared in constant time.
    pub fn verify(&self, verifier: &str) -> bool {
        if validate_verifier(verifier).is_err() {
            return false;
        }
        let digest = Sha256::digest(verifier.as_bytes());
        bool::from(digest.as_slice().ct_eq(&self.digest))
    }

    /// Returns the challenge in its base64url request form, for storage with the code.
    pub fn as_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.digest)
    }
}

/// Checks that `verifier` has 43 to 128 characters of `[A-Za-z0-9-._~]`.
pub fn validate_verifier(verifier: &str) -> Result<(), PkceError> {
    let length = verifier.len();
    if !(MIN_VERIFIER_CHARS..=MAX_VERIFIER_CHARS).contains(&length) {
        return Err(PkceError::Verifier(format!("it has {length} characters")));
    }

    let unreserved = |byte: u8| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte);
    if let Some(position) = verifier.bytes().position(|byte| !unreserved(byte)) {
        return Err(PkceError::Verifier(format!(
            "character {} is not allowed",
            position + 1
        )));
    }
    Ok(())
}

/// A client-side PKCE pair: a random verifier and its S256 challenge.
pub struct PkcePair {
    /// The secret code verifier, sent with the token request.
    pub verifier: Zeroizing<String>,
    /// The base64url S256 challenge, sent with the authorization request.
    pub challenge: String,
}

impl PkcePair {
    /// Generates a verifier of 32 random bytes (43 base64url characters) and its challenge.
    pub fn generate() -> Self {
        let verifier = Zeroizing::new(new_token());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }

    /// Returns the `code_challenge_method` to send, always `S256`.
    pub fn method(&self) -> &'static str {
        S256
    }
}

impl std::fmt::Debug for PkcePair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PkcePair")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}
