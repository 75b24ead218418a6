//! The review workflow of one revision: its states, the steps that move it between them, and the
//! rules each step checks (who may approve, how many review levels, what a rejection needs).
//!
//! A revision goes draft → in review at level 1..N → approved → published. A reviewer may reject
//! it with a reason, which sends it back to the author. Submitting again restarts the review at
//! level 1 with no approvals. A column sets N, from 0 to 3, and with N = 0 submitting approves at
//! once. Creating a new revision when a published one is edited is the storage layer's job.

use serde::{Deserialize, Serialize};

/// The maximum number of review levels a column can require.
pub const MAX_REVIEW_LEVELS: u8 = 3;

/// The maximum length of a rejection reason, in characters after trimming.
pub const MAX_REASON_CHARS: usize = 500;

/// The place of a revision in the review workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    Draft,
    InReview,
    Approved,
    Published,
    Rejected,
    Superseded,
}

impl RevisionState {
    /// Every state, in workflow order.
    pub const ALL: [RevisionState; 6] = [
        Self::Draft,
        Self::InReview,
        Self::Approved,
        Self::Published,
        Self::Rejected,
        Self::Superseded,
    ];

    /// Returns the stable code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::Superseded => "superseded",
        }
    }

    /// Parses a stable code written by [`RevisionState::as_str`], or returns `None` for other text.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == code)
    }

    /// Returns the id of the translated name of this state in the message catalogues.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Draft => "revision-state-draft",
            Self::InReview => "revision-state-in-review",
            Self::Approved => "revision-state-approved",
            Self::Published => "revision-state-published",
            Self::Rejected => "revision-state-rejected",
            Self::Superseded => "revision-state-superseded",
        }
    }

    /// Returns the English phrase used after "a revision that is" in error messages.
    fn phrase(self) -> &'static str {
        match self {
            Self::Draft => "a draft",
            Self::InReview => "in review",
            Self::Approved => "approved",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::Superseded => "superseded",
        }
    }
}

/// The review record of one revision: its state, the levels it needs and who approved so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub state: RevisionState,
    /// Review levels this revision needs, fixed when it is submitted (0..=3).
    pub required_levels: u8,
    /// Reviewer ids in the order they approved: approvals[0] approved level 1, and so on.
    pub approvals: Vec<i64>,
    /// The staff id of the author (who submitted).
    pub author: i64,
}

/// An action on a revision, checked and carried out by [`Review::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The author saves changes, allowed in Draft and Rejected (Rejected becomes Draft).
    Edit { by: i64 },
    /// The author (or another editor) submits, and `levels` is the column's current review levels.
    Submit { by: i64, levels: u8 },
    /// A reviewer approves the current level.
    Approve { by: i64 },
    /// A reviewer rejects with a reason (not blank after trimming, at most 500 characters).
    Reject { by: i64, reason: String },
    /// Makes an approved revision live (immediately or when its scheduled time comes).
    Publish,
    /// Another revision of the same item went live: a published revision becomes superseded.
    Supersede,
}

impl Step {
    /// Returns the lowercase verb of this step, as used in [`WorkflowError::NotAllowed`].
    pub fn name(&self) -> &'static str {
        match self {
            Self::Edit { .. } => "edit",
            Self::Submit { .. } => "submit",
            Self::Approve { .. } => "approve",
            Self::Reject { .. } => "reject",
            Self::Publish => "publish",
            Self::Supersede => "supersede",
        }
    }
}

/// A step that the workflow rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The step cannot be taken from the revision's current state.
    #[error(
        "cannot {step} a revision that is {}: {}. Reload the revision to see its current state",
        .state.phrase(),
        allowed_states(.step)
    )]
    NotAllowed {
        state: RevisionState,
        step: &'static str,
    },

    /// The author tried to approve their own revision.
    #[error("the author cannot approve their own revision: ask another reviewer to approve it")]
    OwnApproval,

    /// A reviewer who already approved one level tried to approve another.
    #[error(
        "this reviewer already approved a level of this revision: \
         ask a different reviewer to approve the next level"
    )]
    RepeatApproval,

    /// A rejection without a reason.
    #[error("the rejection reason is blank: write why the revision is rejected so the author can fix it")]
    BlankReason,

    /// A rejection reason longer than the limit.
    #[error("the rejection reason is longer than {max} characters: shorten it to {max} or fewer")]
    ReasonTooLong { max: usize },

    /// A column setting of more review levels than allowed.
    #[error(
        "invalid number of review levels {levels}: a column can require at most 3, \
         so change the column's review levels to a number from 0 to 3"
    )]
    BadLevels { levels: u8 },
}

impl WorkflowError {
    /// Returns the id of the translated message for this error in the message catalogues.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NotAllowed { .. } => "workflow-not-allowed",
            Self::OwnApproval => "workflow-own-approval",
            Self::RepeatApproval => "workflow-repeat-approval",
            Self::BlankReason => "workflow-blank-reason",
            Self::ReasonTooLong { .. } => "workflow-reason-too-long",
            Self::BadLevels { .. } => "workflow-bad-levels",
        }
    }
}

