use proptest::prelude::*;

use super::*;

const RULES: CaseRules = CaseRules::INFORMATION_DISCLOSURE;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn calendar() -> WorkCalendar {
    WorkCalendar::shipped()
}

/// A case accepted on Friday 2025-09-26, before National Day 2025. Counted working days:
/// 09-28 (adjusted), 09-29, 09-30, then 10-01..08 are holidays, 10-09, 10-10, 10-11 (adjusted),
/// 10-13..17, 10-20..24 and 10-27..30, the 20th.
fn national_day_case(limit_days: u32) -> CaseClock {
    CaseClock::new(day("2025-09-26"), limit_days)
}

fn due(clock: &CaseClock) -> Option<NaiveDate> {
    let due = clock.due(&calendar());
    assert!(!due.provisional);
    due.value
}

fn status(clock: &CaseClock, today: &str) -> CaseStatus {
    clock.status(&calendar(), day(today)).value
}

#[test]
fn due_across_national_day_2025() {
    let clock = national_day_case(INFORMATION_DISCLOSURE_LIMIT_DAYS);

    assert_eq!(due(&clock), Some(day("2025-10-30")));
}

#[test]
fn due_across_spring_festival_2026() {
    // Counted from Friday 2026-02-06: 02-09..13, 02-14 (adjusted), 02-15..23 are holidays,
    // 02-24..27, 02-28 (adjusted), 03-02..06 and 03-09..12, the 20th.
    let clock = CaseClock::new(day("2026-02-06"), INFORMATION_DISCLOSURE_LIMIT_DAYS);

    assert_eq!(due(&clock), Some(day("2026-03-12")));
}

#[test]
fn due_of_zero_days_is_acceptance() {
    let clock = national_day_case(0);

    assert_eq!(due(&clock), Some(day("2025-09-26")));
}

#[test]
fn pause_over_holiday_moves_due_by_working_days() {
    // 09-30..10-10 contains 3 working days (09-30, 10-09, 10-10) and the 8 holidays between.
    let mut clock = national_day_case(20);
    clock
        .pause(day("2025-09-30"), "申请内容不明确，需要补正")
        .unwrap();
    clock.resume(day("2025-10-10")).unwrap();

    let shifted = calendar().add_working_days(day("2025-10-30"), 3).value;
    assert_eq!(due(&clock), Some(day("2025-11-04")));
    assert_eq!(due(&clock), Some(shifted));
}

#[test]
fn pause_and_resume_on_same_day() {
    // Monday 2025-10-13 does not count, so the due date moves by one working day.
    let mut clock = national_day_case(20);
    clock.pause(day("2025-10-13"), "补正").unwrap();
    clock.resume(day("2025-10-13")).unwrap();

    assert_eq!(due(&clock), Some(day("2025-10-31")));
}

#[test]
fn pause_after_due_keeps_due() {
    let mut clock = national_day_case(20);
    clock.pause(day("2025-11-03"), "补正").unwrap();

    assert_eq!(due(&clock), Some(day("2025-10-30")));
    assert_eq!(status(&clock, "2025-11-04"), CaseStatus::Overdue);
}

#[test]
fn open_pause_stops_clock() {
    let mut clock = national_day_case(20);
    clock.pause(day("2025-10-13"), "请申请人补正").unwrap();

    assert_eq!(due(&clock), None);
    assert_eq!(status(&clock, "2025-10-14"), CaseStatus::Paused);
    assert_eq!(status(&clock, "2025-12-01"), CaseStatus::Paused);
    assert_eq!(status(&clock, "2025-10-10"), CaseStatus::Running);
    assert_eq!(clock.reminder_on(&calendar()).value, None);

    // 09-28, 09-29, 09-30, 10-09, 10-10 and 10-11 count before the pause.
    let used = clock.working_days_used(&calendar(), day("2025-10-20"));
    assert_eq!(used.value, 6);
    assert!(!used.provisional);
    assert_eq!(clock.remaining(&calendar(), day("2025-10-20")).value, 14);
    assert_eq!(clock.remaining(&calendar(), day("2025-11-20")).value, 14);
}

