//! The `jiyue` command line.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use jiyue::audit::AuditCommand;
use jiyue::calendar::CalendarCommand;
use jiyue::oidc_clients::OidcClientCommand;
use jiyue::settings::{password_policy, read_config, resolve_data, DataArgs, ServeArgs};
use jiyue::users::UserCommand;
use jiyue_core::Clock;

/// Jiyue: one platform for every government website of a province.
#[derive(Debug, Parser)]
#[command(name = "jiyue", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the public and admin listeners
    Serve(ServeArgs),
    /// Build the Jilin demo province into a data folder without serving it
    Demo {
        #[command(flatten)]
        data: DataArgs,
        /// Sample items generated per column
        #[arg(long, default_value_t = 3)]
        items: usize,
    },
    /// Import items from Markdown files with TOML front matter and JSON Lines files, services
    /// from JSON files and service statistics from CSV files (docs/services.md)
    Import {
        #[command(flatten)]
        data: DataArgs,
        /// Files or folders of items to import
        #[arg(required_unless_present_any = ["services", "stats"])]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        services: jiyue::import::ServiceArgs,
    },
    /// Rebuild the search index from the database
    Reindex {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Create, list, grant roles to and disable staff accounts of the admin interface
    User {
        #[command(flatten)]
        data: DataArgs,
        #[command(subcommand)]
        command: UserCommand,
    },
    /// List, show and load the years of the working-day calendar, and reckon working days
    Calendar {
        #[command(flatten)]
        data: DataArgs,
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Register, list and disable relying parties of the citizen sign-in provider
    /// (docs/citizens.md)
    OidcClient {
        #[command(flatten)]
        data: DataArgs,
        #[command(subcommand)]
        command: OidcClientCommand,
    },
    /// Visit every site's home page at an interval and store the visits for the availability
    /// check (docs/monitor-probe.md)
    Probe(jiyue::probe::ProbeArgs),
    /// Verify, seal, prune and export the audit log
    Audit {
        #[command(flatten)]
        data: DataArgs,
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Export a site as static files with a manifest and nginx configuration (docs/export.md)
    Export {
        #[command(subcommand)]
        command: jiyue::export::ExportCommand,
    },
    /// Run a monitoring check once and print its report
    Check {
        #[command(subcommand)]
        command: CheckCommand,
    },
}

#[derive(Debug, Subcommand)]
enum CheckCommand {
    /// Check the links of a static export: exit status 0 when none is broken, 2 when some
    /// are, 1 on errors (docs/monitor-links.md)
    Links(jiyue::check_links::LinksArgs),
    #[command(flatten)]
    Standards(jiyue::check_standards::CheckCommand),
}

/// The system clock: the one place that reads the time of day.
struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JIYUE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tantivy=warn")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only help a terminal; in a log file or a pipe they are noise.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            // Problems found by a check are a result, not a failure of the command.
            if error.is::<jiyue::check_standards::ProblemsFound>() {
                return std::process::ExitCode::from(2);
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let result = match cli.command {
        Command::Serve(args) => serve(args, clock).await,
        Command::Probe(args) => jiyue::probe::run(&args, clock).await,
        Command::Demo { data, items } => {
            let (db, _) = open(&data, clock.clone()).await?;
            let report = jiyue::demo::build(&db, clock.as_ref(), items).await?;
            println!("demo province built: {report}");
            db.close().await;
            Ok(())
        }
        Command::Import {
            data,
            paths,
            services,
        } => {
            let (db, _) = open(&data, clock).await?;
            let result = import(&db, &paths, &services).await;
            db.close().await;
            result
        }
        Command::Calendar { data, command } => {
            let today = jiyue_core::clock::to_china(clock.now()).date_naive();
            let (db, _) = open(&data, clock).await?;
            let result = jiyue::calendar::run(&db, command, today).await;
            db.close().await;
            result
        }
        Command::Reindex { data } => jiyue::reindex::run(&data, clock).await,
        Command::User { data, command } => {
            let policy = password_policy(&read_config(data.config.as_deref())?)?;
            let (db, data_dir) = open(&data, clock).await?;
            let key = jiyue::serve::load_audit_key(&data_dir)?;
            let result = jiyue::users::run(&db, key.as_ref(), &policy, command).await;
            db.close().await;
            result
        }
        Command::OidcClient { data, command } => {
            let (db, data_dir) = open(&data, clock).await?;
            let key = jiyue::serve::load_audit_key(&data_dir)?;
            let result = jiyue::oidc_clients::run(&db, key.as_ref(), command).await;
            db.close().await;
            result
        }
        Command::Audit { data, command } => {
            let (db, data_dir) = open(&data, clock).await?;
            let key = jiyue::serve::load_audit_key(&data_dir)?;
            let result = jiyue::audit::run(&db, key.as_ref(), command).await;
            db.close().await;
            result
        }
        // The one command with an exit status other than success or failure.
        Command::Check {
            command: CheckCommand::Links(args),
        } => return jiyue::check_links::run(args, clock).await,
        Command::Check {
            command: CheckCommand::Standards(command),
        } => jiyue::check_standards::run(command, clock).await,
        Command::Export { command } => jiyue::export::run(command, clock).await,
    };
    result.map(|()| std::process::ExitCode::SUCCESS)
}

/// Imports item files, then service files, then statistics files, stopping at the first
/// rejected file.
async fn import(
    db: &jiyue_db::Db,
    paths: &[PathBuf],
    services: &jiyue::import::ServiceArgs,
) -> anyhow::Result<()> {
    if !paths.is_empty() {
        let report = jiyue::import::import_paths(db, paths, true).await?;
        println!("{report}");
        if !report.is_success() {
            anyhow::bail!(
                "{} file(s) rejected; nothing of them was stored",
                report.rejected.len()
            );
        }
    }
    jiyue::import::import_service_files(db, services, true).await
}

async fn open(data: &DataArgs, clock: Arc<dyn Clock>) -> anyhow::Result<(jiyue_db::Db, PathBuf)> {
    let file = read_config(data.config.as_deref())?;
    let settings = resolve_data(data, &file)?;
    let db = jiyue::serve::open_db(&settings.database_url, &settings.data_dir, clock).await?;
    Ok((db, settings.data_dir))
}

async fn serve(args: ServeArgs, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let running = jiyue::serve::start(&args, clock).await?;
    let public = running.public_addr;
    if args.demo {
        let port = public.port();
        println!("Jiyue is serving the Jilin demo province.");
        println!("  provincial portal:  http://www.jl.localhost:{port}/");
        println!("  English site:       http://english.jl.localhost:{port}/");
        println!("  all sites:          http://localhost:{port}/");
    } else {
        println!("Jiyue is serving on http://{public}/");
    }
    println!("  administration:     http://{}/", running.admin_addr);
    println!(
        "  health and metrics: http://{}/healthz",
        running.admin_addr
    );
    if let Some(accounts) = &running.demo_accounts {
        println!("  staff accounts:     {}", accounts.display());
    }
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C failed")?;
    println!("stopping");
    running.stop().await;
    Ok(())
}
