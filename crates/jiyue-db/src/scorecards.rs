//! Scorecards against the national inspection indicators: the editable rule table, and one
//! snapshot of each site's scorecard per month, with the ranking of a month and the trend
//! of a site.
//!
//! Points are stored in hundredths of a point, so sums of 0.1-point deductions stay exact.
//! Reads take the caller's scope: the platform scope reaches every site, an organization scope
//! the sites of its subtree, and a site scope that site only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{Scope, SiteId};
use crate::scope::org_path;
use crate::sql::{args, micros, Arg, Conn, Row};
use crate::staff::StaffId;

/// The largest value of points or cap: the whole 100 points, in hundredths.
pub const MAX_RULE_POINTS: i64 = 10_000;

/// The largest veto threshold accepted.
pub const MAX_RULE_THRESHOLD: i64 = 1_000_000;

/// The maximum length of a rule description, in characters.
pub const MAX_RULE_DESCRIPTION_CHARS: usize = 500;

/// The rule categories, in the order of the indicators.
pub const RULE_CATEGORIES: [&str; 5] = ["veto", "release", "service", "interaction", "function"];

const RULE_COLUMNS: &str =
    "code, category, description, points, cap, veto, threshold, confirmed, source, updated_at, \
     updated_by";

/// One row of the rule table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRule {
    pub code: String,
    /// One of [`RULE_CATEGORIES`].
    pub category: String,
    pub description: String,
    /// Hundredths of a point taken off per occurrence.
    pub points: i64,
    /// The maximum hundredths of a point the rule takes off in one scorecard.
    pub cap: i64,
    pub veto: bool,
    /// The count or percentage at which a veto fires.
    pub threshold: Option<i64>,
    /// True when the figures come from the named source, false for a placeholder.
    pub confirmed: bool,
    pub source: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<StaffId>,
}

/// A change to the editable fields of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChange {
    pub description: String,
    /// Hundredths of a point per occurrence, 0 to 10,000.
    pub points: i64,
    /// Hundredths of a point, 0 to 10,000.
    pub cap: i64,
    pub veto: bool,
    pub threshold: Option<i64>,
    pub confirmed: bool,
}

/// A scorecard of one site for one month, to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSnapshot {
    pub site_id: SiteId,
    /// Hundredths of a point.
    pub total: i64,
    pub pass: bool,
    /// The scorecard as JSON.
    pub card: String,
}

/// A stored scorecard with its site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub site_id: SiteId,
    pub site_code: String,
    pub site_name: String,
    pub month: String,
    /// Hundredths of a point.
    pub total: i64,
    pub pass: bool,
    pub card: String,
    pub taken_at: DateTime<Utc>,
}

/// Checks that `month` reads `YYYY-MM` with a month from 01 to 12.
pub fn check_month(month: &str) -> Result<()> {
    let bytes = month.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    let valid = bytes.len() == 7
        && bytes[4] == b'-'
        && digits(0..4)
        && digits(5..7)
        && matches!(month[5..7].parse::<u32>(), Ok(1..=12));
    if valid {
        Ok(())
    } else {
        Err(DbError::Invalid(format!(
            "month \"{month}\" is invalid; write it as YYYY-MM, such as 2026-10"
        )))
    }
}

fn check_change(code: &str, change: &RuleChange) -> Result<()> {
    let invalid = |detail: String| Err(DbError::Invalid(format!("rule \"{code}\": {detail}")));
    let description = change.description.trim();
    if description.is_empty() {
        return invalid("the description is empty; describe what the rule measures".into());
    }
    if description.chars().count() > MAX_RULE_DESCRIPTION_CHARS {
        return invalid(format!(
            "the description is longer than {MAX_RULE_DESCRIPTION_CHARS} characters; shorten it"
        ));
    }
    for (name, value) in [("points", change.points), ("cap", change.cap)] {
        if !(0..=MAX_RULE_POINTS).contains(&value) {
            return invalid(format!(
                "{name} {} is outside 0 to 100; give a number of points from 0 to 100",
                value as f64 / 100.0
            ));
        }
    }
    match change.threshold {
        Some(threshold) if !(1..=MAX_RULE_THRESHOLD).contains(&threshold) => invalid(format!(
            "threshold {threshold} is outside 1 to {MAX_RULE_THRESHOLD}; give a whole number"
        )),
        None if change.veto => {
            invalid("a veto needs a threshold; give the count at which it fires".into())
        }
        _ => Ok(()),
    }
}

