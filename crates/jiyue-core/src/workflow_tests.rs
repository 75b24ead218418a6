use proptest::collection::vec;
use proptest::prelude::*;

use super::*;

const AUTHOR: i64 = 1;

fn submitted(levels: u8) -> Review {
    Review::new_draft(AUTHOR)
        .apply(&Step::Submit { by: AUTHOR, levels })
        .unwrap()
}

fn approved_by(levels: u8, reviewers: &[i64]) -> Review {
    reviewers.iter().fold(submitted(levels), |review, by| {
        review.apply(&Step::Approve { by: *by }).unwrap()
    })
}

fn reject(reason: &str) -> Step {
    Step::Reject {
        by: 2,
        reason: reason.to_owned(),
    }
}

fn not_allowed(state: RevisionState, step: &'static str) -> WorkflowError {
    WorkflowError::NotAllowed { state, step }
}

#[test]
fn state_codes_round_trip() {
    for state in RevisionState::ALL {
        assert_eq!(RevisionState::parse(state.as_str()), Some(state));
    }
    assert_eq!(RevisionState::parse("in-review"), None);
    assert_eq!(RevisionState::parse(""), None);
}

#[test]
fn state_message_ids_are_kebab_case() {
    assert_eq!(
        RevisionState::InReview.message_id(),
        "revision-state-in-review"
    );
    for state in RevisionState::ALL {
        let expected = format!("revision-state-{}", state.as_str().replace('_', "-"));
        assert_eq!(state.message_id(), expected);
    }
}

#[test]
fn new_draft_is_empty() {
    let review = Review::new_draft(7);
    assert_eq!(review.state, RevisionState::Draft);
    assert_eq!(review.required_levels, 0);
    assert!(review.approvals.is_empty());
    assert_eq!(review.author, 7);
    assert_eq!(review.pending_level(), None);
}

#[test]
fn edit_keeps_draft() {
    let review = Review::new_draft(AUTHOR);
    let edited = review.apply(&Step::Edit { by: AUTHOR }).unwrap();
    assert_eq!(edited, review);
}

#[test]
fn edit_turns_rejected_into_draft() {
    let rejected = submitted(2).apply(&reject("标题有误")).unwrap();
    let edited = rejected.apply(&Step::Edit { by: AUTHOR }).unwrap();
    assert_eq!(edited.state, RevisionState::Draft);
    assert!(edited.approvals.is_empty());
}

#[test]
fn edit_rejected_elsewhere() {
    let edit = Step::Edit { by: AUTHOR };
    let in_review = submitted(1);
    let approved = submitted(0);
    let published = approved.apply(&Step::Publish).unwrap();
    let superseded = published.apply(&Step::Supersede).unwrap();
    for review in [in_review, approved, published, superseded] {
        assert_eq!(review.apply(&edit), Err(not_allowed(review.state, "edit")));
    }
}

#[test]
fn submit_starts_review_at_level_one() {
    let review = Review::new_draft(AUTHOR)
        .apply(&Step::Submit { by: 4, levels: 2 })
        .unwrap();
    assert_eq!(review.state, RevisionState::InReview);
    assert_eq!(review.required_levels, 2);
    assert_eq!(review.author, 4);
    assert!(review.approvals.is_empty());
    assert_eq!(review.pending_level(), Some(1));
}

#[test]
fn submit_with_no_levels_approves() {
    let review = submitted(0);
    assert_eq!(review.state, RevisionState::Approved);
    assert!(review.fully_approved());
    assert_eq!(review.pending_level(), None);
}

#[test]
fn submit_rejects_four_levels() {
    let result = Review::new_draft(AUTHOR).apply(&Step::Submit {
        by: AUTHOR,
        levels: 4,
    });
    assert_eq!(result, Err(WorkflowError::BadLevels { levels: 4 }));
}

#[test]
fn submit_only_from_draft_or_rejected() {
    let submit = Step::Submit {
        by: AUTHOR,
        levels: 1,
    };
    let in_review = submitted(1);
    assert_eq!(
        in_review.apply(&submit),
        Err(not_allowed(RevisionState::InReview, "submit"))
    );
    let approved = submitted(0);
    assert_eq!(
        approved.apply(&submit),
        Err(not_allowed(RevisionState::Approved, "submit"))
    );
}

#[test]
fn resubmit_restarts_at_level_one() {
    let rejected = approved_by(3, &[2, 3])
        .apply(&reject("数据待核实"))
        .unwrap();
    assert!(rejected.approvals.is_empty());

    let again = rejected.apply(&Step::Submit { by: 5, levels: 1 }).unwrap();
    assert_eq!(again.state, RevisionState::InReview);
    assert_eq!(again.required_levels, 1);
    assert_eq!(again.author, 5);
    assert_eq!(again.pending_level(), Some(1));
}

