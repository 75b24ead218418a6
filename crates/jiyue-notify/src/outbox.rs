//! Files in an outbox folder: names that sort by time, atomic writes with owner-only
//! permissions, and listing in the order written.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rand_core::{OsRng, RngCore};

use crate::NotifyError;

/// Returns a file name that sorts by `at` and, through 64 random bits, does not collide with
/// another message written in the same microsecond: `20261205T013000.123456Z-<16 hex>.<ext>`.
pub(crate) fn file_name(at: DateTime<Utc>, extension: &str) -> String {
    let mut random = [0u8; 8];
    OsRng.fill_bytes(&mut random);
    format!(
        "{}-{}.{extension}",
        at.format("%Y%m%dT%H%M%S%.6fZ"),
        hex::encode(random)
    )
}

/// Writes `contents` to `dir/name` through a temporary file and a rename, so a reader never
/// sees a partial file. Creates `dir` with mode 0700 when missing; the file gets mode 0600.
pub(crate) fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<(), NotifyError> {
    create_dir(dir)?;

    let path = dir.join(name);
    let temporary = dir.join(format!(".{name}.tmp"));
    let io_error = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| NotifyError::Io {
            action,
            path,
            source,
        }
    };

    let mut file = open_private(&temporary).map_err(io_error("create", &temporary))?;
    file.write_all(contents)
        .map_err(io_error("write", &temporary))?;
    file.sync_all().map_err(io_error("write", &temporary))?;
    drop(file);

    if let Err(error) = fs::rename(&temporary, &path) {
        // The temporary file is useless now, and a failed removal changes nothing for the caller.
        let _ = fs::remove_file(&temporary);
        return Err(io_error("write", &path)(error));
    }

    Ok(())
}

/// Runs [`write_atomic`] on tokio's blocking thread pool, so the file system never stalls
/// the async worker threads.
pub(crate) async fn write_off_runtime(
    dir: PathBuf,
    name: String,
    contents: Vec<u8>,
) -> Result<(), NotifyError> {
    let path = dir.join(&name);
    let write = move || write_atomic(&dir, &name, &contents);

    match tokio::task::spawn_blocking(write).await {
        Ok(result) => result,
        Err(error) => Err(NotifyError::Io {
            action: "write",
            path,
            source: std::io::Error::other(error.to_string()),
        }),
    }
}

/// Lists the files in `dir` whose names end in `.<extension>` and do not start with `.`,
/// oldest first. A missing folder has no files.
pub(crate) fn list(dir: &Path, extension: &str) -> Result<Vec<PathBuf>, NotifyError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(NotifyError::Io {
                action: "list",
                path: dir.to_path_buf(),
                source,
            })
        }
    };

    let suffix = format!(".{extension}");
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| NotifyError::Io {
            action: "list",
            path: dir.into(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(&suffix) && !name.starts_with('.') {
            names.push(name);
        }
    }

    // Names start with a fixed-width UTC timestamp, so name order is time order.
    names.sort();
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// Reads a whole outbox file.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, NotifyError> {
    fs::read(path).map_err(|source| NotifyError::Io {
        action: "read",
        path: path.into(),
        source,
    })
}

fn create_dir(dir: &Path) -> Result<(), NotifyError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);

    builder.create(dir).map_err(|source| NotifyError::Io {
        action: "create folder",
        path: dir.to_path_buf(),
        source,
    })
}

fn open_private(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
