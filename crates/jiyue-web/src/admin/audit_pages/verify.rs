//! The check of the audit log's chain from the audit page: runs `audit_verify` with the
//! server's audit key and shows the counts and every problem in the admin language.
//!
//! NOTE: the check reads the whole log in one request, as `jiyue audit verify` does. On a log
//! of many millions of entries the page may take minutes, so the command line suits it better.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use jiyue_auth::{Action, Target};
use jiyue_db::{AuditProblem, AuditReport, AuditResult};
use jiyue_render::MessageArg;
use serde::Serialize;

use super::filter::AuditForm;
use crate::admin::error::AdminError;
use crate::admin::render;
use crate::admin::session::SignedIn;
use crate::App;

/// The maximum number of problems the page lists. Beyond it, the page gives the count of the rest.
const MAX_SHOWN_PROBLEMS: usize = 1_000;

/// The outcome of a check as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub clean: bool,
    pub summary: String,
    pub problems: Vec<String>,
    /// A sentence naming the problems not listed, or empty.
    pub more: String,
}

impl ReportView {
    fn of(report: &AuditReport) -> Self {
        let number = |n: usize| MessageArg::Number(n as f64);
        let counts = [
            ("entries", MessageArg::Number(report.entries as f64)),
            ("segments", MessageArg::Number(report.segments as f64)),
            ("problems", number(report.problems.len())),
        ];
        let key = if report.is_clean() {
            "audit-verify-clean"
        } else {
            "audit-verify-problems"
        };
        let hidden = report.problems.len().saturating_sub(MAX_SHOWN_PROBLEMS);
        let more = if hidden > 0 {
            render::format_args("audit-verify-more", &[("count", number(hidden))])
        } else {
            String::new()
        };
        Self {
            clean: report.is_clean(),
            summary: render::format_args(key, &counts),
            problems: report
                .problems
                .iter()
                .take(MAX_SHOWN_PROBLEMS)
                .map(problem_text)
                .collect(),
            more,
        }
    }
}

/// Describes one problem in the admin language, naming the entry or segment.
fn problem_text(problem: &AuditProblem) -> String {
    let text = |n: &i64| n.to_string();
    match problem {
        AuditProblem::Edited { seq } => {
            render::format("audit-problem-edited", &[("seq", text(seq))])
        }
        AuditProblem::Missing { from_seq, to_seq } if from_seq == to_seq => {
            render::format("audit-problem-missing-one", &[("seq", text(from_seq))])
        }
        AuditProblem::Missing { from_seq, to_seq } => render::format(
            "audit-problem-missing",
            &[("from", text(from_seq)), ("to", text(to_seq))],
        ),
        AuditProblem::Inserted { seq } => {
            render::format("audit-problem-inserted", &[("seq", text(seq))])
        }
        AuditProblem::BadSeal { segment } => {
            render::format("audit-problem-bad-seal", &[("segment", segment.clone())])
        }
        AuditProblem::SegmentMismatch { segment } => render::format(
            "audit-problem-segment-mismatch",
            &[("segment", segment.clone())],
        ),
        AuditProblem::HeadMismatch => render::message("audit-problem-head-mismatch"),
        AuditProblem::Truncated { head_seq, last_seq } => render::format(
            "audit-problem-truncated",
            &[("head", text(head_seq)), ("last", text(last_seq))],
        ),
    }
}

/// Checks the audit log and shows the report above the newest entries. The shell's guard has
/// already checked the form's CSRF token.
pub(super) async fn run(State(app): State<Arc<App>>, me: SignedIn) -> Result<Response, AdminError> {
    me.authorize(
        &app,
        Action::ReadAudit,
        &Target::Platform,
        "audit.verify",
        "",
    )
    .await?;
    let report = app.db.audit_verify(app.audit_mac.as_ref()).await?;
    let (result, detail) = if report.is_clean() {
        (AuditResult::Ok, "no problems".to_string())
    } else {
        (
            AuditResult::Failed,
            format!("{} problems", report.problems.len()),
        )
    };
    let detail = format!(
        "{} entries in {} segments, {detail}",
        report.entries, report.segments
    );
    me.audit(&app, "audit.verify", "", result, &detail).await;
    super::audit_page(
        &app,
        &me,
        &AuditForm::default(),
        Some(ReportView::of(&report)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_entries_and_segments() {
        let text = problem_text(&AuditProblem::Missing {
            from_seq: 4,
            to_seq: 6,
        });
        assert!(text.contains('4'), "{text}");
        assert!(text.contains('6'), "{text}");
        let text = problem_text(&AuditProblem::BadSeal {
            segment: "2026-11".into(),
        });
        assert!(text.contains("2026-11"), "{text}");
        let text = problem_text(&AuditProblem::Edited { seq: 12345 });
        assert!(text.contains("12345"), "{text}");
    }

    #[test]
    fn report_lists_problems_and_counts_the_rest() {
        let report = AuditReport {
            entries: 3000,
            segments: 2,
            problems: (1..=1_002)
                .map(|seq| AuditProblem::Inserted { seq })
                .collect(),
        };
        let view = ReportView::of(&report);
        assert!(!view.clean);
        assert_eq!(view.problems.len(), MAX_SHOWN_PROBLEMS);
        assert!(view.more.contains('2'), "{}", view.more);
        let clean = ReportView::of(&AuditReport::default());
        assert!(clean.clean);
        assert!(clean.more.is_empty());
    }
}
