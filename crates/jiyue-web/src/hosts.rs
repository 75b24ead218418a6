//! The in-memory host table: the site, redirect or platform page that serves each `Host`.

use std::collections::HashMap;

use jiyue_db::{Site, SiteId};

/// The target of a host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostTarget {
    /// A hosted site.
    Site(SiteId),
    /// An alias: redirect permanently to this host.
    Redirect(String),
    /// The platform's directory of every hosted site.
    Directory,
    /// The identity service: citizen sign-in and the OpenID Connect provider.
    Identity,
}

/// Settings the host table is built from.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// The platform's own domain, such as `jl.gov.cn`.
    pub platform_domain: String,
    /// In demo mode every `.gov.cn` name is also served as `.localhost`, links use the
    /// `.localhost` names, and plain `localhost` shows the directory.
    pub demo: bool,
    /// `http` or `https`, used in links between sites.
    pub scheme: String,
    /// Port added to links between sites when it is not the scheme's default.
    pub port: Option<u16>,
}

/// Host names mapped to targets, plus the public base URL of every site.
#[derive(Debug, Clone, Default)]
pub struct HostTable {
    hosts: HashMap<String, HostTarget>,
    base_urls: HashMap<SiteId, String>,
    directory_url: String,
    identity_url: String,
}

impl HostTable {
    /// Builds the table from the stored sites.
    pub fn build(sites: &[Site], config: &HostConfig) -> Self {
        let mut table = Self::default();
        let public = |host: &str| public_host(host, config.demo);

        for site in sites {
            let canonical = public(&site.primary_domain);
            table
                .base_urls
                .insert(site.id, base_url(&canonical, config));
            table
                .hosts
                .insert(canonical.clone(), HostTarget::Site(site.id));
            table
                .hosts
                .insert(site.primary_domain.clone(), HostTarget::Site(site.id));
            for alias in &site.aliases {
                let redirect = HostTarget::Redirect(canonical.clone());
                table.hosts.insert(alias.clone(), redirect.clone());
                table.hosts.insert(public(alias), redirect);
            }
        }

        let directory_host = public(&format!("sites.{}", config.platform_domain));
        table.directory_url = base_url(&directory_host, config);
        table.hosts.insert(directory_host, HostTarget::Directory);
        table.hosts.insert(
            format!("sites.{}", config.platform_domain),
            HostTarget::Directory,
        );
        let identity_host = public(&format!("id.{}", config.platform_domain));
        table.identity_url = base_url(&identity_host, config);
        table.hosts.insert(identity_host, HostTarget::Identity);
        table.hosts.insert(
            format!("id.{}", config.platform_domain),
            HostTarget::Identity,
        );
        if config.demo {
            table
                .hosts
                .insert("localhost".to_string(), HostTarget::Directory);
        }
        table
    }

    /// Looks up the `Host` header value (port and trailing dot ignored, case-insensitive).
    pub fn lookup(&self, host_header: &str) -> Option<&HostTarget> {
        let host = strip_port(host_header).trim_end_matches('.');
        if let Some(target) = self.hosts.get(host) {
            return Some(target);
        }
        if host.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.hosts.get(&host.to_ascii_lowercase());
        }
        if !host.is_ascii() {
            let domain = jiyue_core::Domain::parse(host).ok()?;
            return self.hosts.get(domain.as_str());
        }
        None
    }

    /// Returns the public base URL of a site, such as `http://www.jl.localhost:8080`.
    pub fn base_url(&self, site: SiteId) -> Option<&str> {
        self.base_urls.get(&site).map(String::as_str)
    }

    /// Returns the base URL of the platform directory.
    pub fn directory_url(&self) -> &str {
        &self.directory_url
    }

    /// Returns the base URL of the identity service, the issuer of its ID tokens.
    pub fn identity_url(&self) -> &str {
        &self.identity_url
    }

    /// Returns the public base URLs of every site.
    pub fn site_base_urls(&self) -> impl Iterator<Item = &str> {
        self.base_urls.values().map(String::as_str)
    }

    /// Returns the site whose public base URL is `base_url`.
    pub fn site_by_base_url(&self, base_url: &str) -> Option<SiteId> {
        self.base_urls
            .iter()
            .find(|(_, url)| url.as_str() == base_url)
            .map(|(id, _)| *id)
    }
}

/// Returns the name a site is linked by: in demo mode `.gov.cn` becomes `.localhost`.
fn public_host(host: &str, demo: bool) -> String {
    if demo {
        if let Some(stem) = host.strip_suffix(".gov.cn") {
            return format!("{stem}.localhost");
        }
    }
    host.to_string()
}

fn base_url(host: &str, config: &HostConfig) -> String {
    let default_port = if config.scheme == "https" { 443 } else { 80 };
    match config.port {
        Some(port) if port != default_port => format!("{}://{host}:{port}", config.scheme),
        _ => format!("{}://{host}", config.scheme),
    }
}

fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiyue_db::SiteSettings;

    fn site(id: SiteId, primary: &str, aliases: &[&str]) -> Site {
        Site {
            id,
            org_id: 1,
            code: format!("220000000{id}"),
            name: "吉林省人民政府".into(),
            lang: "zh-CN".into(),
            description: None,
            keywords: None,
            primary_domain: primary.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            language_versions: Vec::new(),
            theme: "default".into(),
            settings: SiteSettings::default(),
        }
    }

    fn config(demo: bool) -> HostConfig {
        HostConfig {
            platform_domain: "jl.gov.cn".into(),
            demo,
            scheme: "http".into(),
            port: Some(8080),
        }
    }

    #[test]
    fn demo_mode_answers_on_localhost_names() {
        let table = HostTable::build(&[site(1, "www.jl.gov.cn", &["jl.gov.cn"])], &config(true));
        assert_eq!(
            table.lookup("www.jl.localhost:8080"),
            Some(&HostTarget::Site(1))
        );
        assert_eq!(table.lookup("WWW.JL.GOV.CN"), Some(&HostTarget::Site(1)));
        assert_eq!(
            table.lookup("jl.localhost"),
            Some(&HostTarget::Redirect("www.jl.localhost".into()))
        );
        assert_eq!(table.lookup("localhost:8080"), Some(&HostTarget::Directory));
        assert_eq!(
            table.lookup("sites.jl.localhost"),
            Some(&HostTarget::Directory)
        );
        assert_eq!(table.base_url(1), Some("http://www.jl.localhost:8080"));
        assert_eq!(table.lookup("evil.example"), None);
    }

    #[test]
    fn production_mode_keeps_gov_cn_names() {
        let table = HostTable::build(&[site(1, "www.jl.gov.cn", &[])], &config(false));
        assert_eq!(table.lookup("www.jl.localhost"), None);
        assert_eq!(table.lookup("localhost"), None);
        assert_eq!(
            table.lookup("sites.jl.gov.cn"),
            Some(&HostTarget::Directory)
        );
    }
}
