//! Analytics without trackers: the public listener counts page views and searches in memory,
//! and a writer task adds the counts to the database every `FLUSH_INTERVAL` and on shutdown.
//!
//! Nothing about the visitor is kept: no address, cookie, user agent or session. A view is a
//! GET of a site's HTML page with a 200 response, from the cache or freshly rendered, by a
//! client that does not look automated (see `is_automated`). A search counts once per request of its
//! first result page without facet filters. A query that looks like personal data is counted
//! as withheld, without its text.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use http::HeaderValue;
use jiyue_core::{Clock, MaskedKind};
use jiyue_db::analytics::normalize_query;
use jiyue_db::{
    AnalyticsBatch, ColumnId, Db, DbError, ItemId, QueryCount, SiteId, ViewCount, ViewKind,
    WithheldCount,
};
use parking_lot::Mutex;
use tokio::sync::watch;

use crate::App;

/// How often the writer task adds the counts in memory to the database.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(15);

/// Days of counters kept; the writer deletes older days once a day. About 13 months, so a
/// month can be compared with the same month a year before.
pub const RETAIN_DAYS: i64 = 400;

/// The maximum number of distinct (site, day, page) keys between two flushes. Views of further
/// keys are dropped and counted, so a flood of requests cannot grow memory without bound.
const MAX_VIEW_KEYS: usize = 100_000;

/// The maximum number of distinct (site, day, query) keys between two flushes.
const MAX_QUERY_KEYS: usize = 20_000;

/// Substrings of a `User-Agent` that mark crawlers, monitors, command-line clients and the
/// platform's own probe and link checker, compared without regard to ASCII case.
const AUTOMATED_MARKERS: [&str; 17] = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "probe",
    "linkcheck",
    "monitor",
    "headless",
    "curl/",
    "wget",
    "python",
    "go-http-client",
    "java/",
    "libwww",
    "httpclient",
    "okhttp",
    "scrapy",
];

/// The kind, column and item of a cached page, so that a cache hit is counted without
/// rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageView {
    pub kind: ViewKind,
    pub column_id: Option<ColumnId>,
    pub item_id: Option<ItemId>,
}

impl PageView {
    /// Returns the attribution of a site's home page.
    pub fn home() -> Self {
        Self {
            kind: ViewKind::Home,
            column_id: None,
            item_id: None,
        }
    }

    /// Returns the attribution of a page of a column listing.
    pub fn column(column_id: ColumnId) -> Self {
        Self {
            kind: ViewKind::Column,
            column_id: Some(column_id),
            item_id: None,
        }
    }

    /// Returns the attribution of an item page shown in a column.
    pub fn item(column_id: ColumnId, item_id: ItemId) -> Self {
        Self {
            kind: ViewKind::Item,
            column_id: Some(column_id),
            item_id: Some(item_id),
        }
    }

    /// Returns the attribution of any other HTML page of a site.
    pub fn other() -> Self {
        Self {
            kind: ViewKind::Other,
            column_id: None,
            item_id: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ViewKey {
    site_id: SiteId,
    day: NaiveDate,
    view: PageView,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct QueryKey {
    site_id: SiteId,
    day: NaiveDate,
    query: String,
}

/// Counts since the last flush.
#[derive(Debug, Default)]
struct Window {
    views: HashMap<ViewKey, u64>,
    /// Searches and searches without results per query.
    queries: HashMap<QueryKey, (u64, u64)>,
    withheld: HashMap<(SiteId, NaiveDate), u64>,
    dropped_views: u64,
    dropped_searches: u64,
}

impl Window {
    fn add_views(&mut self, key: ViewKey, views: u64) {
        if let Some(count) = self.views.get_mut(&key) {
            *count += views;
        } else if self.views.len() < MAX_VIEW_KEYS {
            self.views.insert(key, views);
        } else {
            self.dropped_views += views;
        }
    }

    fn add_searches(&mut self, key: QueryKey, searches: u64, zero_results: u64) {
        if let Some((count, zero)) = self.queries.get_mut(&key) {
            *count += searches;
            *zero += zero_results;
        } else if self.queries.len() < MAX_QUERY_KEYS {
            self.queries.insert(key, (searches, zero_results));
        } else {
            self.dropped_searches += searches;
        }
    }
}

/// The in-memory counters of the public listener, shared by every request.
pub struct Analytics {
    clock: Arc<dyn Clock>,
    window: Mutex<Window>,
}

impl std::fmt::Debug for Analytics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analytics").finish_non_exhaustive()
    }
}

impl Analytics {
    /// Creates empty counters that date views by `clock` in China time.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            window: Mutex::new(Window::default()),
        }
    }

