//! The blob store: file bytes on disk, addressed by their SM3 digest, with rows in `files`
//! counting how many item attachments use each file.
//!
//! A blob lives at `<dir>/ab/cdef…`, where `abcdef…` is the 64-character hex digest. It is
//! written to a temporary file in `<dir>/tmp/` and then renamed into place, so a reader never
//! sees half a file.
// NOTE: this store is a folder on one machine. A platform of several nodes needs every node to
// see the same blobs: a shared folder, or a store in PostgreSQL or an S3-compatible service
// behind the same calls. None of those exists yet.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sm3::{Digest, Sm3};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::items::{check_item_write, item_event};
use crate::model::{Attachment, FileId, FileRecord, ItemId, Scope};
use crate::outbox::insert_events;
use crate::sql::{args, micros, Row};

/// Distinguishes temporary files written at the same time by one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A content-addressed folder of blobs.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> DbError + '_ {
    move |source| DbError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Returns the SM3 digest of bytes as 64 lowercase hex characters.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

impl BlobStore {
    /// Opens the store in `dir`, creating the folder when missing.
    pub fn open(dir: impl Into<PathBuf>) -> Result<BlobStore> {
        let dir = dir.into();
        std::fs::create_dir_all(dir.join("tmp")).map_err(io_error(&dir))?;
        Ok(BlobStore { dir })
    }

    /// Returns the folder of the store.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the path of the blob with a digest, or `None` for a malformed digest.
    pub fn path(&self, digest: &str) -> Option<PathBuf> {
        let valid = digest.len() == 64
            && digest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.dir.join(&digest[..2]).join(&digest[2..]))
    }

    /// Stores bytes and returns their digest. Storing the same bytes again writes nothing.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let digest = sm3_hex(bytes);
        let Some(path) = self.path(&digest) else {
            return Err(DbError::Invalid(format!(
                "digest \"{digest}\" is malformed"
            )));
        };
        if tokio::fs::try_exists(&path)
            .await
            .map_err(io_error(&path))?
        {
            return Ok(digest);
        }
        if let Some(folder) = path.parent() {
            tokio::fs::create_dir_all(folder)
                .await
                .map_err(io_error(folder))?;
        }
        let count = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .dir
            .join("tmp")
            .join(format!("{digest}.{}.{count}", std::process::id()));
        let written = write_synced(&temp, bytes).await;
        if let Err(error) = written {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(error);
        }
        tokio::fs::rename(&temp, &path)
            .await
            .map_err(io_error(&path))?;
        Ok(digest)
    }

    /// Reads the blob with a digest, or `None` when it is not stored.
    pub async fn get(&self, digest: &str) -> Result<Option<Vec<u8>>> {
        let Some(path) = self.path(digest) else {
            return Ok(None);
        };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(DbError::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }
}

async fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(io_error(path))?;
    file.write_all(bytes).await.map_err(io_error(path))?;
    file.sync_all().await.map_err(io_error(path))?;
    Ok(())
}

const FILE_COLUMNS: &str = "f.id, f.digest, f.size, f.content_type, f.refcount, f.created_at";

fn file_from_row(row: &Row) -> Result<FileRecord> {
    Ok(FileRecord {
        id: row.int("id")?,
        digest: row.text("digest")?,
        size: row.int("size")?,
        content_type: row.text("content_type")?,
        refcount: row.int("refcount")?,
        created_at: row.time("created_at")?,
    })
}

impl Db {
    fn require_blobs(&self) -> Result<&BlobStore> {
        self.blobs.as_ref().ok_or_else(|| {
            DbError::Invalid(
                "no blob store is attached; call Db::with_blob_store after Db::open".to_string(),
            )
        })
    }

