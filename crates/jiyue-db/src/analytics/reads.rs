//! Reads of the analytics counters over day ranges, each checked against the caller's scope,
//! and the dump of every stored cell that tests use.

use chrono::NaiveDate;

use super::{
    check_range, day_text, parse_day, stored_count, ColumnViews, DayViews, ItemViews, QueryTotal,
    SiteViews,
};
use crate::db::Db;
use crate::error::Result;
use crate::model::{Scope, SiteId};
use crate::scorecards::scope_condition;
use crate::sql::{args, Arg};

impl Db {
    /// Returns the views of each day of `from..=to` with any, oldest first, or `OutOfScope`
    /// when `scope` does not reach the site.
    pub async fn daily_views(
        &self,
        scope: &Scope,
        site_id: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayViews>> {
        check_range(from, to)?;
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        crate::scope::check_site(&mut conn, scope, site_id, "read analytics").await?;
        let rows = conn
            .fetch_all(
                "SELECT day, CAST(SUM(views) AS BIGINT) AS views FROM analytics_page_views \
                 WHERE site_id = $1 AND day >= $2 AND day <= $3 GROUP BY day ORDER BY day",
                args![site_id, day_text(from), day_text(to)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(DayViews {
                    day: parse_day(row)?,
                    views: stored_count(row, "views")?,
                })
            })
            .collect()
    }

    /// Returns the `limit` columns of a site with the most views over `from..=to`, counting
    /// their listing pages and the item pages shown in them.
    pub async fn top_columns(
        &self,
        scope: &Scope,
        site_id: SiteId,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<ColumnViews>> {
        check_range(from, to)?;
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        crate::scope::check_site(&mut conn, scope, site_id, "read analytics").await?;
        let rows = conn
            .fetch_all(
                "SELECT t.column_id, t.views, c.name, c.path FROM \
                 (SELECT column_id, CAST(SUM(views) AS BIGINT) AS views \
                  FROM analytics_page_views WHERE site_id = $1 AND day >= $2 AND day <= $3 \
                  AND column_id <> 0 GROUP BY column_id) t \
                 LEFT JOIN columns c ON c.id = t.column_id AND c.site_id = $1 \
                 ORDER BY t.views DESC, t.column_id LIMIT $4",
                args![site_id, day_text(from), day_text(to), limit],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ColumnViews {
                    column_id: row.int("column_id")?,
                    name: row.opt_text("name")?,
                    path: row.opt_text("path")?,
                    views: stored_count(row, "views")?,
                })
            })
            .collect()
    }

