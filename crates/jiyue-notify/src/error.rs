//! The error type of every channel, config check and outbox reader in this crate.
//!
//! Messages name the failing value and the fix. Addresses and mobile numbers appear only
//! masked, and passwords and tokens never appear.

use std::path::PathBuf;

/// Failure to validate, build, store or send a notification, or to read an outbox folder.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// An e-mail address is empty or malformed, or contains a line break.
    #[error(
        "invalid e-mail address {value}: {reason}; use one address of the form local@domain, \
         such as name@example.cn"
    )]
    InvalidAddress {
        /// The address, masked.
        value: String,
        /// The reason the address is invalid.
        reason: &'static str,
    },

    /// A header value such as the subject contains CR or LF, which would start a new header.
    #[error("the {field} contains a line break; remove CR and LF characters from the {field}")]
    HeaderInjection {
        /// The header that contains the line break, such as `subject`.
        field: &'static str,
    },

    /// An SMS recipient is not a mainland mobile number.
    #[error(
        "invalid mobile number {value}: expected 11 digits starting with 1, such as \
         13800138000, without country code, spaces or dashes"
    )]
    InvalidMobile {
        /// The number, masked.
        value: String,
    },

    /// An SMS template name is empty or has characters other than ASCII letters, digits and `_`.
    #[error(
        "invalid SMS template name {value:?}: use ASCII letters, digits and underscores, \
         such as sign_in_code"
    )]
    InvalidTemplate {
        /// The template name as given.
        value: String,
    },

    /// A channel configuration value is invalid.
    #[error("invalid {setting} in the notification config: {message}")]
    InvalidConfig {
        /// The setting, such as `smtp.from` or `sms.url`.
        setting: &'static str,
        /// The problem and its fix.
        message: String,
    },

    /// Building the RFC 5322 message failed.
    #[error("could not build the e-mail message: {0}")]
    Build(String),

    /// Reading or writing an outbox folder failed.
    #[error("could not {action} {path}: {source}; check that the folder exists and that the server's user can write to it")]
    Io {
        /// The operation, such as `write` or `create folder`.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// A file in an outbox folder is not a message this crate wrote.
    #[error("could not read {path}: {reason}; move the file out of the outbox folder")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The parse failure.
        reason: String,
    },

    /// The SMTP server did not finish the delivery within the configured timeout.
    #[error("SMTP server {server} timed out after {secs} s; check that it is reachable or raise timeout_secs")]
    SmtpTimedOut {
        /// `host:port` of the server.
        server: String,
        /// The configured timeout in seconds.
        secs: u64,
    },

    /// The SMTP server rejected the message for good, for example an unknown recipient or
    /// failed authentication.
    #[error("SMTP server {server} rejected the message: {detail}; check the recipient, the From address and the credentials")]
    SmtpRejected {
        /// `host:port` of the server.
        server: String,
        /// The server's reply.
        detail: String,
    },

    /// The SMTP server refused the message for now (a 4xx reply).
    #[error("SMTP server {server} deferred the message: {detail}; retry later")]
    SmtpDeferred {
        /// `host:port` of the server.
        server: String,
        /// The server's reply.
        detail: String,
    },

    /// Connecting to, or speaking with, the SMTP server failed.
    #[error("could not send mail through SMTP server {server}: {detail}; check that the server is running and that host, port and security are right")]
    SmtpFailed {
        /// `host:port` of the server.
        server: String,
        /// The failure, such as a refused connection or a TLS handshake failure.
        detail: String,
    },

    /// The SMS gateway responded with a status other than 2xx.
    #[error("SMS gateway {url} returned HTTP {status}: {body}")]
    GatewayStatus {
        /// The gateway URL without its query string.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the response body, with phone numbers and other personal data masked.
        body: String,
    },

    /// The SMS gateway did not respond within the configured timeout.
    #[error("SMS gateway {url} timed out after {secs} s; check that it is reachable or raise timeout_secs")]
    GatewayTimedOut {
        /// The gateway URL without its query string.
        url: String,
        /// The configured timeout in seconds.
        secs: u64,
    },

    /// Connecting to the SMS gateway or reading its response failed.
    #[error("could not send SMS through gateway {url}: {detail}; check that the gateway is running and the URL is right")]
    GatewayFailed {
        /// The gateway URL without its query string.
        url: String,
        /// The failure.
        detail: String,
    },
}

impl NotifyError {
    /// Returns whether sending again later may succeed: true for timeouts, deferrals,
    /// connection failures and gateway responses of 429 or 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::SmtpTimedOut { .. }
            | Self::SmtpDeferred { .. }
            | Self::SmtpFailed { .. }
            | Self::GatewayTimedOut { .. }
            | Self::GatewayFailed { .. } => true,
            Self::GatewayStatus { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
