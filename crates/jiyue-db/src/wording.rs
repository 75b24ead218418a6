//! The wording lists that platform operators keep: common typos and serious misstatements with
//! the right form, forbidden words, and the current officials by title. The wording check of
//! `jiyue-monitor` reads them on every run, so a change takes effect at once.

use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{args, micros, Row};
use crate::staff::StaffId;

/// Maximum length of a term or a replacement, in characters.
pub const MAX_WORDING_TERM_CHARS: usize = 50;
/// Maximum length of the source note of an entry, in characters.
pub const MAX_WORDING_SOURCE_CHARS: usize = 200;

/// The id of a wording entry.
pub type WordingEntryId = i64;

/// One of the four wording lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WordingList {
    /// A common typo and its right form.
    Typo,
    /// A serious misstatement and what to write instead.
    Misstatement,
    /// A word that may not be published at all.
    Forbidden,
    /// A current official: the title and the holder's name.
    Official,
}

impl WordingList {
    /// Every list, in the order pages show them.
    pub const ALL: [WordingList; 4] = [
        WordingList::Official,
        WordingList::Misstatement,
        WordingList::Forbidden,
        WordingList::Typo,
    ];

    /// Returns the name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            WordingList::Typo => "typo",
            WordingList::Misstatement => "misstatement",
            WordingList::Forbidden => "forbidden",
            WordingList::Official => "official",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(name: &str) -> Option<WordingList> {
        WordingList::ALL
            .into_iter()
            .find(|list| list.as_str() == name.trim())
    }
}

/// One entry of a wording list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordingEntry {
    pub id: WordingEntryId,
    pub list: WordingList,
    /// The wrong form, the forbidden word, or the official's title.
    pub term: String,
    /// The right form, or the holder's name; empty for forbidden words.
    pub replacement: String,
    /// Where the entry comes from, such as a dictionary or an announcement.
    pub source: Option<String>,
    pub added_at: chrono::DateTime<chrono::Utc>,
}

/// An entry to add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct NewWordingEntry {
    pub list: String,
    pub term: String,
    pub replacement: String,
    pub source: String,
}

fn entry_from_row(row: &Row) -> Result<WordingEntry> {
    let name = row.text("list")?;
    let list = WordingList::parse(&name).ok_or_else(|| {
        DbError::Invalid(format!(
            "stored wording list \"{name}\" is unknown; remove the entry and add it again"
        ))
    })?;
    Ok(WordingEntry {
        id: row.int("id")?,
        list,
        term: row.text("term")?,
        replacement: row.text("replacement")?,
        source: row.opt_text("source")?,
        added_at: row.time("added_at")?,
    })
}

/// Returns true for a CJK unified ideograph, the characters a Chinese name is written in.
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

