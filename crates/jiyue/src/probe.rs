//! `jiyue probe`: the availability probe. It visits every hosted site's home page through its
//! public address at a fixed interval, the way an inspector's monitoring service does, and
//! stores each visit (status, response time, failure reason) for the availability check.
//!
//! The probe is meant to run on another machine than the platform, so its requests take the
//! same network path as citizens' requests. It reads the same config file as `jiyue serve` to reach the database and to form the
//! public addresses. When the database cannot be reached it keeps visiting the sites it knew
//! last, appends the visits to a spool file (JSON Lines), and stores them once the database is
//! back. It logs site codes, statuses and times, nothing about any person.

use std::io::{BufRead, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use jiyue_core::Clock;
use jiyue_db::{Db, ProbeVisit, SiteId};
use jiyue_web::hosts::{HostConfig, HostTable};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use crate::settings::{read_config, redact_url, resolve_data, ConfigFile, DataArgs};

/// Maximum interval between rounds: 86,400 s a day over the 20 daily visits the national
/// availability rule requires.
pub const MAX_INTERVAL_SECS: u64 = 4_320;

/// Maximum time limit of one visit.
pub const MAX_TIMEOUT_SECS: u64 = 300;

/// Home pages visited at once.
const CONCURRENT_VISITS: usize = 8;

/// How long opening the database may take before the round goes on without it.
const DATABASE_OPEN_TIMEOUT: Duration = Duration::from_secs(30);

/// Options of `jiyue probe`.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Seconds between the starts of two rounds of visits. The default 300 makes 288 visits a
    /// day, and the national rule requires at least 20, so at most 4320 is accepted
    #[arg(long, env = "JIYUE_PROBE_INTERVAL", default_value_t = 300)]
    pub interval: u64,
    /// Seconds a home page has to open within, body included, before the visit counts as
    /// failed. The national rule counts a page not open after 15 s as unreachable
    #[arg(long, env = "JIYUE_PROBE_TIMEOUT", default_value_t = 15)]
    pub timeout: u64,
    /// Run one round of visits and exit, for tests and cron
    #[arg(long)]
    pub once: bool,
    /// Visit sites whose names resolve to loopback or private addresses, which are otherwise
    /// rejected. Use it only for tests on one machine
    #[arg(long)]
    pub allow_private: bool,
    /// File of visits kept while the database cannot be reached, in JSON Lines [default:
    /// probe-spool.jsonl in the data folder]
    #[arg(long, env = "JIYUE_PROBE_SPOOL")]
    pub spool: Option<PathBuf>,
}

/// A site to visit and the public address of its home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub site_id: SiteId,
    pub code: String,
    pub url: String,
}

/// Counts of one round of visits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub visited: usize,
    pub failed: usize,
    /// Visits written to the database in this round, replayed ones included.
    pub stored: u64,
    /// Visits appended to the spool file because the database could not be reached.
    pub spooled: usize,
    /// Visits lost because the database could not be reached and the spool file was full.
    pub dropped: usize,
}

impl std::fmt::Display for RoundReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "visited {} site(s), {} failed; {} visit(s) stored, {} spooled",
            self.visited, self.failed, self.stored, self.spooled
        )?;
        if self.dropped > 0 {
            write!(f, ", {} dropped (spool file full)", self.dropped)?;
        }
        Ok(())
    }
}

/// The probe's state between rounds.
struct Probe {
    clock: Arc<dyn Clock>,
    database_url: String,
    hosts: HostConfig,
    timeout: Duration,
    allow_private: bool,
    spool: PathBuf,
    targets_file: PathBuf,
    db: Option<Db>,
}

/// Runs the probe until Ctrl-C, or for one round with `--once`.
pub async fn run(args: &ProbeArgs, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    check_args(args)?;
    let file = read_config(args.data.config.as_deref())?;
    let data = resolve_data(&args.data, &file)?;
    let spool = args
        .spool
        .clone()
        .unwrap_or_else(|| data.data_dir.join("probe-spool.jsonl"));
    let mut probe = Probe {
        clock,
        targets_file: spool.with_extension("targets.json"),
        spool,
        database_url: data.database_url,
        hosts: host_config(&file)?,
        timeout: Duration::from_secs(args.timeout),
        allow_private: args.allow_private,
        db: None,
    };
    tracing::info!(
        interval_secs = args.interval,
        timeout_secs = args.timeout,
        database = %redact_url(&probe.database_url),
        "availability probe started"
    );

    let interval = Duration::from_secs(args.interval);
    loop {
        let started = tokio::time::Instant::now();
        let report = probe.round().await?;
        if args.once {
            println!("{report}");
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep_until(started + interval) => {}
            signal = tokio::signal::ctrl_c() => {
                signal.context("waiting for Ctrl-C failed")?;
                break;
            }
        }
    }
    if let Some(db) = &probe.db {
        db.close().await;
    }
    tracing::info!("availability probe stopped");
    Ok(())
}

