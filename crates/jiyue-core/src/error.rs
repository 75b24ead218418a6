//! The error returned when a code, name or path fails to parse.

/// A value that failed to parse. Each variant carries the rejected value as given and the
/// reason, which states what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// A unified social credit code (统一社会信用代码) that breaks GB 32100.
    #[error("invalid unified social credit code \"{value}\": {reason}")]
    CreditCode { value: String, reason: String },

    /// A site code (网站标识码) of the wrong shape or with an unknown division.
    #[error("invalid site code \"{value}\": {reason}")]
    SiteCode { value: String, reason: String },

    /// A host name that is not a valid domain name for a site.
    #[error("invalid domain name \"{value}\": {reason}")]
    Domain { value: String, reason: String },

    /// An index number (索引号) not of the form `<organization code>/<YYYY>-<NNNNN>`.
    #[error("invalid index number \"{value}\": {reason}")]
    IndexNumber { value: String, reason: String },

    /// A column path that cannot be used in public URLs.
    #[error("invalid column path \"{value}\": {reason}")]
    ColumnPath { value: String, reason: String },
}

impl CodeError {
    /// Returns the rejected value as it was given.
    pub fn value(&self) -> &str {
        match self {
            Self::CreditCode { value, .. }
            | Self::SiteCode { value, .. }
            | Self::Domain { value, .. }
            | Self::IndexNumber { value, .. }
            | Self::ColumnPath { value, .. } => value,
        }
    }

    /// Returns the reason the value was rejected, without the value.
    pub fn reason(&self) -> &str {
        match self {
            Self::CreditCode { reason, .. }
            | Self::SiteCode { reason, .. }
            | Self::Domain { reason, .. }
            | Self::IndexNumber { reason, .. }
            | Self::ColumnPath { reason, .. } => reason,
        }
    }
}