#[test]
fn resume_moves_due() {
    // The pause covers 10-13..17, five working days, so 10-30 moves to 11-06.
    let mut clock = national_day_case(20);
    clock.pause(day("2025-10-13"), "请申请人补正").unwrap();
    clock.resume(day("2025-10-17")).unwrap();

    assert_eq!(due(&clock), Some(day("2025-11-06")));
    assert_eq!(status(&clock, "2025-10-15"), CaseStatus::Paused);
    assert_eq!(status(&clock, "2025-10-20"), CaseStatus::Running);
    assert_eq!(
        clock
            .working_days_used(&calendar(), day("2025-10-20"))
            .value,
        7
    );
    assert_eq!(clock.remaining(&calendar(), day("2025-11-06")).value, 0);
}

#[test]
fn pause_rejects_misuse() {
    let mut clock = national_day_case(20);

    assert_eq!(
        clock.pause(day("2025-09-25"), "补正"),
        Err(CaseClockError::BeforeAcceptance {
            action: "pause",
            on: day("2025-09-25"),
            accepted_on: day("2025-09-26"),
        })
    );
    assert_eq!(
        clock.pause(day("2025-10-13"), "  "),
        Err(CaseClockError::BlankReason { action: "pause" })
    );
    assert_eq!(
        clock.pause(day("2025-10-13"), &"长".repeat(MAX_REASON_CHARS + 1)),
        Err(CaseClockError::ReasonTooLong {
            action: "pause",
            length: MAX_REASON_CHARS + 1,
        })
    );

    clock.pause(day("2025-10-13"), "补正").unwrap();
    assert_eq!(
        clock.pause(day("2025-10-14"), "补正"),
        Err(CaseClockError::PauseAlreadyOpen {
            since: day("2025-10-13")
        })
    );

    assert_eq!(
        clock.resume(day("2025-10-12")),
        Err(CaseClockError::ResumeBeforePause {
            on: day("2025-10-12"),
            from: day("2025-10-13"),
        })
    );
    clock.resume(day("2025-10-15")).unwrap();
    assert_eq!(
        clock.resume(day("2025-10-16")),
        Err(CaseClockError::NoOpenPause {
            on: day("2025-10-16")
        })
    );
    assert_eq!(
        clock.pause(day("2025-10-14"), "补正"),
        Err(CaseClockError::PauseOverlaps {
            from: day("2025-10-14"),
            until: day("2025-10-15"),
        })
    );
    assert_eq!(clock.pauses.len(), 1);
}

#[test]
fn pause_stores_trimmed_reason() {
    let mut clock = national_day_case(20);
    clock.pause(day("2025-10-13"), "  补正 ").unwrap();

    assert_eq!(clock.pauses[0].reason, "补正");
    assert_eq!(
        clock.open_pause().map(|pause| pause.from),
        Some(day("2025-10-13"))
    );
}

#[test]
fn extension_of_twenty_days() {
    // From 10-30: 10-31, 11-03..07, 11-10..14, 11-17..21 and 11-24..27, the 20th.
    let mut clock = national_day_case(20);
    clock
        .extend(
            &calendar(),
            20,
            "需要征求第三方意见",
            day("2025-10-20"),
            &RULES,
        )
        .unwrap();

    assert_eq!(due(&clock), Some(day("2025-11-27")));
    assert_eq!(clock.total_days(), 40);
    assert_eq!(clock.extensions[0].on, day("2025-10-20"));
}

#[test]
fn second_extension_rejected() {
    let mut clock = national_day_case(20);
    clock
        .extend(
            &calendar(),
            20,
            "需要征求第三方意见",
            day("2025-10-20"),
            &RULES,
        )
        .unwrap();

    let second = clock.extend(&calendar(), 5, "再次延期", day("2025-10-21"), &RULES);
    assert_eq!(second, Err(CaseClockError::TooManyExtensions { max: 1 }));
    assert_eq!(clock.extensions.len(), 1);
}

#[test]
fn extension_rejects_invalid_days() {
    let mut clock = national_day_case(20);

    for days in [0, 21] {
        assert_eq!(
            clock.extend(
                &calendar(),
                days,
                "需要征求第三方意见",
                day("2025-10-20"),
                &RULES
            ),
            Err(CaseClockError::InvalidExtensionDays { days, max: 20 })
        );
    }
    assert!(clock.extensions.is_empty());
}

