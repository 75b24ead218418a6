//! Cross-checks against joserfc, Authlib and cryptography in the test Python.

use std::process::Command;

use serde_json::{json, Value};

use super::*;

/// Runs `script` with `JIYUE_TEST_PYTHON` (default `python3`) and returns its trimmed output.
/// A missing interpreter or package fails the test with the fix, so the check is never skipped.
fn run_python(script: &str, args: &[&str]) -> String {
    let python = std::env::var("JIYUE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run {python:?} ({err}); set JIYUE_TEST_PYTHON to a Python with \
                 joserfc, Authlib and cryptography installed, such as /work/main/.venv/bin/python"
            )
        });

    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "{python:?} lacks a package: {stderr}; run `{python} -m pip install joserfc authlib \
         cryptography` or set JIYUE_TEST_PYTHON to an interpreter that has them"
    );
    assert!(output.status.success(), "{python:?} failed: {stderr}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// Verifies the token in argument 2 with the JWK set in argument 1 and prints the claims.
const PY_VERIFY: &str = r#"
import json, sys
from joserfc import jwt
from joserfc.jwk import KeySet
keys = KeySet.import_key_set(json.loads(sys.argv[1]))
token = jwt.decode(sys.argv[2], keys, algorithms=["ES256"])
print(json.dumps({"header": token.header, "claims": token.claims}))
"#;

/// Prints the RFC 7638 thumbprint of the JWK in argument 1.
const PY_THUMBPRINT: &str = r#"
import json, sys
from joserfc.jwk import JWKRegistry
print(JWKRegistry.import_key(json.loads(sys.argv[1])).thumbprint())
"#;

/// Generates a key for the algorithm in argument 1, ES256 or RS256 with the modulus size in
/// argument 3, and signs the claims in argument 2 with it. It prints the token, the public JWK
/// set, the key's thumbprint and its PKCS#8 DER in hex.
const PY_SIGN: &str = r#"
import json, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey
alg, claims = sys.argv[1], json.loads(sys.argv[2])
if alg == "ES256":
    private = ec.generate_private_key(ec.SECP256R1())
    key = ECKey.import_key(private)
else:
    private = rsa.generate_private_key(public_exponent=65537, key_size=int(sys.argv[3]))
    key = RSAKey.import_key(private)
kid = key.thumbprint()
public = key.as_dict(private=False)
public["kid"] = kid
der = private.private_bytes(
    serialization.Encoding.DER,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
)
token = jwt.encode({"alg": alg, "kid": kid}, claims, key, algorithms=[alg])
print(json.dumps({"token": token, "jwks": {"keys": [public]}, "kid": kid, "der": der.hex()}))
"#;

/// Prints Authlib's S256 code challenge of the verifier in argument 1.
const PY_PKCE: &str = r#"
import sys
from authlib.oauth2.rfc7636 import create_s256_code_challenge
print(create_s256_code_challenge(sys.argv[1]))
"#;

/// Signs `claims` in Python and returns the token and the public key set.
pub(super) fn python_signed(alg: &str, claims: &Value, rsa_bits: u32) -> (String, Jwks, Value) {
    let bits = rsa_bits.to_string();
    let output = run_python(PY_SIGN, &[alg, &claims.to_string(), &bits]);
    let output: Value = serde_json::from_str(&output).unwrap();
    let token = output["token"].as_str().unwrap().to_string();
    let jwks: Jwks = serde_json::from_value(output["jwks"].clone()).unwrap();
    (token, jwks, output)
}

#[test]
fn our_es256_token_verifies_in_joserfc() {
    let key = SigningKey::generate();
    let jwks = Jwks::from_signing_keys([&key]);
    let token = sign_jwt(&key, &valid_claims()).unwrap();

    let jwks_json = serde_json::to_string(&jwks).unwrap();
    let output = run_python(PY_VERIFY, &[&jwks_json, &token]);
    let output: Value = serde_json::from_str(&output).unwrap();

    assert_eq!(output["claims"], valid_claims());
    assert_eq!(output["header"]["alg"], "ES256");
    assert_eq!(output["header"]["typ"], "JWT");
    assert_eq!(output["header"]["kid"], key.kid());
}

#[test]
fn python_es256_token_verifies() {
    let (token, jwks, _) = python_signed("ES256", &valid_claims(), 0);

    let payload = verify_jwt(&token, &jwks).unwrap();
    let claims = verify_id_token(&token, &jwks, &expected()).unwrap();

    assert_eq!(payload, valid_claims());
    assert_eq!(claims.sub, "staff-42");
}

#[test]
fn python_rs256_token_verifies() {
    let (token, jwks, _) = python_signed("RS256", &valid_claims(), 2048);

    let payload = verify_jwt(&token, &jwks).unwrap();

    assert_eq!(payload, valid_claims());
    assert_eq!(jwks.keys[0].kty, "RSA");
}

#[test]
fn python_rs256_tampered_token_fails() {
    let (token, jwks, _) = python_signed("RS256", &valid_claims(), 2048);
    let mut claims = valid_claims();
    claims["sub"] = json!("admin");
    let forged = super::jws::replace_payload(&token, &claims);

    let error = verify_jwt(&forged, &jwks).unwrap_err();

    assert!(matches!(error, JwsError::BadSignature(_)), "{error}");
}

#[test]
fn rsa_key_under_2048_bits_rejected() {
    let (token, jwks, _) = python_signed("RS256", &valid_claims(), 1024);

    let error = verify_jwt(&token, &jwks).unwrap_err();

    assert!(matches!(error, JwsError::Key { .. }), "{error}");
    assert!(error.to_string().contains("1024 bits"), "{error}");
}

#[test]
fn thumbprints_match_joserfc() {
    let key = SigningKey::generate();
    let jwk_json = serde_json::to_string(&key.public_jwk()).unwrap();
    assert_eq!(run_python(PY_THUMBPRINT, &[&jwk_json]), key.kid());

    let (_, jwks, _) = python_signed("RS256", &valid_claims(), 2048);
    let rsa_json = serde_json::to_string(&jwks.keys[0]).unwrap();
    assert_eq!(
        run_python(PY_THUMBPRINT, &[&rsa_json]),
        jwks.keys[0].thumbprint().unwrap()
    );
}

#[test]
fn python_pkcs8_key_loads_with_same_kid() {
    let (_, jwks, output) = python_signed("ES256", &valid_claims(), 0);
    let der = hex::decode(output["der"].as_str().unwrap()).unwrap();

    let key = SigningKey::from_pkcs8_der(&der).unwrap();

    assert_eq!(key.kid(), output["kid"].as_str().unwrap());
    assert_eq!(key.public_jwk().x, jwks.keys[0].x);
    assert_eq!(key.public_jwk().y, jwks.keys[0].y);
}

#[test]
fn pkce_challenge_matches_authlib() {
    for _ in 0..3 {
        let pair = PkcePair::generate();
        assert_eq!(run_python(PY_PKCE, &[&pair.verifier]), pair.challenge);
    }

    let long_verifier = "A-._~z9".repeat(18);
    let ours = CodeChallenge::from_verifier(&long_verifier).unwrap();
    assert_eq!(run_python(PY_PKCE, &[&long_verifier]), ours.as_base64url());
}
