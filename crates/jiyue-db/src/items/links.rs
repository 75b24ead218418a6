//! The links of a saved item: placements in columns, one route per placement, the
//! translation link and redirects from legacy URLs.
//!
//! Saving never removes a placement or a route: a published URL keeps working, and dropping
//! a placement from an import file leaves the old one in place.
// NOTE: removing a placement needs an explicit withdraw operation that leaves a `gone` route;
// none exists yet.

use chrono::{DateTime, Utc};
use jiyue_core::{paths, Domain};

use super::resolve::Resolved;
use crate::error::{DbError, Result};
use crate::model::{Column, ItemId, ItemInput, SiteId};
use crate::routes::{insert_route, RouteRow};
use crate::sites::{primary_domain, site_id_by_host};
use crate::sql::{args, Conn};

/// Everything the link writers need from a save.
pub(super) struct LinkInput<'a> {
    pub item_id: ItemId,
    pub item_no: i64,
    pub resolved: &'a Resolved,
    pub first_published_at: Option<DateTime<Utc>>,
    pub input: &'a ItemInput,
    /// Saves in the platform scope (imports) place items without acceptance by other sites.
    pub from_platform: bool,
    pub now: i64,
}

/// Writes placements, routes, the translation link and legacy redirects. Returns whether
/// anything was written.
pub(super) async fn write_links(conn: &mut Conn<'_>, links: &LinkInput<'_>) -> Result<bool> {
    let mut changed = write_placements(conn, links).await?;
    if let Some(first_published_at) = links.first_published_at {
        changed |= write_item_routes(conn, links, first_published_at).await?;
        changed |= write_legacy_routes(conn, links).await?;
    }
    changed |= link_translation(conn, links).await?;
    Ok(changed)
}

/// Returns the status of a placement: accepted when it is the home placement, when the receiving column accepts
/// shared items, when it stays on the home site, or when the platform writes it.
fn placement_status(links: &LinkInput<'_>, column: &Column) -> &'static str {
    let home = &links.resolved.home;
    let accepted = column.id == home.id
        || column.accepts_shared
        || column.site_id == home.site_id
        || links.from_platform;
    if accepted {
        "accepted"
    } else {
        "pending"
    }
}

async fn write_placements(conn: &mut Conn<'_>, links: &LinkInput<'_>) -> Result<bool> {
    let home = &links.resolved.home;
    let mut changed = false;
    for column in std::iter::once(home).chain(&links.resolved.extras) {
        let is_home = column.id == home.id;
        let status = placement_status(links, column);
        let existing = conn
            .fetch_optional(
                "SELECT id, is_home, status FROM placements WHERE item_id = $1 AND column_id = $2",
                args![links.item_id, column.id],
            )
            .await?;
        let Some(existing) = existing else {
            conn.execute(
                "INSERT INTO placements (item_id, site_id, column_id, is_home, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                args![links.item_id, column.site_id, column.id, is_home, status, links.now],
            )
            .await?;
            changed = true;
            continue;
        };
        // An accepted placement stays accepted.
        let old_status = existing.text("status")?;
        let status = if old_status == "accepted" {
            "accepted"
        } else {
            status
        };
        if existing.flag("is_home")? != is_home || old_status != status {
            conn.execute(
                "UPDATE placements SET is_home = $1, status = $2 WHERE id = $3",
                args![is_home, status, existing.int("id")?],
            )
            .await?;
            changed = true;
        }
    }
    let demoted = conn
        .execute(
            "UPDATE placements SET is_home = $1 WHERE item_id = $2 AND column_id <> $3 AND is_home = $4",
            args![false, links.item_id, home.id, true],
        )
        .await?;
    Ok(changed || demoted > 0)
}

/// Gives every placement without a route one at `paths::item_path`; existing routes stay.
async fn write_item_routes(
    conn: &mut Conn<'_>,
    links: &LinkInput<'_>,
    first_published_at: DateTime<Utc>,
) -> Result<bool> {
    let placements = conn
        .fetch_all(
            "SELECT p.site_id, p.column_id, c.path FROM placements p \
             JOIN columns c ON c.id = p.column_id WHERE p.item_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM routes r WHERE r.site_id = p.site_id \
               AND r.item_id = p.item_id AND r.column_id = p.column_id AND r.kind = 'item') \
             ORDER BY p.id",
            args![links.item_id],
        )
        .await?;
    let mut changed = false;
    for placement in placements {
        let column_id = placement.int("column_id")?;
        let path = paths::item_path(&placement.text("path")?, first_published_at, links.item_no);
        let route = RouteRow::item(links.item_id, column_id);
        changed |= insert_route(conn, placement.int("site_id")?, &path, route, links.now).await?;
    }
    Ok(changed)
}

async fn link_translation(conn: &mut Conn<'_>, links: &LinkInput<'_>) -> Result<bool> {
    let Some(original) = &links.input.translation_of else {
        return Ok(false);
    };
    let row = conn
        .fetch_optional(
            "SELECT id FROM items WHERE external_id = $1",
            args![original],
        )
        .await?;
    let Some(row) = row else {
        return Err(DbError::Invalid(format!(
            "translation_of names item \"{original}\", which does not exist; save the original first \
             (earlier in the same batch is fine) or correct the id"
        )));
    };
    let original_id = row.int("id")?;
    if original_id == links.item_id {
        return Err(DbError::Invalid(format!(
            "item \"{original}\" names itself in translation_of; name the original item"
        )));
    }
    let added = conn
        .execute(
            "INSERT INTO translations (original_id, translation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            args![original_id, links.item_id],
        )
        .await?;
    Ok(added > 0)
}

/// Splits an absolute `http` or `https` URL into its host and its path with query string.
fn split_legacy_url(url: &str) -> Option<(&str, String)> {
    let lower = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("http://") {
        &url[7..]
    } else if lower.starts_with("https://") {
        &url[8..]
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return None;
    }
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _port)| host);
    let tail = tail.split('#').next().unwrap_or_default();
    let path = if tail.starts_with('/') {
        tail.to_string()
    } else {
        format!("/{tail}")
    };
    Some((host, path))
}

