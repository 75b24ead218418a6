use proptest::prelude::*;

use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn add(calendar: &WorkCalendar, start: &str, days: u32) -> Reckoned<NaiveDate> {
    calendar.add_working_days(day(start), days)
}

fn between(calendar: &WorkCalendar, from: &str, to: &str) -> Reckoned<i64> {
    calendar.working_days_between(day(from), day(to))
}

fn exact<T>(value: T) -> Reckoned<T> {
    Reckoned {
        value,
        provisional: false,
    }
}

fn provisional<T>(value: T) -> Reckoned<T> {
    Reckoned {
        value,
        provisional: true,
    }
}

fn entry(date: &str, kind: DayKind) -> CalendarEntry {
    CalendarEntry {
        date: day(date),
        kind,
        name_zh: "元旦".to_owned(),
        name_en: "New Year's Day".to_owned(),
    }
}

fn festival(date: &str, name_zh: &str, name_en: &str) -> CalendarEntry {
    CalendarEntry {
        date: day(date),
        kind: DayKind::Holiday,
        name_zh: name_zh.to_owned(),
        name_en: name_en.to_owned(),
    }
}

/// Builds a made-up 2027: New Year's Day on Friday 2027-01-01, an adjusted Saturday
/// 2027-01-09, and one day for each of the other festivals every announcement gives.
fn entries_2027() -> Vec<CalendarEntry> {
    vec![
        entry("2027-01-01", DayKind::Holiday),
        entry("2027-01-09", DayKind::AdjustedWorkday),
        festival("2027-02-08", "春节", "Spring Festival"),
        festival("2027-04-05", "清明节", "Qingming Festival"),
        festival("2027-05-03", "劳动节", "Labour Day"),
        festival("2027-06-09", "端午节", "Dragon Boat Festival"),
        festival("2027-10-01", "国庆节", "National Day"),
    ]
}

#[test]
fn a_partial_announcement_is_refused() {
    let mut entries = entries_2027();
    entries.retain(|entry| entry.name_zh != "端午节");
    assert_eq!(
        WorkCalendar::check_year(2027, &entries),
        Err(CalendarError::MissingFestival {
            year: 2027,
            festival: "端午"
        })
    );
    // Years before the 2008 reform had three festivals only.
    let old = vec![entry("2004-01-01", DayKind::Holiday)];
    assert_eq!(WorkCalendar::check_year(2004, &old), Ok(()));
    let mut long = entries_2027();
    long[0].name_zh = "元".repeat(51);
    assert!(matches!(
        WorkCalendar::check_year(2027, &long),
        Err(CalendarError::NameTooLong { length: 51, .. })
    ));
}

#[test]
fn day_kind_codes_round_trip() {
    for kind in [DayKind::Holiday, DayKind::AdjustedWorkday] {
        assert_eq!(DayKind::parse(kind.code()), Some(kind));
    }
    assert_eq!(DayKind::Holiday.code(), "holiday");
    assert_eq!(DayKind::AdjustedWorkday.code(), "adjusted_workday");
    assert_eq!(DayKind::Holiday.name_zh(), "放假");
    assert_eq!(DayKind::AdjustedWorkday.name_zh(), "调休上班");
    assert_eq!(DayKind::parse("Holiday"), None);
    assert_eq!(DayKind::parse(""), None);
}

#[test]
fn shipped_file_loads_every_year() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(calendar.loaded_years(), (2004..=2026).collect::<Vec<_>>());
    assert!(!calendar.is_loaded(2003));
    assert!(!calendar.is_loaded(2027));

    let entries = WorkCalendar::parse_csv(HOLIDAYS_CSV).unwrap();
    assert_eq!(entries.len(), 769);
    for year in 2004..=2026 {
        let of_year: Vec<CalendarEntry> = entries
            .iter()
            .filter(|entry| entry.date.year() == year)
            .cloned()
            .collect();
        assert_eq!(
            WorkCalendar::check_year(year, &of_year),
            Ok(()),
            "year {year}"
        );
        assert_eq!(
            calendar.entries_of(year).len(),
            of_year.len(),
            "year {year}"
        );
    }
}

