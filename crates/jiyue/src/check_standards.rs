//! `jiyue check standards [--site CODE]`: renders every page of every site (or one site)
//! in-process and checks it for the national meta tags and footer elements.

use std::sync::Arc;

use clap::Subcommand;
use jiyue_core::Clock;
use jiyue_db::Site;
use jiyue_web::monitor::scorecards::check_site_standards;
use jiyue_web::App;

use crate::settings::DataArgs;

/// The error `run` returns when pages fall short, so the command exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{problems} standards problem(s) found on {pages} page(s)")]
pub struct ProblemsFound {
    pub problems: usize,
    pub pages: usize,
}

/// Checks the command line offers.
#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Check every HTML page for the national meta tags and footer elements; exits with
    /// status 2 when a page falls short
    Standards {
        #[command(flatten)]
        data: DataArgs,
        /// Site code (网站标识码) of the one site to check; every site when absent
        #[arg(long)]
        site: Option<String>,
    },
}

/// Runs a check command.
pub async fn run(command: CheckCommand, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let CheckCommand::Standards { data, site } = command;
    let app = crate::serve::offline_app(&data, clock).await?;
    let result = check_sites(&app, site.as_deref()).await;
    app.db.close().await;
    result
}

async fn check_sites(app: &Arc<App>, only: Option<&str>) -> anyhow::Result<()> {
    let mut sites: Vec<Site> = app.directory().sites.values().cloned().collect();
    sites.sort_by(|a, b| a.code.cmp(&b.code));
    if let Some(code) = only {
        sites.retain(|site| site.code == code);
        if sites.is_empty() {
            anyhow::bail!(
                "site {code} not found; give the site code (网站标识码) of a hosted site"
            );
        }
    }
    let (mut problems, mut failing, mut checked) = (0, 0, 0);
    for site in &sites {
        let (pages, short) = check_site_standards(app, site)
            .await
            .map_err(anyhow::Error::msg)?;
        checked += pages;
        failing += short.len();
        for page in &short {
            for problem in &page.problems {
                println!("{} {}: {problem}", site.code, page.url);
            }
            problems += page.problems.len();
        }
    }
    println!("{checked} page(s) of {} site(s) checked", sites.len());
    if problems > 0 {
        return Err(ProblemsFound {
            problems,
            pages: failing,
        }
        .into());
    }
    Ok(())
}
