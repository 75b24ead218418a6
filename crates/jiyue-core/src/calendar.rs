//! The working-day calendar (工作日历) of mainland China that every deadline uses: public
//! holidays and adjusted working days (调休上班日) per year, and counting in working days.
//!
//! A working day is a Monday to Friday that is not a holiday, or any adjusted working day. The
//! shipped calendar is compiled in from `reference/cn-holidays.csv` and an operator can load or
//! replace a year with [`WorkCalendar::with_year`]. A year is loaded when it has entries. For a
//! date in a year that is not loaded, only weekends count as days off and the result is marked
//! provisional (暂定), because that year's holidays are not yet known.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

use chrono::{Datelike, NaiveDate, Weekday};

/// The shipped calendar, columns `date,kind,name_zh,name_en`.
const HOLIDAYS_CSV: &str = include_str!("../../../reference/cn-holidays.csv");

/// The header line a calendar file must start with.
const HEADER: [&str; 4] = ["date", "kind", "name_zh", "name_en"];

/// The largest `days` that [`WorkCalendar::add_working_days`] walks, and larger requests are
/// clamped. At an estimated 250 working days a year, 100,000 working days are about 400 years.
pub const MAX_WORKING_DAYS: u32 = 100_000;

/// The last date that [`WorkCalendar::add_working_days`] returns, and later results are clamped.
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

/// The years an operator can load, matching the four-digit years of the calendar file.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

static SHIPPED: LazyLock<WorkCalendar> = LazyLock::new(|| {
    // NOTE: a shipped file that fails to parse leaves the calendar empty, so every result is
    // provisional instead of wrong. The tests of this module parse and check the shipped file.
    WorkCalendar::parse_csv(HOLIDAYS_CSV)
        .and_then(WorkCalendar::from_entries)
        .unwrap_or_else(|_| WorkCalendar::empty())
});

/// The kind of a calendar entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// 放假: a public holiday, a day off even on a weekday.
    Holiday,
    /// 调休上班: a Saturday or Sunday that is a working day to make up for a holiday.
    AdjustedWorkday,
}

impl DayKind {
    /// Returns the code used in the calendar file: `holiday` or `adjusted_workday`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::AdjustedWorkday => "adjusted_workday",
        }
    }

    /// Parses a code written by [`DayKind::code`], or returns `None` for other text.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "holiday" => Some(Self::Holiday),
            "adjusted_workday" => Some(Self::AdjustedWorkday),
            _ => None,
        }
    }

    /// Returns the Chinese name shown to users: 放假 or 调休上班.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::AdjustedWorkday => "调休上班",
        }
    }
}

/// One line of the calendar: a date that differs from the plain Monday-to-Friday rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    /// The date the entry applies to.
    pub date: NaiveDate,
    /// Whether the date is a day off or a working day.
    pub kind: DayKind,
    /// Chinese name of the festival, such as 春节.
    pub name_zh: String,
    /// English name of the festival, such as Spring Festival.
    pub name_en: String,
}

/// A computed value and whether it is provisional (暂定).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reckoned<T> {
    /// The computed value.
    pub value: T,
    /// True when the computation touched a year that is not loaded, so holidays of that year
    /// were not taken into account. [`WorkCalendar::add_working_days`] also sets it when it
    /// clamps the result.
    pub provisional: bool,
}