fn check_args(args: &ProbeArgs) -> anyhow::Result<()> {
    if !(1..=MAX_INTERVAL_SECS).contains(&args.interval) {
        bail!(
            "invalid --interval {}: set 1 to {MAX_INTERVAL_SECS} seconds, so every site gets \
             the 20 visits a day the national availability rule requires",
            args.interval
        );
    }
    if !(1..=MAX_TIMEOUT_SECS).contains(&args.timeout) {
        bail!(
            "invalid --timeout {}: set 1 to {MAX_TIMEOUT_SECS} seconds; the national rule uses 15",
            args.timeout
        );
    }
    Ok(())
}

/// Forms public addresses the way `jiyue serve` does with the same config file.
fn host_config(file: &ConfigFile) -> anyhow::Result<HostConfig> {
    let demo = file.demo.unwrap_or(false);
    let scheme = file.public_scheme.clone().unwrap_or_else(|| {
        if demo {
            "http".into()
        } else {
            "https".into()
        }
    });
    if scheme != "http" && scheme != "https" {
        bail!("invalid public_scheme \"{scheme}\" in the config file: expected http or https");
    }
    let listen_port = if demo {
        file.listen.map(|listen| listen.port())
    } else {
        None
    };
    let port = file.public_port.or(listen_port);
    Ok(HostConfig {
        platform_domain: file
            .platform_domain
            .clone()
            .unwrap_or_else(|| "jl.gov.cn".into()),
        demo,
        scheme,
        port,
    })
}

impl Probe {
    /// Loads the sites, visits every home page, and stores or spools the visits.
    async fn round(&mut self) -> anyhow::Result<RoundReport> {
        let targets = self.targets().await?;
        let mut visits = self.visit_all(&targets).await;
        visits.sort_by_key(|visit| visit.site_id);

        let mut report = RoundReport {
            visited: visits.len(),
            failed: visits.iter().filter(|visit| !visit.ok).count(),
            ..RoundReport::default()
        };
        for visit in visits.iter().filter(|visit| !visit.ok) {
            let code = targets
                .iter()
                .find(|target| target.site_id == visit.site_id)
                .map_or("", |target| target.code.as_str());
            tracing::warn!(
                site = code,
                status = visit.status,
                elapsed_ms = visit.elapsed_ms,
                reason = visit.reason.as_deref().unwrap_or(""),
                "home page did not open"
            );
        }

        match self.store(&visits).await {
            Ok(stored) => report.stored = stored,
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "storing visits failed; spooling them");
                self.db = None;
                report.spooled = append_spool(&self.spool, &visits)?;
                report.dropped = visits.len() - report.spooled;
                if report.dropped > 0 {
                    tracing::error!(
                        dropped = report.dropped,
                        spool = %self.spool.display(),
                        limit_bytes = MAX_SPOOL_BYTES,
                        "the spool file is full; this round's visits are lost until the database is back"
                    );
                }
            }
        }
        tracing::info!(
            visited = report.visited,
            failed = report.failed,
            stored = report.stored,
            spooled = report.spooled,
            "probe round finished"
        );
        Ok(report)
    }

    /// Returns the sites to visit: from the database when it responds (saving them for the next
    /// outage), else those saved last time.
    async fn targets(&mut self) -> anyhow::Result<Vec<Target>> {
        match self.load_targets().await {
            Ok(targets) => {
                if let Err(error) = save_targets(&self.targets_file, &targets) {
                    tracing::warn!(error = %format!("{error:#}"), "saving the site list failed");
                }
                Ok(targets)
            }
            Err(error) => {
                tracing::warn!(
                    error = %format!("{error:#}"),
                    "reading the sites from the database failed; using the saved site list"
                );
                self.db = None;
                load_saved_targets(&self.targets_file).with_context(|| {
                    format!(
                        "the database {} cannot be reached and no saved site list is in {}; \
                         run the probe once while the database is reachable",
                        redact_url(&self.database_url),
                        self.targets_file.display()
                    )
                })
            }
        }
    }

    async fn load_targets(&mut self) -> anyhow::Result<Vec<Target>> {
        let db = self.db().await?;
        let sites = db.sites().await.context("reading the sites failed")?;
        let table = HostTable::build(&sites, &self.hosts);
        Ok(sites
            .iter()
            .filter_map(|site| {
                let base = table.base_url(site.id)?;
                Some(Target {
                    site_id: site.id,
                    code: site.code.clone(),
                    url: format!("{base}/"),
                })
            })
            .collect())
    }

    /// Returns the open database, opening it when needed.
    async fn db(&mut self) -> anyhow::Result<Db> {
        if let Some(db) = &self.db {
            return Ok(db.clone());
        }
        let open = Db::open(&self.database_url, self.clock.clone());
        let db = tokio::time::timeout(DATABASE_OPEN_TIMEOUT, open)
            .await
            .with_context(|| {
                format!(
                    "opening the database {} timed out",
                    redact_url(&self.database_url)
                )
            })?
            .with_context(|| {
                format!(
                    "opening the database {} failed",
                    redact_url(&self.database_url)
                )
            })?;
        self.db = Some(db.clone());
        Ok(db)
    }

    /// Stores the spooled visits of earlier rounds, then this round's.
    async fn store(&mut self, visits: &[ProbeVisit]) -> anyhow::Result<u64> {
        let db = self.db().await?;
        let spooled = read_spool(&self.spool)?;
        let mut stored = 0;
        if !spooled.is_empty() {
            // A long outage leaves up to a million visits, so they are stored in parts to keep
            // each transaction small. A part stored twice keeps one row per visit.
            for part in spooled.chunks(REPLAY_PART) {
                stored += db.record_probe_visits(part).await?;
            }
            std::fs::remove_file(&self.spool).with_context(|| {
                format!(
                    "removing the replayed spool file {} failed",
                    self.spool.display()
                )
            })?;
            tracing::info!(visits = spooled.len(), "spooled visits stored");
        }
        stored += db.record_probe_visits(visits).await?;
        Ok(stored)
    }

    async fn visit_all(&self, targets: &[Target]) -> Vec<ProbeVisit> {
        let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_VISITS));
        let mut tasks = JoinSet::new();
        for target in targets {
            let target = target.clone();
            let permits = permits.clone();
            let clock = self.clock.clone();
            let timeout = self.timeout;
            let allow_private = self.allow_private;
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                visit(&target, clock.as_ref(), timeout, allow_private).await
            });
        }
        let mut visits = Vec::with_capacity(targets.len());
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(visit) => visits.push(visit),
                Err(error) => tracing::error!(%error, "a visit task failed"),
            }
        }
        visits
    }
}

