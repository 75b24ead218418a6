//! Settings of the `jiyue` command: every flag also has a `JIYUE_*` environment variable and a
//! key in the TOML config file. A flag wins over its variable, a variable over the file, and
//! the file over the embedded default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use jiyue_auth::{LockoutPolicy, PasswordPolicy};
use jiyue_web::net::IpBlock;
use jiyue_web::AdminConfig;
use serde::Deserialize;

/// Maximum admin idle timeout, in minutes.
const MAX_IDLE_MINUTES: u32 = 120;

/// Maximum number of failed sign-ins before a lock.
const MAX_LOCKOUT_FAILURES: u32 = 20;

/// Maximum lock after failed sign-ins, in minutes (one day).
const MAX_LOCK_MINUTES: u32 = 1440;

/// Maximum pages per site of one run of the served-page check.
pub const MAX_SERVED_PAGES: usize = 100_000;

/// Maximum hours between two link checks (one week).
const MAX_LINK_HOURS: u32 = 168;

/// Options shared by every command that opens the platform's data.
#[derive(Debug, Clone, Default, Args)]
pub struct DataArgs {
    /// Folder of the SQLite database, search index and files [default: ./jiyue-data]
    #[arg(long, env = "JIYUE_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL, `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`
    /// [default: SQLite in the data folder]
    #[arg(long, env = "JIYUE_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// TOML file with any of the settings; flags and variables override it
    #[arg(long, env = "JIYUE_CONFIG", global = true)]
    pub config: Option<PathBuf>,
}

/// Options of `jiyue serve`.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Build the Jilin demo province (idempotent) and serve it on `*.localhost` names
    #[arg(long, env = "JIYUE_DEMO")]
    pub demo: bool,
    /// Whether demo mode takes the month's scorecards right after start, so that the
    /// scorecard pages show every site at once. `jiyue serve` always sets it. Code that builds
    /// these options itself, such as the server tests, leaves it off by default, because the
    /// run renders every page of every site.
    #[arg(skip = true)]
    pub demo_scorecards: bool,
    /// Address of the public listener [default: 127.0.0.1:8080]
    #[arg(long, env = "JIYUE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Address of the admin listener (admin pages, health, metrics) [default: 127.0.0.1:8081]
    #[arg(long, env = "JIYUE_ADMIN_LISTEN")]
    pub admin_listen: Option<SocketAddr>,
    /// Domain of the platform itself, whose `sites.` host lists every site [default: jl.gov.cn]
    #[arg(long, env = "JIYUE_PLATFORM_DOMAIN")]
    pub platform_domain: Option<String>,
    /// Comma-separated proxy addresses or blocks whose X-Forwarded-For is believed
    #[arg(long, env = "JIYUE_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Memory budget of the page cache in MiB [default: 256]
    #[arg(long, env = "JIYUE_CACHE_BUDGET_MB")]
    pub cache_budget_mb: Option<usize>,
    /// Scheme used in links between sites, `http` or `https` [default: http in demo mode,
    /// https otherwise]
    #[arg(long, env = "JIYUE_PUBLIC_SCHEME")]
    pub public_scheme: Option<String>,
    /// Port used in links between sites [default: the listen port in demo mode, none
    /// otherwise]
    #[arg(long, env = "JIYUE_PUBLIC_PORT")]
    pub public_port: Option<u16>,
    /// Minutes without a request after which an admin session ends [default: 10]
    #[arg(long, env = "JIYUE_ADMIN_IDLE_MINUTES")]
    pub admin_idle_minutes: Option<u32>,
    /// Comma-separated addresses or blocks allowed to reach the admin pages, such as
    /// `10.8.0.0/16` [default: every address]
    #[arg(long, env = "JIYUE_ADMIN_ALLOW")]
    pub admin_allow: Option<String>,
}

/// The config file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub demo: Option<bool>,
    pub listen: Option<SocketAddr>,
    pub admin_listen: Option<SocketAddr>,
    pub platform_domain: Option<String>,
    pub trusted_proxies: Option<Vec<String>>,
    pub cache_budget_mb: Option<usize>,
    pub public_scheme: Option<String>,
    pub public_port: Option<u16>,
    pub admin: Option<AdminFile>,
    pub citizens: Option<CitizensFile>,
    pub monitor: Option<MonitorFile>,
}

