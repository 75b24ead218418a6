//! The on-disk or in-memory index: opening with schema-version checks, writing documents, and
//! commits that carry the outbox position they include.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use tantivy::schema::Term;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError};

use crate::analysis::register_analyzers;
use crate::error::{index_error, SearchError};
use crate::schema::{build_schema, to_document, Fields, SearchDoc, SCHEMA_VERSION};
use crate::synonyms::Synonyms;

/// Memory the writer may use for documents not yet flushed to a segment.
const WRITER_MEMORY_BYTES: usize = 50_000_000;
/// Name of the folder, inside the search folder, that contains the tantivy files.
const INDEX_FOLDER: &str = "index";
/// Name of the file, inside the search folder, that records the schema version.
const VERSION_FILE: &str = "schema-version";

/// The full-text index of every published item of the platform.
///
/// One writer sits behind a mutex, so the methods take `&self` and the index can be shared
/// between the outbox consumer and request handlers. Searches see the state of the last commit.
pub struct SearchIndex {
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    committed_position: AtomicI64,
    needs_rebuild: bool,
    /// Replaced whole by `set_synonyms`; a search keeps the groups it started with.
    synonyms: RwLock<Arc<Synonyms>>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the folder and an empty index when needed.
    ///
    /// An index written with another schema version, or one that tantivy cannot open, is
    /// wiped and recreated empty. After that, and for a new index, [`SearchIndex::needs_rebuild`]
    /// returns true.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let index_dir = dir.join(INDEX_FOLDER);
        let version_file = dir.join(VERSION_FILE);

        let (index, needs_rebuild) = match open_current(&index_dir, &version_file) {
            Some(index) => (index, false),
            None => (recreate(&index_dir, &version_file)?, true),
        };
        SearchIndex::from_index(index, needs_rebuild, &index_dir)
    }

    /// Creates an empty index in memory, for tests and one-off tools.
    pub fn open_in_ram() -> Result<SearchIndex, SearchError> {
        let (schema, _) = build_schema();
        SearchIndex::from_index(Index::create_in_ram(schema), false, Path::new("(memory)"))
    }

    fn from_index(
        index: Index,
        needs_rebuild: bool,
        path: &Path,
    ) -> Result<SearchIndex, SearchError> {
        register_analyzers(&index);
        let (_, fields) = build_schema();

        let writer = index
            .writer(WRITER_MEMORY_BYTES)
            .map_err(|error| match error {
                TantivyError::LockFailure(..) => SearchError::Locked {
                    path: path.to_path_buf(),
                },
                source => SearchError::Index {
                    operation: "create writer",
                    source,
                },
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_error("create reader"))?;
        let metas = index
            .load_metas()
            .map_err(index_error("load commit metadata"))?;

        Ok(SearchIndex {
            fields,
            reader,
            writer: Mutex::new(writer),
            committed_position: AtomicI64::new(parse_position(metas.payload.as_deref())),
            needs_rebuild,
            synonyms: RwLock::new(Arc::new(Synonyms::default())),
        })
    }

    /// Reports whether `open` found no usable index and created an empty one, so the caller
    /// must index every published item again.
    pub fn needs_rebuild(&self) -> bool {
        self.needs_rebuild
    }

    /// Adds `doc`, replacing any document with the same item id. Visible after the next commit.
    pub fn upsert(&self, doc: &SearchDoc) -> Result<(), SearchError> {
        let writer = self.lock_writer();
        writer.delete_term(Term::from_field_u64(self.fields.item_id, doc.item_id));
        writer
            .add_document(to_document(&self.fields, doc))
            .map_err(index_error("add document"))?;
        Ok(())
    }

    /// Removes the document of `item_id`, if any. Visible after the next commit.
    pub fn delete(&self, item_id: u64) -> Result<(), SearchError> {
        self.lock_writer()
            .delete_term(Term::from_field_u64(self.fields.item_id, item_id));
        Ok(())
    }

    /// Removes every document, for a full rebuild: changes not yet committed are discarded,
    /// and committed documents disappear at the next commit. Documents added after this call
    /// are kept.
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.lock_writer();
        writer
            .rollback()
            .map_err(index_error("discard uncommitted changes"))?;
        writer
            .delete_all_documents()
            .map_err(index_error("delete all documents"))?;
        Ok(())
    }

    /// Commits every change so far and records `outbox_position` as the last outbox event
    /// they include, then makes the changes visible to searches.
    pub fn commit(&self, outbox_position: i64) -> Result<(), SearchError> {
        let mut writer = self.lock_writer();
        let mut prepared = writer
            .prepare_commit()
            .map_err(index_error("prepare commit"))?;
        prepared.set_payload(&outbox_position.to_string());
        prepared.commit().map_err(index_error("commit"))?;
        drop(writer);

        self.committed_position
            .store(outbox_position, Ordering::SeqCst);
        self.reader.reload().map_err(index_error("reload reader"))?;
        Ok(())
    }

    /// Returns the outbox position stored by the last commit, or 0 if there was none.
    pub fn committed_position(&self) -> i64 {
        self.committed_position.load(Ordering::SeqCst)
    }

    /// Replaces the synonym groups applied to queries, such as `[["社保卡", "社会保障卡"]]`.
    ///
    /// A query word or run of words that equals a member also matches every other member of
    /// its groups. Members are compared after trimming, folding to simplified Chinese and
    /// half-width forms, and lowercasing. Blank members are skipped and groups with fewer than
    /// two distinct members are ignored. Searches already running keep the previous groups,
    /// and nothing needs reindexing.
    pub fn set_synonyms(&self, groups: Vec<Vec<String>>) {
        let requested = groups.len();
        let synonyms = Arc::new(Synonyms::new(groups));
        tracing::info!(groups = requested, "search synonym groups replaced");
        *self
            .synonyms
            .write()
            .unwrap_or_else(PoisonError::into_inner) = synonyms;
    }

    /// Returns the synonym groups as of now.
    pub(crate) fn synonyms(&self) -> Arc<Synonyms> {
        let synonyms = self.synonyms.read().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&synonyms)
    }

    fn lock_writer(&self) -> MutexGuard<'_, IndexWriter> {
        // A panic while holding the lock leaves the writer usable: tantivy keeps its own state
        // consistent, and uncommitted changes are simply part of the next commit.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Opens the index in `index_dir` if it exists and matches the current schema.
