//! Synonym groups that editors maintain, such as 身份证 = 居民身份证. They are applied when a
//! query is analysed, never stored in the index, so changing them needs no reindex.

use std::collections::HashMap;
use std::sync::Arc;

use crate::analysis::{split_runs, Folded, RunKind};
use crate::query::{QueryPlan, UnitKind};

/// One word of a synonym member, analysed the way query units are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemberWord {
    pub(crate) kind: UnitKind,
    pub(crate) text: String,
}

/// One member of a synonym group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    /// The member after [`normalize`].
    pub(crate) normalized: String,
    /// Words a document must contain to match the member. A member made of one run of Han
    /// characters is a single word, searched as consecutive bigrams wherever jieba cuts it.
    pub(crate) words: Vec<MemberWord>,
}

/// Synonym groups indexed by every form a query can present a member in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Synonyms {
    /// Members of every group that contains the key, the keyed member included.
    by_key: HashMap<String, Vec<Arc<Member>>>,
}

impl Synonyms {
    /// Builds the lookup from editor-maintained groups. Blank members are skipped, and groups
    /// left with fewer than two distinct members are ignored.
    pub(crate) fn new(groups: Vec<Vec<String>>) -> Synonyms {
        let mut synonyms = Synonyms::default();
        for group in groups {
            let mut members: Vec<Arc<Member>> = Vec::new();
            for text in group {
                let normalized = normalize(&text);
                let duplicate = members.iter().any(|member| member.normalized == normalized);
                if normalized.is_empty() || duplicate {
                    continue;
                }
                let words = member_words(&normalized);
                if !words.is_empty() {
                    members.push(Arc::new(Member { normalized, words }));
                }
            }
            if members.len() >= 2 {
                synonyms.add_group(&members);
            }
        }
        synonyms
    }

    fn add_group(&mut self, members: &[Arc<Member>]) {
        for member in members {
            let mut keys = vec![member.normalized.clone()];
            if let [word] = member.words.as_slice() {
                keys.push(word.text.clone());
            }
            keys.dedup();
            for key in keys {
                let entry = self.by_key.entry(key).or_default();
                for other in members {
                    if !entry
                        .iter()
                        .any(|known| known.normalized == other.normalized)
                    {
                        entry.push(Arc::clone(other));
                    }
                }
            }
        }
    }

    /// Returns the members of every group containing `key`, or an empty slice. A key is a
    /// normalized member, or the single folded Han word or stemmed word it analyses to.
    pub(crate) fn members(&self, key: &str) -> &[Arc<Member>] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// Reports whether `key` is a member of some group.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// Returns the normalized forms a service name must equal to be named by the whole query
    /// `text`: the query itself and, when it is a synonym member, every member of its groups.
    pub(crate) fn name_variants(&self, text: &str) -> Vec<String> {
        let normalized = normalize(text);
        if normalized.is_empty() {
            return Vec::new();
        }
        let mut variants = vec![normalized.clone()];
        for member in self.members(&normalized) {
            if !variants.contains(&member.normalized) {
                variants.push(member.normalized.clone());
            }
        }
        variants
    }
}

/// Normalizes a name or query for exact comparison: trimmed, folded to simplified Chinese and
/// half-width forms, and lowercased.
pub(crate) fn normalize(text: &str) -> String {
    Folded::new(text.trim()).text().to_lowercase()
}

/// Analyses a normalized member into the words a document must contain.
fn member_words(normalized: &str) -> Vec<MemberWord> {
    if let [run] = split_runs(normalized).as_slice() {
        if run.kind == RunKind::Han {
            return vec![MemberWord {
                kind: UnitKind::Han,
                text: normalized[run.bytes.clone()].to_string(),
            }];
        }
    }
    QueryPlan::new(normalized)
        .units
        .into_iter()
        .map(|unit| MemberWord {
            kind: unit.kind,
            text: unit.text,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(members: &[&str]) -> Vec<String> {
        members.iter().map(|member| member.to_string()).collect()
    }

    fn normalized_members(synonyms: &Synonyms, key: &str) -> Vec<String> {
        synonyms
            .members(key)
            .iter()
            .map(|member| member.normalized.clone())
            .collect()
    }

    #[test]
    fn every_member_finds_its_group() {
        let synonyms = Synonyms::new(vec![group(&["社保卡", "社会保障卡"])]);
        assert_eq!(
            normalized_members(&synonyms, "社保卡"),
            ["社保卡", "社会保障卡"]
        );
        assert_eq!(
            normalized_members(&synonyms, "社会保障卡"),
            ["社保卡", "社会保障卡"]
        );
        assert!(synonyms.members("护照").is_empty());
    }

    #[test]
    fn members_are_normalized() {
        let synonyms = Synonyms::new(vec![group(&[" 身份證 ", "ＩＤ Card"])]);
        assert_eq!(
            normalized_members(&synonyms, "身份证"),
            ["身份证", "id card"]
        );
        let english = &synonyms.members("id card")[1];
        let words: Vec<&str> = english
            .words
            .iter()
            .map(|word| word.text.as_str())
            .collect();
        assert_eq!(words, ["id", "card"]);
    }

    #[test]
    fn english_members_are_keyed_by_stem() {
        let synonyms = Synonyms::new(vec![group(&["Passports", "护照"])]);
        assert!(synonyms.contains("passport"));
        assert!(synonyms.contains("passports"));
    }

    #[test]
    fn groups_sharing_a_member_are_merged() {
        let synonyms = Synonyms::new(vec![
            group(&["身份证", "居民身份证"]),
            group(&["身份证", "二代证"]),
        ]);
        assert_eq!(
            normalized_members(&synonyms, "身份证"),
            ["身份证", "居民身份证", "二代证"]
        );
    }

    #[test]
    fn blank_and_single_member_groups_are_ignored() {
        let synonyms = Synonyms::new(vec![group(&["护照", "  ", "護照"]), group(&[""])]);
        assert!(!synonyms.contains("护照"));
        assert!(!synonyms.contains(""));
    }

    #[test]
    fn name_variants_include_synonyms() {
        let synonyms = Synonyms::new(vec![group(&["社保卡", "社会保障卡"])]);
        assert_eq!(synonyms.name_variants(" 社保卡 "), ["社保卡", "社会保障卡"]);
        assert_eq!(synonyms.name_variants("Passport"), ["passport"]);
        assert!(synonyms.name_variants("   ").is_empty());
    }
}