    /// Stores bytes in the blob store and returns the id of their `files` row, the same id for
    /// the same bytes. A new file has a reference count of 0 until an item attaches it.
    pub async fn put_file(&self, bytes: &[u8], content_type: &str) -> Result<FileId> {
        let digest = self.require_blobs()?.put(bytes).await?;
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "INSERT INTO files (digest, size, content_type, refcount, created_at) \
                 VALUES ($1, $2, $3, 0, $4) ON CONFLICT (digest) DO NOTHING",
                args![&digest, size, content_type, micros(self.now())],
            )
            .await?;
        let id = tx
            .conn()
            .fetch_one("SELECT id FROM files WHERE digest = $1", args![&digest])
            .await?
            .int("id")?;
        tx.commit().await?;
        Ok(id)
    }

    /// Returns a file's record.
    pub async fn file(&self, id: FileId) -> Result<Option<FileRecord>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {FILE_COLUMNS} FROM files f WHERE f.id = $1");
        let row = handle.conn().fetch_optional(&sql, args![id]).await?;
        row.as_ref().map(file_from_row).transpose()
    }

    /// Reads a file's bytes from the blob store.
    pub async fn file_bytes(&self, id: FileId) -> Result<Option<Vec<u8>>> {
        let Some(file) = self.file(id).await? else {
            return Ok(None);
        };
        self.require_blobs()?.get(&file.digest).await
    }

    /// Attaches a file to an item under a display name and position, counting the reference
    /// once. Attaching it again updates the name and position.
    pub async fn attach_file(
        &self,
        scope: &Scope,
        item_id: ItemId,
        file_id: FileId,
        name: &str,
        position: i32,
    ) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        check_item_write(&mut conn, scope, item_id).await?;
        let updated = conn
            .execute(
                "UPDATE item_files SET name = $1, position = $2 WHERE item_id = $3 AND file_id = $4",
                args![name, i64::from(position), item_id, file_id],
            )
            .await?;
        if updated == 0 {
            conn.execute(
                "INSERT INTO item_files (item_id, file_id, name, position) VALUES ($1, $2, $3, $4)",
                args![item_id, file_id, name, i64::from(position)],
            )
            .await?;
            conn.execute(
                "UPDATE files SET refcount = refcount + 1 WHERE id = $1",
                args![file_id],
            )
            .await?;
        }
        let event = item_event(&mut conn, item_id, "item.changed").await?;
        insert_events(&mut conn, now, &[event]).await?;
        tx.commit().await
    }

    /// Detaches a file from an item and drops its reference. The blob stays on disk.
    // NOTE: nothing removes blobs whose reference count fell to 0; a sweeper job should.
    pub async fn detach_file(&self, scope: &Scope, item_id: ItemId, file_id: FileId) -> Result<()> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        check_item_write(&mut conn, scope, item_id).await?;
        let removed = conn
            .execute(
                "DELETE FROM item_files WHERE item_id = $1 AND file_id = $2",
                args![item_id, file_id],
            )
            .await?;
        if removed > 0 {
            conn.execute(
                "UPDATE files SET refcount = refcount - 1 WHERE id = $1",
                args![file_id],
            )
            .await?;
            let event = item_event(&mut conn, item_id, "item.changed").await?;
            insert_events(&mut conn, now, &[event]).await?;
        }
        tx.commit().await
    }

    /// Returns the files attached to an item, in position order.
    pub async fn item_files(&self, item_id: ItemId) -> Result<Vec<Attachment>> {
        let mut handle = self.reader().await?;
        let sql = format!(
            "SELECT {FILE_COLUMNS}, a.name, a.position FROM item_files a JOIN files f ON f.id = a.file_id \
             WHERE a.item_id = $1 ORDER BY a.position, a.name"
        );
        let rows = handle.conn().fetch_all(&sql, args![item_id]).await?;
        rows.iter()
            .map(|row| {
                Ok(Attachment {
                    file: file_from_row(row)?,
                    name: row.text("name")?,
                    position: i32::try_from(row.int("position")?).unwrap_or(i32::MAX),
                })
            })
            .collect()
    }
}
