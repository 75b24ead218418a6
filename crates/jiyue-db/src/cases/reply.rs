//! Replies: a handler submits one, a reviewer approves it (the case is answered, and a public
//! message with the citizen's consent is published) or sends it back, and a published reply
//! can be taken down.

use chrono::NaiveDate;
use jiyue_core::WorkCalendar;

use super::record::{CaseId, CaseKind, CaseRecord, CaseState};
use super::rows::date_text;
use super::submit::{check_reason, check_text, MAX_REPLY_CHARS};
use super::workflow::{insert_event, open_case, update_case, EventInput};
use super::CASES_TAG;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::Scope;
use crate::outbox::{insert_events, NewEvent};
use crate::sql::{args, micros};
use crate::staff::StaffId;

/// Builds the outbox event that drops the cached pages listing the messages of a site.
pub(crate) fn publication_event(kind: &'static str, case: &CaseRecord) -> NewEvent {
    NewEvent {
        kind,
        tags: [
            format!("cases:site:{}", case.site_id),
            CASES_TAG.to_string(),
        ]
        .into_iter()
        .collect(),
        item_id: None,
        site_id: Some(case.site_id),
    }
}

/// The figures stored when a reply is approved.
struct Answer {
    working_days_used: i64,
    on_time: bool,
    published: bool,
}

fn answer(case: &CaseRecord, calendar: &WorkCalendar, today: NaiveDate) -> Result<Answer> {
    let Some(clock) = &case.clock else {
        return Err(DbError::Invalid(format!(
            "case {} has no clock because it was never accepted; accept it before answering",
            case.no
        )));
    };
    let used = clock.working_days_used(calendar, today).value;
    let on_time = match clock.due(calendar).value {
        Some(due) => today <= due,
        // An open pause hides the due date; a case answered while paused is not late.
        None => true,
    };
    Ok(Answer {
        working_days_used: i64::from(used),
        on_time,
        published: case.kind == CaseKind::Message
            && case.public_requested
            && case.consent_to_publish,
    })
}

impl Db {
    /// Submits the reply of an accepted case for review: accepted → reply pending. The reply
    /// is recorded as coming from the case's current organization.
    pub async fn submit_reply(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        body: &str,
    ) -> Result<()> {
        let body = check_text("the reply", body, MAX_REPLY_CHARS)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let allowed = [CaseState::Accepted];
        let case = open_case(&mut tx.conn(), scope, id, "submit a reply", &allowed).await?;
        update_case(
            &mut tx.conn(),
            &case,
            now,
            "state = $4, reply_body = $5, reply_org_id = $6, reply_staff_id = $7, \
             reply_submitted_at = $8, reply_reviewed_by = NULL, reply_review_note = NULL",
            args![
                CaseState::ReplyPending.as_str(),
                body,
                case.org_id,
                staff,
                micros(now)
            ],
        )
        .await?;
        let event = EventInput::staff("reply_submitted", staff, &case, CaseState::ReplyPending);
        insert_event(&mut tx.conn(), id, micros(now), &event).await?;
        tx.commit().await
    }

    /// Reviews a pending reply. Approving answers the case on `today`, stores the working days
    /// used and whether the deadline was met, and publishes a public message whose citizen
    /// consented, with an outbox event tagged `cases:site:<id>` and `cases`. The author of the
    /// reply may not approve it. Sending it back returns the case to accepted with the note.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_reply(
        &self,
        scope: &Scope,
        id: CaseId,
        reviewer: StaffId,
        approve: bool,
        note: &str,
        calendar: &WorkCalendar,
        today: NaiveDate,
    ) -> Result<()> {
        let note = note.trim();
        if !approve {
            check_reason("sending back of the reply", note)?;
        } else if !note.is_empty() {
            check_text("the review note", note, super::submit::MAX_REASON_CHARS)?;
        }

        let note = (!note.is_empty()).then_some(note);
        let now = self.now();
        let mut tx = self.begin().await?;
        let allowed = [CaseState::ReplyPending];
        let case = open_case(&mut tx.conn(), scope, id, "review the reply", &allowed).await?;

        if !approve {
            update_case(
                &mut tx.conn(),
                &case,
                now,
                "state = $4, reply_reviewed_by = $5, reply_review_note = $6",
                args![CaseState::Accepted.as_str(), reviewer, note],
            )
            .await?;
            let mut event =
                EventInput::staff("reply_sent_back", reviewer, &case, CaseState::Accepted);
            event.reason = note.map(str::to_string);
            insert_event(&mut tx.conn(), id, micros(now), &event).await?;
            return tx.commit().await;
        }

        let author = case.reply.as_ref().map(|reply| reply.staff_id);
        if author == Some(reviewer) {
            return Err(DbError::Invalid(format!(
                "staff member {reviewer} wrote the reply of case {}, so they cannot approve it; \
                 ask another reviewer",
                case.no
            )));
        }

        let answer = answer(&case, calendar, today)?;
        update_case(
            &mut tx.conn(),
            &case,
            now,
            "state = $4, reply_reviewed_by = $5, reply_review_note = $6, answered_at = $7, \
             answered_on = $8, working_days_used = $9, answered_on_time = $10, published = $11",
            args![
                CaseState::Answered.as_str(),
                reviewer,
                note,
                micros(now),
                date_text(today),
                answer.working_days_used,
                answer.on_time,
                answer.published
            ],
        )
        .await?;
        let mut event = EventInput::staff("reply_approved", reviewer, &case, CaseState::Answered);
        event.reason = note.map(str::to_string);
        insert_event(&mut tx.conn(), id, micros(now), &event).await?;
        if answer.published {
            let published = publication_event("cases.published", &case);
            insert_events(&mut tx.conn(), micros(now), &[published]).await?;
        }

        tx.commit().await
    }

    /// Takes a published reply off the site with the reason, and drops the cached pages that
    /// showed it.
    pub async fn unpublish_case(
        &self,
        scope: &Scope,
        id: CaseId,
        staff: StaffId,
        reason: &str,
    ) -> Result<()> {
        let reason = check_reason("withdrawal", reason)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let allowed = [CaseState::Answered];
        let case = open_case(&mut tx.conn(), scope, id, "take the reply down", &allowed).await?;
        if !case.published {
            return Err(DbError::Invalid(format!(
                "the reply of case {} is not published, so there is nothing to take down",
                case.no
            )));
        }

        update_case(&mut tx.conn(), &case, now, "published = $4", args![false]).await?;
        let event = EventInput::staff("unpublished", staff, &case, case.state).with_reason(reason);
        insert_event(&mut tx.conn(), id, micros(now), &event).await?;
        let unpublished = publication_event("cases.unpublished", &case);
        insert_events(&mut tx.conn(), micros(now), &[unpublished]).await?;
        tx.commit().await
    }
}
