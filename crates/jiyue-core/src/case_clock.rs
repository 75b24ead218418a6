//! The case clock: the statutory deadline of a case in working days, with pauses and extensions.
//!
//! Working days count from the day after acceptance, as the Regulations on the
//! Disclosure of Government Information (政府信息公开条例) count "自收到申请之日起20个工作日内".
//! A day counts when it is a working day of the [`WorkCalendar`] and lies outside every pause.
//! A pause covers `from..=until`, both days included, or `from` onwards while it is open. The
//! due date is the day the (limit + extension days)-th counted working day falls on. So when an
//! applicant completes a request on the day a pause is resumed, counting restarts the next day,
//! as it does after acceptance.
//!
//! A transfer to another organization keeps the clock: the receiving organization goes on with
//! the same [`CaseClock`], and the transfer needs no field here. Where the rules of a case type
//! restart the count on transfer, the caller starts a new clock accepted on the day of receipt.
//!
//! Every function takes the dates it needs and reads no system clock. A result is provisional
//! whenever its computation touched a year the calendar has not loaded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Reckoned, WorkCalendar};

/// The reply deadline (答复期限) of an application for government information, in working days.
pub const INFORMATION_DISCLOSURE_LIMIT_DAYS: u32 = 20;

/// The maximum length of a pause or extension reason, in characters after trimming.
pub const MAX_REASON_CHARS: usize = 500;

/// How far [`CaseClock::reminder_on`] looks back for a working day. The longest run of days off
/// in the shipped calendar is 10 days (Spring Festival 2020, extended to February 2), so 31 days
/// leaves ample room.
const MAX_DAYS_OFF_IN_A_ROW: u32 = 31;

/// The limits a case type puts on extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRules {
    /// The maximum number of extensions of one case.
    pub max_extensions: u32,
    /// The maximum working days a single extension adds.
    pub max_extension_days: u32,
}

impl CaseRules {
    /// Rules for applications for government information: one extension of at most 20 working
    /// days.
    pub const INFORMATION_DISCLOSURE: CaseRules = CaseRules {
        max_extensions: 1,
        max_extension_days: 20,
    };
}

/// A period in which the clock stops, such as while the applicant corrects a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// The first day that does not count.
    pub from: NaiveDate,
    /// The last day that does not count, or `None` while the pause is open.
    pub until: Option<NaiveDate>,
    /// The reason the clock stopped.
    pub reason: String,
}

/// Working days added to the limit, with the reason recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The working days added.
    pub days: u32,
    /// The reason the case needs more time.
    pub reason: String,
    /// The day the extension was decided.
    pub on: NaiveDate,
}

/// The position of a case against its deadline on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// The clock runs and the due date is more than one working day away.
    Running,
    /// The day lies inside a pause, and the due date has not passed.
    Paused,
    /// The day lies from the reminder day to the due date, both included.
    DueSoon,
    /// The day is after the due date.
    Overdue,
}

/// A misuse of the case clock, naming the value and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseClockError {
    /// A pause or extension dated before the case was accepted.
    #[error("{action} on {on} is before the case was accepted on {accepted_on}: give a date on or after {accepted_on}")]
    BeforeAcceptance {
        action: &'static str,
        on: NaiveDate,
        accepted_on: NaiveDate,
    },

    /// A pause while another one is open.
    #[error("a pause is already open since {since}: resume it before starting another")]
    PauseAlreadyOpen { since: NaiveDate },

    /// A pause that starts before the previous one ended.
    #[error("a pause from {from} starts before the previous pause ended on {until}: start it on or after {until}")]
    PauseOverlaps { from: NaiveDate, until: NaiveDate },

    /// A resume with no open pause.
    #[error("no pause is open to resume on {on}: start a pause first")]
    NoOpenPause { on: NaiveDate },

    /// A resume dated before the open pause started.
    #[error(
        "resume on {on} is before the pause started on {from}: give a date on or after {from}"
    )]
    ResumeBeforePause { on: NaiveDate, from: NaiveDate },

    /// A blank pause or extension reason.
    #[error("the reason for the {action} is blank: write why the {action} is needed")]
    BlankReason { action: &'static str },

    /// A pause or extension reason longer than [`MAX_REASON_CHARS`].
    #[error("the reason for the {action} is {length} characters long: shorten it to {max} or fewer", max = MAX_REASON_CHARS)]
    ReasonTooLong { action: &'static str, length: usize },

    /// An extension beyond the number the rules allow.
    #[error("the case already has {max} extension(s), the maximum its rules allow: it cannot be extended again")]
    TooManyExtensions { max: u32 },

    /// An extension of 0 days or more than the rules allow.
    #[error("an extension of {days} working days is invalid: give 1 to {max} working days")]
    InvalidExtensionDays { days: u32, max: u32 },

    /// An extension decided after the due date had passed.
    #[error(
        "the case was due on {due}, so it cannot be extended on {on}: extend it on or before {due}"
    )]
    ExtensionAfterDue { on: NaiveDate, due: NaiveDate },
}

