//! The monthly snapshot: storing every site's scorecard for a month, idempotently.

use jiyue_db::{Db, DbError, NewSnapshot, SiteId};

use super::card::Scorecard;

/// Stores the scorecards of `month` (`YYYY-MM`, China time), one per site. Running a month
/// again replaces its scorecards, never duplicates them. Fails on an invalid month, before
/// storing anything.
pub async fn snapshot_month(
    db: &Db,
    month: &str,
    cards: &[(SiteId, Scorecard)],
) -> Result<(), DbError> {
    let mut rows = Vec::with_capacity(cards.len());
    for (site_id, card) in cards {
        let json = serde_json::to_string(card).map_err(|error| {
            DbError::Invalid(format!(
                "the scorecard of site {site_id} could not be written as JSON: {error}"
            ))
        })?;
        rows.push(NewSnapshot {
            site_id: *site_id,
            total: card.total.0,
            pass: card.pass,
            card: json,
        });
    }
    db.store_score_snapshots(month, &rows).await
}

/// Reads a stored scorecard back from its JSON.
pub fn card_from_json(json: &str) -> Result<Scorecard, DbError> {
    serde_json::from_str(json).map_err(|error| {
        DbError::Invalid(format!(
            "a stored scorecard is not valid JSON: {error}; take the month's snapshot again"
        ))
    })
}
