//! The error type of every storage function.

/// A storage failure. Messages name the value that failed and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A referenced row does not exist, such as an unknown credit code or column path.
    #[error("{0}")]
    NotFound(String),
    /// The write clashes with a row that already exists, such as a domain used by another site.
    #[error("{0}")]
    Conflict(String),
    /// The input breaks a rule, such as a malformed code or invalid item metadata.
    #[error("{0}")]
    Invalid(String),
    /// The caller's scope does not reach the rows the request touches.
    #[error("{0}")]
    OutOfScope(String),
    /// A save was made on top of a revision that is no longer the newest: someone else saved
    /// in between. Nothing was stored; the editor compares with `latest` and saves again.
    #[error("item {item_id} changed since revision {base} was opened: revision {latest} is newer; compare the two and save again")]
    Stale {
        item_id: i64,
        base: i64,
        latest: i64,
    },
    /// A workflow step breaks a review rule.
    #[error("{0}")]
    Workflow(jiyue_core::workflow::WorkflowError),
    /// An item of a batch failed; the batch stored nothing.
    #[error("item \"{external_id}\": {source}")]
    Item {
        external_id: String,
        source: Box<DbError>,
    },
    /// The database reported an error.
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed to apply.
    #[error("database migration failed: {0}; check that the database user may create tables")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Reading or writing the blob store failed.
    #[error("blob store error at {path}: {source}; check that the folder exists and is writable")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl DbError {
    /// Returns the innermost error, looking through the batch wrapper of `save_items`.
    pub fn root(&self) -> &DbError {
        match self {
            DbError::Item { source, .. } => source.root(),
            other => other,
        }
    }

    /// Returns true when the innermost error is `NotFound`.
    pub fn is_not_found(&self) -> bool {
        matches!(self.root(), DbError::NotFound(_))
    }

    /// Returns true when the innermost error is `Conflict`.
    pub fn is_conflict(&self) -> bool {
        matches!(self.root(), DbError::Conflict(_))
    }

    /// Returns true when the innermost error is `Invalid`.
    pub fn is_invalid(&self) -> bool {
        matches!(self.root(), DbError::Invalid(_))
    }

    /// Returns true when the innermost error is `OutOfScope`.
    pub fn is_out_of_scope(&self) -> bool {
        matches!(self.root(), DbError::OutOfScope(_))
    }

    /// Wraps the error with the external id of the batch item that caused it.
    pub(crate) fn in_item(self, external_id: &str) -> DbError {
        DbError::Item {
            external_id: external_id.to_string(),
            source: Box::new(self),
        }
    }
}

/// The result type of storage functions.
pub type Result<T, E = DbError> = std::result::Result<T, E>;
