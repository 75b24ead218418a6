//! The availability check: judges the probe's visits to each site's home page against the
//! national veto line, and warns before the line is crossed.
//!
//! The 2019 inspection indicators of the State Council General Office (《政府网站与政务新媒体检查
//! 指标》, sent out with 国办秘函〔2019〕19号) name "站点无法访问" as a veto item. The site is
//! monitored for one week with at least 20 visits a day. It is vetoed when the visits on which
//! the home page had not opened after 15 seconds or more add up to 5% or more of all visits. This module counts visits and
//! failures per site and China-time day, raises a warning early, and a critical fault once the
//! share over the monitoring period reaches the line.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jiyue_db::{ProbeResult, SiteId};
use serde::{Deserialize, Serialize};

use crate::fault::{Check, Fault, Severity};

/// Thresholds of the availability check. The defaults are the national rule for the critical
/// fault and our own choice for the warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AvailabilityRules {
    /// Days of the monitoring period, counted back from today (China time) and including it.
    pub period_days: u32,
    /// Visits a day the national rule requires. With fewer visits in the whole period the share
    /// is not judged against the veto line.
    pub min_daily_visits: u32,
    /// The share of failed visits over the period, in percent, that vetoes the site.
    pub veto_percent: f64,
    /// A warning once this many of the latest visits failed in a row.
    pub warn_consecutive_failures: u32,
    /// A warning once today's share of failed visits, in percent, reaches this.
    pub warn_percent: f64,
}

impl Default for AvailabilityRules {
    fn default() -> Self {
        Self {
            period_days: 7,
            min_daily_visits: 20,
            veto_percent: 5.0,
            warn_consecutive_failures: 2,
            warn_percent: 2.0,
        }
    }
}

impl AvailabilityRules {
    /// Checks that every threshold is usable and names the first that is not.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=366).contains(&self.period_days) {
            return Err(format!(
                "invalid availability period_days {}: set 1 to 366 days; the national rule \
                 monitors 7",
                self.period_days
            ));
        }
        for (name, value) in [
            ("veto_percent", self.veto_percent),
            ("warn_percent", self.warn_percent),
        ] {
            if !(value > 0.0 && value <= 100.0) {
                return Err(format!(
                    "invalid availability {name} {value}: set a percentage above 0 and at most 100"
                ));
            }
        }
        if self.warn_consecutive_failures == 0 {
            return Err(
                "invalid availability warn_consecutive_failures 0: set 1 or more".to_string(),
            );
        }
        Ok(())
    }
}

/// Visits and failures of one site on one China-time day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayTally {
    pub day: NaiveDate,
    pub visits: u32,
    pub failures: u32,
}

impl DayTally {
    /// Returns the share of failed visits in percent, or 0 for a day without visits.
    pub fn failure_percent(&self) -> f64 {
        percent(self.failures, self.visits)
    }
}

/// One site's availability over a monitoring period, for the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AvailabilitySummary {
    pub site_id: SiteId,
    /// Days with at least one visit.
    pub days_monitored: u32,
    /// Days with fewer visits than the national rule requires.
    pub days_short_of_visits: u32,
    pub visits: u32,
    pub failures: u32,
    pub failure_percent: f64,
    /// The day with the highest share of failures (the earliest of equal days); `None` without
    /// visits.
    pub worst_day: Option<DayTally>,
    /// Whether the share over the period reached the veto line.
    pub vetoed: bool,
}

fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    f64::from(part) * 100.0 / f64::from(whole)
}

/// Counts visits and failures per China-time day, in day order.
pub fn daily(results: &[ProbeResult]) -> Vec<DayTally> {
    tally(results)
}

fn tally<'a>(results: impl IntoIterator<Item = &'a ProbeResult>) -> Vec<DayTally> {
    let mut days: BTreeMap<NaiveDate, DayTally> = BTreeMap::new();
    for result in results {
        let tally = days.entry(result.day).or_insert(DayTally {
            day: result.day,
            visits: 0,
            failures: 0,
        });
        tally.visits += 1;
        if !result.ok {
            tally.failures += 1;
        }
    }
    days.into_values().collect()
}

