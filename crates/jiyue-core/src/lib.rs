//! Domain types and rules of Jiyue, with no I/O: codes and their validation, column types and
//! their freshness rules, item metadata, paths of public pages, the review workflow of a
//! revision, diffs between revisions, service guides, the working-day calendar, the clock of
//! cases with statutory deadlines, masking of personal data in published text, and the `Clock`
//! trait.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod calendar;
pub mod case_clock;
pub mod clock;
pub mod column_type;
pub mod credit_code;
pub mod diff;
pub mod division;
pub mod domain;
pub mod error;
pub mod masking;
pub mod metadata;
pub mod net;
pub mod paths;
pub mod service;
pub mod site_code;
pub mod workflow;

pub use calendar::{CalendarEntry, CalendarError, DayKind, Reckoned, WorkCalendar};
pub use case_clock::{CaseClock, CaseClockError, CaseRules, CaseStatus, Extension, Pause};
pub use clock::{Clock, FixedClock};
pub use column_type::{ColumnType, Freshness};
pub use credit_code::CreditCode;
pub use diff::{diff_fields, diff_lines, diff_text, Change, FieldDiff, Span};
pub use division::{Division, DivisionLevel};
pub use domain::Domain;
pub use error::CodeError;
pub use masking::{mask_personal_data, Masked, MaskedKind};
pub use metadata::{FieldError, IndexNumber, ItemMeta, Validity};
pub use service::{
    BusinessStage, Fee, GuideElement, GuideFile, LifeEvent, Material, ProcessStep, ServiceAudience,
    ServiceGuide, ServiceKind, ServicePlace,
};
pub use site_code::SiteCode;
pub use workflow::{Review, RevisionState, Step, WorkflowError};
