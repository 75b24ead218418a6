//! Tampering with the audit log through raw SQL, and what verification reports for each kind.

use jiyue_auth::chain::SoftwareSm3Mac;
use jiyue_db::testing::TestDb;
use jiyue_db::AuditProblem;

use super::{append_spread, drop_guards, key, raw, raw_text};
use crate::fixtures::dbs;

/// Opens every backend with 100 entries over March, April and May 2024 and the guard triggers
/// dropped. March contains entries 1 to 37, April 38 to 73 and May 74 to 100.
async fn tampered_dbs() -> Vec<TestDb> {
    let dbs = dbs().await;
    for db in &dbs {
        append_spread(db, 100).await;
        drop_guards(db).await;
    }
    dbs
}

async fn run(db: &TestDb, statements: &[&str]) {
    for sql in statements {
        raw(db, sql)
            .await
            .unwrap_or_else(|error| panic!("{}: {sql}: {error}", db.label()));
    }
}

async fn problems(db: &TestDb) -> Vec<AuditProblem> {
    db.audit_verify(&key()).await.unwrap().problems
}

#[tokio::test]
async fn edited_actor_is_reported_once() {
    for db in tampered_dbs().await {
        run(
            &db,
            &["UPDATE audit_log SET actor = 'intruder' WHERE seq = 50"],
        )
        .await;
        assert_eq!(
            problems(&db).await,
            vec![AuditProblem::Edited { seq: 50 }],
            "{}",
            db.label()
        );
    }
}

#[tokio::test]
async fn every_edited_field_is_reported_once() {
    for db in tampered_dbs().await {
        run(
            &db,
            &[
                "UPDATE audit_log SET at = at + 1 WHERE seq = 5",
                "UPDATE audit_log SET actor_id = 999 WHERE seq = 10",
                "UPDATE audit_log SET actor_id = NULL WHERE seq = 12",
                "UPDATE audit_log SET address = '198.51.100.1' WHERE seq = 15",
                "UPDATE audit_log SET action = 'login' WHERE seq = 21",
                "UPDATE audit_log SET target = 'item:0' WHERE seq = 25",
                "UPDATE audit_log SET result = 'ok' WHERE seq = 28",
                // The last entry of sealed March moved to April.
                "UPDATE audit_log SET segment = '2024-04' WHERE seq = 37",
                // The first entry of April with a forged MAC.
                "UPDATE audit_log SET mac = '00' WHERE seq = 38",
                "UPDATE audit_log SET detail = '' WHERE seq = 60",
                // Two neighbors: a field of one, the MAC of the next.
                "UPDATE audit_log SET actor = 'intruder' WHERE seq = 70",
                "UPDATE audit_log SET mac = 'ff' WHERE seq = 71",
                // The newest entry, which the head points at.
                "UPDATE audit_log SET mac = 'aa' WHERE seq = 100",
            ],
        )
        .await;
        let expected: Vec<AuditProblem> = [5, 10, 12, 15, 21, 25, 28, 37, 38, 60, 70, 71, 100]
            .into_iter()
            .map(|seq| AuditProblem::Edited { seq })
            .collect();
        assert_eq!(problems(&db).await, expected, "{}", db.label());
    }
}

#[tokio::test]
async fn deleted_middle_entries_are_missing() {
    for db in tampered_dbs().await {
        run(
            &db,
            &[
                "DELETE FROM audit_log WHERE seq = 40",
                "DELETE FROM audit_log WHERE seq BETWEEN 60 AND 62",
                // The first entry of May.
                "DELETE FROM audit_log WHERE seq = 74",
            ],
        )
        .await;
        let expected = vec![
            AuditProblem::Missing {
                from_seq: 40,
                to_seq: 40,
            },
            AuditProblem::Missing {
                from_seq: 60,
                to_seq: 62,
            },
            AuditProblem::Missing {
                from_seq: 74,
                to_seq: 74,
            },
        ];
        assert_eq!(problems(&db).await, expected, "{}", db.label());
    }
}

#[tokio::test]
async fn deleted_newest_entry_is_truncation() {
    for db in tampered_dbs().await {
        run(&db, &["DELETE FROM audit_log WHERE seq = 100"]).await;
        assert_eq!(
            problems(&db).await,
            vec![AuditProblem::Truncated {
                head_seq: 100,
                last_seq: 99
            }],
            "{}",
            db.label()
        );
    }
}

#[tokio::test]
async fn deleted_newest_entry_with_head_moved_back() {
    for db in tampered_dbs().await {
        let mac = raw_text(&db, "SELECT mac FROM audit_log WHERE seq = 99").await;
        run(
            &db,
            &[
                "DELETE FROM audit_log WHERE seq = 100",
                &format!("UPDATE audit_head SET seq = 99, last_mac = '{mac}'"),
                &format!(
                    "UPDATE audit_segments SET last_seq = 99, entries = 26, last_mac = '{mac}' \
                     WHERE segment = '2024-05'"
                ),
            ],
        )
        .await;
        let found = problems(&db).await;
        assert_eq!(found, vec![AuditProblem::HeadMismatch], "{}", db.label());
    }
}