/// An error in a calendar file or in the entries of a year an operator loads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The first line is not the header `date,kind,name_zh,name_en`.
    #[error(
        "line 1: invalid header \"{found}\". \
         Start the file with the line date,kind,name_zh,name_en"
    )]
    Header { found: String },

    /// A line with a number of columns other than 4.
    #[error(
        "line {line}: expected 4 columns (date,kind,name_zh,name_en), found {found}. \
         Add the missing columns or quote a name that contains a comma"
    )]
    ColumnCount { line: u64, found: usize },

    /// A date that is not a valid `YYYY-MM-DD` date.
    #[error(
        "line {line}: invalid date \"{value}\". Write the date as YYYY-MM-DD, such as 2025-10-01"
    )]
    InvalidDate { line: u64, value: String },

    /// A kind other than `holiday` or `adjusted_workday`.
    #[error("line {line}: unknown kind \"{value}\". Use holiday or adjusted_workday")]
    UnknownKind { line: u64, value: String },

    /// An empty `name_zh` or `name_en` column.
    #[error("line {line}: column {column} is empty. Give the name of the festival")]
    MissingName { line: u64, column: &'static str },

    /// A line the CSV reader could not read.
    #[error("line {line}: invalid CSV: {message}. Check the quotes on that line")]
    Csv { line: u64, message: String },

    /// A year outside 1 to 9999.
    #[error("year {year} is outside 1 to 9999. Give a four-digit year")]
    YearOutOfRange { year: i32 },

    /// An entry whose date lies in another year than the one being loaded.
    #[error(
        "entry {date} is not in year {year}. Fix the date or load it with year {}",
        date.year()
    )]
    DateOutsideYear { year: i32, date: NaiveDate },

    /// The same date listed twice with the same kind.
    #[error("entry {date} is listed twice. Remove one of the lines")]
    DuplicateDate { date: NaiveDate },

    /// The same date listed both as a holiday and as an adjusted working day.
    #[error(
        "entry {date} is listed both as holiday and as adjusted_workday. \
         Keep only the kind the State Council notice gives"
    )]
    ConflictingKinds { date: NaiveDate },

    /// An adjusted working day on a Monday to Friday, which is a working day anyway.
    #[error(
        "adjusted workday {date} falls on a {}. \
         An adjusted workday must be a Saturday or Sunday, so check the date",
        date.format("%A")
    )]
    AdjustedWorkdayOnWeekday { date: NaiveDate },

    /// A year with no holiday, which means its holidays are missing.
    #[error("year {year} has no holiday. Add the holidays the State Council announced for {year}")]
    NoHoliday { year: i32 },

    /// An entry with an empty `name_zh` or `name_en`.
    #[error("entry {date} has an empty {column}. Give the name of the festival")]
    EmptyName {
        date: NaiveDate,
        column: &'static str,
    },

    /// An entry whose `name_zh` or `name_en` is longer than a festival's name can be.
    #[error("entry {date} has a {column} of {length} characters. Give the festival's name, at most {MAX_NAME_CHARS} characters")]
    NameTooLong {
        date: NaiveDate,
        column: &'static str,
        length: usize,
    },

    /// A year from 2008 on without one of the six festivals every announcement since has
    /// given, which means the file contains part of the announcement only.
    #[error("year {year} has no holiday named {festival}. Every announcement since 2008 gives it; load the whole announcement")]
    MissingFestival { year: i32, festival: &'static str },
}

/// Maximum length of a festival's name, in characters.
pub const MAX_NAME_CHARS: usize = 50;

/// Festivals every State Council announcement since the 2008 reform gives holidays for (the
/// Mid-Autumn Festival may share its days with National Day and its name, so it is not listed).
const FESTIVALS: [&str; 6] = ["元旦", "春节", "清明", "劳动", "端午", "国庆"];

/// The first year of the six-festival holiday scheme.
const FESTIVALS_SINCE: i32 = 2008;

/// Public holidays and adjusted working days by date, and the years they cover.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// Shared between clones, so that [`WorkCalendar::shipped`] copies no entries.
    entries: Arc<BTreeMap<NaiveDate, CalendarEntry>>,
    years: BTreeSet<i32>,
}

impl WorkCalendar {
    /// Returns the calendar compiled in from `reference/cn-holidays.csv` (2004 to 2026), parsed
    /// once on first use.
    pub fn shipped() -> WorkCalendar {
        SHIPPED.clone()
    }

