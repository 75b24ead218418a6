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

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Timelike};

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
    }

    #[test]
    fn fixed_clock_stays_until_advanced() {
        let start = utc(2024, 1, 5, 3, 0, 0);
        let clock = FixedClock::new(start);
        assert_eq!(clock.now(), start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::hours(25));
        assert_eq!(clock.now(), utc(2024, 1, 6, 4, 0, 0));
    }

    #[test]
    fn clock_works_as_trait_object() {
        let clock: Box<dyn Clock> = Box::new(FixedClock::new(utc(2020, 2, 29, 0, 0, 0)));
        assert_eq!(clock.now().day(), 29);
    }

    #[test]
    fn china_is_eight_hours_ahead() {
        assert_eq!(china_offset().local_minus_utc(), 8 * 3600);
        let china = to_china(utc(2023, 12, 31, 16, 30, 0));
        assert_eq!((china.year(), china.month(), china.day()), (2024, 1, 1));
        assert_eq!((china.hour(), china.minute()), (0, 30));
    }

    #[test]
    fn format_uses_china_minutes() {
        assert_eq!(
            format_china_minute(utc(2018, 9, 20, 16, 30, 59)),
            "2018-09-21 00:30"
        );
        assert_eq!(
            format_china_minute(utc(2024, 7, 1, 0, 0, 0)),
            "2024-07-01 08:00"
        );
    }

    #[test]
    fn parse_accepts_every_form() {
        let expected = utc(2018, 9, 20, 16, 30, 0);
        assert_eq!(parse_china_time("2018-09-21 00:30"), Some(expected));
        assert_eq!(parse_china_time(" 2018-09-21 00:30:00 "), Some(expected));
        assert_eq!(parse_china_time("2018-09-21T00:30:00"), Some(expected));
        assert_eq!(
            parse_china_time("2018-09-21"),
            Some(utc(2018, 9, 20, 16, 0, 0))
        );
    }

    #[test]
    fn parse_rejects_bad_times() {
        for text in [
            "",
            "2018-09-31",
            "2018-13-01 00:00",
            "2018/09/21",
            "21-09-2018",
            "now",
        ] {
            assert_eq!(parse_china_time(text), None, "{text}");
        }
    }

    #[test]
    fn format_and_parse_round_trip() {
        let at = utc(2022, 3, 4, 5, 6, 0);
        assert_eq!(parse_china_time(&format_china_minute(at)), Some(at));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = parse_china_time(&text);
        }

        #[test]
        fn minutes_round_trip(minutes in 0i64..100_000_000) {
            let at = DateTime::from_timestamp(minutes * 60, 0).unwrap();
            proptest::prop_assert_eq!(parse_china_time(&format_china_minute(at)), Some(at));
        }
    }
}
