//! The `scope` request parameter (RFC 6749 section 3.3) and the OpenID Connect scope values.

use super::error::ScopeError;

/// The maximum length of a `scope` parameter in bytes. The six standard scopes take 47.
const MAX_SCOPE_BYTES: usize = 1024;

/// A scope value this provider understands (OpenID Connect Core sections 5.4 and 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `openid`, which marks the request as OpenID Connect.
    OpenId,
    /// `profile`: name, preferred username and similar claims.
    Profile,
    /// `email`: the e-mail address and whether it is verified.
    Email,
    /// `phone`: the phone number and whether it is verified.
    Phone,
    /// `address`: the postal address.
    Address,
    /// `offline_access`: a refresh token that outlives the browser session.
    OfflineAccess,
}

impl Scope {
    /// All scope values, in the order the discovery document lists them.
    pub const ALL: [Scope; 6] = [
        Scope::OpenId,
        Scope::Profile,
        Scope::Email,
        Scope::Phone,
        Scope::Address,
        Scope::OfflineAccess,
    ];

    /// Returns the scope value as it appears in requests.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OpenId => "openid",
            Scope::Profile => "profile",
            Scope::Email => "email",
            Scope::Phone => "phone",
            Scope::Address => "address",
            Scope::OfflineAccess => "offline_access",
        }
    }

    /// Finds the scope with the given value.
    pub fn from_name(name: &str) -> Option<Self> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }
}

/// A parsed `scope` parameter: the known scopes in request order without duplicates, and the
/// unknown values, which the provider ignores as OpenID Connect Core section 3.1.2.1 allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes {
    known: Vec<Scope>,
    unknown: Vec<String>,
}

impl Scopes {
    /// Parses a space-separated scope list, which must contain `openid`.
    pub fn parse(scope: &str) -> Result<Self, ScopeError> {
        if scope.len() > MAX_SCOPE_BYTES {
            return Err(ScopeError::Invalid(format!(
                "{} bytes, more than the maximum of {MAX_SCOPE_BYTES}",
                scope.len()
            )));
        }

        let mut known = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for value in scope.split(' ').filter(|value| !value.is_empty()) {
            check_scope_token(value)?;
            match Scope::from_name(value) {
                Some(scope) if !known.contains(&scope) => known.push(scope),
                Some(_) => {}
                None if !unknown.iter().any(|seen| seen == value) => {
                    unknown.push(value.to_string())
                }
                None => {}
            }
        }

        if !known.contains(&Scope::OpenId) {
            return Err(ScopeError::MissingOpenId(scope.to_string()));
        }
        Ok(Self { known, unknown })
    }

    /// Tells whether the request contains `scope`.
    pub fn contains(&self, scope: Scope) -> bool {
        self.known.contains(&scope)
    }

    /// Returns the known scopes in request order.
    pub fn known(&self) -> &[Scope] {
        &self.known
    }

    /// Returns the unknown scope values in request order, which the provider ignores.
    pub fn unknown(&self) -> &[String] {
        &self.unknown
    }
}

impl std::fmt::Display for Scopes {
    /// Formats the known scopes as a space-separated list, the granted `scope` of a response.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, scope) in self.known.iter().enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope.as_str())?;
        }
        Ok(())
    }
}

/// Checks the RFC 6749 scope-token syntax: printable ASCII except space, `"` and `\`.
fn check_scope_token(value: &str) -> Result<(), ScopeError> {
    let allowed = |byte: u8| matches!(byte, 0x21 | 0x23..=0x5B | 0x5D..=0x7E);
    if value.bytes().all(allowed) {
        Ok(())
    } else {
        Err(ScopeError::Invalid(format!(
            "scope value {value:?} contains a character outside printable ASCII or '\"' or '\\'"
        )))
    }
}
