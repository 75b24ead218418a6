//! Consultations (征集调查): an organization collects opinions from the public between two
//! dates, then publishes the result and its response.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::rows::{date_text, parse_date};
use super::submit::{check_text, MAX_BODY_CHARS, MAX_SUBJECT_CHARS};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{OrgId, Scope, SiteId};
use crate::outbox::{insert_events, NewEvent};
use crate::scope::check_org;
use crate::sql::{args, micros, Conn, Row};
use crate::staff::StaffId;

/// The id of a consultation.
pub type ConsultationId = i64;

/// The cache tag of every page that lists or shows consultations.
pub const CONSULTATIONS_TAG: &str = "consultations";

/// Maximum length of a consultation's result or response, in characters.
const MAX_RESULT_CHARS: usize = 10_000;

/// A consultation to open.
#[derive(Debug, Clone)]
pub struct NewConsultation {
    pub site_id: SiteId,
    pub org_id: OrgId,
    pub title: String,
    pub body: String,
    /// The first day opinions are taken.
    pub starts_on: NaiveDate,
    /// The last day opinions are taken.
    pub ends_on: NaiveDate,
}

/// A stored consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consultation {
    pub id: ConsultationId,
    pub site_id: SiteId,
    pub org_id: OrgId,
    pub title: String,
    pub body: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The published summary of the opinions received.
    pub result: Option<String>,
    /// The organization's response to the opinions.
    pub response: Option<String>,
    pub result_published_at: Option<DateTime<Utc>>,
    /// How many opinions were submitted.
    pub opinions: u64,
    pub created_at: DateTime<Utc>,
}

/// An opinion a citizen submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opinion {
    pub id: i64,
    /// The citizen, or `None` once their account was deleted.
    pub citizen_id: Option<i64>,
    pub body: String,
    /// The matched sensitive words, when the list matched.
    pub held_for: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub submitted_on: NaiveDate,
}

const CONSULTATION_COLUMNS: &str = "c.id, c.site_id, c.org_id, c.title, c.body, c.starts_on, \
    c.ends_on, c.result, c.response, c.result_published_at, c.created_at, \
    (SELECT COUNT(*) FROM consultation_opinions p WHERE p.consultation_id = c.id) AS opinions";

fn consultation_from_row(row: &Row) -> Result<Consultation> {
    Ok(Consultation {
        id: row.int("id")?,
        site_id: row.int("site_id")?,
        org_id: row.int("org_id")?,
        title: row.text("title")?,
        body: row.text("body")?,
        starts_on: parse_date(&row.text("starts_on")?, "starts_on")?,
        ends_on: parse_date(&row.text("ends_on")?, "ends_on")?,
        result: row.opt_text("result")?,
        response: row.opt_text("response")?,
        result_published_at: row.opt_time("result_published_at")?,
        opinions: u64::try_from(row.int("opinions")?).unwrap_or_default(),
        created_at: row.time("created_at")?,
    })
}

async fn load_consultation(conn: &mut Conn<'_>, id: ConsultationId) -> Result<Consultation> {
    let row = conn
        .fetch_optional(
            &format!("SELECT {CONSULTATION_COLUMNS} FROM consultations c WHERE c.id = $1"),
            args![id],
        )
        .await?;
    match row {
        Some(row) => consultation_from_row(&row),
        None => Err(DbError::NotFound(format!(
            "consultation {id} does not exist; check the consultation id"
        ))),
    }
}

