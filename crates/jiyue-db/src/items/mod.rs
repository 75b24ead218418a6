//! Items of the resource library: saving (revisions, publication, index numbers, placements,
//! routes, translations, legacy URLs) and the reads that public pages and the search index
//! need.

pub(crate) mod editorial;
mod links;
pub(crate) mod read;
mod resolve;
pub(crate) mod save;

use crate::error::{DbError, Result};
use crate::model::{ItemId, ItemRecord, Scope};
use crate::outbox::{tags, NewEvent};
use crate::scope::{check_org, check_site};
use crate::sql::{args, Conn, Row};

const ITEM_COLUMNS: &str = "i.id, i.item_no, i.external_id, i.org_id, i.lang, i.live_revision_id, \
     i.index_number, i.first_published_at, i.sample, i.created_at, i.updated_at, \
     (SELECT MAX(v.id) FROM revisions v WHERE v.item_id = i.id) AS latest_revision_id";

fn item_from_row(row: &Row) -> Result<ItemRecord> {
    Ok(ItemRecord {
        id: row.int("id")?,
        item_no: row.int("item_no")?,
        external_id: row.opt_text("external_id")?,
        org_id: row.int("org_id")?,
        lang: row.text("lang")?,
        live_revision_id: row.opt_int("live_revision_id")?,
        latest_revision_id: row.opt_int("latest_revision_id")?,
        index_number: row.opt_text("index_number")?,
        first_published_at: row.opt_time("first_published_at")?,
        sample: row.flag("sample")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// Finds an item by its external id.
pub(crate) async fn find_item(
    conn: &mut Conn<'_>,
    external_id: &str,
) -> Result<Option<ItemRecord>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.external_id = $1");
    let row = conn.fetch_optional(&sql, args![external_id]).await?;
    row.as_ref().map(item_from_row).transpose()
}

/// Finds an item by id.
pub(crate) async fn find_item_by_id(
    conn: &mut Conn<'_>,
    item_id: ItemId,
) -> Result<Option<ItemRecord>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id = $1");
    let row = conn.fetch_optional(&sql, args![item_id]).await?;
    row.as_ref().map(item_from_row).transpose()
}

/// Fails unless `scope` may change an existing item: an organization scope must reach its
/// owner, a site scope the site of its home placement.
pub(crate) async fn check_item_write(
    conn: &mut Conn<'_>,
    scope: &Scope,
    item_id: ItemId,
) -> Result<()> {
    let row = conn
        .fetch_optional(
            "SELECT i.org_id, (SELECT p.site_id FROM placements p WHERE p.item_id = i.id AND p.is_home = $2) AS home_site \
             FROM items i WHERE i.id = $1",
            args![item_id, true],
        )
        .await?;
    let Some(row) = row else {
        return Err(DbError::NotFound(format!(
            "item {item_id} not found; check the id"
        )));
    };
    match scope {
        Scope::Platform => Ok(()),
        Scope::Org(_) => check_org(conn, scope, row.int("org_id")?, "change this item").await,
        Scope::Site(_) => match row.opt_int("home_site")? {
            Some(home_site) => check_site(conn, scope, home_site, "change this item").await,
            None => Err(DbError::OutOfScope(format!(
                "cannot change item {item_id} in {scope}: it has no home placement; use the platform scope"
            ))),
        },
    }
}

/// Builds the outbox event of a changed item, tagged with the item and every column and site
/// it is placed on or has a route on.
pub(crate) async fn item_event(
    conn: &mut Conn<'_>,
    item_id: ItemId,
    kind: &'static str,
) -> Result<NewEvent> {
    let rows = conn
        .fetch_all(
            "SELECT column_id, site_id FROM placements WHERE item_id = $1",
            args![item_id],
        )
        .await?;
    let mut columns = Vec::new();
    let mut sites = Vec::new();
    for row in &rows {
        columns.push(row.int("column_id")?);
        sites.push(row.int("site_id")?);
    }
    let routed = conn
        .fetch_all(
            "SELECT DISTINCT site_id FROM routes WHERE item_id = $1",
            args![item_id],
        )
        .await?;
    for row in &routed {
        sites.push(row.int("site_id")?);
    }
    let mut tags = tags(Some(item_id), columns, sites);
    if crate::services::is_service(conn, item_id).await? {
        tags.insert(crate::services::SERVICES_TAG.to_string());
    }
    Ok(NewEvent {
        kind,
        tags,
        item_id: Some(item_id),
        site_id: None,
    })
}
