//! The `Db` handle: opening either backend, migrations, connections and transactions.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use jiyue_core::Clock;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::blobs::BlobStore;
use crate::error::{DbError, Result};
use crate::sql::{Handle, Tx};

/// How long a SQLite connection waits for a lock held by another process before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Read connections of a SQLite database; writes go through one separate connection.
const SQLITE_READERS: u32 = 4;
/// Connections of a PostgreSQL pool per node.
const PG_CONNECTIONS: u32 = 16;

/// The database engine behind a `Db`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pools of one backend.
#[derive(Debug, Clone)]
pub enum Pool {
    /// SQLite keeps one writer connection, so write transactions queue instead of failing
    /// with `SQLITE_BUSY`, and a few reader connections that WAL mode lets run alongside it.
    Sqlite {
        readers: SqlitePool,
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// The storage handle. Cloning is cheap: clones share the pools, the clock and the blob store.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: Pool,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) blobs: Option<BlobStore>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend())
            .field("blobs", &self.blobs)
            .finish()
    }
}

impl Db {
    /// Opens `sqlite://PATH` (creating the file and its folder when missing) or
    /// `postgres://…`, and applies pending migrations.
    pub async fn open(url: &str, clock: Arc<dyn Clock>) -> Result<Db> {
        let pool = if url.starts_with("sqlite:") {
            open_sqlite(url).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            open_postgres(url).await?
        } else {
            return Err(DbError::Invalid(format!(
                "unsupported database URL \"{}\": use sqlite://PATH or postgres://USER:PASSWORD@HOST/NAME",
                redact(url)
            )));
        };
        tracing::info!(backend = ?backend_of(&pool), "database opened and migrated");
        Ok(Db {
            pool,
            clock,
            blobs: None,
        })
    }

    /// Attaches the blob store that `put_file` writes to.
    pub fn with_blob_store(mut self, store: BlobStore) -> Db {
        self.blobs = Some(store);
        self
    }

    /// Returns the attached blob store, if any.
    pub fn blob_store(&self) -> Option<&BlobStore> {
        self.blobs.as_ref()
    }

    /// Returns the backend in use.
    pub fn backend(&self) -> Backend {
        backend_of(&self.pool)
    }

    /// Returns the pools, for callers that need a backend-specific query of their own.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Returns the injected clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { readers, writer } => {
                readers.close().await;
                writer.close().await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Takes a connection for reads.
    pub(crate) async fn reader(&self) -> Result<Handle> {
        Ok(match &self.pool {
            Pool::Sqlite { readers, .. } => Handle::Sqlite(readers.acquire().await?),
            Pool::Postgres(pool) => Handle::Pg(pool.acquire().await?),
        })
    }

    /// Starts a write transaction. On SQLite it waits for the single writer connection.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            // IMMEDIATE takes the write lock at the start, where the busy timeout applies, so a
            // second process writing the same file (`jiyue user`, `jiyue audit`) waits its turn
            // instead of failing with "database is locked" when a read turns into a write.
            Pool::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Pg(pool.begin().await?),
        })
    }
}

fn backend_of(pool: &Pool) -> Backend {
    match pool {
        Pool::Sqlite { .. } => Backend::Sqlite,
        Pool::Postgres(_) => Backend::Postgres,
    }
}

async fn open_sqlite(url: &str) -> Result<Pool> {
    // The reader and writer pools must open the same database, which an in-memory one is not.
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Err(DbError::Invalid(format!(
            "in-memory SQLite database \"{url}\" is not supported; use a file such as sqlite://jiyue-data/jiyue.db"
        )));
    }
    let invalid = |error: sqlx::Error| {
        DbError::Invalid(format!(
            "invalid SQLite URL \"{url}\": {error}; use sqlite://PATH, such as sqlite://jiyue-data/jiyue.db"
        ))
    };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(invalid)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    if let Some(folder) = options.get_filename().parent() {
        create_folder(folder)?;
    }

    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("migrations/sqlite").run(&writer).await?;
    restrict_to_owner(options.get_filename());

    let readers = SqlitePoolOptions::new()
        .max_connections(SQLITE_READERS)
        .connect_with(options.read_only(true))
        .await?;
    Ok(Pool::Sqlite { readers, writer })
}

async fn open_postgres(url: &str) -> Result<Pool> {
    let pool = PgPoolOptions::new()
        .max_connections(PG_CONNECTIONS)
        .connect(url)
        .await?;
    // sqlx takes an advisory lock while migrating, so nodes starting together are safe.
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(Pool::Postgres(pool))
}

fn create_folder(folder: &Path) -> Result<()> {
    if folder.as_os_str().is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(folder).map_err(|source| DbError::Io {
        path: folder.display().to_string(),
        source,
    })
}

/// Makes the database file and its WAL files readable by their owner only: they hold password
/// hashes and second-factor secrets. Failing to change the mode (on a file system without
/// modes) is logged, not fatal.
fn restrict_to_owner(database: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut files = vec![database.to_path_buf()];
        for suffix in ["-wal", "-shm"] {
            let mut name = database.as_os_str().to_owned();
            name.push(suffix);
            files.push(name.into());
        }
        for file in files.iter().filter(|file| file.exists()) {
            let mode = std::fs::Permissions::from_mode(0o600);
            if let Err(error) = std::fs::set_permissions(file, mode) {
                tracing::warn!(path = %file.display(), %error, "cannot make the database file private");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = database;
}

/// Hides the password of a database URL so it can appear in messages.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    let user = credentials.split(':').next().unwrap_or_default();
    format!("{scheme}://{user}:***@{host}")
}
