//! The freshness check: for every site, whether its home page and its columns were updated
//! in time, and which columns are blank, judged on the China-time date of the injected clock.
//!
//! The national veto lines come from the government website inspection indicators of 2019
//! (政府网站与政务新媒体检查指标, 国办秘函〔2019〕19号), single-veto item 内容不更新:
//! - the home page has no update during the two weeks monitored;
//! - 5 or more columns are not updated in time, counting news columns (动态、要闻) not updated
//!   in the 2 weeks and top-level notice and policy document columns (通知公告、政策文件) not
//!   updated in the 6 months before the check;
//! - 10 or more columns that should be updated were not updated for long;
//! - 5 or more columns are blank (a column with no content).
//!
//! A column's deadline is its type's rule (`ColumnType::freshness`). A column counts its
//! sub-columns: it is updated when any item in its subtree is, and blank only when the whole
//! subtree shows nothing. The home page shows the newest items of the top-level columns, so it
//! changed when one of those columns last had a publication.
//!
//! Warnings come before each line; `FreshnessRules` sets how far before.

use chrono::{DateTime, NaiveDate, Utc};
use jiyue_core::clock::to_china;
use jiyue_core::{Clock, ColumnType, Freshness};
use jiyue_db::{ColumnActivity, Db, Site};
use serde::{Deserialize, Serialize};

use crate::fault::{Check, Fault, Severity};

/// Days the home page may go without an update; more is a veto.
pub const HOME_VETO_DAYS: i64 = 14;
/// Columns of the two-week and six-month rules not updated in time that make a veto.
pub const TIMELY_VETO_COLUMNS: usize = 5;
/// Columns with an update deadline that missed it that make a veto.
pub const STALE_VETO_COLUMNS: usize = 10;
/// Blank columns that make a veto.
pub const BLANK_VETO_COLUMNS: usize = 5;

/// When the check warns, before each veto line. The veto lines themselves are national rules
/// and not configurable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FreshnessRules {
    /// Days without a home page update from which the check warns (veto after 14).
    pub home_warning_days: i64,
    /// Days before a column's own deadline from which the check warns about the column.
    pub column_warning_days: i64,
    /// Blank columns from which the check warns (veto at 5).
    pub blank_warning_columns: usize,
    /// Columns past their deadline from which the check warns (veto at 10).
    pub stale_warning_columns: usize,
    /// News, notice and policy columns past their deadline from which the check warns
    /// (veto at 5).
    pub timely_warning_columns: usize,
}

impl Default for FreshnessRules {
    fn default() -> Self {
        FreshnessRules {
            home_warning_days: 10,
            column_warning_days: 3,
            blank_warning_columns: 2,
            stale_warning_columns: 6,
            timely_warning_columns: 3,
        }
    }
}

impl FreshnessRules {
    /// Checks that every warning comes before its veto line, and returns an error naming the
    /// setting, its value and the allowed range otherwise.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            (
                "home_warning_days",
                self.home_warning_days,
                1,
                HOME_VETO_DAYS,
            ),
            ("column_warning_days", self.column_warning_days, 0, 13),
            (
                "blank_warning_columns",
                self.blank_warning_columns as i64,
                1,
                BLANK_VETO_COLUMNS as i64 - 1,
            ),
            (
                "stale_warning_columns",
                self.stale_warning_columns as i64,
                1,
                STALE_VETO_COLUMNS as i64 - 1,
            ),
            (
                "timely_warning_columns",
                self.timely_warning_columns as i64,
                1,
                TIMELY_VETO_COLUMNS as i64 - 1,
            ),
        ];
        for (name, value, min, max) in checks {
            if !(min..=max).contains(&value) {
                return Err(format!(
                    "freshness setting {name} = {value} is out of range; use {min} to {max}, \
                     so the warning comes before the national veto line"
                ));
            }
        }
        Ok(())
    }
}

/// A column past or near its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnAge {
    pub column_id: i64,
    pub path: String,
    pub name: String,
    pub column_type: ColumnType,
    /// Days since the newest publication in the column or its sub-columns.
    pub days: i64,
    /// The column type's deadline in days.
    pub max_days: i64,
    /// Date of the newest publication, China time.
    pub latest: NaiveDate,
    /// True for the news, notice and policy columns counted against the line of 5.
    pub timely: bool,
}

