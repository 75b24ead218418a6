//! Errors of import files, each naming the file, the line and the field that failed.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// One error found in an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file as it was named to the import, such as `news/pilot.md`.
    pub file: String,
    /// 1-based line: of the key in Markdown front matter, of the record in JSON Lines.
    pub line: usize,
    /// The key that failed, when the error belongs to one.
    pub field: Option<String>,
    /// Description of the fault and of the fix.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(
                f,
                "{}:{}: field \"{field}\": {}",
                self.file, self.line, self.message
            ),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// Reason an import file was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could be read but some of its content is invalid; every error found is listed.
    #[error("{}", join_lines(.0))]
    Invalid(Vec<Diagnostic>),
    /// The file could not be read.
    #[error(
        "{}: failed to read the file: {source}; check the path and its permissions",
        .path.display()
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ImportError {
    /// Creates an error with one diagnostic.
    pub fn at(file: &str, line: usize, field: Option<&str>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![Diagnostic {
            file: file.to_owned(),
            line,
            field: field.map(str::to_owned),
            message: message.into(),
        }])
    }

    /// Returns the diagnostics of an invalid file, or none for a read failure.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Invalid(diagnostics) => diagnostics,
            Self::Read { .. } => &[],
        }
    }
}

/// Sorts diagnostics by line and turns a non-empty list into an error.
pub(crate) fn check(mut diagnostics: Vec<Diagnostic>) -> Result<(), ImportError> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    diagnostics.sort_by(|a, b| (a.line, &a.field).cmp(&(b.line, &b.field)));
    Err(ImportError::Invalid(diagnostics))
}

fn join_lines(diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_names_file_line_field() {
        let error = ImportError::at("news/pilot.md", 7, Some("published_at"), "invalid time");
        assert_eq!(
            error.to_string(),
            "news/pilot.md:7: field \"published_at\": invalid time"
        );
    }
}
