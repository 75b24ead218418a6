//! `jiyue check standards [--site CODE]`: renders every page of every site (or one site)
//! in-process and checks it for the national meta tags and footer elements.

use std::sync::Arc;

use clap::Subcommand;
use jiyue_core::Clock;
use jiyue_db::{RouteTarget, Site};
use jiyue_monitor::standards::{check_page, Expected};
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
        let Some((_, base)) = jiyue_web::export::site_host(app, site.id) else {
            continue;
        };
        let expected = expected_for(site, &base);
        let mut pages = Vec::new();
        jiyue_web::export::crawl_site(app, site.id, |path, fetched| {
            let html = fetched.content_type().starts_with("text/html");
            if fetched.status.as_u16() == 200 && html {
                pages.push((path.to_string(), fetched.body.clone()));
            }
        })
        .await?;
        for (path, body) in pages {
            let article = matches!(
                app.db
                    .route(site.id, &path)
                    .await?
                    .map(|route| route.target),
                Some(RouteTarget::Item(_))
            );
            let html = String::from_utf8_lossy(&body);
            let found = check_page(
                &html,
                &Expected {
                    article,
                    ..expected.clone()
                },
            );
            checked += 1;
            if !found.is_empty() {
                failing += 1;
            }
            for problem in &found {
                println!("{} {base}{path}: {problem}", site.code);
            }
            problems += found.len();
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

/// Builds what every page of a site should show, with the same defaults the page model uses:
/// the sponsor defaults to the site's name.
fn expected_for(site: &Site, base_url: &str) -> Expected {
    let settings = &site.settings;
    let authority = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    Expected {
        site_code: site.code.clone(),
        site_name: site.name.clone(),
        site_domain: authority.split(':').next().unwrap_or(authority).to_string(),
        sponsor: settings
            .sponsor
            .clone()
            .unwrap_or_else(|| site.name.clone()),
        operator: settings.operator.clone().unwrap_or_default(),
        icp_filing: settings.icp_filing.clone().unwrap_or_default(),
        public_security_filing: settings.public_security_filing.clone().unwrap_or_default(),
        site_map_url: format!("{base_url}/sitemap.html"),
        article: false,
    }
}
