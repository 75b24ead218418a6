//! The wording check: common typos, serious misstatements and forbidden words in a text, from
//! lists that platform operators keep.
//!
//! A serious misstatement (严重表述错误) is the kind the national inspection rules veto a site
//! for: above all a wrong name of an official. The check reads the list of current officials by
//! title. Wherever a title is followed by a name that is not its holder's, it reports the name
//! and the holder: `生态环境部长李甘杰` is reported against the entry `生态环境部长` `李干杰`.
//! Phrases operators list as misstatements are reported too.

use jiyue_db::{Db, WordingEntry, WordingList};
use serde::{Deserialize, Serialize};

/// A current official: the title as texts write it, and the name of its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Official {
    /// The title as it appears right before the name, such as `国家统计局局长`.
    pub title: String,
    /// The holder's name, such as `宁吉喆`.
    pub name: String,
}

/// The lists the check reads, kept by platform operators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordLists {
    /// Common typos and the right form: `(wrong, right)`.
    pub typos: Vec<(String, String)>,
    /// Phrases that are serious misstatements and what to write instead: `(wrong, right)`.
    pub misstatements: Vec<(String, String)>,
    /// Words that may not be published at all.
    pub forbidden: Vec<String>,
    /// The current officials.
    pub officials: Vec<Official>,
}

/// The kind of problem of a finding. Misstatements and forbidden words stop publication, and
/// typos are warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FindingKind {
    Typo,
    Misstatement,
    WrongOfficialName,
    Forbidden,
}

impl FindingKind {
    /// Returns true for the kinds that stop a submission and are single-veto matters when
    /// published: misstatements, wrong names of officials and forbidden words.
    pub fn is_blocking(self) -> bool {
        !matches!(self, FindingKind::Typo)
    }

    /// Returns the name used in fault keys and message arguments.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Typo => "typo",
            FindingKind::Misstatement => "misstatement",
            FindingKind::WrongOfficialName => "official",
            FindingKind::Forbidden => "forbidden",
        }
    }
}

/// One problem found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The text as found.
    pub found: String,
    /// The replacement the lists give; empty for forbidden words.
    pub suggestion: String,
    /// The position of `found` in the text, in characters from the start.
    pub at: usize,
}

impl WordLists {
    /// Builds the lists from the entries operators keep in the database.
    pub fn from_entries(entries: &[WordingEntry]) -> WordLists {
        let mut lists = WordLists::default();
        for entry in entries {
            let pair = (entry.term.clone(), entry.replacement.clone());
            match entry.list {
                WordingList::Typo => lists.typos.push(pair),
                WordingList::Misstatement => lists.misstatements.push(pair),
                WordingList::Forbidden => lists.forbidden.push(entry.term.clone()),
                WordingList::Official => lists.officials.push(Official {
                    title: entry.term.clone(),
                    name: entry.replacement.clone(),
                }),
            }
        }
        lists
    }

    /// Reads the lists from the database, as they are at this moment.
    pub async fn load(db: &Db) -> jiyue_db::Result<WordLists> {
        Ok(WordLists::from_entries(&db.wording_entries().await?))
    }

    /// Checks `text` and returns its findings in the order they appear.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let chars: Vec<char> = text.chars().collect();
        let mut findings = Vec::new();
        for (wrong, right) in &self.typos {
            push_matches(&chars, wrong, right, FindingKind::Typo, &mut findings);
        }
        for (wrong, right) in &self.misstatements {
            push_matches(
                &chars,
                wrong,
                right,
                FindingKind::Misstatement,
                &mut findings,
            );
        }
        for word in &self.forbidden {
            push_matches(&chars, word, "", FindingKind::Forbidden, &mut findings);
        }
        for official in &self.officials {
            check_official(&chars, official, &mut findings);
        }
        findings.sort_by_key(|finding| (finding.at, finding.kind as u8));
        findings
    }
}

/// Returns the character positions where `needle` occurs in `chars`.
fn positions(chars: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > chars.len() {
        return Vec::new();
    }
    (0..=chars.len() - needle.len())
        .filter(|&start| chars[start..start + needle.len()] == *needle)
        .collect()
}

fn push_matches(
    chars: &[char],
    wrong: &str,
    right: &str,
    kind: FindingKind,
    findings: &mut Vec<Finding>,
) {
    let needle: Vec<char> = wrong.trim().chars().collect();
    for at in positions(chars, &needle) {
        findings.push(Finding {
            kind,
            found: wrong.trim().to_string(),
            suggestion: right.trim().to_string(),
            at,
        });
    }
}

/// Reports every place where the official's title is followed by a name that is not theirs.
/// The name is read as the Han characters right after the title, as many as the holder's name
/// has, so `局长宁继哲一起` reads `宁继哲`.
fn check_official(chars: &[char], official: &Official, findings: &mut Vec<Finding>) {
    let name: Vec<char> = official.name.trim().chars().collect();
    if name.is_empty() {
        return;
    }
    for title in title_forms(official.title.trim()) {
        check_title_form(chars, &title, &name, findings);
    }
}

/// Returns the ways texts write a title: as listed, and, for a title ending in a repeated
/// character before 长 (`生态环境部部长`, `国家统计局局长`), the short form that drops the
/// repetition (`生态环境部长`, `国家统计局长`), which news texts often use.
fn title_forms(title: &str) -> Vec<Vec<char>> {
    let full: Vec<char> = title.chars().collect();
    if full.is_empty() {
        return Vec::new();
    }
    let mut forms = vec![full.clone()];
    let n = full.len();
    if n >= 4 && full[n - 1] == '长' && full[n - 2] == full[n - 3] {
        let mut short = full;
        short.remove(n - 2);
        forms.push(short);
    }
    forms
}

fn check_title_form(chars: &[char], title: &[char], name: &[char], findings: &mut Vec<Finding>) {
    for at in positions(chars, title) {
        let start = at + title.len();
        let Some(written) = chars.get(start..start + name.len()) else {
            continue;
        };
        if !written.iter().all(|c| is_han(*c)) || written == name {
            continue;
        }
        findings.push(Finding {
            kind: FindingKind::WrongOfficialName,
            found: written.iter().collect(),
            suggestion: name.iter().collect(),
            at: start,
        });
    }
}

/// Returns true for a CJK unified ideograph.
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_title_matches_short_form() {
        let lists = WordLists {
            officials: vec![Official {
                title: "生态环境部部长".to_string(),
                name: "李干杰".to_string(),
            }],
            ..WordLists::default()
        };
        for text in ["生态环境部长李甘杰出席", "生态环境部部长李甘杰出席"] {
            let findings = lists.check(text);
            assert_eq!(findings.len(), 1, "{text}: {findings:?}");
            assert_eq!(findings[0].found, "李甘杰");
            assert_eq!(findings[0].suggestion, "李干杰");
        }
        assert!(lists.check("生态环境部长李干杰出席").is_empty());
    }

    #[test]
    fn short_titles_have_one_form() {
        assert_eq!(title_forms("局长").len(), 1);
        assert_eq!(title_forms("国务院副秘书长").len(), 1);
        assert_eq!(title_forms("国家统计局局长").len(), 2);
        assert!(title_forms("").is_empty());
    }
}