/// A column that shows nothing, sub-columns included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlankColumn {
    pub column_id: i64,
    pub path: String,
    pub name: String,
}

/// The freshness of one site, for the scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FreshnessReport {
    pub site_id: i64,
    pub site_code: String,
    /// The date of the check, China time.
    pub today: NaiveDate,
    /// Days since the home page last changed; `None` when it never showed an item.
    pub home_days: Option<i64>,
    /// Date of the home page's newest publication, China time.
    pub home_latest: Option<NaiveDate>,
    /// Columns past their deadline.
    pub stale: Vec<ColumnAge>,
    /// Columns within the warning days of their deadline.
    pub due_soon: Vec<ColumnAge>,
    pub blank: Vec<BlankColumn>,
    /// Stale columns that count against the line of 5: news columns, and top-level notice
    /// and policy document columns.
    pub timely_stale: usize,
}

/// Returns the China-time date of an instant.
fn china_date(at: DateTime<Utc>) -> NaiveDate {
    to_china(at).date_naive()
}

/// Returns true when `path` is `ancestor` or below it.
fn in_subtree(path: &str, ancestor: &str) -> bool {
    ancestor.is_empty()
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn counts_against_timely_line(activity: &ColumnActivity) -> bool {
    match activity.column.column_type {
        ColumnType::WorkNews | ColumnType::KeyNews => true,
        ColumnType::Notices | ColumnType::PolicyDocuments => activity.column.parent_id.is_none(),
        _ => false,
    }
}

/// Judges one site's columns on `today` and returns its report.
pub fn report_site(
    site: &Site,
    columns: &[ColumnActivity],
    today: NaiveDate,
    rules: &FreshnessRules,
) -> FreshnessReport {
    let days_since = |at: DateTime<Utc>| (today - china_date(at)).num_days().max(0);
    let home_latest = columns
        .iter()
        .filter(|activity| activity.column.parent_id.is_none())
        .filter_map(|activity| activity.latest)
        .max();
    let mut report = FreshnessReport {
        site_id: site.id,
        site_code: site.code.clone(),
        today,
        home_days: home_latest.map(days_since),
        home_latest: home_latest.map(china_date),
        stale: Vec::new(),
        due_soon: Vec::new(),
        blank: Vec::new(),
        timely_stale: 0,
    };

    for activity in columns {
        let column = &activity.column;
        let subtree = columns
            .iter()
            .filter(|other| in_subtree(&other.column.path, &column.path));
        let latest = subtree.filter_map(|other| other.latest).max();
        let Some(latest) = latest else {
            report.blank.push(BlankColumn {
                column_id: column.id,
                path: column.path.clone(),
                name: column.name.clone(),
            });
            continue;
        };
        let Freshness::MaxAgeDays(max_days) = column.column_type.freshness() else {
            continue;
        };
        let age = ColumnAge {
            column_id: column.id,
            path: column.path.clone(),
            name: column.name.clone(),
            column_type: column.column_type,
            days: days_since(latest),
            max_days: i64::from(max_days),
            latest: china_date(latest),
            timely: counts_against_timely_line(activity),
        };
        if age.days > age.max_days {
            report.timely_stale += usize::from(age.timely);
            report.stale.push(age);
        } else if age.days >= age.max_days - rules.column_warning_days {
            report.due_soon.push(age);
        }
    }
    report
}

/// Returns the faults of one site's report.
pub fn report_faults(report: &FreshnessReport, rules: &FreshnessRules) -> Vec<Fault> {
    let site = report.site_id;
    let mut faults = Vec::new();
    faults.extend(home_fault(report, rules));

    for (age, message) in report
        .stale
        .iter()
        .map(|age| (age, "fresh-column-stale"))
        .chain(report.due_soon.iter().map(|age| (age, "fresh-column-due")))
    {
        let evidence = format!(
            "column /{}/ ({}): newest item {}, {} days before {}; the rule is {} days",
            age.path, age.column_type, age.latest, age.days, report.today, age.max_days
        );
        faults.push(
            Fault::new(
                Check::Freshness,
                Some(site),
                format!("freshness:column:{site}:{}", age.column_id),
                Severity::Warning,
                message,
                evidence,
            )
            .arg("column", &age.name)
            .arg("days", age.days)
            .arg("max", age.max_days)
            .arg("left", (age.max_days - age.days).max(0)),
        );
    }
    for blank in &report.blank {
        faults.push(
            Fault::new(
                Check::Freshness,
                Some(site),
                format!("freshness:column:{site}:{}", blank.column_id),
                Severity::Warning,
                "fresh-column-blank",
                format!(
                    "column /{}/ shows no published item on {}",
                    blank.path, report.today
                ),
            )
            .arg("column", &blank.name),
        );
    }

    let paths = |ages: &mut dyn Iterator<Item = &str>| ages.collect::<Vec<_>>().join(", ");
    let counts = [
        (
            "stale",
            report.stale.len(),
            rules.stale_warning_columns,
            STALE_VETO_COLUMNS,
            paths(&mut report.stale.iter().map(|a| a.path.as_str())),
        ),
        (
            "timely",
            report.timely_stale,
            rules.timely_warning_columns,
            TIMELY_VETO_COLUMNS,
            paths(
                &mut report
                    .stale
                    .iter()
                    .filter(|a| a.timely)
                    .map(|a| a.path.as_str()),
            ),
        ),
        (
            "blank",
            report.blank.len(),
            rules.blank_warning_columns,
            BLANK_VETO_COLUMNS,
            paths(&mut report.blank.iter().map(|b| b.path.as_str())),
        ),
    ];
    for (kind, count, warning, veto, listed) in counts {
        let severity = if count >= veto {
            Severity::Critical
        } else if count >= warning {
            Severity::Warning
        } else {
            continue;
        };
        faults.push(
            Fault::new(
                Check::Freshness,
                Some(site),
                format!("freshness:{kind}-columns:{site}"),
                severity,
                &format!("fresh-{kind}-columns"),
                format!("{count} columns on {}: {listed}", report.today),
            )
            .arg("count", count)
            .arg("veto", veto),
        );
    }
    faults
}

fn home_fault(report: &FreshnessReport, rules: &FreshnessRules) -> Option<Fault> {
    let site = report.site_id;
    let (severity, evidence) = match (report.home_days, report.home_latest) {
        (Some(days), Some(latest)) if days > HOME_VETO_DAYS || days >= rules.home_warning_days => {
            let severity = if days > HOME_VETO_DAYS {
                Severity::Critical
            } else {
                Severity::Warning
            };
            let evidence = format!(
                "home page: newest item {latest}, {days} days before {}",
                report.today
            );
            (severity, evidence)
        }
        (Some(_), _) => return None,
        _ => (
            Severity::Critical,
            format!("home page shows no published item on {}", report.today),
        ),
    };
    let days = report.home_days.map_or("-".to_string(), |d| d.to_string());
    Some(
        Fault::new(
            Check::Freshness,
            Some(site),
            format!("freshness:home:{site}"),
            severity,
            "fresh-home-stale",
            evidence,
        )
        .arg("days", days)
        .arg("veto", HOME_VETO_DAYS),
    )
}

/// Checks every site at the clock's China-time date and returns the faults and one report per
/// site.
pub async fn check_freshness(
    db: &Db,
    clock: &dyn Clock,
    rules: &FreshnessRules,
) -> jiyue_db::Result<(Vec<Fault>, Vec<FreshnessReport>)> {
    let today = china_date(clock.now());
    let mut faults = Vec::new();
    let mut reports = Vec::new();
    for site in db.sites().await? {
        let columns = db.column_activity(site.id).await?;
        let report = report_site(&site, &columns, today, rules);
        faults.extend(report_faults(&report, rules));
        reports.push(report);
    }
    tracing::info!(
        sites = reports.len(),
        faults = faults.len(),
        "freshness check finished"
    );
    Ok((faults, reports))
}

#[cfg(test)]
#[path = "freshness_tests.rs"]
mod tests;
