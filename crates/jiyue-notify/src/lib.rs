//! Pluggable delivery of e-mail and SMS for sign-up codes, verification links and case
//! reminders.
//!
//! Each kind of message goes through a channel chosen by configuration:
//!
//! - mail: a folder of `.eml` files (the default, under `<data_dir>/outbox-mail/`) or an SMTP
//!   server;
//! - SMS: a folder of `.json` files (the default, under `<data_dir>/outbox-sms/`) or an HTTP
//!   gateway that takes JSON.
//!
//! Channels validate every message before sending it. They log only masked recipients (see
//! [`mask_address`]) and never message bodies, passwords or tokens.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod config;
mod error;
mod mail;
mod message;
mod outbox;
mod sms;
mod smtp;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use jiyue_core::Clock;

pub use config::{
    MailConfig, SmsConfig, SmtpSecurity, DEFAULT_TIMEOUT_SECS, MAIL_OUTBOX_DIR, SMS_OUTBOX_DIR,
};
pub use error::NotifyError;
pub use mail::{read_folder_mail, StoredMail};
pub use message::{mask_address, Mail, Sms};
pub use sms::read_folder_sms;

/// A way to send e-mail. Implementations are cheap to share behind an `Arc`.
pub trait MailChannel: Send + Sync {
    /// Validates and sends one message.
    ///
    /// # Errors
    ///
    /// A validation error for a malformed recipient or subject, or an error from the
    /// folder or server. [`NotifyError::is_transient`] returns whether a retry may help.
    fn send(&self, mail: &Mail) -> BoxFuture<'_, Result<Delivery, NotifyError>>;

    /// Describes where messages go, for the startup log, without secrets.
    fn describe(&self) -> String;
}

/// A way to send SMS.
pub trait SmsChannel: Send + Sync {
    /// Validates and sends one message.
    ///
    /// # Errors
    ///
    /// A validation error for a malformed number or template name, or an error from the
    /// folder or gateway. [`NotifyError::is_transient`] returns whether a retry may help.
    fn send(&self, sms: &Sms) -> BoxFuture<'_, Result<Delivery, NotifyError>>;

    /// Describes where messages go, for the startup log, without secrets.
    fn describe(&self) -> String;
}

/// Proof that a channel accepted a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The outbox file name for folder channels. For SMTP, the server's queue id when its
    /// reply has one, else the Message-ID. For the SMS gateway, the `id` field of its JSON
    /// response, or empty when the response has none.
    pub id: String,
}

/// Creates the mail channel that `config` selects, reading the system clock for the Date
/// header and outbox file names.
///
/// # Errors
///
/// [`NotifyError::InvalidConfig`] for an invalid From address, host, timeout or credentials.
pub fn mail_channel(config: &MailConfig) -> Result<Arc<dyn MailChannel>, NotifyError> {
    mail_channel_with_clock(config, Arc::new(SystemClock))
}

/// Creates the mail channel that `config` selects, taking the time from `clock`.
///
/// # Errors
///
/// As [`mail_channel`].
pub fn mail_channel_with_clock(
    config: &MailConfig,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn MailChannel>, NotifyError> {
    match config {
        MailConfig::Folder { dir } => Ok(Arc::new(mail::FolderMail {
            dir: dir.clone(),
            clock,
        })),
        MailConfig::Smtp {
            host,
            port,
            security,
            username,
            password,
            from,
            timeout_secs,
        } => {
            let settings = smtp::SmtpSettings {
                host,
                port: *port,
                security: *security,
                username: username.as_deref(),
                password: password.as_deref(),
                from,
                timeout_secs: *timeout_secs,
            };
            Ok(Arc::new(smtp::SmtpMail::new(&settings, clock)?))
        }
    }
}

/// Creates the SMS channel that `config` selects, reading the system clock for the `at`
/// field of outbox files and their names.
///
/// # Errors
///
/// [`NotifyError::InvalidConfig`] for an invalid gateway URL or timeout.
pub fn sms_channel(config: &SmsConfig) -> Result<Arc<dyn SmsChannel>, NotifyError> {
    sms_channel_with_clock(config, Arc::new(SystemClock))
}

/// Creates the SMS channel that `config` selects, taking the time from `clock`.
///
/// # Errors
///
/// As [`sms_channel`].
pub fn sms_channel_with_clock(
    config: &SmsConfig,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn SmsChannel>, NotifyError> {
    match config {
        SmsConfig::Folder { dir } => Ok(Arc::new(sms::FolderSms {
            dir: dir.clone(),
            clock,
        })),
        SmsConfig::Http {
            url,
            token,
            timeout_secs,
        } => Ok(Arc::new(sms::HttpSms::new(
            url,
            token.as_deref(),
            *timeout_secs,
        )?)),
    }
}

/// The system clock, for callers that keep the constructors' simple form.
///
/// NOTE: this is the only place outside the binary that reads the system clock. Tests and
/// code that must control time use the `_with_clock` constructors.
struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
