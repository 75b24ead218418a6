//! `jiyue check links`: the broken-link check over the files of a site's static export.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use jiyue_core::Clock;
use jiyue_monitor::links::{
    check_pages, parse_site_url, read_export, DirResolver, HttpOptions, LinkOptions, LinkReport,
};

/// The site address assumed when none is given; `.invalid` never resolves, so no link is
/// mistaken for one on a real host.
const DEFAULT_SITE_URL: &str = "https://export.invalid/";

/// Exit status when the check ran and found broken links.
const EXIT_BROKEN: u8 = 2;

/// Options of `jiyue check links`.
#[derive(Debug, clap::Args)]
pub struct LinksArgs {
    /// Folder of a site's static export; links to the site resolve against its files
    pub dir: PathBuf,
    /// Address the folder was exported from, such as https://www.jl.gov.cn/; links to it are
    /// checked against the folder without the network
    #[arg(long, default_value = DEFAULT_SITE_URL)]
    pub site_url: String,
    /// Skip links to other sites instead of requesting them
    #[arg(long)]
    pub offline: bool,
    /// Report links whose fragment (#name) matches no id or name in the target page
    #[arg(long)]
    pub include_fragments: bool,
    /// Requests to other sites in flight at once
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrency: u16,
    /// Seconds allowed for one request to another site
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Request private, loopback and link-local addresses too (for testing on one machine)
    #[arg(long)]
    pub allow_private: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Output formats of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Runs the check and prints the report. Returns exit status 0 when no link is broken and 2
/// when some are. Returns an error (exit status 1) when the folder cannot be read or an
/// internal link could not be resolved.
pub async fn run(args: LinksArgs, clock: Arc<dyn Clock>) -> anyhow::Result<ExitCode> {
    let site = parse_site_url(&args.site_url)?;
    let pages = read_export(&args.dir, &site).await?;
    let resolver = DirResolver::new(&args.dir, site.clone());
    let options = LinkOptions {
        offline: args.offline,
        include_fragments: args.include_fragments,
        http: HttpOptions {
            max_concurrency: usize::from(args.max_concurrency),
            timeout: Duration::from_secs(args.timeout),
            allow_private: args.allow_private,
            ..HttpOptions::default()
        },
    };
    let report = check_pages(pages, &resolver, &options, clock).await?;

    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print!("{}", text_report(&report, site.as_str())),
    }
    if !report.errors.is_empty() {
        anyhow::bail!(
            "{} internal link(s) could not be resolved, first: {}",
            report.errors.len(),
            report.errors[0]
        );
    }
    if report.broken() > 0 {
        return Ok(ExitCode::from(EXIT_BROKEN));
    }
    Ok(ExitCode::SUCCESS)
}

/// Formats the report for a terminal, page addresses shortened to paths in the folder.
fn text_report(report: &LinkReport, site: &str) -> String {
    let mut out = String::new();
    for page in &report.pages {
        let path = page.url.strip_prefix(site).unwrap_or(&page.url);
        let home = if page.home { " (home page)" } else { "" };
        out.push_str(&format!("{path}{home}\n"));
        for link in page.broken.iter().chain(&page.unverified) {
            out.push_str(&format!(
                "  {}: {} \"{}\" -> {}\n",
                link.problem, link.source, link.written, link.url
            ));
            for hop in &link.redirects {
                out.push_str(&format!("      redirected to {hop}\n"));
            }
        }
    }
    let pages = report.home.pages + report.inner.pages;
    let links = report.home.links + report.inner.links;
    out.push_str(&format!(
        "{pages} pages, {links} links: {} broken ({} on home pages, {} on inner pages), \
         {} unverified, {} skipped; {} internal and {} external targets\n",
        report.broken(),
        report.home.broken,
        report.inner.broken,
        report.unverified,
        report.skipped,
        report.internal_targets,
        report.external_targets,
    ));
    out
}
