//! The software SM4-GCM cipher, the HMAC-SM3 index key and their key file.

use std::fmt;
use std::fs::{self, File};
use std::io::{ErrorKind, Read};
use std::path::Path;

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use hmac::digest::generic_array::GenericArray;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sm3::Sm3;
use sm4::Sm4;
use zeroize::Zeroizing;

use super::key_file::{
    check_private, io_error, parse_key_file, sync_folder, temporary_path, write_new_private,
};
use super::sealed::{check_key_id, NONCE_BYTES};
use super::{associated_data, index_input, CryptoError, Field, PersonalDataCipher, Sealed};

/// SM4 in Galois/Counter Mode with 96-bit nonces and 128-bit tags (the AEAD_SM4_GCM of
/// RFC 8998). `AesGcm` is generic over any 128-bit block cipher.
pub(super) type Sm4Gcm = AesGcm<Sm4, U12>;

type HmacSm3 = Hmac<Sm3>;

/// Length of an SM4 key in bytes.
pub(super) const ENCRYPTION_KEY_BYTES: usize = 16;

/// Length of the index key in bytes.
pub(super) const INDEX_KEY_BYTES: usize = 32;

/// SM3 block size in bytes, which is also the HMAC key block size.
const BLOCK_BYTES: usize = 64;

/// Length in bytes of the random part of a key id created by [`SoftwareSm4::load_or_create`].
const KEY_ID_RANDOM_BYTES: usize = 4;

/// First line of a created key file.
const KEY_FILE_HEADER: &str = "# Jiyue personal data keys: one index key, then encryption keys, \
the last of which seals new values. Back this file up; values sealed with a lost key are lost.";

/// One SM4 key and the id written into the values it seals.
struct EncryptionKey {
    id: String,
    cipher: Sm4Gcm,
}

/// SM4-GCM encryption and HMAC-SM3 indexing with keys held in memory. It seals with one current
/// key and opens with the current key or any retired key, chosen by the key id in the sealed
/// value. `Debug` shows only key ids.
///
/// Nonces are 96 random bits from the operating system. GCM with random 96-bit nonces is
/// usually limited to 2^32 messages per key, so add a new key well before one key seals that
/// many values.
pub struct SoftwareSm4 {
    /// Encryption keys. The last one is current.
    keys: Vec<EncryptionKey>,
    /// The index key zero-padded to one SM3 block, which HMAC does anyway (RFC 2104 section 2);
    /// storing it padded lets every index start from a fixed-size key without a fallible step.
    index_block_key: Zeroizing<[u8; BLOCK_BYTES]>,
}

impl fmt::Debug for SoftwareSm4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key_ids: Vec<&str> = self.keys.iter().map(|key| key.id.as_str()).collect();
        f.debug_struct("SoftwareSm4")
            .field("key_ids", &key_ids)
            .finish_non_exhaustive()
    }
}

impl PersonalDataCipher for SoftwareSm4 {
    fn seal(&self, field: Field, plaintext: &str) -> Result<Sealed, CryptoError> {
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut nonce);
        self.seal_with_nonce(field, plaintext, nonce)
    }

    fn open(&self, field: Field, sealed: &Sealed) -> Result<String, CryptoError> {
        let Some(key) = self.keys.iter().find(|key| key.id == sealed.key_id) else {
            return Err(CryptoError::UnknownKey {
                field,
                key_id: sealed.key_id.clone(),
            });
        };

        let aad = associated_data(field, &key.id);
        let payload = Payload {
            msg: &sealed.ciphertext,
            aad: &aad,
        };
        let plaintext = key
            .cipher
            .decrypt(GenericArray::from_slice(&sealed.nonce), payload)
            .map_err(|_| CryptoError::Authentication {
                field,
                key_id: key.id.clone(),
            })?;

        String::from_utf8(plaintext).map_err(|err| {
            drop(Zeroizing::new(err.into_bytes()));
            CryptoError::NotUtf8 { field }
        })
    }

    fn index(&self, field: Field, value: &str) -> String {
        let key = GenericArray::from_slice(&self.index_block_key[..]);
        let mut mac = <HmacSm3 as KeyInit>::new(key);
        mac.update(&Zeroizing::new(index_input(field, value)));
        hex::encode(mac.finalize().into_bytes())
    }
}

impl SoftwareSm4 {
    /// Creates a cipher that seals with `encryption_key` under `key_id` and indexes with
    /// `index_key`. A key id is 1 to 32 ASCII letters, digits, `-` or `_`.
    pub fn new(
        key_id: &str,
        encryption_key: &[u8; ENCRYPTION_KEY_BYTES],
        index_key: &[u8; INDEX_KEY_BYTES],
    ) -> Result<Self, CryptoError> {
        let mut index_block_key = Zeroizing::new([0u8; BLOCK_BYTES]);
        index_block_key[..INDEX_KEY_BYTES].copy_from_slice(index_key);

        Ok(Self {
            keys: vec![encryption_key_entry(key_id, encryption_key)?],
            index_block_key,
        })
    }