    /// Returns the `limit` items of a site with the most views over `from..=to`, with the
    /// title of their live revision and the path of their page on the site.
    pub async fn top_items(
        &self,
        scope: &Scope,
        site_id: SiteId,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<ItemViews>> {
        check_range(from, to)?;
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        crate::scope::check_site(&mut conn, scope, site_id, "read analytics").await?;
        let rows = conn
            .fetch_all(
                "SELECT t.item_id, t.views, r.meta, \
                 (SELECT MIN(p.path) FROM routes p WHERE p.site_id = $1 AND p.kind = 'item' \
                  AND p.item_id = t.item_id) AS path FROM \
                 (SELECT item_id, CAST(SUM(views) AS BIGINT) AS views \
                  FROM analytics_page_views WHERE site_id = $1 AND day >= $2 AND day <= $3 \
                  AND item_id <> 0 GROUP BY item_id) t \
                 LEFT JOIN items i ON i.id = t.item_id \
                 LEFT JOIN revisions r ON r.id = i.live_revision_id \
                 ORDER BY t.views DESC, t.item_id LIMIT $4",
                args![site_id, day_text(from), day_text(to), limit],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ItemViews {
                    item_id: row.int("item_id")?,
                    title: row.opt_text("meta")?.as_deref().and_then(meta_title),
                    path: row.opt_text("path")?,
                    views: stored_count(row, "views")?,
                })
            })
            .collect()
    }

    /// Returns every site `scope` reaches with its views over `from..=to`, most viewed first,
    /// then by site code; sites without views are listed with 0.
    pub async fn site_views(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SiteViews>> {
        check_range(from, to)?;
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let (condition, mut values) = scope_condition(&mut conn, scope, 3).await?;
        let sql = format!(
            "SELECT s.id, s.code, s.name, COALESCE(t.views, 0) AS views \
             FROM sites s JOIN organizations o ON o.id = s.org_id LEFT JOIN \
             (SELECT site_id, CAST(SUM(views) AS BIGINT) AS views FROM analytics_page_views \
              WHERE day >= $1 AND day <= $2 GROUP BY site_id) t ON t.site_id = s.id \
             WHERE {condition} ORDER BY views DESC, s.code"
        );
        values.insert(0, Arg::from(day_text(to)));
        values.insert(0, Arg::from(day_text(from)));
        let rows = conn.fetch_all(&sql, values).await?;
        rows.iter()
            .map(|row| {
                Ok(SiteViews {
                    site_id: row.int("id")?,
                    code: row.text("code")?,
                    name: row.text("name")?,
                    views: stored_count(row, "views")?,
                })
            })
            .collect()
    }

    /// Returns the `limit` most frequent queries of a site over `from..=to`; with
    /// `zero_only`, only queries that found nothing, ordered by how often they did.
    pub async fn top_queries(
        &self,
        scope: &Scope,
        site_id: SiteId,
        range: (NaiveDate, NaiveDate),
        zero_only: bool,
        limit: i64,
    ) -> Result<Vec<QueryTotal>> {
        let (from, to) = range;
        check_range(from, to)?;
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        crate::scope::check_site(&mut conn, scope, site_id, "read analytics").await?;
        let (having, order) = if zero_only {
            ("HAVING SUM(zero_results) > 0", "zero_results DESC")
        } else {
            ("", "searches DESC")
        };
        let sql = format!(
            "SELECT query, CAST(SUM(searches) AS BIGINT) AS searches, \
             CAST(SUM(zero_results) AS BIGINT) AS zero_results FROM analytics_search_queries \
             WHERE site_id = $1 AND day >= $2 AND day <= $3 GROUP BY query {having} \
             ORDER BY {order}, query LIMIT $4"
        );
        let rows = conn
            .fetch_all(&sql, args![site_id, day_text(from), day_text(to), limit])
            .await?;
        rows.iter()
            .map(|row| {
                Ok(QueryTotal {
                    query: row.text("query")?,
                    searches: stored_count(row, "searches")?,
                    zero_results: stored_count(row, "zero_results")?,
                })
            })
            .collect()
    }

    /// Returns how many searches of a site over `from..=to` were withheld as personal data.
    pub async fn withheld_searches(
        &self,
        scope: &Scope,
        site_id: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u64> {
        check_range(from, to)?;
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        crate::scope::check_site(&mut conn, scope, site_id, "read analytics").await?;
        let row = conn
            .fetch_one(
                "SELECT CAST(COALESCE(SUM(searches), 0) AS BIGINT) AS searches \
                 FROM analytics_search_withheld WHERE site_id = $1 AND day >= $2 AND day <= $3",
                args![site_id, day_text(from), day_text(to)],
            )
            .await?;
        stored_count(&row, "searches")
    }
}

#[cfg(feature = "testing")]
impl Db {
    /// Returns every cell of every row of the analytics tables as text, read with `SELECT *`
    /// so that a column added later is read too, for tests of what the store keeps.
    pub async fn analytics_cells(&self) -> Result<Vec<String>> {
        use sqlx::Row as _;

        use super::ANALYTICS_TABLES;
        use crate::error::DbError;
        use crate::sql::Row;

        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let mut cells = Vec::new();
        for table in ANALYTICS_TABLES {
            for row in conn
                .fetch_all(&format!("SELECT * FROM {table}"), Vec::new())
                .await?
            {
                let width = match &row {
                    Row::Sqlite(row) => row.len(),
                    Row::Pg(row) => row.len(),
                };
                for index in 0..width {
                    let (text, int) = match &row {
                        Row::Sqlite(row) => (
                            row.try_get::<Option<String>, _>(index).ok().flatten(),
                            row.try_get::<Option<i64>, _>(index).ok().flatten(),
                        ),
                        Row::Pg(row) => (
                            row.try_get::<Option<String>, _>(index).ok().flatten(),
                            row.try_get::<Option<i64>, _>(index).ok().flatten(),
                        ),
                    };
                    let cell = text.or_else(|| int.map(|value| value.to_string()));
                    cells.push(cell.ok_or_else(|| {
                        DbError::Invalid(format!(
                            "column {index} of {table} is neither text nor an integer; \
                             extend analytics_cells to read its type"
                        ))
                    })?);
                }
            }
        }
        Ok(cells)
    }
}

/// Reads the title from a revision's stored metadata.
fn meta_title(meta: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(meta).ok()?;
    value.get("title")?.as_str().map(str::to_string)
}
