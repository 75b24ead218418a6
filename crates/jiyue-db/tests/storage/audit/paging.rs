//! A log longer than one verification page: the chain is built here with the public MAC
//! functions and bulk-inserted, so the test also pins the stored format of entries, segments
//! and the head.

use jiyue_auth::chain::{entry_mac, head_mac, seal_mac, AuditFields};
use jiyue_db::testing::TestDb;
use jiyue_db::AuditProblem;

use super::{drop_guards, key, raw};
use crate::fixtures::dbs;

/// More entries than two pages of 5,000.
const ENTRIES: i64 = 12_001;

/// Entries per INSERT statement.
const BATCH: i64 = 500;

/// Writes `ENTRIES` chained entries in two segments, the first sealed, and the head.
async fn write_long_log(db: &TestDb) {
    let mac = key();
    let split = 6_000;
    let mut previous = "0".repeat(64);
    let mut rows = Vec::new();
    let mut split_mac = String::new();
    for seq in 1..=ENTRIES {
        let segment = if seq <= split { "2024-01" } else { "2024-02" };
        let target = format!("item:{seq}");
        let fields = AuditFields {
            seq,
            at_micros: 1_704_067_200_000_000 + seq,
            actor: "importer",
            actor_id: None,
            address: "192.0.2.1",
            action: "item.publish",
            target: &target,
            result: "ok",
            detail: "",
            segment,
        };
        previous = entry_mac(&mac, &previous, &fields);
        if seq == split {
            split_mac = previous.clone();
        }
        rows.push(format!(
            "({seq}, {}, 'importer', NULL, '192.0.2.1', 'item.publish', '{target}', 'ok', '', \
             '{segment}', '{previous}')",
            fields.at_micros
        ));
    }
    for chunk in rows.chunks(BATCH as usize) {
        let sql = format!(
            "INSERT INTO audit_log \
             (seq, at, actor, actor_id, address, action, target, result, detail, segment, mac) \
             VALUES {}",
            chunk.join(", ")
        );
        raw(db, &sql).await.unwrap();
    }

    let seal = seal_mac(&mac, "2024-01", 1, split, split, &split_mac);
    let rest = ENTRIES - split;
    let statements = [
        format!(
            "INSERT INTO audit_segments (segment, first_seq, last_seq, entries, last_mac, \
             seal_mac, sealed_at) VALUES ('2024-01', 1, {split}, {split}, '{split_mac}', \
             '{seal}', 1)"
        ),
        format!(
            "INSERT INTO audit_segments (segment, first_seq, last_seq, entries, last_mac) \
             VALUES ('2024-02', {}, {ENTRIES}, {rest}, '{previous}')",
            split + 1
        ),
        format!(
            "INSERT INTO audit_head (id, seq, last_mac, head_mac) VALUES (1, {ENTRIES}, \
             '{previous}', '{}')",
            head_mac(&mac, ENTRIES, &previous)
        ),
    ];
    for sql in statements {
        raw(db, &sql).await.unwrap();
    }
}

#[tokio::test]
async fn long_log_verifies_across_pages() {
    for db in dbs().await {
        write_long_log(&db).await;
        let mac = key();
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
        assert_eq!(report.entries, ENTRIES);
        assert_eq!(report.segments, 2);

        // The test clock is in March 2024, so the next append seals February first.
        let seq = db.audit_append(&mac, &super::entry(1)).await.unwrap();
        assert_eq!(seq, ENTRIES + 1);
        let report = db.audit_verify(&mac).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", db.label(), report.problems);
        assert_eq!(report.segments, 3);
    }
}

#[tokio::test]
async fn gap_at_page_boundary_is_missing() {
    for db in dbs().await {
        write_long_log(&db).await;
        drop_guards(&db).await;
        raw(
            &db,
            "DELETE FROM audit_log WHERE seq IN (5000, 5001, 10001)",
        )
        .await
        .unwrap();
        raw(&db, "UPDATE audit_log SET detail = 'x' WHERE seq = 10000")
            .await
            .unwrap();
        let report = db.audit_verify(&key()).await.unwrap();
        let expected = vec![
            AuditProblem::Missing {
                from_seq: 5000,
                to_seq: 5001,
            },
            AuditProblem::Edited { seq: 10000 },
            AuditProblem::Missing {
                from_seq: 10001,
                to_seq: 10001,
            },
        ];
        assert_eq!(report.problems, expected, "{}", db.label());
        assert_eq!(report.entries, ENTRIES - 3);
    }
}
