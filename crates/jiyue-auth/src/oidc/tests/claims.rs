//! ID token claim parsing and validation.

use serde_json::{json, Value};

use super::*;

fn parse(claims: Value) -> IdTokenClaims {
    serde_json::from_value(claims).unwrap()
}

fn with(field: &str, value: Value) -> IdTokenClaims {
    let mut claims = valid_claims();
    claims[field] = value;
    parse(claims)
}

#[test]
fn valid_claims_pass() {
    let claims = parse(valid_claims());

    assert!(validate_id_token(&claims, &expected()).is_ok());
    assert_eq!(claims.amr, Some(vec!["pwd".to_string(), "otp".to_string()]));
}

#[test]
fn audience_string_or_array_parses() {
    let single = with("aud", json!(CLIENT_ID));
    let several = with("aud", json!([CLIENT_ID, "other"]));

    assert_eq!(single.aud, Audience::One(CLIENT_ID.to_string()));
    assert_eq!(several.aud.as_slice().len(), 2);
    assert_eq!(
        serde_json::to_value(&single).unwrap()["aud"],
        json!(CLIENT_ID)
    );
}

#[test]
fn extra_claims_are_kept() {
    let claims = with("org_code", json!("gz-0001"));

    assert_eq!(claims.extra["org_code"], "gz-0001");
    assert_eq!(
        serde_json::to_value(&claims).unwrap()["org_code"],
        "gz-0001"
    );
}

#[test]
fn wrong_issuer_rejected() {
    let claims = with("iss", json!("https://evil.example"));

    let error = validate_id_token(&claims, &expected()).unwrap_err();

    assert!(matches!(error, ClaimError::Issuer { .. }), "{error}");
    assert!(error.to_string().contains("iss claim"), "{error}");
}

#[test]
fn wrong_audience_rejected() {
    for aud in [json!("other-client"), json!(["a", "b"]), json!([])] {
        let claims = with("aud", aud);
        let error = validate_id_token(&claims, &expected()).unwrap_err();
        assert!(matches!(error, ClaimError::Audience { .. }), "{error}");
    }
}

#[test]
fn several_audiences_need_azp() {
    let missing = with("aud", json!([CLIENT_ID, "other"]));
    let error = validate_id_token(&missing, &expected()).unwrap_err();
    assert!(
        matches!(error, ClaimError::AuthorizedParty { actual: None, .. }),
        "{error}"
    );

    let mut claims = valid_claims();
    claims["aud"] = json!([CLIENT_ID, "other"]);
    claims["azp"] = json!(CLIENT_ID);
    assert!(validate_id_token(&parse(claims), &expected()).is_ok());
}

#[test]
fn foreign_azp_rejected() {
    let claims = with("azp", json!("other"));

    let error = validate_id_token(&claims, &expected()).unwrap_err();

    assert!(
        matches!(error, ClaimError::AuthorizedParty { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("azp claim"), "{error}");
}

#[test]
fn expired_token_rejected() {
    let claims = with("exp", json!(NOW - 61));

    let error = validate_id_token(&claims, &expected()).unwrap_err();

    assert!(matches!(error, ClaimError::Expired { .. }), "{error}");
    assert!(error.to_string().contains("exp claim"), "{error}");
}

#[test]
fn expiry_within_leeway_passes() {
    let claims = with("exp", json!(NOW - 59));
    let at_limit = with("exp", json!(NOW - 60));

    assert!(validate_id_token(&claims, &expected()).is_ok());
    assert!(validate_id_token(&at_limit, &expected()).is_err());
}

#[test]
fn future_iat_rejected() {
    let claims = with("iat", json!(NOW + 61));
    let within = with("iat", json!(NOW + 60));

    let error = validate_id_token(&claims, &expected()).unwrap_err();

    assert!(
        matches!(error, ClaimError::IssuedInFuture { .. }),
        "{error}"
    );
    assert!(validate_id_token(&within, &expected()).is_ok());
}

#[test]
fn wrong_nonce_rejected() {
    let claims = with("nonce", json!("replayed"));

    let error = validate_id_token(&claims, &expected()).unwrap_err();

    assert_eq!(
        error.to_string(),
        "nonce claim is different, not the nonce sent in the authentication request"
    );
}

#[test]
fn missing_nonce_rejected() {
    let mut claims = valid_claims();
    claims.as_object_mut().unwrap().remove("nonce");
    let claims = parse(claims);

    let error = validate_id_token(&claims, &expected()).unwrap_err();
    let unexpected = Expected {
        nonce: None,
        ..expected()
    };

    assert!(
        matches!(error, ClaimError::Nonce { present: false }),
        "{error}"
    );
    assert!(validate_id_token(&claims, &unexpected).is_ok());
}

#[test]
fn bad_subject_rejected() {
    for sub in [String::new(), "x".repeat(256)] {
        let claims = with("sub", json!(sub));
        let error = validate_id_token(&claims, &expected()).unwrap_err();
        assert!(matches!(error, ClaimError::Subject(_)), "{error}");
    }
}

#[test]
fn verify_id_token_checks_signature_and_claims() {
    let key = SigningKey::generate();
    let jwks = Jwks::from_signing_keys([&key]);
    let good = sign_jwt(&key, &valid_claims()).unwrap();
    let mut claims = valid_claims();
    claims["exp"] = json!(NOW - 3600);
    let expired = sign_jwt(&key, &claims).unwrap();
    claims.as_object_mut().unwrap().remove("iss");
    let incomplete = sign_jwt(&key, &claims).unwrap();

    assert_eq!(
        verify_id_token(&good, &jwks, &expected()).unwrap().sub,
        "staff-42"
    );
    assert!(matches!(
        verify_id_token(&expired, &jwks, &expected()),
        Err(IdTokenError::Claim(ClaimError::Expired { .. }))
    ));
    assert!(matches!(
        verify_id_token(&incomplete, &jwks, &expected()),
        Err(IdTokenError::Claim(ClaimError::Parse(_)))
    ));
    assert!(matches!(
        verify_id_token(&good, &Jwks::default(), &expected()),
        Err(IdTokenError::Jws(JwsError::UnknownKid(_)))
    ));
}