#[tokio::test]
async fn whole_log_deleted_is_truncation() {
    for db in tampered_dbs().await {
        run(&db, &["DELETE FROM audit_log"]).await;
        assert_eq!(
            problems(&db).await,
            vec![AuditProblem::Truncated {
                head_seq: 100,
                last_seq: 0
            }],
            "{}",
            db.label()
        );
    }
}

#[tokio::test]
async fn forged_entry_at_end_is_inserted() {
    for db in tampered_dbs().await {
        run(
            &db,
            &["INSERT INTO audit_log \
               (seq, at, actor, actor_id, address, action, target, result, detail, segment, mac) \
               SELECT 101, at + 1, actor, actor_id, address, 'staff.grant', target, result, \
               detail, segment, mac FROM audit_log WHERE seq = 100"],
        )
        .await;
        assert_eq!(
            problems(&db).await,
            vec![AuditProblem::Inserted { seq: 101 }],
            "{}",
            db.label()
        );

        run(&db, &["UPDATE audit_head SET seq = 101"]).await;
        let found = problems(&db).await;
        assert!(found.contains(&AuditProblem::HeadMismatch), "{found:?}");
    }
}

#[tokio::test]
async fn forged_entry_in_middle_is_reported() {
    for db in tampered_dbs().await {
        // Make room at 50 by moving every later entry up by one, then forge entry 50.
        run(
            &db,
            &[
                "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 50",
                "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000",
                "INSERT INTO audit_log \
                 (seq, at, actor, actor_id, address, action, target, result, detail, segment, mac) \
                 SELECT 50, at + 1, 'intruder', NULL, address, action, target, result, detail, \
                 segment, mac FROM audit_log WHERE seq = 49",
            ],
        )
        .await;
        let found = problems(&db).await;
        assert!(
            found.contains(&AuditProblem::Edited { seq: 50 }),
            "{}: {found:?}",
            db.label()
        );
        assert!(
            found.contains(&AuditProblem::Inserted { seq: 101 }),
            "{found:?}"
        );
    }
}

#[tokio::test]
async fn edited_sealed_segment_is_bad_seal() {
    for db in tampered_dbs().await {
        run(
            &db,
            &[
                "UPDATE audit_segments SET entries = entries + 1 WHERE segment = '2024-03'",
                "UPDATE audit_segments SET seal_mac = NULL WHERE segment = '2024-04'",
            ],
        )
        .await;
        let expected = vec![
            AuditProblem::BadSeal {
                segment: "2024-03".into(),
            },
            AuditProblem::BadSeal {
                segment: "2024-04".into(),
            },
        ];
        assert_eq!(problems(&db).await, expected, "{}", db.label());
    }
}

#[tokio::test]
async fn edited_open_segment_is_mismatch() {
    for db in tampered_dbs().await {
        run(
            &db,
            &["UPDATE audit_segments SET last_mac = 'ab' WHERE segment = '2024-05'"],
        )
        .await;
        assert_eq!(
            problems(&db).await,
            vec![AuditProblem::SegmentMismatch {
                segment: "2024-05".into()
            }],
            "{}",
            db.label()
        );
    }
}

#[tokio::test]
async fn deleted_segment_row_is_reported() {
    for db in tampered_dbs().await {
        run(
            &db,
            &["DELETE FROM audit_segments WHERE segment = '2024-04'"],
        )
        .await;
        let found = problems(&db).await;
        assert!(!found.is_empty(), "{}", db.label());
        assert!(found.contains(&AuditProblem::SegmentMismatch {
            segment: "2024-04".into()
        }));
    }
}

#[tokio::test]
async fn segment_pruned_early_is_missing() {
    for db in tampered_dbs().await {
        run(
            &db,
            &[
                "UPDATE audit_segments SET pruned_at = 1 WHERE segment = '2024-03'",
                "DELETE FROM audit_log WHERE segment = '2024-03'",
            ],
        )
        .await;
        assert_eq!(
            problems(&db).await,
            vec![AuditProblem::Missing {
                from_seq: 1,
                to_seq: 37
            }],
            "{}",
            db.label()
        );
    }
}

#[tokio::test]
async fn wrong_key_is_never_clean() {
    for db in tampered_dbs().await {
        let other = SoftwareSm3Mac::new(b"another key, also of 32 bytes...").unwrap();
        let report = db.audit_verify(&other).await.unwrap();
        assert!(!report.is_clean(), "{}", db.label());
        assert!(report.problems.contains(&AuditProblem::HeadMismatch));
        assert!(report.problems.contains(&AuditProblem::BadSeal {
            segment: "2024-03".into()
        }));
        assert!(report.problems.contains(&AuditProblem::Edited { seq: 1 }));
        assert_eq!(report.entries, 100);
    }
}