#[test]
fn shipped_entry_lookup() {
    let calendar = WorkCalendar::shipped();
    let labour_day = calendar.entry(day("2025-05-01")).unwrap();
    assert_eq!(labour_day.kind, DayKind::Holiday);
    assert_eq!(labour_day.name_zh, "劳动节");
    assert_eq!(labour_day.name_en, "Labour Day");
    assert_eq!(calendar.entry(day("2025-05-06")), None);

    let first = calendar.entries_of(2025)[0];
    assert_eq!(first.date, day("2025-01-01"));
    assert_eq!(calendar.entries_of(2025).len(), 33);
    assert!(calendar.entries_of(2027).is_empty());
    assert!(calendar.entries_of(i32::MAX).is_empty());
}

#[test]
fn labour_day_2025_adjusted_sunday() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(add(&calendar, "2025-04-25", 1), exact(day("2025-04-27")));
    assert_eq!(add(&calendar, "2025-04-25", 4), exact(day("2025-04-30")));
    assert_eq!(add(&calendar, "2025-04-25", 5), exact(day("2025-05-06")));
    assert_eq!(between(&calendar, "2025-04-25", "2025-05-06"), exact(5));
    assert_eq!(calendar.is_working_day(day("2025-04-27")), exact(true));
    assert_eq!(calendar.is_working_day(day("2025-05-05")), exact(false));
}

#[test]
fn zero_days_returns_start() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(add(&calendar, "2025-05-01", 0), exact(day("2025-05-01")));
    assert_eq!(add(&calendar, "2030-05-01", 0), exact(day("2030-05-01")));
    assert_eq!(between(&calendar, "2030-05-01", "2030-05-01"), exact(0));
}

#[test]
fn spring_festival_2025() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(calendar.is_working_day(day("2025-01-26")), exact(true));
    assert_eq!(calendar.is_working_day(day("2025-01-27")), exact(true));
    assert_eq!(calendar.is_working_day(day("2025-01-28")), exact(false));
    assert_eq!(calendar.is_working_day(day("2025-02-04")), exact(false));
    assert_eq!(calendar.is_working_day(day("2025-02-08")), exact(true));
    assert_eq!(calendar.is_working_day(day("2025-02-09")), exact(false));

    assert_eq!(add(&calendar, "2025-01-24", 1), exact(day("2025-01-26")));
    assert_eq!(add(&calendar, "2025-01-24", 2), exact(day("2025-01-27")));
    assert_eq!(add(&calendar, "2025-01-24", 3), exact(day("2025-02-05")));
    assert_eq!(add(&calendar, "2025-02-05", 3), exact(day("2025-02-08")));
    assert_eq!(between(&calendar, "2025-01-24", "2025-02-10"), exact(7));
}

#[test]
fn spring_festival_2024() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(calendar.is_working_day(day("2024-02-04")), exact(true));
    assert_eq!(calendar.is_working_day(day("2024-02-12")), exact(false));
    assert_eq!(calendar.is_working_day(day("2024-02-18")), exact(true));

    assert_eq!(add(&calendar, "2024-02-09", 1), exact(day("2024-02-18")));
    assert_eq!(add(&calendar, "2024-02-09", 2), exact(day("2024-02-19")));
    assert_eq!(between(&calendar, "2024-02-02", "2024-02-19"), exact(8));
}

#[test]
fn spring_festival_2026() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(calendar.is_working_day(day("2026-02-14")), exact(true));
    assert_eq!(calendar.is_working_day(day("2026-02-23")), exact(false));
    assert_eq!(calendar.is_working_day(day("2026-02-28")), exact(true));

    assert_eq!(add(&calendar, "2026-02-13", 1), exact(day("2026-02-14")));
    assert_eq!(add(&calendar, "2026-02-13", 2), exact(day("2026-02-24")));
    assert_eq!(add(&calendar, "2026-02-24", 4), exact(day("2026-02-28")));
    assert_eq!(between(&calendar, "2026-02-13", "2026-02-28"), exact(6));
}

#[test]
fn national_day_2024() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(calendar.is_working_day(day("2024-09-29")), exact(true));
    assert_eq!(calendar.is_working_day(day("2024-10-07")), exact(false));
    assert_eq!(calendar.is_working_day(day("2024-10-12")), exact(true));

    assert_eq!(add(&calendar, "2024-09-30", 1), exact(day("2024-10-08")));
    assert_eq!(between(&calendar, "2024-09-27", "2024-10-12"), exact(7));
}