/// Returns the sentence naming the states a step is allowed from, for error messages.
fn allowed_states(step: &str) -> &'static str {
    match step {
        "edit" => "only a draft or a rejected revision can be changed in place",
        "submit" => "only a draft or a rejected revision can be submitted for review",
        "approve" => "only a revision in review with a level still waiting can be approved",
        "reject" => "only a revision in review, or approved and not yet published, can be rejected",
        "publish" => {
            "only an approved revision whose approvals cover every review level can be published"
        }
        "supersede" => "only a published revision can be superseded",
        _ => "this step is not part of the review workflow",
    }
}

/// Checks a rejection reason and returns it trimmed, which is the text to store.
pub fn check_reason(reason: &str) -> Result<&str, WorkflowError> {
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        return Err(WorkflowError::BlankReason);
    }
    if trimmed.chars().count() > MAX_REASON_CHARS {
        return Err(WorkflowError::ReasonTooLong {
            max: MAX_REASON_CHARS,
        });
    }
    Ok(trimmed)
}

impl Review {
    /// Creates the review record of a new draft by `author`, with no levels and no approvals.
    pub fn new_draft(author: i64) -> Self {
        Review {
            state: RevisionState::Draft,
            required_levels: 0,
            approvals: Vec::new(),
            author,
        }
    }

    /// Checks `step` against the workflow rules and returns the record after it. `self` is left
    /// unchanged either way.
    pub fn apply(&self, step: &Step) -> Result<Review, WorkflowError> {
        match step {
            Step::Edit { .. } => self.edit(step),
            Step::Submit { by, levels } => self.submit(step, *by, *levels),
            Step::Approve { by } => self.approve(step, *by),
            Step::Reject { reason, .. } => self.reject(step, reason),
            Step::Publish => self.publish(step),
            Step::Supersede => self.supersede(step),
        }
    }

    /// Returns the review level waiting for approval (1-based), when in review.
    ///
    /// Returns `None` in any other state, and for a record in review whose approvals already
    /// reach its required levels (which [`Review::apply`] never produces).
    pub fn pending_level(&self) -> Option<u8> {
        if self.state != RevisionState::InReview {
            return None;
        }
        let approved = u8::try_from(self.approvals.len()).ok()?;
        (approved < self.required_levels).then_some(approved + 1)
    }

    /// Returns true when the approvals satisfy the required levels: approvals.len() == required_levels,
    /// all distinct, none by the author.
    pub fn fully_approved(&self) -> bool {
        if self.approvals.len() != usize::from(self.required_levels) {
            return false;
        }
        if self.approvals.contains(&self.author) {
            return false;
        }
        let mut seen = Vec::with_capacity(self.approvals.len());
        self.approvals.iter().all(|id| {
            let fresh = !seen.contains(id);
            seen.push(*id);
            fresh
        })
    }

    fn not_allowed(&self, step: &Step) -> WorkflowError {
        WorkflowError::NotAllowed {
            state: self.state,
            step: step.name(),
        }
    }

    fn with_state(&self, state: RevisionState) -> Review {
        Review {
            state,
            ..self.clone()
        }
    }

    fn edit(&self, step: &Step) -> Result<Review, WorkflowError> {
        match self.state {
            RevisionState::Draft | RevisionState::Rejected => {
                Ok(self.with_state(RevisionState::Draft))
            }
            _ => Err(self.not_allowed(step)),
        }
    }

    fn submit(&self, step: &Step, by: i64, levels: u8) -> Result<Review, WorkflowError> {
        if !matches!(self.state, RevisionState::Draft | RevisionState::Rejected) {
            return Err(self.not_allowed(step));
        }
        if levels > MAX_REVIEW_LEVELS {
            return Err(WorkflowError::BadLevels { levels });
        }

        let state = if levels == 0 {
            RevisionState::Approved
        } else {
            RevisionState::InReview
        };
        Ok(Review {
            state,
            required_levels: levels,
            approvals: Vec::new(),
            author: by,
        })
    }

    fn approve(&self, step: &Step, by: i64) -> Result<Review, WorkflowError> {
        if self.pending_level().is_none() {
            return Err(self.not_allowed(step));
        }
        if by == self.author {
            return Err(WorkflowError::OwnApproval);
        }
        if self.approvals.contains(&by) {
            return Err(WorkflowError::RepeatApproval);
        }

        let mut next = self.clone();
        next.approvals.push(by);
        if next.approvals.len() == usize::from(next.required_levels) {
            next.state = RevisionState::Approved;
        }
        Ok(next)
    }

    fn reject(&self, step: &Step, reason: &str) -> Result<Review, WorkflowError> {
        if !matches!(
            self.state,
            RevisionState::InReview | RevisionState::Approved
        ) {
            return Err(self.not_allowed(step));
        }
        check_reason(reason)?;

        Ok(Review {
            state: RevisionState::Rejected,
            approvals: Vec::new(),
            ..self.clone()
        })
    }

    fn publish(&self, step: &Step) -> Result<Review, WorkflowError> {
        if self.state != RevisionState::Approved || !self.fully_approved() {
            return Err(self.not_allowed(step));
        }
        Ok(self.with_state(RevisionState::Published))
    }

    fn supersede(&self, step: &Step) -> Result<Review, WorkflowError> {
        if self.state != RevisionState::Published {
            return Err(self.not_allowed(step));
        }
        Ok(self.with_state(RevisionState::Superseded))
    }
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;
