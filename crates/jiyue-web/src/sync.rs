//! The outbox consumer: applies change events in commit order to the page cache, the host
//! table and the search index. The index commit stores the position it reached, so after a
//! crash the consumer resumes where the index left off.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::indexer::{index_item, IndexError};
use crate::App;

/// Events read per batch.
const BATCH: i64 = 500;
/// How often the outbox is polled; changes reach every page within about this long.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Applies every event after the index's committed position; returns the new position.
pub async fn catch_up(app: &App) -> Result<i64, IndexError> {
    let mut position = app.search.committed_position();
    loop {
        let events = app.db.outbox_after(position, BATCH).await?;
        let Some(last) = events.last() else {
            break;
        };
        let last_position = last.position;

        let mut tags: Vec<String> = Vec::new();
        let mut items = BTreeSet::new();
        let mut sites_changed = false;
        let mut synonyms_changed = false;
        let mut calendar_changed = false;
        for event in &events {
            synonyms_changed |= event.kind == "search.synonyms";
            calendar_changed |= event.kind == "calendar.changed";
            tags.extend(event.tags.iter().cloned());
            if let Some(item_id) = event.item_id {
                items.insert(item_id);
            }
            if event.kind.starts_with("site.") || event.kind.starts_with("org.") {
                sites_changed = true;
            }
        }
        if sites_changed {
            app.reload_sites().await?;
            tags.push("directory".to_string());
        }
        if synonyms_changed {
            app.reload_synonyms().await?;
        }
        if calendar_changed {
            // The event's tags drop the pages that show deadlines; they re-render with the
            // new calendar, so dates marked provisional are recalculated.
            app.reload_calendar().await?;
        }
        // A moved column or a changed site changes the paths services are placed at too.
        let columns_moved = events.iter().any(|event| event.kind.starts_with("column."));
        if sites_changed || columns_moved || tags.iter().any(|tag| tag == jiyue_db::SERVICES_TAG) {
            app.forget_services();
        }
        tags.sort();
        tags.dedup();
        app.cache.invalidate(&tags);

        let directory = app.directory();
        for item_id in items {
            index_item(&app.db, &app.search, &directory, item_id).await?;
        }
        app.search.commit(last_position)?;
        position = last_position;
        app.counters
            .outbox_position
            .store(position, Ordering::Relaxed);
    }
    Ok(position)
}

/// Polls the outbox until `shutdown` turns true, logging and retrying on errors.
pub async fn run(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let mut failures = 0u32;
    loop {
        match catch_up(&app).await {
            Ok(_) => failures = 0,
            Err(error) => {
                failures += 1;
                if failures == 1 || failures % 50 == 0 {
                    tracing::error!(%error, failures, "applying outbox events failed; retrying");
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_INTERVAL) => {}
            _ = shutdown.changed() => return,
        }
    }
}
