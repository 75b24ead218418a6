//! Signing and verification of compact JWS, every rejection path, and property tests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;

/// Replaces the payload of `token` with `claims`, keeping its header and signature.
pub(super) fn replace_payload(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// Replaces the header of `token` with `header`, keeping its payload and signature.
fn replace_header(token: &str, header: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    format!("{header}.{}.{}", parts[1], parts[2])
}

fn signed() -> (SigningKey, Jwks, String) {
    let key = SigningKey::generate();
    let jwks = Jwks::from_signing_keys([&key]);
    let token = sign_jwt(&key, &valid_claims()).unwrap();
    (key, jwks, token)
}

#[test]
fn signed_token_round_trips() {
    let (key, jwks, token) = signed();

    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    let signature = URL_SAFE_NO_PAD
        .decode(token.rsplit('.').next().unwrap())
        .unwrap();

    assert_eq!(verify_jwt(&token, &jwks).unwrap(), valid_claims());
    assert_eq!(
        header,
        json!({"alg": "ES256", "typ": "JWT", "kid": key.kid()})
    );
    assert_eq!(signature.len(), 64);
}

#[test]
fn published_jwks_has_standard_shape() {
    let key = SigningKey::generate();
    let jwks = serde_json::to_value(Jwks::from_signing_keys([&key])).unwrap();
    let jwk = &jwks["keys"][0];

    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["crv"], "P-256");
    assert_eq!(jwk["alg"], "ES256");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["kid"], key.kid());
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(jwk["x"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(jwk["y"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    assert_eq!(jwk.as_object().unwrap().len(), 7);
}

#[test]
fn pkcs8_round_trip_keeps_kid() {
    let key = SigningKey::generate();

    let der = key.to_pkcs8_der().unwrap();
    let loaded = SigningKey::from_pkcs8_der(&der).unwrap();

    assert_eq!(loaded.kid(), key.kid());
    assert_eq!(loaded.public_jwk(), key.public_jwk());
    assert_eq!(key.public_jwk().thumbprint().unwrap(), key.kid());
}

#[test]
fn invalid_pkcs8_rejected() {
    let error = SigningKey::from_pkcs8_der(b"not a key").unwrap_err();

    assert!(error.to_string().contains("PKCS#8"), "{error}");
}

#[test]
fn debug_hides_private_key() {
    let key = SigningKey::generate();

    let debug = format!("{key:?}");

    assert_eq!(
        debug,
        format!("SigningKey {{ alg: \"ES256\", kid: {:?}, .. }}", key.kid())
    );
}

#[test]
fn tampered_payload_rejected() {
    let (_, jwks, token) = signed();
    let mut claims = valid_claims();
    claims["sub"] = json!("admin");

    let error = verify_jwt(&replace_payload(&token, &claims), &jwks).unwrap_err();

    assert!(matches!(error, JwsError::BadSignature(_)), "{error}");
}

#[test]
fn alg_none_rejected() {
    let (key, jwks, token) = signed();
    let unsigned = replace_header(&token, &json!({"alg": "none", "kid": key.kid()}));
    let stripped = format!("{}.", unsigned.rsplit_once('.').unwrap().0);

    for token in [unsigned, stripped] {
        let error = verify_jwt(&token, &jwks).unwrap_err();
        assert!(matches!(error, JwsError::AlgNone), "{error}");
    }
}

#[test]
fn other_algorithms_rejected() {
    let (key, jwks, token) = signed();

    for alg in ["HS256", "ES384", "PS256", "EdDSA"] {
        let forged = replace_header(&token, &json!({"alg": alg, "kid": key.kid()}));
        let error = verify_jwt(&forged, &jwks).unwrap_err();
        assert!(
            matches!(error, JwsError::UnsupportedAlg(ref name) if name == alg),
            "{error}"
        );
    }
}

#[test]
fn rs256_header_on_ec_key_rejected() {
    let (key, jwks, token) = signed();
    let forged = replace_header(&token, &json!({"alg": "RS256", "kid": key.kid()}));

    let error = verify_jwt(&forged, &jwks).unwrap_err();

    assert!(matches!(error, JwsError::AlgMismatch { .. }), "{error}");
}

#[test]
fn key_alg_or_use_mismatch_rejected() {
    let (_, mut jwks, token) = signed();
    jwks.keys[0].use_ = Some("enc".to_string());
    let error = verify_jwt(&token, &jwks).unwrap_err();
    assert!(matches!(error, JwsError::AlgMismatch { .. }), "{error}");

    jwks.keys[0].use_ = None;
    jwks.keys[0].alg = Some("ES384".to_string());
    let error = verify_jwt(&token, &jwks).unwrap_err();
    assert!(matches!(error, JwsError::AlgMismatch { .. }), "{error}");
}

#[test]
fn unknown_kid_rejected() {
    let (key, jwks, token) = signed();
    let forged = replace_header(&token, &json!({"alg": "ES256", "kid": "rotated-away"}));

    let error = verify_jwt(&forged, &jwks).unwrap_err();

    assert!(
        matches!(error, JwsError::UnknownKid(ref kid) if kid == "rotated-away"),
        "{error}"
    );
    assert_ne!(key.kid(), "rotated-away");
}

#[test]
fn other_key_with_same_kid_rejected() {
    let (key, _, token) = signed();
    let mut impostor = SigningKey::generate().public_jwk();
    impostor.kid = Some(key.kid().to_string());
    let jwks = Jwks {
        keys: vec![impostor],
    };

    let error = verify_jwt(&token, &jwks).unwrap_err();

    assert!(matches!(error, JwsError::BadSignature(_)), "{error}");
}

#[test]
fn missing_kid_needs_single_key() {
    let (key, jwks, token) = signed();
    let without_kid = replace_header(&token, &json!({"alg": "ES256", "typ": "JWT"}));
    let resigned = {
        let parts: Vec<&str> = without_kid.split('.').collect();
        let input = format!("{}.{}", parts[0], parts[1]);
        let signature = URL_SAFE_NO_PAD.encode(key.sign_raw(input.as_bytes()));
        format!("{input}.{signature}")
    };
    assert_eq!(verify_jwt(&resigned, &jwks).unwrap(), valid_claims());

    let two_keys = Jwks::from_signing_keys([&key, &SigningKey::generate()]);
    let error = verify_jwt(&resigned, &two_keys).unwrap_err();
    assert!(matches!(error, JwsError::MissingKid(2)), "{error}");
}

#[test]
fn critical_header_rejected() {
    let (key, jwks, token) = signed();
    let forged = replace_header(
        &token,
        &json!({"alg": "ES256", "kid": key.kid(), "crit": ["exp"]}),
    );

    let error = verify_jwt(&forged, &jwks).unwrap_err();

    assert!(matches!(error, JwsError::CriticalExtension(_)), "{error}");
}

#[test]
fn malformed_tokens_rejected() {
    let (_, jwks, token) = signed();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let short_signature = URL_SAFE_NO_PAD.encode([0u8; 63]);
    let array_payload = {
        let header = token.split('.').next().unwrap();
        format!("{header}.{}.{signature}", URL_SAFE_NO_PAD.encode("[1]"))
    };
    let cases = [
        ("", "empty"),
        ("abc", "one part"),
        ("a.b", "two parts"),
        ("a.b.c.d", "four parts"),
        ("!!!.e30.AA", "header not base64url"),
        ("e30=.e30.AA", "padded header"),
        ("bm90IGpzb24.e30.AA", "header not JSON"),
    ];

    for (bad, case) in cases {
        let error = verify_jwt(bad, &jwks).unwrap_err();
        assert!(matches!(error, JwsError::Malformed(_)), "{case}: {error}");
    }

    let error = verify_jwt(&format!("{input}.{short_signature}"), &jwks).unwrap_err();
    assert!(error.to_string().contains("63 bytes"), "{error}");

    let error = verify_jwt(&format!("{input}.{signature}="), &jwks).unwrap_err();
    assert!(matches!(error, JwsError::Malformed(_)), "{error}");

    // The signature is checked before the payload, so a valid-looking array payload fails on
    // the signature. Only a correctly signed array reaches the object check.
    let error = verify_jwt(&array_payload, &jwks).unwrap_err();
    assert!(matches!(error, JwsError::BadSignature(_)), "{error}");
}

#[test]
fn signed_non_object_payload_rejected() {
    let key = SigningKey::generate();
    let jwks = Jwks::from_signing_keys([&key]);
    let token = sign_jwt(&key, &json!(["not", "claims"])).unwrap();

    let error = verify_jwt(&token, &jwks).unwrap_err();

    assert!(error.to_string().contains("not a JSON object"), "{error}");
}

#[test]
fn oversized_token_rejected() {
    let (_, jwks, _) = signed();
    let token = "a".repeat(MAX_TOKEN_BYTES + 1);

    let error = verify_jwt(&token, &jwks).unwrap_err();

    assert!(matches!(error, JwsError::TooLarge { length, .. } if length == MAX_TOKEN_BYTES + 1));
}

#[test]
fn invalid_jwk_members_rejected() {
    let (_, mut jwks, token) = signed();
    jwks.keys[0].x = Some(URL_SAFE_NO_PAD.encode([1u8; 32]));

    let error = verify_jwt(&token, &jwks).unwrap_err();

    assert!(matches!(error, JwsError::Key { .. }), "{error}");
    assert!(error.to_string().contains("not on curve"), "{error}");
}

#[test]
fn upstream_jwks_with_extra_members_parses() {
    let jwks: Jwks = serde_json::from_value(json!({
        "keys": [
            {"kty": "RSA", "kid": "r1", "n": "AQAB", "e": "AQAB", "x5c": ["MIIC"], "x5t": "abc"},
            {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
        ]
    }))
    .unwrap();

    assert_eq!(jwks.keys.len(), 2);
    assert!(jwks.find("r1").is_some());
    assert!(matches!(
        jwks.keys[1].thumbprint(),
        Err(KeyError::UnsupportedKeyType(_))
    ));
}

proptest! {
    #[test]
    fn verify_never_panics_on_any_string(token in ".{0,400}") {
        let (_, jwks, _) = signed();
        let _ = verify_jwt(&token, &jwks);
    }

    #[test]
    fn verify_never_panics_on_token_shapes(
        header in "[A-Za-z0-9_=-]{0,60}",
        payload in "[A-Za-z0-9_=-]{0,60}",
        signature in "[A-Za-z0-9_=-]{0,120}",
        extra in proptest::option::of("[A-Za-z0-9_.-]{0,20}"),
    ) {
        let (_, jwks, _) = signed();
        let mut token = format!("{header}.{payload}.{signature}");
        if let Some(extra) = extra {
            token.push('.');
            token.push_str(&extra);
        }
        prop_assert!(verify_jwt(&token, &jwks).is_err());
    }

    #[test]
    fn verify_never_panics_on_json_headers(alg in ".{0,12}", kid in ".{0,12}") {
        // The forged header differs from the signed one, so no case can verify.
        let (_, jwks, token) = signed();
        let forged = replace_header(&token, &json!({"alg": alg, "kid": kid}));
        prop_assert!(verify_jwt(&forged, &jwks).is_err());
    }
}