/// The `[monitor]` section of the config file: the alert desk of the oversight checks.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorFile {
    /// Minutes an open critical alert waits for acknowledgement before it escalates.
    pub escalate_critical_minutes: Option<u32>,
    /// Hours an open warning waits for acknowledgement before it escalates.
    pub escalate_warning_hours: Option<u32>,
    /// The admin interface's address as staff reach it, for links in alert mail.
    pub admin_url: Option<String>,
    /// The destination of alert mail; default the `outbox-mail` folder of the data folder.
    pub mail: Option<jiyue_notify::MailConfig>,
    /// Webhooks that receive every alert event as JSON.
    pub webhooks: Option<Vec<WebhookFile>>,
    /// Lets webhooks point at private and loopback addresses; for tests only.
    pub allow_private: Option<bool>,
    /// `[monitor.freshness]`: when the freshness check warns before the veto lines.
    pub freshness: Option<jiyue_monitor::FreshnessRules>,
    /// `[monitor.availability]`: thresholds of the availability check.
    pub availability: Option<jiyue_monitor::availability::AvailabilityRules>,
    /// `[monitor.signals]`: thresholds of the security signals.
    pub signals: Option<jiyue_monitor::signals::SignalRules>,
    /// `[[monitor.mirrors]]`: static export folders checked for tampering.
    pub mirrors: Option<Vec<MirrorFile>>,
    /// `[monitor.served]`: the check of served pages against the page ledger.
    pub served: Option<ServedFile>,
    /// `[monitor.links]`: the schedule and options of the link check.
    pub links: Option<LinksFile>,
}

/// One `[[monitor.mirrors]]` entry: a folder written by `jiyue export static`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorFile {
    /// The site code (网站标识码) of the exported site.
    pub site: String,
    /// The export folder.
    pub dir: PathBuf,
}

/// The `[monitor.served]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServedFile {
    /// Turns the check on; default off.
    pub enabled: Option<bool>,
    /// Pages fetched per site and run at most; default 500.
    pub max_pages: Option<usize>,
    /// Lets the addresses resolve to private and loopback addresses; for tests only.
    pub allow_private: Option<bool>,
    /// Site code to the address to fetch the site through instead of its public address.
    pub urls: Option<std::collections::BTreeMap<String, String>>,
}

/// The `[monitor.links]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksFile {
    /// Hours between two checks of every published page; default 24.
    pub every_hours: Option<u32>,
    /// Whether links to other hosts are requested; default yes, no in demo mode.
    pub external: Option<bool>,
    /// Whether fragments (`#name`) are checked against the target page; default yes.
    pub fragments: Option<bool>,
    /// Requests to other hosts in flight at once; default 32.
    pub max_concurrency: Option<usize>,
    /// Requests to one host in flight at once; default 2.
    pub per_host_concurrency: Option<usize>,
    /// Milliseconds between the starts of two requests to one host; default 100.
    pub per_host_interval_ms: Option<u64>,
    /// Seconds allowed for one request; default 20.
    pub timeout_secs: Option<u64>,
    /// Lets links to private and loopback addresses be requested; for tests only.
    pub allow_private: Option<bool>,
}

/// One `[[monitor.webhooks]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFile {
    pub url: String,
    /// The key of the `X-Jiyue-Signature` HMAC-SM3 header; leave out to send none.
    pub secret: Option<String>,
}

/// The `[citizens]` section of the config file: citizen accounts and their channels.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitizensFile {
    /// The key file that seals personal data; default `<data_dir>/keys/personal.key`.
    pub personal_key_file: Option<PathBuf>,
    /// Hours a sign-in lasts, on the identity host and on each site.
    pub session_hours: Option<u32>,
    /// Where e-mail goes; default the `outbox-mail` folder of the data folder.
    pub mail: Option<jiyue_notify::MailConfig>,
    /// Where SMS goes; default the `outbox-sms` folder of the data folder.
    pub sms: Option<jiyue_notify::SmsConfig>,
    /// The upstream provincial identity provider citizens may sign in with.
    pub upstream: Option<jiyue_web::citizen::UpstreamConfig>,
}

/// The `[admin]` section of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminFile {
    pub idle_minutes: Option<u32>,
    pub allow: Option<Vec<String>>,
    pub password_policy: Option<PasswordPolicy>,
    pub lockout: Option<LockoutPolicy>,
}

