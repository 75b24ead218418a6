//! Compact JWS (RFC 7515) signing with ES256 and verification of ES256 and RS256 tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Verifier;
use rsa::pkcs1v15::{Signature as RsaSignature, VerifyingKey as RsaVerifyingKey};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::error::{JwsError, KeyError};
use super::keys::{Jwk, Jwks, SigningKey, ES256, RS256};

/// The maximum length of a token accepted by [`verify_jwt`], in bytes. The ES256 ID tokens of
/// the tests are under 1 KiB, so 16 KiB leaves room for RSA signatures and large custom claims.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The minimum RSA modulus size accepted for RS256, in bits (RFC 7518 section 3.3).
const MIN_RSA_BITS: usize = 2048;

#[derive(Serialize)]
struct SigningHeader<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
}

#[derive(Deserialize)]
struct VerifyingHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<Vec<String>>,
}

/// Signs `claims` as a compact JWS with header `{"alg":"ES256","typ":"JWT","kid":…}`.
pub fn sign_jwt(key: &SigningKey, claims: &impl Serialize) -> Result<String, serde_json::Error> {
    let header = SigningHeader {
        alg: ES256,
        typ: "JWT",
        kid: key.kid(),
    };
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header)?);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims)?);

    let signing_input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(key.sign_raw(signing_input.as_bytes()));
    Ok(format!("{signing_input}.{signature}"))
}

/// Verifies a compact JWS signed with ES256 or RS256 by a key of `jwks` and returns its
/// payload, which must be a JSON object.
///
/// The key is chosen by the header's `kid`. A header without `kid` is accepted only when the
/// set contains exactly one key. The function does not check any claim; see
/// [`super::validate_id_token`].
pub fn verify_jwt(token: &str, jwks: &Jwks) -> Result<serde_json::Value, JwsError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(JwsError::TooLarge {
            length: token.len(),
            max: MAX_TOKEN_BYTES,
        });
    }

    let mut parts = token.split('.');
    let (Some(header_part), Some(payload_part), Some(signature_part), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed(
            "expected three dot-separated parts: header.payload.signature".to_string(),
        ));
    };

    let header: VerifyingHeader = decode_json("header", header_part)?;
    check_header(&header)?;
    let (kid, jwk) = select_key(&header, jwks)?;
    check_key_fits(&header.alg, &kid, jwk)?;

    let signature = decode_part("signature", signature_part)?;
    let signing_input = &token[..header_part.len() + 1 + payload_part.len()];
    if header.alg == ES256 {
        verify_es256(&kid, jwk, signing_input.as_bytes(), &signature)?;
    } else {
        verify_rs256(&kid, jwk, signing_input.as_bytes(), &signature)?;
    }

    let payload: serde_json::Value = decode_json("payload", payload_part)?;
    if !payload.is_object() {
        return Err(JwsError::Malformed(
            "payload is not a JSON object".to_string(),
        ));
    }
    Ok(payload)
}

fn check_header(header: &VerifyingHeader) -> Result<(), JwsError> {
    if header.alg.eq_ignore_ascii_case("none") {
        return Err(JwsError::AlgNone);
    }
    if header.alg != ES256 && header.alg != RS256 {
        return Err(JwsError::UnsupportedAlg(header.alg.clone()));
    }
    if let Some(crit) = &header.crit {
        return Err(JwsError::CriticalExtension(crit.clone()));
    }
    Ok(())
}

/// Picks the key named by the header's `kid`, or the only key of the set when there is none.
fn select_key<'a>(header: &VerifyingHeader, jwks: &'a Jwks) -> Result<(String, &'a Jwk), JwsError> {
    match &header.kid {
        Some(kid) => jwks
            .find(kid)
            .map(|jwk| (kid.clone(), jwk))
            .ok_or_else(|| JwsError::UnknownKid(kid.clone())),
        None => match jwks.keys.as_slice() {
            [only] => Ok((only.kid.clone().unwrap_or_default(), only)),
            keys => Err(JwsError::MissingKid(keys.len())),
        },
    }
}