#[test]
fn national_day_2026() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(calendar.is_working_day(day("2026-09-20")), exact(true));
    assert_eq!(calendar.is_working_day(day("2026-09-25")), exact(false));
    assert_eq!(calendar.is_working_day(day("2026-10-07")), exact(false));
    assert_eq!(calendar.is_working_day(day("2026-10-10")), exact(true));

    assert_eq!(add(&calendar, "2026-09-30", 1), exact(day("2026-10-08")));
    assert_eq!(add(&calendar, "2026-09-18", 1), exact(day("2026-09-20")));
    assert_eq!(between(&calendar, "2026-09-18", "2026-10-10"), exact(11));
}

#[test]
fn year_end_into_loaded_year() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(add(&calendar, "2025-12-31", 1), exact(day("2026-01-04")));
    assert_eq!(add(&calendar, "2025-12-31", 2), exact(day("2026-01-05")));
    assert_eq!(between(&calendar, "2025-12-31", "2026-01-05"), exact(2));
}

#[test]
fn year_end_into_unloaded_year() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(add(&calendar, "2026-12-30", 1), exact(day("2026-12-31")));
    assert_eq!(
        add(&calendar, "2026-12-31", 1),
        provisional(day("2027-01-01"))
    );
    assert_eq!(
        add(&calendar, "2026-12-31", 2),
        provisional(day("2027-01-04"))
    );
    assert_eq!(
        between(&calendar, "2026-12-31", "2027-01-04"),
        provisional(2)
    );
    assert_eq!(
        calendar.is_working_day(day("2027-01-01")),
        provisional(true)
    );
    assert_eq!(
        calendar.is_working_day(day("2027-01-02")),
        provisional(false)
    );
}

#[test]
fn unloaded_year_before_start_ignored() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(add(&calendar, "2003-12-31", 1), exact(day("2004-01-02")));
    assert_eq!(between(&calendar, "2003-12-31", "2004-01-02"), exact(1));
    assert_eq!(
        between(&calendar, "2003-12-30", "2004-01-02"),
        provisional(2)
    );
}

#[test]
fn between_negative_when_reversed() {
    let calendar = WorkCalendar::shipped();
    assert_eq!(between(&calendar, "2025-05-06", "2025-04-25"), exact(-5));
    assert_eq!(
        between(&calendar, "2027-01-04", "2026-12-31"),
        provisional(-2)
    );
}

#[test]
fn empty_calendar_counts_weekends_only() {
    let calendar = WorkCalendar::empty();
    assert!(calendar.loaded_years().is_empty());
    assert_eq!(
        add(&calendar, "2025-04-25", 5),
        provisional(day("2025-05-02"))
    );
    assert_eq!(
        between(&calendar, "2025-04-25", "2025-05-02"),
        provisional(5)
    );
    assert_eq!(
        calendar.is_working_day(day("2025-05-01")),
        provisional(true)
    );
}

#[test]
fn absurd_inputs_saturate() {
    let calendar = WorkCalendar::shipped();
    let clamped = add(&calendar, "2025-01-01", u32::MAX);
    assert_eq!(clamped, add(&calendar, "2025-01-01", MAX_WORKING_DAYS));
    assert!(clamped.provisional);
    assert_eq!(
        between(&calendar, "2025-01-01", &clamped.value.to_string()).value,
        100_000
    );

    assert_eq!(add(&calendar, "9999-12-30", 5), provisional(LAST_DATE));
    let far = NaiveDate::from_ymd_opt(20_000, 6, 1).unwrap();
    assert_eq!(calendar.add_working_days(far, 3), provisional(far));

    let span = calendar.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
    assert!(span.provisional);
    assert!(span.value > 0);
}

#[test]
fn with_year_loads_and_clears_provisional() {
    let shipped = WorkCalendar::shipped();
    let calendar = shipped.with_year(2027, entries_2027()).unwrap();
    assert_eq!(calendar.loaded_years().last(), Some(&2027));
    assert!(calendar.is_loaded(2027));
    assert!(!shipped.is_loaded(2027));

    assert_eq!(add(&calendar, "2026-12-31", 1), exact(day("2027-01-04")));
    assert_eq!(between(&calendar, "2026-12-31", "2027-01-04"), exact(1));
    assert_eq!(calendar.is_working_day(day("2027-01-09")), exact(true));
    assert_eq!(add(&calendar, "2027-01-08", 1), exact(day("2027-01-09")));
}