/// Reads the config file named by `path`, if any, with errors that name the file and key.
pub fn read_config(path: Option<&Path>) -> anyhow::Result<ConfigFile> {
    let Some(path) = path else {
        return Ok(ConfigFile::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "invalid config file {}: {error}; see docs/configuration.md for the keys",
            path.display()
        )
    })
}

/// Settings of the platform's data, resolved.
#[derive(Debug, Clone)]
pub struct DataSettings {
    pub data_dir: PathBuf,
    pub database_url: String,
}

/// Resolves the data folder and database URL and creates the folder.
pub fn resolve_data(args: &DataArgs, file: &ConfigFile) -> anyhow::Result<DataSettings> {
    let data_dir = args
        .data_dir
        .clone()
        .or_else(|| file.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("jiyue-data"));
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create data folder {}", data_dir.display()))?;
    let database_url = match args
        .database_url
        .clone()
        .or_else(|| file.database_url.clone())
    {
        Some(url) => url,
        None => format!("sqlite://{}", data_dir.join("jiyue.db").display()),
    };
    if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
        bail!(
            "invalid database URL \"{}\": expected sqlite://PATH or postgres://USER:PASSWORD@HOST/DB",
            redact_url(&database_url)
        );
    }
    Ok(DataSettings {
        data_dir,
        database_url,
    })
}

/// Returns the password policy of the config file's `[admin.password_policy]`, checked.
pub fn password_policy(file: &ConfigFile) -> anyhow::Result<PasswordPolicy> {
    let policy = file
        .admin
        .as_ref()
        .and_then(|admin| admin.password_policy.clone())
        .unwrap_or_default();
    policy
        .validate()
        .map_err(|error| anyhow::anyhow!("invalid [admin.password_policy]: {error}"))?;
    Ok(policy)
}

/// Resolves the admin listener's security settings. `loopback` is true when the admin
/// listener is on a loopback address, where the session cookie may go without `Secure`.
pub fn resolve_admin(
    args: &ServeArgs,
    file: &ConfigFile,
    loopback: bool,
) -> anyhow::Result<AdminConfig> {
    let section = file.admin.as_ref();
    let idle_minutes = args
        .admin_idle_minutes
        .or(section.and_then(|admin| admin.idle_minutes))
        .unwrap_or(10);
    if !(1..=MAX_IDLE_MINUTES).contains(&idle_minutes) {
        bail!(
            "invalid admin.idle_minutes {idle_minutes} (--admin-idle-minutes, \
             JIYUE_ADMIN_IDLE_MINUTES): set 1 to {MAX_IDLE_MINUTES} minutes; \
             level-3 practice keeps it at 30 or less"
        );
    }
    let allow = match &args.admin_allow {
        Some(text) => text.split(',').map(str::to_string).collect(),
        None => section
            .and_then(|admin| admin.allow.clone())
            .unwrap_or_default(),
    };
    let lockout = section
        .and_then(|admin| admin.lockout.clone())
        .unwrap_or_default();
    check_lockout(&lockout)?;
    Ok(AdminConfig {
        idle_timeout: chrono::Duration::minutes(i64::from(idle_minutes)),
        password_policy: password_policy(file)?,
        lockout,
        allow: parse_allow(&allow)?,
        cookie_secure: !loopback,
    })
}

fn check_lockout(lockout: &LockoutPolicy) -> anyhow::Result<()> {
    if !(1..=MAX_LOCKOUT_FAILURES).contains(&lockout.max_failures) {
        bail!(
            "invalid admin.lockout.max_failures {}: set 1 to {MAX_LOCKOUT_FAILURES}; \
             level-3 practice locks after 5",
            lockout.max_failures
        );
    }
    if !(1..=MAX_LOCK_MINUTES).contains(&lockout.lock_minutes) {
        bail!(
            "invalid admin.lockout.lock_minutes {}: set 1 to {MAX_LOCK_MINUTES} minutes",
            lockout.lock_minutes
        );
    }
    Ok(())
}

fn parse_allow(entries: &[String]) -> anyhow::Result<Vec<IpBlock>> {
    entries
        .iter()
        .map(|entry| entry.trim())
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry.parse::<IpBlock>().map_err(|error| {
                anyhow::anyhow!(
                    "invalid admin.allow entry \"{entry}\" (--admin-allow, JIYUE_ADMIN_ALLOW): \
                     {error}"
                )
            })
        })
        .collect()
}

