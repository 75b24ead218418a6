//! Columns: a tree per site keyed by (site, path), each with a route to its first page.
//!
//! The empty path is the site root (`/index.html`). A deeper column's parent is its path
//! without the last segment, and that parent must exist. A top-level column's parent is the
//! root column when the site has one, and none otherwise.
//!
//! Only the route of page 0 (`/<path>/index.html`) is stored. `Db::route` finds later pages
//! (`index_1.html`, …) by parsing the path with `paths::parse_column_page` and falling back to
//! the page-0 route, so a column never needs one row per page.

use jiyue_core::{paths, ColumnType};

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{Column, ColumnId, NewColumn, Scope, SiteId};
use crate::outbox::{insert_events, tags, NewEvent};
use crate::routes::insert_route;
use crate::scope::check_site;
use crate::sites::find_site_id;
use crate::sql::{args, micros, Conn, Row};

const COLUMN_COLUMNS: &str = "id, site_id, parent_id, path, name, column_type, description, \
                              keywords, position, review_levels, accepts_shared";

fn column_from_row(row: &Row) -> Result<Column> {
    let code = row.text("column_type")?;
    let column_type = ColumnType::parse(&code).ok_or_else(|| {
        DbError::Invalid(format!(
            "stored column type \"{code}\" is unknown; save the column again"
        ))
    })?;
    Ok(Column {
        id: row.int("id")?,
        site_id: row.int("site_id")?,
        parent_id: row.opt_int("parent_id")?,
        path: row.text("path")?,
        name: row.text("name")?,
        column_type,
        description: row.opt_text("description")?,
        keywords: row.opt_text("keywords")?,
        position: i32::try_from(row.int("position")?).unwrap_or(i32::MAX),
        review_levels: i16::try_from(row.int("review_levels")?).unwrap_or(0),
        accepts_shared: row.flag("accepts_shared")?,
    })
}

/// Finds a column by site and path.
/// Finds a column by id.
pub(crate) async fn find_column_by_id(conn: &mut Conn<'_>, id: ColumnId) -> Result<Option<Column>> {
    let sql = format!("SELECT {COLUMN_COLUMNS} FROM columns WHERE id = $1");
    let row = conn.fetch_optional(&sql, args![id]).await?;
    row.as_ref().map(column_from_row).transpose()
}

pub(crate) async fn find_column(
    conn: &mut Conn<'_>,
    site_id: SiteId,
    path: &str,
) -> Result<Option<Column>> {
    let sql = format!("SELECT {COLUMN_COLUMNS} FROM columns WHERE site_id = $1 AND path = $2");
    let row = conn.fetch_optional(&sql, args![site_id, path]).await?;
    row.as_ref().map(column_from_row).transpose()
}

fn validate_column(column: &NewColumn) -> Result<()> {
    paths::validate_column_path(&column.path).map_err(|error| {
        DbError::Invalid(format!(
            "column \"{}\" of site {}: {error}",
            column.path, column.site_code
        ))
    })?;
    if !(0..=3).contains(&column.review_levels) {
        return Err(DbError::Invalid(format!(
            "column \"{}\" of site {}: review_levels {} is out of range; use 0 to 3",
            column.path, column.site_code, column.review_levels
        )));
    }
    if column.name.trim().is_empty() {
        return Err(DbError::Invalid(format!(
            "column \"{}\" of site {} has an empty name; give it a name",
            column.path, column.site_code
        )));
    }
    let length = column.name.chars().count();
    if length > MAX_COLUMN_NAME_CHARS {
        return Err(DbError::Invalid(format!(
            "column \"{}\" of site {} has a name of {length} characters; shorten it to {MAX_COLUMN_NAME_CHARS}",
            column.path, column.site_code
        )));
    }
    Ok(())
}

/// Longest column name, in characters: it shows in navigation bars and breadcrumbs.
const MAX_COLUMN_NAME_CHARS: usize = 50;