/// Checks that the key's type, `alg` and `use` allow verifying an `alg` signature.
fn check_key_fits(alg: &str, kid: &str, jwk: &Jwk) -> Result<(), JwsError> {
    let mismatch = |reason: String| JwsError::AlgMismatch {
        alg: alg.to_string(),
        kid: kid.to_string(),
        reason,
    };

    let expected_kty = if alg == ES256 { "EC" } else { "RSA" };
    if jwk.kty != expected_kty {
        return Err(mismatch(format!(
            "the key has kty {:?}, {alg} needs {expected_kty}",
            jwk.kty
        )));
    }
    if let Some(key_alg) = jwk.alg.as_deref().filter(|key_alg| *key_alg != alg) {
        return Err(mismatch(format!("the key is for alg {key_alg:?}")));
    }
    if let Some(key_use) = jwk.use_.as_deref().filter(|key_use| *key_use != "sig") {
        return Err(mismatch(format!(
            "the key has use {key_use:?}, not \"sig\""
        )));
    }
    Ok(())
}

fn verify_es256(kid: &str, jwk: &Jwk, message: &[u8], signature: &[u8]) -> Result<(), JwsError> {
    let key = jwk.ec_verifying_key().map_err(|source| JwsError::Key {
        kid: kid.to_string(),
        source,
    })?;

    // JOSE encodes ES256 signatures as the raw 32-byte r and s, not as DER (RFC 7518 3.4).
    if signature.len() != 64 {
        return Err(JwsError::Malformed(format!(
            "ES256 signature has {} bytes, expected 64 (r || s)",
            signature.len()
        )));
    }
    let signature = p256::ecdsa::Signature::from_slice(signature)
        .map_err(|_| JwsError::BadSignature(kid.to_string()))?;

    key.verify(message, &signature)
        .map_err(|_| JwsError::BadSignature(kid.to_string()))
}

fn verify_rs256(kid: &str, jwk: &Jwk, message: &[u8], signature: &[u8]) -> Result<(), JwsError> {
    let key = rsa_public_key(jwk).map_err(|source| JwsError::Key {
        kid: kid.to_string(),
        source,
    })?;

    let signature =
        RsaSignature::try_from(signature).map_err(|_| JwsError::BadSignature(kid.to_string()))?;
    RsaVerifyingKey::<Sha256>::new(key)
        .verify(message, &signature)
        .map_err(|_| JwsError::BadSignature(kid.to_string()))
}

/// Decodes an RSA JWK, rejecting moduli under 2048 bits.
fn rsa_public_key(jwk: &Jwk) -> Result<RsaPublicKey, KeyError> {
    let decode = |member: &'static str, value: Option<&str>| {
        let value = jwk.member(member, value)?;
        URL_SAFE_NO_PAD
            .decode(value)
            .map(|bytes| BigUint::from_bytes_be(&bytes))
            .map_err(|err| KeyError::InvalidMember {
                member,
                reason: format!("not base64url: {err}"),
            })
    };
    let n = decode("n", jwk.n.as_deref())?;
    let e = decode("e", jwk.e.as_deref())?;

    let key = RsaPublicKey::new(n, e).map_err(|err| KeyError::InvalidMember {
        member: "n",
        reason: err.to_string(),
    })?;
    let bits = key.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(KeyError::InvalidMember {
            member: "n",
            reason: format!("the modulus has {bits} bits, at least {MIN_RSA_BITS} are required"),
        });
    }
    Ok(key)
}

fn decode_part(name: &str, part: &str) -> Result<Vec<u8>, JwsError> {
    URL_SAFE_NO_PAD.decode(part).map_err(|err| {
        JwsError::Malformed(format!("{name} is not base64url without padding: {err}"))
    })
}

fn decode_json<T: serde::de::DeserializeOwned>(name: &str, part: &str) -> Result<T, JwsError> {
    let bytes = decode_part(name, part)?;
    serde_json::from_slice(&bytes)
        .map_err(|err| JwsError::Malformed(format!("{name} is not valid JSON: {err}")))
}
