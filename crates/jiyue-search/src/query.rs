//! The search request and its analysis into query units, without any query syntax: every
//! character the user types is text, so quotes, colons, brackets and `AND` match literally or
//! not at all.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use jieba_rs::TokenizeMode;

use crate::analysis::{analyze, jieba, split_runs, word_analyzer, Folded, RunKind};
use crate::synonyms::{Member, Synonyms};

/// Maximum number of characters of a query that are searched; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 100;

/// Range of sites a search covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Every site of the platform, with the current site's items ranked higher.
    #[default]
    All,
    /// Only items placed on the current site.
    CurrentSite,
}

/// A search request as the public site receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Text the user typed, searched as plain text.
    pub text: String,
    /// Site code of the site the user searches from; its items rank higher.
    pub current_site: Option<String>,
    /// Range of sites to cover.
    pub scope: Scope,
    /// Home site code to restrict results to, as chosen from the site facet.
    pub site_filter: Option<String>,
    /// Publication year (China Standard Time) to restrict results to.
    pub year: Option<i32>,
    /// Page number, counted from 0.
    pub page: u32,
    /// Hits per page; 0 means the default of 10, and values above 100 are lowered to 100.
    pub per_page: u32,
    /// Document kind to restrict results to, such as `service`; `None` searches every kind.
    #[serde(default)]
    pub kind: Option<String>,
}

impl SearchQuery {
    /// Creates a query for `text` over all sites, first page, ten hits a page.
    pub fn new(text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            current_site: None,
            scope: Scope::All,
            site_filter: None,
            year: None,
            page: 0,
            per_page: 10,
            kind: None,
        }
    }
}

/// English words too common to require; they still add to the score where they occur.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "not", "of",
    "on", "or", "that", "the", "this", "to", "with",
];

/// Kind of text a query unit matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    /// A lowercased, stemmed word of a non-Han script.
    Word,
    /// A word of folded Han characters, as jieba's default mode cuts it.
    Han,
}

/// One term of the query. A document must contain most of the required units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    pub(crate) kind: UnitKind,
    pub(crate) text: String,
    /// Optional units (stop words, single Han characters) only add to the score.
    pub(crate) optional: bool,
    /// Dictionary words that together spell a long Han word, such as 吉林省 and 政府 for
    /// 吉林省政府; a document containing all of them also satisfies the unit.
    pub(crate) parts: Vec<String>,
    /// Members of the synonym groups the unit belongs to; a document containing any of them
    /// also satisfies the unit.
    pub(crate) synonyms: Vec<Arc<Member>>,
}

/// A run of Han characters in the query and the words jieba cuts it into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HanRun {
    pub(crate) text: String,
    /// Each word with its offset in characters from the start of the run.
    pub(crate) words: Vec<(usize, String)>,
}

/// The analysed query: units to match and the phrases whose exact order earns a boost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryPlan {
    pub(crate) units: Vec<Unit>,
    pub(crate) han_runs: Vec<HanRun>,
    /// Runs of consecutive words (no Han run between them), in order.
    pub(crate) word_phrases: Vec<Vec<String>>,
    pub(crate) truncated: bool,
}

impl QueryPlan {
    /// Analyses `text` without synonyms.
    pub(crate) fn new(text: &str) -> QueryPlan {
        QueryPlan::with_synonyms(text, &Synonyms::default())
    }