fn check_length(what: &str, value: &str, max: usize) -> Result<()> {
    let length = value.chars().count();
    if length == 0 || length > max {
        return Err(DbError::Invalid(format!(
            "{what} \"{value}\" has {length} characters; give 1 to {max}"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(DbError::Invalid(format!(
            "{what} \"{value}\" contains a control character; type it on one line"
        )));
    }
    Ok(())
}

/// Checks a new entry and returns it trimmed, with its list parsed.
fn validate(entry: &NewWordingEntry) -> Result<(WordingList, String, String, Option<String>)> {
    let list = WordingList::parse(&entry.list).ok_or_else(|| {
        DbError::Invalid(format!(
            "wording list \"{}\" is unknown; choose typo, misstatement, forbidden or official",
            entry.list
        ))
    })?;
    let term = entry.term.trim().to_string();
    let replacement = entry.replacement.trim().to_string();
    let source = Some(entry.source.trim().to_string()).filter(|source| !source.is_empty());
    check_length("term", &term, MAX_WORDING_TERM_CHARS)?;
    if let Some(source) = &source {
        check_length("source", source, MAX_WORDING_SOURCE_CHARS)?;
    }

    match list {
        WordingList::Forbidden if !replacement.is_empty() => {
            return Err(DbError::Invalid(format!(
                "forbidden word \"{term}\" has a replacement \"{replacement}\"; leave it empty, \
                 or add the pair as a typo or misstatement"
            )));
        }
        WordingList::Forbidden => {}
        WordingList::Official => {
            check_length("official's name", &replacement, MAX_WORDING_TERM_CHARS)?;
            if !replacement.chars().all(is_han) {
                return Err(DbError::Invalid(format!(
                    "official's name \"{replacement}\" is not written in Chinese characters \
                     only; write the name as texts print it right after the title"
                )));
            }
        }
        WordingList::Typo | WordingList::Misstatement => {
            check_length("replacement", &replacement, MAX_WORDING_TERM_CHARS)?;
            // A right form that contains the wrong one would flag every correct text.
            if replacement.contains(&term) {
                return Err(DbError::Invalid(format!(
                    "replacement \"{replacement}\" contains the wrong form \"{term}\", so \
                     correct text would be flagged too; give a longer wrong form"
                )));
            }
        }
    }
    Ok((list, term, replacement, source))
}

impl Db {
    /// Returns every wording entry, by list and then term in code-point order.
    pub async fn wording_entries(&self) -> Result<Vec<WordingEntry>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT id, list, term, replacement, source, added_at FROM wording_entries \
                 ORDER BY list, term",
                args![],
            )
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Adds an entry, trimmed, and returns its id. A term already on the same list is
    /// rejected with `Conflict`; invalid values with `Invalid`, naming the value and the fix.
    pub async fn add_wording_entry(
        &self,
        entry: &NewWordingEntry,
        staff: Option<StaffId>,
    ) -> Result<WordingEntryId> {
        let (list, term, replacement, source) = validate(entry)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                "INSERT INTO wording_entries (list, term, replacement, source, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (list, term) DO NOTHING RETURNING id",
                args![
                    list.as_str(),
                    &term,
                    &replacement,
                    source,
                    staff,
                    micros(now)
                ],
            )
            .await?;
        let Some(row) = row else {
            return Err(DbError::Conflict(format!(
                "\"{term}\" is already on the {} list; remove it first to change it",
                list.as_str()
            )));
        };
        let id = row.int("id")?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes an entry and returns it, or `None` when no entry has that id.
    pub async fn remove_wording_entry(&self, id: WordingEntryId) -> Result<Option<WordingEntry>> {
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                "DELETE FROM wording_entries WHERE id = $1 \
                 RETURNING id, list, term, replacement, source, added_at",
                args![id],
            )
            .await?;
        let removed = row.as_ref().map(entry_from_row).transpose()?;
        tx.commit().await?;
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(list: &str, term: &str, replacement: &str) -> NewWordingEntry {
        NewWordingEntry {
            list: list.to_string(),
            term: term.to_string(),
            replacement: replacement.to_string(),
            source: String::new(),
        }
    }

    #[test]
    fn valid_entries_pass_trimmed() {
        let (list, term, replacement, source) =
            validate(&entry("official", " 国家统计局局长 ", " 宁吉喆 ")).unwrap();
        assert_eq!(list, WordingList::Official);
        assert_eq!(term, "国家统计局局长");
        assert_eq!(replacement, "宁吉喆");
        assert_eq!(source, None);
        assert!(validate(&entry("forbidden", "示例禁用词", "")).is_ok());
        assert!(validate(&entry("typo", "通迅", "通讯")).is_ok());
    }

    #[test]
    fn invalid_entries_name_value() {
        let cases = [
            (entry("slang", "a", "b"), "slang"),
            (entry("typo", "", "通讯"), "term \"\""),
            (entry("typo", "通迅", ""), "replacement \"\""),
            (entry("forbidden", "词", "词语"), "leave it empty"),
            (entry("official", "局长", "Ning Jizhe"), "Ning Jizhe"),
            (
                entry("misstatement", "办公室", "领导小组办公室"),
                "contains",
            ),
            (entry("typo", "a\nb", "c"), "control character"),
            (entry("typo", &"字".repeat(51), "c"), "51 characters"),
        ];
        for (entry, expected) in cases {
            let error = validate(&entry).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
