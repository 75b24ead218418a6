//! The OpenID Provider metadata document (OpenID Connect Discovery 1.0 section 3), served at
//! `/.well-known/openid-configuration` and parsed from upstream providers.

use serde::{Deserialize, Serialize};

use super::keys::ES256;
use super::pkce::S256;
use super::scopes::Scope;

/// The claims our provider can put in ID tokens and userinfo responses.
const CLAIMS_SUPPORTED: [&str; 17] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "azp",
    "sid",
    "acr",
    "amr",
    "name",
    "preferred_username",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
];

/// OpenID Provider metadata. Members this struct does not list are ignored on input, and
/// optional members default to absent or empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    /// The issuer identifier, equal to the `iss` of every ID token.
    pub issuer: String,
    /// The URL of the authorization endpoint.
    pub authorization_endpoint: String,
    /// The URL of the token endpoint.
    pub token_endpoint: String,
    /// The URL of the userinfo endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    /// The URL of the JWK set with the keys that sign ID tokens.
    pub jwks_uri: String,
    /// The URL of the RP-initiated logout endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    /// The supported `response_type` values.
    pub response_types_supported: Vec<String>,
    /// The supported grant types. When absent, RFC 8414 defaults them to authorization_code
    /// and implicit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_types_supported: Vec<String>,
    /// The subject identifier types, `public` or `pairwise`.
    pub subject_types_supported: Vec<String>,
    /// The algorithms that sign ID tokens.
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// The supported scope values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// The supported client authentication methods of the token endpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// The supported PKCE methods (RFC 8414).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<String>,
    /// The claims the provider may supply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims_supported: Vec<String>,
    /// Whether the provider supports front-channel logout.
    #[serde(default)]
    pub frontchannel_logout_supported: bool,
    /// Whether the provider sends `iss` and `sid` to front-channel logout URIs.
    #[serde(default)]
    pub frontchannel_logout_session_supported: bool,
    /// Whether the provider supports back-channel logout.
    #[serde(default)]
    pub backchannel_logout_supported: bool,
    /// Whether the provider puts `sid` in back-channel logout tokens.
    #[serde(default)]
    pub backchannel_logout_session_supported: bool,
}

impl Discovery {
    /// Builds our provider's metadata for `issuer`, with endpoints at `/authorize`, `/token`,
    /// `/userinfo`, `/jwks.json` and `/logout` under it.
    ///
    /// The document announces the code flow with S256 PKCE, ES256 ID tokens and public subject
    /// identifiers. A trailing slash of `issuer` is not
    /// doubled in the endpoint URLs, but `issuer` itself is kept as given because ID tokens
    /// must repeat it exactly.
    pub fn for_issuer(issuer: &str) -> Self {
        let base = issuer.trim_end_matches('/');
        let endpoint = |path: &str| format!("{base}{path}");
        let strings = |values: &[&str]| values.iter().map(|value| value.to_string()).collect();

        Self {
            issuer: issuer.to_string(),
            authorization_endpoint: endpoint("/authorize"),
            token_endpoint: endpoint("/token"),
            userinfo_endpoint: Some(endpoint("/userinfo")),
            jwks_uri: endpoint("/jwks.json"),
            end_session_endpoint: Some(endpoint("/logout")),
            response_types_supported: strings(&["code"]),
            grant_types_supported: strings(&["authorization_code", "refresh_token"]),
            subject_types_supported: strings(&["public"]),
            id_token_signing_alg_values_supported: strings(&[ES256]),
            scopes_supported: Scope::ALL
                .iter()
                .map(|scope| scope.as_str().to_string())
                .collect(),
            token_endpoint_auth_methods_supported: strings(&[
                "client_secret_basic",
                "client_secret_post",
                "none",
            ]),
            code_challenge_methods_supported: strings(&[S256]),
            claims_supported: strings(&CLAIMS_SUPPORTED),
            // NOTE: the logout flags stay false until the HTTP layer implements front- or
            // back-channel logout, because relying parties rely on them.
            frontchannel_logout_supported: false,
            frontchannel_logout_session_supported: false,
            backchannel_logout_supported: false,
            backchannel_logout_session_supported: false,
        }
    }

    /// Tells whether the document's `issuer` equals the issuer URL it was fetched for, which
    /// OpenID Connect Discovery section 4.3 requires before a relying party uses it.
    pub fn issuer_matches(&self, expected_issuer: &str) -> bool {
        self.issuer == expected_issuer
    }
}
