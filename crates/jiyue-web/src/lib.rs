//! HTTP for Jiyue: the public listener (host table, page cache, site pages, search, feeds),
//! the admin listener (sign-in, sessions, staff management, health and metrics), and the
//! outbox consumer that keeps the cache and the search index in step with the database.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod access;
pub mod admin;
pub mod analytics;
pub mod api;
pub mod cache;
pub mod citizen;
pub mod csv_safe;
pub mod export;
pub mod headers;
pub mod hosts;
pub mod indexer;
pub mod monitor;
pub mod net;
mod pages;
pub mod public;
pub mod schedule;
pub mod server;
pub mod signals;
mod sitemodel;
pub mod sync;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use jiyue_auth::{ChainMac, LockoutPolicy, PasswordPolicy};
use jiyue_core::Clock;
use jiyue_core::{CalendarEntry, DayKind, WorkCalendar};
use jiyue_db::{Db, PublishedService, Site, SiteId};
use jiyue_render::Renderer;
use jiyue_search::SearchIndex;
use parking_lot::RwLock;

use crate::cache::PageCache;
use crate::hosts::{HostConfig, HostTable};
use crate::net::IpBlock;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub hosts: HostConfig,
    /// Name of the platform shown on its directory page.
    pub platform_name: String,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpBlock>,
    /// Memory budget of the page cache in bytes.
    pub cache_budget: usize,
    /// Items per column page.
    pub page_size: u32,
}

/// Security settings of the admin listener.
#[derive(Debug, Clone)]
pub struct AdminConfig {
    /// A signed-in session ends after this long without a request.
    pub idle_timeout: chrono::Duration,
    /// Composition rules for staff passwords.
    pub password_policy: PasswordPolicy,
    /// Failed sign-ins that lock an account and an address, and for how long.
    pub lockout: LockoutPolicy,
    /// Client addresses allowed to reach the admin pages; empty allows every address.
    pub allow: Vec<IpBlock>,
    /// Whether the session cookie carries `Secure`; off only on a loopback listener.
    pub cookie_secure: bool,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            idle_timeout: chrono::Duration::minutes(10),
            password_policy: PasswordPolicy::default(),
            lockout: LockoutPolicy::default(),
            allow: Vec::new(),
            cookie_secure: true,
        }
    }
}

/// Counters exported as metrics.
#[derive(Debug, Default)]
pub struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub outbox_position: AtomicI64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default)]
pub struct CounterSnapshot {
    pub hits: u64,
    pub misses: u64,
    pub outbox_position: i64,
}

impl Counters {
    /// Reads every counter.
    pub fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            outbox_position: self.outbox_position.load(Ordering::Relaxed),
        }
    }
}

/// Sites and hosts as held in memory, replaced whole when a site changes.
#[derive(Debug, Default)]
pub struct SiteDirectory {
    pub hosts: HostTable,
    pub sites: HashMap<SiteId, Site>,
}

impl SiteDirectory {
    /// Builds the directory from the stored sites.
    pub fn build(sites: Vec<Site>, config: &HostConfig) -> Self {
        let hosts = HostTable::build(&sites, config);
        let sites = sites.into_iter().map(|site| (site.id, site)).collect();
        Self { hosts, sites }
    }
}

/// Everything a request handler needs, shared by both listeners.
pub struct App {
    pub db: Db,
    pub search: Arc<SearchIndex>,
    pub renderer: Renderer,
    pub cache: PageCache,
    pub config: WebConfig,
    pub admin: AdminConfig,
    /// The key that chains audit log entries.
    pub audit_mac: Arc<dyn ChainMac>,
    pub clock: Arc<dyn Clock>,
    pub counters: Counters,
    /// The queue of the public listener's access log.
    pub access_log: access::AccessLog,
    /// The queue of digests of rendered pages for the tampering ledger.
    pub ledger: export::LedgerQueue,
    directory: RwLock<Arc<SiteDirectory>>,
    calendar: RwLock<Arc<WorkCalendar>>,
    /// Writes of unanswered search queries allowed to run at once.
    pub(crate) miss_permits: Arc<tokio::sync::Semaphore>,
    /// The published services, loaded once after each change, and the number of changes seen.
    services: RwLock<(u64, Option<Arc<Vec<PublishedService>>>)>,
    /// Citizen accounts, sign-in and cases; `None` when the platform runs without them.
    pub citizens: Option<Arc<citizen::CitizenServices>>,
    /// The alert desk's settings; the defaults until the server sets them.
    desk: RwLock<Arc<monitor::DeskConfig>>,
    /// Failed sign-ins, request rates and scanner requests, drained by the monitor job.
    pub signals: Arc<signals::SignalRecorder>,
    /// Page views and searches counted since the analytics writer last flushed.
    pub analytics: analytics::Analytics,
}

