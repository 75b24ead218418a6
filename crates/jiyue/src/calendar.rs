//! `jiyue calendar`: the working-day calendar from the command line: the years shipped in the
//! binary and those an operator loaded, one year's entries, loading a year from the State
//! Council's announcement, and reckoning working days.

use std::path::PathBuf;

use anyhow::{bail, Context};
use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use jiyue_core::calendar::{CalendarEntry, WorkCalendar};
use jiyue_db::{CalendarDay, Db};

/// The subcommands of `jiyue calendar`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum CalendarCommand {
    /// List every year with its number of holidays and adjusted working days, and whether it
    /// is shipped in the binary or was loaded by an operator
    List,
    /// Print the holidays and adjusted working days of one year
    Show {
        /// The year, such as 2026
        year: i32,
    },
    /// Load one year from a CSV file in the shipped format (date,kind,name_zh,name_en),
    /// replacing that year's entries
    Add {
        /// The CSV file of one year
        file: PathBuf,
    },
    /// Tell whether DATE is a working day, or with --add N which date is N working days later
    Check {
        /// The date, `YYYY-MM-DD`
        date: String,
        /// Working days to add to DATE
        #[arg(long)]
        add: Option<u32>,
    },
}

/// Runs one `jiyue calendar` subcommand. `today` is the China date, for the warning that next
/// year's calendar is missing, printed on standard error from November on.
pub async fn run(db: &Db, command: CalendarCommand, today: NaiveDate) -> anyhow::Result<()> {
    let calendar = jiyue_web::load_calendar(db)
        .await
        .context("failed to read the loaded calendar years")?;
    match command {
        CalendarCommand::List => list(db, &calendar).await?,
        CalendarCommand::Show { year } => show(&calendar, year)?,
        CalendarCommand::Add { file } => add(db, &calendar, &file).await?,
        CalendarCommand::Check { date, add } => check(&calendar, &date, add)?,
    }
    let calendar = jiyue_web::load_calendar(db).await?;
    if let Some(year) = calendar.missing_next_year(today) {
        eprintln!(
            "warning: the working-day calendar of {year} is not loaded, so its dates count \
             weekends only and are provisional (暂定); load it with `jiyue calendar add FILE` \
             once the State Council announces it"
        );
    }
    Ok(())
}

async fn list(db: &Db, calendar: &WorkCalendar) -> anyhow::Result<()> {
    let loaded = db.calendar_years().await?;
    println!("year  holidays  adjusted  origin");
    for year in calendar.loaded_years() {
        let entries = calendar.entries_of(year);
        let holidays = entries
            .iter()
            .filter(|entry| entry.kind == jiyue_core::calendar::DayKind::Holiday)
            .count();
        let origin = match loaded.iter().find(|stored| stored.year == year) {
            Some(stored) => format!(
                "loaded by {} at {}",
                stored.loaded_by,
                jiyue_core::clock::format_china_minute(stored.loaded_at)
            ),
            None => "shipped".to_owned(),
        };
        println!(
            "{year}  {holidays:>8}  {:>8}  {origin}",
            entries.len() - holidays
        );
    }
    Ok(())
}

fn show(calendar: &WorkCalendar, year: i32) -> anyhow::Result<()> {
    if !calendar.is_loaded(year) {
        bail!(
            "the calendar of {year} is not loaded; its dates count weekends only (暂定). Load it \
             with `jiyue calendar add FILE`"
        );
    }
    println!("date,kind,name_zh,name_en");
    for entry in calendar.entries_of(year) {
        println!(
            "{},{},{},{}",
            entry.date,
            entry.kind.code(),
            entry.name_zh,
            entry.name_en
        );
    }
    Ok(())
}

async fn add(db: &Db, calendar: &WorkCalendar, file: &PathBuf) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("failed to read {}; check the path", file.display()))?;
    let entries = WorkCalendar::parse_csv(&text).with_context(|| format!("{}", file.display()))?;
    let year = single_year(&entries).with_context(|| {
        format!(
            "{}: the file must contain the entries of one year",
            file.display()
        )
    })?;
    WorkCalendar::check_year(year, &entries).with_context(|| format!("{}", file.display()))?;
    let days: Vec<CalendarDay> = entries.iter().map(calendar_day).collect();
    db.save_calendar_year(year, &days, "cli").await?;
    let holidays = entries
        .iter()
        .filter(|entry| entry.kind == jiyue_core::calendar::DayKind::Holiday)
        .count();
    let replaced = if calendar.is_loaded(year) {
        " (replacing the earlier entries)"
    } else {
        ""
    };
    println!(
        "loaded {year}{replaced}: {holidays} holidays, {} adjusted working days",
        entries.len() - holidays
    );
    Ok(())
}

/// Returns the one year of the entries.
fn single_year(entries: &[CalendarEntry]) -> anyhow::Result<i32> {
    let Some(first) = entries.first() else {
        bail!("it lists no dates; add the holidays of the year");
    };
    let year = first.date.year();
    if let Some(other) = entries.iter().find(|entry| entry.date.year() != year) {
        bail!(
            "{} is not in {year}; put each year in its own file",
            other.date
        );
    }
    Ok(year)
}

fn calendar_day(entry: &CalendarEntry) -> CalendarDay {
    CalendarDay {
        day: entry.date,
        kind: entry.kind.code().to_owned(),
        name_zh: entry.name_zh.clone(),
        name_en: entry.name_en.clone(),
    }
}

/// Most working days `check --add` counts, as for the admin interface's date check.
const MAX_CHECK_DAYS: u32 = 1000;

fn check(calendar: &WorkCalendar, date: &str, add: Option<u32>) -> anyhow::Result<()> {
    let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
        bail!("invalid date \"{date}\"; write it as YYYY-MM-DD, such as 2026-12-31");
    };
    let mark = |provisional: bool| {
        if provisional {
            " (provisional 暂定: a year on the way is not loaded, so only weekends count)"
        } else {
            ""
        }
    };
    match add {
        None => {
            let working = calendar.is_working_day(date);
            let verdict = if working.value {
                "working day"
            } else {
                "day off"
            };
            let what = match calendar.entry(date) {
                Some(entry) => format!("{verdict}, {} ({})", entry.kind.name_zh(), entry.name_zh),
                None if working.value => verdict.to_owned(),
                None => format!("{verdict}, weekend"),
            };
            println!("{date}: {what}{}", mark(working.provisional));
        }
        Some(days) => {
            if days > MAX_CHECK_DAYS {
                bail!(
                    "{days} working days is more than any time limit; give at most {MAX_CHECK_DAYS}"
                );
            }
            let result = calendar.add_working_days(date, days);
            println!(
                "{date} + {days} working days = {}{}",
                result.value,
                mark(result.provisional)
            );
        }
    }
    Ok(())
}
