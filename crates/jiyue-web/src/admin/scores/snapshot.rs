//! Taking a month's scorecards on request: a platform operator who has mended what the checks
//! found starts the scoring again instead of waiting for the daily run. The run renders every
//! page of every site, so it runs in the background, one at a time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use axum::Form;
use jiyue_auth::Action;
use jiyue_db::AuditResult;
use serde::Deserialize;

use super::super::error::AdminError;
use super::super::redirect;
use super::super::session::{forbidden, SignedIn};
use super::is_operator;
use crate::monitor::scorecards::{snapshot, Period};
use crate::App;

/// True while a run started here is going on.
static RUNNING: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Default, Deserialize)]
pub(super) struct SnapshotForm {
    #[serde(default)]
    month: String,
}

/// Clears [`RUNNING`] when the run ends, also when it panics.
struct RunGuard;

impl Drop for RunGuard {
    fn drop(&mut self) {
        RUNNING.store(false, Ordering::SeqCst);
    }
}

pub(super) async fn take(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Form(form): Form<SnapshotForm>,
) -> Result<Response, AdminError> {
    let month = form.month.trim().to_string();
    if !is_operator(&me) {
        me.audit(&app, "score.snapshot", &month, AuditResult::Denied, "")
            .await;
        return Err(forbidden(Action::ManageSites));
    }
    let now = app.clock.now();
    let period = if month.is_empty() {
        Period::current(app.today(), now)
    } else {
        Period::of_month(&month, app.today(), now).map_err(AdminError::BadRequest)?
    };
    if RUNNING.swap(true, Ordering::SeqCst) {
        return Ok(redirect(&format!(
            "/monitor/scores?month={}&notice=busy",
            period.month
        )));
    }
    me.audit(&app, "score.snapshot", &period.month, AuditResult::Ok, "")
        .await;
    let target = format!("/monitor/scores?month={}&notice=taking", period.month);
    tokio::spawn(async move {
        let _guard = RunGuard;
        match snapshot(&app, &period).await {
            Ok(outcome) => tracing::info!(%outcome, "scorecards taken on request"),
            Err(error) => tracing::error!(%error, "taking scorecards on request failed"),
        }
    });
    Ok(redirect(&target))
}
