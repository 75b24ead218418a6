//! The demo province 吉林省: its organizations, sites, standard columns, the two real news
//! items of November 2018 in Chinese and English, generated sample items that fill every
//! column the news leaves blank or stale, and public services with demo statistics. The data is in `crates/jiyue/demo/`, compiled into
//! the binary.

pub mod accounts;
mod data;
mod samples;
mod services;
mod wording;
mod words;

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use jiyue_core::{Clock, Freshness};
use jiyue_db::{Db, ItemInput, NewColumn, Scope};

pub use data::source_digest;
pub use services::{DemoServices, DEMO_STATS_SOURCE};

use crate::import::order::originals_first;
use crate::import::record::ParsedItem;
use crate::import::store::store_items;
use data::{DemoData, DemoSite};
use samples::{sample_items, Owner};

/// Maximum number of items stored in one transaction, so a large `--items` run keeps each
/// transaction short.
const BATCH_SIZE: usize = 1000;

/// Counts of what building the demo loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub organizations: usize,
    pub sites: usize,
    pub columns: usize,
    /// Items of the demo: news items and generated sample items.
    pub items: usize,
    /// Generated sample items, included in `items`.
    pub sample_items: usize,
    pub items_created: usize,
    pub items_updated: usize,
    pub items_unchanged: usize,
    /// Public service items, synced and local, and their statistics.
    pub services: DemoServices,
}

impl std::fmt::Display for DemoReport {
    /// Formats the counts as one line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} organizations, {} sites, {} columns, {} items ({} of them samples): \
             {} created, {} updated, {} unchanged; {} services with {} months of demo statistics",
            self.organizations,
            self.sites,
            self.columns,
            self.items,
            self.sample_items,
            self.items_created,
            self.items_updated,
            self.items_unchanged,
            self.services.services(),
            self.services.stat_rows
        )
    }
}

/// Loads the demo province into `db`: organizations, sites and their columns, the news items,
/// and `sample_items_per_column` generated items in every column whose news does not meet the
/// column type's freshness rule at `clock.now()`.
///
/// Building is idempotent: everything is keyed (credit code, site code, column path, item id)
/// and sample items are dated from the China-time day of `clock.now()`, so a second run on the
/// same day changes nothing. A run on a later day moves the sample dates forward.
pub async fn build(
    db: &Db,
    clock: &dyn Clock,
    sample_items_per_column: usize,
) -> anyhow::Result<DemoReport> {
    let data = data::load()?;
    let mut report = DemoReport::default();
    store_structure(db, &data, &mut report).await?;

    let news: Vec<ItemInput> = originals_first(data.items.clone())
        .into_iter()
        .map(|item| item.input)
        .collect();
    let mut counts = store_items(db, &news)
        .await
        .context("failed to store the demo news items")?;
    report.items += news.len();

    let samples = generate_samples(&data, clock.now(), sample_items_per_column);
    report.sample_items = samples.len();
    report.items += samples.len();
    for batch in samples.chunks(BATCH_SIZE) {
        let stored = store_items(db, batch)
            .await
            .context("failed to store the demo sample items")?;
        counts.add(stored);
    }

    report.items_created = counts.created;
    report.items_updated = counts.updated;
    report.items_unchanged = counts.unchanged;
    // Services and statistics load once, into a new folder: an operator trying the demo may
    // sync a service or import figures of their own, which a restart must not undo.
    if db.admin_services(None).await?.is_empty() {
        report.services = services::load(db, clock.now()).await?;
    }
    wording::seed(db).await?;
    tracing::info!(%report, "demo province built");
    Ok(report)
}

/// Stores the organizations, then each site followed by its columns.
async fn store_structure(db: &Db, data: &DemoData, report: &mut DemoReport) -> anyhow::Result<()> {
    for org in &data.orgs {
        db.upsert_org(&Scope::Platform, org)
            .await
            .with_context(|| format!("failed to store demo organization {}", org.name))?;
        report.organizations += 1;
    }
    for demo_site in &data.sites {
        let site = &demo_site.site;
        db.upsert_site(&Scope::Platform, site)
            .await
            .with_context(|| format!("failed to store demo site {} ({})", site.name, site.code))?;
        report.sites += 1;
        for column in &demo_site.columns {
            db.upsert_column(&Scope::Platform, column)
                .await
                .with_context(|| {
                    format!("failed to store demo column {}:{}", site.code, column.path)
                })?;
            report.columns += 1;
        }
    }
    Ok(())
}

/// Generates sample items for every column without fresh news.
fn generate_samples(data: &DemoData, now: DateTime<Utc>, per_column: usize) -> Vec<ItemInput> {
    let org_names: HashMap<&str, &str> = data
        .orgs
        .iter()
        .map(|org| (org.credit_code.as_str(), org.name.as_str()))
        .collect();
    let mut items = Vec::new();
    for demo_site in &data.sites {
        let site = &demo_site.site;
        let owner = Owner {
            credit_code: &site.org_credit_code,
            name: org_names
                .get(site.org_credit_code.as_str())
                .copied()
                .unwrap_or(&site.name),
        };
        for column in &demo_site.columns {
            if !has_fresh_news(&data.items, demo_site, column, now) {
                items.extend(sample_items(site, &owner, column, per_column, now));
            }
        }
    }
    items
}

/// Returns whether a news item placed in the column meets the column's freshness rule.
fn has_fresh_news(
    news: &[ParsedItem],
    demo_site: &DemoSite,
    column: &NewColumn,
    now: DateTime<Utc>,
) -> bool {
    let placed_here = |item: &&ParsedItem| {
        std::iter::once(&item.input.home)
            .chain(&item.input.extra_placements)
            .any(|place| place.site_code == demo_site.site.code && place.column_path == column.path)
    };
    let newest = news
        .iter()
        .filter(placed_here)
        .filter_map(|item| item.input.meta.published_at)
        .max();
    match (column.column_type.freshness(), newest) {
        (_, None) => false,
        (Freshness::NotBlank, Some(_)) => true,
        (Freshness::MaxAgeDays(days), Some(newest)) => {
            now.signed_duration_since(newest) <= Duration::days(i64::from(days))
        }
    }
}