impl Db {
    /// Opens a consultation of an organization the scope reaches, on a site, taking opinions
    /// from `starts_on` to `ends_on`, both included.
    pub async fn create_consultation(
        &self,
        scope: &Scope,
        new: NewConsultation,
        staff: StaffId,
    ) -> Result<ConsultationId> {
        let title = check_text("the title", &new.title, MAX_SUBJECT_CHARS)?;
        let body = check_text("the body", &new.body, MAX_BODY_CHARS)?;
        if new.ends_on < new.starts_on {
            return Err(DbError::Invalid(format!(
                "the consultation ends on {} before it starts on {}; give an end date on or \
                 after the start",
                new.ends_on, new.starts_on
            )));
        }

        let now = self.now();
        let mut tx = self.begin().await?;
        check_org(&mut tx.conn(), scope, new.org_id, "open a consultation").await?;
        let site = tx
            .conn()
            .fetch_optional(
                "SELECT 1 AS one FROM sites WHERE id = $1",
                args![new.site_id],
            )
            .await?;

        if site.is_none() {
            return Err(DbError::NotFound(format!(
                "site {} does not exist; check the site id",
                new.site_id
            )));
        }

        let row = tx
            .conn()
            .fetch_one(
                "INSERT INTO consultations (site_id, org_id, title, body, starts_on, ends_on, \
                 created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                 RETURNING id",
                args![
                    new.site_id,
                    new.org_id,
                    title,
                    body,
                    date_text(new.starts_on),
                    date_text(new.ends_on),
                    staff,
                    micros(now)
                ],
            )
            .await?;

        let id = row.int("id")?;
        let event = consultations_event(new.site_id);
        insert_events(&mut tx.conn(), micros(now), &[event]).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Returns a consultation, or `None`.
    pub async fn consultation(&self, id: ConsultationId) -> Result<Option<Consultation>> {
        let mut handle = self.reader().await?;
        match load_consultation(&mut handle.conn(), id).await {
            Ok(consultation) => Ok(Some(consultation)),
            Err(DbError::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Returns the consultations of a site, the latest start first.
    pub async fn site_consultations(&self, site_id: SiteId) -> Result<Vec<Consultation>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                &format!(
                    "SELECT {CONSULTATION_COLUMNS} FROM consultations c WHERE c.site_id = $1 \
                     ORDER BY c.starts_on DESC, c.id DESC"
                ),
                args![site_id],
            )
            .await?;

        rows.iter().map(consultation_from_row).collect()
    }

    /// Stores a citizen's opinion on `today`, which must lie from the start to the end of the
    /// consultation.
    pub async fn submit_opinion(
        &self,
        id: ConsultationId,
        citizen_id: i64,
        body: &str,
        today: NaiveDate,
        held_for: Option<String>,
    ) -> Result<()> {
        let body = check_text("the opinion", body, MAX_BODY_CHARS)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let consultation = load_consultation(&mut tx.conn(), id).await?;
        if today < consultation.starts_on || today > consultation.ends_on {
            return Err(DbError::Invalid(format!(
                "consultation \"{}\" takes opinions from {} to {}, not on {today}; submit \
                 within those dates",
                consultation.title, consultation.starts_on, consultation.ends_on
            )));
        }

        let held_for = held_for
            .as_deref()
            .map(str::trim)
            .filter(|words| !words.is_empty());
        tx.conn()
            .execute(
                "INSERT INTO consultation_opinions (consultation_id, citizen_id, body, held_for, \
                 submitted_at, submitted_on) VALUES ($1, $2, $3, $4, $5, $6)",
                args![
                    id,
                    citizen_id,
                    body,
                    held_for,
                    micros(now),
                    date_text(today)
                ],
            )
            .await?;

        tx.commit().await
    }

    /// Returns the opinions of a consultation whose organization the scope reaches, oldest
    /// first.
    pub async fn opinions(&self, scope: &Scope, id: ConsultationId) -> Result<Vec<Opinion>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let consultation = load_consultation(&mut conn, id).await?;
        check_org(&mut conn, scope, consultation.org_id, "read the opinions").await?;
        let rows = conn
            .fetch_all(
                "SELECT id, citizen_id, body, held_for, submitted_at, submitted_on \
                 FROM consultation_opinions WHERE consultation_id = $1 ORDER BY id",
                args![id],
            )
            .await?;

        rows.iter()
            .map(|row| {
                Ok(Opinion {
                    id: row.int("id")?,
                    citizen_id: row.opt_int("citizen_id")?,
                    body: row.text("body")?,
                    held_for: row.opt_text("held_for")?,
                    submitted_at: row.time("submitted_at")?,
                    submitted_on: parse_date(&row.text("submitted_on")?, "submitted_on")?,
                })
            })
            .collect()
    }

    /// Publishes the result of a consultation and the organization's response, replacing any
    /// published before. Rejected before the consultation starts.
    pub async fn publish_consultation_result(
        &self,
        scope: &Scope,
        id: ConsultationId,
        staff: StaffId,
        result: &str,
        response: &str,
    ) -> Result<()> {
        let result = check_text("the result", result, MAX_RESULT_CHARS)?;
        let response = check_text("the response", response, MAX_RESULT_CHARS)?;
        let now = self.now();
        let today = jiyue_core::clock::to_china(now).date_naive();
        let mut tx = self.begin().await?;
        let consultation = load_consultation(&mut tx.conn(), id).await?;
        check_org(
            &mut tx.conn(),
            scope,
            consultation.org_id,
            "publish the result",
        )
        .await?;
        if today < consultation.starts_on {
            return Err(DbError::Invalid(format!(
                "consultation \"{}\" starts on {}, so it has no result yet; publish on or after \
                 that day",
                consultation.title, consultation.starts_on
            )));
        }

        tx.conn()
            .execute(
                "UPDATE consultations SET result = $2, response = $3, result_published_at = $4, \
                 result_published_by = $5, updated_at = $4 WHERE id = $1",
                args![id, result, response, micros(now), staff],
            )
            .await?;

        let event = consultations_event(consultation.site_id);
        insert_events(&mut tx.conn(), micros(now), &[event]).await?;
        tx.commit().await
    }
}

fn consultations_event(site_id: SiteId) -> NewEvent {
    NewEvent {
        kind: "consultations.changed",
        tags: [
            format!("consultations:site:{site_id}"),
            CONSULTATIONS_TAG.to_string(),
        ]
        .into_iter()
        .collect(),
        item_id: None,
        site_id: Some(site_id),
    }
}