    fn today(&self) -> NaiveDate {
        jiyue_core::clock::to_china(self.clock.now()).date_naive()
    }

    /// Counts one view of a site's page. Takes one short lock and allocates only for the
    /// first view of a page in a flush window.
    pub fn record_view(&self, site_id: SiteId, view: PageView) {
        let key = ViewKey {
            site_id,
            day: self.today(),
            view,
        };
        self.window.lock().add_views(key, 1);
    }

    /// Counts one search of a site for `text`, and whether it found nothing. An empty query
    /// is not counted; a query that looks like personal data is counted as withheld.
    pub fn record_search(&self, site_id: SiteId, text: &str, found_nothing: bool) {
        let Some(query) = normalize_query(text) else {
            return;
        };
        let day = self.today();
        if looks_personal(text) {
            *self
                .window
                .lock()
                .withheld
                .entry((site_id, day))
                .or_insert(0) += 1;
            return;
        }
        let key = QueryKey {
            site_id,
            day,
            query,
        };
        self.window
            .lock()
            .add_searches(key, 1, u64::from(found_nothing));
    }

    /// Takes the counts since the last flush, leaving the window empty, and logs what was
    /// dropped over the key limits.
    fn take(&self) -> AnalyticsBatch {
        let window = std::mem::take(&mut *self.window.lock());
        if window.dropped_views > 0 || window.dropped_searches > 0 {
            tracing::warn!(
                dropped_views = window.dropped_views,
                dropped_searches = window.dropped_searches,
                max_view_keys = MAX_VIEW_KEYS,
                max_query_keys = MAX_QUERY_KEYS,
                "analytics counts were dropped: too many distinct pages or queries in one flush window"
            );
        }
        AnalyticsBatch {
            views: window
                .views
                .into_iter()
                .map(|(key, views)| ViewCount {
                    site_id: key.site_id,
                    day: key.day,
                    kind: key.view.kind,
                    column_id: key.view.column_id,
                    item_id: key.view.item_id,
                    views,
                })
                .collect(),
            queries: window
                .queries
                .into_iter()
                .map(|(key, (searches, zero_results))| QueryCount {
                    site_id: key.site_id,
                    day: key.day,
                    query: key.query,
                    searches,
                    zero_results,
                })
                .collect(),
            withheld: window
                .withheld
                .into_iter()
                .map(|((site_id, day), searches)| WithheldCount {
                    site_id,
                    day,
                    searches,
                })
                .collect(),
        }
    }

    /// Puts the counts of a batch that could not be stored back, so the next flush retries
    /// them; counts over the key limits are dropped.
    fn restore(&self, batch: AnalyticsBatch) {
        let mut window = self.window.lock();
        for view in batch.views {
            let key = ViewKey {
                site_id: view.site_id,
                day: view.day,
                view: PageView {
                    kind: view.kind,
                    column_id: view.column_id,
                    item_id: view.item_id,
                },
            };
            window.add_views(key, view.views);
        }
        for query in batch.queries {
            let key = QueryKey {
                site_id: query.site_id,
                day: query.day,
                query: query.query,
            };
            window.add_searches(key, query.searches, query.zero_results);
        }
        for entry in batch.withheld {
            *window
                .withheld
                .entry((entry.site_id, entry.day))
                .or_insert(0) += entry.searches;
        }
    }

