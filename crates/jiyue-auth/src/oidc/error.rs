//! Error types of the OpenID Connect primitives, one enum per concern.

/// Errors from loading, encoding or describing a signing or verification key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The PKCS#8 document is not a valid P-256 private key.
    #[error("invalid PKCS#8 P-256 private key: {0}; supply an unencrypted PKCS#8 DER EC key on curve P-256")]
    Pkcs8(String),

    /// A JWK lacks a member that its key type requires.
    #[error("JWK with kty {kty:?} is missing the {member:?} member")]
    MissingMember {
        /// The key type of the JWK.
        kty: String,
        /// The missing member name.
        member: &'static str,
    },

    /// A JWK has a key type or curve that this module does not support.
    #[error("unsupported JWK key type {0:?}; only EC keys on P-256 and RSA keys are supported")]
    UnsupportedKeyType(String),

    /// A JWK member is not valid base64url or does not describe a valid key.
    #[error("invalid JWK member {member:?}: {reason}")]
    InvalidMember {
        /// The JWK member that failed.
        member: &'static str,
        /// The reason the value is invalid.
        reason: String,
    },
}

/// Errors from verifying a compact JWS.
#[derive(Debug, thiserror::Error)]
pub enum JwsError {
    /// The token is longer than the accepted maximum.
    #[error("token is {length} bytes, more than the maximum of {max} bytes")]
    TooLarge {
        /// The length of the rejected token in bytes.
        length: usize,
        /// The maximum accepted length in bytes.
        max: usize,
    },

    /// The token is not three base64url parts of valid JSON separated by dots.
    #[error("malformed token: {0}")]
    Malformed(String),

    /// The header has `alg` set to `none`, so the token carries no signature.
    #[error("token header has alg \"none\"; unsigned tokens are rejected")]
    AlgNone,

    /// The header names an algorithm other than ES256 and RS256.
    #[error("unsupported token algorithm {0:?}; only ES256 and RS256 are accepted")]
    UnsupportedAlg(String),

    /// The header lists critical extensions, which this verifier does not implement.
    #[error("token header lists critical extensions {0:?}, which are not supported")]
    CriticalExtension(Vec<String>),

    /// The header has no `kid` and the key set does not have exactly one key.
    #[error("token header has no kid and the key set has {0} keys; the issuer must send a kid")]
    MissingKid(usize),

    /// No key in the key set has the `kid` of the header.
    #[error("no key with kid {0:?} in the key set; refresh the issuer's JWKS if it rotated keys")]
    UnknownKid(String),

    /// The key found by `kid` does not fit the header's algorithm.
    #[error("token alg {alg:?} does not match key {kid:?}: {reason}")]
    AlgMismatch {
        /// The algorithm named by the token header.
        alg: String,
        /// The key id of the selected key.
        kid: String,
        /// The mismatch between token and key.
        reason: String,
    },

    /// The key selected for verification is unusable.
    #[error("key {kid:?} cannot verify signatures: {source}")]
    Key {
        /// The key id of the selected key.
        kid: String,
        /// The key problem.
        #[source]
        source: KeyError,
    },

    /// The signature does not verify with the selected key.
    #[error("invalid signature for key {0:?}; the token was altered or signed by another key")]
    BadSignature(String),
}

