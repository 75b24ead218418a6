//! Routes: one row per public URL path of a site, written once and never recomputed.
//!
//! Column routes are stored for page 0 only; `Db::route` maps `index_N.html` to the page-0
//! row of the same column.

use jiyue_core::paths;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ColumnId, FileId, ItemId, Route, RouteTarget, SiteId, SiteRoute};
use crate::sql::{args, Conn, Row};

/// A route as stored, before it is turned into a `RouteTarget`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteRow {
    pub kind: &'static str,
    pub item_id: Option<ItemId>,
    pub column_id: Option<ColumnId>,
    pub page: Option<i64>,
    pub file_id: Option<FileId>,
    pub location: Option<String>,
    pub notice: Option<String>,
}

impl RouteRow {
    fn empty(kind: &'static str) -> Self {
        RouteRow {
            kind,
            item_id: None,
            column_id: None,
            page: None,
            file_id: None,
            location: None,
            notice: None,
        }
    }

    /// Builds the route of a column's first page.
    pub(crate) fn column(column_id: ColumnId) -> Self {
        RouteRow {
            column_id: Some(column_id),
            page: Some(0),
            ..Self::empty("column")
        }
    }

    /// Builds the route of an item placed in a column.
    pub(crate) fn item(item_id: ItemId, column_id: ColumnId) -> Self {
        RouteRow {
            item_id: Some(item_id),
            column_id: Some(column_id),
            ..Self::empty("item")
        }
    }

    /// Builds a permanent redirect to `location`, kept with the item it leads to.
    pub(crate) fn redirect(item_id: Option<ItemId>, location: String) -> Self {
        RouteRow {
            item_id,
            location: Some(location),
            ..Self::empty("redirect")
        }
    }

    /// Returns true when two rows lead to the same place.
    fn same_target(&self, other: &RouteRow) -> bool {
        self.kind == other.kind
            && self.item_id == other.item_id
            && self.column_id == other.column_id
            && self.file_id == other.file_id
            && (self.kind != "redirect" || self.location == other.location)
    }
}

fn route_row(row: &Row) -> Result<RouteRow> {
    let kind = row.text("kind")?;
    let kind = ["item", "column", "file", "redirect", "gone"]
        .into_iter()
        .find(|known| *known == kind)
        .ok_or_else(|| {
            DbError::Invalid(format!(
                "stored route kind \"{kind}\" is unknown; repair the row"
            ))
        })?;
    Ok(RouteRow {
        kind,
        item_id: row.opt_int("item_id")?,
        column_id: row.opt_int("column_id")?,
        page: row.opt_int("page")?,
        file_id: row.opt_int("file_id")?,
        location: row.opt_text("location")?,
        notice: row.opt_text("notice")?,
    })
}

fn target(row: &RouteRow) -> Result<RouteTarget> {
    let missing = |field: &str| {
        DbError::Invalid(format!(
            "stored {} route has no {field}; repair the row",
            row.kind
        ))
    };
    Ok(match row.kind {
        "item" => RouteTarget::Item(row.item_id.ok_or_else(|| missing("item_id"))?),
        "column" => RouteTarget::Column {
            column_id: row.column_id.ok_or_else(|| missing("column_id"))?,
            page: u32::try_from(row.page.unwrap_or(0)).unwrap_or(0),
        },
        "file" => RouteTarget::File(row.file_id.ok_or_else(|| missing("file_id"))?),
        "redirect" => {
            RouteTarget::Redirect(row.location.clone().ok_or_else(|| missing("location"))?)
        }
        _ => RouteTarget::Gone(row.notice.clone().unwrap_or_default()),
    })
}

const ROUTE_COLUMNS: &str =
    "r.id, r.path, r.kind, r.item_id, r.column_id, r.page, r.file_id, r.location, r.notice";

/// Returns the stored route at a path, without the column-page fallback.
pub(crate) async fn find_route(
    conn: &mut Conn<'_>,
    site_id: SiteId,
    path: &str,
) -> Result<Option<RouteRow>> {
    let sql = format!("SELECT {ROUTE_COLUMNS} FROM routes r WHERE r.site_id = $1 AND r.path = $2");
    let row = conn.fetch_optional(&sql, args![site_id, path]).await?;
    row.as_ref().map(route_row).transpose()
}

/// Inserts a route. Returns true when it was new and false when the same route was already
/// there; a path that already leads somewhere else is a `Conflict`.
pub(crate) async fn insert_route(
    conn: &mut Conn<'_>,
    site_id: SiteId,
    path: &str,
    route: RouteRow,
    now: i64,
) -> Result<bool> {
    if let Some(existing) = find_route(conn, site_id, path).await? {
        if existing.same_target(&route) {
            return Ok(false);
        }
        return Err(DbError::Conflict(format!(
            "path \"{path}\" on site {site_id} already leads to {:?}, so it cannot lead to {:?}; \
             choose another path or withdraw the existing page first",
            target(&existing)?,
            target(&route)?
        )));
    }
    conn.execute(
        "INSERT INTO routes (site_id, path, kind, item_id, column_id, page, file_id, location, notice, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        args![
            site_id, path, route.kind, route.item_id, route.column_id, route.page, route.file_id,
            route.location, route.notice, now
        ],
    )
    .await?;
    Ok(true)
}

impl Db {
    /// Returns what a path on a site leads to. `index_N.html` of a column falls back to the
    /// column's page-0 route with `page` set to N.
    pub async fn route(&self, site_id: SiteId, path: &str) -> Result<Option<Route>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        if let Some(row) = find_route(&mut conn, site_id, path).await? {
            let target = target(&row)?;
            return Ok(Some(Route {
                site_id,
                path: path.to_string(),
                target,
            }));
        }

        let Some((column_path, page)) = paths::parse_column_page(path) else {
            return Ok(None);
        };
        if page == 0 {
            return Ok(None);
        }
        let first_page = paths::column_page_path(&column_path, 0);
        let Some(row) = find_route(&mut conn, site_id, &first_page).await? else {
            return Ok(None);
        };
        let RouteTarget::Column { column_id, .. } = target(&row)? else {
            return Ok(None);
        };
        Ok(Some(Route {
            site_id,
            path: path.to_string(),
            target: RouteTarget::Column { column_id, page },
        }))
    }

    /// Returns up to `limit` routes of a site with an id above `after_id`, for sitemaps: column
    /// pages, and pages of published items whose placement the site accepted.
    pub async fn site_routes(
        &self,
        site_id: SiteId,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<SiteRoute>> {
        let sql = format!(
            "SELECT {ROUTE_COLUMNS}, COALESCE(i.updated_at, c.updated_at) AS lastmod FROM routes r \
             LEFT JOIN items i ON r.kind = 'item' AND i.id = r.item_id \
             LEFT JOIN columns c ON r.kind = 'column' AND c.id = r.column_id \
             WHERE r.site_id = $1 AND r.id > $2 AND (r.kind = 'column' OR (r.kind = 'item' \
               AND i.live_revision_id IS NOT NULL AND EXISTS (SELECT 1 FROM placements p \
               WHERE p.item_id = r.item_id AND p.column_id = r.column_id AND p.status = 'accepted'))) \
             ORDER BY r.id LIMIT $3"
        );
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(&sql, args![site_id, after_id, limit])
            .await?;
        rows.iter()
            .map(|row| {
                Ok(SiteRoute {
                    id: row.int("id")?,
                    path: row.text("path")?,
                    target: target(&route_row(row)?)?,
                    lastmod: row.time("lastmod")?,
                })
            })
            .collect()
    }
}