/// Adds a 301 route for each legacy URL on the site that owns the URL's host. The redirect
/// leads to the item's route on that site, or to its home route on the home site's primary
/// domain.
// NOTE: legacy paths are stored as written in the import, with percent-encoding and query
// string. The web layer must therefore look up the raw request path in the same form.
async fn write_legacy_routes(conn: &mut Conn<'_>, links: &LinkInput<'_>) -> Result<bool> {
    let mut changed = false;
    for url in &links.input.legacy_urls {
        let invalid = |why: String| DbError::Invalid(format!("legacy URL \"{url}\": {why}"));
        let (host, path) = split_legacy_url(url)
            .ok_or_else(|| invalid("expected an absolute http:// or https:// URL".to_string()))?;
        let domain = Domain::parse(host).map_err(|error| invalid(error.to_string()))?;
        let site_id = site_id_by_host(conn, domain.as_str()).await?.ok_or_else(|| {
            invalid(format!("no site has the domain \"{domain}\"; add it to a site as an alias, or drop the URL"))
        })?;
        let location = redirect_location(conn, links, site_id).await?;
        let route = RouteRow::redirect(Some(links.item_id), location);
        changed |= insert_route(conn, site_id, &path, route, links.now).await?;
    }
    Ok(changed)
}

async fn redirect_location(
    conn: &mut Conn<'_>,
    links: &LinkInput<'_>,
    site_id: SiteId,
) -> Result<String> {
    let home = &links.resolved.home;
    let row = conn
        .fetch_optional(
            "SELECT r.path FROM routes r JOIN placements p ON p.item_id = r.item_id AND p.column_id = r.column_id \
             WHERE r.site_id = $1 AND r.item_id = $2 AND r.kind = 'item' \
             ORDER BY p.is_home DESC, r.id LIMIT 1",
            args![site_id, links.item_id],
        )
        .await?;
    if let Some(row) = row {
        return row.text("path");
    }
    let home_path = conn
        .fetch_one(
            "SELECT path FROM routes WHERE site_id = $1 AND item_id = $2 AND column_id = $3 AND kind = 'item'",
            args![home.site_id, links.item_id, home.id],
        )
        .await?
        .text("path")?;
    let host = primary_domain(conn, home.site_id).await?.ok_or_else(|| {
        DbError::NotFound(format!(
            "site {} has no primary domain; save the site with one",
            home.site_id
        ))
    })?;
    Ok(format!("https://{host}{home_path}"))
}

#[cfg(test)]
mod tests {
    use super::split_legacy_url;

    #[test]
    fn legacy_url_split() {
        let cases = [
            (
                "http://www.jl.gov.cn/xxgk/art.html",
                Some(("www.jl.gov.cn", "/xxgk/art.html")),
            ),
            (
                "HTTPS://old.jl.gov.cn:8080/a?id=5#top",
                Some(("old.jl.gov.cn", "/a?id=5")),
            ),
            ("https://www.jl.gov.cn", Some(("www.jl.gov.cn", "/"))),
            (
                "https://www.jl.gov.cn?id=1",
                Some(("www.jl.gov.cn", "/?id=1")),
            ),
            ("ftp://www.jl.gov.cn/a", None),
            ("https://user@www.jl.gov.cn/a", None),
            ("/relative/path", None),
        ];
        for (url, expected) in cases {
            let got = split_legacy_url(url);
            let got = got.as_ref().map(|(host, path)| (*host, path.as_str()));
            assert_eq!(got, expected, "{url}");
        }
    }
}
