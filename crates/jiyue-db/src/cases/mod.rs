//! Cases: what a government body must answer within a deadline counted in working days.
//! Messages (互动交流), error reports (我为政府网站找错) and applications for government
//! information (依申请公开) share one table, one state machine and one history; the deadline
//! arithmetic is `jiyue_core::CaseClock`, stored as JSON on the case once it is accepted.
//!
//! Also here: the reply deadlines per site, the sensitive-word list that holds submissions
//! for review, the public listing of replied messages, monthly statistics and consultations
//! (征集调查).

mod consultations;
mod deadlines;
mod public;
mod queries;
mod record;
mod reply;
pub(crate) mod rows;
mod stats;
mod submit;
mod words;
mod workflow;

pub use consultations::{
    Consultation, ConsultationId, NewConsultation, Opinion, CONSULTATIONS_TAG,
};
pub use queries::CaseFilter;
pub use record::{
    Attachment, CaseActor, CaseEvent, CaseId, CaseKind, CaseRecord, CaseState, MessageCategory,
    NewAttachment, NewCase, PublicMessage, Reply, SealedContact,
};
pub use stats::OrgCaseStats;
pub use submit::{
    MAX_ATTACHMENTS, MAX_BODY_CHARS, MAX_REASON_CHARS, MAX_REPLY_CHARS, MAX_SUBJECT_CHARS,
};
pub use words::MAX_SENSITIVE_WORD_CHARS;

/// The cache tag of every page that lists or shows published cases.
pub const CASES_TAG: &str = "cases";
