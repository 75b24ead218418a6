//! Analytics without trackers: daily counters of page views per site, column and item, and of
//! searches per normalized query, added in batches by the web layer's writer task. The tables
//! hold no client address, cookie, user agent, session or citizen.
//!
//! Days are China-time dates. Reads take the caller's scope, like the scorecards: the
//! platform scope reaches every site, an organization scope the sites of its subtree, and a
//! site scope that site only.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ColumnId, ItemId, Scope, SiteId};
use crate::scorecards::scope_condition;
use crate::sql::{args, Arg, Conn, Row};

/// The maximum length of a stored search query, in characters; longer queries are cut, as
/// in the list of unanswered queries.
pub const MAX_QUERY_CHARS: usize = 100;

/// Rows written per statement of a flush, so that a statement stays within the bind-value
/// limits of both backends.
const ROWS_PER_STATEMENT: usize = 100;

/// The kind of page a view counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewKind {
    /// A site's home page.
    Home,
    /// A page of a column listing.
    Column,
    /// An item page.
    Item,
    /// Any other HTML page of a site, such as the site map or a service guide list.
    Other,
}

impl ViewKind {
    /// Returns the stored name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Home => "home",
            ViewKind::Column => "column",
            ViewKind::Item => "item",
            ViewKind::Other => "other",
        }
    }
}

/// Views of one page kind, column and item of a site on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewCount {
    pub site_id: SiteId,
    pub day: NaiveDate,
    pub kind: ViewKind,
    pub column_id: Option<ColumnId>,
    pub item_id: Option<ItemId>,
    pub views: u64,
}

/// Searches for one normalized query on a site on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryCount {
    pub site_id: SiteId,
    pub day: NaiveDate,
    /// The normalized query (see `normalize_query`).
    pub query: String,
    pub searches: u64,
    /// How many of the searches found nothing.
    pub zero_results: u64,
}

/// Searches on a site on one day whose query looked like personal data, counted without
/// their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithheldCount {
    pub site_id: SiteId,
    pub day: NaiveDate,
    pub searches: u64,
}

/// Everything counted since the last flush, added to the stored counters in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalyticsBatch {
    pub views: Vec<ViewCount>,
    pub queries: Vec<QueryCount>,
    pub withheld: Vec<WithheldCount>,
}

impl AnalyticsBatch {
    /// Returns true when the batch counts nothing.
    pub fn is_empty(&self) -> bool {
        self.views.is_empty() && self.queries.is_empty() && self.withheld.is_empty()
    }
}

/// Views of one day of a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayViews {
    pub day: NaiveDate,
    pub views: u64,
}

/// Views of a column over a range: its listing pages and the item pages shown in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnViews {
    pub column_id: ColumnId,
    /// The column's name and path; `None` when the column was deleted since.
    pub name: Option<String>,
    pub path: Option<String>,
    pub views: u64,
}

/// Views of an item over a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemViews {
    pub item_id: ItemId,
    /// The title of the live revision; `None` when the item is no longer published.
    pub title: Option<String>,
    /// The path of the item's page on the site, when it still has one.
    pub path: Option<String>,
    pub views: u64,
}

/// Views of a site over a range, for the ranking of all sites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteViews {
    pub site_id: SiteId,
    pub code: String,
    pub name: String,
    pub views: u64,
}

/// Searches for one query over a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryTotal {
    pub query: String,
    pub searches: u64,
    pub zero_results: u64,
}

/// Normalizes a search query for counting: trims it, turns every run of whitespace or control
/// characters into one space, lowercases ASCII letters and cuts it to `MAX_QUERY_CHARS`.
/// Returns `None` for a query with nothing left.
pub fn normalize_query(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len().min(MAX_QUERY_CHARS * 4));
    let mut pending_space = false;
    let mut length = 0;
    for character in text.chars() {
        if character.is_whitespace() || character.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        let extra = usize::from(pending_space);
        if length + extra + 1 > MAX_QUERY_CHARS {
            break;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(character.to_ascii_lowercase());
        length += extra + 1;
    }
    (!out.is_empty()).then_some(out)
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn parse_day(row: &Row) -> Result<NaiveDate> {
    let text = row.text("day")?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
        DbError::Invalid(format!(
            "stored analytics day {text:?} is not a YYYY-MM-DD date; repair the row"
        ))
    })
}

fn count(value: u64, what: &str) -> Result<i64> {
    i64::try_from(value).map_err(|_| {
        DbError::Invalid(format!(
            "{what} {value} is too large to store; flush the counters more often"
        ))
    })
}

fn stored_count(row: &Row, column: &str) -> Result<u64> {
    let value = row.int(column)?;
    u64::try_from(value).map_err(|_| {
        DbError::Invalid(format!(
            "stored analytics count {column} = {value} is negative; repair the row"
        ))
    })
}

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if from > to {
        return Err(DbError::Invalid(format!(
            "invalid analytics range {from} to {to}: the first day is after the last; swap them"
        )));
    }
    Ok(())
}