fn rule_from_row(row: &Row) -> Result<StoredRule> {
    Ok(StoredRule {
        code: row.text("code")?,
        category: row.text("category")?,
        description: row.text("description")?,
        points: row.int("points")?,
        cap: row.int("cap")?,
        veto: row.flag("veto")?,
        threshold: row.opt_int("threshold")?,
        confirmed: row.flag("confirmed")?,
        source: row.text("source")?,
        updated_at: row.opt_time("updated_at")?,
        updated_by: row.opt_int("updated_by")?,
    })
}

fn snapshot_from_row(row: &Row) -> Result<Snapshot> {
    Ok(Snapshot {
        site_id: row.int("site_id")?,
        site_code: row.text("code")?,
        site_name: row.text("name")?,
        month: row.text("month")?,
        total: row.int("total")?,
        pass: row.flag("pass")?,
        card: row.text("card")?,
        taken_at: row.time("taken_at")?,
    })
}

/// Returns the SQL condition on `s` (sites) and `o` (organizations) that keeps the sites
/// `scope` reaches, with its bind values numbered from `first`.
pub(crate) async fn scope_condition(
    conn: &mut Conn<'_>,
    scope: &Scope,
    first: usize,
) -> Result<(String, Vec<Arg>)> {
    Ok(match scope {
        Scope::Platform => ("TRUE".to_string(), Vec::new()),
        Scope::Site(id) => (format!("s.id = ${first}"), args![*id]),
        Scope::Org(id) => {
            let prefix = org_path(conn, *id).await?.ok_or_else(|| {
                DbError::NotFound(format!(
                    "organization {id} does not exist; sign in again to refresh your grants"
                ))
            })?;
            (
                format!("substr(o.path, 1, length(${first})) = ${first}"),
                args![prefix],
            )
        }
    })
}

const SNAPSHOT_SELECT: &str =
    "SELECT n.site_id, s.code, s.name, n.month, n.total, n.pass, n.card, n.taken_at \
     FROM score_snapshots n JOIN sites s ON s.id = n.site_id \
     JOIN organizations o ON o.id = s.org_id";

impl Db {
    /// Returns every scoring rule: vetoes first, then deductions by category and code.
    pub async fn score_rules(&self) -> Result<Vec<StoredRule>> {
        let sql = format!(
            "SELECT {RULE_COLUMNS} FROM score_rules ORDER BY veto DESC, \
             CASE category WHEN 'veto' THEN 0 WHEN 'release' THEN 1 WHEN 'service' THEN 2 \
             WHEN 'interaction' THEN 3 ELSE 4 END, code"
        );
        let mut handle = self.reader().await?;
        let rows = handle.conn().fetch_all(&sql, Vec::new()).await?;
        rows.iter().map(rule_from_row).collect()
    }

    /// Changes the editable fields of rule `code` and returns the stored rule. Fails with
    /// `Invalid` on points or cap outside 0 to 100 points, a veto without threshold or an
    /// empty description, and with `NotFound` on an unknown code.
    pub async fn update_score_rule(
        &self,
        code: &str,
        change: &RuleChange,
        by: StaffId,
    ) -> Result<StoredRule> {
        check_change(code, change)?;
        let mut tx = self.begin().await?;
        let changed = tx
            .conn()
            .execute(
                "UPDATE score_rules SET description = $1, points = $2, cap = $3, veto = $4, \
                 threshold = $5, confirmed = $6, updated_at = $7, updated_by = $8 \
                 WHERE code = $9",
                args![
                    change.description.trim(),
                    change.points,
                    change.cap,
                    change.veto,
                    change.threshold,
                    change.confirmed,
                    micros(self.now()),
                    by,
                    code
                ],
            )
            .await?;
        if changed == 0 {
            return Err(DbError::NotFound(format!(
                "scoring rule \"{code}\" does not exist; pick a rule from the rules page"
            )));
        }
        let sql = format!("SELECT {RULE_COLUMNS} FROM score_rules WHERE code = $1");
        let row = tx.conn().fetch_one(&sql, args![code]).await?;
        let rule = rule_from_row(&row)?;
        tx.commit().await?;
        Ok(rule)
    }