    /// Analyses `text`: trims it, keeps the first [`MAX_QUERY_CHARS`] characters, folds it and
    /// cuts it into units. Units that are synonym members also match the other members.
    pub(crate) fn with_synonyms(text: &str, synonyms: &Synonyms) -> QueryPlan {
        let trimmed = text.trim();
        let truncated = trimmed.chars().count() > MAX_QUERY_CHARS;
        let searched: String = trimmed.chars().take(MAX_QUERY_CHARS).collect();

        let folded = Folded::new(&searched);
        let mut plan = QueryPlan {
            truncated,
            ..QueryPlan::default()
        };
        let mut phrase: Vec<String> = Vec::new();
        let mut analyzer = word_analyzer();

        for run in split_runs(folded.text()) {
            let run_text = &folded.text()[run.bytes.clone()];
            match run.kind {
                RunKind::Word => {
                    let lowercase = run_text.to_lowercase();
                    let optional = ENGLISH_STOP_WORDS.contains(&lowercase.as_str());
                    for token in analyze(&mut analyzer, run_text) {
                        let unit = Unit::new(UnitKind::Word, &token.text, optional)
                            .with_synonyms(synonyms);
                        plan.push_unit(unit);
                        phrase.push(token.text);
                    }
                }
                RunKind::Han => {
                    plan.finish_phrase(&mut phrase);
                    plan.push_han_run(run_text, synonyms);
                }
            }
        }
        plan.finish_phrase(&mut phrase);
        plan
    }

    /// Reports whether nothing searchable is left (empty, blank or punctuation only).
    pub(crate) fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    fn push_han_run(&mut self, run_text: &str, synonyms: &Synonyms) {
        let cut = jieba().cut(run_text, true);
        let mut words = Vec::new();
        let mut offset = 0;
        for word in &cut {
            words.push((offset, word.to_string()));
            offset += word.chars().count();
        }

        let mut start = 0;
        while start < cut.len() {
            let end = synonym_span_end(&cut, start, synonyms);
            let unit = if end - start >= 2 {
                // Several jieba words spell one synonym member, so they become one unit and the
                // member's synonyms apply to it.
                let mut unit = Unit::new(UnitKind::Han, &cut[start..end].concat(), false);
                unit.parts = cut[start..end]
                    .iter()
                    .map(|word| word.to_string())
                    .collect();
                unit
            } else {
                let word = cut[start];
                let mut unit = Unit::new(UnitKind::Han, word, word.chars().count() == 1);
                unit.parts = word_parts(word);
                unit
            };
            self.push_unit(unit.with_synonyms(synonyms));
            start = end;
        }

        self.han_runs.push(HanRun {
            text: run_text.to_string(),
            words,
        });
    }

    fn push_unit(&mut self, unit: Unit) {
        let duplicate = self
            .units
            .iter()
            .any(|known| known.kind == unit.kind && known.text == unit.text);
        if !duplicate {
            self.units.push(unit);
        }
    }

    fn finish_phrase(&mut self, phrase: &mut Vec<String>) {
        if phrase.len() >= 2 {
            self.word_phrases.push(std::mem::take(phrase));
        }
        phrase.clear();
    }
}

impl Unit {
    fn new(kind: UnitKind, text: &str, optional: bool) -> Unit {
        Unit {
            kind,
            text: text.to_string(),
            optional,
            parts: Vec::new(),
            synonyms: Vec::new(),
        }
    }

    fn with_synonyms(mut self, synonyms: &Synonyms) -> Unit {
        self.synonyms = synonyms.members(&self.text).to_vec();
        self
    }
}

/// Returns the end of the longest run of words from `start` that spells a synonym member, or
/// `start + 1` when no run of two or more words does.
///
/// NOTE: only Han runs are matched this way. A member of several non-Han words, such as
/// `id card`, is found in documents as an alternative, but typing it does not apply its group.
fn synonym_span_end(words: &[&str], start: usize, synonyms: &Synonyms) -> usize {
    (start + 2..=words.len())
        .rev()
        .find(|end| synonyms.contains(&words[start..*end].concat()))
        .unwrap_or(start + 1)
}

