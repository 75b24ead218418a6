//! Channel configuration as read from the TOML config file.
//!
//! ```toml
//! [mail]
//! kind = "smtp"
//! host = "smtp.example.cn"
//! port = 587
//! security = "starttls"
//! username = "noreply"
//! password = "..."
//! from = "noreply@example.cn"
//!
//! [sms]
//! kind = "http"
//! url = "http://sms-gateway.internal/send"
//! token = "..."
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Name of the mail outbox folder under the data directory.
pub const MAIL_OUTBOX_DIR: &str = "outbox-mail";

/// Name of the SMS outbox folder under the data directory.
pub const SMS_OUTBOX_DIR: &str = "outbox-sms";

/// Default timeout for sending one message by SMTP or through the gateway, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// Destination of e-mail: a folder or an SMTP server.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum MailConfig {
    /// Writes each message as an `.eml` file into `dir`.
    Folder {
        /// The outbox folder, created with mode 0700 when missing.
        dir: PathBuf,
    },
    /// Sends each message to an SMTP server.
    Smtp {
        /// Server host name or IP address.
        host: String,
        /// Server port, usually 587 for STARTTLS, 465 for TLS and 25 for a plain relay.
        port: u16,
        /// Encryption of the connection, STARTTLS when not set.
        #[serde(default)]
        security: SmtpSecurity,
        /// User name for SMTP AUTH. Without it the channel does not authenticate.
        #[serde(default)]
        username: Option<String>,
        /// Password for SMTP AUTH. Never shown by `Debug`.
        #[serde(default)]
        password: Option<String>,
        /// The From address of every message, `local@domain`.
        from: String,
        /// Timeout for sending one message, from connecting to the server's last reply, in
        /// seconds.
        #[serde(default = "default_timeout_secs")]
        timeout_secs: u64,
    },
}

impl MailConfig {
    /// Returns the default configuration: the `outbox-mail` folder under `data_dir`.
    pub fn folder_in(data_dir: &Path) -> Self {
        Self::Folder {
            dir: data_dir.join(MAIL_OUTBOX_DIR),
        }
    }
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Folder { dir } => f.debug_struct("Folder").field("dir", dir).finish(),
            Self::Smtp {
                host,
                port,
                security,
                username,
                password,
                from,
                timeout_secs,
            } => f
                .debug_struct("Smtp")
                .field("host", host)
                .field("port", port)
                .field("security", security)
                .field("username", username)
                .field("password", &password.as_ref().map(|_| "<redacted>"))
                .field("from", from)
                .field("timeout_secs", timeout_secs)
                .finish(),
        }
    }
}

/// Encryption of the SMTP connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text, for a relay on the same host or network only.
    None,
    /// Plain connection upgraded with STARTTLS, which the server must offer.
    #[default]
    StartTls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

/// Destination of SMS messages: a folder or an HTTP gateway.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum SmsConfig {
    /// Writes each message as a `.json` file into `dir`.
    Folder {
        /// The outbox folder, created with mode 0700 when missing.
        dir: PathBuf,
    },
    /// Posts each message as JSON to an HTTP gateway.
    Http {
        /// The gateway endpoint, `http://` or `https://`. `Debug` shows it without user info
        /// and query.
        url: String,
        /// Bearer token sent in the `Authorization` header. Never shown by `Debug`.
        #[serde(default)]
        token: Option<String>,
        /// Timeout for the whole request, in seconds.
        #[serde(default = "default_timeout_secs")]
        timeout_secs: u64,
    },
}

impl SmsConfig {
    /// Returns the default configuration: the `outbox-sms` folder under `data_dir`.
    pub fn folder_in(data_dir: &Path) -> Self {
        Self::Folder {
            dir: data_dir.join(SMS_OUTBOX_DIR),
        }
    }
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Folder { dir } => f.debug_struct("Folder").field("dir", dir).finish(),
            Self::Http {
                url,
                token,
                timeout_secs,
            } => f
                .debug_struct("Http")
                .field("url", &debug_url(url))
                .field("token", &token.as_ref().map(|_| "<redacted>"))
                .field("timeout_secs", timeout_secs)
                .finish(),
        }
    }
}

/// Returns the URL without user info and query, which may carry credentials.
fn debug_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) => crate::sms::display_url(&parsed),
        Err(_) => "<invalid URL>".to_owned(),
    }
}

fn default_timeout_secs() -> u64 {
    DEFAULT_TIMEOUT_SECS
}
