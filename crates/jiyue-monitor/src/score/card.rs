//! Scoring a site: which vetoes fire, which points are lost and why, and the total.
//!
//! The scorer measures a fixed set of rule codes from a [`SiteState`]; the rule
//! table decides their points, caps and thresholds. A rule in the table with a code the
//! scorer cannot measure is listed as unmeasured, never guessed.

use serde::{Deserialize, Serialize};

use super::rules::{Category, Points, Rule};
use super::state::{Observation, SiteState};

/// The total below which a site fails even without a veto: 60 points, as the 2019
/// indicators set it.
pub const PASS_LINE: Points = Points(6_000);

/// The availability veto needs at least this many days of probes.
pub const MIN_PROBE_DAYS: u32 = 7;

/// The availability veto needs at least this many visits a day on average.
pub const MIN_VISITS_PER_DAY: u64 = 20;

/// The maximum number of evidence lines a scorecard keeps per rule. Lines past it are
/// counted in one last line.
pub const MAX_EVIDENCE_LINES: usize = 50;

/// A veto that fired, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoHit {
    pub code: String,
    pub description: String,
    /// The count compared with the threshold.
    pub count: u64,
    pub threshold: i64,
    pub evidence: Vec<String>,
}

/// The points one rule took off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    pub code: String,
    pub category: Category,
    pub description: String,
    pub occurrences: u64,
    pub points_each: Points,
    /// Points taken off after the cap.
    pub points: Points,
    /// True when the cap cut the deduction.
    pub capped: bool,
    pub evidence: Vec<String>,
}

/// The points one category lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTotal {
    pub category: Category,
    pub points: Points,
}

/// The result of scoring one site against the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorecard {
    pub vetoes: Vec<VetoHit>,
    /// Deductions that took points off, in rule order.
    pub deductions: Vec<Deduction>,
    /// Points lost per deduction category, every category listed.
    pub categories: Vec<CategoryTotal>,
    /// 100 minus the deductions, never below 0.
    pub total: Points,
    /// False when any veto fired or the total is below [`PASS_LINE`].
    pub pass: bool,
    /// Codes of rules that could not be judged because the measurement was too short.
    pub unjudged: Vec<String>,
    /// Codes of rules in the table that the scorer does not measure.
    pub unmeasured: Vec<String>,
}

/// The occurrences of one rule and their evidence.
struct Count {
    occurrences: u64,
    evidence: Vec<String>,
}

fn lines(observations: &[Observation]) -> Count {
    Count {
        occurrences: observations.len() as u64,
        evidence: observations.iter().map(Observation::line).collect(),
    }
}

fn stale_lines(state: &SiteState, key_only: bool) -> Count {
    let columns: Vec<_> = state
        .stale_columns
        .iter()
        .filter(|column| !key_only || column.key)
        .collect();
    Count {
        occurrences: columns.len() as u64,
        evidence: columns
            .iter()
            .map(|column| {
                let mut line = format!(
                    "{} ({}): {} days since the last item, limit {} days",
                    column.path, column.name, column.days, column.limit_days
                );
                for fact in &column.evidence {
                    line.push_str("; ");
                    line.push_str(fact);
                }
                line
            })
            .collect(),
    }
}

/// Returns the occurrences of a rule code in `state`, or `None` for a code the scorer does
/// not measure. The availability veto is judged apart, by [`judge_unreachable`].
fn count(code: &str, state: &SiteState) -> Option<Count> {
    if state.unmeasured.iter().any(|unmeasured| unmeasured == code) {
        return None;
    }
    Some(match code {
        "veto-home-stale" => {
            let days = state.home_days_since_update?;
            Count {
                occurrences: u64::from(days),
                evidence: std::iter::once(format!("{days} days since the home page changed"))
                    .chain(state.home_evidence.iter().cloned())
                    .collect(),
            }
        }
        "veto-key-columns-stale" => stale_lines(state, true),
        "veto-columns-stale" | "release-column-stale" => stale_lines(state, false),
        "veto-columns-blank" | "release-column-blank" => lines(&state.blank_columns),
        "veto-messages-unanswered" => lines(&state.unanswered_messages),
        "veto-serious-error" => lines(&state.serious_misstatements),
        "veto-security" => lines(&state.unhandled_tampering),
        "release-policy-uninterpreted" => lines(&state.policies_without_interpretation),
        "service-guide-incomplete" => lines(&state.incomplete_service_guides),
        "interaction-answer-late" => lines(&state.late_answers),
        "function-home-broken-link" => lines(&state.home_broken_links),
        "function-inner-broken-link" => lines(&state.inner_broken_links),
        "function-search-broken" => {
            let mut found = lines(&state.search_failures);
            found.occurrences = found.occurrences.min(1);
            found
        }
        "function-standards-failed" => lines(&state.standards_failures),
        "function-inaccessible-page" => lines(&state.inaccessible_pages),
        _ => return None,
    })
}