fn open_current(index_dir: &Path, version_file: &Path) -> Option<Index> {
    let stored_version = fs::read_to_string(version_file).ok()?;
    if stored_version.trim() != version_line() {
        tracing::warn!(
            path = %index_dir.display(),
            stored = stored_version.trim(),
            expected = version_line(),
            "search index has another schema version; recreating it empty"
        );
        return None;
    }
    let index = match Index::open_in_dir(index_dir) {
        Ok(index) => index,
        Err(error) => {
            tracing::warn!(path = %index_dir.display(), %error, "search index could not be opened; recreating it empty");
            return None;
        }
    };
    let (schema, _) = build_schema();
    if index.schema() != schema {
        tracing::warn!(path = %index_dir.display(), "search index schema differs from this binary's; recreating it empty");
        return None;
    }
    Some(index)
}

/// Wipes `index_dir`, creates an empty index there, then records the schema version.
///
/// NOTE: the wipe happens before tantivy's writer lock is taken, so a second process opening
/// the same folder with a different schema version deletes the files of a running first one.
fn recreate(index_dir: &Path, version_file: &Path) -> Result<Index, SearchError> {
    if index_dir.exists() {
        fs::remove_dir_all(index_dir).map_err(io_error(index_dir))?;
    }
    fs::create_dir_all(index_dir).map_err(io_error(index_dir))?;

    let (schema, _) = build_schema();
    let index = Index::create_in_dir(index_dir, schema).map_err(index_error("create index"))?;

    // Written last, so a crash before this point leaves no version file and the next open
    // wipes the half-made index again.
    let temporary = version_file.with_extension("tmp");
    fs::write(&temporary, format!("{}\n", version_line())).map_err(io_error(&temporary))?;
    fs::rename(&temporary, version_file).map_err(io_error(version_file))?;
    Ok(index)
}

fn version_line() -> String {
    format!("jiyue-search schema {SCHEMA_VERSION}")
}

fn parse_position(payload: Option<&str>) -> i64 {
    match payload.map(str::parse::<i64>) {
        None => 0,
        Some(Ok(position)) => position,
        Some(Err(error)) => {
            tracing::warn!(payload, %error, "search index commit payload is not an outbox position; resuming from 0");
            0
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError {
    let path = PathBuf::from(path);
    move |source| SearchError::Io { path, source }
}

#[cfg(test)]
mod tests {
    use super::SearchIndex;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn index_is_shareable_between_threads() {
        assert_send_sync::<SearchIndex>();
    }
}
