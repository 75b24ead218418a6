//! The staff side of a case before its reply: release from hold, acceptance, rejection,
//! transfer, and the pauses and extensions of its clock. Every transition checks the state
//! it starts from and the caller's scope over the case's current organization, records an
//! event, and increases the case's version.

use chrono::{DateTime, NaiveDate, Utc};
use jiyue_core::{CaseClock, CaseClockError, CaseRules, WorkCalendar};

use super::record::{CaseId, CaseKind, CaseRecord, CaseState};
use super::rows::load_case;
use super::submit::check_reason;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{OrgId, Scope};
use crate::scope::check_org;
use crate::sql::{args, micros, Arg, Conn};
use crate::staff::StaffId;

/// The maximum limit a case may be accepted with, in working days: about one year.
pub(crate) const MAX_LIMIT_DAYS: u32 = 250;

/// A history row to insert.
pub(crate) struct EventInput {
    pub action: &'static str,
    pub staff_id: Option<StaffId>,
    pub citizen_id: Option<i64>,
    pub from_state: Option<CaseState>,
    pub to_state: Option<CaseState>,
    pub from_org: Option<OrgId>,
    pub to_org: Option<OrgId>,
    pub reason: Option<String>,
}

impl EventInput {
    pub(crate) fn new(action: &'static str) -> EventInput {
        EventInput {
            action,
            staff_id: None,
            citizen_id: None,
            from_state: None,
            to_state: None,
            from_org: None,
            to_org: None,
            reason: None,
        }
    }

    /// Starts the event of a staff action on `case` that moves it to `to_state`.
    pub(crate) fn staff(
        action: &'static str,
        staff: StaffId,
        case: &CaseRecord,
        to_state: CaseState,
    ) -> EventInput {
        EventInput {
            staff_id: Some(staff),
            from_state: Some(case.state),
            to_state: Some(to_state),
            from_org: Some(case.org_id),
            to_org: Some(case.org_id),
            ..EventInput::new(action)
        }
    }

    pub(crate) fn with_reason(mut self, reason: &str) -> EventInput {
        self.reason = Some(reason.to_string());
        self
    }
}

/// Inserts a row of a case's history.
pub(crate) async fn insert_event(
    conn: &mut Conn<'_>,
    case_id: CaseId,
    at: i64,
    event: &EventInput,
) -> Result<()> {
    conn.execute(
        "INSERT INTO case_events (case_id, at, staff_id, citizen_id, action, from_state, \
         to_state, from_org, to_org, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        args![
            case_id,
            at,
            event.staff_id,
            event.citizen_id,
            event.action,
            event.from_state.map(CaseState::as_str),
            event.to_state.map(CaseState::as_str),
            event.from_org,
            event.to_org,
            event.reason.clone()
        ],
    )
    .await?;
    Ok(())
}

/// Fails with `OutOfScope` unless `scope` reaches the case. An organization scope reaches the
/// cases of its organization and those below it, through the case's current organization. A
/// site scope reaches only the error reports submitted on that site, because error reports go
/// to the site's administrators and every other kind goes to an organization.
pub(crate) async fn check_case_scope(
    conn: &mut Conn<'_>,
    scope: &Scope,
    case: &CaseRecord,
    action: &str,
) -> Result<()> {
    match scope {
        Scope::Site(site) if case.kind == CaseKind::ErrorReport => {
            if *site == case.site_id {
                return Ok(());
            }
            Err(DbError::OutOfScope(format!(
                "cannot {action}: error report {} was submitted on site {}, outside {scope}; use \
                 the scope of that site or of its organization",
                case.no, case.site_id
            )))
        }
        _ => check_org(conn, scope, case.org_id, action).await,
    }
}

/// Says what the staff member does next with a case in `state`.
fn next_step(state: CaseState) -> &'static str {
    match state {
        CaseState::Held => "release it from hold or reject it first",
        CaseState::Received => "accept it first",
        CaseState::Accepted => "it is being handled",
        CaseState::Paused => "resume it first",
        CaseState::ReplyPending => "review the pending reply first",
        CaseState::Answered | CaseState::Rejected => "it is closed",
    }
}

