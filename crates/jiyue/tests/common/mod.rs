//! Helpers shared by the import test binaries: a fresh database holding the demo on every
//! backend, a tag per run, and files in a temporary folder.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiyue_core::clock::parse_china_time;
use jiyue_core::{Clock, FixedClock};
use jiyue_db::Db;

/// PostgreSQL is one shared database, so tests that use it take turns.
static PG_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Returns a clock that stands at `now`, China time (`YYYY-MM-DD HH:MM`).
pub fn clock_at(now: &str) -> Arc<dyn Clock> {
    Arc::new(FixedClock::new(parse_china_time(now).unwrap()))
}

/// Runs `test` on a fresh SQLite database, then on PostgreSQL when configured, each with the
/// clock at `now` and the demo built first (one sample item per column), so items and services
/// have organizations, sites and columns to go to.
pub async fn each_backend_at<F, Fut>(now: &str, test: F)
where
    F: Fn(Db, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("jiyue.db").display());
    let db = Db::open(&url, clock_at(now)).await.unwrap();
    jiyue::demo::build(&db, db.clock().as_ref(), 1)
        .await
        .unwrap();
    test(db.clone(), run_tag()).await;
    db.close().await;

    if let Ok(url) = std::env::var("JIYUE_TEST_DATABASE_URL") {
        let _turn = PG_LOCK.lock().await;
        let schema = jiyue_db::testing::PgSchema::create(&url).await.unwrap();
        let db = Db::open(&schema.url, clock_at(now)).await.unwrap();
        jiyue::demo::build(&db, db.clock().as_ref(), 1)
            .await
            .unwrap();
        test(db.clone(), run_tag()).await;
        db.close().await;
        drop(schema);
    }
}

/// Returns a tag that keeps ids, codes and paths of this run apart from earlier runs on
/// PostgreSQL.
pub fn run_tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("t{nanos}")
}

/// Writes `text` to `name` below `dir`, creating folders on the way, and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}
