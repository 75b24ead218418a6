//! Fixed-window counters for rate limits on what citizens send, shared by every node.

use chrono::Duration;

use super::Db;
use crate::error::Result;
use crate::sql::{args, micros};

/// A limit: at most `limit` hits per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateWindow {
    pub limit: u64,
    pub window: Duration,
}

impl Db {
    /// Counts one hit on `counter` in the current window and returns the hits so far,
    /// this one included.
    pub async fn hit_rate(&self, counter: &str, window: Duration) -> Result<u64> {
        let now = micros(self.now());
        let width = window.num_microseconds().unwrap_or(i64::MAX).max(1);
        let start = now - now.rem_euclid(width);
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_one(
                "INSERT INTO rate_counters (counter, window_start, hits) VALUES ($1, $2, 1) \
                 ON CONFLICT (counter, window_start) DO UPDATE \
                 SET hits = rate_counters.hits + 1 RETURNING hits",
                args![counter, start],
            )
            .await?;
        let hits = row.int("hits")?;
        tx.conn()
            .execute(
                "DELETE FROM rate_counters WHERE counter = $1 AND window_start < $2",
                args![counter, start],
            )
            .await?;
        tx.commit().await?;
        Ok(u64::try_from(hits).unwrap_or(0))
    }

    /// Returns the hits on `counter` in the current window without counting one.
    pub async fn rate_hits(&self, counter: &str, window: Duration) -> Result<u64> {
        let now = micros(self.now());
        let width = window.num_microseconds().unwrap_or(i64::MAX).max(1);
        let start = now - now.rem_euclid(width);
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                "SELECT hits FROM rate_counters WHERE counter = $1 AND window_start = $2",
                args![counter, start],
            )
            .await?;
        Ok(match row {
            Some(row) => u64::try_from(row.int("hits")?).unwrap_or(0),
            None => 0,
        })
    }

    /// Deletes counters of windows that started before `window` ago; returns how many.
    pub async fn prune_rate_counters(&self, window: Duration) -> Result<u64> {
        let before = micros(self.now() - window);
        let mut tx = self.begin().await?;
        let removed = tx
            .conn()
            .execute(
                "DELETE FROM rate_counters WHERE window_start < $1",
                args![before],
            )
            .await?;
        tx.commit().await?;
        Ok(removed)
    }
}