/// Reads and checks the rule sections `[monitor.freshness]`, `[monitor.availability]` and
/// `[monitor.signals]` into `desk`; a section left out keeps its defaults.
pub fn monitor_rules(
    file: &MonitorFile,
    desk: &mut jiyue_web::monitor::DeskConfig,
) -> anyhow::Result<()> {
    if let Some(rules) = &file.freshness {
        rules
            .validate()
            .map_err(|error| anyhow::anyhow!("invalid [monitor.freshness]: {error}"))?;
        desk.freshness = rules.clone();
    }
    if let Some(rules) = &file.availability {
        rules
            .validate()
            .map_err(|error| anyhow::anyhow!("invalid [monitor.availability]: {error}"))?;
        desk.availability = rules.clone();
    }
    if let Some(rules) = &file.signals {
        rules
            .validate()
            .map_err(|error| anyhow::anyhow!("invalid [monitor.signals]: {error}"))?;
        desk.signals = rules.clone();
    }
    Ok(())
}

/// Reads and checks `[monitor.links]`. Without `external`, links to other hosts are requested
/// except in demo mode, whose pages should not send requests out of the machine.
pub fn link_schedule(
    file: Option<&LinksFile>,
    demo: bool,
) -> anyhow::Result<jiyue_web::monitor::LinkSchedule> {
    let empty = LinksFile::default();
    let file = file.unwrap_or(&empty);
    let mut schedule = jiyue_web::monitor::LinkSchedule::default();
    let http = &mut schedule.options.http;
    if let Some(hours) = file.every_hours {
        in_range(
            "every_hours",
            u64::from(hours),
            1,
            u64::from(MAX_LINK_HOURS),
            "hours",
        )?;
        schedule.every = chrono::Duration::hours(i64::from(hours));
    }
    if let Some(count) = file.max_concurrency {
        in_range("max_concurrency", count as u64, 1, 256, "requests")?;
        http.max_concurrency = count;
    }
    if let Some(count) = file.per_host_concurrency {
        in_range("per_host_concurrency", count as u64, 1, 16, "requests")?;
        http.per_host_concurrency = count;
    }
    if let Some(millis) = file.per_host_interval_ms {
        in_range("per_host_interval_ms", millis, 0, 60_000, "milliseconds")?;
        http.per_host_interval = std::time::Duration::from_millis(millis);
    }
    if let Some(secs) = file.timeout_secs {
        in_range("timeout_secs", secs, 1, 300, "seconds")?;
        http.timeout = std::time::Duration::from_secs(secs);
    }
    http.allow_private = file.allow_private.unwrap_or(false);
    schedule.options.offline = !file.external.unwrap_or(!demo);
    schedule.options.include_fragments = file.fragments.unwrap_or(true);
    Ok(schedule)
}

fn in_range(key: &str, value: u64, min: u64, max: u64, unit: &str) -> anyhow::Result<()> {
    if !(min..=max).contains(&value) {
        bail!("invalid [monitor.links] {key} {value}: set {min} to {max} {unit}");
    }
    Ok(())
}

