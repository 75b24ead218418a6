//! Analytics without trackers: daily counters of page views per site, column and item, and of
//! searches per normalized query, added in batches by the web layer's writer task. The tables
//! hold no client address, cookie, user agent, session or citizen.
//!
//! Days are China-time dates. Reads take the caller's scope, like the scorecards: the
//! platform scope reaches every site, an organization scope the sites of its subtree, and a
//! site scope that site only.

mod reads;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{ColumnId, ItemId, SiteId};
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
}

/// The tables of the analytics store.
pub const ANALYTICS_TABLES: [&str; 3] = [
    "analytics_page_views",
    "analytics_search_queries",
    "analytics_search_withheld",
];

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
