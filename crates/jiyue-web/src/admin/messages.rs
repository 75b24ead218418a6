//! Texts that admin handlers put on pages: form errors tied to their field, the catalog
//! messages of password-policy and grant errors, the password rules hint, and the notices a
//! redirect names by code.

use jiyue_auth::{GrantError, PolicyError};
use jiyue_render::MessageArg;
use serde::Serialize;

use super::render;
use crate::App;

/// An error shown in a form's error summary, linked to the input with id `field`.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub text: String,
}

impl FieldError {
    /// Creates an error for `field` with catalog message `key`.
    pub fn new(field: &'static str, key: &str) -> Self {
        Self {
            field,
            text: render::message(key),
        }
    }

    /// Creates an error for `field` with text already formatted.
    pub fn text(field: &'static str, text: String) -> Self {
        Self { field, text }
    }
}

/// Formats a password-policy refusal with its limits.
pub fn policy_error(error: &PolicyError) -> String {
    let number = |n: usize| MessageArg::Number(n as f64);
    let args = match error {
        PolicyError::TooShort { min } => vec![("min", number(*min))],
        PolicyError::TooLong { max } => vec![("max", number(*max))],
        PolicyError::TooFewClasses { min, found } => vec![
            ("min", MessageArg::Number(f64::from(*min))),
            ("found", MessageArg::Number(f64::from(*found))),
        ],
        PolicyError::ContainsUsername => Vec::new(),
    };
    render::format_args(error.message_id(), &args)
}

/// Formats a grant refusal, naming the roles involved.
pub fn grant_error(error: &GrantError) -> String {
    let role = |role: &jiyue_auth::Role| render::message(role.message_id());
    let args = match error {
        GrantError::SeparatedAdmin { held, new } => {
            vec![("held", role(held)), ("new", role(new))]
        }
        GrantError::AdminScope { role: r } => vec![("role", role(r))],
        GrantError::Duplicate => Vec::new(),
    };
    render::format(error.message_id(), &args)
}

/// Describes the configured password rules, for the hint under a new-password field.
pub fn password_hint(app: &App) -> String {
    let policy = &app.admin.password_policy;
    render::format_args(
        "admin-password-hint",
        &[
            ("min", MessageArg::Number(policy.min_length as f64)),
            ("max", MessageArg::Number(policy.max_length as f64)),
            ("classes", MessageArg::Number(f64::from(policy.min_classes))),
        ],
    )
}

/// The notices a page shows after a redirect, by the code in its `notice` query parameter.
/// Only these codes show anything, so a link cannot put arbitrary text on a page.
const NOTICES: [(&str, &str); 15] = [
    ("idle", "admin-notice-idle"),
    ("signed-out", "admin-notice-signed-out"),
    ("restart", "admin-notice-restart"),
    ("password-changed", "admin-notice-password-changed"),
    ("session-revoked", "admin-notice-session-revoked"),
    ("staff-created", "admin-notice-staff-created"),
    ("unlocked", "admin-notice-unlocked"),
    ("must-change-password", "admin-notice-must-change-password"),
    ("grant-added", "admin-notice-grant-added"),
    ("grant-removed", "admin-notice-grant-removed"),
    ("disabled", "admin-notice-disabled"),
    ("enabled", "admin-notice-enabled"),
    ("factor-reset", "admin-notice-factor-reset"),
    ("password-reset", "admin-notice-password-reset"),
    ("email-saved", "monitor-notice-email-saved"),
];

/// Returns the text of notice `code`, or an empty text for an unknown or missing code.
pub fn notice(app: &App, code: Option<&str>) -> String {
    let Some(key) = code.and_then(|code| NOTICES.iter().find(|(c, _)| *c == code)) else {
        return String::new();
    };
    let minutes = app.admin.idle_timeout.num_minutes() as f64;
    render::format_args(key.1, &[("minutes", MessageArg::Number(minutes))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_errors_name_their_limits() {
        let text = policy_error(&PolicyError::TooShort { min: 12 });
        assert!(text.contains("12"), "{text}");
        let text = policy_error(&PolicyError::TooFewClasses { min: 3, found: 1 });
        assert!(text.contains('3'), "{text}");
        assert!(text.contains('1'), "{text}");
    }

    #[test]
    fn grant_errors_name_the_roles() {
        let text = grant_error(&GrantError::SeparatedAdmin {
            held: jiyue_auth::Role::SecurityAdmin,
            new: jiyue_auth::Role::AuditAdmin,
        });
        assert!(
            text.contains("安全管理员") && text.contains("审计管理员"),
            "{text}"
        );
    }
}
