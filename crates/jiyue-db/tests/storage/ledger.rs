//! The tampering ledger: versions of a page per site and path, and which one is current.

use chrono::Duration;
use jiyue_core::Clock;
use jiyue_db::{sm3_hex, LedgerEntry, PublishedItem, Scope};

use crate::fixtures::*;

/// Stands in for the item page: the parts of the item the page shows.
fn page_of(item: &PublishedItem) -> String {
    format!(
        "<h1>{}</h1>{}<p>{}</p>",
        item.meta.title, item.body_html, item.revision_id
    )
}

fn entry(site_id: i64, path: &str, body: &str) -> LedgerEntry {
    LedgerEntry {
        site_id,
        path: path.to_string(),
        digest: sm3_hex(body.as_bytes()),
        length: body.len() as u64,
        content_type: "text/html; charset=utf-8".to_string(),
    }
}

#[tokio::test]
async fn ledger_tracks_republished_item() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let saved = db
            .save_item(&Scope::Platform, &news("ledger-1", "初版标题"))
            .await
            .unwrap();
        let first = db.published_item(saved.item_id).await.unwrap().unwrap();
        let path = first
            .placements
            .iter()
            .find(|placement| placement.is_home)
            .unwrap()
            .path
            .clone();
        let first_body = page_of(&first);
        db.ledger_record(&[entry(world.portal, &path, &first_body)])
            .await
            .unwrap();
        let recorded_at = db.clock.now();

        // The same bytes rendered again are the same version, seen later.
        db.clock.advance(Duration::minutes(5));
        db.ledger_record(&[entry(world.portal, &path, &first_body)])
            .await
            .unwrap();
        let history = db.ledger_history(world.portal, &path).await.unwrap();
        assert_eq!(history.len(), 1, "{}", db.label());
        assert_eq!(history[0].first_seen_at, recorded_at);
        assert_eq!(history[0].last_seen_at, db.clock.now());

        // An edit republished renders new bytes: a new digest becomes current.
        let mut edited = news("ledger-1", "修订后的标题");
        edited.body_html = "<p>更正后的正文</p>".to_string();
        db.save_item(&Scope::Platform, &edited).await.unwrap();
        let second = db.published_item(saved.item_id).await.unwrap().unwrap();
        assert_ne!(second.revision_id, first.revision_id, "{}", db.label());
        let second_body = page_of(&second);
        db.clock.advance(Duration::minutes(5));
        db.ledger_record(&[entry(world.portal, &path, &second_body)])
            .await
            .unwrap();

        let current = db
            .ledger_current(world.portal, &path)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            current.digest,
            sm3_hex(second_body.as_bytes()),
            "{}",
            db.label()
        );
        assert_eq!(current.length, second_body.len() as u64);
        assert_eq!(current.first_seen_at, db.clock.now());
        let history = db.ledger_history(world.portal, &path).await.unwrap();
        assert_eq!(history.len(), 2, "{}", db.label());
        assert_eq!(history[1].digest, sm3_hex(first_body.as_bytes()));
    }
}

#[tokio::test]
async fn ledger_current_follows_order_not_clock() {
    for db in dbs().await {
        let world = build_world(&db).await;
        // Every render at one instant: A, then B, then A again makes A current.
        for body in ["A", "B", "A"] {
            db.ledger_record(&[entry(world.portal, "/index.html", body)])
                .await
                .unwrap();
        }
        let current = db
            .ledger_current(world.portal, "/index.html")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(current.digest, sm3_hex(b"A"), "{}", db.label());
        assert_eq!(
            db.ledger_history(world.portal, "/index.html")
                .await
                .unwrap()
                .len(),
            2
        );

        // One batch may carry several paths and repeat one.
        db.ledger_record(&[
            entry(world.portal, "/sitemap.html", "map"),
            entry(world.portal, "/robots.txt", "robots"),
            entry(world.portal, "/robots.txt", "robots 2"),
            entry(world.english, "/index.html", "english"),
        ])
        .await
        .unwrap();
        let site = db.ledger_site(world.portal).await.unwrap();
        let paths: Vec<&str> = site.iter().map(|version| version.path.as_str()).collect();
        assert_eq!(
            paths,
            ["/index.html", "/robots.txt", "/sitemap.html"],
            "{}",
            db.label()
        );
        assert_eq!(site[1].digest, sm3_hex(b"robots 2"));
        assert!(db
            .ledger_current(world.portal, "/nowhere.html")
            .await
            .unwrap()
            .is_none());
    }
}

#[tokio::test]
async fn ledger_rejects_bad_entries() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut bad_digest = entry(world.portal, "/index.html", "x");
        bad_digest.digest = "ABC".to_string();
        let error = db.ledger_record(&[bad_digest]).await.unwrap_err();
        assert!(error.to_string().contains("\"ABC\""), "{error}");

        let relative = entry(world.portal, "index.html", "x");
        let error = db.ledger_record(&[relative]).await.unwrap_err();
        assert!(error.to_string().contains("index.html"), "{error}");

        let good = entry(world.portal, "/a.html", "x");
        let long = entry(world.portal, &format!("/{}", "a".repeat(3000)), "x");
        assert!(db.ledger_record(&[good, long]).await.is_err());
        assert!(
            db.ledger_current(world.portal, "/a.html")
                .await
                .unwrap()
                .is_none(),
            "a rejected batch stores nothing"
        );
    }
}
