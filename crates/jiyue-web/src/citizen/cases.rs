//! The case forms of every site: messages to an organization (互动交流), error reports
//! (我为政府网站找错) and applications for government information (依申请公开), and the
//! opinions citizens send to consultations (征集调查).

use std::sync::Arc;

use axum::Router;
use jiyue_db::{CaseKind, CaseState, CitizenId};

use super::view::{Fact, Words};
use crate::App;

pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
}

/// Returns the key of the state name a citizen sees: the internal steps of review and
/// transfer read as one "in progress".
pub(crate) fn citizen_state_key(state: CaseState) -> &'static str {
    match state {
        CaseState::Held | CaseState::Received => "case-state-received",
        CaseState::Accepted | CaseState::ReplyPending => "case-state-in-progress",
        CaseState::Paused => "case-state-paused",
        CaseState::Answered => "case-state-answered",
        CaseState::Rejected => "case-state-rejected",
    }
}

/// Returns the key of the name of a case kind.
pub(crate) fn kind_key(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Message => "case-kind-message",
        CaseKind::ErrorReport => "case-kind-error-report",
        CaseKind::Disclosure => "case-kind-disclosure",
    }
}

/// Lists a citizen's cases as facts for the "my" page: number and subject, kind and state.
pub(crate) async fn my_cases(app: &App, words: &Words<'_>, citizen: CitizenId) -> Vec<Fact> {
    let cases = match app.db.citizen_cases(citizen).await {
        Ok(cases) => cases,
        Err(error) => {
            tracing::error!(%error, "listing a citizen's cases failed");
            return vec![Fact::new(words.t("my-cases"), words.t("my-cases-failed"))];
        }
    };
    if cases.is_empty() {
        return vec![Fact::new(words.t("my-cases"), words.t("my-cases-none"))];
    }
    cases
        .iter()
        .map(|case| {
            Fact::new(
                format!("{} {}", case.no, case.subject),
                format!(
                    "{} · {} · {}",
                    words.t(kind_key(case.kind)),
                    words.t(citizen_state_key(case.state)),
                    case.received_on
                ),
            )
        })
        .collect()
}