/// Keeps the visits of the monitoring period that ends with `today`.
fn in_period<'a>(
    results: &'a [ProbeResult],
    today: NaiveDate,
    rules: &AvailabilityRules,
) -> Vec<&'a ProbeResult> {
    let first = today - chrono::Days::new(u64::from(rules.period_days.saturating_sub(1)));
    results
        .iter()
        .filter(|result| result.day >= first && result.day <= today)
        .collect()
}

/// Summarizes one site's visits over the monitoring period ending with `today`.
pub fn summarize(
    site_id: SiteId,
    results: &[ProbeResult],
    today: NaiveDate,
    rules: &AvailabilityRules,
) -> AvailabilitySummary {
    let days = tally(in_period(results, today, rules));
    let visits: u32 = days.iter().map(|day| day.visits).sum();
    let failures: u32 = days.iter().map(|day| day.failures).sum();
    let mut worst_day: Option<DayTally> = None;
    for day in &days {
        if worst_day.is_none_or(|worst| day.failure_percent() > worst.failure_percent()) {
            worst_day = Some(*day);
        }
    }
    AvailabilitySummary {
        site_id,
        days_monitored: u32::try_from(days.len()).unwrap_or(u32::MAX),
        days_short_of_visits: u32::try_from(
            days.iter()
                .filter(|day| day.visits < rules.min_daily_visits)
                .count(),
        )
        .unwrap_or(u32::MAX),
        visits,
        failures,
        failure_percent: percent(failures, visits),
        worst_day,
        vetoed: reaches_veto(visits, failures, rules),
    }
}

fn reaches_veto(visits: u32, failures: u32, rules: &AvailabilityRules) -> bool {
    visits >= rules.min_daily_visits
        && failures > 0
        && percent(failures, visits) >= rules.veto_percent
}

/// The fault key of a site's availability: one key for the warning and the critical fault, so
/// the alert desk raises a warning that grows critical as one alert.
pub fn fault_key(site_id: SiteId) -> String {
    format!("availability:site:{site_id}")
}

/// Checks one site's visits (oldest first) and returns at most one fault: critical when the
/// share of failures over the monitoring period ending with `today` reached the veto line, a
/// warning when the latest visits failed in a row or today's share reached the warning line.
pub fn check_site(
    site_id: SiteId,
    results: &[ProbeResult],
    today: NaiveDate,
    rules: &AvailabilityRules,
) -> Vec<Fault> {
    let period = in_period(results, today, rules);
    let summary = summarize(site_id, results, today, rules);
    let evidence = evidence(&summary, &period);

    if summary.vetoed {
        let fault = Fault::new(
            Check::Availability,
            Some(site_id),
            fault_key(site_id),
            Severity::Critical,
            "probe-veto",
            evidence,
        )
        .arg("visits", summary.visits)
        .arg("failures", summary.failures)
        .arg("percent", format!("{:.1}", summary.failure_percent))
        .arg("days", summary.days_monitored);
        return vec![fault];
    }

    let streak = period.iter().rev().take_while(|result| !result.ok).count();
    let streak = u32::try_from(streak).unwrap_or(u32::MAX);
    if streak >= rules.warn_consecutive_failures {
        let last_reason = period
            .last()
            .and_then(|result| result.reason.clone())
            .unwrap_or_default();
        let fault = Fault::new(
            Check::Availability,
            Some(site_id),
            fault_key(site_id),
            Severity::Warning,
            "probe-warning-streak",
            evidence,
        )
        .arg("count", streak)
        .arg("reason", last_reason);
        return vec![fault];
    }

    let today_tally = tally(period.iter().copied())
        .into_iter()
        .find(|day| day.day == today);
    if let Some(day) = today_tally {
        if day.failures > 0 && day.failure_percent() >= rules.warn_percent {
            let fault = Fault::new(
                Check::Availability,
                Some(site_id),
                fault_key(site_id),
                Severity::Warning,
                "probe-warning-share",
                evidence,
            )
            .arg("visits", day.visits)
            .arg("failures", day.failures)
            .arg("percent", format!("{:.1}", day.failure_percent()));
            return vec![fault];
        }
    }
    Vec::new()
}

