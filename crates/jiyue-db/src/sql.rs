//! A thin layer over the two concrete sqlx drivers: bind values, rows and connections that
//! run the same SQL text on SQLite and PostgreSQL.
//!
//! Queries are written once in the dialect both backends accept: `$1`-style placeholders
//! (sqlx binds `$N` by number on SQLite too), `ON CONFLICT … DO …`, `RETURNING`, and integer
//! microseconds for instants.

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgConnection, Postgres, Row as _, Sqlite, SqliteConnection, Transaction};

use crate::error::{DbError, Result};

/// One bind value. Every integer is bound as a 64-bit integer, matching the BIGINT columns.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(Some(value))
    }
}

impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Self {
        Arg::Int(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(Some(value.to_string()))
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(Some(value))
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(Some(value.clone()))
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        Arg::Text(value)
    }
}

impl From<&Option<String>> for Arg {
    fn from(value: &Option<String>) -> Self {
        Arg::Text(value.clone())
    }
}

impl From<Option<&str>> for Arg {
    fn from(value: Option<&str>) -> Self {
        Arg::Text(value.map(str::to_string))
    }
}

impl From<bool> for Arg {
    fn from(value: bool) -> Self {
        Arg::Bool(value)
    }
}

/// Builds a `Vec<Arg>` from values of mixed types.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::sql::Arg::from($value)),*]
    };
}
pub(crate) use args;

/// Converts an instant to the stored form, integer microseconds since the Unix epoch.
pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// Converts stored microseconds back to an instant.
pub(crate) fn from_micros(value: i64, column: &str) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(value).ok_or_else(|| {
        DbError::Invalid(format!(
            "stored time {value} in column {column} is out of range; repair the row"
        ))
    })
}

/// One result row of either backend.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Pg(PgRow),
}

impl Row {
    /// Reads a non-null integer column.
    pub(crate) fn int(&self, column: &str) -> Result<i64> {
        Ok(match self {
            Row::Sqlite(row) => row.try_get(column)?,
            Row::Pg(row) => row.try_get(column)?,
        })
    }

    /// Reads a nullable integer column.
    pub(crate) fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        Ok(match self {
            Row::Sqlite(row) => row.try_get(column)?,
            Row::Pg(row) => row.try_get(column)?,
        })
    }

    /// Reads a non-null text column.
    pub(crate) fn text(&self, column: &str) -> Result<String> {
        Ok(match self {
            Row::Sqlite(row) => row.try_get(column)?,
            Row::Pg(row) => row.try_get(column)?,
        })
    }

    /// Reads a nullable text column.
    pub(crate) fn opt_text(&self, column: &str) -> Result<Option<String>> {
        Ok(match self {
            Row::Sqlite(row) => row.try_get(column)?,
            Row::Pg(row) => row.try_get(column)?,
        })
    }

    /// Reads a boolean column (INTEGER 0/1 on SQLite, BOOLEAN on PostgreSQL).
    pub(crate) fn flag(&self, column: &str) -> Result<bool> {
        Ok(match self {
            Row::Sqlite(row) => row.try_get(column)?,
            Row::Pg(row) => row.try_get(column)?,
        })
    }

    /// Reads a non-null instant stored as microseconds.
    pub(crate) fn time(&self, column: &str) -> Result<DateTime<Utc>> {
        from_micros(self.int(column)?, column)
    }

    /// Reads a nullable instant stored as microseconds.
    pub(crate) fn opt_time(&self, column: &str) -> Result<Option<DateTime<Utc>>> {
        self.opt_int(column)?
            .map(|value| from_micros(value, column))
            .transpose()
    }
}

/// A borrowed connection of either backend, from a pool or inside a transaction.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

fn sqlite_query(
    sql: &str,
    args: Vec<Arg>,
) -> sqlx::query::Query<'_, Sqlite, sqlx::sqlite::SqliteArguments<'_>> {
    let mut query = sqlx::query(sql);
    for arg in args {
        query = match arg {
            Arg::Int(value) => query.bind(value),
            Arg::Text(value) => query.bind(value),
            Arg::Bool(value) => query.bind(value),
        };
    }
    query
}

fn pg_query(
    sql: &str,
    args: Vec<Arg>,
) -> sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments> {
    let mut query = sqlx::query(sql);
    for arg in args {
        query = match arg {
            Arg::Int(value) => query.bind(value),
            Arg::Text(value) => query.bind(value),
            Arg::Bool(value) => query.bind(value),
        };
    }
    query
}

impl Conn<'_> {
    /// Returns true on PostgreSQL.
    pub(crate) fn is_pg(&self) -> bool {
        matches!(self, Conn::Pg(_))
    }

    /// Runs a statement and returns the number of rows it changed.
    pub(crate) async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> Result<u64> {
        Ok(match self {
            Conn::Sqlite(conn) => sqlite_query(sql, args)
                .execute(&mut **conn)
                .await?
                .rows_affected(),
            Conn::Pg(conn) => pg_query(sql, args)
                .execute(&mut **conn)
                .await?
                .rows_affected(),
        })
    }

    /// Runs a query and returns every row.
    pub(crate) async fn fetch_all(&mut self, sql: &str, args: Vec<Arg>) -> Result<Vec<Row>> {
        Ok(match self {
            Conn::Sqlite(conn) => sqlite_query(sql, args)
                .fetch_all(&mut **conn)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Conn::Pg(conn) => pg_query(sql, args)
                .fetch_all(&mut **conn)
                .await?
                .into_iter()
                .map(Row::Pg)
                .collect(),
        })
    }

    /// Runs a query and returns its first row, if any.
    pub(crate) async fn fetch_optional(
        &mut self,
        sql: &str,
        args: Vec<Arg>,
    ) -> Result<Option<Row>> {
        Ok(match self {
            Conn::Sqlite(conn) => sqlite_query(sql, args)
                .fetch_optional(&mut **conn)
                .await?
                .map(Row::Sqlite),
            Conn::Pg(conn) => pg_query(sql, args)
                .fetch_optional(&mut **conn)
                .await?
                .map(Row::Pg),
        })
    }

    /// Runs a query that must return a row.
    pub(crate) async fn fetch_one(&mut self, sql: &str, args: Vec<Arg>) -> Result<Row> {
        Ok(match self {
            Conn::Sqlite(conn) => {
                Row::Sqlite(sqlite_query(sql, args).fetch_one(&mut **conn).await?)
            }
            Conn::Pg(conn) => Row::Pg(pg_query(sql, args).fetch_one(&mut **conn).await?),
        })
    }
}

/// A pooled connection for reads.
pub(crate) enum Handle {
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

impl Handle {
    /// Borrows the connection.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Handle::Sqlite(conn) => Conn::Sqlite(conn),
            Handle::Pg(conn) => Conn::Pg(conn),
        }
    }
}

/// A write transaction. Dropping it without `commit` rolls it back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

impl Tx {
    /// Borrows the transaction's connection.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Pg(tx) => Conn::Pg(tx),
        }
    }

    /// Commits the transaction.
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Pg(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