    /// Adds the counts since the last flush to the database in one transaction and returns
    /// how many rows were written. On failure the counts stay in memory for the next flush.
    pub async fn flush(&self, db: &Db) -> Result<usize, DbError> {
        let batch = self.take();
        if batch.is_empty() {
            return Ok(0);
        }
        let rows = batch.views.len() + batch.queries.len() + batch.withheld.len();
        match db.record_analytics(&batch).await {
            Ok(()) => Ok(rows),
            Err(error) => {
                self.restore(batch);
                Err(error)
            }
        }
    }
}

/// Returns true for a `User-Agent` of a crawler, monitor, script or the platform's own
/// probe, and for a request without one, because every common browser sends one. Compares
/// bytes in place without allocating.
pub fn is_automated(user_agent: Option<&HeaderValue>) -> bool {
    let Some(agent) = user_agent.map(HeaderValue::as_bytes) else {
        return true;
    };
    if agent.iter().all(u8::is_ascii_whitespace) {
        return true;
    }
    AUTOMATED_MARKERS.iter().any(|marker| {
        agent
            .windows(marker.len())
            .any(|window| window.eq_ignore_ascii_case(marker.as_bytes()))
    })
}

/// Returns true when a query contains an identity number, a phone number or an e-mail
/// address, as the masking of citizens' messages finds them.
fn looks_personal(text: &str) -> bool {
    jiyue_core::mask_personal_data(text, &[])
        .found
        .iter()
        .any(|kind| {
            matches!(
                kind,
                MaskedKind::IdentityNumber
                    | MaskedKind::Mobile
                    | MaskedKind::Landline
                    | MaskedKind::Email
            )
        })
}

/// Flushes the counters every `FLUSH_INTERVAL` until `shutdown` turns true, then once more,
/// and deletes days older than `RETAIN_DAYS` once a day.
pub async fn run_writer(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(FLUSH_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    let mut pruned_on: Option<NaiveDate> = None;
    tracing::info!(
        interval_s = FLUSH_INTERVAL.as_secs(),
        "analytics writer started"
    );
    loop {
        let stop = tokio::select! {
            _ = ticker.tick() => false,
            changed = shutdown.changed() => changed.is_err() || *shutdown.borrow(),
        };
        if let Err(error) = app.analytics.flush(&app.db).await {
            tracing::error!(%error, "storing analytics counts failed; retrying at the next flush");
        }
        let today = app.today();
        if pruned_on != Some(today) {
            let first_kept = today - chrono::Duration::days(RETAIN_DAYS);
            match app.db.prune_analytics(first_kept).await {
                Ok(removed) => {
                    pruned_on = Some(today);
                    if removed > 0 {
                        tracing::info!(removed, %first_kept, "deleted old analytics days");
                    }
                }
                Err(error) => tracing::error!(%error, "deleting old analytics days failed"),
            }
        }
        if stop {
            tracing::info!("analytics writer stopped");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(text: &str) -> HeaderValue {
        HeaderValue::from_str(text).unwrap()
    }

    #[test]
    fn automated_agents_recognized() {
        let browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                       (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert!(!is_automated(Some(&agent(browser))));
        for robot in [
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Mozilla/5.0 (compatible; Googlebot/2.1)",
            "Sogou web spider/4.0",
            "jiyue-probe/0.1.0",
            "Jiyue-LinkCheck/0.1.0 (government website link check)",
            "curl/8.5.0",
            "python-requests/2.31",
            "  ",
        ] {
            assert!(is_automated(Some(&agent(robot))), "{robot}");
        }
        assert!(is_automated(None));
    }

    #[test]
    fn personal_queries_recognized() {
        assert!(looks_personal("11010519491231002X"));
        assert!(looks_personal("13800138000 社保"));
        assert!(looks_personal("zhang.san@example.com"));
        assert!(!looks_personal("社保卡 办理"));
        assert!(!looks_personal("2024 年 政府工作报告"));
    }
}
