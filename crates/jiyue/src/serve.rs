//! `jiyue serve`: opens the data, optionally builds the demo, brings the search index up to
//! date and runs both listeners and the outbox consumer.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use jiyue_auth::{ChainMac, SoftwareSm3Mac};
use jiyue_core::Clock;
use jiyue_db::Db;
use jiyue_render::Renderer;
use jiyue_search::SearchIndex;
use jiyue_web::citizen::{CitizenConfig, CitizenServices};
use jiyue_web::hosts::HostConfig;
use jiyue_web::net::IpBlock;
use jiyue_web::server::{run_admin, run_public, ListenerLimits};
use jiyue_web::{App, WebConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::settings::{read_config, redact_url, resolve_admin, resolve_data, ServeArgs};

/// Sample items per column that `serve --demo` generates.
const DEMO_ITEMS_PER_COLUMN: usize = 3;

/// A running server.
pub struct Running {
    pub app: Arc<App>,
    pub public_addr: SocketAddr,
    pub admin_addr: SocketAddr,
    /// The file listing the demo staff accounts, in demo mode.
    pub demo_accounts: Option<PathBuf>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops both listeners and the outbox consumer and waits for them.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        self.app.db.close().await;
    }
}

/// Opens the database, with the blob store in the data folder.
pub async fn open_db(
    database_url: &str,
    data_dir: &Path,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Db> {
    let db = Db::open(database_url, clock)
        .await
        .with_context(|| format!("cannot open database {}", redact_url(database_url)))?;
    let blobs = jiyue_db::BlobStore::open(data_dir.join("blobs"))
        .with_context(|| format!("cannot open blob store in {}", data_dir.display()))?;
    Ok(db.with_blob_store(blobs))
}

/// Starts the platform as `args` set it up and returns once both listeners accept connections.
pub async fn start(args: &ServeArgs, clock: Arc<dyn Clock>) -> anyhow::Result<Running> {
    let file = read_config(args.data.config.as_deref())?;
    let data = resolve_data(&args.data, &file)?;
    let demo = args.demo || file.demo.unwrap_or(false);
    let listen = args
        .listen
        .or(file.listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let admin_listen = args
        .admin_listen
        .or(file.admin_listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8081)));

    let db = open_db(&data.database_url, &data.data_dir, clock.clone()).await?;
    let mut demo_accounts = None;
    if demo {
        crate::demo::build(&db, clock.as_ref(), DEMO_ITEMS_PER_COLUMN)
            .await
            .context("building the demo province failed")?;
        demo_accounts = crate::demo::accounts::ensure_accounts(&db, &data.data_dir)
            .await
            .context("creating the demo staff accounts failed")?;
    }

    let public = TcpListener::bind(listen).await.with_context(|| {
        format!("cannot listen on {listen}; choose another address with --listen")
    })?;
    let admin = TcpListener::bind(admin_listen).await.with_context(|| {
        format!("cannot listen on {admin_listen}; choose another address with --admin-listen")
    })?;
    let public_addr = public.local_addr()?;
    let admin_addr = admin.local_addr()?;

    let trusted_proxies = parse_proxies(
        args.trusted_proxies
            .as_deref()
            .map(|text| text.split(',').map(str::to_string).collect())
            .or_else(|| file.trusted_proxies.clone())
            .unwrap_or_default(),
    )?;
    let scheme = args
        .public_scheme
        .clone()
        .or_else(|| file.public_scheme.clone())
        .unwrap_or_else(|| if demo { "http".into() } else { "https".into() });
    if scheme != "http" && scheme != "https" {
        anyhow::bail!("invalid public scheme \"{scheme}\": expected http or https");
    }
    let port = args
        .public_port
        .or(file.public_port)
        .or(demo.then_some(public_addr.port()));
    let config = WebConfig {
        hosts: HostConfig {
            platform_domain: args
                .platform_domain
                .clone()
                .or_else(|| file.platform_domain.clone())
                .unwrap_or_else(|| "jl.gov.cn".into()),
            demo,
            scheme,
            port,
        },
        platform_name: "吉林省政府网站集约化平台".to_string(),
        trusted_proxies,
        cache_budget: args.cache_budget_mb.or(file.cache_budget_mb).unwrap_or(256) * 1024 * 1024,
        page_size: 20,
    };

    let search = Arc::new(
        SearchIndex::open(&data.data_dir.join("search"))
            .with_context(|| format!("cannot open search index in {}", data.data_dir.display()))?,
    );
    let renderer = Renderer::embedded().context("loading the embedded theme failed")?;
    jiyue_web::admin::render::check().context("loading the admin templates failed")?;
    let admin_config = resolve_admin(args, &file, admin_addr.ip().is_loopback())?;
    let audit_mac = load_audit_key(&data.data_dir)?;
    let cookie_secure = config.hosts.scheme == "https";
    let citizens = citizen_services(
        &data.data_dir,
        file.citizens.as_ref(),
        cookie_secure,
        clock.clone(),
    )?;
    let desk = desk_config(
        &data.data_dir,
        file.monitor.as_ref(),
        clock.clone(),
        &db,
        demo,
    )
    .await?;
    let app = App::new(
        db,
        search.clone(),
        renderer,
        config,
        admin_config,
        audit_mac,
        clock,
        Some(citizens),
    )
    .await?;
    app.signals.set_rules(desk.signals.clone());
    app.set_desk(desk);
    if search.needs_rebuild() {
        tracing::info!("search index is new or its schema changed; building it from the database");
        let directory = app.directory();
        jiyue_web::indexer::reindex(&app.db, &search, &directory, |_| {}).await?;
    }
    jiyue_web::sync::catch_up(&app)
        .await
        .context("applying pending changes to the search index failed")?;
    // Publications and withdrawals whose time passed while the platform was down run now.
    let missed = jiyue_web::schedule::sweep(&app)
        .await
        .context("running scheduled publications and withdrawals failed")?;
    if missed.iter().any(|run| run.late) {
        tracing::warn!(
            late = missed.iter().filter(|run| run.late).count(),
            "scheduled actions missed while the platform was down ran at startup"
        );
    }

    let (shutdown, receiver) = watch::channel(false);
    let mut tasks = vec![
        tokio::spawn(run_public(
            app.clone(),
            public,
            ListenerLimits::default(),
            receiver.clone(),
        )),
        tokio::spawn(run_admin(app.clone(), admin, receiver.clone())),
        tokio::spawn(jiyue_web::sync::run(app.clone(), receiver.clone())),
        tokio::spawn(jiyue_web::access::run_writer(app.clone(), receiver.clone())),
        tokio::spawn(jiyue_web::monitor::run(app.clone(), receiver.clone())),
        tokio::spawn(jiyue_web::export::run_ledger_writer(
            app.clone(),
            receiver.clone(),
        )),
        tokio::spawn(jiyue_web::analytics::run_writer(
            app.clone(),
            receiver.clone(),
        )),
        tokio::spawn(jiyue_web::schedule::run(app.clone(), receiver)),
    ];
    if demo && args.demo_scorecards {
        // The demo shows its scorecards from the start instead of after the monitor loop's
        // first run. The jobs table keeps the loop from taking them twice.
        let app = app.clone();
        let mut stop = shutdown.subscribe();
        tasks.push(tokio::spawn(async move {
            tokio::select! {
                _ = jiyue_web::monitor::scorecards::run_job(&app) => {}
                _ = stop.changed() => {}
            }
        }));
    }
    Ok(Running {
        app,
        public_addr,
        admin_addr,
        demo_accounts,
        shutdown,
        tasks,
    })
}

