//! Reads of items for public pages, listings, sitemaps and reindexing. Only published items
//! and accepted placements are shown.

use jiyue_core::ItemMeta;

use super::{find_item, item_from_row, ITEM_COLUMNS};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ColumnId, ItemId, ItemRecord, ItemSummary, Placement, PublishedItem, SiteId};
use crate::sql::{args, Conn, Row};

fn parse_meta(text: &str, item_id: ItemId) -> Result<ItemMeta> {
    serde_json::from_str(text).map_err(|error| {
        DbError::Invalid(format!(
            "stored metadata of item {item_id} is not valid JSON: {error}; save the item again"
        ))
    })
}

fn summary_from_row(row: &Row) -> Result<ItemSummary> {
    let id = row.int("id")?;
    let meta = parse_meta(&row.text("meta")?, id)?;
    Ok(ItemSummary {
        id,
        title: meta.title,
        published_at: row.time("published_at")?,
        path: row.text("path")?,
        summary: meta.summary,
        sample: row.flag("sample")?,
    })
}

pub(crate) const PUBLISHED_COLUMNS: &str =
    "i.id, i.item_no, i.external_id, i.org_id, i.live_revision_id, \
     i.first_published_at, i.updated_at, i.sample, r.meta, r.body_html";

pub(crate) async fn load_published(conn: &mut Conn<'_>, row: &Row) -> Result<PublishedItem> {
    let id = row.int("id")?;
    let placements = conn
        .fetch_all(
            "SELECT p.item_id, p.site_id, p.column_id, p.is_home, r.path FROM placements p \
             JOIN routes r ON r.site_id = p.site_id AND r.item_id = p.item_id \
               AND r.column_id = p.column_id AND r.kind = 'item' \
             WHERE p.item_id = $1 AND p.status = 'accepted' ORDER BY p.is_home DESC, p.id",
            args![id],
        )
        .await?;
    let placements = placements
        .iter()
        .map(|row| {
            Ok(Placement {
                item_id: row.int("item_id")?,
                site_id: row.int("site_id")?,
                column_id: row.int("column_id")?,
                is_home: row.flag("is_home")?,
                path: row.text("path")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let translations = conn
        .fetch_all(
            "SELECT translation_id AS other FROM translations WHERE original_id = $1 \
             UNION SELECT original_id AS other FROM translations WHERE translation_id = $1 \
             ORDER BY other",
            args![id],
        )
        .await?;
    let translations = translations
        .iter()
        .map(|row| row.int("other"))
        .collect::<Result<Vec<_>>>()?;

    let first_published_at = row.opt_time("first_published_at")?.ok_or_else(|| {
        DbError::Invalid(format!(
            "item {id} has a live revision but no first publication time; save it again"
        ))
    })?;
    Ok(PublishedItem {
        id,
        item_no: row.int("item_no")?,
        external_id: row.opt_text("external_id")?,
        org_id: row.int("org_id")?,
        revision_id: row.int("live_revision_id")?,
        meta: parse_meta(&row.text("meta")?, id)?,
        body_html: row.text("body_html")?,
        first_published_at,
        updated_at: row.time("updated_at")?,
        sample: row.flag("sample")?,
        placements,
        translations,
    })
}

impl Db {
    /// Returns an item with its live revision, accepted placements and translations, or
    /// `None` when it does not exist or was never published.
    pub async fn published_item(&self, item_id: ItemId) -> Result<Option<PublishedItem>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let sql = format!(
            "SELECT {PUBLISHED_COLUMNS} FROM items i JOIN revisions r ON r.id = i.live_revision_id WHERE i.id = $1"
        );
        let Some(row) = conn.fetch_optional(&sql, args![item_id]).await? else {
            return Ok(None);
        };
        Ok(Some(load_published(&mut conn, &row).await?))
    }

    /// Returns up to `limit` published items with an id above `after_id`, in id order, for
    /// rebuilding the search index.
    pub async fn all_published_items(
        &self,
        after_id: ItemId,
        limit: i64,
    ) -> Result<Vec<PublishedItem>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let sql = format!(
            "SELECT {PUBLISHED_COLUMNS} FROM items i JOIN revisions r ON r.id = i.live_revision_id \
             WHERE i.id > $1 ORDER BY i.id LIMIT $2"
        );
        let rows = conn.fetch_all(&sql, args![after_id, limit]).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            items.push(load_published(&mut conn, row).await?);
        }
        Ok(items)
    }

    /// Returns one page of a column's listing, newest first, and the total count. The path of
    /// each entry is the item's route on that site.
    pub async fn column_items(
        &self,
        site_id: SiteId,
        column_id: ColumnId,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ItemSummary>, i64)> {
        const FROM: &str = "FROM placements p JOIN items i ON i.id = p.item_id \
             JOIN revisions v ON v.id = i.live_revision_id \
             JOIN routes r ON r.site_id = p.site_id AND r.item_id = p.item_id \
               AND r.column_id = p.column_id AND r.kind = 'item' \
             WHERE p.site_id = $1 AND p.column_id = $2 AND p.status = 'accepted'";
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let sql = format!(
            "SELECT i.id, i.published_at, i.sample, v.meta, r.path {FROM} \
             ORDER BY i.published_at DESC, i.id DESC LIMIT $3 OFFSET $4"
        );
        let rows = conn
            .fetch_all(&sql, args![site_id, column_id, limit, offset])
            .await?;
        let entries = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<Vec<_>>>()?;
        let total = conn
            .fetch_one(
                &format!("SELECT COUNT(*) AS total {FROM}"),
                args![site_id, column_id],
            )
            .await?
            .int("total")?;
        Ok((entries, total))
    }

    /// Returns the newest published items placed anywhere on a site.
    pub async fn recent_items(&self, site_id: SiteId, limit: i64) -> Result<Vec<ItemSummary>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT i.id, i.published_at, i.sample, v.meta, \
                   (SELECT r.path FROM routes r JOIN placements p ON p.item_id = r.item_id \
                      AND p.column_id = r.column_id AND p.site_id = r.site_id \
                    WHERE r.site_id = $1 AND r.item_id = i.id AND r.kind = 'item' \
                      AND p.status = 'accepted' ORDER BY p.is_home DESC, r.id LIMIT 1) AS path \
                 FROM items i JOIN revisions v ON v.id = i.live_revision_id \
                 WHERE EXISTS (SELECT 1 FROM placements p JOIN routes r ON r.site_id = p.site_id \
                     AND r.item_id = p.item_id AND r.column_id = p.column_id AND r.kind = 'item' \
                   WHERE p.item_id = i.id AND p.site_id = $1 AND p.status = 'accepted') \
                 ORDER BY i.published_at DESC, i.id DESC LIMIT $2",
                args![site_id, limit],
            )
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// Returns an item, published or not, by its external id.
    pub async fn item_by_external_id(&self, external_id: &str) -> Result<Option<ItemRecord>> {
        let mut handle = self.reader().await?;
        find_item(&mut handle.conn(), external_id).await
    }

    /// Returns an item, published or not, by id.
    pub async fn item(&self, id: ItemId) -> Result<Option<ItemRecord>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id = $1");
        let row = handle.conn().fetch_optional(&sql, args![id]).await?;
        row.as_ref().map(item_from_row).transpose()
    }
}