    /// Adds a retired key that opens values sealed under `key_id` but seals nothing new. The id
    /// must differ from every key already held.
    pub fn with_retired_key(
        mut self,
        key_id: &str,
        encryption_key: &[u8; ENCRYPTION_KEY_BYTES],
    ) -> Result<Self, CryptoError> {
        if self.keys.iter().any(|key| key.id == key_id) {
            return Err(CryptoError::Key(format!(
                "key id {key_id:?} is used twice; give every encryption key its own id"
            )));
        }
        let entry = encryption_key_entry(key_id, encryption_key)?;
        let current = self.keys.len().saturating_sub(1);
        self.keys.insert(current, entry);
        Ok(self)
    }

    /// Returns the id of the key that seals new values.
    pub fn current_key_id(&self) -> &str {
        self.keys.last().map_or("", |key| key.id.as_str())
    }

    /// Loads the keys from the file at `path`, or creates the file with a fresh index key and
    /// encryption key when it does not exist, creating missing parent folders.
    ///
    /// The file is text: comment lines starting with `#`, one `index <64 hex>` line and one or
    /// more `key <key id> <32 hex>` lines. The last `key` line seals new values and the earlier
    /// ones only open old values, so a key is rotated by appending a line. The index key cannot be
    /// rotated this way, because every stored index would have to be computed again.
    ///
    /// A new file is written to a temporary file and linked into place, so a crash never
    /// leaves a partial key file, and on Unix it is readable only by the owner (mode 0600). An
    /// existing file that group or others can access on Unix, or that is malformed, is an error
    /// and is never changed.
    pub fn load_or_create(path: &Path) -> Result<Self, CryptoError> {
        match File::open(path) {
            Ok(file) => Self::from_key_file(path, file),
            Err(err) if err.kind() == ErrorKind::NotFound => Self::create_key_file(path),
            Err(source) => Err(io_error(path)(source)),
        }
    }

    /// Seals with a caller-chosen nonce. Only [`PersonalDataCipher::seal`] and tests that need
    /// a known nonce call it, because reusing a nonce under one key breaks GCM.
    pub(super) fn seal_with_nonce(
        &self,
        field: Field,
        plaintext: &str,
        nonce: [u8; NONCE_BYTES],
    ) -> Result<Sealed, CryptoError> {
        let Some(key) = self.keys.last() else {
            return Err(CryptoError::Key("no encryption key is loaded".to_string()));
        };

        let aad = associated_data(field, &key.id);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: &aad,
        };
        let ciphertext = key
            .cipher
            .encrypt(GenericArray::from_slice(&nonce), payload)
            .map_err(|_| CryptoError::Encryption { field })?;

        Ok(Sealed {
            key_id: key.id.clone(),
            nonce,
            ciphertext,
        })
    }

    fn from_key_file(path: &Path, mut file: File) -> Result<Self, CryptoError> {
        check_private(path, &file)?;

        let mut contents = Zeroizing::new(String::new());
        file.read_to_string(&mut contents).map_err(io_error(path))?;
        parse_key_file(path, &contents)
    }

    fn create_key_file(path: &Path) -> Result<Self, CryptoError> {
        let parent = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_error(parent))?;

        let mut id_bytes = [0u8; KEY_ID_RANDOM_BYTES];
        OsRng.fill_bytes(&mut id_bytes);
        let key_id = hex::encode(id_bytes);
        let mut encryption_key = Zeroizing::new([0u8; ENCRYPTION_KEY_BYTES]);
        OsRng.fill_bytes(&mut encryption_key[..]);
        let mut index_key = Zeroizing::new([0u8; INDEX_KEY_BYTES]);
        OsRng.fill_bytes(&mut index_key[..]);

        let index_hex = Zeroizing::new(hex::encode(&index_key[..]));
        let encryption_hex = Zeroizing::new(hex::encode(&encryption_key[..]));
        let text = Zeroizing::new(format!(
            "{KEY_FILE_HEADER}\nindex {}\nkey {key_id} {}\n",
            index_hex.as_str(),
            encryption_hex.as_str()
        ));
        let temporary = temporary_path(parent, path);
        write_new_private(&temporary, text.as_bytes())?;

        let linked = fs::hard_link(&temporary, path);
        // The temporary name is random and unused elsewhere, so a failed removal only leaves a
        // stray private file behind and is not worth failing the load for.
        let _ = fs::remove_file(&temporary);
        match linked {
            Ok(()) => {}
            // Another process created the file between the open and the link: use its keys.
            Err(err) if err.kind() == ErrorKind::AlreadyExists => {
                let file = File::open(path).map_err(io_error(path))?;
                return Self::from_key_file(path, file);
            }
            Err(source) => return Err(io_error(path)(source)),
        }
        sync_folder(parent)?;

        Self::new(&key_id, &encryption_key, &index_key)
    }
}

fn encryption_key_entry(
    key_id: &str,
    encryption_key: &[u8; ENCRYPTION_KEY_BYTES],
) -> Result<EncryptionKey, CryptoError> {
    check_key_id(key_id).map_err(CryptoError::Key)?;
    Ok(EncryptionKey {
        id: key_id.to_string(),
        cipher: Sm4Gcm::new(GenericArray::from_slice(encryption_key)),
    })
}
