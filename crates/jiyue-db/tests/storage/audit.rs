//! The audit log on both backends: appends chain and seal by month, verification reports every
//! kind of tampering an attacker with database access could try, and pruning keeps at least a
//! year. Tampering is simulated with raw SQL after dropping the guard triggers.

mod access_log;
mod paging;
mod tamper;

use chrono::Duration;
use jiyue_auth::chain::SoftwareSm3Mac;
use jiyue_db::testing::{fresh_postgres_from_env, TestDb};
use jiyue_db::{AuditEntry, AuditFilter, AuditResult, Db, Pool};

use crate::fixtures::dbs;

pub const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

pub fn key() -> SoftwareSm3Mac {
    SoftwareSm3Mac::new(KEY).unwrap()
}

pub fn entry(n: usize) -> AuditEntry {
    AuditEntry {
        actor: format!("admin{}", n % 3),
        actor_id: (n % 2 == 0).then_some(n as i64),
        address: "192.0.2.7".to_string(),
        action: if n % 5 == 0 { "login" } else { "item.publish" }.to_string(),
        target: format!("item:{n}"),
        result: if n % 7 == 0 {
            AuditResult::Denied
        } else {
            AuditResult::Ok
        },
        detail: format!("entry number {n}"),
    }
}

/// Appends `count` entries 20 hours apart, which spreads 100 entries over March, April and
/// May 2024 from the test clock's start on 1 March.
pub async fn append_spread(db: &TestDb, count: usize) {
    let mac = key();
    for n in 1..=count {
        let seq = db.audit_append(&mac, &entry(n)).await.unwrap();
        assert_eq!(seq, n as i64, "{}", db.label());
        db.clock.advance(Duration::hours(20));
    }
}

/// Runs a statement straight on the pool, as someone with database access could.
pub async fn raw(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    Ok(match db.pool() {
        Pool::Sqlite { writer, .. } => sqlx::query(sql).execute(writer).await?.rows_affected(),
        Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
    })
}

