//! The error type of the search crate.

use std::path::PathBuf;

/// Errors from opening, writing or querying the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index folder could not be created, read or cleared.
    #[error(
        "search index folder {path} could not be used: {source}; check that the data directory \
         exists and is writable by the jiyue process"
    )]
    Io {
        /// Folder or file that failed.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },

    /// Another writer holds the index lock.
    #[error(
        "search index at {path} is locked by another writer; stop the other jiyue process that \
         uses this data directory, or give this one its own --data-dir"
    )]
    Locked {
        /// Index folder.
        path: PathBuf,
    },

    /// A tantivy operation failed.
    #[error(
        "search index operation `{operation}` failed: {source}; run `jiyue reindex` if it persists"
    )]
    Index {
        /// Operation the index was running.
        operation: &'static str,
        /// Underlying tantivy error.
        #[source]
        source: tantivy::TantivyError,
    },

    /// `Scope::CurrentSite` was requested without a current site.
    #[error(
        "search scope CurrentSite needs current_site, but it is missing; pass the site code of \
         the site being viewed, or search with scope All"
    )]
    MissingCurrentSite,

    /// The year filter is outside the range the index stores.
    #[error("year filter {year} is invalid; pass a year between 0 and 9999 or no year")]
    InvalidYear {
        /// Requested year.
        year: i32,
    },
}

/// Wraps a tantivy error with the operation that failed.
pub(crate) fn index_error(
    operation: &'static str,
) -> impl FnOnce(tantivy::TantivyError) -> SearchError {
    move |source| SearchError::Index { operation, source }
}