/// The deadline of one case: when it was accepted, its limit, and its pauses and extensions.
///
/// Pauses are stored in date order and never overlap, because [`CaseClock::pause`] rejects a
/// pause that starts before the previous one ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseClock {
    /// The day the case was accepted, which itself does not count.
    pub accepted_on: NaiveDate,
    /// The statutory limit in working days, before extensions.
    pub limit_days: u32,
    /// The pauses in date order. Only the last one may be open.
    pub pauses: Vec<Pause>,
    /// The extensions in the order they were decided.
    pub extensions: Vec<Extension>,
}

impl CaseClock {
    /// Starts a clock for a case accepted on `accepted_on` with a limit of `limit_days`
    /// working days, with no pause and no extension.
    pub fn new(accepted_on: NaiveDate, limit_days: u32) -> CaseClock {
        CaseClock {
            accepted_on,
            limit_days,
            pauses: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// Returns the working days the case has in all: the limit plus every extension, saturating
    /// at `u32::MAX`.
    pub fn total_days(&self) -> u32 {
        self.extensions
            .iter()
            .fold(self.limit_days, |total, extension| {
                total.saturating_add(extension.days)
            })
    }

    /// Returns the open pause, if any.
    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.last().filter(|pause| pause.until.is_none())
    }

    /// Stops the clock from `from` on, that day included. Rejects a pause while another is
    /// open, before acceptance, before the end of the previous pause, or with a blank reason.
    pub fn pause(&mut self, from: NaiveDate, reason: &str) -> Result<(), CaseClockError> {
        if let Some(open) = self.open_pause() {
            return Err(CaseClockError::PauseAlreadyOpen { since: open.from });
        }
        if from < self.accepted_on {
            return Err(CaseClockError::BeforeAcceptance {
                action: "pause",
                on: from,
                accepted_on: self.accepted_on,
            });
        }
        if let Some(until) = self.pauses.last().and_then(|pause| pause.until) {
            if from < until {
                return Err(CaseClockError::PauseOverlaps { from, until });
            }
        }
        let reason = check_reason("pause", reason)?;

        self.pauses.push(Pause {
            from,
            until: None,
            reason: reason.to_owned(),
        });
        Ok(())
    }

    /// Closes the open pause on `on`, which still does not count, so counting restarts the day
    /// after. Rejects a resume with no open pause or before the pause started.
    pub fn resume(&mut self, on: NaiveDate) -> Result<(), CaseClockError> {
        let Some(open) = self.pauses.last_mut().filter(|pause| pause.until.is_none()) else {
            return Err(CaseClockError::NoOpenPause { on });
        };
        if on < open.from {
            return Err(CaseClockError::ResumeBeforePause {
                on,
                from: open.from,
            });
        }

        open.until = Some(on);
        Ok(())
    }

    /// Adds `days` working days with a reason, decided on `on`. Rejects an extension past
    /// `rules.max_extensions`, of 0 days or more than `rules.max_extension_days`, with a blank
    /// reason, before acceptance, or after the due date. While the clock is paused the due date
    /// is not known, so the case cannot be overdue and the extension is accepted.
    pub fn extend(
        &mut self,
        calendar: &WorkCalendar,
        days: u32,
        reason: &str,
        on: NaiveDate,
        rules: &CaseRules,
    ) -> Result<(), CaseClockError> {
        let count = self.extensions.len();
        if u32::try_from(count).map_or(true, |count| count >= rules.max_extensions) {
            return Err(CaseClockError::TooManyExtensions {
                max: rules.max_extensions,
            });
        }
        if days == 0 || days > rules.max_extension_days {
            let max = rules.max_extension_days;
            return Err(CaseClockError::InvalidExtensionDays { days, max });
        }
        let reason = check_reason("extension", reason)?;
        if on < self.accepted_on {
            return Err(CaseClockError::BeforeAcceptance {
                action: "extension",
                on,
                accepted_on: self.accepted_on,
            });
        }
        if let Some(due) = self.due(calendar).value {
            if on > due {
                return Err(CaseClockError::ExtensionAfterDue { on, due });
            }
        }

        self.extensions.push(Extension {
            days,
            reason: reason.to_owned(),
            on,
        });
        Ok(())
    }

    /// Computes the due date, or `None` while a pause is open, because the clock stops and the
    /// end of the pause is not known. An open pause that starts after the due date does not
    /// hide it.
    pub fn due(&self, calendar: &WorkCalendar) -> Reckoned<Option<NaiveDate>> {
        let mut remaining = self.total_days();
        let mut cursor = self.accepted_on;
        let mut provisional = false;

        for pause in &self.pauses {
            // Working days in (cursor, pause.from), the stretch before this pause.
            let before = pause.from.pred_opt().unwrap_or(pause.from);
            if before > cursor {
                // When the due date falls in this stretch, only the days up to it matter, and
                // `add_working_days` below reports whether they are provisional.
                let counted = calendar.working_days_between(cursor, before);
                if counted.value >= i64::from(remaining) {
                    break;
                }
                provisional |= counted.provisional;
                remaining -= u32::try_from(counted.value).unwrap_or(remaining);
            }

            match pause.until {
                Some(until) => cursor = cursor.max(until),
                None => {
                    return Reckoned {
                        value: None,
                        provisional,
                    };
                }
            }
        }

        let due = calendar.add_working_days(cursor, remaining);
        Reckoned {
            value: Some(due.value),
            provisional: provisional || due.provisional,
        }
    }

    /// Counts the working days in `(accepted_on, today]` outside every pause. An open pause
    /// covers its start up to `today`. The count saturates at `u32::MAX`.
    pub fn working_days_used(&self, calendar: &WorkCalendar, today: NaiveDate) -> Reckoned<u32> {
        let mut used: i64 = 0;
        let mut cursor = self.accepted_on;
        let mut provisional = false;
        let mut open = false;

        for pause in &self.pauses {
            let before = pause.from.pred_opt().unwrap_or(pause.from);
            let end = before.min(today);
            if end > cursor {
                let counted = calendar.working_days_between(cursor, end);
                provisional |= counted.provisional;
                used += counted.value;
            }

            match pause.until {
                Some(until) => cursor = cursor.max(until),
                None => {
                    open = true;
                    break;
                }
            }
        }

        if !open && today > cursor {
            let counted = calendar.working_days_between(cursor, today);
            provisional |= counted.provisional;
            used += counted.value;
        }

        Reckoned {
            value: u32::try_from(used).unwrap_or(u32::MAX),
            provisional,
        }
    }

    /// Returns the working days left on `today`: [`CaseClock::total_days`] minus
    /// [`CaseClock::working_days_used`]. It is 0 on the due date, stays fixed while the clock
    /// is paused, and is negative once a working day after the due date has passed. A weekend
    /// right after the due date leaves it at 0 although [`CaseClock::status`] is already
    /// [`CaseStatus::Overdue`].
    pub fn remaining(&self, calendar: &WorkCalendar, today: NaiveDate) -> Reckoned<i64> {
        let used = self.working_days_used(calendar, today);
        Reckoned {
            value: i64::from(self.total_days()) - i64::from(used.value),
            provisional: used.provisional,
        }
    }

    /// Returns the status on `today`: overdue after the due date, paused inside a pause, due
    /// soon from the reminder day to the due date, and running otherwise. An open pause that
    /// has not started by `today` leaves the case running.
    pub fn status(&self, calendar: &WorkCalendar, today: NaiveDate) -> Reckoned<CaseStatus> {
        let due = self.due(calendar);
        let reckoned = |value| Reckoned {
            value,
            provisional: due.provisional,
        };

        if due.value.is_some_and(|due| today > due) {
            return reckoned(CaseStatus::Overdue);
        }
        if self.pauses.iter().any(|pause| pause.covers(today)) {
            return reckoned(CaseStatus::Paused);
        }

        let reminder = self.reminder_on(calendar);
        let value = match reminder.value {
            Some(reminder) if today >= reminder => CaseStatus::DueSoon,
            _ if due.value == Some(today) => CaseStatus::DueSoon,
            _ => CaseStatus::Running,
        };
        Reckoned {
            value,
            provisional: reminder.provisional,
        }
    }

    /// Returns the reminder day: the last working day before the due date. It is `None` while
    /// the due date is not known, or when that day would fall before acceptance.
    pub fn reminder_on(&self, calendar: &WorkCalendar) -> Reckoned<Option<NaiveDate>> {
        let due = self.due(calendar);
        let mut provisional = due.provisional;
        let mut reminder = None;

        let mut date = due.value;
        for _ in 0..MAX_DAYS_OFF_IN_A_ROW {
            date = date
                .and_then(|date| date.pred_opt())
                .filter(|date| *date >= self.accepted_on);
            let Some(day) = date else {
                break;
            };
            let working = calendar.is_working_day(day);
            provisional |= working.provisional;
            if working.value {
                reminder = Some(day);
                break;
            }
        }

        Reckoned {
            value: reminder,
            provisional,
        }
    }
}

impl Pause {
    /// Returns whether `date` lies inside this pause, an open pause having no end.
    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|until| date <= until)
    }
}

/// Trims a reason and checks that it is neither blank nor longer than [`MAX_REASON_CHARS`].
fn check_reason<'a>(action: &'static str, reason: &'a str) -> Result<&'a str, CaseClockError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CaseClockError::BlankReason { action });
    }
    let length = reason.chars().count();
    if length > MAX_REASON_CHARS {
        return Err(CaseClockError::ReasonTooLong { action, length });
    }
    Ok(reason)
}

#[cfg(test)]
#[path = "case_clock_tests.rs"]
mod tests;
