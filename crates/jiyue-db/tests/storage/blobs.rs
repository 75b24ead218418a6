//! The blob store and file records.

use jiyue_db::{sm3_hex, BlobStore, Scope};

use crate::fixtures::*;

/// SM3 of "abc", the first worked example of GB/T 32905-2016.
const SM3_ABC: &str = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

#[tokio::test]
async fn blob_store_is_content_addressed() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(dir.path().join("blobs")).unwrap();
    assert_eq!(sm3_hex(b"abc"), SM3_ABC);
    let digest = store.put(b"abc").await.unwrap();
    assert_eq!(digest, SM3_ABC);
    let on_disk = dir.path().join("blobs").join("66").join(&SM3_ABC[2..]);
    assert_eq!(std::fs::read(&on_disk).unwrap(), b"abc");
    assert_eq!(store.put(b"abc").await.unwrap(), SM3_ABC);
    assert_eq!(store.get(SM3_ABC).await.unwrap().unwrap(), b"abc");
    assert!(store.get(&"0".repeat(64)).await.unwrap().is_none());
    assert!(store.get("../../etc/passwd").await.unwrap().is_none());
    let leftovers = std::fs::read_dir(dir.path().join("blobs").join("tmp"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "temporary files are renamed into place");
}

#[tokio::test]
async fn files_are_counted_by_attachments() {
    for db in dbs().await {
        build_world(&db).await;
        let item = db
            .save_item(&Scope::Platform, &news("n1", "带附件"))
            .await
            .unwrap();
        let id = db
            .put_file(b"%PDF-1.4 test", "application/pdf")
            .await
            .unwrap();
        assert_eq!(
            db.put_file(b"%PDF-1.4 test", "application/pdf")
                .await
                .unwrap(),
            id,
            "{}",
            db.label()
        );

        let file = db.file(id).await.unwrap().unwrap();
        assert_eq!(file.digest, sm3_hex(b"%PDF-1.4 test"));
        assert_eq!(file.size, 13);
        assert_eq!(file.content_type, "application/pdf");
        assert_eq!(file.refcount, 0);
        assert_eq!(db.file_bytes(id).await.unwrap().unwrap(), b"%PDF-1.4 test");

        db.attach_file(&Scope::Platform, item.item_id, id, "附件1.pdf", 1)
            .await
            .unwrap();
        db.attach_file(&Scope::Platform, item.item_id, id, "附件一.pdf", 1)
            .await
            .unwrap();
        assert_eq!(db.file(id).await.unwrap().unwrap().refcount, 1);
        let attachments = db.item_files(item.item_id).await.unwrap();
        assert_eq!(attachments.len(), 1);
        assert_eq!(attachments[0].name, "附件一.pdf");

        let error = db
            .attach_file(&Scope::Site(999), item.item_id, id, "x.pdf", 2)
            .await
            .unwrap_err();
        assert!(error.is_out_of_scope(), "{error}");

        db.detach_file(&Scope::Platform, item.item_id, id)
            .await
            .unwrap();
        assert_eq!(db.file(id).await.unwrap().unwrap().refcount, 0);
        assert!(db.item_files(item.item_id).await.unwrap().is_empty());
        assert!(db.file(id + 1000).await.unwrap().is_none());
    }
}