/// Builds the application state of a data folder without listeners, background tasks or
/// citizen services, for commands that render pages in-process (`jiyue export static`,
/// `jiyue check standards`). Hosts follow the config file as in `serve` without `--demo`.
/// The search index is an empty one in memory, so the data folder's index stays free for a
/// running server.
pub async fn offline_app(
    data: &crate::settings::DataArgs,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<App>> {
    let file = read_config(data.config.as_deref())?;
    let settings = resolve_data(data, &file)?;
    let db = open_db(&settings.database_url, &settings.data_dir, clock.clone()).await?;
    let demo = file.demo.unwrap_or(false);
    let config = WebConfig {
        hosts: HostConfig {
            platform_domain: file
                .platform_domain
                .clone()
                .unwrap_or_else(|| "jl.gov.cn".into()),
            demo,
            scheme: file.public_scheme.clone().unwrap_or_else(|| {
                if demo {
                    "http".into()
                } else {
                    "https".into()
                }
            }),
            port: file.public_port,
        },
        platform_name: "吉林省政府网站集约化平台".to_string(),
        trusted_proxies: Vec::new(),
        cache_budget: 64 * 1024 * 1024,
        page_size: 20,
    };
    let search = Arc::new(SearchIndex::open_in_ram().context("creating a search index failed")?);
    let renderer = Renderer::embedded().context("loading the embedded theme failed")?;
    let audit_mac = load_audit_key(&settings.data_dir)?;
    let app = App::new(
        db,
        search,
        renderer,
        config,
        jiyue_web::AdminConfig::default(),
        audit_mac,
        clock,
        None,
    )
    .await?;
    Ok(app)
}

/// Returns the path of the personal-data key file in a data folder.
pub fn personal_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("personal.key")
}

