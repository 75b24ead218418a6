//! The rules for granting a role to an account that already has some grants.

use super::{Grant, GrantScope, Role};

/// A grant that the separation rules forbid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    /// The account would mix a separated administrator role with another role.
    #[error(
        "the account has {} and cannot also be granted {}, because a separated administrator \
         role (system, security or audit) is never combined with another role; use a separate \
         account",
        held.as_str(),
        new.as_str()
    )]
    SeparatedAdmin { held: Role, new: Role },

    /// A separated administrator role was requested below platform scope.
    #[error("{} can only be granted at platform scope; grant it for the whole platform", role.as_str())]
    AdminScope { role: Role },

    /// The account already has exactly this grant.
    #[error("the account already has this grant; nothing to do")]
    Duplicate,
}

impl GrantError {
    /// Returns the message catalog key, such as `grant-separated-admin`.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::SeparatedAdmin { .. } => "grant-separated-admin",
            Self::AdminScope { .. } => "grant-admin-scope",
            Self::Duplicate => "grant-duplicate",
        }
    }
}

/// Checks whether `new` may be added to an account whose current grants are `held`.
///
/// A separated administrator role (system, security, audit) is granted only at platform scope,
/// and an account with one has no other role: neither a second separated role nor an
/// ordinary one. An account with ordinary roles cannot get a separated one. Granting the same
/// role at the same scope again is `Duplicate`.
pub fn check_grant(held: &[Grant], new: &Grant) -> Result<(), GrantError> {
    if new.role.is_separated_admin() && new.scope != GrantScope::Platform {
        return Err(GrantError::AdminScope { role: new.role });
    }
    if held.contains(new) {
        return Err(GrantError::Duplicate);
    }

    for existing in held {
        let separated = existing.role.is_separated_admin() || new.role.is_separated_admin();
        if separated && existing.role != new.role {
            return Err(GrantError::SeparatedAdmin {
                held: existing.role,
                new: new.role,
            });
        }
    }
    Ok(())
}
