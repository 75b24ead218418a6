//! Storage on SQLite or PostgreSQL: migrations, queries, routes, the outbox of change events
//! and the blob store.
//!
//! One `Db` type wraps a concrete `SqlitePool` or `PgPool`; the same SQL text runs on both
//! (see `sql`). Every instant comes from the injected `Clock` and is stored as integer
//! microseconds since the Unix epoch.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod access_log;
mod alerts;
pub mod analytics;
mod audit;
mod blobs;
pub mod cases;
mod citizens;
mod columns;
mod columns_admin;
mod columns_move;
mod db;
mod error;
mod freshness;
mod items;
mod ledger;
pub mod model;
mod orgs;
mod outbox;
mod probes;
mod routes;
mod scope;
pub mod scorecards;
mod services;
mod sites;
mod sql;
mod staff;
#[cfg(feature = "testing")]
pub mod testing;
mod wording;

pub use access_log::{AccessFilter, AccessRecord, MIN_ACCESS_RETAIN_DAYS};
pub use alerts::{
    AlertCounts, AlertFilter, AlertId, AlertRecord, DeliveryRecord, MonitorJob, NewAlert,
    RaiseOutcome, MAX_ALERT_ROWS, MAX_EVIDENCE_CHARS, MAX_PERIOD_ALERT_ROWS, MAX_RESOLUTION_CHARS,
};
pub use analytics::{
    AnalyticsBatch, ColumnViews, DayViews, ItemViews, QueryCount, QueryTotal, SiteViews, ViewCount,
    ViewKind, WithheldCount,
};
pub use audit::{
    AuditEntry, AuditFilter, AuditProblem, AuditRecord, AuditReport, AuditResult,
    MIN_AUDIT_RETAIN_MONTHS,
};
pub use blobs::{sm3_hex, BlobStore};
pub use cases::{
    CaseActor, CaseEvent, CaseFilter, CaseId, CaseKind, CaseRecord, CaseState, Consultation,
    ConsultationId, MessageCategory, NewAttachment, NewCase, NewConsultation, Opinion,
    OrgCaseStats, PublicMessage, Reply, SealedContact, CASES_TAG, CONSULTATIONS_TAG,
};
pub use citizens::{
    Assurance, Citizen, CitizenId, CitizenKind, CodeCheck, CodePurpose, Grant, GrantKind,
    IdSession, LinkUse, NewCitizen, NewGrant, OidcClient, ProfileChange, RateWindow, SealedValue,
    SignInRequest, SiteSession, StoredKey, Verification, MAX_DISPLAY_NAME_CHARS,
};
pub use db::{Backend, Db, Pool};
pub use error::{DbError, Result};
pub use freshness::ColumnActivity;
pub use items::editorial::{
    AdminItem, DesiredPlacements, DraftInput, PendingPlacement, ReviewStepRecord, RevisionDetail,
    RevisionSummary, SavedDraft, ScheduleRun, StepOutcome, Withdrawal, WorkEntry,
};
pub use ledger::{LedgerEntry, LedgerVersion, MAX_LEDGER_PATH_BYTES};
pub use model::*;
pub use probes::{
    ProbeResult, ProbeVisit, MAX_PROBE_REASON_CHARS, MAX_PROBE_ROWS, MAX_PROBE_URL_CHARS,
};
pub use scorecards::{NewSnapshot, RuleChange, Snapshot, StoredRule};
pub use services::{
    AdminService, CalendarDay, CalendarYear, PublishedService, SearchMiss, ServiceOrigin,
    ServiceRecord, ServiceStat, StatsImport, StatsInput, SyncedService, SynonymGroup,
    MAX_SYNONYM_TERMS, MAX_SYNONYM_TERM_CHARS, SERVICES_TAG,
};
pub use staff::{
    check_username, normalize_username, GrantRef, NewStaff, Session, SessionStage, Staff, StaffId,
    StoredFactor, StoredGrant,
};
pub use wording::{
    NewWordingEntry, WordingEntry, WordingEntryId, WordingList, MAX_WORDING_SOURCE_CHARS,
    MAX_WORDING_TERM_CHARS,
};
