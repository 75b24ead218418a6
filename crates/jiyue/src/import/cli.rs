//! The service and statistics options of `jiyue import`.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use jiyue_db::Db;

use super::service_run::import_services;
use super::stats::import_stats;

/// Options of `jiyue import` for services and their statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ServiceArgs {
    /// A JSON file of services to import; may be repeated
    #[arg(long = "services", value_name = "FILE")]
    pub services: Vec<PathBuf>,
    /// A CSV file of monthly service statistics to import; may be repeated
    #[arg(long = "stats", value_name = "FILE")]
    pub stats: Vec<PathBuf>,
    /// Name of the platform the statistics come from, unless the files have a source column
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Reason recorded on every incomplete service of these files that gives none, so it may
    /// be published
    #[arg(long, value_name = "TEXT")]
    pub incomplete_reason: Option<String>,
}

/// Imports the service files, then the statistics files, printing a line for each and
/// stopping at the first rejected file, of which nothing is stored.
pub async fn import_service_files(
    db: &Db,
    args: &ServiceArgs,
    show_progress: bool,
) -> anyhow::Result<()> {
    let reason = args.incomplete_reason.as_deref();
    for path in &args.services {
        match import_services(db, path, reason, show_progress).await {
            Ok(report) => println!("{}: {report}", path.display()),
            Err(error) => bail!("{error}\n{}: rejected; nothing was stored", path.display()),
        }
    }
    for path in &args.stats {
        match import_stats(db, path, args.source.as_deref(), show_progress).await {
            Ok(report) => println!("{}: {report}", path.display()),
            Err(error) => bail!("{error}\n{}: rejected; nothing was stored", path.display()),
        }
    }
    Ok(())
}