/// The evidence of a fault: the tallies per day and the latest failed visits.
fn evidence(summary: &AvailabilitySummary, period: &[&ProbeResult]) -> String {
    let mut lines = vec![format!(
        "period: {} visits, {} failed ({:.1}%) over {} day(s)",
        summary.visits, summary.failures, summary.failure_percent, summary.days_monitored
    )];
    for day in tally(period.iter().copied()) {
        lines.push(format!(
            "{}: {} visits, {} failed ({:.1}%)",
            day.day,
            day.visits,
            day.failures,
            day.failure_percent()
        ));
    }
    let failed = period.iter().rev().filter(|result| !result.ok).take(10);
    for result in failed {
        let status = result
            .status
            .map_or_else(|| "no response".to_string(), |status| status.to_string());
        lines.push(format!(
            "failed {} {} status {} after {} ms: {}",
            result.checked_at.format("%Y-%m-%dT%H:%M:%SZ"),
            result.url,
            status,
            result.elapsed_ms,
            result.reason.as_deref().unwrap_or("")
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn results(day: NaiveDate, oks: &[bool]) -> Vec<ProbeResult> {
        oks.iter()
            .enumerate()
            .map(|(index, ok)| ProbeResult {
                id: index as i64,
                site_id: 7,
                checked_at: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
                    + chrono::Duration::minutes(index as i64 * 5),
                day,
                url: "https://www.jl.gov.cn/".to_string(),
                status: ok.then_some(200),
                elapsed_ms: 100,
                ok: *ok,
                reason: (!ok).then(|| "timed out after 15 s".to_string()),
            })
            .collect()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn healthy_site_has_no_fault() {
        let visits = results(day(1), &[true; 30]);
        assert!(check_site(7, &visits, day(1), &AvailabilityRules::default()).is_empty());
    }

    #[test]
    fn one_failure_in_twenty_is_critical() {
        let mut oks = vec![true; 20];
        oks[3] = false;
        let faults = check_site(
            7,
            &results(day(1), &oks),
            day(1),
            &AvailabilityRules::default(),
        );
        assert_eq!(faults.len(), 1);
        assert_eq!(faults[0].severity, Severity::Critical);
        assert_eq!(faults[0].message, "probe-veto");
        assert_eq!(faults[0].key, "availability:site:7");
        assert_eq!(faults[0].args["percent"], "5.0");
    }

    #[test]
    fn one_failure_in_forty_warns_only() {
        let mut oks = vec![true; 40];
        oks[3] = false;
        let faults = check_site(
            7,
            &results(day(1), &oks),
            day(1),
            &AvailabilityRules::default(),
        );
        assert_eq!(faults.len(), 1);
        assert_eq!(faults[0].severity, Severity::Warning);
        assert_eq!(faults[0].message, "probe-warning-share");
        assert_eq!(faults[0].key, "availability:site:7");
    }

    #[test]
    fn two_failures_in_a_row_warn_before_twenty_visits() {
        let faults = check_site(
            7,
            &results(day(1), &[true, true, false, false]),
            day(1),
            &AvailabilityRules::default(),
        );
        assert_eq!(faults.len(), 1);
        assert_eq!(faults[0].severity, Severity::Warning);
        assert_eq!(faults[0].message, "probe-warning-streak");
        assert_eq!(faults[0].args["count"], "2");
    }

    #[test]
    fn old_failures_leave_the_period() {
        let mut visits = results(day(1), &[false; 10]);
        visits.extend(results(day(9), &[true; 30]));
        let rules = AvailabilityRules::default();
        assert!(check_site(7, &visits, day(9), &rules).is_empty());
        let summary = summarize(7, &visits, day(9), &rules);
        assert_eq!(summary.visits, 30);
        assert_eq!(summary.days_monitored, 1);
    }

    #[test]
    fn summary_names_worst_day() {
        let mut visits = results(day(1), &[true; 20]);
        let mut second = vec![true; 10];
        second[0] = false;
        visits.extend(results(day(2), &second));
        let summary = summarize(7, &visits, day(2), &AvailabilityRules::default());
        assert_eq!(summary.visits, 30);
        assert_eq!(summary.failures, 1);
        assert_eq!(summary.days_short_of_visits, 1);
        assert_eq!(summary.worst_day.unwrap().day, day(2));
        assert!(!summary.vetoed);
    }

    #[test]
    fn invalid_rules_named() {
        let rules = AvailabilityRules {
            veto_percent: 0.0,
            ..AvailabilityRules::default()
        };
        assert!(rules.validate().unwrap_err().contains("veto_percent"));
        assert!(AvailabilityRules::default().validate().is_ok());
    }
}
