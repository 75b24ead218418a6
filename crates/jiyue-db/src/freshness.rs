//! The input of the freshness check: for every column of a site, the number of items its
//! listing shows and the publication time of the newest one.
//!
//! The counts follow the listing pages (`column_items`): an item counts in a column when it
//! is published and has an accepted placement with a route there, whether it was written in
//! the column or placed from the shared resource library. Its time is `items.published_at`,
//! the date the listing shows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::Result;
use crate::model::{Column, SiteId};
use crate::sql::args;

/// A column and what its listing shows.
#[derive(Debug, Clone)]
pub struct ColumnActivity {
    pub column: Column,
    /// Published items the column's own listing shows, not counting its sub-columns.
    pub published: i64,
    /// The publication time of the newest of them; `None` when the column shows nothing.
    pub latest: Option<DateTime<Utc>>,
}

impl Db {
    /// Returns every column of a site, ordered by path, with its listed items' count and
    /// newest publication time.
    pub async fn column_activity(&self, site_id: SiteId) -> Result<Vec<ColumnActivity>> {
        let mut columns = self.columns(site_id).await?;
        columns.sort_by(|a, b| a.path.cmp(&b.path));

        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT p.column_id, COUNT(*) AS published, MAX(i.published_at) AS latest \
                 FROM placements p JOIN items i ON i.id = p.item_id \
                 JOIN revisions v ON v.id = i.live_revision_id \
                 JOIN routes r ON r.site_id = p.site_id AND r.item_id = p.item_id \
                   AND r.column_id = p.column_id AND r.kind = 'item' \
                 WHERE p.site_id = $1 AND p.status = 'accepted' \
                 GROUP BY p.column_id",
                args![site_id],
            )
            .await?;
        let mut listed = HashMap::new();
        for row in &rows {
            let latest = row.opt_time("latest")?;
            listed.insert(row.int("column_id")?, (row.int("published")?, latest));
        }

        Ok(columns
            .into_iter()
            .map(|column| {
                let (published, latest) = listed.get(&column.id).copied().unwrap_or((0, None));
                ColumnActivity {
                    column,
                    published,
                    latest,
                }
            })
            .collect())
    }
}
