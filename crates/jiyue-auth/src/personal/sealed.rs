//! The text form of a sealed value, as stored in a TEXT column.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::CryptoError;

/// Format version written before every sealed value.
const VERSION: &str = "v1";

/// Length of an SM4-GCM nonce in bytes.
pub(super) const NONCE_BYTES: usize = 12;

/// Length of an SM4-GCM authentication tag in bytes.
pub(super) const TAG_BYTES: usize = 16;

/// Maximum length of a key id in characters.
const MAX_KEY_ID_CHARS: usize = 32;

/// An SM4-GCM ciphertext with the id of its key and its nonce. Its text form is
/// `v1.<key id>.<nonce>.<ciphertext and tag>`, both binary parts in unpadded URL-safe base64
/// (RFC 4648 section 5), so it fits a TEXT column and contains no `.` inside a part.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub(super) key_id: String,
    pub(super) nonce: [u8; NONCE_BYTES],
    /// The ciphertext followed by the 16-byte tag.
    pub(super) ciphertext: Vec<u8>,
}

impl Sealed {
    /// Parses the text form written by `Display`.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let parts: Vec<&str> = text.split('.').collect();
        let [version, key_id, nonce, ciphertext] = parts[..] else {
            return Err(CryptoError::Malformed(format!(
                "expected 4 parts separated by '.' (v1.<key id>.<nonce>.<ciphertext>) but found {}; \
                 check that the column holds a sealed value and was not truncated",
                parts.len()
            )));
        };

        if version != VERSION {
            return Err(CryptoError::Malformed(format!(
                "version {version:?} is not supported, only {VERSION:?} is; the value was written \
                 by a newer or unrelated program"
            )));
        }
        check_key_id(key_id).map_err(CryptoError::Malformed)?;

        let nonce = decode_part("nonce", nonce)?;
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|bytes: Vec<u8>| {
            CryptoError::Malformed(format!(
                "nonce has {} bytes but SM4-GCM values use {NONCE_BYTES}",
                bytes.len()
            ))
        })?;

        let ciphertext = decode_part("ciphertext", ciphertext)?;
        if ciphertext.len() < TAG_BYTES {
            return Err(CryptoError::Malformed(format!(
                "ciphertext has {} bytes, fewer than the {TAG_BYTES}-byte authentication tag",
                ciphertext.len()
            )));
        }

        Ok(Self {
            key_id: key_id.to_string(),
            nonce,
            ciphertext,
        })
    }

    /// Returns the id of the key that sealed the value, so callers can find values still
    /// sealed under a retired key and seal them again.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }
}

impl FromStr for Sealed {
    type Err = CryptoError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{VERSION}.{}.{}.{}",
            self.key_id,
            URL_SAFE_NO_PAD.encode(self.nonce),
            URL_SAFE_NO_PAD.encode(&self.ciphertext)
        )
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealed")
            .field("key_id", &self.key_id)
            .field("ciphertext_bytes", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

/// Checks that `key_id` is 1 to 32 ASCII letters, digits, `-` or `_`, so it cannot contain the
/// `.` separator of the text form.
pub(super) fn check_key_id(key_id: &str) -> Result<(), String> {
    let valid_chars = key_id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if key_id.is_empty() || key_id.len() > MAX_KEY_ID_CHARS || !valid_chars {
        return Err(format!(
            "key id {key_id:?} must be 1 to {MAX_KEY_ID_CHARS} ASCII letters, digits, '-' or '_'"
        ));
    }
    Ok(())
}

fn decode_part(name: &str, text: &str) -> Result<Vec<u8>, CryptoError> {
    URL_SAFE_NO_PAD.decode(text).map_err(|err| {
        CryptoError::Malformed(format!(
            "{name} is not unpadded URL-safe base64 ({err}); check that the column was not \
             re-encoded"
        ))
    })
}
