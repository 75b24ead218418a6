//! ID token claims (OpenID Connect Core 1.0 section 2) and their validation by a relying party.

use serde::{Deserialize, Serialize};

use super::error::{ClaimError, IdTokenError};
use super::jws::verify_jwt;
use super::keys::Jwks;
use crate::token::tokens_match;

/// The maximum length of the `sub` claim in characters, from OpenID Connect Core section 2.
const MAX_SUBJECT_CHARS: usize = 255;

/// The `aud` claim, which a token may send as one string or as an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// A single audience, serialized as a string.
    One(String),
    /// Several audiences, serialized as an array.
    Many(Vec<String>),
}

impl Audience {
    /// Returns the audiences as a slice.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Audience::One(audience) => std::slice::from_ref(audience),
            Audience::Many(audiences) => audiences,
        }
    }

    /// Tells whether `client_id` is one of the audiences.
    pub fn contains(&self, client_id: &str) -> bool {
        self.as_slice().iter().any(|audience| audience == client_id)
    }
}

/// The claims of an ID token. Claims not listed here are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// The issuer identifier, an https URL without query or fragment.
    pub iss: String,
    /// The subject identifier, unique within the issuer.
    pub sub: String,
    /// The audiences, which contain the client id of the relying party.
    pub aud: Audience,
    /// The expiry time, in Unix seconds.
    pub exp: i64,
    /// The issue time, in Unix seconds.
    pub iat: i64,
    /// The time the user authenticated, in Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    /// The value from the authentication request that ties the token to the client session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The authorized party, the client id the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// The session id at the provider, used by front- and back-channel logout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The authentication context class reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    /// The authentication method references, such as `pwd` or `otp` (RFC 8176).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amr: Option<Vec<String>>,
    /// The full name of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The short name the user goes by at the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// The e-mail address of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the provider verified the e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// The phone number of the user, preferably in E.164 form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the provider verified the phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_verified: Option<bool>,
    /// The other claims of the token.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The values a relying party expects in an ID token.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The issuer identifier, compared exactly with `iss`.
    pub issuer: &'a str,
    /// The client id of the relying party, which `aud` must contain.
    pub client_id: &'a str,
    /// The nonce sent in the authentication request, if any.
    pub nonce: Option<&'a str>,
    /// The current time, in Unix seconds.
    pub now: i64,
    /// The allowed clock skew between the provider and us, in seconds.
    pub leeway_secs: i64,
}

/// Validates the claims of an ID token as OpenID Connect Core section 3.1.3.7 prescribes:
/// `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, and the length of `sub`.
///
/// `azp` must equal the client id when it is present, and must be present when the token has
/// several audiences. The nonce is compared in constant time.
pub fn validate_id_token(
    claims: &IdTokenClaims,
    expected: &Expected<'_>,
) -> Result<(), ClaimError> {
    if claims.iss != expected.issuer {
        return Err(ClaimError::Issuer {
            actual: claims.iss.clone(),
            expected: expected.issuer.to_string(),
        });
    }

    let subject_chars = claims.sub.chars().count();
    if subject_chars == 0 || subject_chars > MAX_SUBJECT_CHARS {
        return Err(ClaimError::Subject(subject_chars));
    }

    check_audience(claims, expected.client_id)?;
    check_times(claims, expected)?;

    if let Some(expected_nonce) = expected.nonce {
        let matches = claims
            .nonce
            .as_deref()
            .is_some_and(|nonce| tokens_match(nonce, expected_nonce));
        if !matches {
            return Err(ClaimError::Nonce {
                present: claims.nonce.is_some(),
            });
        }
    }
    Ok(())
}

/// Verifies the signature of an ID token with `jwks`, then parses and validates its claims.
pub fn verify_id_token(
    token: &str,
    jwks: &Jwks,
    expected: &Expected<'_>,
) -> Result<IdTokenClaims, IdTokenError> {
    let payload = verify_jwt(token, jwks)?;
    let claims: IdTokenClaims =
        serde_json::from_value(payload).map_err(|err| ClaimError::Parse(err.to_string()))?;
    validate_id_token(&claims, expected)?;
    Ok(claims)
}

fn check_audience(claims: &IdTokenClaims, client_id: &str) -> Result<(), ClaimError> {
    if !claims.aud.contains(client_id) {
        return Err(ClaimError::Audience {
            actual: claims.aud.as_slice().to_vec(),
            client_id: client_id.to_string(),
        });
    }

    let several_audiences = claims.aud.as_slice().len() > 1;
    let azp_fits = match claims.azp.as_deref() {
        Some(azp) => azp == client_id,
        None => !several_audiences,
    };
    if !azp_fits {
        return Err(ClaimError::AuthorizedParty {
            actual: claims.azp.clone(),
            client_id: client_id.to_string(),
        });
    }
    Ok(())
}

fn check_times(claims: &IdTokenClaims, expected: &Expected<'_>) -> Result<(), ClaimError> {
    let leeway_secs = expected.leeway_secs.max(0);

    if expected.now >= claims.exp.saturating_add(leeway_secs) {
        return Err(ClaimError::Expired {
            exp: claims.exp,
            now: expected.now,
            leeway_secs,
        });
    }
    if claims.iat > expected.now.saturating_add(leeway_secs) {
        return Err(ClaimError::IssuedInFuture {
            iat: claims.iat,
            now: expected.now,
            leeway_secs,
        });
    }
    Ok(())
}