#[test]
fn approve_walks_levels_in_order() {
    let first = approved_by(3, &[2]);
    assert_eq!(first.state, RevisionState::InReview);
    assert_eq!(first.pending_level(), Some(2));

    let second = first.apply(&Step::Approve { by: 3 }).unwrap();
    assert_eq!(second.pending_level(), Some(3));

    let third = second.apply(&Step::Approve { by: 4 }).unwrap();
    assert_eq!(third.state, RevisionState::Approved);
    assert_eq!(third.approvals, vec![2, 3, 4]);
    assert!(third.fully_approved());
}

#[test]
fn approve_by_author_fails() {
    let result = submitted(1).apply(&Step::Approve { by: AUTHOR });
    assert_eq!(result, Err(WorkflowError::OwnApproval));
}

#[test]
fn approve_twice_by_one_reviewer_fails() {
    let result = approved_by(2, &[2]).apply(&Step::Approve { by: 2 });
    assert_eq!(result, Err(WorkflowError::RepeatApproval));
}

#[test]
fn approve_only_in_review() {
    let approve = Step::Approve { by: 2 };
    let draft = Review::new_draft(AUTHOR);
    assert_eq!(
        draft.apply(&approve),
        Err(not_allowed(RevisionState::Draft, "approve"))
    );
    let approved = approved_by(1, &[3]);
    assert_eq!(
        approved.apply(&approve),
        Err(not_allowed(RevisionState::Approved, "approve"))
    );
}

#[test]
fn approve_over_full_record_fails() {
    let inconsistent = Review {
        state: RevisionState::InReview,
        required_levels: 1,
        approvals: vec![2],
        author: AUTHOR,
    };
    assert_eq!(inconsistent.pending_level(), None);
    assert_eq!(
        inconsistent.apply(&Step::Approve { by: 3 }),
        Err(not_allowed(RevisionState::InReview, "approve"))
    );
}

#[test]
fn reject_clears_approvals() {
    for review in [
        approved_by(3, &[2, 3]),
        approved_by(2, &[2, 3]),
        submitted(0),
    ] {
        let rejected = review.apply(&reject("  请补充附件  ")).unwrap();
        assert_eq!(rejected.state, RevisionState::Rejected);
        assert!(rejected.approvals.is_empty());
        assert_eq!(rejected.author, review.author);
    }
}

#[test]
fn reject_needs_reason() {
    let review = submitted(1);
    assert_eq!(review.apply(&reject("")), Err(WorkflowError::BlankReason));
    assert_eq!(
        review.apply(&reject(" \n\t　")),
        Err(WorkflowError::BlankReason)
    );
}

#[test]
fn reject_reason_length_limit() {
    let review = submitted(1);
    let longest = "错".repeat(MAX_REASON_CHARS);
    assert!(review.apply(&reject(&longest)).is_ok());
    assert!(review.apply(&reject(&format!("  {longest}  "))).is_ok());
    assert_eq!(
        review.apply(&reject(&format!("{longest}字"))),
        Err(WorkflowError::ReasonTooLong { max: 500 })
    );
}

#[test]
fn check_reason_trims() {
    assert_eq!(check_reason("  格式不对 \n"), Ok("格式不对"));
}

#[test]
fn reject_only_before_publication() {
    let draft = Review::new_draft(AUTHOR);
    assert_eq!(
        draft.apply(&reject("x")),
        Err(not_allowed(RevisionState::Draft, "reject"))
    );
    let published = submitted(0).apply(&Step::Publish).unwrap();
    assert_eq!(
        published.apply(&reject("x")),
        Err(not_allowed(RevisionState::Published, "reject"))
    );
    let rejected = submitted(1).apply(&reject("x")).unwrap();
    assert_eq!(
        rejected.apply(&reject("x")),
        Err(not_allowed(RevisionState::Rejected, "reject"))
    );
}

#[test]
fn publish_needs_approved() {
    let published = approved_by(2, &[2, 3]).apply(&Step::Publish).unwrap();
    assert_eq!(published.state, RevisionState::Published);
    assert_eq!(published.approvals, vec![2, 3]);

    let in_review = approved_by(2, &[2]);
    assert_eq!(
        in_review.apply(&Step::Publish),
        Err(not_allowed(RevisionState::InReview, "publish"))
    );
    assert_eq!(
        published.apply(&Step::Publish),
        Err(not_allowed(RevisionState::Published, "publish"))
    );
}

#[test]
fn publish_rejects_bad_approvals() {
    let bad_records = [
        (1, vec![]),
        (2, vec![2, 2]),
        (1, vec![AUTHOR]),
        (1, vec![2, 3]),
    ];
    for (required_levels, approvals) in bad_records {
        let review = Review {
            state: RevisionState::Approved,
            required_levels,
            approvals,
            author: AUTHOR,
        };
        assert!(!review.fully_approved(), "{review:?}");
        assert_eq!(
            review.apply(&Step::Publish),
            Err(not_allowed(RevisionState::Approved, "publish"))
        );
    }
}