/// Loads a case for a staff action named `action` (such as "accept the case"): checks that
/// `scope` reaches its current organization and that its state is one of `allowed`.
pub(crate) async fn open_case(
    conn: &mut Conn<'_>,
    scope: &Scope,
    id: CaseId,
    action: &str,
    allowed: &[CaseState],
) -> Result<CaseRecord> {
    let case = load_case(conn, id).await?;
    check_case_scope(conn, scope, &case, action).await?;

    if !allowed.contains(&case.state) {
        let allowed: Vec<String> = allowed.iter().map(CaseState::to_string).collect();
        return Err(DbError::Invalid(format!(
            "cannot {action}: case {} is {}, and this needs {}; {}",
            case.no,
            case.state,
            allowed.join(" or "),
            next_step(case.state)
        )));
    }
    Ok(case)
}

/// Updates a case read at `case.version`, setting `sets` (whose placeholders start at `$4`)
/// and increasing the version. Fails with `Conflict` when another change came first.
pub(crate) async fn update_case(
    conn: &mut Conn<'_>,
    case: &CaseRecord,
    now: DateTime<Utc>,
    sets: &str,
    values: Vec<Arg>,
) -> Result<()> {
    let sql = format!(
        "UPDATE cases SET version = version + 1, updated_at = $3, {sets} \
         WHERE id = $1 AND version = $2"
    );
    let mut all = args![case.id, case.version, micros(now)];
    all.extend(values);
    if conn.execute(&sql, all).await? == 0 {
        return Err(DbError::Conflict(format!(
            "case {} changed while this request ran; reload it and try again",
            case.no
        )));
    }
    Ok(())
}

pub(crate) fn clock_json(clock: &CaseClock) -> Result<String> {
    serde_json::to_string(clock).map_err(|error| {
        DbError::Invalid(format!("the case clock cannot be written as JSON: {error}"))
    })
}

fn clock_error(case: &CaseRecord, error: CaseClockError) -> DbError {
    DbError::Invalid(format!("case {}: {error}", case.no))
}

fn require_clock(case: &CaseRecord) -> Result<CaseClock> {
    case.clock.clone().ok_or_else(|| {
        DbError::Invalid(format!(
            "case {} has no clock because it was never accepted; accept it first",
            case.no
        ))
    })
}

