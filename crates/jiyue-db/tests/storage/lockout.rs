//! Sign-in failure counters: locking after the limit within the window, old failures no
//! longer counting, unlocking, and pruning.

use chrono::Duration;

use crate::fixtures::*;

#[tokio::test]
async fn failures_lock_only_within_the_window() {
    for db in dbs().await {
        let subject = vec!["account:editor".to_string()];
        let window = Duration::minutes(15);
        for _ in 0..4 {
            db.record_login_failure(&subject, 5, window).await.unwrap();
        }
        assert_eq!(
            db.locked_until(&subject).await.unwrap(),
            None,
            "{}",
            db.label()
        );

        // Four typos a while ago and one now do not lock.
        db.clock.advance(Duration::minutes(20));
        db.record_login_failure(&subject, 5, window).await.unwrap();
        assert_eq!(db.locked_until(&subject).await.unwrap(), None);

        for _ in 0..4 {
            db.record_login_failure(&subject, 5, window).await.unwrap();
        }
        let until = db.locked_until(&subject).await.unwrap();
        assert_eq!(until, Some(db.clock().now() + window));

        assert!(db.unlock_subject(&subject[0]).await.unwrap());
        assert_eq!(db.locked_until(&subject).await.unwrap(), None);
    }
}

#[tokio::test]
async fn stale_counters_are_pruned_but_live_locks_stay() {
    for db in dbs().await {
        let window = Duration::minutes(15);
        let typo = vec!["v4:192.0.2.1".to_string()];
        db.record_login_failure(&typo, 5, window).await.unwrap();
        let locked = vec!["account:target".to_string()];
        for _ in 0..5 {
            db.record_login_failure(&locked, 5, Duration::days(3))
                .await
                .unwrap();
        }
        db.clock.advance(Duration::days(2));
        let pruned = db
            .prune_login_failures(db.clock().now() - Duration::days(1))
            .await
            .unwrap();
        assert_eq!(pruned, 1, "{}", db.label());
        assert!(db.locked_until(&locked).await.unwrap().is_some());
        assert_eq!(count(&db, "login_failures").await, 1);
    }
}