/// Returns a database URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_redacted() {
        assert_eq!(
            redact_url("postgres://jiyue:secret@127.0.0.1/db"),
            "postgres://jiyue:***@127.0.0.1/db"
        );
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn admin_section_is_read_and_checked() {
        let file: ConfigFile = toml::from_str(
            "[admin]\nidle_minutes = 15\nallow = [\"10.0.0.0/8\"]\n\
             [admin.password_policy]\nmin_length = 12\n[admin.lockout]\nmax_failures = 3\n",
        )
        .unwrap();
        let admin = resolve_admin(&ServeArgs::default(), &file, true).unwrap();
        assert_eq!(admin.idle_timeout, chrono::Duration::minutes(15));
        assert_eq!(admin.password_policy.min_length, 12);
        assert_eq!(admin.lockout.max_failures, 3);
        assert_eq!(admin.lockout.lock_minutes, 15);
        assert!(admin.allow[0].contains("10.1.2.3".parse().unwrap()));
        assert!(!admin.cookie_secure);
    }

    #[test]
    fn admin_flags_win_over_the_file() {
        let file: ConfigFile = toml::from_str("[admin]\nidle_minutes = 15\n").unwrap();
        let args = ServeArgs {
            admin_idle_minutes: Some(5),
            admin_allow: Some("127.0.0.1, ::1".into()),
            ..ServeArgs::default()
        };
        let admin = resolve_admin(&args, &file, false).unwrap();
        assert_eq!(admin.idle_timeout, chrono::Duration::minutes(5));
        assert_eq!(admin.allow.len(), 2);
        assert!(admin.cookie_secure);
    }

    #[test]
    fn invalid_admin_values_name_key_value_and_fix() {
        let file = ConfigFile::default();
        let args = ServeArgs {
            admin_idle_minutes: Some(0),
            ..ServeArgs::default()
        };
        let error = resolve_admin(&args, &file, true).unwrap_err().to_string();
        assert!(
            error.contains("admin.idle_minutes 0") && error.contains("set 1 to"),
            "{error}"
        );

        let args = ServeArgs {
            admin_allow: Some("10.0.0.0/99".into()),
            ..ServeArgs::default()
        };
        let error = resolve_admin(&args, &file, true).unwrap_err().to_string();
        assert!(
            error.contains("admin.allow") && error.contains("10.0.0.0/99"),
            "{error}"
        );

        let file: ConfigFile = toml::from_str("[admin.password_policy]\nmin_length = 4\n").unwrap();
        let error = resolve_admin(&ServeArgs::default(), &file, true)
            .unwrap_err()
            .to_string();
        assert!(error.contains("min_length = 4"), "{error}");

        let error = toml::from_str::<ConfigFile>("[admin]\nidle = 3\n").unwrap_err();
        assert!(error.to_string().contains("idle"));
    }

    #[test]
    fn link_schedule_defaults_and_demo() {
        let schedule = link_schedule(None, false).unwrap();
        assert_eq!(schedule.every, chrono::Duration::hours(24));
        assert!(!schedule.options.offline);
        assert!(schedule.options.include_fragments);
        assert!(link_schedule(None, true).unwrap().options.offline);

        let file: ConfigFile = toml::from_str(
            "[monitor.links]\nexternal = true\nevery_hours = 6\nper_host_interval_ms = 0\n\
             timeout_secs = 5\nmax_concurrency = 4\nper_host_concurrency = 1\n",
        )
        .unwrap();
        let links = file
            .monitor
            .as_ref()
            .and_then(|monitor| monitor.links.as_ref());
        let schedule = link_schedule(links, true).unwrap();
        assert!(!schedule.options.offline, "the file wins over demo mode");
        assert_eq!(schedule.every, chrono::Duration::hours(6));
        assert_eq!(
            schedule.options.http.per_host_interval,
            std::time::Duration::ZERO
        );
        assert_eq!(
            schedule.options.http.timeout,
            std::time::Duration::from_secs(5)
        );
        assert_eq!(schedule.options.http.max_concurrency, 4);
        assert_eq!(schedule.options.http.per_host_concurrency, 1);
    }

    #[test]
    fn monitor_rules_are_read_and_checked() {
        let file: ConfigFile = toml::from_str(
            "[monitor.freshness]\nhome_warning_days = 7\n\
             [monitor.availability]\nwarn_percent = 3.5\n\
             [monitor.signals]\nrate_max_requests = 50\n",
        )
        .unwrap();
        let mut desk = jiyue_web::monitor::DeskConfig::default();
        monitor_rules(file.monitor.as_ref().unwrap(), &mut desk).unwrap();
        assert_eq!(desk.freshness.home_warning_days, 7);
        assert_eq!(
            desk.freshness.blank_warning_columns, 2,
            "others keep defaults"
        );
        assert_eq!(desk.availability.warn_percent, 3.5);
        assert_eq!(desk.signals.rate_max_requests, 50);

        let file: ConfigFile =
            toml::from_str("[monitor.freshness]\nblank_warning_columns = 5\n").unwrap();
        let error = monitor_rules(file.monitor.as_ref().unwrap(), &mut desk)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("[monitor.freshness]") && error.contains("blank_warning_columns = 5"),
            "{error}"
        );
    }

    #[test]
    fn unknown_config_key_is_rejected() {
        let error = toml::from_str::<ConfigFile>("listen_addr = 1").unwrap_err();
        assert!(error.to_string().contains("listen_addr"));
    }
}
