//! Concurrent writers on PostgreSQL: a consumer reading `outbox_after(last)` receives every event
//! once, in order, with no gaps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jiyue_db::testing::fresh_postgres_from_env;
use jiyue_db::Scope;

use crate::fixtures::*;

const WRITERS: usize = 8;
const ITEMS_PER_WRITER: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn consumer_sees_every_event_once() {
    let Some(db) = fresh_postgres_from_env().await.unwrap() else {
        eprintln!("JIYUE_TEST_DATABASE_URL is not set: the concurrency test needs PostgreSQL");
        return;
    };
    build_world(&db).await;
    // One organization per writer, so the writers do not queue on one index-serial row and
    // their transactions overlap.
    let mut orgs = Vec::new();
    for writer in 0..WRITERS {
        let code = credit_code("220000", &format!("1000000{writer}"));
        let org = new_org(
            &code,
            &format!("测试单位{writer}"),
            Some(&province_code()),
            "220000",
        );
        db.upsert_org(&Scope::Platform, &org).await.unwrap();
        orgs.push(code);
    }
    let start = db.outbox_head().await.unwrap();
    let expected = WRITERS * ITEMS_PER_WRITER;

    let mut writers = Vec::new();
    for (writer, org) in orgs.into_iter().enumerate() {
        let db = db.db.clone();
        writers.push(tokio::spawn(async move {
            for n in 0..ITEMS_PER_WRITER {
                let mut input = news(&format!("w{writer}-{n}"), &format!("写入者{writer}第{n}条"));
                input.org_credit_code = org.clone();
                db.save_item(&Scope::Platform, &input).await.unwrap();
            }
        }));
    }

    // The consumer stops once it has seen every event, or when the writers are done and it
    // finds nothing new: a skipped event is then missing for good.
    let writers_done = Arc::new(AtomicBool::new(false));
    let consumer = {
        let db = db.db.clone();
        let writers_done = writers_done.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut last = start;
            while seen.len() < expected {
                let done = writers_done.load(Ordering::SeqCst);
                let batch = db.outbox_after(last, 7).await.unwrap();
                for event in &batch {
                    seen.push(event.position);
                    last = event.position;
                }
                if batch.is_empty() {
                    if done {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
            seen
        })
    };

    for writer in writers {
        writer.await.unwrap();
    }
    writers_done.store(true, Ordering::SeqCst);
    let seen = consumer.await.unwrap();
    assert_eq!(
        seen.len(),
        expected,
        "the consumer saw {} of {expected} events",
        seen.len()
    );
    let contiguous: Vec<i64> = (start + 1..=start + expected as i64).collect();
    assert_eq!(
        seen, contiguous,
        "positions seen out of order, twice or with gaps"
    );
    assert_eq!(db.outbox_head().await.unwrap(), start + expected as i64);
    assert_eq!(count(&db, "items").await, expected as i64);
}
