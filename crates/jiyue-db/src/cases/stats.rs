//! Monthly case statistics per organization and kind, which sites publish: cases received,
//! answered, answered on time, and the average working days of the answered.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::record::CaseKind;
use super::rows::date_text;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{OrgId, SiteId};
use crate::sql::{args, Arg};

/// The figures of one organization and kind in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgCaseStats {
    pub org_id: OrgId,
    pub org_name: String,
    pub kind: CaseKind,
    /// Cases received in the month, except those still held by the sensitive-word list.
    pub received: u64,
    /// Cases answered in the month, whenever they were received.
    pub answered: u64,
    /// Of the answered, those answered on or before their due date.
    pub answered_on_time: u64,
    /// The working days the answered cases used, summed.
    pub total_working_days: u64,
    /// `total_working_days / answered`, or `None` when nothing was answered.
    pub average_working_days: Option<f64>,
}

/// Returns the first day of the month and of the next one.
fn month_bounds(year: i32, month: u32) -> Result<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
        DbError::Invalid(format!(
            "month {year}-{month:02} does not exist; give a month from 1 to 12"
        ))
    })?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    let next = next.ok_or_else(|| {
        DbError::Invalid(format!(
            "month {year}-{month:02} is out of range; check the year"
        ))
    })?;
    Ok((first, next))
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

impl Db {
    /// Computes the statistics of a month per organization and kind, over every site or over
    /// `site_id`. An organization counts a case while the case is with it, so a transferred
    /// case counts for the organization it went to. Ordered by organization id, then kind.
    pub async fn case_month_stats(
        &self,
        year: i32,
        month: u32,
        site_id: Option<SiteId>,
    ) -> Result<Vec<OrgCaseStats>> {
        let (first, next) = month_bounds(year, month)?;
        let mut values: Vec<Arg> = args![date_text(first), date_text(next)];
        let site_clause = match site_id {
            Some(site) => {
                values.push(Arg::from(site));
                " AND c.site_id = $3"
            }
            None => "",
        };
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let received = conn
            .fetch_all(
                &format!(
                    "SELECT c.org_id, c.kind, o.name, COUNT(*) AS n FROM cases c \
                     JOIN organizations o ON o.id = c.org_id \
                     WHERE c.received_on >= $1 AND c.received_on < $2 AND c.state <> 'held'\
                     {site_clause} GROUP BY c.org_id, c.kind, o.name"
                ),
                values.clone(),
            )
            .await?;

        let answered = conn
            .fetch_all(
                &format!(
                    "SELECT c.org_id, c.kind, o.name, COUNT(*) AS n, \
                     CAST(SUM(CASE WHEN c.answered_on_time THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
                     CAST(SUM(c.working_days_used) AS BIGINT) AS days FROM cases c \
                     JOIN organizations o ON o.id = c.org_id \
                     WHERE c.state = 'answered' AND c.answered_on >= $1 AND c.answered_on < $2\
                     {site_clause} GROUP BY c.org_id, c.kind, o.name"
                ),
                values,
            )
            .await?;

        let mut stats: BTreeMap<(OrgId, CaseKind), OrgCaseStats> = BTreeMap::new();
        let entry = |row: &crate::sql::Row| -> Result<(OrgId, CaseKind, String)> {
            Ok((
                row.int("org_id")?,
                CaseKind::parse(&row.text("kind")?)?,
                row.text("name")?,
            ))
        };
        let blank = |org_id, org_name, kind| OrgCaseStats {
            org_id,
            org_name,
            kind,
            received: 0,
            answered: 0,
            answered_on_time: 0,
            total_working_days: 0,
            average_working_days: None,
        };
        for row in &received {
            let (org, kind, name) = entry(row)?;
            let stat = stats
                .entry((org, kind))
                .or_insert_with(|| blank(org, name, kind));
            stat.received = count(row.int("n")?);
        }

        for row in &answered {
            let (org, kind, name) = entry(row)?;
            let stat = stats
                .entry((org, kind))
                .or_insert_with(|| blank(org, name, kind));
            stat.answered = count(row.int("n")?);
            stat.answered_on_time = count(row.opt_int("on_time")?.unwrap_or_default());
            stat.total_working_days = count(row.opt_int("days")?.unwrap_or_default());
            if stat.answered > 0 {
                // Both counts stay far below 2^52, so the conversion to f64 is exact.
                #[allow(clippy::cast_precision_loss)]
                let average = stat.total_working_days as f64 / stat.answered as f64;
                stat.average_working_days = Some(average);
            }
        }
        Ok(stats.into_values().collect())
    }
}
