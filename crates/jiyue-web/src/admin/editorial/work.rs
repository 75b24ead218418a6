//! "My work", the first page after sign-in: my drafts and rejected revisions (with the
//! reasons), revisions waiting for my review, scheduled publications and withdrawals,
//! scheduled actions that ran late, the incomplete services I may complete, and for platform
//! operators the warning that next year's working-day calendar is missing.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiyue_auth::{Action, Target};
use jiyue_core::clock::format_china_minute;
use jiyue_core::RevisionState;
use jiyue_db::{ColumnId, WorkEntry};
use minijinja::context;
use serde::Serialize;

use super::super::error::AdminError;
use super::super::render;
use super::super::session::SignedIn;
use crate::App;

/// Rows read per list.
const LIST_LIMIT: i64 = 200;

/// Returns the route of the work page.
pub fn router() -> Router<Arc<App>> {
    Router::new().route("/", get(page))
}

/// One revision on a work list.
#[derive(Debug, Serialize)]
struct WorkRow {
    item_id: i64,
    title: String,
    state_key: &'static str,
    author: String,
    updated: String,
    reject_reason: Option<String>,
    pending_level: i64,
    required_levels: i64,
    publish_at: Option<String>,
}

fn row(entry: &WorkEntry) -> WorkRow {
    let revision = &entry.revision;
    WorkRow {
        item_id: revision.item_id,
        title: revision.title.clone(),
        state_key: revision.state.message_id(),
        author: revision.author_name.clone().unwrap_or_default(),
        updated: format_china_minute(revision.created_at),
        reject_reason: revision.reject_reason.clone(),
        pending_level: revision.approvals.len() as i64 + 1,
        required_levels: revision.required_levels,
        publish_at: revision.publish_at.map(format_china_minute),
    }
}

/// Column targets looked up once per page.
struct Targets<'a> {
    app: &'a App,
    known: HashMap<ColumnId, Option<Target>>,
}

impl Targets<'_> {
    async fn allows(&mut self, me: &SignedIn, action: Action, column: Option<ColumnId>) -> bool {
        let Some(column) = column else {
            return false;
        };
        if !self.known.contains_key(&column) {
            let target = self.app.db.column_target(column).await.ok().flatten();
            self.known.insert(column, target);
        }
        matches!(self.known.get(&column), Some(Some(target)) if me.allows(action, target))
    }
}

async fn page(State(app): State<Arc<App>>, me: SignedIn) -> Result<Response, AdminError> {
    let mine_states = [RevisionState::Draft, RevisionState::Rejected];
    let mine: Vec<WorkRow> = app
        .db
        .work_list(&mine_states, Some(me.staff.id), LIST_LIMIT)
        .await?
        .iter()
        .map(row)
        .collect();
    let mut targets = Targets {
        app: &app,
        known: HashMap::new(),
    };
    let review = waiting_for_review(&app, &me, &mut targets).await?;
    let scheduled = scheduled(&app, &me, &mut targets).await?;
    let withdrawals = withdrawal_rows(&app, &me).await?;
    let late = late_rows(&app, &me).await?;
    let incomplete_services = incomplete_services(&app, &me).await?;

    let ctx = context! {
        calendar_warning => crate::admin::calendar::missing_year_warning(&app, &me),
        incomplete_services => incomplete_services,
        mine => mine,
        review => review,
        scheduled => scheduled,
        withdrawals => withdrawals,
        late => late,
    };
    Ok(render::page_for(&app, &me, "work.html", ctx)?.into_response())
}

/// Counts the incomplete services the user may write.
async fn incomplete_services(app: &App, me: &SignedIn) -> Result<usize, AdminError> {
    if !me.can_anywhere(Action::WriteItem) {
        return Ok(0);
    }
    let mut count = 0;
    for service in app.db.admin_services(None).await? {
        if service.record.missing.is_empty() {
            continue;
        }
        let allowed = match super::access::load_item(app, service.record.item_id).await {
            Ok(item) => me.allows(Action::WriteItem, &item.target),
            Err(_) => false,
        };
        count += usize::from(allowed);
    }
    Ok(count)
}

/// Lists the revisions in review whose home column the user may review, written by someone
/// else and not yet approved by the user.
async fn waiting_for_review(
    app: &App,
    me: &SignedIn,
    targets: &mut Targets<'_>,
) -> Result<Vec<WorkRow>, AdminError> {
    let mut rows = Vec::new();
    for entry in app
        .db
        .work_list(&[RevisionState::InReview], None, LIST_LIMIT)
        .await?
    {
        let revision = &entry.revision;
        let waiting_for_me =
            revision.author_id != Some(me.staff.id) && !revision.approvals.contains(&me.staff.id);
        if waiting_for_me
            && targets
                .allows(me, Action::ReviewItem, entry.home_column)
                .await
        {
            rows.push(row(&entry));
        }
    }
    Ok(rows)
}

/// Lists the approved revisions that wait for their publication time.
async fn scheduled(
    app: &App,
    me: &SignedIn,
    targets: &mut Targets<'_>,
) -> Result<Vec<WorkRow>, AdminError> {
    let mut rows = Vec::new();
    for entry in app
        .db
        .work_list(&[RevisionState::Approved], None, LIST_LIMIT)
        .await?
    {
        let timed = entry.revision.publish_at.is_some();
        if timed
            && targets
                .allows(me, Action::ViewItems, entry.home_column)
                .await
        {
            rows.push(row(&entry));
        }
    }
    Ok(rows)
}

/// A published item with a scheduled withdrawal.
#[derive(Debug, Serialize)]
struct WithdrawalRow {
    item_id: i64,
    title: String,
    at: String,
}

async fn withdrawal_rows(app: &App, me: &SignedIn) -> Result<Vec<WithdrawalRow>, AdminError> {
    let mut rows = Vec::new();
    for (item_id, at) in app.db.scheduled_withdrawals(LIST_LIMIT).await? {
        let Some(target) = app.db.item_target(item_id).await? else {
            continue;
        };
        if !me.allows(Action::ViewItems, &target) {
            continue;
        }
        let title = app
            .db
            .published_item(item_id)
            .await?
            .map(|item| item.meta.title)
            .unwrap_or_default();
        rows.push(WithdrawalRow {
            item_id,
            title,
            at: format_china_minute(at),
        });
    }
    Ok(rows)
}

/// A scheduled action that ran late.
#[derive(Debug, Serialize)]
struct LateRow {
    item_id: i64,
    action_key: &'static str,
    due_at: String,
    ran_at: String,
}

async fn late_rows(app: &App, me: &SignedIn) -> Result<Vec<LateRow>, AdminError> {
    let mut rows = Vec::new();
    for run in app.db.late_schedule_reports(20).await? {
        let Some(target) = app.db.item_target(run.item_id).await? else {
            continue;
        };
        if !me.allows(Action::ViewItems, &target) {
            continue;
        }
        rows.push(LateRow {
            item_id: run.item_id,
            action_key: if run.action == "withdraw" {
                "editorial-work-late-withdraw"
            } else {
                "editorial-work-late-publish"
            },
            due_at: format_china_minute(run.due_at),
            ran_at: format_china_minute(run.ran_at),
        });
    }
    Ok(rows)
}
