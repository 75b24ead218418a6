//! Calendar years an operator loads from the State Council's yearly announcement of public
//! holidays and adjusted working days. They add to the years shipped in the binary, or
//! replace a shipped year. Checking a year's content is `jiyue_core::calendar`'s business;
//! here it is only stored, whole, in one transaction.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use super::SERVICES_TAG;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::outbox::{insert_events, NewEvent};
use crate::sql::{args, micros};

/// One listed day of a loaded year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    /// `holiday` or `adjusted_workday`.
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A year an operator loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    /// Who loaded it: a staff user name, or `cli` for the command line.
    pub loaded_by: String,
    pub loaded_at: DateTime<Utc>,
}

impl Db {
    /// Returns the days of every loaded year, in date order.
    pub async fn calendar_days(&self) -> Result<Vec<CalendarDay>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT day, kind, name_zh, name_en FROM calendar_days ORDER BY day",
                args![],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let text = row.text("day")?;
                let day = NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    DbError::Invalid(format!(
                        "calendar day \"{text}\" is not a date; load its year again"
                    ))
                })?;
                Ok(CalendarDay {
                    day,
                    kind: row.text("kind")?,
                    name_zh: row.text("name_zh")?,
                    name_en: row.text("name_en")?,
                })
            })
            .collect()
    }

    /// Returns the years an operator loaded, in order.
    pub async fn calendar_years(&self) -> Result<Vec<CalendarYear>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT year, loaded_by, loaded_at FROM calendar_years ORDER BY year",
                args![],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(CalendarYear {
                    year: i32::try_from(row.int("year")?).unwrap_or_default(),
                    loaded_by: row.text("loaded_by")?,
                    loaded_at: row.time("loaded_at")?,
                })
            })
            .collect()
    }

    /// Stores `days` as the whole of `year`, replacing what was loaded for it before, and
    /// records an event so every node reloads its calendar and re-renders the pages that
    /// show deadlines.
    pub async fn save_calendar_year(
        &self,
        year: i32,
        days: &[CalendarDay],
        loaded_by: &str,
    ) -> Result<()> {
        if let Some(day) = days.iter().find(|day| day.day.year() != year) {
            return Err(DbError::Invalid(format!(
                "{} is not in {year}; load one year at a time",
                day.day
            )));
        }
        let now = self.now();
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                "DELETE FROM calendar_days WHERE year = $1",
                args![i64::from(year)],
            )
            .await?;
        for day in days {
            tx.conn()
                .execute(
                    "INSERT INTO calendar_days (day, year, kind, name_zh, name_en) \
                     VALUES ($1, $2, $3, $4, $5)",
                    args![
                        day.day.format("%Y-%m-%d").to_string(),
                        i64::from(year),
                        day.kind.as_str(),
                        day.name_zh.as_str(),
                        day.name_en.as_str()
                    ],
                )
                .await?;
        }
        tx.conn()
            .execute(
                "DELETE FROM calendar_years WHERE year = $1",
                args![i64::from(year)],
            )
            .await?;
        tx.conn()
            .execute(
                "INSERT INTO calendar_years (year, loaded_by, loaded_at) VALUES ($1, $2, $3)",
                args![i64::from(year), loaded_by, micros(now)],
            )
            .await?;
        let event = NewEvent {
            kind: "calendar.changed",
            tags: [SERVICES_TAG.to_string()].into_iter().collect(),
            item_id: None,
            site_id: None,
        };
        insert_events(&mut tx.conn(), micros(now), &[event]).await?;
        tx.commit().await
    }
}
