//! The software HMAC-SM3 chain key and its key file.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::Path;

use hmac::digest::generic_array::GenericArray;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sm3::{Digest, Sm3};
use zeroize::Zeroizing;

use super::ChainMac;
use crate::error::AuthError;

type HmacSm3 = Hmac<Sm3>;

/// SM3 block size in bytes, which is also the HMAC key block size.
const BLOCK_BYTES: usize = 64;

/// Shortest accepted key.
const MIN_KEY_BYTES: usize = 16;

/// Length of a key created by [`SoftwareSm3Mac::load_or_create`].
const FILE_KEY_BYTES: usize = 32;

/// HMAC-SM3 with a key held in memory. `Debug` hides the key, and it is zeroed on drop.
pub struct SoftwareSm3Mac {
    /// The key as HMAC pads it to one block (RFC 2104 section 2): keys longer than the block
    /// are replaced by their SM3 digest, then zero-padded. Storing the padded form lets every
    /// MAC start from a fixed-size key without a fallible conversion.
    block_key: Zeroizing<[u8; BLOCK_BYTES]>,
}

impl fmt::Debug for SoftwareSm3Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SoftwareSm3Mac(..)")
    }
}

impl ChainMac for SoftwareSm3Mac {
    fn mac(&self, data: &[u8]) -> [u8; 32] {
        let key = GenericArray::from_slice(&self.block_key[..]);
        let mut mac = <HmacSm3 as KeyInit>::new(key);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

impl SoftwareSm3Mac {
    /// Creates a MAC from `key`, which must have at least 16 bytes.
    pub fn new(key: &[u8]) -> Result<Self, AuthError> {
        if key.len() < MIN_KEY_BYTES {
            return Err(AuthError::Key(format!(
                "key has {} bytes but at least {MIN_KEY_BYTES} are required; use a 32-byte random key",
                key.len()
            )));
        }

        let mut block_key = Zeroizing::new([0u8; BLOCK_BYTES]);
        if key.len() > BLOCK_BYTES {
            let digest = Sm3::digest(key);
            block_key[..digest.len()].copy_from_slice(&digest);
        } else {
            block_key[..key.len()].copy_from_slice(key);
        }
        Ok(Self { block_key })
    }

    /// Loads the key from the file at `path`: 64 hex characters (32 bytes) and an optional
    /// newline. When the file does not exist, creates it with a fresh random key, readable only
    /// by the owner on Unix (mode 0600), creating missing parent folders. A malformed existing
    /// file is an error and is never overwritten.
    pub fn load_or_create(path: &Path) -> Result<Self, AuthError> {
        match fs::read(path) {
            Ok(contents) => Self::from_key_file(path, &Zeroizing::new(contents)),
            Err(err) if err.kind() == ErrorKind::NotFound => Self::create_key_file(path),
            Err(source) => Err(AuthError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    fn from_key_file(path: &Path, contents: &[u8]) -> Result<Self, AuthError> {
        let text = contents.strip_suffix(b"\n").unwrap_or(contents);
        let text = text.strip_suffix(b"\r").unwrap_or(text);

        let mut key = Zeroizing::new([0u8; FILE_KEY_BYTES]);
        if text.len() != FILE_KEY_BYTES * 2 || hex::decode_to_slice(text, &mut key[..]).is_err() {
            return Err(AuthError::Key(format!(
                "key file {} must contain exactly 64 hex characters (a 32-byte key) and an \
                 optional newline, but it has {} bytes or non-hex characters; restore the file \
                 from backup, because audit entries chained with the old key cannot be verified \
                 with a new one (delete it only if the audit log is new as well)",
                path.display(),
                contents.len()
            )));
        }
        Self::new(&key[..])
    }

    fn create_key_file(path: &Path) -> Result<Self, AuthError> {
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| AuthError::Io { path, source }
        };

        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }

        let mut key = Zeroizing::new([0u8; FILE_KEY_BYTES]);
        OsRng.fill_bytes(&mut key[..]);
        let mut text = Zeroizing::new(hex::encode(&key[..]));
        text.push('\n');

        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }

        let mut file = match options.open(path) {
            Ok(file) => file,
            // Another process created the key between the read and the create: use its key.
            Err(err) if err.kind() == ErrorKind::AlreadyExists => {
                let contents = fs::read(path).map_err(io_error(path))?;
                return Self::from_key_file(path, &Zeroizing::new(contents));
            }
            Err(source) => return Err(io_error(path)(source)),
        };
        file.write_all(text.as_bytes()).map_err(io_error(path))?;
        file.sync_all().map_err(io_error(path))?;

        Self::new(&key[..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_key_is_rejected() {
        let err = SoftwareSm3Mac::new(&[1u8; 15]).unwrap_err();

        assert!(err.to_string().contains("15 bytes"), "{err}");
        assert!(SoftwareSm3Mac::new(&[1u8; 16]).is_ok());
    }

    #[test]
    fn debug_hides_key() {
        let mac = SoftwareSm3Mac::new(b"0123456789abcdef").unwrap();

        assert_eq!(format!("{mac:?}"), "SoftwareSm3Mac(..)");
    }

    #[test]
    fn key_file_is_created_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("nested").join("audit.key");

        let created = SoftwareSm3Mac::load_or_create(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.len(), 65, "{text:?}");
        assert!(text.ends_with('\n'));
        assert!(text
            .trim_end()
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));

        let loaded = SoftwareSm3Mac::load_or_create(&path).unwrap();
        assert_eq!(created.mac(b"entry"), loaded.mac(b"entry"));
        assert_eq!(fs::read_to_string(&path).unwrap(), text);

        let other = SoftwareSm3Mac::load_or_create(&dir.path().join("other.key")).unwrap();
        assert_ne!(created.mac(b"entry"), other.mac(b"entry"));
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        SoftwareSm3Mac::load_or_create(&path).unwrap();

        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn key_file_accepts_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let hex_key = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
        let expected = SoftwareSm3Mac::new(&hex::decode(hex_key).unwrap()).unwrap();

        for (name, contents) in [
            ("bare", hex_key.to_string()),
            ("lf", format!("{hex_key}\n")),
            ("crlf", format!("{hex_key}\r\n")),
        ] {
            let path = dir.path().join(name);
            fs::write(&path, contents).unwrap();
            let loaded = SoftwareSm3Mac::load_or_create(&path).unwrap();
            assert_eq!(loaded.mac(b"x"), expected.mac(b"x"), "{name}");
        }
    }

    #[test]
    fn malformed_key_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let bad = [
            "",
            "abcd\n",
            &"zz".repeat(32),
            &format!("{}\n\n", "ab".repeat(32)),
            &"ab".repeat(33),
        ];

        for contents in bad {
            let path = dir.path().join("audit.key");
            fs::write(&path, contents).unwrap();

            let err = SoftwareSm3Mac::load_or_create(&path).unwrap_err();
            assert!(matches!(err, AuthError::Key(_)), "{contents:?}: {err}");
            assert!(
                err.to_string().contains(&path.display().to_string()),
                "{err}"
            );
            assert_eq!(
                fs::read_to_string(&path).unwrap(),
                contents,
                "file was changed"
            );
        }
    }
}
