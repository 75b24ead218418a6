//! Settings of the `jiyue` command: every flag also has a `JIYUE_*` environment variable and a
//! key in the TOML config file. A flag wins over its variable, a variable over the file, and
//! the file over the embedded default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use serde::Deserialize;

/// Options shared by every command that opens the platform's data.
#[derive(Debug, Clone, Default, Args)]
pub struct DataArgs {
    /// Folder of the SQLite database, search index and files [default: ./jiyue-data]
    #[arg(long, env = "JIYUE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL, `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`
    /// [default: SQLite in the data folder]
    #[arg(long, env = "JIYUE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// TOML file with any of the settings; flags and variables override it
    #[arg(long, env = "JIYUE_CONFIG")]
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
    /// Address of the public listener [default: 127.0.0.1:8080]
    #[arg(long, env = "JIYUE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Address of the admin listener (health, metrics) [default: 127.0.0.1:8081]
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
    fn unknown_config_key_is_rejected() {
        let error = toml::from_str::<ConfigFile>("listen_addr = 1").unwrap_err();
        assert!(error.to_string().contains("listen_addr"));
    }
}
