//! PKCE, scopes, redirect URIs and the discovery document.

use serde_json::json;

use super::*;

/// The verifier and challenge of RFC 7636 appendix B.
const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[test]
fn pkce_rfc_example_verifies() {
    let challenge = CodeChallenge::parse(RFC_CHALLENGE, Some("S256")).unwrap();

    assert!(challenge.verify(RFC_VERIFIER));
    assert!(!challenge.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX"));
    assert_eq!(challenge.as_base64url(), RFC_CHALLENGE);
    assert_eq!(
        CodeChallenge::from_verifier(RFC_VERIFIER).unwrap(),
        challenge
    );
}

#[test]
fn pkce_plain_and_missing_method_rejected() {
    assert_eq!(
        CodeChallenge::parse(RFC_VERIFIER, Some("plain")),
        Err(PkceError::Plain)
    );
    assert_eq!(
        CodeChallenge::parse(RFC_CHALLENGE, None),
        Err(PkceError::MissingMethod)
    );
    assert_eq!(
        CodeChallenge::parse(RFC_CHALLENGE, Some("s256")),
        Err(PkceError::UnknownMethod("s256".to_string()))
    );
    assert!(PkceError::Plain.to_string().contains("requires S256"));
}

#[test]
fn pkce_bad_challenge_rejected() {
    for challenge in [
        "",
        "short",
        &format!("{RFC_CHALLENGE}A"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM",
    ] {
        let error = CodeChallenge::parse(challenge, Some("S256")).unwrap_err();
        assert!(
            matches!(error, PkceError::Challenge(_)),
            "{challenge:?}: {error}"
        );
    }
}

#[test]
fn pkce_short_or_invalid_verifier_rejected() {
    let challenge = CodeChallenge::parse(RFC_CHALLENGE, Some("S256")).unwrap();
    let short = &RFC_VERIFIER[..42];
    let long = "a".repeat(129);
    let bad_character = format!("{}+", &RFC_VERIFIER[..42]);

    for verifier in [short, long.as_str(), bad_character.as_str(), ""] {
        assert!(!challenge.verify(verifier), "{verifier:?}");
        let error = validate_verifier(verifier).unwrap_err();
        assert!(
            matches!(error, PkceError::Verifier(_)),
            "{verifier:?}: {error}"
        );
    }
    assert!(validate_verifier(&"~".repeat(128)).is_ok());
    assert!(validate_verifier(&"a".repeat(43)).is_ok());
}

#[test]
fn pkce_pair_is_consistent() {
    let pair = PkcePair::generate();
    let challenge = CodeChallenge::parse(&pair.challenge, Some(pair.method())).unwrap();

    assert!(challenge.verify(&pair.verifier));
    assert_eq!(pair.verifier.len(), 43);
    assert!(!format!("{pair:?}").contains(pair.verifier.as_str()));
}

#[test]
fn scopes_parse_known_and_unknown() {
    let scopes =
        Scopes::parse("openid profile  email phone offline_access custom:read openid").unwrap();

    assert!(scopes.contains(Scope::OpenId));
    assert!(scopes.contains(Scope::OfflineAccess));
    assert!(!scopes.contains(Scope::Address));
    assert_eq!(scopes.known().len(), 5);
    assert_eq!(scopes.unknown(), ["custom:read".to_string()]);
    assert_eq!(
        scopes.to_string(),
        "openid profile email phone offline_access"
    );
}

#[test]
fn scopes_without_openid_rejected() {
    let error = Scopes::parse("profile email").unwrap_err();

    assert_eq!(
        error,
        ScopeError::MissingOpenId("profile email".to_string())
    );
    assert!(Scopes::parse("").is_err());
    assert!(Scopes::parse("OpenID").is_err());
}

#[test]
fn scopes_invalid_characters_rejected() {
    for scope in [
        "openid \"quoted\"",
        "openid back\\slash",
        "openid\tprofile",
        "openid 邮箱",
    ] {
        let error = Scopes::parse(scope).unwrap_err();
        assert!(
            matches!(error, ScopeError::Invalid(_)),
            "{scope:?}: {error}"
        );
    }
    assert!(matches!(
        Scopes::parse(&"openid ".repeat(200)),
        Err(ScopeError::Invalid(_))
    ));
}

#[test]
fn redirect_uri_schemes_checked() {
    let accepted = [
        "https://www.gz.gov.cn/auth/callback",
        "https://portal.example:8443/cb?site=1",
        "http://localhost:8080/cb",
        "http://gz.localhost/cb",
        "http://127.0.0.1:3000/cb",
    ];
    for uri in accepted {
        assert_eq!(validate_redirect_uri(uri), Ok(()), "{uri}");
    }

    let rejected = [
        ("http://www.gz.gov.cn/cb", "Scheme"),
        ("http://127.0.0.2/cb", "Scheme"),
        ("http://localhost.evil.example/cb", "Scheme"),
        ("http://[::1]/cb", "Scheme"),
        ("javascript:alert(1)", "Invalid"),
        ("com.example.app:/cb", "Invalid"),
        ("ftp://files.example/cb", "Scheme"),
        ("https://www.gz.gov.cn/cb#top", "Fragment"),
        ("https://www.gz.gov.cn/cb#", "Fragment"),
        ("https://user:pass@www.gz.gov.cn/cb", "UserInfo"),
        ("/relative/cb", "Invalid"),
    ];
    for (uri, kind) in rejected {
        let error = validate_redirect_uri(uri).unwrap_err();
        assert!(format!("{error:?}").starts_with(kind), "{uri}: {error:?}");
    }
}

#[test]
fn redirect_uri_matches_exactly() {
    let registered = vec![
        "https://www.gz.gov.cn/cb".to_string(),
        "http://localhost:8080/cb".to_string(),
    ];

    assert_eq!(
        match_redirect_uri(&registered, "https://www.gz.gov.cn/cb"),
        Ok("https://www.gz.gov.cn/cb")
    );
    for requested in [
        "https://www.gz.gov.cn/cb/",
        "https://WWW.gz.gov.cn/cb",
        "https://www.gz.gov.cn/cb?x=1",
        "https://www.gz.gov.cn:443/cb",
        "http://localhost:8081/cb",
    ] {
        let error = match_redirect_uri(&registered, requested).unwrap_err();
        assert!(
            matches!(error, RedirectError::NotRegistered(_)),
            "{requested}: {error}"
        );
    }
    assert!(matches!(
        match_redirect_uri(&registered, "https://www.gz.gov.cn/cb#x"),
        Err(RedirectError::Fragment(_))
    ));
}

#[test]
fn discovery_for_issuer_fills_endpoints() {
    let discovery = Discovery::for_issuer("https://id.example.gov.cn/");
    let value = serde_json::to_value(&discovery).unwrap();

    assert_eq!(value["issuer"], "https://id.example.gov.cn/");
    assert_eq!(
        value["authorization_endpoint"],
        "https://id.example.gov.cn/authorize"
    );
    assert_eq!(value["token_endpoint"], "https://id.example.gov.cn/token");
    assert_eq!(
        value["userinfo_endpoint"],
        "https://id.example.gov.cn/userinfo"
    );
    assert_eq!(value["jwks_uri"], "https://id.example.gov.cn/jwks.json");
    assert_eq!(
        value["end_session_endpoint"],
        "https://id.example.gov.cn/logout"
    );
    assert_eq!(value["response_types_supported"], json!(["code"]));
    assert_eq!(value["subject_types_supported"], json!(["public"]));
    assert_eq!(
        value["id_token_signing_alg_values_supported"],
        json!(["ES256"])
    );
    assert_eq!(value["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        value["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(value["scopes_supported"][0], "openid");
    assert!(discovery.issuer_matches("https://id.example.gov.cn/"));
    assert!(!discovery.issuer_matches("https://id.example.gov.cn"));
}

#[test]
fn discovery_round_trips() {
    let discovery = Discovery::for_issuer(ISSUER);
    let json = serde_json::to_string(&discovery).unwrap();

    assert_eq!(serde_json::from_str::<Discovery>(&json).unwrap(), discovery);
}

#[test]
fn upstream_discovery_parses() {
    let upstream: Discovery = serde_json::from_value(json!({
        "issuer": "https://sso.province.example",
        "authorization_endpoint": "https://sso.province.example/oauth2/authorize",
        "token_endpoint": "https://sso.province.example/oauth2/token",
        "jwks_uri": "https://sso.province.example/oauth2/keys",
        "response_types_supported": ["code", "id_token", "code id_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "request_uri_parameter_supported": false,
        "mtls_endpoint_aliases": {"token_endpoint": "https://mtls.example/token"}
    }))
    .unwrap();

    assert_eq!(upstream.id_token_signing_alg_values_supported, ["RS256"]);
    assert_eq!(upstream.userinfo_endpoint, None);
    assert!(upstream.code_challenge_methods_supported.is_empty());
    assert!(!upstream.backchannel_logout_supported);
}

#[test]
fn upstream_discovery_without_jwks_uri_fails() {
    let result = serde_json::from_value::<Discovery>(json!({
        "issuer": "https://sso.province.example",
        "authorization_endpoint": "https://sso.province.example/authorize",
        "token_endpoint": "https://sso.province.example/token",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"]
    }));

    assert!(result.unwrap_err().to_string().contains("jwks_uri"));
}
