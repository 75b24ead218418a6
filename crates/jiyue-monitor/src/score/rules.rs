//! Scoring rules: the editable table of points, caps and veto thresholds, and points as
//! exact hundredths.

use serde::{Deserialize, Serialize};

/// A number of points in hundredths, so 0.1 points is `Points(10)` and sums stay exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Points(pub i64);

impl Points {
    /// The full score of a scorecard.
    pub const FULL: Points = Points(10_000);

    /// Returns the number of points as a float, for charts.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for Points {
    /// Writes `97`, `97.5` or `97.25`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let whole = self.0.abs() / 100;
        let cents = self.0.abs() % 100;
        match (cents, cents % 10) {
            (0, _) => write!(f, "{sign}{whole}"),
            (_, 0) => write!(f, "{sign}{whole}.{}", cents / 10),
            _ => write!(f, "{sign}{whole}.{cents:02}"),
        }
    }
}

/// The groups of the indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Single-veto items (单项否决).
    Veto,
    /// Information release and interpretation (发布解读).
    Release,
    /// Services (办事服务).
    Service,
    /// Interaction (互动交流).
    Interaction,
    /// Functions and design (功能设计).
    Function,
}

impl Category {
    /// The deduction categories, in the order of the indicators.
    pub const DEDUCTIONS: [Category; 4] = [
        Category::Release,
        Category::Service,
        Category::Interaction,
        Category::Function,
    ];

    /// Returns the stored code, such as `release`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Veto => "veto",
            Category::Release => "release",
            Category::Service => "service",
            Category::Interaction => "interaction",
            Category::Function => "function",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Category> {
        [Category::Veto]
            .into_iter()
            .chain(Category::DEDUCTIONS)
            .find(|category| category.as_str() == code)
    }
}

/// One scoring rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub code: String,
    pub category: Category,
    pub description: String,
    /// Points taken off per occurrence.
    pub points: Points,
    /// The maximum points the rule takes off in one scorecard.
    pub cap: Points,
    /// True when one hit fails the site.
    pub veto: bool,
    /// The count (or percentage of failed visits) at which a veto fires.
    pub threshold: Option<i64>,
}

impl Rule {
    /// Converts a row of the rule table; `None` when its category is unknown.
    pub fn from_stored(stored: &jiyue_db::StoredRule) -> Option<Rule> {
        Some(Rule {
            code: stored.code.clone(),
            category: Category::parse(&stored.category)?,
            description: stored.description.clone(),
            points: Points(stored.points),
            cap: Points(stored.cap),
            veto: stored.veto,
            threshold: stored.threshold,
        })
    }
}

/// Converts the stored rule table, skipping rows of unknown category with a warning.
pub fn rules_from_stored(stored: &[jiyue_db::StoredRule]) -> Vec<Rule> {
    stored
        .iter()
        .filter_map(|row| {
            let rule = Rule::from_stored(row);
            if rule.is_none() {
                tracing::warn!(code = %row.code, category = %row.category, "skipped a scoring rule of unknown category");
            }
            rule
        })
        .collect()
}
