//! The types of a case as submitted and as stored.

use chrono::{DateTime, NaiveDate, Utc};
use jiyue_core::CaseClock;
use serde::Serialize;

use crate::error::{DbError, Result};
use crate::model::{OrgId, SiteId};
use crate::staff::StaffId;

/// The id of a case.
pub type CaseId = i64;

/// The kind of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A message (互动交流) a signed-in citizen writes to an organization.
    Message,
    /// An anonymous error report (我为政府网站找错) about a page of a site.
    ErrorReport,
    /// An application for government information (依申请公开).
    Disclosure,
}

impl CaseKind {
    /// Returns the stored code: `message`, `error_report` or `disclosure`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::ErrorReport => "error_report",
            Self::Disclosure => "disclosure",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Result<Self> {
        match code {
            "message" => Ok(Self::Message),
            "error_report" => Ok(Self::ErrorReport),
            "disclosure" => Ok(Self::Disclosure),
            other => Err(DbError::Invalid(format!(
                "case kind \"{other}\" is unknown; use message, error_report or disclosure"
            ))),
        }
    }
}

/// The category of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageCategory {
    /// 咨询
    Consultation,
    /// 建议
    Suggestion,
    /// 投诉
    Complaint,
}

impl MessageCategory {
    /// Returns the stored code: `consultation`, `suggestion` or `complaint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consultation => "consultation",
            Self::Suggestion => "suggestion",
            Self::Complaint => "complaint",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Result<Self> {
        match code {
            "consultation" => Ok(Self::Consultation),
            "suggestion" => Ok(Self::Suggestion),
            "complaint" => Ok(Self::Complaint),
            other => Err(DbError::Invalid(format!(
                "message category \"{other}\" is unknown; use consultation, suggestion or \
                 complaint"
            ))),
        }
    }
}

/// The state of a case in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 待审核: the sensitive-word list matched; staff release or reject it.
    Held,
    /// 已收到: waiting to be accepted, rejected or transferred.
    Received,
    /// 已受理: the clock runs.
    Accepted,
    /// 已暂停: the clock is paused, such as while an applicant completes an application.
    Paused,
    /// 答复待审: a reply waits for review.
    ReplyPending,
    /// 已答复
    Answered,
    /// 不予受理
    Rejected,
}

impl CaseState {
    /// Returns the stored code, such as `reply_pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Received => "received",
            Self::Accepted => "accepted",
            Self::Paused => "paused",
            Self::ReplyPending => "reply_pending",
            Self::Answered => "answered",
            Self::Rejected => "rejected",
        }
    }

    /// Returns the Chinese name staff see, such as 答复待审.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Held => "待审核",
            Self::Received => "已收到",
            Self::Accepted => "已受理",
            Self::Paused => "已暂停",
            Self::ReplyPending => "答复待审",
            Self::Answered => "已答复",
            Self::Rejected => "不予受理",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Result<Self> {
        match code {
            "held" => Ok(Self::Held),
            "received" => Ok(Self::Received),
            "accepted" => Ok(Self::Accepted),
            "paused" => Ok(Self::Paused),
            "reply_pending" => Ok(Self::ReplyPending),
            "answered" => Ok(Self::Answered),
            "rejected" => Ok(Self::Rejected),
            other => Err(DbError::Invalid(format!(
                "case state \"{other}\" is unknown; repair the row"
            ))),
        }
    }
}

impl std::fmt::Display for CaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name_zh(), self.as_str())
    }
}

/// Contact details of the submitter, each the text form of a value sealed with SM4-GCM
/// (`jiyue_auth::Sealed`), never plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SealedContact {
    pub name: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
}

impl SealedContact {
    pub(crate) fn fields(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("name", &self.name),
            ("mobile", &self.mobile),
            ("email", &self.email),
            ("address", &self.address),
            ("id_number", &self.id_number),
        ]
    }
}

/// A file to attach to a new case; its bytes are already in the blob store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// SM3 digest of the bytes, 64 lowercase hex characters.
    pub blob_sha: String,
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    pub mime: String,
}

/// A stored attachment of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub blob_sha: String,
    pub name: String,
    pub size: i64,
    pub mime: String,
}

/// A case to submit from the public side.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub kind: CaseKind,
    /// The category of a message; `None` for the other kinds.
    pub category: Option<MessageCategory>,
    pub site_id: SiteId,
    /// The organization addressed; for an error report, the site's organization.
    pub org_id: OrgId,
    /// The signed-in citizen, or `None` for an anonymous error report.
    pub citizen_id: Option<i64>,
    pub subject: String,
    pub body: String,
    /// The page an error report is about.
    pub page_url: Option<String>,
    pub contact: SealedContact,
    /// True when the citizen asked for the case to be public.
    pub public_requested: bool,
    /// True when the citizen consented to the publication of the reply.
    pub consent_to_publish: bool,
    /// The matched words when the sensitive-word list matched. A case with them starts held.
    pub held_for: Option<String>,
    pub attachments: Vec<NewAttachment>,
    /// The civil date of receipt in China.
    pub received_on: NaiveDate,
}

/// The reply of a case, from submission to review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub body: String,
    /// The organization that replied.
    pub org_id: OrgId,
    /// The staff member who wrote the reply.
    pub staff_id: StaffId,
    pub submitted_at: DateTime<Utc>,
    /// The reviewer who last approved or sent back the reply.
    pub reviewed_by: Option<StaffId>,
    /// The reviewer's note; on a sent-back reply, what to change.
    pub review_note: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_on: Option<NaiveDate>,
}

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    pub id: CaseId,
    /// The public number: the date of receipt and the id padded to 5 digits, such as
    /// `2026120500012`.
    pub no: String,
    pub kind: CaseKind,
    pub category: Option<MessageCategory>,
    pub site_id: SiteId,
    /// The organization the case is with now.
    pub org_id: OrgId,
    pub citizen_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub page_url: Option<String>,
    pub contact: SealedContact,
    pub public_requested: bool,
    pub consent_to_publish: bool,
    /// When the citizen consented to publication.
    pub consent_at: Option<DateTime<Utc>>,
    pub held_for: Option<String>,
    pub state: CaseState,
    pub received_at: DateTime<Utc>,
    pub received_on: NaiveDate,
    /// The deadline clock, set on acceptance.
    pub clock: Option<CaseClock>,
    pub reply: Option<Reply>,
    pub answered_on_time: Option<bool>,
    pub working_days_used: Option<u32>,
    /// True while the reply is shown on the site.
    pub published: bool,
    pub reminded_on: Option<NaiveDate>,
    pub overdue_alerted_on: Option<NaiveDate>,
    pub attachments: Vec<Attachment>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change.
    pub version: i64,
}

/// A published message as the public site shows it: no contact details, no citizen id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicMessage {
    pub no: String,
    pub category: Option<MessageCategory>,
    pub subject: String,
    pub body: String,
    pub received_on: NaiveDate,
    pub answered_on: NaiveDate,
    /// The organization that replied.
    pub reply_org_id: OrgId,
    pub reply_org_name: String,
    pub reply: String,
}

/// The author of a change to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum CaseActor {
    Staff(StaffId),
    Citizen(i64),
    /// An anonymous submitter, or a citizen whose account was deleted.
    Anonymous,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    pub actor: CaseActor,
    /// The action, such as `submitted`, `accepted`, `transferred` or `reply_approved`.
    pub action: String,
    pub from_state: Option<CaseState>,
    pub to_state: Option<CaseState>,
    pub from_org: Option<OrgId>,
    pub to_org: Option<OrgId>,
    pub reason: Option<String>,
}