fn check_query(query: &QueryCount) -> Result<()> {
    if normalize_query(&query.query).as_deref() != Some(query.query.as_str()) {
        return Err(DbError::Invalid(format!(
            "search query {:?} is not normalized; pass it through normalize_query first",
            query.query
        )));
    }
    if query.zero_results > query.searches {
        return Err(DbError::Invalid(format!(
            "query {:?} has {} searches without results but only {} searches; \
             count each search once",
            query.query, query.zero_results, query.searches
        )));
    }
    Ok(())
}

/// Writes `rows` as multi-row upserts of `columns` into `table`, adding the `add` columns of a
/// row that exists.
async fn upsert(
    conn: &mut Conn<'_>,
    table: &str,
    columns: &[&str],
    key: &str,
    add: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<()> {
    let updates: Vec<String> = add
        .iter()
        .map(|column| format!("{column} = {table}.{column} + excluded.{column}"))
        .collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut tuples = Vec::with_capacity(chunk.len());
        let mut values = Vec::with_capacity(chunk.len() * columns.len());
        for row in chunk {
            let first = values.len();
            let marks: Vec<String> = (1..=row.len()).map(|n| format!("${}", first + n)).collect();
            tuples.push(format!("({})", marks.join(", ")));
            values.extend(row.iter().cloned());
        }
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {} ON CONFLICT ({key}) DO UPDATE SET {}",
            columns.join(", "),
            tuples.join(", "),
            updates.join(", ")
        );
        conn.execute(&sql, values).await?;
    }
    Ok(())
}

impl Db {
    /// Adds a batch of counters to the stored ones in one transaction. An invalid entry (a
    /// query that is not normalized, more searches without results than searches) fails the
    /// whole batch, naming the entry.
    pub async fn record_analytics(&self, batch: &AnalyticsBatch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut views = Vec::with_capacity(batch.views.len());
        for view in &batch.views {
            views.push(args![
                view.site_id,
                day_text(view.day),
                view.kind.as_str(),
                view.column_id.unwrap_or(0),
                view.item_id.unwrap_or(0),
                count(view.views, "view count")?
            ]);
        }
        let mut queries = Vec::with_capacity(batch.queries.len());
        for query in &batch.queries {
            check_query(query)?;
            queries.push(args![
                query.site_id,
                day_text(query.day),
                query.query.as_str(),
                count(query.searches, "search count")?,
                count(query.zero_results, "search count")?
            ]);
        }
        let mut withheld = Vec::with_capacity(batch.withheld.len());
        for entry in &batch.withheld {
            withheld.push(args![
                entry.site_id,
                day_text(entry.day),
                count(entry.searches, "search count")?
            ]);
        }

        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        upsert(
            &mut conn,
            "analytics_page_views",
            &[
                "site_id",
                "day",
                "path_kind",
                "column_id",
                "item_id",
                "views",
            ],
            "site_id, day, path_kind, column_id, item_id",
            &["views"],
            views,
        )
        .await?;
        upsert(
            &mut conn,
            "analytics_search_queries",
            &["site_id", "day", "query", "searches", "zero_results"],
            "site_id, day, query",
            &["searches", "zero_results"],
            queries,
        )
        .await?;
        upsert(
            &mut conn,
            "analytics_search_withheld",
            &["site_id", "day", "searches"],
            "site_id, day",
            &["searches"],
            withheld,
        )
        .await?;
        tx.commit().await
    }

    /// Deletes the counters of every day before `first_kept` and returns how many rows went.
    pub async fn prune_analytics(&self, first_kept: NaiveDate) -> Result<u64> {
        let day = day_text(first_kept);
        let mut tx = self.begin().await?;
        let mut removed = 0;
        for table in ANALYTICS_TABLES {
            let sql = format!("DELETE FROM {table} WHERE day < $1");
            removed += tx.conn().execute(&sql, args![day.as_str()]).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

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

/// The tables of the analytics store.
pub const ANALYTICS_TABLES: [&str; 3] = [
    "analytics_page_views",
    "analytics_search_queries",
    "analytics_search_withheld",
];

#[cfg(feature = "testing")]
impl Db {
    /// Returns every cell of every row of the analytics tables as text, read with `SELECT *`
    /// so that a column added later is read too, for tests of what the store keeps.
    pub async fn analytics_cells(&self) -> Result<Vec<String>> {
        use sqlx::Row as _;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_normalized() {
        assert_eq!(
            normalize_query("  Hello   World\t"),
            Some("hello world".into())
        );
        assert_eq!(
            normalize_query("社保\u{3000}\u{3000}查询"),
            Some("社保 查询".into())
        );
        assert_eq!(normalize_query(" \n "), None);
        assert_eq!(normalize_query("ÄBC"), Some("Äbc".into()));
        let long = "字".repeat(150);
        assert_eq!(
            normalize_query(&long).map(|q| q.chars().count()),
            Some(MAX_QUERY_CHARS)
        );
        let spaced = format!("{} b", "a".repeat(MAX_QUERY_CHARS - 1));
        assert_eq!(
            normalize_query(&spaced),
            Some("a".repeat(MAX_QUERY_CHARS - 1))
        );
    }
}