/// Builds the citizen services: the personal-data cipher from its key file (created on first
/// start) and the mail and SMS channels, which default to folders under the data folder.
pub fn citizen_services(
    data_dir: &Path,
    file: Option<&crate::settings::CitizensFile>,
    cookie_secure: bool,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<CitizenServices>> {
    let key_path = file
        .and_then(|file| file.personal_key_file.clone())
        .unwrap_or_else(|| personal_key_path(data_dir));
    let cipher = jiyue_auth::SoftwareSm4::load_or_create(&key_path)
        .with_context(|| format!("cannot load the personal-data key {}", key_path.display()))?;
    let mail_config = file
        .and_then(|file| file.mail.clone())
        .unwrap_or_else(|| jiyue_notify::MailConfig::folder_in(data_dir));
    let sms_config = file
        .and_then(|file| file.sms.clone())
        .unwrap_or_else(|| jiyue_notify::SmsConfig::folder_in(data_dir));
    let mail = jiyue_notify::mail_channel_with_clock(&mail_config, clock.clone())
        .context("invalid [citizens.mail] settings")?;
    let sms = jiyue_notify::sms_channel_with_clock(&sms_config, clock)
        .context("invalid [citizens.sms] settings")?;
    tracing::info!(mail = %mail.describe(), sms = %sms.describe(), "citizen channels ready");
    let mut config = CitizenConfig {
        cookie_secure,
        upstream: file.and_then(|file| file.upstream.clone()),
        ..CitizenConfig::default()
    };
    if let Some(hours) = file.and_then(|file| file.session_hours) {
        if !(1..=720).contains(&hours) {
            anyhow::bail!("invalid [citizens] session_hours {hours}: expected 1 to 720 hours");
        }
        config.session_lifetime = chrono::Duration::hours(i64::from(hours));
        config.site_session_lifetime = config.session_lifetime;
    }
    Ok(Arc::new(CitizenServices::new(
        config,
        Arc::new(cipher),
        mail,
        sms,
    )))
}

/// Builds the alert desk's settings from the `[monitor]` section; every key left out keeps
/// its default. Site codes of mirrors and served-page overrides are looked up in `db`, and
/// `demo` turns off requests to other hosts in the link check unless the file turns them on.
pub async fn desk_config(
    data_dir: &Path,
    file: Option<&crate::settings::MonitorFile>,
    clock: Arc<dyn Clock>,
    db: &Db,
    demo: bool,
) -> anyhow::Result<jiyue_web::monitor::DeskConfig> {
    let mut desk = jiyue_web::monitor::DeskConfig::default();
    let empty = crate::settings::MonitorFile::default();
    let file = file.unwrap_or(&empty);
    if let Some(minutes) = file.escalate_critical_minutes {
        if !(5..=10_080).contains(&minutes) {
            anyhow::bail!(
                "invalid [monitor] escalate_critical_minutes {minutes}: expected 5 to 10080 minutes"
            );
        }
        desk.escalate_critical_after = chrono::Duration::minutes(i64::from(minutes));
    }
    if let Some(hours) = file.escalate_warning_hours {
        if !(1..=720).contains(&hours) {
            anyhow::bail!(
                "invalid [monitor] escalate_warning_hours {hours}: expected 1 to 720 hours"
            );
        }
        desk.escalate_warning_after = chrono::Duration::hours(i64::from(hours));
    }
    if let Some(url) = &file.admin_url {
        let parsed = url::Url::parse(url).map_err(|error| {
            anyhow::anyhow!(
                "invalid [monitor] admin_url \"{url}\": {error}; write it like https://admin.example.gov.cn"
            )
        })?;
        if parsed.scheme() != "http" && parsed.scheme() != "https" {
            anyhow::bail!("invalid [monitor] admin_url \"{url}\": use an http or https address");
        }
        desk.admin_url = url.trim_end_matches('/').to_string();
    }
    let mail_config = file
        .mail
        .clone()
        .unwrap_or_else(|| jiyue_notify::MailConfig::folder_in(data_dir));
    desk.mail = Some(
        jiyue_notify::mail_channel_with_clock(&mail_config, clock)
            .context("invalid [monitor.mail] settings")?,
    );
    for (index, hook) in file.webhooks.iter().flatten().enumerate() {
        let url = url::Url::parse(&hook.url).map_err(|error| {
            anyhow::anyhow!(
                "invalid [[monitor.webhooks]] entry {} url \"{}\": {error}; write a full https:// address",
                index + 1,
                hook.url
            )
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            anyhow::bail!(
                "invalid [[monitor.webhooks]] entry {} url \"{}\": use an http or https address",
                index + 1,
                hook.url
            );
        }
        if url.host_str().is_none() {
            anyhow::bail!(
                "invalid [[monitor.webhooks]] entry {} url \"{}\": the address has no host",
                index + 1,
                hook.url
            );
        }
        desk.webhooks.push(jiyue_web::monitor::Webhook {
            url,
            secret: hook.secret.clone().unwrap_or_default(),
        });
    }
    desk.allow_private = file.allow_private.unwrap_or(false);
    crate::settings::monitor_rules(file, &mut desk)?;
    desk.links = crate::settings::link_schedule(file.links.as_ref(), demo)?;
    for (index, mirror) in file.mirrors.iter().flatten().enumerate() {
        desk.mirrors.push(mirror_config(db, index, mirror).await?);
    }
    if let Some(served) = file.served.as_ref() {
        desk.served = served_config(db, served).await?;
    }
    Ok(desk)
}

/// Returns the site of a site code given in `[monitor]`, or an error naming `key` and the code.
async fn monitor_site(db: &Db, key: &str, code: &str) -> anyhow::Result<jiyue_db::Site> {
    db.site_by_code(code)
        .await
        .with_context(|| format!("looking up site {code} of {key} failed"))?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "invalid {key} site \"{code}\": no hosted site has this code; give the site \
                 code (网站标识码) of a hosted site"
            )
        })
}