impl Db {
    /// Releases a case held by the sensitive-word list: held → received. The note, which may
    /// be empty, goes into the history.
    pub async fn release_held_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        note: &str,
    ) -> Result<()> {
        let note = note.trim();
        if !note.is_empty() {
            check_reason("release", note)?;
        }

        self.transition(scope, id, "release the case", &[CaseState::Held], |case| {
            let mut event = EventInput::staff("released", staff, case, CaseState::Received);
            event.reason = (!note.is_empty()).then(|| note.to_string());
            Ok(Change::state(CaseState::Received, event))
        })
        .await
    }

    /// Accepts a received case and starts its clock on `accepted_on` with a limit of
    /// `limit_days` working days.
    pub async fn accept_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        accepted_on: NaiveDate,
        limit_days: u32,
    ) -> Result<()> {
        if limit_days == 0 || limit_days > MAX_LIMIT_DAYS {
            return Err(DbError::Invalid(format!(
                "a limit of {limit_days} working days is invalid; give 1 to {MAX_LIMIT_DAYS}"
            )));
        }

        self.transition(
            scope,
            id,
            "accept the case",
            &[CaseState::Received],
            |case| {
                if accepted_on < case.received_on {
                    return Err(DbError::Invalid(format!(
                    "case {} was received on {}, so it cannot be accepted on {accepted_on}; give \
                     a date on or after its receipt",
                    case.no, case.received_on
                )));
                }
                let clock = CaseClock::new(accepted_on, limit_days);
                let event = EventInput::staff("accepted", staff, case, CaseState::Accepted);
                Ok(Change::state(CaseState::Accepted, event).with_clock(clock))
            },
        )
        .await
    }

    /// Rejects a held or received case as not admissible (不予受理), with the reason.
    pub async fn reject_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        reason: &str,
    ) -> Result<()> {
        let reason = check_reason("rejection", reason)?;
        let allowed = [CaseState::Held, CaseState::Received];
        self.transition(scope, id, "reject the case", &allowed, |case| {
            let event = EventInput::staff("rejected", staff, case, CaseState::Rejected);
            Ok(Change::state(
                CaseState::Rejected,
                event.with_reason(reason),
            ))
        })
        .await
    }

    /// Moves a case to another organization with the reason. The state and the clock stay, so
    /// the receiving organization goes on with the same deadline, and the case leaves the
    /// sender's scope unless that scope also reaches the receiver.
    pub async fn transfer_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        to_org: OrgId,
        reason: &str,
    ) -> Result<()> {
        let reason = check_reason("transfer", reason)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let allowed = [CaseState::Received, CaseState::Accepted, CaseState::Paused];
        let case = open_case(&mut tx.conn(), scope, id, "transfer the case", &allowed).await?;
        let exists = tx
            .conn()
            .fetch_optional(
                "SELECT 1 AS one FROM organizations WHERE id = $1",
                args![to_org],
            )
            .await?
            .is_some();
        if !exists {
            return Err(DbError::NotFound(format!(
                "organization {to_org} does not exist; choose the organization to transfer to"
            )));
        }

        if to_org == case.org_id {
            return Err(DbError::Invalid(format!(
                "case {} is already with organization {to_org}; choose another organization",
                case.no
            )));
        }

        update_case(&mut tx.conn(), &case, now, "org_id = $4", args![to_org]).await?;
        let mut event = EventInput::staff("transferred", staff, &case, case.state);
        event.to_org = Some(to_org);
        insert_event(&mut tx.conn(), id, micros(now), &event.with_reason(reason)).await?;
        tx.commit().await
    }

    /// Pauses the clock of an accepted case from `from`, that day included: accepted → paused.
    pub async fn pause_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        from: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let reason = check_reason("pause", reason)?;
        self.transition(
            scope,
            id,
            "pause the case",
            &[CaseState::Accepted],
            |case| {
                let mut clock = require_clock(case)?;
                clock
                    .pause(from, reason)
                    .map_err(|error| clock_error(case, error))?;
                let event = EventInput::staff("paused", staff, case, CaseState::Paused);
                Ok(Change::state(CaseState::Paused, event.with_reason(reason)).with_clock(clock))
            },
        )
        .await
    }

    /// Resumes the clock of a paused case on `on`, which still does not count: paused →
    /// accepted.
    pub async fn resume_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        on: NaiveDate,
    ) -> Result<()> {
        self.transition(scope, id, "resume the case", &[CaseState::Paused], |case| {
            let mut clock = require_clock(case)?;
            clock.resume(on).map_err(|error| clock_error(case, error))?;
            let event = EventInput::staff("resumed", staff, case, CaseState::Accepted);
            Ok(Change::state(CaseState::Accepted, event).with_clock(clock))
        })
        .await
    }

    /// Extends the deadline of an open case by `days` working days decided on `on`, within
    /// `rules`. The state does not change.
    #[allow(clippy::too_many_arguments)]
    pub async fn extend_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        calendar: &WorkCalendar,
        days: u32,
        reason: &str,
        on: NaiveDate,
        rules: &CaseRules,
    ) -> Result<()> {
        let reason = check_reason("extension", reason)?;
        let allowed = [
            CaseState::Accepted,
            CaseState::Paused,
            CaseState::ReplyPending,
        ];
        self.transition(scope, id, "extend the case", &allowed, |case| {
            let mut clock = require_clock(case)?;
            clock
                .extend(calendar, days, reason, on, rules)
                .map_err(|error| clock_error(case, error))?;
            let event = EventInput::staff("extended", staff, case, case.state)
                .with_reason(&format!("{days} working days: {reason}"));
            Ok(Change::state(case.state, event).with_clock(clock))
        })
        .await
    }

    /// Runs one transition in a transaction: opens the case, lets `decide` compute the
    /// change, and stores it with its event.
    pub(crate) async fn transition(
        &self,
        scope: &Scope,
        id: CaseId,
        action: &str,
        allowed: &[CaseState],
        decide: impl FnOnce(&CaseRecord) -> Result<Change>,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let case = open_case(&mut tx.conn(), scope, id, action, allowed).await?;
        let change = decide(&case)?;
        let (sets, values) = match &change.clock {
            Some(clock) => (
                "state = $4, clock = $5",
                args![change.to.as_str(), clock_json(clock)?],
            ),
            None => ("state = $4", args![change.to.as_str()]),
        };
        update_case(&mut tx.conn(), &case, now, sets, values).await?;
        insert_event(&mut tx.conn(), id, micros(now), &change.event).await?;
        tx.commit().await
    }
}

/// The outcome of a simple transition: the new state, the new clock if it changed, and the
/// event to record.
pub(crate) struct Change {
    to: CaseState,
    clock: Option<CaseClock>,
    event: EventInput,
}

impl Change {
    fn state(to: CaseState, event: EventInput) -> Change {
        Change {
            to,
            clock: None,
            event,
        }
    }

    fn with_clock(mut self, clock: CaseClock) -> Change {
        self.clock = Some(clock);
        self
    }
}
