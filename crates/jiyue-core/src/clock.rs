//! The source of the current time. Domain and storage code take a `Clock` so that tests can
//! fix and move time; only the binary reads the system clock.

use std::sync::Mutex;

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};

/// A source of the current instant in UTC.
pub trait Clock: Send + Sync {
    /// Returns the current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// A clock that stays at a set instant until a test moves it.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    /// Creates a clock stopped at `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut at) = self.0.lock() {
            *at += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(at) => *at,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// China Standard Time: UTC+8 all year, with no daylight saving.
pub fn china_offset() -> FixedOffset {
    // 8 hours is within the range `east_opt` accepts, so the fallback is never taken.
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// Converts an instant to China Standard Time.
pub fn to_china(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&china_offset())
}

/// Formats an instant as China Standard Time, `YYYY-MM-DD HH:MM`, the form of `PubDate`.
pub fn format_china_minute(at: DateTime<Utc>) -> String {
    to_china(at).format("%Y-%m-%d %H:%M").to_string()
}

/// Parses a civil time in China Standard Time, written `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DD`
/// (midnight), into an instant.
pub fn parse_china_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|date| date.and_time(chrono::NaiveTime::MIN))
        })
        .ok()?;
    china_offset()
        .from_local_datetime(&naive)
        .single()
        .map(|at| at.with_timezone(&Utc))
}