/// Fetches a site's home page once and judges it: opened when a 2xx status and the whole body
/// arrive within `timeout`.
pub async fn visit(
    target: &Target,
    clock: &dyn Clock,
    timeout: Duration,
    allow_private: bool,
) -> ProbeVisit {
    let checked_at = clock.now();
    let started = std::time::Instant::now();
    let outcome = tokio::time::timeout(timeout, fetch(&target.url, allow_private)).await;
    let elapsed_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status, reason) = match outcome {
        Err(_) => (
            None,
            Some(format!("timed out after {} s", timeout.as_secs())),
        ),
        Ok(Err(reason)) => (None, Some(reason)),
        Ok(Ok(status)) if (200..300).contains(&status) => (Some(status), None),
        Ok(Ok(status)) => (Some(status), Some(format!("status {status}"))),
    };
    ProbeVisit {
        site_id: target.site_id,
        checked_at,
        url: target.url.clone(),
        status,
        elapsed_ms,
        ok: reason.is_none(),
        reason,
    }
}

/// Resolves the host once, checks the address, and fetches the page from that address only,
/// so a name that resolves differently on the second lookup cannot reach a private address.
async fn fetch(url: &str, allow_private: bool) -> Result<u16, String> {
    let parsed = reqwest::Url::parse(url).map_err(|error| format!("invalid URL {url}: {error}"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("invalid URL {url}: no host"))?
        .to_string();
    let port = parsed.port_or_known_default().unwrap_or(80);
    let address = resolve(&host, port).await?;
    if !allow_private && !jiyue_web::net::is_public(address.ip()) {
        return Err(format!(
            "refused: {host} resolves to the private address {}; pass --allow-private only \
             for tests",
            address.ip()
        ));
    }
    let client = reqwest::Client::builder()
        .resolve(&host, address)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("jiyue-probe/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| format!("building the HTTP client failed: {error}"))?;
    let response = client
        .get(parsed)
        .send()
        .await
        .map_err(|error| format!("request failed: {}", error_chain(&error)))?;
    let status = response.status().as_u16();
    response
        .bytes()
        .await
        .map_err(|error| format!("reading the body failed: {}", error_chain(&error)))?;
    Ok(status)
}

/// Resolves a host name to one socket address. Names under `localhost` are the loopback
/// address without a lookup (RFC 6761, section 6.3), as browsers treat them.
async fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    let mut addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|error| format!("resolving {host} failed: {error}"))?;
    addresses
        .next()
        .ok_or_else(|| format!("resolving {host} failed: no address"))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The largest the spool file grows, about a million visits: five days of a thousand sites
/// probed every five minutes. Beyond it new visits are dropped and logged, so a long database
/// outage cannot fill the probe machine's disk.
pub const MAX_SPOOL_BYTES: u64 = 192 * 1024 * 1024;

/// Spooled visits stored in one transaction when the database is back.
const REPLAY_PART: usize = 5_000;

/// Appends visits to the spool file, one JSON object a line, up to [`MAX_SPOOL_BYTES`].
/// Returns how many were appended; the others are dropped.
pub fn append_spool(path: &Path, visits: &[ProbeVisit]) -> anyhow::Result<usize> {
    append_spool_within(path, visits, MAX_SPOOL_BYTES)
}

fn append_spool_within(path: &Path, visits: &[ProbeVisit], limit: u64) -> anyhow::Result<usize> {
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create the spool folder {}", folder.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the spool file {}", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read the size of the spool file {}", path.display()))?
        .len();
    let mut lines = String::new();
    let mut appended = 0;
    for visit in visits {
        let line = serde_json::to_string(visit)?;
        let total = size + (lines.len() + line.len() + 1) as u64;
        if total > limit {
            break;
        }
        lines.push_str(&line);
        lines.push('\n');
        appended += 1;
    }
    file.write_all(lines.as_bytes())
        .and_then(|()| file.sync_data())
        .with_context(|| format!("cannot write the spool file {}", path.display()))?;
    Ok(appended)
}

/// Reads the spooled visits. A missing file means no visits. A line that is not a visit (such as
/// one cut short by a crash) is skipped with a warning.
pub fn read_spool(path: &Path) -> anyhow::Result<Vec<ProbeVisit>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read the spool file {}", path.display()))
        }
    };
    let mut visits = Vec::new();
    let mut skipped = 0usize;
    for line in std::io::BufReader::new(file).lines() {
        let line =
            line.with_context(|| format!("cannot read the spool file {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<ProbeVisit>(&line) {
            Ok(visit) => visits.push(visit),
            Err(_) => skipped += 1,
        }
    }
    if skipped > 0 {
        tracing::warn!(skipped, spool = %path.display(), "skipped invalid lines of the spool file");
    }
    Ok(visits)
}