#[test]
fn extension_rejects_blank_reason() {
    let mut clock = national_day_case(20);

    assert_eq!(
        clock.extend(&calendar(), 20, "", day("2025-10-20"), &RULES),
        Err(CaseClockError::BlankReason {
            action: "extension"
        })
    );
    assert_eq!(
        clock.extend(&calendar(), 20, " \t", day("2025-10-20"), &RULES),
        Err(CaseClockError::BlankReason {
            action: "extension"
        })
    );
}

#[test]
fn extension_after_due_rejected() {
    let mut clock = national_day_case(20);

    assert_eq!(
        clock.extend(
            &calendar(),
            20,
            "需要征求第三方意见",
            day("2025-10-31"),
            &RULES
        ),
        Err(CaseClockError::ExtensionAfterDue {
            on: day("2025-10-31"),
            due: day("2025-10-30"),
        })
    );
    assert_eq!(
        clock.extend(
            &calendar(),
            20,
            "需要征求第三方意见",
            day("2025-09-25"),
            &RULES
        ),
        Err(CaseClockError::BeforeAcceptance {
            action: "extension",
            on: day("2025-09-25"),
            accepted_on: day("2025-09-26"),
        })
    );
    clock
        .extend(
            &calendar(),
            20,
            "需要征求第三方意见",
            day("2025-10-30"),
            &RULES,
        )
        .unwrap();
    assert_eq!(due(&clock), Some(day("2025-11-27")));
}

#[test]
fn extension_while_paused_accepted() {
    let mut clock = national_day_case(20);
    clock.pause(day("2025-10-13"), "补正").unwrap();
    clock
        .extend(
            &calendar(),
            10,
            "需要征求第三方意见",
            day("2025-11-10"),
            &RULES,
        )
        .unwrap();

    assert_eq!(due(&clock), None);
    assert_eq!(clock.remaining(&calendar(), day("2025-11-10")).value, 24);
}

#[test]
fn reminder_before_monday_due_is_friday() {
    // The 22nd working day is Monday 2025-11-03.
    let clock = national_day_case(22);

    assert_eq!(due(&clock), Some(day("2025-11-03")));
    assert_eq!(
        clock.reminder_on(&calendar()).value,
        Some(day("2025-10-31"))
    );
    assert_eq!(status(&clock, "2025-10-30"), CaseStatus::Running);
    assert_eq!(status(&clock, "2025-10-31"), CaseStatus::DueSoon);
    assert_eq!(status(&clock, "2025-11-01"), CaseStatus::DueSoon);
    assert_eq!(status(&clock, "2025-11-03"), CaseStatus::DueSoon);
    assert_eq!(status(&clock, "2025-11-04"), CaseStatus::Overdue);
}

#[test]
fn reminder_before_holiday_is_last_working_day() {
    // The 4th working day is 2025-10-09, the first after the National Day holidays.
    let clock = national_day_case(4);

    assert_eq!(due(&clock), Some(day("2025-10-09")));
    assert_eq!(
        clock.reminder_on(&calendar()).value,
        Some(day("2025-09-30"))
    );
    assert_eq!(status(&clock, "2025-09-29"), CaseStatus::Running);
    assert_eq!(status(&clock, "2025-10-05"), CaseStatus::DueSoon);
}

#[test]
fn reminder_on_adjusted_workday() {
    // The 7th working day is Monday 10-13, and the working day before it is adjusted
    // Saturday 10-11.
    let clock = national_day_case(7);

    assert_eq!(due(&clock), Some(day("2025-10-13")));
    assert_eq!(
        clock.reminder_on(&calendar()).value,
        Some(day("2025-10-11"))
    );
}

#[test]
fn reminder_on_acceptance_day() {
    // The first counted day is adjusted Sunday 09-28, and Saturday 09-27 is a day off.
    let clock = national_day_case(1);

    assert_eq!(due(&clock), Some(day("2025-09-28")));
    assert_eq!(
        clock.reminder_on(&calendar()).value,
        Some(day("2025-09-26"))
    );
    assert_eq!(status(&clock, "2025-09-27"), CaseStatus::DueSoon);
}

#[test]
fn reminder_none_before_acceptance() {
    // Accepted on holiday 10-04: the due date is 10-09, and 10-04..08 are all holidays.
    let clock = CaseClock::new(day("2025-10-04"), 1);

    assert_eq!(due(&clock), Some(day("2025-10-09")));
    assert_eq!(clock.reminder_on(&calendar()).value, None);
    assert_eq!(status(&clock, "2025-10-08"), CaseStatus::Running);
    assert_eq!(status(&clock, "2025-10-09"), CaseStatus::DueSoon);
}