/// Reads one text value straight from the pool.
pub async fn raw_text(db: &Db, sql: &str) -> String {
    match db.pool() {
        Pool::Sqlite { writer, .. } => sqlx::query_scalar(sql).fetch_one(writer).await.unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// Reads one integer value straight from the pool.
pub async fn raw_int(db: &Db, sql: &str) -> i64 {
    match db.pool() {
        Pool::Sqlite { writer, .. } => sqlx::query_scalar(sql).fetch_one(writer).await.unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// Drops the triggers that guard the audit log, as an attacker with database access could.
pub async fn drop_guards(db: &Db) {
    match db.pool() {
        Pool::Sqlite { .. } => {
            raw(db, "DROP TRIGGER audit_log_no_update").await.unwrap();
            raw(db, "DROP TRIGGER audit_log_no_delete").await.unwrap();
        }
        Pool::Postgres(_) => {
            raw(db, "DROP TRIGGER audit_log_guard ON audit_log")
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn appends_across_months_verify_clean() {
    for db in dbs().await {
        append_spread(&db, 100).await;
        let report = db.audit_verify(&key()).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
        assert_eq!(report.entries, 100);
        assert_eq!(report.segments, 3);

        let open = raw_int(
            &db,
            "SELECT COUNT(*) FROM audit_segments WHERE seal_mac IS NULL",
        )
        .await;
        assert_eq!(open, 1, "{}: only the current month stays open", db.label());
        let newest = raw_text(
            &db,
            "SELECT segment FROM audit_segments WHERE seal_mac IS NULL",
        )
        .await;
        assert_eq!(newest, "2024-05");
        let march = raw_int(
            &db,
            "SELECT entries FROM audit_segments WHERE segment = '2024-03'",
        )
        .await;
        // 1 March 10:00 plus 20-hour steps stays in March for 37 entries (up to 31 March 22:00).
        assert_eq!(march, 37);
    }
}

#[tokio::test]
async fn empty_log_verifies_clean() {
    for db in dbs().await {
        let report = db.audit_verify(&key()).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
        assert_eq!(report.entries, 0);
        assert_eq!(report.segments, 0);
    }
}

#[tokio::test]
async fn guard_triggers_reject_changes() {
    for db in dbs().await {
        append_spread(&db, 3).await;
        let update = raw(&db, "UPDATE audit_log SET actor = 'someone' WHERE seq = 2").await;
        assert!(update.is_err(), "{}: update must be rejected", db.label());
        let delete = raw(&db, "DELETE FROM audit_log WHERE seq = 2").await;
        assert!(delete.is_err(), "{}: delete must be rejected", db.label());
        let report = db.audit_verify(&key()).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
    }
}

#[tokio::test]
async fn seal_due_seals_finished_months() {
    for db in dbs().await {
        let mac = key();
        db.audit_append(&mac, &entry(1)).await.unwrap();
        assert!(db.audit_seal_due(&mac).await.unwrap().is_empty());

        db.clock.advance(Duration::days(62));
        assert_eq!(db.audit_seal_due(&mac).await.unwrap(), vec!["2024-03"]);
        assert!(db.audit_seal_due(&mac).await.unwrap().is_empty());

        assert_eq!(db.audit_append(&mac, &entry(2)).await.unwrap(), 2);
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
        assert_eq!(report.segments, 2);
    }
}

#[tokio::test]
async fn clock_set_back_stays_in_newest_segment() {
    for db in dbs().await {
        let mac = key();
        db.clock.advance(Duration::days(40));
        db.audit_append(&mac, &entry(1)).await.unwrap();
        db.clock.advance(Duration::days(-40));
        db.audit_append(&mac, &entry(2)).await.unwrap();

        let records = db.audit_query(&AuditFilter::default(), 10).await.unwrap();
        assert_eq!(records[0].seq, 2);
        assert_eq!(records[0].segment, "2024-04", "{}", db.label());
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
    }
}

#[tokio::test]
async fn append_to_sealed_month_is_rejected() {
    for db in dbs().await {
        let mac = key();
        db.audit_append(&mac, &entry(1)).await.unwrap();
        db.clock.advance(Duration::days(62));
        assert_eq!(db.audit_seal_due(&mac).await.unwrap(), vec!["2024-03"]);

        db.clock.advance(Duration::days(-62));
        let error = db.audit_append(&mac, &entry(2)).await.unwrap_err();
        assert!(error.is_conflict(), "{}: {error}", db.label());
        assert!(error.to_string().contains("2024-03"), "{error}");
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
        assert_eq!(report.entries, 1);
    }
}

#[tokio::test]
async fn detail_is_cut_to_2000_characters() {
    for db in dbs().await {
        let mac = key();
        let mut long = entry(1);
        long.detail = "审".repeat(2_500);
        db.audit_append(&mac, &long).await.unwrap();

        let records = db.audit_query(&AuditFilter::default(), 1).await.unwrap();
        assert_eq!(records[0].detail.chars().count(), 2_000, "{}", db.label());
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
    }
}

#[tokio::test]
async fn query_filters_newest_first() {
    for db in dbs().await {
        append_spread(&db, 30).await;

        let all = db.audit_query(&AuditFilter::default(), 100).await.unwrap();
        assert_eq!(all.len(), 30, "{}", db.label());
        assert_eq!(all[0].seq, 30);
        assert!(all.windows(2).all(|pair| pair[0].seq > pair[1].seq));
        assert_eq!(all[29].actor_id, None);
        assert_eq!(all[28].actor_id, Some(2));

        let page = AuditFilter {
            before_seq: Some(11),
            ..AuditFilter::default()
        };
        let seqs: Vec<i64> = db
            .audit_query(&page, 3)
            .await
            .unwrap()
            .iter()
            .map(|record| record.seq)
            .collect();
        assert_eq!(seqs, vec![10, 9, 8]);

        let logins = AuditFilter {
            action: Some("login".into()),
            ..AuditFilter::default()
        };
        let seqs: Vec<i64> = db
            .audit_query(&logins, 100)
            .await
            .unwrap()
            .iter()
            .map(|record| record.seq)
            .collect();
        assert_eq!(seqs, vec![30, 25, 20, 15, 10, 5]);

        let denied_admin1 = AuditFilter {
            actor: Some("admin1".into()),
            result: Some(AuditResult::Denied),
            ..AuditFilter::default()
        };
        let denied = db.audit_query(&denied_admin1, 100).await.unwrap();
        let seqs: Vec<i64> = denied.iter().map(|record| record.seq).collect();
        assert_eq!(seqs, vec![28, 7]);
        assert_eq!(denied[0].result, "denied");

        // Entries 2 and 3 are 20 and 40 hours after the start.
        let start = jiyue_db::testing::test_start();
        let window = AuditFilter {
            from: Some(start + Duration::hours(20)),
            to: Some(start + Duration::hours(41)),
            ..AuditFilter::default()
        };
        let seqs: Vec<i64> = db
            .audit_query(&window, 100)
            .await
            .unwrap()
            .iter()
            .map(|record| record.seq)
            .collect();
        assert_eq!(seqs, vec![3, 2]);
    }
}

#[tokio::test]
async fn prune_keeps_at_least_a_year() {
    for db in dbs().await {
        let mac = key();
        for n in 1..=10 {
            db.audit_append(&mac, &entry(n)).await.unwrap();
        }
        db.clock.advance(Duration::days(31));
        for n in 11..=20 {
            db.audit_append(&mac, &entry(n)).await.unwrap();
        }

        // 2025-04-15: March 2024 ended 12 whole months before April 2025 began; April 2024
        // did not.
        db.clock.advance(Duration::days(379));
        db.audit_append(&mac, &entry(21)).await.unwrap();
        let error = db.audit_prune(&mac, 11).await.unwrap_err();
        assert!(error.is_invalid(), "{}: {error}", db.label());
        assert!(error.to_string().contains("11 months"), "{error}");
        assert_eq!(
            db.audit_prune(&mac, 24).await.unwrap(),
            Vec::<String>::new()
        );

        assert_eq!(db.audit_prune(&mac, 12).await.unwrap(), vec!["2024-03"]);
        let left = raw_int(&db, "SELECT COUNT(*) FROM audit_log").await;
        assert_eq!(left, 11, "{}", db.label());
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
        assert_eq!(report.entries, 11);
        assert_eq!(report.segments, 2);

        assert!(db.audit_prune(&mac, 12).await.unwrap().is_empty());
        db.audit_append(&mac, &entry(22)).await.unwrap();
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_are_gapless() {
    let Some(db) = fresh_postgres_from_env().await.unwrap() else {
        eprintln!("JIYUE_TEST_DATABASE_URL is not set: the concurrency test needs PostgreSQL");
        return;
    };
    let mut tasks = Vec::new();
    for writer in 0..8 {
        let db = db.db.clone();
        tasks.push(tokio::spawn(async move {
            let mac = key();
            let mut seqs = Vec::new();
            for n in 0..25 {
                seqs.push(
                    db.audit_append(&mac, &entry(writer * 25 + n))
                        .await
                        .unwrap(),
                );
            }
            seqs
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.extend(task.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<i64>>());

    let report = db.audit_verify(&key()).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(report.entries, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sqlite_handles_append_in_turn() {
    // Two handles on one file behave like the server and a `jiyue audit` command.
    let db = jiyue_db::testing::fresh_db().await.unwrap();
    let url = format!("sqlite://{}", db.dir.path().join("jiyue.db").display());
    let other = Db::open(&url, db.clock.clone()).await.unwrap();
    let mut tasks = Vec::new();
    for handle in [db.db.clone(), other] {
        tasks.push(tokio::spawn(async move {
            let mac = key();
            for n in 0..40 {
                handle.audit_append(&mac, &entry(n)).await.unwrap();
                handle.audit_seal_due(&mac).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = db.audit_verify(&key()).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(report.entries, 80);
}
