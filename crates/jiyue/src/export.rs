//! `jiyue export static --site CODE DIR`: writes one site as static files with a manifest and
//! nginx configuration (docs/export.md).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use jiyue_core::Clock;

use crate::settings::DataArgs;

/// Kinds of export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write every public page and file of a site into a folder, as a server would send them
    Static {
        #[command(flatten)]
        data: DataArgs,
        /// Site code (网站标识码) of the site to export, such as 2200000001
        #[arg(long)]
        site: String,
        /// Folder to write into; created when missing
        dir: PathBuf,
    },
}

/// Runs an export command.
pub async fn run(command: ExportCommand, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let ExportCommand::Static { data, site, dir } = command;
    let app = crate::serve::offline_app(&data, clock).await?;
    let result = jiyue_web::export::export_site(&app, &site, &dir).await;
    app.db.close().await;
    let report = result?;
    println!(
        "site {site} exported to {}: {} files, {} bytes, {} redirects",
        dir.display(),
        report.files,
        report.bytes,
        report.redirects.len()
    );
    for (path, status) in &report.errors {
        println!("  {status} {path}");
    }
    for (path, reason) in &report.skipped {
        println!("  skipped {path}: {reason}");
    }
    println!(
        "  nginx server block: {}",
        dir.join(jiyue_web::export::META_FOLDER)
            .join("nginx.conf")
            .display()
    );
    Ok(())
}
