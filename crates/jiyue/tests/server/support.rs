//! Starts the real server on a temporary data folder with the demo province, and an HTTP
//! client that resolves the demo's `*.localhost` names to it.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use jiyue::serve::{start, Running};
use jiyue::settings::{DataArgs, ServeArgs};
use jiyue_core::FixedClock;
use jiyue_db::testing::PgSchema;

/// Demo host names the client maps to the server.
pub const HOSTS: &[&str] = &[
    "www.jl.localhost",
    "jl.localhost",
    "english.jl.localhost",
    "sthjt.jl.localhost",
    "tjj.jl.localhost",
    "zsj.jl.localhost",
    "www.changchun.localhost",
    "sites.jl.localhost",
    "id.jl.localhost",
    "localhost",
    "unknown.example",
];

/// A server under test with its temporary data folder.
pub struct TestServer {
    pub running: Option<Running>,
    pub port: u16,
    pub admin: SocketAddr,
    pub client: reqwest::Client,
    /// A client that neither decompresses nor follows redirects.
    pub raw: reqwest::Client,
    #[allow(dead_code)]
    pub clock: Arc<FixedClock>,
    pub backend: &'static str,
    _dir: tempfile::TempDir,
    _schema: Option<PgSchema>,
}

impl TestServer {
    /// Returns the URL of `path` on `host`.
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }

    /// Fetches a page and returns its status and text.
    pub async fn get(&self, host: &str, path: &str) -> (u16, String) {
        let response = self.client.get(self.url(host, path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Stops the server and returns its data folder, for a restart on the same data.
    pub async fn stop_keeping_data(mut self) -> tempfile::TempDir {
        self.running.take().unwrap().stop().await;
        self._dir
    }

    /// Returns the running server.
    pub fn app(&self) -> &jiyue_web::App {
        &self.running.as_ref().unwrap().app
    }
}

/// Returns the backends to test: SQLite, and PostgreSQL when `JIYUE_TEST_DATABASE_URL` is set.
/// With `JIYUE_REQUIRE_POSTGRES=1` a missing PostgreSQL URL fails the test.
pub fn backends() -> Vec<&'static str> {
    let postgres = std::env::var("JIYUE_TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty());
    if !postgres && std::env::var("JIYUE_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("JIYUE_REQUIRE_POSTGRES=1 but JIYUE_TEST_DATABASE_URL is not set");
    }
    if postgres {
        vec!["sqlite", "postgres"]
    } else {
        vec!["sqlite"]
    }
}

/// Starts the demo on `backend` ("sqlite" or "postgres").
pub async fn start_demo(backend: &'static str) -> TestServer {
    start_demo_in(backend, tempfile::tempdir().unwrap()).await
}

/// Starts the demo on `backend` with `dir` as the data folder, which may hold an earlier run.
pub async fn start_demo_in(backend: &'static str, dir: tempfile::TempDir) -> TestServer {
    start_demo_with(backend, dir, |_| {}).await
}

/// Starts the demo on `backend` with `dir` as the data folder, after `configure` has changed
/// the serve settings (such as the trusted proxies).
pub async fn start_demo_with(
    backend: &'static str,
    dir: tempfile::TempDir,
    configure: impl FnOnce(&mut ServeArgs),
) -> TestServer {
    let (database_url, schema) = if backend == "postgres" {
        let url = std::env::var("JIYUE_TEST_DATABASE_URL").unwrap();
        let schema = PgSchema::create(&url).await.unwrap();
        (Some(schema.url.clone()), Some(schema))
    } else {
        (None, None)
    };
    let mut args = ServeArgs {
        data: DataArgs {
            data_dir: Some(dir.path().to_path_buf()),
            database_url,
            config: None,
        },
        demo: true,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        admin_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..ServeArgs::default()
    };
    configure(&mut args);
    // 2026-12-01 10:00 China Standard Time: sample items are dated before it.
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
    ));
    let running = start(&args, clock.clone()).await.unwrap();
    let port = running.public_addr.port();
    let admin = running.admin_addr;
    let addr = running.public_addr;
    let mut builder = reqwest::Client::builder();
    let mut raw = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none());
    for host in HOSTS {
        builder = builder.resolve(host, addr);
        raw = raw.resolve(host, addr);
    }
    TestServer {
        running: Some(running),
        port,
        admin,
        client: builder.build().unwrap(),
        raw: raw.build().unwrap(),
        clock,
        backend,
        _dir: dir,
        _schema: schema,
    }
}

/// Returns every `href` value of a page, with HTML character references decoded.
pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape)
        .collect()
}

/// Decodes the character references the templates emit.
pub fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Returns the content of `<meta name="NAME" content="…">`.
pub fn meta(html: &str, name: &str) -> Option<String> {
    let marker = format!("<meta name=\"{name}\" content=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(unescape(&html[start..start + end]))
}

impl TestServer {
    /// Returns the server's data folder, where the SMS and mail folders are.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Returns the PostgreSQL URL of the server's schema, or `None` on SQLite.
    pub fn database_url(&self) -> Option<String> {
        self._schema.as_ref().map(|schema| schema.url.clone())
    }
}

/// Returns a port on the loopback address that was free a moment ago, for a server whose
/// address another server's configuration must name before it starts.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Starts the demo on `backend` with `config` as the config file (written into the data
/// folder), the loopback address as a trusted proxy, and the public listener on `port` when
/// given.
pub async fn start_demo_config(
    backend: &'static str,
    config: &str,
    port: Option<u16>,
) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jiyue.toml");
    std::fs::write(&path, config).unwrap();
    start_demo_with(backend, dir, |args| {
        args.data.config = Some(path);
        args.trusted_proxies = Some("127.0.0.1".into());
        if let Some(port) = port {
            args.listen = Some(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
        }
    })
    .await
}
