//! The key file of [`SoftwareSm4`]: parsing, the permission check and the steps that create it
//! atomically.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use super::sealed::check_key_id;
use super::software::{ENCRYPTION_KEY_BYTES, INDEX_KEY_BYTES};
use super::{CryptoError, SoftwareSm4};

pub(super) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> CryptoError {
    let path = path.to_path_buf();
    move |source| CryptoError::Io { path, source }
}

/// Parses the key file text described on [`SoftwareSm4::load_or_create`]. Messages name the
/// line but never show its key material.
pub(super) fn parse_key_file(path: &Path, contents: &str) -> Result<SoftwareSm4, CryptoError> {
    let invalid = |problem: String| {
        CryptoError::Key(format!(
            "key file {} {problem}; restore the file from backup, because values sealed with a \
             lost key cannot be decrypted (delete it only if no personal data was stored yet)",
            path.display()
        ))
    };

    let mut index_key: Option<Zeroizing<[u8; INDEX_KEY_BYTES]>> = None;
    let mut encryption_keys: Vec<(String, Zeroizing<[u8; ENCRYPTION_KEY_BYTES]>)> = Vec::new();
    for (number, line) in contents
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
    {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }

        let words: Vec<&str> = line.split_whitespace().collect();
        match words[..] {
            ["index", hex_key] if index_key.is_none() => {
                let key = decode_key::<INDEX_KEY_BYTES>(hex_key).ok_or_else(|| {
                    invalid(format!("line {number}: index key is not 64 hex characters"))
                })?;
                index_key = Some(key);
            }
            ["index", _] => return Err(invalid(format!("line {number}: second index line"))),
            ["key", key_id, hex_key] => {
                check_key_id(key_id)
                    .map_err(|problem| invalid(format!("line {number}: {problem}")))?;
                if encryption_keys.iter().any(|(id, _)| id == key_id) {
                    return Err(invalid(format!(
                        "line {number}: key id {key_id:?} is used twice"
                    )));
                }
                let key = decode_key::<ENCRYPTION_KEY_BYTES>(hex_key).ok_or_else(|| {
                    invalid(format!(
                        "line {number}: encryption key is not 32 hex characters"
                    ))
                })?;
                encryption_keys.push((key_id.to_string(), key));
            }
            _ => {
                return Err(invalid(format!(
                    "line {number}: expected 'index <64 hex>' or 'key <key id> <32 hex>'"
                )))
            }
        }
    }

    let Some(index_key) = index_key else {
        return Err(invalid("has no 'index <64 hex>' line".to_string()));
    };
    let Some((current_id, current_key)) = encryption_keys.pop() else {
        return Err(invalid("has no 'key <key id> <32 hex>' line".to_string()));
    };

    // Ids were checked line by line above, so these calls fail only if the checks diverge.
    let in_file = |err: CryptoError| match err {
        CryptoError::Key(problem) => invalid(problem),
        other => other,
    };
    let mut cipher = SoftwareSm4::new(&current_id, &current_key, &index_key).map_err(in_file)?;
    for (key_id, key) in &encryption_keys {
        cipher = cipher.with_retired_key(key_id, key).map_err(in_file)?;
    }
    Ok(cipher)
}

fn decode_key<const BYTES: usize>(text: &str) -> Option<Zeroizing<[u8; BYTES]>> {
    let mut key = Zeroizing::new([0u8; BYTES]);
    let decoded = text.len() == BYTES * 2 && hex::decode_to_slice(text, &mut key[..]).is_ok();
    decoded.then_some(key)
}

/// Rejects a key file that group or others may access, because it contains the keys to all
/// personal data.
#[cfg(unix)]
pub(super) fn check_private(path: &Path, file: &File) -> Result<(), CryptoError> {
    use std::os::unix::fs::PermissionsExt;

    let mode = file
        .metadata()
        .map_err(io_error(path))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(CryptoError::Key(format!(
            "key file {} has mode {mode:04o}, so group or others can access it; run \
             `chmod 600 {}` as the server account that owns it",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
pub(super) fn check_private(_path: &Path, _file: &File) -> Result<(), CryptoError> {
    Ok(())
}

pub(super) fn temporary_path(parent: &Path, path: &Path) -> PathBuf {
    let mut suffix = [0u8; 8];
    OsRng.fill_bytes(&mut suffix);
    let name = path
        .file_name()
        .map_or_else(|| "personal.key".into(), |name| name.to_string_lossy());
    parent.join(format!(".{name}.{}.tmp", hex::encode(suffix)))
}

pub(super) fn write_new_private(path: &Path, contents: &[u8]) -> Result<(), CryptoError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }

    let mut file = options.open(path).map_err(io_error(path))?;
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    if let Err(source) = written {
        let _ = fs::remove_file(path);
        return Err(io_error(path)(source));
    }
    Ok(())
}

/// Flushes the folder entry of a new key file to disk, so the file survives a power loss.
#[cfg(unix)]
pub(super) fn sync_folder(folder: &Path) -> Result<(), CryptoError> {
    File::open(folder)
        .and_then(|folder| folder.sync_all())
        .map_err(io_error(folder))
}

#[cfg(not(unix))]
pub(super) fn sync_folder(_folder: &Path) -> Result<(), CryptoError> {
    Ok(())
}
