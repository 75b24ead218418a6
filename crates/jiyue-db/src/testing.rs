//! Throwaway databases for tests of this crate and of crates built on it (feature `testing`).
//!
//! `fresh_db()` opens a migrated SQLite database in a temporary folder. `fresh_dbs()` adds a
//! PostgreSQL database when `JIYUE_TEST_DATABASE_URL` is set: each one lives in a new schema
//! `t_<random>` of that database, chosen through the `search_path` connection option, and the
//! schema is dropped, with its connections ended, when the `TestDb` is dropped.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use jiyue_core::FixedClock;
use sqlx::{Connection, PgConnection};

use crate::blobs::BlobStore;
use crate::db::{Backend, Db};
use crate::error::{DbError, Result};

/// The environment variable naming the PostgreSQL database that tests may use.
pub const DATABASE_URL_VAR: &str = "JIYUE_TEST_DATABASE_URL";

/// A migrated database, with a blob store, that cleans up after itself.
pub struct TestDb {
    pub db: Db,
    /// The clock the database reads; tests move it with `advance`.
    pub clock: Arc<FixedClock>,
    /// The temporary folder of the SQLite file and the blob store.
    pub dir: tempfile::TempDir,
    /// Declared after `db` so that the pool closes before the schema is dropped.
    _schema: Option<PgSchema>,
}

/// A schema of its own in the PostgreSQL test database, dropped when this value is dropped.
pub struct PgSchema {
    /// URL that selects the schema through `search_path`; open the database with it.
    pub url: String,
    base_url: String,
    name: String,
}

impl PgSchema {
    /// Creates a new schema `t_<random>` in the database at `url`.
    pub async fn create(url: &str) -> Result<PgSchema> {
        let name = format!("t_{}", random_suffix());
        let mut conn = PgConnection::connect(url).await?;
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut conn)
            .await?;
        conn.close().await?;

        let separator = if url.contains('?') { '&' } else { '?' };
        // The application name marks the connections of this schema for the cleanup in `drop`.
        let scoped =
            format!("{url}{separator}options=-csearch_path%3D{name}&application_name={name}");
        Ok(PgSchema {
            url: scoped,
            base_url: url.to_string(),
            name,
        })
    }
}

impl Deref for TestDb {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (url, schema) = (self.base_url.clone(), self.name.clone());
        // Drop cannot await, so a short-lived thread with its own runtime drops the schema.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&url).await.ok()?;
                // The runtime of the test may be blocked on this thread, so its pool cannot
                // roll back open transactions, whose locks would block the drop: end them.
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                )
                .bind(&schema)
                .execute(&mut conn)
                .await
                .ok()?;
                let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                sqlx::query(&sql).execute(&mut conn).await.ok()?;
                conn.close().await.ok()
            })
        });
        if dropped.join().ok().flatten().is_none() {
            tracing::warn!("a test schema could not be dropped; drop schemas named t_* by hand");
        }
    }
}

/// Returns the instant test clocks start at: 2024-03-01 10:00 China Standard Time.
pub fn test_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

fn random_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}

fn temp_dir() -> Result<tempfile::TempDir> {
    tempfile::tempdir().map_err(|source| DbError::Io {
        path: std::env::temp_dir().display().to_string(),
        source,
    })
}

async fn finish(url: &str, dir: tempfile::TempDir, schema: Option<PgSchema>) -> Result<TestDb> {
    let clock = Arc::new(FixedClock::new(test_start()));
    let blobs = BlobStore::open(dir.path().join("blobs"))?;
    let db = Db::open(url, clock.clone()).await?.with_blob_store(blobs);
    Ok(TestDb {
        db,
        clock,
        dir,
        _schema: schema,
    })
}

/// Opens a migrated SQLite database in a new temporary folder.
pub async fn fresh_db() -> Result<TestDb> {
    let dir = temp_dir()?;
    let url = format!("sqlite://{}", dir.path().join("jiyue.db").display());
    finish(&url, dir, None).await
}

/// Opens a migrated PostgreSQL database in a new schema of the database at `url`.
pub async fn fresh_postgres(url: &str) -> Result<TestDb> {
    let schema = PgSchema::create(url).await?;
    let scoped = schema.url.clone();
    finish(&scoped, temp_dir()?, Some(schema)).await
}

/// Opens a fresh database on every backend available: SQLite always, and PostgreSQL when
/// `JIYUE_TEST_DATABASE_URL` is set.
pub async fn fresh_dbs() -> Result<Vec<TestDb>> {
    let mut dbs = vec![fresh_db().await?];
    if let Some(db) = fresh_postgres_from_env().await? {
        dbs.push(db);
    }
    Ok(dbs)
}

/// The environment variable that, set to `1`, turns a missing PostgreSQL URL into a test
/// failure instead of a skip; CI sets it so the PostgreSQL suite cannot be skipped silently.
pub const REQUIRE_POSTGRES_VAR: &str = "JIYUE_REQUIRE_POSTGRES";

/// Opens a fresh PostgreSQL database when `JIYUE_TEST_DATABASE_URL` is set. Returns an error
/// when it is not set but `JIYUE_REQUIRE_POSTGRES=1` is.
pub async fn fresh_postgres_from_env() -> Result<Option<TestDb>> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Ok(Some(fresh_postgres(url.trim()).await?)),
        _ if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") => {
            Err(DbError::Invalid(format!(
                "{REQUIRE_POSTGRES_VAR}=1 but {DATABASE_URL_VAR} is not set: \
                 set it to a PostgreSQL database the tests may create schemas in"
            )))
        }
        _ => Ok(None),
    }
}

impl TestDb {
    /// Returns the backend, for labelling assertion messages.
    pub fn label(&self) -> &'static str {
        match self.db.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}
