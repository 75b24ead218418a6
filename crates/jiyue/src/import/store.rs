//! Storing checked items, one transaction per batch, and counting what changed.

use jiyue_db::{Db, DbError, ItemInput, Scope};

/// How many items of a batch were created, changed or left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StoreCounts {
    pub(crate) created: usize,
    pub(crate) updated: usize,
    pub(crate) unchanged: usize,
}

impl StoreCounts {
    /// Adds the counts of another batch.
    pub(crate) fn add(&mut self, other: StoreCounts) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// Stores `items` with one `save_items` call, so either all are stored or none.
pub(crate) async fn store_items(db: &Db, items: &[ItemInput]) -> Result<StoreCounts, DbError> {
    let saved = db.save_items(&Scope::Platform, items).await?;
    let mut counts = StoreCounts::default();
    for outcome in &saved {
        if outcome.created {
            counts.created += 1;
        } else if outcome.changed {
            counts.updated += 1;
        } else {
            counts.unchanged += 1;
        }
    }
    Ok(counts)
}