fn save_targets(path: &Path, targets: &[Target]) -> anyhow::Result<()> {
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create the folder {}", folder.display()))?;
    }
    let text = serde_json::to_string_pretty(targets)?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("cannot write the site list {}", path.display()))
}

fn load_saved_targets(path: &Path) -> anyhow::Result<Vec<Target>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the saved site list {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("the saved site list {} is not valid JSON", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_round_trips_and_skips_cut_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool.jsonl");
        let visit = ProbeVisit {
            site_id: 3,
            checked_at: chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
            url: "https://www.jl.gov.cn/".into(),
            status: None,
            elapsed_ms: 15_000,
            ok: false,
            reason: Some("timed out after 15 s".into()),
        };
        append_spool(&path, std::slice::from_ref(&visit)).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"site_id\": 3, \"chec")
            .unwrap();
        assert_eq!(read_spool(&path).unwrap(), vec![visit]);
        assert!(read_spool(&dir.path().join("missing")).unwrap().is_empty());
    }

    #[test]
    fn spool_stops_at_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool.jsonl");
        let visit = ProbeVisit {
            site_id: 3,
            checked_at: chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
            url: "https://www.jl.gov.cn/".into(),
            status: Some(200),
            elapsed_ms: 80,
            ok: true,
            reason: None,
        };
        let line = serde_json::to_string(&visit).unwrap().len() as u64 + 1;
        let visits = vec![visit.clone(); 5];
        assert_eq!(append_spool_within(&path, &visits, line * 3).unwrap(), 3);
        assert_eq!(append_spool_within(&path, &visits, line * 3).unwrap(), 0);
        assert_eq!(read_spool(&path).unwrap().len(), 3);
    }

    #[tokio::test]
    async fn private_address_refused() {
        let error = fetch("http://127.0.0.1:9/", false).await.unwrap_err();
        assert!(error.contains("private address"), "{error}");
        let error = fetch("http://www.jl.localhost:9/", false)
            .await
            .unwrap_err();
        assert!(error.contains("private address"), "{error}");
    }

    #[test]
    fn interval_beyond_daily_visits_rejected() {
        let args = ProbeArgs {
            data: DataArgs::default(),
            interval: 5_000,
            timeout: 15,
            once: true,
            allow_private: false,
            spool: None,
        };
        let error = check_args(&args).unwrap_err().to_string();
        assert!(error.contains("--interval 5000"), "{error}");
    }
}
