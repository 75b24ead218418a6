//! The measured inputs of a scorecard: what the checks found on one site over the period.
//! Every field is plain data with `Default`, so the monthly job fills only what it measured.

use serde::{Deserialize, Serialize};

/// One problem found on a site, with the evidence an inspector would ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// The subject of the problem: a URL, a column path, a message number.
    pub subject: String,
    /// Facts behind it: statuses, dates, digests, counts.
    pub evidence: Vec<String>,
}

impl Observation {
    /// Builds an observation of `subject` with one line of evidence.
    pub fn new(subject: impl Into<String>, evidence: impl Into<String>) -> Observation {
        Observation {
            subject: subject.into(),
            evidence: vec![evidence.into()],
        }
    }

    /// Returns the subject and evidence as one line.
    pub fn line(&self) -> String {
        if self.evidence.is_empty() {
            self.subject.clone()
        } else {
            format!("{}: {}", self.subject, self.evidence.join("; "))
        }
    }
}

/// The availability probes of the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeSummary {
    /// Days the probes covered.
    pub days: u32,
    /// Visits of the home page.
    pub visits: u64,
    /// Visits that did not open within 15 seconds.
    pub failures: u64,
    /// Times and errors of the failed visits.
    pub evidence: Vec<String>,
}

/// A column that has not been updated within its column type's freshness rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleColumn {
    /// The column's path on the site, such as `zwgk/tzgg`.
    pub path: String,
    pub name: String,
    /// Days since the column's newest item.
    pub days: u32,
    /// Days the column type allows between updates.
    pub limit_days: u32,
    /// True for the columns the indicators name: news and headlines (2 weeks), notices and
    /// policy documents (6 months).
    pub key: bool,
    pub evidence: Vec<String>,
}

/// Everything the scorer needs to know about one site for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteState {
    pub probes: ProbeSummary,
    /// Days since the home page last showed a new item; `None` when not measured.
    pub home_days_since_update: Option<u32>,
    pub home_evidence: Vec<String>,
    pub stale_columns: Vec<StaleColumn>,
    /// Columns without any item.
    pub blank_columns: Vec<Observation>,
    /// Messages without a reply for more than 3 months, received within the last year.
    pub unanswered_messages: Vec<Observation>,
    /// Serious misstatements, such as a leader's name written wrong.
    pub serious_misstatements: Vec<Observation>,
    /// Tampering or other security incidents not handled in time.
    pub unhandled_tampering: Vec<Observation>,
    pub home_broken_links: Vec<Observation>,
    pub inner_broken_links: Vec<Observation>,
    /// Policy documents without a link to their interpretation.
    pub policies_without_interpretation: Vec<Observation>,
    /// Service items whose guide lacks required elements.
    pub incomplete_service_guides: Vec<Observation>,
    /// Messages replied to after their reply deadline.
    pub late_answers: Vec<Observation>,
    /// Failed test searches of the site search.
    pub search_failures: Vec<Observation>,
    /// Pages failing the page-design standards check (meta tags, page structure).
    pub standards_failures: Vec<Observation>,
    /// Pages failing the accessibility check.
    pub inaccessible_pages: Vec<Observation>,
    /// Codes of rules whose measurement was not taken for the period, such as the link rules
    /// before the first link check. The scorer lists them as unmeasured instead of counting
    /// their empty fields as a clean result.
    pub unmeasured: Vec<String>,
}
