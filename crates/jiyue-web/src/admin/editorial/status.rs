//! The state of an item as its pages show it (newest revision, review progress, reason of a
//! rejection, public address) with the steps the user may take, and the notices that
//! redirects after a step name by code.

use jiyue_auth::Action;
use jiyue_core::clock::format_china_minute;
use jiyue_core::RevisionState;
use minijinja::{context, Value};

use super::super::error::AdminError;
use super::super::render;
use super::super::session::SignedIn;
use super::access::ItemContext;
use crate::App;

/// Returns the text of a notice code from a redirect, or `None` for an unknown code.
pub fn notice_text(code: &str) -> Option<String> {
    let key = match code {
        "saved" => "editorial-notice-saved",
        "submitted" => "editorial-notice-submitted",
        "approved" => "editorial-notice-approved",
        "published" => "editorial-notice-published",
        "rejected" => "editorial-notice-rejected",
        "withdrawn" => "editorial-notice-withdrawn",
        "withdraw-scheduled" => "editorial-notice-withdraw-scheduled",
        "restored" => "editorial-notice-restored",
        "column-saved" => "editorial-notice-column-saved",
        "column-created" => "editorial-notice-column-created",
        "column-deleted" => "editorial-notice-column-deleted",
        "column-moved" => "editorial-notice-column-moved",
        "placement-accepted" => "editorial-notice-placement-accepted",
        _ => return None,
    };
    Some(render::message(key))
}

/// Returns the item's state and the steps the user may take on it.
pub async fn item_status(
    app: &App,
    me: &SignedIn,
    context: &ItemContext,
) -> Result<Value, AdminError> {
    let summary = &context.latest.summary;
    let state = summary.state;
    let editable = matches!(state, RevisionState::Draft | RevisionState::Rejected);
    let reviewable = matches!(state, RevisionState::InReview | RevisionState::Approved);
    let approvals = summary.approvals.len() as i64;
    let pending_level = (state == RevisionState::InReview && approvals < summary.required_levels)
        .then_some(approvals + 1);
    let live = context.item.live_revision_id.is_some();
    let allows = |action| me.allows(action, &context.target);
    Ok(context! {
        id => context.item.id,
        revision_id => summary.id,
        number => summary.number,
        state_key => state.message_id(),
        reject_reason => summary.reject_reason,
        required_levels => summary.required_levels,
        pending_level => pending_level,
        publish_at => summary.publish_at.map(format_china_minute),
        live => live,
        public_url => public_url(app, context.item.id).await?,
        can_write => allows(Action::WriteItem),
        can_submit => editable && allows(Action::SubmitItem),
        can_approve => state == RevisionState::InReview
            && allows(Action::ReviewItem)
            && summary.author_id != Some(me.staff.id)
            && !summary.approvals.contains(&me.staff.id),
        can_reject => reviewable && allows(Action::ReviewItem),
        can_withdraw => live && allows(Action::WithdrawItem),
    })
}

/// Returns the public address of the item's home placement, when it is published.
async fn public_url(app: &App, item_id: i64) -> Result<Option<String>, AdminError> {
    let Some(item) = app.db.published_item(item_id).await? else {
        return Ok(None);
    };
    let directory = app.directory();
    Ok(item
        .placements
        .iter()
        .find(|placement| placement.is_home)
        .and_then(|home| {
            let base = directory.hosts.base_url(home.site_id)?;
            Some(format!("{base}{}", home.path))
        }))
}