/// Checks one `[[monitor.mirrors]]` entry: a known site, and a folder holding that site's
/// export with its manifest.
async fn mirror_config(
    db: &Db,
    index: usize,
    mirror: &crate::settings::MirrorFile,
) -> anyhow::Result<jiyue_web::monitor::Mirror> {
    let key = format!("[[monitor.mirrors]] entry {}", index + 1);
    let site = monitor_site(db, &key, &mirror.site).await?;
    let dir = &mirror.dir;
    if !dir.is_dir() {
        anyhow::bail!(
            "invalid {key} dir \"{}\": no such folder; export the site there first with \
             `jiyue export static --site {} {}`",
            dir.display(),
            mirror.site,
            dir.display()
        );
    }
    let manifest = jiyue_web::export::read_manifest(dir).map_err(|error| {
        anyhow::anyhow!(
            "invalid {key} dir \"{}\": {error}; export the site there with \
             `jiyue export static --site {} {}`",
            dir.display(),
            mirror.site,
            dir.display()
        )
    })?;
    if manifest.site_code != site.code {
        anyhow::bail!(
            "invalid {key}: folder \"{}\" holds the export of site {}, not of site {}; \
             correct the site or the folder",
            dir.display(),
            manifest.site_code,
            site.code
        );
    }
    Ok(jiyue_web::monitor::Mirror {
        site_id: site.id,
        site_code: site.code,
        dir: dir.clone(),
    })
}

/// Checks the `[monitor.served]` section; returns `None` when the check is off.
async fn served_config(
    db: &Db,
    served: &crate::settings::ServedFile,
) -> anyhow::Result<Option<jiyue_web::monitor::ServedCheck>> {
    let mut check = jiyue_web::monitor::ServedCheck::default();
    if let Some(pages) = served.max_pages {
        if !(1..=crate::settings::MAX_SERVED_PAGES).contains(&pages) {
            anyhow::bail!(
                "invalid [monitor.served] max_pages {pages}: set 1 to {} pages per site",
                crate::settings::MAX_SERVED_PAGES
            );
        }
        check.max_pages = pages;
    }
    check.allow_private = served.allow_private.unwrap_or(false);
    for (code, address) in served.urls.iter().flatten() {
        let key = "[monitor.served.urls]";
        let site = monitor_site(db, key, code).await?;
        let url = url::Url::parse(address).map_err(|error| {
            anyhow::anyhow!(
                "invalid {key} \"{code}\" = \"{address}\": {error}; write a full address such as \
                 https://cdn.example.gov.cn"
            )
        })?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            anyhow::bail!(
                "invalid {key} \"{code}\" = \"{address}\": use an http or https address with a \
                 host and no query or fragment"
            );
        }
        check
            .urls
            .insert(site.id, address.trim_end_matches('/').to_string());
    }
    Ok(served.enabled.unwrap_or(false).then_some(check))
}

/// Loads the audit log's chain key from the data folder, creating it on first start.
pub fn load_audit_key(data_dir: &Path) -> anyhow::Result<Arc<dyn ChainMac>> {
    let path = crate::audit::key_path(data_dir);
    let key = SoftwareSm3Mac::load_or_create(&path)
        .with_context(|| format!("cannot load the audit key {}", path.display()))?;
    tracing::info!(path = %path.display(), "audit log key loaded");
    Ok(Arc::new(key))
}

fn parse_proxies(entries: Vec<String>) -> anyhow::Result<Vec<IpBlock>> {
    entries
        .iter()
        .map(|entry| entry.trim())
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.parse::<IpBlock>().map_err(anyhow::Error::msg))
        .collect()
}
