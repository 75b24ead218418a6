//! `jiyue reindex`: rebuilds the search index from the database with a progress bar.

use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiyue_core::Clock;
use jiyue_search::SearchIndex;
use jiyue_web::hosts::HostConfig;
use jiyue_web::SiteDirectory;

use crate::settings::{read_config, resolve_data, DataArgs};

/// Rebuilds the index in the data folder named by `data`.
pub async fn run(data: &DataArgs, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let file = read_config(data.config.as_deref())?;
    let settings = resolve_data(data, &file)?;
    let db = crate::serve::open_db(&settings.database_url, &settings.data_dir, clock).await?;
    let search = SearchIndex::open(&settings.data_dir.join("search")).with_context(|| {
        format!(
            "cannot open search index in {}",
            settings.data_dir.display()
        )
    })?;
    let hosts = HostConfig {
        platform_domain: file
            .platform_domain
            .clone()
            .unwrap_or_else(|| "jl.gov.cn".into()),
        demo: file.demo.unwrap_or(false),
        scheme: file.public_scheme.clone().unwrap_or_else(|| "https".into()),
        port: file.public_port,
    };
    let directory = SiteDirectory::build(db.sites().await?, &hosts);
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} items indexed ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let count =
        jiyue_web::indexer::reindex(&db, &search, &directory, |n| bar.set_position(n)).await;
    bar.finish_and_clear();
    db.close().await;
    let count = count?;
    println!("search index rebuilt: {count} items");
    Ok(())
}