    /// Returns a calendar with no year loaded, where only weekends are days off.
    pub fn empty() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// Parses a calendar file in the format of the shipped one: the header
    /// `date,kind,name_zh,name_en`, then one entry per line. A leading byte order mark and CRLF
    /// line endings are accepted, and blank lines are skipped. Checks each line but not the
    /// rules between lines, which [`WorkCalendar::check_year`] applies.
    pub fn parse_csv(text: &str) -> Result<Vec<CalendarEntry>, CalendarError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());

        let mut records = reader.records();
        let header = match records.next() {
            Some(record) => record.map_err(|error| csv_error(&error))?,
            None => csv::StringRecord::new(),
        };
        if !header.iter().map(str::trim).eq(HEADER) {
            let found = header.iter().collect::<Vec<_>>().join(",");
            return Err(CalendarError::Header { found });
        }

        let mut entries = Vec::new();
        for record in records {
            let record = record.map_err(|error| csv_error(&error))?;
            entries.push(parse_record(&record)?);
        }
        Ok(entries)
    }

    /// Checks the entries of one year an operator adds. Every date must lie in `year` and appear
    /// once, and every adjusted working day must fall on a Saturday or Sunday. The year needs at
    /// least one holiday, and every name must be non-empty.
    pub fn check_year(year: i32, entries: &[CalendarEntry]) -> Result<(), CalendarError> {
        if !YEARS.contains(&year) {
            return Err(CalendarError::YearOutOfRange { year });
        }

        let mut seen: BTreeMap<NaiveDate, DayKind> = BTreeMap::new();
        for entry in entries {
            check_entry(year, entry)?;
            let date = entry.date;
            match seen.insert(date, entry.kind) {
                Some(kind) if kind == entry.kind => {
                    return Err(CalendarError::DuplicateDate { date });
                }
                Some(_) => return Err(CalendarError::ConflictingKinds { date }),
                None => {}
            }
        }

        if !seen.values().any(|kind| *kind == DayKind::Holiday) {
            return Err(CalendarError::NoHoliday { year });
        }
        if year >= FESTIVALS_SINCE {
            for festival in FESTIVALS {
                let given = entries.iter().any(|entry| {
                    entry.kind == DayKind::Holiday && entry.name_zh.contains(festival)
                });
                if !given {
                    return Err(CalendarError::MissingFestival { year, festival });
                }
            }
        }
        Ok(())
    }

    /// Returns a copy of this calendar where `year` is replaced by `entries` and counts as
    /// loaded, after checking them with [`WorkCalendar::check_year`].
    pub fn with_year(
        &self,
        year: i32,
        entries: Vec<CalendarEntry>,
    ) -> Result<WorkCalendar, CalendarError> {
        Self::check_year(year, &entries)?;

        let mut calendar = self.clone();
        let dates = Arc::make_mut(&mut calendar.entries);
        dates.retain(|date, _| date.year() != year);
        dates.extend(entries.into_iter().map(|entry| (entry.date, entry)));
        calendar.years.insert(year);
        Ok(calendar)
    }

    /// Returns the loaded years in ascending order.
    pub fn loaded_years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    /// Returns whether `year` has entries.
    pub fn is_loaded(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Looks up the entry of `date`, if it is a holiday or an adjusted working day.
    pub fn entry(&self, date: NaiveDate) -> Option<&CalendarEntry> {
        self.entries.get(&date)
    }

    /// Returns the entries of `year` in date order, or none when the year is not loaded.
    pub fn entries_of(&self, year: i32) -> Vec<&CalendarEntry> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1);
        let last = NaiveDate::from_ymd_opt(year, 12, 31);
        match first.zip(last) {
            Some((first, last)) => self
                .entries
                .range(first..=last)
                .map(|(_, entry)| entry)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Returns whether `date` is a working day, provisional when its year is not loaded.
    pub fn is_working_day(&self, date: NaiveDate) -> Reckoned<bool> {
        Reckoned {
            value: self.counts_as_working(date),
            provisional: !self.is_loaded(date.year()),
        }
    }

    /// Returns the `days`-th working day after `start`, which itself never counts. With
    /// `days == 0` it returns `start`, not provisional. The result is provisional when a year
    /// after `start`, up to the result, is not loaded.
    ///
    /// Absurd requests saturate instead of failing: `days` above [`MAX_WORKING_DAYS`] is
    /// clamped to it, the result never passes [`LAST_DATE`] (a later `start` is returned as
    /// given), and a clamped result is always provisional.
    pub fn add_working_days(&self, start: NaiveDate, days: u32) -> Reckoned<NaiveDate> {
        let mut clamped = days > MAX_WORKING_DAYS;
        let mut remaining = days.min(MAX_WORKING_DAYS);
        let mut date = start;

        while remaining > 0 {
            let next = match date.succ_opt() {
                Some(next) if next <= LAST_DATE => next,
                _ => {
                    clamped = true;
                    break;
                }
            };
            date = next;
            if self.counts_as_working(date) {
                remaining -= 1;
            }
        }

        Reckoned {
            value: date,
            provisional: clamped || self.touches_unloaded(start, date),
        }
    }

    /// Counts the working days in `(from, to]`, or minus the count in `(to, from]` when `to` is
    /// before `from`, so `add_working_days(d, n)` returning `t` implies a count of `n` from `d`
    /// to `t`. Provisional when a year in the counted range is not loaded. Works in time
    /// proportional to the number of entries, so any pair of dates is safe.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Reckoned<i64> {
        if to < from {
            let reversed = self.working_days_between(to, from);
            return Reckoned {
                value: -reversed.value,
                provisional: reversed.provisional,
            };
        }

        let mut count = weekdays_after_until(from, to);
        for entry in self.entries.range(from..=to).map(|(_, entry)| entry) {
            if entry.date == from {
                continue;
            }
            let weekend = is_weekend(entry.date);
            match entry.kind {
                DayKind::Holiday if !weekend => count -= 1,
                DayKind::AdjustedWorkday if weekend => count += 1,
                _ => {}
            }
        }

        Reckoned {
            value: count,
            provisional: self.touches_unloaded(from, to),
        }
    }

    /// Returns next year when it is not loaded and `today` is on or after November 1, so that
    /// operators can be reminded to load it.
    pub fn missing_next_year(&self, today: NaiveDate) -> Option<i32> {
        let next_year = today.year() + 1;
        (today.month() >= 11 && !self.is_loaded(next_year)).then_some(next_year)
    }

    /// Builds a calendar from entries of any number of years, checking each year.
    fn from_entries(entries: Vec<CalendarEntry>) -> Result<WorkCalendar, CalendarError> {
        let mut by_year: BTreeMap<i32, Vec<CalendarEntry>> = BTreeMap::new();
        for entry in entries {
            by_year.entry(entry.date.year()).or_default().push(entry);
        }

        let mut calendar = WorkCalendar::empty();
        for (year, entries) in by_year {
            calendar = calendar.with_year(year, entries)?;
        }
        Ok(calendar)
    }

    /// Applies the entries to `date`, falling back to Monday to Friday without an entry.
    fn counts_as_working(&self, date: NaiveDate) -> bool {
        match self.entries.get(&date) {
            Some(entry) => entry.kind == DayKind::AdjustedWorkday,
            None => !is_weekend(date),
        }
    }

    /// Returns whether a year of a date in `(from, to]` is not loaded.
    fn touches_unloaded(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let Some(first) = from.succ_opt().filter(|first| *first <= to) else {
            return false;
        };
        let (first, last) = (first.year(), to.year());
        let expected = i64::from(last) - i64::from(first) + 1;
        let loaded = self.years.range(first..=last).count();
        i64::try_from(loaded) != Ok(expected)
    }
}

