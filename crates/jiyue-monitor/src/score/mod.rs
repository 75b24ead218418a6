//! Scorecards against the 2019 national inspection indicators for government websites: the
//! measured state of a site, the rules, the scoring, and the monthly snapshot.
//!
//! [`score`] is pure: the same [`SiteState`] and rules give the same [`Scorecard`]. The
//! rules come from the editable rule table (`jiyue_db::Db::score_rules`), seeded from
//! `reference/scorecard-rules-2019.toml`.

mod card;
mod rules;
mod snapshot;
mod state;

#[cfg(test)]
mod tests;

pub use card::{
    score, CategoryTotal, Deduction, Scorecard, VetoHit, MAX_EVIDENCE_LINES, MIN_PROBE_DAYS,
    MIN_VISITS_PER_DAY, PASS_LINE,
};
pub use rules::{rules_from_stored, Category, Points, Rule};
pub use snapshot::{card_from_json, snapshot_month};
pub use state::{Observation, ProbeSummary, SiteState, StaleColumn};