    /// Stores the scorecards of `month` in one transaction. A site that already has a
    /// scorecard for the month gets it replaced, so running a month again never duplicates.
    pub async fn store_score_snapshots(&self, month: &str, cards: &[NewSnapshot]) -> Result<()> {
        check_month(month)?;
        let taken_at = micros(self.now());
        let mut tx = self.begin().await?;
        for card in cards {
            tx.conn()
                .execute(
                    "INSERT INTO score_snapshots (site_id, month, total, pass, card, taken_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (site_id, month) DO UPDATE SET total = excluded.total, \
                     pass = excluded.pass, card = excluded.card, taken_at = excluded.taken_at",
                    args![
                        card.site_id,
                        month,
                        card.total,
                        card.pass,
                        &card.card,
                        taken_at
                    ],
                )
                .await?;
        }
        tx.commit().await?;
        tracing::info!(month, sites = cards.len(), "scorecards stored");
        Ok(())
    }

    /// Returns the months that have scorecards, newest first.
    pub async fn score_months(&self) -> Result<Vec<String>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT DISTINCT month FROM score_snapshots ORDER BY month DESC",
                Vec::new(),
            )
            .await?;
        rows.iter().map(|row| row.text("month")).collect()
    }

    /// Returns the scorecards of `month` for the sites `scope` reaches, ranked: passing sites
    /// first, then by total from highest, then by site code.
    pub async fn score_ranking(&self, scope: &Scope, month: &str) -> Result<Vec<Snapshot>> {
        check_month(month)?;
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let (condition, mut values) = scope_condition(&mut conn, scope, 2).await?;
        let sql = format!(
            "{SNAPSHOT_SELECT} WHERE n.month = $1 AND {condition} \
             ORDER BY n.pass DESC, n.total DESC, s.code"
        );
        values.insert(0, Arg::from(month));
        let rows = conn.fetch_all(&sql, values).await?;
        rows.iter().map(snapshot_from_row).collect()
    }

    /// Returns the scorecards of one site, oldest month first, or `OutOfScope` when `scope`
    /// does not reach the site.
    pub async fn score_trend(&self, scope: &Scope, site_id: SiteId) -> Result<Vec<Snapshot>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let (condition, mut values) = scope_condition(&mut conn, scope, 2).await?;
        let reach = format!(
            "SELECT s.id FROM sites s JOIN organizations o ON o.id = s.org_id \
             WHERE s.id = $1 AND {condition}"
        );
        values.insert(0, Arg::from(site_id));
        if conn.fetch_optional(&reach, values.clone()).await?.is_none() {
            return Err(DbError::OutOfScope(format!(
                "{scope} does not reach site {site_id}; ask for a grant on the site"
            )));
        }
        let sql =
            format!("{SNAPSHOT_SELECT} WHERE n.site_id = $1 AND {condition} ORDER BY n.month");
        let rows = conn.fetch_all(&sql, values).await?;
        rows.iter().map(snapshot_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change() -> RuleChange {
        RuleChange {
            description: "首页不可用链接".into(),
            points: 100,
            cap: 500,
            veto: false,
            threshold: None,
            confirmed: false,
        }
    }

    #[test]
    fn month_format_checked() {
        assert!(check_month("2026-10").is_ok());
        assert!(check_month("2026-12").is_ok());
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-10",
            "2026/10",
            "２０２６-10",
            "",
        ] {
            assert!(check_month(bad).is_err(), "{bad} passed");
        }
    }

    #[test]
    fn rule_change_validated() {
        assert!(check_change("r", &change()).is_ok());
        let mut over = change();
        over.points = 10_001;
        let error = check_change("r", &over).unwrap_err().to_string();
        assert!(error.contains("points 100.01"), "{error}");
        let mut negative = change();
        negative.cap = -1;
        assert!(check_change("r", &negative).is_err());
        let mut veto = change();
        veto.veto = true;
        assert!(check_change("r", &veto)
            .unwrap_err()
            .to_string()
            .contains("threshold"));
        veto.threshold = Some(0);
        assert!(check_change("r", &veto).is_err());
        veto.threshold = Some(5);
        assert!(check_change("r", &veto).is_ok());
        let mut blank = change();
        blank.description = "  ".into();
        assert!(check_change("r", &blank).is_err());
    }
}