/// Checks one entry of `year` on its own: its year, its weekday and its names.
fn check_entry(year: i32, entry: &CalendarEntry) -> Result<(), CalendarError> {
    let date = entry.date;
    if date.year() != year {
        return Err(CalendarError::DateOutsideYear { year, date });
    }
    if entry.kind == DayKind::AdjustedWorkday && !is_weekend(date) {
        return Err(CalendarError::AdjustedWorkdayOnWeekday { date });
    }
    if entry.name_zh.trim().is_empty() {
        return Err(CalendarError::EmptyName {
            date,
            column: "name_zh",
        });
    }
    if entry.name_en.trim().is_empty() {
        return Err(CalendarError::EmptyName {
            date,
            column: "name_en",
        });
    }
    for (column, name) in [("name_zh", &entry.name_zh), ("name_en", &entry.name_en)] {
        let length = name.chars().count();
        if length > MAX_NAME_CHARS {
            return Err(CalendarError::NameTooLong {
                date,
                column,
                length,
            });
        }
    }
    Ok(())
}

/// Reads one `date,kind,name_zh,name_en` line.
fn parse_record(record: &csv::StringRecord) -> Result<CalendarEntry, CalendarError> {
    let line = record.position().map_or(0, csv::Position::line);
    let fields: Vec<&str> = record.iter().map(str::trim).collect();
    let [date, kind, name_zh, name_en] = fields[..] else {
        let found = record.len();
        return Err(CalendarError::ColumnCount { line, found });
    };

    // chrono also accepts one-digit months and days, which the file format does not allow.
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .filter(|_| date.len() == 10)
        .ok_or_else(|| CalendarError::InvalidDate {
            line,
            value: date.to_owned(),
        })?;
    let kind = DayKind::parse(kind).ok_or_else(|| CalendarError::UnknownKind {
        line,
        value: kind.to_owned(),
    })?;
    if name_zh.is_empty() {
        return Err(CalendarError::MissingName {
            line,
            column: "name_zh",
        });
    }
    if name_en.is_empty() {
        return Err(CalendarError::MissingName {
            line,
            column: "name_en",
        });
    }

    Ok(CalendarEntry {
        date,
        kind,
        name_zh: name_zh.to_owned(),
        name_en: name_en.to_owned(),
    })
}

/// Converts a CSV reader error, keeping the line it names.
fn csv_error(error: &csv::Error) -> CalendarError {
    let line = error.position().map_or(0, csv::Position::line);
    CalendarError::Csv {
        line,
        message: error.to_string(),
    }
}

/// Returns whether `date` is a Saturday or Sunday.
fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Counts the Mondays to Fridays in `(from, to]`, for `from <= to`.
fn weekdays_after_until(from: NaiveDate, to: NaiveDate) -> i64 {
    let days = (to - from).num_days();
    let mut count = days / 7 * 5;

    // The remaining days after the whole weeks are the last `days % 7` days of the range.
    let mut date = to;
    for _ in 0..days % 7 {
        if !is_weekend(date) {
            count += 1;
        }
        date = date.pred_opt().unwrap_or(date);
    }
    count
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
