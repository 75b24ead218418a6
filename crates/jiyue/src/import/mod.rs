//! Import of items from files: Markdown with TOML front matter between `+++` lines, and JSON
//! Lines for bulk loads; service items from JSON and their statistics from CSV
//! (docs/services.md). Every error names the file, the line and the field. Every file is
//! checked before anything is stored, and items are keyed by their `id`, so importing again
//! updates and never duplicates.

pub(crate) mod body;
mod check;
mod cli;
mod error;
mod fields;
mod jsonl;
pub(crate) mod markdown;
mod meta;
pub(crate) mod order;
pub(crate) mod record;
mod run;
mod service_run;
mod services;
mod stats;
pub(crate) mod store;

pub use cli::{import_service_files, ServiceArgs};
pub use error::{Diagnostic, ImportError};
pub use jsonl::parse_jsonl;
pub use markdown::parse_markdown;
pub use run::{import_paths, ImportReport, RejectedFile};
pub(crate) use service_run::import_services_text;
pub use service_run::{import_services, ServicesReport};
pub(crate) use stats::import_stats_text;
pub use stats::{import_stats, StatsReport};
