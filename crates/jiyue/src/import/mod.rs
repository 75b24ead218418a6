//! Import of items from files: Markdown with TOML front matter between `+++` lines, and JSON
//! Lines for bulk loads. Every error names the file, the line and the field. Every file is
//! checked before anything is stored, and items are keyed by their `id`, so importing again
//! updates and never duplicates.

pub(crate) mod body;
mod check;
mod error;
mod fields;
mod jsonl;
pub(crate) mod markdown;
mod meta;
pub(crate) mod order;
pub(crate) mod record;
mod run;
pub(crate) mod store;

pub use error::{Diagnostic, ImportError};
pub use jsonl::parse_jsonl;
pub use markdown::parse_markdown;
pub use run::{import_paths, ImportReport, RejectedFile};