/// Errors from validating the claims of an ID token.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// The claims are not valid ID token claims.
    #[error("invalid ID token claims: {0}")]
    Parse(String),

    /// The `iss` claim differs from the expected issuer.
    #[error("iss claim {actual:?} does not match the expected issuer {expected:?}")]
    Issuer {
        /// The issuer in the token.
        actual: String,
        /// The issuer the caller expected.
        expected: String,
    },

    /// The `aud` claim does not contain the client id.
    #[error("aud claim {actual:?} does not contain the client id {client_id:?}")]
    Audience {
        /// The audiences in the token.
        actual: Vec<String>,
        /// The client id of the relying party.
        client_id: String,
    },

    /// The `azp` claim is missing although the token has several audiences, or differs from the
    /// client id.
    #[error("azp claim {actual:?} is not the client id {client_id:?}")]
    AuthorizedParty {
        /// The authorized party in the token, if any.
        actual: Option<String>,
        /// The client id of the relying party.
        client_id: String,
    },

    /// The `exp` claim is in the past, beyond the leeway.
    #[error("exp claim {exp} is not after the current time {now} minus the leeway of {leeway_secs} s; the token expired")]
    Expired {
        /// The expiry time in the token, in Unix seconds.
        exp: i64,
        /// The current time, in Unix seconds.
        now: i64,
        /// The allowed clock skew, in seconds.
        leeway_secs: i64,
    },

    /// The `iat` claim is in the future, beyond the leeway.
    #[error("iat claim {iat} is after the current time {now} plus the leeway of {leeway_secs} s; check the issuer's clock")]
    IssuedInFuture {
        /// The issue time in the token, in Unix seconds.
        iat: i64,
        /// The current time, in Unix seconds.
        now: i64,
        /// The allowed clock skew, in seconds.
        leeway_secs: i64,
    },

    /// The `nonce` claim is missing or differs from the nonce sent in the authentication
    /// request.
    #[error("nonce claim is {}, not the nonce sent in the authentication request", if *.present { "different" } else { "missing" })]
    Nonce {
        /// Whether the token has a nonce claim at all.
        present: bool,
    },

    /// The `sub` claim is empty or longer than 255 characters.
    #[error("sub claim has {0} characters; it must have 1 to 255")]
    Subject(usize),
}

/// Errors from verifying a signed ID token and validating its claims.
#[derive(Debug, thiserror::Error)]
pub enum IdTokenError {
    /// The token signature or format is invalid.
    #[error(transparent)]
    Jws(#[from] JwsError),

    /// The token claims are invalid.
    #[error(transparent)]
    Claim(#[from] ClaimError),
}

/// Errors from parsing a PKCE code challenge or code verifier.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PkceError {
    /// The request has no `code_challenge_method`, which RFC 7636 reads as `plain`.
    #[error("missing code_challenge_method; this provider requires code_challenge_method=S256")]
    MissingMethod,

    /// The request uses the `plain` method.
    #[error("code_challenge_method \"plain\" is not accepted; this provider requires S256")]
    Plain,

    /// The request uses a method other than `S256` and `plain`.
    #[error("unknown code_challenge_method {0:?}; this provider requires S256")]
    UnknownMethod(String),

    /// The challenge is not the base64url encoding of a SHA-256 digest.
    #[error("invalid code_challenge: {0}; send BASE64URL(SHA256(code_verifier)) without padding, 43 characters")]
    Challenge(String),

    /// The verifier does not have 43 to 128 characters of `[A-Za-z0-9-._~]`.
    #[error("invalid code_verifier: {0}; it must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'")]
    Verifier(String),
}

/// Errors from parsing a `scope` parameter.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScopeError {
    /// The scope list lacks `openid`, so the request is not an OpenID Connect request.
    #[error("scope {0:?} does not contain \"openid\"; add openid to the scope parameter")]
    MissingOpenId(String),

    /// The scope parameter is too long or contains characters outside RFC 6749 scope tokens.
    #[error("invalid scope parameter: {0}")]
    Invalid(String),
}

/// Errors from checking a redirect URI.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RedirectError {
    /// The URI is not an absolute URL.
    #[error("redirect URI {uri:?} is not an absolute URL: {reason}")]
    Invalid {
        /// The rejected URI.
        uri: String,
        /// The parse failure.
        reason: String,
    },

    /// The URI has a fragment, which RFC 6749 forbids in redirection endpoints.
    #[error("redirect URI {0:?} has a fragment; remove the part from '#'")]
    Fragment(String),

    /// The URI contains user name or password information.
    #[error("redirect URI {0:?} contains user information; remove the part before '@'")]
    UserInfo(String),

    /// The URI scheme is neither https nor http on a loopback host.
    #[error("redirect URI {0:?} must use https; http is allowed only for localhost, *.localhost and 127.0.0.1")]
    Scheme(String),

    /// The requested URI is not one of the client's registered URIs.
    #[error("redirect URI {0:?} is not registered for this client; register the exact URI")]
    NotRegistered(String),
}
