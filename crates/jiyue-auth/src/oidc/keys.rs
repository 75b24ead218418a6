//! ES256 signing keys, their public JWK form, RFC 7638 thumbprints and JWK sets.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use p256::EncodedPoint;
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::error::KeyError;

/// The JOSE name of ECDSA on P-256 with SHA-256.
pub const ES256: &str = "ES256";

/// The JOSE name of RSASSA-PKCS1-v1_5 with SHA-256.
pub const RS256: &str = "RS256";

/// An ES256 private key with its key id, the RFC 7638 thumbprint of its public JWK.
#[derive(Clone)]
pub struct SigningKey {
    inner: p256::ecdsa::SigningKey,
    kid: String,
}

impl SigningKey {
    /// Generates a new random key from the operating system's random number generator.
    pub fn generate() -> Self {
        Self::from_inner(p256::ecdsa::SigningKey::random(&mut OsRng))
    }

    /// Loads a key from an unencrypted PKCS#8 DER document.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let inner = p256::ecdsa::SigningKey::from_pkcs8_der(der)
            .map_err(|err| KeyError::Pkcs8(err.to_string()))?;
        Ok(Self::from_inner(inner))
    }

    /// Encodes the key as an unencrypted PKCS#8 DER document, zeroed on drop.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let document = self
            .inner
            .to_pkcs8_der()
            .map_err(|err| KeyError::Pkcs8(err.to_string()))?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// Returns the key id: the base64url SHA-256 thumbprint of the public JWK (RFC 7638).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Returns the public key as a JWK with `kid`, `alg` ES256 and `use` sig.
    pub fn public_jwk(&self) -> Jwk {
        let mut jwk = ec_public_jwk(self.inner.verifying_key());
        jwk.kid = Some(self.kid.clone());
        jwk.alg = Some(ES256.to_string());
        jwk.use_ = Some("sig".to_string());
        jwk
    }

    /// Signs `message` with ECDSA P-256 SHA-256 and returns the 64-byte JOSE form `r || s`.
    pub(crate) fn sign_raw(&self, message: &[u8]) -> [u8; 64] {
        let signature: Signature = self.inner.sign(message);
        signature.to_bytes().into()
    }

    fn from_inner(inner: p256::ecdsa::SigningKey) -> Self {
        let kid = thumbprint_ec(&ec_public_jwk(inner.verifying_key()));
        Self { inner, kid }
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &ES256)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// A JSON Web Key (RFC 7517) holding a public EC or RSA key. Members this module does not use,
/// such as `x5c`, are ignored on input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// The key type, `EC` or `RSA`.
    pub kty: String,
    /// The curve of an EC key, `P-256` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// The base64url x coordinate of an EC key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// The base64url y coordinate of an EC key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// The base64url modulus of an RSA key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// The base64url public exponent of an RSA key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// The key id that tokens name in their `kid` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The algorithm the key is meant for, such as `ES256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// The intended use, `sig` for signatures or `enc` for encryption.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
}

impl Jwk {
    /// Computes the RFC 7638 thumbprint: base64url SHA-256 of the required members in
    /// lexicographic order without whitespace.
    pub fn thumbprint(&self) -> Result<String, KeyError> {
        match self.kty.as_str() {
            "EC" => {
                self.ec_verifying_key()?;
                Ok(thumbprint_ec(self))
            }
            "RSA" => {
                let n = self.member("n", self.n.as_deref())?;
                let e = self.member("e", self.e.as_deref())?;
                let canonical = serde_json::json!({ "e": e, "kty": "RSA", "n": n });
                Ok(sha256_base64url(canonical.to_string().as_bytes()))
            }
            other => Err(KeyError::UnsupportedKeyType(other.to_string())),
        }
    }

    /// Decodes an EC JWK into a P-256 verification key.
    pub(crate) fn ec_verifying_key(&self) -> Result<VerifyingKey, KeyError> {
        let crv = self.member("crv", self.crv.as_deref())?;
        if crv != "P-256" {
            return Err(KeyError::UnsupportedKeyType(format!("EC {crv}")));
        }

        let x = decode_coordinate("x", self.member("x", self.x.as_deref())?)?;
        let y = decode_coordinate("y", self.member("y", self.y.as_deref())?)?;
        let point = EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
        VerifyingKey::from_encoded_point(&point).map_err(|_| KeyError::InvalidMember {
            member: "x",
            reason: "the point (x, y) is not on curve P-256".to_string(),
        })
    }

    /// Returns the named member or an error naming it.
    pub(crate) fn member<'a>(
        &self,
        name: &'static str,
        value: Option<&'a str>,
    ) -> Result<&'a str, KeyError> {
        value.ok_or_else(|| KeyError::MissingMember {
            kty: self.kty.clone(),
            member: name,
        })
    }
}

/// A JWK Set (RFC 7517 section 5), the document served at `jwks_uri`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys of the set.
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// Builds the published key set of the given signing keys.
    pub fn from_signing_keys<'a>(keys: impl IntoIterator<Item = &'a SigningKey>) -> Self {
        Self {
            keys: keys.into_iter().map(SigningKey::public_jwk).collect(),
        }
    }

    /// Finds the key with the given key id.
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|key| key.kid.as_deref() == Some(kid))
    }
}

/// Builds the EC JWK of a P-256 public key with only `kty`, `crv`, `x` and `y`.
fn ec_public_jwk(key: &VerifyingKey) -> Jwk {
    let point = key.to_encoded_point(false);
    let encode = |coordinate: Option<&p256::FieldBytes>| {
        coordinate.map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
    };

    Jwk {
        kty: "EC".to_string(),
        crv: Some("P-256".to_string()),
        x: encode(point.x()),
        y: encode(point.y()),
        n: None,
        e: None,
        kid: None,
        alg: None,
        use_: None,
    }
}

/// Computes the thumbprint of an EC JWK whose members were already checked.
fn thumbprint_ec(jwk: &Jwk) -> String {
    let canonical = serde_json::json!({
        "crv": jwk.crv,
        "kty": "EC",
        "x": jwk.x,
        "y": jwk.y,
    });
    sha256_base64url(canonical.to_string().as_bytes())
}

fn sha256_base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(bytes))
}

/// Decodes a base64url P-256 coordinate, which RFC 7518 fixes at 32 bytes.
fn decode_coordinate(member: &'static str, value: &str) -> Result<[u8; 32], KeyError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|err| KeyError::InvalidMember {
            member,
            reason: format!("not base64url: {err}"),
        })?;

    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::InvalidMember {
        member,
        reason: format!("{} bytes, a P-256 coordinate has 32", bytes.len()),
    })
}
