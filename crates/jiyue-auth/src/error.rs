//! The error type shared by the fallible operations of this crate.

use std::path::PathBuf;

/// Errors from hashing, secret decoding and key file handling.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Argon2 could not hash a password.
    #[error("password hashing failed: {0}")]
    Hash(String),

    /// A TOTP secret is not valid base32 or is too short.
    #[error("invalid TOTP secret: {0}")]
    Base32(String),

    /// An audit chain key is missing, too short or malformed.
    #[error("invalid audit chain key: {0}")]
    Key(String),

    /// Reading or writing a key file failed.
    #[error("cannot read or write {}: {source}; check that the path exists and is accessible to the server account", path.display())]
    Io {
        /// The file or folder that failed.
        path: PathBuf,
        /// The underlying operating system error.
        #[source]
        source: std::io::Error,
    },
}