fn trimmed(mut evidence: Vec<String>) -> Vec<String> {
    if evidence.len() > MAX_EVIDENCE_LINES {
        let more = evidence.len() - MAX_EVIDENCE_LINES;
        evidence.truncate(MAX_EVIDENCE_LINES);
        evidence.push(format!("… and {more} more"));
    }
    evidence
}

/// The outcome of judging one veto.
enum Judgement {
    Hit(VetoHit),
    Clear,
    Unjudged,
    Unmeasured,
}

/// Judges the availability veto: at least 7 days of probes with 20 visits a day, and the
/// share of visits that failed at or above the threshold percentage.
fn judge_unreachable(rule: &Rule, state: &SiteState, threshold: i64) -> Judgement {
    let probes = &state.probes;
    let enough = probes.days >= MIN_PROBE_DAYS
        && probes.visits >= MIN_VISITS_PER_DAY * u64::from(probes.days);
    if !enough {
        return Judgement::Unjudged;
    }
    let threshold = u64::try_from(threshold).unwrap_or(0);
    if probes.failures.saturating_mul(100) < threshold.saturating_mul(probes.visits) {
        return Judgement::Clear;
    }
    let summary = format!(
        "{} of {} visits over {} days did not open within 15 s",
        probes.failures, probes.visits, probes.days
    );
    Judgement::Hit(VetoHit {
        code: rule.code.clone(),
        description: rule.description.clone(),
        count: probes.failures.saturating_mul(100) / probes.visits.max(1),
        threshold: i64::try_from(threshold).unwrap_or(i64::MAX),
        evidence: trimmed(
            std::iter::once(summary)
                .chain(probes.evidence.iter().cloned())
                .collect(),
        ),
    })
}

fn judge_veto(rule: &Rule, state: &SiteState) -> Judgement {
    let threshold = rule.threshold.unwrap_or(1).max(1);
    if rule.code == "veto-unreachable" {
        return judge_unreachable(rule, state, threshold);
    }
    let Some(found) = count(&rule.code, state) else {
        let unmeasured = state.unmeasured.contains(&rule.code);
        return match rule.code.as_str() {
            "veto-home-stale" if !unmeasured => Judgement::Unjudged,
            _ => Judgement::Unmeasured,
        };
    };
    if found.occurrences < u64::try_from(threshold).unwrap_or(u64::MAX) {
        return Judgement::Clear;
    }
    Judgement::Hit(VetoHit {
        code: rule.code.clone(),
        description: rule.description.clone(),
        count: found.occurrences,
        threshold,
        evidence: trimmed(found.evidence),
    })
}

fn deduct(rule: &Rule, found: Count) -> Option<Deduction> {
    if found.occurrences == 0 || rule.points.0 == 0 {
        return None;
    }
    let occurrences = i64::try_from(found.occurrences).unwrap_or(i64::MAX);
    let uncapped = rule.points.0.saturating_mul(occurrences);
    let points = uncapped.min(rule.cap.0);
    Some(Deduction {
        code: rule.code.clone(),
        category: rule.category,
        description: rule.description.clone(),
        occurrences: found.occurrences,
        points_each: rule.points,
        points: Points(points),
        capped: uncapped > points,
        evidence: trimmed(found.evidence),
    })
}

/// Scores `state` against `rules`. A veto fires when its count reaches the threshold, and each
/// deduction takes its points per occurrence up to its cap. The total is 100 minus the
/// deductions, at least 0, and the site fails on any veto or a total below 60.
pub fn score(state: &SiteState, rules: &[Rule]) -> Scorecard {
    let mut vetoes = Vec::new();
    let mut deductions = Vec::new();
    let mut unjudged = Vec::new();
    let mut unmeasured = Vec::new();

    for rule in rules {
        if rule.veto {
            match judge_veto(rule, state) {
                Judgement::Hit(hit) => vetoes.push(hit),
                Judgement::Clear => {}
                Judgement::Unjudged => unjudged.push(rule.code.clone()),
                Judgement::Unmeasured => unmeasured.push(rule.code.clone()),
            }
            continue;
        }
        match count(&rule.code, state) {
            Some(found) => deductions.extend(deduct(rule, found)),
            None => unmeasured.push(rule.code.clone()),
        }
    }

    let categories: Vec<CategoryTotal> = Category::DEDUCTIONS
        .into_iter()
        .map(|category| CategoryTotal {
            category,
            points: Points(
                deductions
                    .iter()
                    .filter(|deduction| deduction.category == category)
                    .map(|deduction| deduction.points.0)
                    .sum(),
            ),
        })
        .collect();
    let lost: i64 = categories.iter().map(|category| category.points.0).sum();
    let total = Points((Points::FULL.0 - lost).max(0));
    let pass = vetoes.is_empty() && total >= PASS_LINE;

    Scorecard {
        vetoes,
        deductions,
        categories,
        total,
        pass,
        unjudged,
        unmeasured,
    }
}