#[test]
fn supersede_only_published() {
    let published = submitted(0).apply(&Step::Publish).unwrap();
    let superseded = published.apply(&Step::Supersede).unwrap();
    assert_eq!(superseded.state, RevisionState::Superseded);
    assert_eq!(
        superseded.apply(&Step::Supersede),
        Err(not_allowed(RevisionState::Superseded, "supersede"))
    );
    assert_eq!(
        submitted(0).apply(&Step::Supersede),
        Err(not_allowed(RevisionState::Approved, "supersede"))
    );
}

#[test]
fn error_message_ids() {
    let cases = [
        (
            not_allowed(RevisionState::Draft, "publish"),
            "workflow-not-allowed",
        ),
        (WorkflowError::OwnApproval, "workflow-own-approval"),
        (WorkflowError::RepeatApproval, "workflow-repeat-approval"),
        (WorkflowError::BlankReason, "workflow-blank-reason"),
        (
            WorkflowError::ReasonTooLong { max: 500 },
            "workflow-reason-too-long",
        ),
        (
            WorkflowError::BadLevels { levels: 9 },
            "workflow-bad-levels",
        ),
    ];
    for (error, id) in cases {
        assert_eq!(error.message_id(), id);
    }
}

#[test]
fn error_messages_name_value() {
    let message = not_allowed(RevisionState::InReview, "publish").to_string();
    assert!(
        message.starts_with("cannot publish a revision that is in review: "),
        "{message}"
    );
    assert!(message.contains("only an approved revision"), "{message}");
    let levels = WorkflowError::BadLevels { levels: 7 }.to_string();
    assert!(levels.contains("levels 7"), "{levels}");
    let long = WorkflowError::ReasonTooLong { max: 500 }.to_string();
    assert!(long.contains("500 characters"), "{long}");
}

fn any_step() -> impl Strategy<Value = Step> {
    let actor = || 0i64..5;
    let reason = prop_oneof![
        Just(String::new()),
        Just("   ".to_owned()),
        Just("请核对发文字号".to_owned()),
        Just("长".repeat(MAX_REASON_CHARS + 1)),
    ];
    prop_oneof![
        1 => actor().prop_map(|by| Step::Edit { by }),
        2 => (actor(), 0u8..5).prop_map(|(by, levels)| Step::Submit { by, levels }),
        4 => actor().prop_map(|by| Step::Approve { by }),
        1 => (actor(), reason).prop_map(|(by, reason)| Step::Reject { by, reason }),
        2 => Just(Step::Publish),
        1 => Just(Step::Supersede),
    ]
}

/// What the test remembers of the successful steps since the last successful Submit.
#[derive(Default)]
struct Since {
    submit: Option<(i64, u8)>,
    approvers: Vec<i64>,
}

impl Since {
    fn record(&mut self, step: &Step) {
        match step {
            Step::Submit { by, levels } => {
                self.submit = Some((*by, *levels));
                self.approvers.clear();
            }
            Step::Approve { by } => self.approvers.push(*by),
            Step::Reject { .. } => self.approvers.clear(),
            _ => {}
        }
    }
}

fn check_publication(next: &Review, since: &Since) -> Result<(), TestCaseError> {
    let Some((submitter, levels)) = since.submit else {
        return Err(TestCaseError::fail("published without any submit"));
    };
    prop_assert_eq!(next.required_levels, levels);
    prop_assert_eq!(next.author, submitter);
    prop_assert_eq!(next.approvals.len(), usize::from(levels));
    prop_assert!(!next.approvals.contains(&submitter));
    for (i, id) in next.approvals.iter().enumerate() {
        prop_assert!(
            !next.approvals[..i].contains(id),
            "repeated approver {}",
            id
        );
    }
    prop_assert_eq!(&next.approvals, &since.approvers);
    Ok(())
}

proptest! {
    #[test]
    fn workflow_invariants(author in 0i64..5, steps in vec(any_step(), 0..=30)) {
        let mut review = Review::new_draft(author);
        let mut since = Since::default();

        for step in &steps {
            let Ok(next) = review.apply(step) else { continue };
            since.record(step);

            if next.state == RevisionState::Published {
                prop_assert_eq!(step, &Step::Publish);
                prop_assert_ne!(review.state, RevisionState::Published);
                check_publication(&next, &since)?;
            }
            if next.state == RevisionState::Rejected {
                prop_assert!(next.approvals.is_empty());
            }
            prop_assert!(next.required_levels <= MAX_REVIEW_LEVELS);
            if next.state == RevisionState::InReview {
                let expected = u8::try_from(next.approvals.len() + 1).unwrap();
                prop_assert_eq!(next.pending_level(), Some(expected));
            }
            review = next;
        }
    }
}
