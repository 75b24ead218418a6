//! The wording lists operators keep: adding, listing, removing, and the errors that name the
//! value and the fix.

use jiyue_db::{DbError, NewWordingEntry, WordingList};

use crate::fixtures::*;

fn entry(list: &str, term: &str, replacement: &str) -> NewWordingEntry {
    NewWordingEntry {
        list: list.to_string(),
        term: term.to_string(),
        replacement: replacement.to_string(),
        source: "test".to_string(),
    }
}

#[tokio::test]
async fn entries_added_listed_removed() {
    for db in dbs().await {
        let official = db
            .add_wording_entry(&entry("official", " 生态环境部部长 ", "李干杰"), None)
            .await
            .unwrap();
        db.add_wording_entry(&entry("misstatement", "集团办公室", "领导小组办公室"), None)
            .await
            .unwrap();
        db.add_wording_entry(&entry("forbidden", "示例禁用词", ""), None)
            .await
            .unwrap();

        let entries = db.wording_entries().await.unwrap();
        let lists: Vec<WordingList> = entries.iter().map(|e| e.list).collect();
        assert_eq!(
            lists,
            vec![
                WordingList::Forbidden,
                WordingList::Misstatement,
                WordingList::Official
            ],
            "{}",
            db.label()
        );
        assert_eq!(entries[2].term, "生态环境部部长");
        assert_eq!(entries[2].replacement, "李干杰");
        assert_eq!(entries[2].source.as_deref(), Some("test"));
        assert_eq!(entries[2].added_at, jiyue_db::testing::test_start());

        let removed = db.remove_wording_entry(official).await.unwrap().unwrap();
        assert_eq!(removed.term, "生态环境部部长", "{}", db.label());
        assert!(db.remove_wording_entry(official).await.unwrap().is_none());
        assert_eq!(db.wording_entries().await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn duplicate_term_conflicts() {
    for db in dbs().await {
        db.add_wording_entry(&entry("typo", "通迅", "通讯"), None)
            .await
            .unwrap();
        let error = db
            .add_wording_entry(&entry("typo", " 通迅 ", "通信"), None)
            .await
            .unwrap_err();
        assert!(matches!(error, DbError::Conflict(_)), "{}", db.label());
        assert!(error.to_string().contains("通迅"), "{error}");
        // The same term on another list is a separate entry.
        db.add_wording_entry(&entry("forbidden", "通迅", ""), None)
            .await
            .unwrap();
        assert_eq!(db.wording_entries().await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn invalid_entry_rejected_unstored() {
    for db in dbs().await {
        let error = db
            .add_wording_entry(&entry("official", "国家统计局局长", "Ning"), None)
            .await
            .unwrap_err();
        assert!(matches!(error, DbError::Invalid(_)), "{}", db.label());
        assert!(error.to_string().contains("Ning"), "{error}");
        assert!(db.wording_entries().await.unwrap().is_empty());
    }
}