#[test]
fn with_year_replaces_year() {
    let shipped = WorkCalendar::shipped();
    let short = vec![
        entry("2025-01-01", DayKind::Holiday),
        festival("2025-01-29", "春节", "Spring Festival"),
        festival("2025-04-04", "清明节", "Qingming Festival"),
        festival("2025-05-05", "劳动节", "Labour Day"),
        festival("2025-05-31", "端午节", "Dragon Boat Festival"),
        festival("2025-10-01", "国庆节", "National Day"),
    ];
    let replaced = shipped.with_year(2025, short).unwrap();
    assert_eq!(replaced.entries_of(2025).len(), 6);
    assert_eq!(replaced.entries_of(2024).len(), 36);
    assert_eq!(replaced.entry(day("2025-05-01")), None);
    assert_eq!(add(&replaced, "2025-04-25", 5), exact(day("2025-05-02")));
    assert_eq!(add(&shipped, "2025-04-25", 5), exact(day("2025-05-06")));
}

#[test]
fn check_year_rejects_bad_entries() {
    let holiday = entry("2027-01-01", DayKind::Holiday);
    let cases: Vec<(i32, Vec<CalendarEntry>, CalendarError)> = vec![
        (0, entries_2027(), CalendarError::YearOutOfRange { year: 0 }),
        (
            10_000,
            entries_2027(),
            CalendarError::YearOutOfRange { year: 10_000 },
        ),
        (
            2028,
            entries_2027(),
            CalendarError::DateOutsideYear {
                year: 2028,
                date: day("2027-01-01"),
            },
        ),
        (
            2027,
            vec![holiday.clone(), holiday.clone()],
            CalendarError::DuplicateDate {
                date: day("2027-01-01"),
            },
        ),
        (
            2027,
            vec![
                entry("2027-01-02", DayKind::AdjustedWorkday),
                entry("2027-01-02", DayKind::Holiday),
            ],
            CalendarError::ConflictingKinds {
                date: day("2027-01-02"),
            },
        ),
        (
            2027,
            vec![
                holiday.clone(),
                entry("2027-01-04", DayKind::AdjustedWorkday),
            ],
            CalendarError::AdjustedWorkdayOnWeekday {
                date: day("2027-01-04"),
            },
        ),
        (
            2027,
            vec![entry("2027-01-09", DayKind::AdjustedWorkday)],
            CalendarError::NoHoliday { year: 2027 },
        ),
        (2027, Vec::new(), CalendarError::NoHoliday { year: 2027 }),
        (
            2027,
            vec![CalendarEntry {
                name_zh: " ".to_owned(),
                ..holiday.clone()
            }],
            CalendarError::EmptyName {
                date: day("2027-01-01"),
                column: "name_zh",
            },
        ),
        (
            2027,
            vec![CalendarEntry {
                name_en: String::new(),
                ..holiday.clone()
            }],
            CalendarError::EmptyName {
                date: day("2027-01-01"),
                column: "name_en",
            },
        ),
    ];

    let shipped = WorkCalendar::shipped();
    for (year, entries, expected) in cases {
        assert_eq!(
            WorkCalendar::check_year(year, &entries),
            Err(expected.clone())
        );
        assert_eq!(shipped.with_year(year, entries).unwrap_err(), expected);
    }
    assert_eq!(WorkCalendar::check_year(2027, &entries_2027()), Ok(()));
}

#[test]
fn check_year_messages_name_value_and_fix() {
    let error = CalendarError::AdjustedWorkdayOnWeekday {
        date: day("2027-01-04"),
    };
    assert_eq!(
        error.to_string(),
        "adjusted workday 2027-01-04 falls on a Monday. An adjusted workday must be a Saturday or \
         Sunday, so check the date"
    );
    let error = CalendarError::DateOutsideYear {
        year: 2028,
        date: day("2027-01-01"),
    };
    assert_eq!(
        error.to_string(),
        "entry 2027-01-01 is not in year 2028. Fix the date or load it with year 2027"
    );
}