impl Db {
    /// Creates or updates a column keyed by site and path, and writes the route of its first
    /// page. The parent column (the path without its last segment) must exist, except for
    /// top-level columns.
    pub async fn upsert_column(&self, scope: &Scope, column: &NewColumn) -> Result<ColumnId> {
        validate_column(column)?;
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();

        let site_id = find_site_id(&mut conn, &column.site_code)
            .await?
            .ok_or_else(|| {
                DbError::NotFound(format!(
                    "column \"{}\": site \"{}\" not found; create the site first",
                    column.path, column.site_code
                ))
            })?;
        check_site(&mut conn, scope, site_id, "change columns").await?;
        let parent_id = match column.path.rsplit_once('/') {
            Some((parent_path, _)) => {
                Some(require_parent(&mut conn, site_id, parent_path, column).await?)
            }
            None if column.path.is_empty() => None,
            None => find_column(&mut conn, site_id, "")
                .await?
                .map(|root| root.id),
        };

        let existing = find_column(&mut conn, site_id, &column.path).await?;
        let (id, changed) = match existing {
            Some(old) => (
                old.id,
                update_column(&mut conn, &old, parent_id, column, now).await?,
            ),
            None => (
                insert_column(&mut conn, site_id, parent_id, column, now).await?,
                true,
            ),
        };
        let route = paths::column_page_path(&column.path, 0);
        insert_route(
            &mut conn,
            site_id,
            &route,
            crate::routes::RouteRow::column(id),
            now,
        )
        .await?;

        if changed {
            let mut event_tags = tags(None, [id], [site_id]);
            event_tags.insert(format!("nav:{site_id}"));
            let event = NewEvent {
                kind: "column.changed",
                tags: event_tags,
                item_id: None,
                site_id: Some(site_id),
            };
            insert_events(&mut conn, now, &[event]).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Returns the columns of a site, ordered by position and then path.
    pub async fn columns(&self, site_id: SiteId) -> Result<Vec<Column>> {
        let mut handle = self.reader().await?;
        let sql = format!(
            "SELECT {COLUMN_COLUMNS} FROM columns WHERE site_id = $1 ORDER BY position, path"
        );
        let rows = handle.conn().fetch_all(&sql, args![site_id]).await?;
        rows.iter().map(column_from_row).collect()
    }

    /// Returns one column.
    pub async fn column(&self, id: ColumnId) -> Result<Option<Column>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {COLUMN_COLUMNS} FROM columns WHERE id = $1");
        let row = handle.conn().fetch_optional(&sql, args![id]).await?;
        row.as_ref().map(column_from_row).transpose()
    }

    /// Returns the column of a site at a path, such as `zwgk/tzgg`.
    pub async fn column_by_path(&self, site_id: SiteId, path: &str) -> Result<Option<Column>> {
        let mut handle = self.reader().await?;
        find_column(&mut handle.conn(), site_id, path).await
    }
}

async fn require_parent(
    conn: &mut Conn<'_>,
    site_id: SiteId,
    parent_path: &str,
    column: &NewColumn,
) -> Result<ColumnId> {
    let parent = find_column(conn, site_id, parent_path).await?;
    parent.map(|parent| parent.id).ok_or_else(|| {
        DbError::NotFound(format!(
            "column \"{}\" of site {}: parent column \"{parent_path}\" not found; create the parent first",
            column.path, column.site_code
        ))
    })
}

async fn insert_column(
    conn: &mut Conn<'_>,
    site_id: SiteId,
    parent_id: Option<ColumnId>,
    column: &NewColumn,
    now: i64,
) -> Result<ColumnId> {
    let row = conn
        .fetch_one(
            "INSERT INTO columns (site_id, parent_id, path, name, column_type, description, keywords, \
             position, review_levels, accepts_shared, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            args![
                site_id, parent_id, &column.path, &column.name, column.column_type.code(),
                &column.description, &column.keywords, i64::from(column.position),
                i64::from(column.review_levels), column.accepts_shared, now
            ],
        )
        .await?;
    row.int("id")
}

/// Updates a column when a field differs. Returns whether it did.
async fn update_column(
    conn: &mut Conn<'_>,
    old: &Column,
    parent_id: Option<ColumnId>,
    column: &NewColumn,
    now: i64,
) -> Result<bool> {
    let same = old.parent_id == parent_id
        && old.name == column.name
        && old.column_type == column.column_type
        && old.description == column.description
        && old.keywords == column.keywords
        && old.position == column.position
        && old.review_levels == column.review_levels
        && old.accepts_shared == column.accepts_shared;
    if same {
        return Ok(false);
    }
    conn.execute(
        "UPDATE columns SET parent_id = $1, name = $2, column_type = $3, description = $4, \
         keywords = $5, position = $6, review_levels = $7, accepts_shared = $8, updated_at = $9 \
         WHERE id = $10",
        args![
            parent_id,
            &column.name,
            column.column_type.code(),
            &column.description,
            &column.keywords,
            i64::from(column.position),
            i64::from(column.review_levels),
            column.accepts_shared,
            now,
            old.id
        ],
    )
    .await?;
    Ok(true)
}