/// Splits a Han word into the longest dictionary words inside it, left to right. Returns an
/// empty list when jieba's dictionary has no words that cover all of it.
fn word_parts(word: &str) -> Vec<String> {
    let chars = word.chars().count();
    if chars < 3 {
        return Vec::new();
    }
    let inner: Vec<_> = jieba()
        .tokenize(word, TokenizeMode::Search, false)
        .into_iter()
        .filter(|token| token.end - token.start < chars)
        .collect();

    let mut parts = Vec::new();
    let mut position = 0;
    while position < chars {
        let longest = inner
            .iter()
            .filter(|token| token.start == position)
            .max_by_key(|token| token.end);
        let Some(token) = longest else {
            return Vec::new();
        };
        parts.push(token.word.to_string());
        position = token.end;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_texts(plan: &QueryPlan) -> Vec<&str> {
        plan.units.iter().map(|unit| unit.text.as_str()).collect()
    }

    #[test]
    fn mixed_query_yields_han_and_word_units() {
        let plan = QueryPlan::new("政府網站 Pilots");
        assert_eq!(unit_texts(&plan), ["政府", "网站", "pilot"]);
        assert_eq!(plan.han_runs.len(), 1);
        assert_eq!(
            plan.han_runs[0].words,
            [(0, "政府".to_string()), (2, "网站".to_string())]
        );
    }

    #[test]
    fn syntax_characters_are_not_operators() {
        let plan = QueryPlan::new("title:\"passport\" AND (visa) -renewal*");
        assert_eq!(
            unit_texts(&plan),
            ["titl", "passport", "and", "visa", "renew"]
        );
        let and = plan.units.iter().find(|unit| unit.text == "and").unwrap();
        assert!(and.optional);
        assert_eq!(plan.word_phrases.len(), 1);
    }

    #[test]
    fn blank_and_punctuation_queries_are_empty() {
        assert!(QueryPlan::new("   \t ").is_empty());
        assert!(QueryPlan::new("\"():*?").is_empty());
        assert!(!QueryPlan::new("护照").is_empty());
    }

    #[test]
    fn long_queries_are_truncated() {
        let plan = QueryPlan::new(&"护照".repeat(60));
        assert!(plan.truncated);
        let short = QueryPlan::new(&"护照".repeat(50));
        assert!(!short.truncated);
    }

    #[test]
    fn long_words_are_split_into_dictionary_parts() {
        assert_eq!(word_parts("吉林省政府"), ["吉林省", "政府"]);
        assert!(word_parts("护照").is_empty());
    }

    #[test]
    fn synonym_members_cut_into_words_become_one_unit() {
        let synonyms = Synonyms::new(vec![vec!["社保卡".into(), "社会保障卡".into()]]);
        let plan = QueryPlan::with_synonyms("第三代社会保障卡", &synonyms);
        let unit = plan
            .units
            .iter()
            .find(|unit| unit.text == "社会保障卡")
            .unwrap_or_else(|| panic!("no merged unit in {:?}", unit_texts(&plan)));
        assert!(!unit.optional);
        assert_eq!(unit.parts.concat(), "社会保障卡");
        let members: Vec<&str> = unit
            .synonyms
            .iter()
            .map(|m| m.normalized.as_str())
            .collect();
        assert_eq!(members, ["社保卡", "社会保障卡"]);
    }

    #[test]
    fn units_outside_groups_have_no_synonyms() {
        let synonyms = Synonyms::new(vec![vec!["社保卡".into(), "社会保障卡".into()]]);
        let plan = QueryPlan::with_synonyms("社保卡 护照", &synonyms);
        let card = plan
            .units
            .iter()
            .find(|unit| unit.text == "社保卡")
            .unwrap();
        assert_eq!(card.synonyms.len(), 2);
        let passport = plan.units.iter().find(|unit| unit.text == "护照").unwrap();
        assert!(passport.synonyms.is_empty());
    }

    #[test]
    fn single_han_characters_are_optional() {
        let plan = QueryPlan::new("省 社保卡");
        let single = plan.units.iter().find(|unit| unit.text == "省").unwrap();
        assert!(single.optional);
    }
}
