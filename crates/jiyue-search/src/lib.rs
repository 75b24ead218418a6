//! Unified full-text search over every site of the platform, in Chinese and English.
//!
//! Documents come in as plain [`SearchDoc`] values and results go out as plain
//! [`SearchResults`], so the crate depends on neither the database nor the web layer.
//! Chinese text is folded from traditional to simplified characters, segmented by jieba, and
//! also indexed as character bigrams for recall. Other words are lowercased and stemmed as
//! English. Each commit stores the outbox position it includes, so an indexer can resume
//! after a crash.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod analysis;
mod build;
mod error;
mod facets;
mod highlight;
mod index;
mod query;
mod rank;
mod schema;
mod search;
mod synonyms;

pub use error::SearchError;
pub use facets::Facet;
pub use highlight::SNIPPET_CHARS;
pub use index::SearchIndex;
pub use query::{Scope, SearchQuery, MAX_QUERY_CHARS};
pub use schema::{SearchDoc, SERVICE_KIND};
pub use search::{Hit, SearchResults};
