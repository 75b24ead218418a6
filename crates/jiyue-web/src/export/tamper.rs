//! The tampering checks: exported files and served pages compared with the page ledger.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http::header::HOST;
use http::StatusCode;
use jiyue_db::{sm3_hex, LedgerEntry, SiteId};
use jiyue_monitor::tamper::{judge, Place, Seen, Subject, Verdict};
use jiyue_monitor::Fault;

use super::{
    fetch, file_for_path, io_error, manifest_path, read_manifest, site_host, site_id_of,
    write_file, ExportError, META_FOLDER, RENDER_TIMEOUT,
};
use crate::pages::{self, Target};
use crate::App;

/// Compares every file of an export folder with the ledger. A file that differs from every
/// version the platform rendered, a listed file that is missing and a file the manifest does
/// not list are reported as critical faults. Altered and missing files are rewritten from a
/// fresh render, and unlisted files are removed. Files holding an earlier version are refreshed
/// without a fault. The manifest is rewritten with the restored digests.
pub async fn check_export(app: &Arc<App>, dir: &Path) -> Result<Vec<Fault>, ExportError> {
    let mut manifest = read_manifest(dir)?;
    let site_id = site_id_of(app, &manifest.site_code)?;
    let (host, _) = site_host(app, site_id)
        .ok_or_else(|| ExportError::UnknownSite(manifest.site_code.clone()))?;
    let mut faults = Vec::new();
    let mut listed = BTreeSet::new();

    for entry in &mut manifest.files {
        let file = file_for_path(&entry.path).map_err(|message| ExportError::Manifest {
            path: manifest_path(dir),
            message: format!("path {}: {message}", entry.path),
        })?;
        let disk = dir.join(&file);
        listed.insert(file);
        let location = disk.to_string_lossy().to_string();
        let subject = Subject {
            site_id,
            site_code: &manifest.site_code,
            path: &entry.path,
            place: Place::Export,
            location: &location,
        };
        let found = match std::fs::read(&disk) {
            Ok(bytes) => Some(sm3_hex(&bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(io_error("reading", &disk)(error)),
        };
        let versions = app.db.ledger_history(site_id, &entry.path).await?;
        let seen = found.as_deref().map_or(Seen::Missing, Seen::Digest);
        if judge(&subject, seen, &versions, None) == Verdict::Current {
            continue;
        }
        let fresh = fetch(app, &host, &entry.path).await;
        if fresh.status != StatusCode::OK {
            return Err(ExportError::Render {
                path: entry.path.clone(),
                status: fresh.status.as_u16(),
            });
        }
        let fresh_digest = sm3_hex(&fresh.body);
        let verdict = judge(&subject, seen, &versions, Some(&fresh_digest));
        if let Verdict::Tampered(fault) = verdict {
            tracing::warn!(
                site = manifest.site_code,
                path = entry.path,
                "an exported file was altered; restoring it"
            );
            faults.push(*fault);
        }
        write_file(&disk, &fresh.body)?;
        app.db
            .ledger_record(&[LedgerEntry {
                site_id,
                path: entry.path.clone(),
                digest: fresh_digest.clone(),
                length: fresh.body.len() as u64,
                content_type: fresh.content_type().to_string(),
            }])
            .await?;
        entry.sm3 = fresh_digest;
        entry.length = fresh.body.len() as u64;
        entry.content_type = fresh.content_type().to_string();
    }

    for file in unlisted_files(dir, &listed)? {
        let disk = dir.join(&file);
        let bytes = std::fs::read(&disk).map_err(io_error("reading", &disk))?;
        let digest = sm3_hex(&bytes);
        let path = format!("/{}", file.to_string_lossy().replace('\\', "/"));
        let location = disk.to_string_lossy().to_string();
        let subject = Subject {
            site_id,
            site_code: &manifest.site_code,
            path: &path,
            place: Place::Export,
            location: &location,
        };
        if let Verdict::Tampered(fault) = judge(&subject, Seen::Unexpected(&digest), &[], None) {
            tracing::warn!(
                site = manifest.site_code,
                path,
                "an unlisted file was found in the export; removing it"
            );
            faults.push(*fault);
        }
        std::fs::remove_file(&disk).map_err(io_error("removing", &disk))?;
    }

    let json = serde_json::to_vec_pretty(&manifest).map_err(|error| ExportError::Manifest {
        path: manifest_path(dir),
        message: error.to_string(),
    })?;
    write_file(&manifest_path(dir), &json)?;
    Ok(faults)
}

/// Returns the files below `dir`, outside the metadata folder, that are not in `listed`.
fn unlisted_files(dir: &Path, listed: &BTreeSet<PathBuf>) -> Result<Vec<PathBuf>, ExportError> {
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        let absolute = dir.join(&folder);
        let entries = std::fs::read_dir(&absolute).map_err(io_error("listing", &absolute))?;
        for entry in entries {
            let entry = entry.map_err(io_error("listing", &absolute))?;
            let relative = folder.join(entry.file_name());
            if folder.as_os_str().is_empty() && entry.file_name() == META_FOLDER {
                continue;
            }
            let kind = entry
                .file_type()
                .map_err(io_error("reading", &entry.path()))?;
            if kind.is_dir() {
                folders.push(relative);
            } else if !listed.contains(&relative) {
                found.push(relative);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Fetches every page the ledger lists for a site (at most `max_pages`, in path order) and
/// compares the bytes with the ledger. Requests go to `base_url`, the public address in front
/// of the platform, with the site's `Host` header and no content encoding. A page that
/// differs from every rendered version and from a fresh render is a critical fault, and its
/// copy in this node's cache is replaced by the fresh render. Pages that do not return 200
/// are left to the availability and link checks.
pub async fn check_served(
    app: &Arc<App>,
    site_code: &str,
    base_url: &str,
    max_pages: usize,
) -> Result<Vec<Fault>, ExportError> {
    let site_id = site_id_of(app, site_code)?;
    let (host, _) =
        site_host(app, site_id).ok_or_else(|| ExportError::UnknownSite(site_code.to_string()))?;
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(RENDER_TIMEOUT)
        .build()
        .map_err(|error| ExportError::Client(error.to_string()))?;
    let base_url = base_url.trim_end_matches('/');
    let mut faults = Vec::new();
    for version in app
        .db
        .ledger_site(site_id)
        .await?
        .into_iter()
        .take(max_pages)
    {
        let url = format!("{base_url}{}", version.path);
        let response = client
            .get(&url)
            .header(HOST.as_str(), host.as_str())
            .send()
            .await;
        let body = match response {
            Ok(response) if response.status() == reqwest::StatusCode::OK => response.bytes().await,
            Ok(_) => continue,
            Err(error) => {
                tracing::warn!(%error, url, "fetching a page for the tampering check failed");
                continue;
            }
        };
        let body = match body {
            Ok(body) => body,
            Err(error) => {
                tracing::warn!(%error, url, "reading a page for the tampering check failed");
                continue;
            }
        };
        let digest = sm3_hex(&body);
        if digest == version.digest {
            continue;
        }
        let versions = app.db.ledger_history(site_id, &version.path).await?;
        let subject = Subject {
            site_id,
            site_code,
            path: &version.path,
            place: Place::Served,
            location: &url,
        };
        let fresh = refresh_cached(app, site_id, &version.path).await?;
        if let Verdict::Tampered(fault) =
            judge(&subject, Seen::Digest(&digest), &versions, fresh.as_deref())
        {
            tracing::warn!(
                site = site_code,
                url,
                "a served page differs from every rendered version"
            );
            faults.push(*fault);
        }
    }
    Ok(faults)
}

/// Renders a page afresh and puts it in this node's cache in place of the copy there, so
/// the next request gets the fresh bytes. Returns the digest of the fresh body when it is a
/// cacheable 200 response.
async fn refresh_cached(
    app: &Arc<App>,
    site_id: SiteId,
    path: &str,
) -> Result<Option<String>, ExportError> {
    let directory = app.directory();
    let epoch = app.cache.epoch();
    let rendered = pages::render(app, &directory, Target::Site(site_id), path)
        .await
        .map_err(|error| {
            tracing::error!(%error, path, "rendering a page for the tampering check failed");
            ExportError::Render {
                path: path.to_string(),
                status: 500,
            }
        })?;
    if rendered.page.status != StatusCode::OK || !rendered.cacheable {
        return Ok(None);
    }
    let digest = sm3_hex(&rendered.page.identity.body);
    let page = Arc::new(rendered.page);
    app.ledger.record(site_id, path, &page);
    app.cache
        .insert(Target::Site(site_id).cache_key(), path, page, epoch);
    Ok(Some(digest))
}
