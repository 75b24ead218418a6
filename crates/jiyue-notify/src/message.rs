//! The messages that channels send, their validation, and masking of recipients for logs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::NotifyError;

/// An e-mail to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Recipient address, `local@domain`.
    pub to: String,
    /// Subject line, any Unicode text without line breaks.
    pub subject: String,
    /// Plain text body.
    pub text: String,
    /// HTML body; when set, the message is `multipart/alternative` with the text body first.
    pub html: Option<String>,
}

impl Mail {
    /// Checks the recipient address and the subject.
    ///
    /// # Errors
    ///
    /// [`NotifyError::InvalidAddress`] for a malformed recipient and
    /// [`NotifyError::HeaderInjection`] for a subject with CR or LF.
    pub fn validate(&self) -> Result<(), NotifyError> {
        validate_email(&self.to)?;

        if self.subject.contains(['\r', '\n']) {
            return Err(NotifyError::HeaderInjection { field: "subject" });
        }

        Ok(())
    }
}

/// A text message to one mainland mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sms {
    /// Mainland mobile number, 11 digits starting with 1.
    pub to: String,
    /// Template name registered at the gateway, such as `sign_in_code`.
    pub template: String,
    /// Template parameters, such as `code`.
    pub params: BTreeMap<String, String>,
    /// The rendered text, for the folder channel and for gateways that take text.
    pub text: String,
}

impl Sms {
    /// Checks the mobile number and the template name.
    ///
    /// # Errors
    ///
    /// [`NotifyError::InvalidMobile`] or [`NotifyError::InvalidTemplate`].
    pub fn validate(&self) -> Result<(), NotifyError> {
        if !is_mainland_mobile(&self.to) {
            return Err(NotifyError::InvalidMobile {
                value: mask_address(&self.to),
            });
        }

        let template_ok = !self.template.is_empty()
            && self
                .template
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !template_ok {
            return Err(NotifyError::InvalidTemplate {
                value: self.template.clone(),
            });
        }

        Ok(())
    }
}

/// Tells whether `to` is 11 ASCII digits starting with 1.
fn is_mainland_mobile(to: &str) -> bool {
    to.len() == 11 && to.starts_with('1') && to.bytes().all(|b| b.is_ascii_digit())
}

/// Checks that `address` is a single `local@domain` address with a dot in the domain.
///
/// The check is deliberately narrower than RFC 5322: no display names, quoted local parts,
/// comments or whitespace, because codes and links only go to plain addresses.
pub(crate) fn validate_email(address: &str) -> Result<(), NotifyError> {
    let reject = |reason| {
        Err(NotifyError::InvalidAddress {
            value: mask_address(address),
            reason,
        })
    };

    if address.is_empty() {
        return reject("the address is empty");
    }
    if address.contains(['\r', '\n']) {
        return reject("it contains a line break");
    }
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return reject("it contains whitespace or a control character");
    }
    if address.contains(['<', '>', ',', ';', '"', '(', ')', '[', ']', '\\']) {
        return reject("it contains one of < > , ; \" ( ) [ ] \\");
    }

    let Some((local, domain)) = address.split_once('@') else {
        return reject("it has no @");
    };
    if local.is_empty() {
        return reject("the part before @ is empty");
    }
    if domain.contains('@') {
        return reject("it has more than one @");
    }
    if !domain.contains('.') {
        return reject("the domain has no dot");
    }
    if domain.split('.').any(str::is_empty) {
        return reject("the domain has an empty label");
    }

    Ok(())
}

/// Masks a mobile number or e-mail address for logs and error messages.
///
/// - E-mail addresses keep the first character of the local part and the domain:
///   `zhang@example.cn` becomes `z***@example.cn`. Local parts of one or two characters are
///   masked whole.
/// - Strings of 11 or more digits (an optional leading `+` allowed) keep all but the 4 digits
///   before the last 4: `13812345678` becomes `138****5678`, `+8613812345678` becomes
///   `+86138****5678`. Strings of 7 to 10 digits keep only their last 2 digits.
/// - Anything else becomes `***`, so malformed input never reaches a log unmasked.
///
/// Control characters in the kept domain are replaced by `?`.
pub fn mask_address(to: &str) -> String {
    if let Some((local, domain)) = to.rsplit_once('@') {
        let domain: String = domain
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        let mut local_chars = local.chars();
        return match (local_chars.next(), local.chars().count()) {
            (Some(first), count) if count > 2 && !first.is_control() => {
                format!("{first}***@{domain}")
            }
            _ => format!("***@{domain}"),
        };
    }

    let digits = to.strip_prefix('+').unwrap_or(to);
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        // Only ASCII digits and one leading `+` remain here, so byte offsets are char offsets.
        if digits.len() >= 11 {
            let head = to.len() - 8;
            return format!("{}****{}", &to[..head], &to[to.len() - 4..]);
        }
        if digits.len() >= 7 {
            let hidden = "*".repeat(to.len() - 2);
            return format!("{hidden}{}", &to[to.len() - 2..]);
        }
    }

    "***".to_owned()
}
