//! The platform-wide sensitive-word list that operators keep. A submission that contains one
//! of the words is held for review before it is received; the caller does the matching.

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{args, micros};
use crate::staff::StaffId;

/// Maximum length of a sensitive word, in characters.
pub const MAX_SENSITIVE_WORD_CHARS: usize = 50;

impl Db {
    /// Returns the sensitive words in code-point order.
    pub async fn sensitive_words(&self) -> Result<Vec<String>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all("SELECT word FROM sensitive_words ORDER BY word", args![])
            .await?;

        rows.iter().map(|row| row.text("word")).collect()
    }

    /// Adds a word, trimmed, of 1 to `MAX_SENSITIVE_WORD_CHARS` characters. A word already on
    /// the list is rejected with `Conflict`.
    pub async fn add_sensitive_word(&self, word: &str, staff: StaffId) -> Result<()> {
        let word = word.trim();
        let length = word.chars().count();
        if length == 0 || length > MAX_SENSITIVE_WORD_CHARS {
            return Err(DbError::Invalid(format!(
                "sensitive word \"{word}\" has {length} characters; give 1 to \
                 {MAX_SENSITIVE_WORD_CHARS}"
            )));
        }

        let now = self.now();
        let mut tx = self.begin().await?;
        let added = tx
            .conn()
            .execute(
                "INSERT INTO sensitive_words (word, added_by, added_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (word) DO NOTHING",
                args![word, staff, micros(now)],
            )
            .await?;

        if added == 0 {
            return Err(DbError::Conflict(format!(
                "sensitive word \"{word}\" is already on the list; nothing to add"
            )));
        }

        tx.commit().await
    }

    /// Removes a word. Returns false when it was not on the list.
    pub async fn remove_sensitive_word(&self, word: &str) -> Result<bool> {
        let mut tx = self.begin().await?;
        let removed = tx
            .conn()
            .execute(
                "DELETE FROM sensitive_words WHERE word = $1",
                args![word.trim()],
            )
            .await?;

        tx.commit().await?;
        Ok(removed > 0)
    }
}
