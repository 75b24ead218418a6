//! `import_paths`: finds the import files, parses and checks all of them, then stores each
//! valid file in one transaction and reports what happened.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use jiyue_db::{Db, DbError, ItemInput};

use super::check::{check_items, Catalog, SeenIds};
use super::error::{check, ImportError};
use super::jsonl::parse_jsonl_located;
use super::markdown::parse_markdown_located;
use super::order::{dependency_order, originals_first};
use super::record::ParsedItem;
use super::store::{store_items, StoreCounts};

/// Outcome of an import: counts of files and items, and the rejected files.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Import files found, stored or rejected.
    pub files: usize,
    pub items_created: usize,
    pub items_updated: usize,
    /// Items whose stored content already equalled the file.
    pub items_unchanged: usize,
    /// Files of which nothing was stored, with every error found in each.
    pub rejected: Vec<RejectedFile>,
}

/// A file that was not stored.
#[derive(Debug)]
pub struct RejectedFile {
    pub path: PathBuf,
    pub error: ImportError,
}

impl ImportReport {
    /// Returns true when every file was stored.
    pub fn is_success(&self) -> bool {
        self.rejected.is_empty()
    }

    fn add(&mut self, counts: StoreCounts) {
        self.items_created += counts.created;
        self.items_updated += counts.updated;
        self.items_unchanged += counts.unchanged;
    }

    fn reject(&mut self, path: &Path, error: ImportError) {
        self.rejected.push(RejectedFile {
            path: path.to_owned(),
            error,
        });
    }
}

impl fmt::Display for ImportReport {
    /// Formats a one-line summary, then each rejected file's errors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} files: {} items created, {} updated, {} unchanged, {} files rejected",
            self.files,
            self.items_created,
            self.items_updated,
            self.items_unchanged,
            self.rejected.len()
        )?;
        for rejected in &self.rejected {
            write!(f, "\n{}", rejected.error)?;
        }
        Ok(())
    }
}

/// A parsed file waiting to be stored.
struct ParsedFile {
    path: PathBuf,
    items: Vec<ParsedItem>,
}

/// Imports Markdown (`*.md`) and JSON Lines (`*.jsonl`) files; folders are walked for both.
///
/// Every file is parsed and checked (sites, columns, organizations, originals of
/// translations, `ItemMeta::validate`) before anything is stored. Each valid file is then
/// stored with one `save_items` call, so a file with any error stores nothing and is listed in
/// the report. Items are keyed by `id`, so importing again updates and never duplicates.
/// Returns an error only when the database fails outside the files' own content.
pub async fn import_paths(
    db: &Db,
    paths: &[PathBuf],
    show_progress: bool,
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let files = collect_files(paths, &mut report);
    report.files = files.len() + report.rejected.len();

    let progress = progress_bar(show_progress, files.len() as u64, "checking");
    let parsed = parse_files(files, &mut report, &progress);
    let valid = check_files(db, parsed, &mut report).await?;

    progress.set_message("storing");
    progress.set_position(0);
    progress.set_length(valid.len() as u64);
    store_files(db, valid, &mut report, &progress).await;
    progress.finish_and_clear();
    Ok(report)
}

fn parse_files(
    files: Vec<PathBuf>,
    report: &mut ImportReport,
    progress: &ProgressBar,
) -> Vec<ParsedFile> {
    let mut parsed = Vec::new();
    for path in files {
        match read_and_parse(&path) {
            Ok(items) => parsed.push(ParsedFile { path, items }),
            Err(error) => report.reject(&path, error),
        }
        progress.inc(1);
    }
    parsed
}

/// Returns the files that pass every check against the database, rejecting the others.
async fn check_files(
    db: &Db,
    parsed: Vec<ParsedFile>,
    report: &mut ImportReport,
) -> anyhow::Result<Vec<ParsedFile>> {
    let catalog = Catalog::load(db).await?;
    let batch_ids: HashSet<String> = parsed
        .iter()
        .flat_map(|file| file.items.iter().map(|item| item.input.external_id.clone()))
        .collect();
    let mut seen = SeenIds::new();
    let mut valid = Vec::new();
    for mut file in parsed {
        let diagnostics = check_items(db, &catalog, &mut file.items, &batch_ids, &mut seen).await?;
        match check(diagnostics) {
            Ok(()) => valid.push(file),
            Err(error) => report.reject(&file.path, error),
        }
    }
    Ok(valid)
}

/// Stores each file in one transaction, originals before their translations.
async fn store_files(
    db: &Db,
    files: Vec<ParsedFile>,
    report: &mut ImportReport,
    progress: &ProgressBar,
) {
    let order = dependency_order(&files.iter().map(|f| f.items.as_slice()).collect::<Vec<_>>());
    let mut slots: Vec<Option<ParsedFile>> = files.into_iter().map(Some).collect();
    for file in order.into_iter().filter_map(|index| slots[index].take()) {
        let items = originals_first(file.items);
        let inputs: Vec<ItemInput> = items.iter().map(|item| item.input.clone()).collect();
        match store_items(db, &inputs).await {
            Ok(counts) => report.add(counts),
            Err(error) => {
                tracing::warn!(file = %file.path.display(), %error, "import file not stored");
                report.reject(&file.path, storage_error(&file.path, &items, &error));
            }
        }
        progress.inc(1);
    }
}

/// Locates a storage error at the record of the item that failed, when the error names one.
fn storage_error(path: &Path, items: &[ParsedItem], error: &DbError) -> ImportError {
    let line = match error {
        DbError::Item { external_id, .. } => items
            .iter()
            .find(|item| item.input.external_id == *external_id)
            .map_or(1, |item| item.line),
        _ => 1,
    };
    let file = path.display().to_string();
    ImportError::at(&file, line, None, format!("nothing stored: {error}"))
}

/// Expands folders into their `*.md` and `*.jsonl` files, sorted by path. Named paths that are
/// missing or of another kind are rejected.
fn collect_files(paths: &[PathBuf], report: &mut ImportReport) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            if let Err(source) = walk(path, &mut files) {
                let error = ImportError::Read {
                    path: path.clone(),
                    source,
                };
                report.reject(path, error);
            }
        } else if path.is_file() && is_import_file(path) {
            files.push(path.clone());
        } else if path.is_file() {
            let file = path.display().to_string();
            let message =
                "not an import file; name Markdown files *.md and JSON Lines files *.jsonl";
            report.reject(path, ImportError::at(&file, 1, None, message));
        } else {
            let source =
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder");
            report.reject(
                path,
                ImportError::Read {
                    path: path.clone(),
                    source,
                },
            );
        }
    }
    files.sort();
    files.dedup();
    files
}

fn walk(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if is_import_file(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn is_import_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|ext| ext.to_str()),
        Some("md" | "jsonl")
    )
}

fn read_and_parse(path: &Path) -> Result<Vec<ParsedItem>, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    if path.extension().is_some_and(|ext| ext == "jsonl") {
        parse_jsonl_located(path, &text)
    } else {
        parse_markdown_located(path, &text).map(|item| vec![item])
    }
}

/// Returns a progress bar on standard error counting `length` records, hidden unless `show`.
pub(crate) fn progress_bar(show: bool, length: u64, message: &'static str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(length).with_message(message);
    if let Ok(style) = ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
