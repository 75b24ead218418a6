//! Encryption of personal data at rest. Mobile numbers, identity numbers, e-mail addresses,
//! postal addresses and names are sealed with SM4-GCM under a key kept outside the database.
//! Lookups use an HMAC-SM3 index of the normalized value, so equal values are found without
//! decrypting any row.
//!
//! The cipher sits behind [`PersonalDataCipher`] so that a certified hardware cryptographic
//! module can replace the software key file of [`SoftwareSm4`].

mod key_file;
mod sealed;
mod software;

use std::fmt;
use std::path::PathBuf;

pub use sealed::Sealed;
pub use software::SoftwareSm4;

/// Domain-separation prefix of the associated data of every sealed value.
const SEAL_PREFIX: &[u8] = b"jiyue-personal-v1\0";

/// Domain-separation prefix of the index MAC input.
const INDEX_PREFIX: &[u8] = b"jiyue-personal-index-v1\0";

/// Encryption, decryption and lookup indexing of personal data fields.
pub trait PersonalDataCipher: Send + Sync {
    /// Encrypts `plaintext` as a value of `field` under the current key. The value is stored
    /// exactly as given, without normalization.
    fn seal(&self, field: Field, plaintext: &str) -> Result<Sealed, CryptoError>;

    /// Decrypts a value sealed for `field`, using the key that `sealed` names. Fails when the
    /// key is unknown, the ciphertext was changed or the value was sealed for another field.
    fn open(&self, field: Field, sealed: &Sealed) -> Result<String, CryptoError>;

    /// Computes the lower-case hex HMAC-SM3 of the normalized `value` (see [`normalize_for_index`]) under
    /// the index key. Equal normalized values of one field give equal indexes, and the same value
    /// gives different indexes in different fields.
    fn index(&self, field: Field, value: &str) -> String;
}

/// A kind of personal data. Its code is bound into every ciphertext as associated data, so a
/// value sealed for one field cannot be opened as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// A mobile telephone number.
    Mobile,
    /// A resident identity card number or another identity document number.
    IdentityNumber,
    /// An e-mail address.
    Email,
    /// A postal address.
    Address,
    /// A person's name.
    Name,
    /// Key material kept in the database, such as the provider's ID-token signing key.
    SigningKey,
    /// An account id mapped to the subject identifier in ID tokens (index only).
    Subject,
    /// A browser's pre-session cookie, whose index is the token of its forms (index only).
    FormToken,
}

impl Field {
    /// Every field, in declaration order.
    pub const ALL: [Field; 8] = [
        Field::Mobile,
        Field::IdentityNumber,
        Field::Email,
        Field::Address,
        Field::Name,
        Field::SigningKey,
        Field::Subject,
        Field::FormToken,
    ];

    /// Returns the stable code of the field, as bound into ciphertexts and indexes.
    pub fn code(self) -> &'static str {
        match self {
            Field::Mobile => "mobile",
            Field::IdentityNumber => "identity_number",
            Field::Email => "email",
            Field::Address => "address",
            Field::Name => "name",
            Field::SigningKey => "signing_key",
            Field::Subject => "subject",
            Field::FormToken => "form_token",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Errors from sealing, opening and key file handling. No variant contains a plaintext value
/// or key material.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// A sealed value is not in the `v1.<key id>.<nonce>.<ciphertext>` form.
    #[error("invalid sealed value: {0}")]
    Malformed(String),

    /// A sealed value names a key that the cipher does not hold.
    #[error(
        "sealed {field} value uses key id {key_id:?}, which is not loaded; add the retired key \
         with that id to the key file"
    )]
    UnknownKey {
        /// The field that was being opened.
        field: Field,
        /// The key id named by the sealed value.
        key_id: String,
    },

    /// Authentication failed: the ciphertext was changed, the key with that id is not the one
    /// that sealed it, or the value was sealed for another field.
    #[error(
        "sealed {field} value with key id {key_id:?} failed authentication; it was changed, \
         sealed for another field or sealed with a different key of the same id"
    )]
    Authentication {
        /// The field that was being opened.
        field: Field,
        /// The key id named by the sealed value.
        key_id: String,
    },

    /// A decrypted value is not UTF-8, which only a sealer outside this crate can produce.
    #[error("sealed {field} value decrypted to bytes that are not UTF-8")]
    NotUtf8 {
        /// The field that was being opened.
        field: Field,
    },

    /// SM4-GCM rejected the input, which happens only for plaintexts longer than 64 GiB.
    #[error("SM4-GCM encryption of a {field} value failed because the value is too long")]
    Encryption {
        /// The field that was being sealed.
        field: Field,
    },

    /// A key, key id or key file is malformed or too widely readable.
    #[error("invalid personal data key: {0}")]
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

/// Normalizes `value` for the lookup index, so that spellings a person would call equal give
/// one index. Every field is trimmed of leading and trailing whitespace, then:
///
/// - [`Field::Mobile`] drops all whitespace and `-`, then a leading `+86` country code, so
///   `+86 138-0013-8000` becomes `13800138000`;
/// - [`Field::IdentityNumber`] uppercases a final `x` check character;
/// - [`Field::Email`] lowercases the whole address;
/// - every other field is only trimmed.
pub fn normalize_for_index(field: Field, value: &str) -> String {
    let value = value.trim();
    match field {
        Field::Mobile => {
            let digits: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect();
            match digits.strip_prefix("+86") {
                Some(national) => national.to_string(),
                None => digits,
            }
        }
        Field::IdentityNumber => match value.strip_suffix('x') {
            Some(body) => format!("{body}X"),
            None => value.to_string(),
        },
        Field::Email => value.to_lowercase(),
        Field::Address | Field::Name | Field::SigningKey | Field::Subject | Field::FormToken => {
            value.to_string()
        }
    }
}

/// Builds the associated data of a value sealed for `field` under `key_id`, so that neither
/// the field nor the key id in the sealed text can be changed without failing authentication.
fn associated_data(field: Field, key_id: &str) -> Vec<u8> {
    let mut data = SEAL_PREFIX.to_vec();
    data.extend_from_slice(field.code().as_bytes());
    data.push(0);
    data.extend_from_slice(key_id.as_bytes());
    data
}

/// Builds the index MAC input: the prefix, the field code, a zero byte and the normalized value.
/// Field codes contain no zero byte, so two fields never produce the same input.
fn index_input(field: Field, value: &str) -> Vec<u8> {
    let normalized = normalize_for_index(field, value);
    let mut data = INDEX_PREFIX.to_vec();
    data.extend_from_slice(field.code().as_bytes());
    data.push(0);
    data.extend_from_slice(normalized.as_bytes());
    data
}

#[cfg(test)]
mod tests;