#[test]
fn overdue_day_after_due() {
    let clock = national_day_case(20);
    let today = day("2025-10-31");

    assert_eq!(status(&clock, "2025-10-30"), CaseStatus::DueSoon);
    assert_eq!(status(&clock, "2025-10-31"), CaseStatus::Overdue);
    assert_eq!(clock.remaining(&calendar(), day("2025-10-30")).value, 0);
    assert_eq!(clock.remaining(&calendar(), today).value, -1);
    assert_eq!(clock.working_days_used(&calendar(), today).value, 21);
}

#[test]
fn remaining_before_acceptance_is_total() {
    let clock = national_day_case(20);

    assert_eq!(clock.remaining(&calendar(), day("2025-09-01")).value, 20);
    assert_eq!(clock.remaining(&calendar(), day("2025-09-29")).value, 18);
}

#[test]
fn unloaded_year_is_provisional() {
    // 2027 is not loaded, so only weekends are days off. From 2026-12-15: 12-16..18,
    // 12-21..25, 12-28..31, 2027-01-01, 01-04..08, 01-11 and 01-12, the 20th.
    let clock = CaseClock::new(day("2026-12-15"), 20);
    let calendar = calendar();

    let due = clock.due(&calendar);
    assert_eq!(due.value, Some(day("2027-01-12")));
    assert!(due.provisional);
    assert!(clock.reminder_on(&calendar).provisional);
    assert!(clock.status(&calendar, day("2026-12-20")).provisional);

    let used = clock.working_days_used(&calendar, day("2027-01-04"));
    assert_eq!(used.value, 14);
    assert!(used.provisional);
    assert!(clock.remaining(&calendar, day("2027-01-04")).provisional);
    assert!(!clock.remaining(&calendar, day("2026-12-31")).provisional);
}

#[test]
fn pause_in_unloaded_year_after_due() {
    // The due date 12-22 lies in 2026, so an open pause in 2027 neither hides it nor makes it
    // provisional.
    let mut clock = CaseClock::new(day("2026-12-15"), 5);
    clock.pause(day("2027-01-04"), "补正").unwrap();

    let due = clock.due(&calendar());
    assert_eq!(due.value, Some(day("2026-12-22")));
    assert!(!due.provisional);
}

#[test]
fn pause_into_unloaded_year_is_provisional() {
    // The pause covers 12-21..2027-01-05, so after 12-16..18 the 4th and 5th working days are
    // 2027-01-06 and 2027-01-07.
    let mut clock = CaseClock::new(day("2026-12-15"), 5);
    clock.pause(day("2026-12-21"), "补正").unwrap();
    clock.resume(day("2027-01-05")).unwrap();

    let due = clock.due(&calendar());
    assert_eq!(due.value, Some(day("2027-01-07")));
    assert!(due.provisional);
}

#[test]
fn serde_round_trip() {
    let mut clock = national_day_case(20);
    clock.pause(day("2025-10-13"), "补正").unwrap();
    clock.resume(day("2025-10-17")).unwrap();
    clock
        .extend(
            &calendar(),
            20,
            "需要征求第三方意见",
            day("2025-10-20"),
            &RULES,
        )
        .unwrap();

    let json = serde_json::to_string(&clock).unwrap();
    assert!(json.contains("\"accepted_on\":\"2025-09-26\""));
    assert_eq!(serde_json::from_str::<CaseClock>(&json).unwrap(), clock);
}

proptest! {
    #[test]
    fn due_is_limit_working_days_after(offset in 0i64..=8400, limit in 1u32..60) {
        let calendar = WorkCalendar::shipped();
        // 8,400 days after 2004-01-01 is 2026-12-31, the last day of the shipped file.
        let accepted_on = day("2004-01-01") + chrono::Duration::days(offset);
        let clock = CaseClock::new(accepted_on, limit);

        let due = clock.due(&calendar).value.unwrap();
        prop_assert_eq!(calendar.working_days_between(accepted_on, due).value, i64::from(limit));
        prop_assert!(calendar.is_working_day(due).value);
        prop_assert_eq!(clock.remaining(&calendar, due).value, 0);
    }
}