#[test]
fn missing_next_year_from_november() {
    let shipped = WorkCalendar::shipped();
    assert_eq!(shipped.missing_next_year(day("2026-10-31")), None);
    assert_eq!(shipped.missing_next_year(day("2026-11-01")), Some(2027));
    assert_eq!(shipped.missing_next_year(day("2026-12-31")), Some(2027));
    assert_eq!(shipped.missing_next_year(day("2025-11-01")), None);

    let loaded = shipped.with_year(2027, entries_2027()).unwrap();
    assert_eq!(loaded.missing_next_year(day("2026-11-01")), None);
    assert_eq!(loaded.missing_next_year(day("2027-01-15")), None);
}

#[test]
fn parse_csv_accepts_bom_and_crlf() {
    let text = "\u{feff}date,kind,name_zh,name_en\r\n\
                2027-01-01,holiday,元旦,New Year's Day\r\n\
                \r\n\
                2027-01-09,adjusted_workday,元旦,\"New Year's Day, adjusted\"\r\n";
    let entries = WorkCalendar::parse_csv(text).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0], entry("2027-01-01", DayKind::Holiday));
    assert_eq!(entries[1].date, day("2027-01-09"));
    assert_eq!(entries[1].kind, DayKind::AdjustedWorkday);
    assert_eq!(entries[1].name_en, "New Year's Day, adjusted");
    assert_eq!(
        WorkCalendar::parse_csv("date,kind,name_zh,name_en\n").unwrap(),
        Vec::new()
    );
}

#[test]
fn parse_csv_errors_name_line() {
    let header = "date,kind,name_zh,name_en\n";
    let good = "2027-01-01,holiday,元旦,New Year's Day\n";
    let cases = [
        (
            format!("{header}{good}2027-02-30,holiday,春节,Spring Festival\n"),
            CalendarError::InvalidDate {
                line: 3,
                value: "2027-02-30".to_owned(),
            },
        ),
        (
            format!("{header}2027-1-1,holiday,元旦,New Year's Day\n"),
            CalendarError::InvalidDate {
                line: 2,
                value: "2027-1-1".to_owned(),
            },
        ),
        (
            format!("{header}{good}{good}2027-01-09,workday,元旦,New Year's Day\n"),
            CalendarError::UnknownKind {
                line: 4,
                value: "workday".to_owned(),
            },
        ),
        (
            format!("{header}{good}2027-01-09,holiday,元旦\n"),
            CalendarError::ColumnCount { line: 3, found: 3 },
        ),
        (
            format!("{header}2027-01-09,holiday,,New Year's Day\n"),
            CalendarError::MissingName {
                line: 2,
                column: "name_zh",
            },
        ),
        (
            good.to_owned(),
            CalendarError::Header {
                found: good.trim().to_owned(),
            },
        ),
        (
            String::new(),
            CalendarError::Header {
                found: String::new(),
            },
        ),
    ];

    for (text, expected) in cases {
        assert_eq!(WorkCalendar::parse_csv(&text), Err(expected));
    }
}

#[test]
fn parse_csv_messages_name_line_and_fix() {
    let text = "date,kind,name_zh,name_en\n2027-01-09,workday,元旦,New Year's Day\n";
    let error = WorkCalendar::parse_csv(text).unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 2: unknown kind \"workday\". Use holiday or adjusted_workday"
    );
}

proptest! {
    #[test]
    fn between_inverts_add(offset in 0i64..=8400, days in 0u32..400) {
        let calendar = WorkCalendar::shipped();
        // 8,400 days after 2004-01-01 is 2026-12-31, the last day of the shipped file.
        let start = day("2004-01-01") + chrono::Duration::days(offset);
        let end = calendar.add_working_days(start, days);

        prop_assert!(end.value >= start);
        let count = calendar.working_days_between(start, end.value);
        prop_assert_eq!(count.value, i64::from(days));
        prop_assert_eq!(count.provisional, end.provisional);
        prop_assert_eq!(calendar.working_days_between(end.value, start).value, -i64::from(days));
        if days > 0 {
            prop_assert!(calendar.is_working_day(end.value).value);
        }
    }
}
