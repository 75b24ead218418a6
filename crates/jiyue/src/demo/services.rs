//! The demo's public services: provincial services synced from a demo feed
//! (`services.json`), 长春市 services kept as local items (`services-local.json`), and six
//! months of statistics; the departments implementing them are in `orgs.toml`. Everything is
//! labelled demo data and goes through the same import code as `jiyue import --services` and `--stats`.

use std::fmt::Write as _;

use anyhow::Context;
use chrono::{DateTime, Datelike, Months, Utc};
use jiyue_db::Db;

use crate::import::{import_services_text, import_stats_text, ImportError, ServicesReport};

/// Services synced from the demo feed of the provincial government-service platform.
const SYNCED: &str = include_str!("services.json");

/// Services 长春市 maintains on the platform itself.
const LOCAL: &str = include_str!("services-local.json");

/// Name the demo statistics are stored under, so no page can pass them off as real figures.
pub const DEMO_STATS_SOURCE: &str = "演示数据（非真实统计）";

/// Months of statistics the demo carries, ending with the month before the current one.
const STATS_MONTHS: u32 = 6;

/// Counts of the demo services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoServices {
    pub synced: ServicesReport,
    pub local: ServicesReport,
    /// Months of statistics stored or found unchanged.
    pub stat_rows: usize,
}

impl DemoServices {
    /// Returns the number of demo services.
    pub fn services(&self) -> usize {
        let count = |report: &ServicesReport| report.created + report.updated + report.unchanged;
        count(&self.synced) + count(&self.local)
    }
}

/// Stores the services and their statistics for the six months before the
/// China-time month of `now`. Running it again on the same day changes no service.
pub(crate) async fn load(db: &Db, now: DateTime<Utc>) -> anyhow::Result<DemoServices> {
    let synced = import_services_text(db, "demo/services.json", SYNCED, None, false)
        .await
        .map_err(demo_error)?;
    let local = import_services_text(db, "demo/services-local.json", LOCAL, None, false)
        .await
        .map_err(demo_error)?;

    let csv = demo_stats(&[SYNCED, LOCAL], now)?;
    let stats = import_stats_text(db, "demo statistics", &csv, Some(DEMO_STATS_SOURCE), false)
        .await
        .map_err(demo_error)?;
    Ok(DemoServices {
        synced,
        local,
        stat_rows: stats.rows,
    })
}

fn demo_error(error: ImportError) -> anyhow::Error {
    anyhow::anyhow!("the demo services failed to import; rebuild jiyue:\n{error}")
}

/// Writes a statistics CSV with made-up figures for every service code of `files`, for the
/// months before `now`. The figures only fill the pages, and their source name states that
/// they are not real.
fn demo_stats(files: &[&str], now: DateTime<Utc>) -> anyhow::Result<String> {
    let this_month = jiyue_core::clock::to_china(now)
        .date_naive()
        .with_day(1)
        .context("the first of the month is always a date")?;
    let mut csv = String::from("code,month,received,completed\n");
    for text in files {
        let document: serde_json::Value = serde_json::from_str(text)?;
        let services = document["services"].as_array().cloned().unwrap_or_default();
        for service in services {
            let Some(code) = service["code"].as_str() else {
                continue;
            };
            for back in 1..=STATS_MONTHS {
                let Some(month) = this_month.checked_sub_months(Months::new(back)) else {
                    continue;
                };
                let month = month.format("%Y-%m").to_string();
                let seed = spread(code, &month);
                let received = 30 + seed % 170;
                let completed = received - (seed / 7) % 6;
                writeln!(csv, "{code},{month},{received},{completed}")?;
            }
        }
    }
    Ok(csv)
}

/// Spreads a code and month into a number, so the made-up figures differ between rows.
fn spread(code: &str, month: &str) -> u64 {
    code.bytes()
        .chain(month.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn demo_files_hold_enough_services() {
        let count = |text: &str| {
            let document: serde_json::Value = serde_json::from_str(text).unwrap();
            document["services"].as_array().unwrap().len()
        };
        assert!(count(SYNCED) + count(LOCAL) >= 20);
    }

    #[test]
    fn statistics_cover_six_months_before_now() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 2, 0, 0).unwrap();
        let csv = demo_stats(&[LOCAL], now).unwrap();
        assert!(csv.contains("CC-GA-001,2026-11,"));
        assert!(csv.contains("CC-GA-001,2026-06,"));
        assert!(!csv.contains("2026-12"));
        assert!(!csv.contains("2026-05"));
        for line in csv.lines().skip(1) {
            let fields: Vec<u64> = line
                .split(',')
                .skip(2)
                .map(|n| n.parse().unwrap())
                .collect();
            assert!(fields[1] <= fields[0], "{line}");
        }
    }
}
