//! Rate limits of the case forms, per account and per address network. Each kind has an
//! hourly and a daily limit. A sender past half of either must solve the challenge, and a
//! sender at either is rejected until the window ends.
//!
//! Messages and applications: 5 an hour and 20 a day. Error reports, which need no account,
//! and opinions: 10 an hour and 30 a day.

use std::net::IpAddr;

use jiyue_db::{CitizenId, DbError};

use super::super::challenge::{self, Gate, Limit};
use super::super::view::{ChallengeView, Words};
use super::super::CitizenServices;
use super::input::Input;
use crate::App;

/// The limits of messages.
pub(super) const MESSAGE: [Limit; 2] = [
    hourly("case-message-hour", 5),
    daily("case-message-day", 20),
];

/// The limits of applications for government information.
pub(super) const DISCLOSURE: [Limit; 2] = [
    hourly("case-disclosure-hour", 5),
    daily("case-disclosure-day", 20),
];

/// The limits of error reports.
pub(super) const REPORT: [Limit; 2] =
    [hourly("case-report-hour", 10), daily("case-report-day", 30)];

/// The limits of opinions on consultations.
pub(super) const OPINION: [Limit; 2] = [
    hourly("case-opinion-hour", 10),
    daily("case-opinion-day", 30),
];

const fn hourly(action: &'static str, limit: u64) -> Limit {
    Limit {
        action,
        limit,
        window: chrono::Duration::hours(1),
    }
}

const fn daily(action: &'static str, limit: u64) -> Limit {
    Limit {
        action,
        limit,
        window: chrono::Duration::hours(24),
    }
}

/// Returns the strictest gate of `limits` for an account and an address.
pub(super) async fn gate(
    app: &App,
    limits: &[Limit],
    account: Option<CitizenId>,
    client: IpAddr,
) -> Result<Gate, DbError> {
    let mut strictest = Gate::Open;
    for limit in limits {
        match challenge::gate(&app.db, limit, account, client).await? {
            Gate::Closed => return Ok(Gate::Closed),
            Gate::Challenge => strictest = Gate::Challenge,
            Gate::Open => {}
        }
    }
    Ok(strictest)
}

/// Counts one submission against every limit.
pub(super) async fn count(
    app: &App,
    limits: &[Limit],
    account: Option<CitizenId>,
    client: IpAddr,
) -> Result<(), DbError> {
    for limit in limits {
        challenge::count(&app.db, limit, account, client).await?;
    }
    Ok(())
}

/// The reason a submission is stopped.
pub(super) enum Stop {
    /// At a limit: the message to show.
    Limited(String),
    /// Near a limit without a solved challenge: the message to show.
    Challenge(String),
}

/// Checks the gate of a submission; near a limit the form must carry a solved challenge.
pub(super) async fn pass(
    app: &App,
    services: &CitizenServices,
    input: &Input,
    limits: &[Limit],
    account: Option<CitizenId>,
    client: IpAddr,
    words: &Words<'_>,
) -> Result<Result<(), Stop>, DbError> {
    match gate(app, limits, account, client).await? {
        Gate::Open => Ok(Ok(())),
        Gate::Closed => Ok(Err(Stop::Limited(words.t("case-rate-limited")))),
        Gate::Challenge => {
            let solved = challenge::solved(
                services,
                &app.db,
                input.get("challenge_seed"),
                input.get("challenge_answer"),
                app.clock.now().timestamp(),
            )
            .await?;
            if solved {
                Ok(Ok(()))
            } else {
                Ok(Err(Stop::Challenge(words.t("challenge-failed"))))
            }
        }
    }
}

/// Returns a new challenge for a form when the gate requires one.
pub(super) fn challenge_for(
    app: &App,
    services: &CitizenServices,
    words: &Words<'_>,
    gate: Gate,
) -> Option<ChallengeView> {
    (gate != Gate::Open).then(|| challenge::issue(services, words, app.clock.now().timestamp()))
}