impl App {
    /// Creates the application state and loads the host table from the database.
    #[allow(clippy::too_many_arguments)]
    pub async fn new(
        db: Db,
        search: Arc<SearchIndex>,
        renderer: Renderer,
        config: WebConfig,
        admin: AdminConfig,
        audit_mac: Arc<dyn ChainMac>,
        clock: Arc<dyn Clock>,
        citizens: Option<Arc<citizen::CitizenServices>>,
    ) -> Result<Arc<Self>, jiyue_db::DbError> {
        let sites = db.sites().await?;
        let directory = SiteDirectory::build(sites, &config.hosts);
        let calendar = load_calendar(&db).await?;
        search.set_synonyms(synonym_terms(&db).await?);
        let clock_for_analytics = clock.clone();
        let signals = Arc::new(signals::SignalRecorder::new(
            clock.clone(),
            jiyue_monitor::signals::SignalRules::default(),
        ));
        Ok(Arc::new(Self {
            db,
            search,
            renderer,
            cache: PageCache::new(config.cache_budget),
            config,
            admin,
            audit_mac,
            clock,
            counters: Counters::default(),
            access_log: access::AccessLog::default(),
            ledger: export::LedgerQueue::default(),
            directory: RwLock::new(Arc::new(directory)),
            calendar: RwLock::new(Arc::new(calendar)),
            miss_permits: Arc::new(tokio::sync::Semaphore::new(4)),
            services: RwLock::new((0, None)),
            citizens,
            desk: RwLock::new(Arc::new(monitor::DeskConfig::default())),
            signals,
            analytics: analytics::Analytics::new(clock_for_analytics),
        }))
    }

    /// Returns the alert desk's settings.
    pub fn desk(&self) -> Arc<monitor::DeskConfig> {
        self.desk.read().clone()
    }

    /// Replaces the alert desk's settings.
    pub fn set_desk(&self, config: monitor::DeskConfig) {
        *self.desk.write() = Arc::new(config);
    }

    /// Returns the current sites and host table.
    pub fn directory(&self) -> Arc<SiteDirectory> {
        self.directory.read().clone()
    }

    /// Reloads sites and hosts from the database.
    pub async fn reload_sites(&self) -> Result<(), jiyue_db::DbError> {
        let sites = self.db.sites().await?;
        let directory = SiteDirectory::build(sites, &self.config.hosts);
        *self.directory.write() = Arc::new(directory);
        Ok(())
    }

    /// Returns the working-day calendar: the shipped years and those an operator loaded.
    pub fn calendar(&self) -> Arc<WorkCalendar> {
        self.calendar.read().clone()
    }

    /// Reloads the years an operator loaded from the database.
    pub async fn reload_calendar(&self) -> Result<(), jiyue_db::DbError> {
        let calendar = load_calendar(&self.db).await?;
        *self.calendar.write() = Arc::new(calendar);
        Ok(())
    }

    /// Reloads the synonym groups editors maintain into the search index.
    pub async fn reload_synonyms(&self) -> Result<(), jiyue_db::DbError> {
        self.search.set_synonyms(synonym_terms(&self.db).await?);
        Ok(())
    }

    /// Returns every published service. The one-stop pages of every site and the API share
    /// one copy, loaded on first use after a change, instead of querying per request.
    pub async fn published_services(
        &self,
    ) -> Result<Arc<Vec<PublishedService>>, jiyue_db::DbError> {
        let generation = {
            let cached = self.services.read();
            if let Some(services) = &cached.1 {
                return Ok(services.clone());
            }
            cached.0
        };
        let loaded = Arc::new(self.db.published_services().await?);
        let mut cached = self.services.write();
        // A change applied while loading makes this copy stale: use it for this request only.
        if cached.0 == generation {
            cached.1 = Some(loaded.clone());
        }
        Ok(loaded)
    }

    /// Drops the shared copy of the published services after a change to any of them.
    pub fn forget_services(&self) {
        let mut cached = self.services.write();
        cached.0 += 1;
        cached.1 = None;
    }

    /// Returns today's date in China Standard Time, from the injected clock.
    pub fn today(&self) -> chrono::NaiveDate {
        jiyue_core::clock::to_china(self.clock.now()).date_naive()
    }
}

async fn synonym_terms(db: &Db) -> Result<Vec<Vec<String>>, jiyue_db::DbError> {
    Ok(db
        .synonym_groups()
        .await?
        .into_iter()
        .map(|group| group.terms)
        .collect())
}

/// Builds the working-day calendar from the shipped years and the years stored in the
/// database, which replace shipped years of the same number. A stored year that no longer
/// passes the calendar's checks is skipped with an error in the log, so one bad row cannot
/// stop the server; its dates then count as provisional.
pub async fn load_calendar(db: &Db) -> Result<WorkCalendar, jiyue_db::DbError> {
    let mut by_year: std::collections::BTreeMap<i32, Vec<CalendarEntry>> = Default::default();
    for day in db.calendar_days().await? {
        let Some(kind) = DayKind::parse(&day.kind) else {
            tracing::error!(day = %day.day, kind = day.kind, "a stored calendar day has an unknown kind");
            continue;
        };
        by_year
            .entry(chrono::Datelike::year(&day.day))
            .or_default()
            .push(CalendarEntry {
                date: day.day,
                kind,
                name_zh: day.name_zh,
                name_en: day.name_en,
            });
    }
    let mut calendar = WorkCalendar::shipped();
    for year in db.calendar_years().await? {
        let entries = by_year.remove(&year.year).unwrap_or_default();
        match calendar.with_year(year.year, entries) {
            Ok(loaded) => calendar = loaded,
            Err(error) => {
                tracing::error!(year = year.year, %error, "a loaded calendar year is invalid; load it again");
            }
        }
    }
    Ok(calendar)
}
