//! The mapping of case rows to `CaseRecord`, the public case number, and the stored form of
//! civil dates.

use chrono::NaiveDate;

use super::record::{
    Attachment, CaseId, CaseKind, CaseRecord, CaseState, MessageCategory, Reply, SealedContact,
};
use crate::error::{DbError, Result};
use crate::sql::{args, Conn, Row};

/// The columns `case_from_row` reads, qualified with the alias `c`.
pub(crate) const CASE_COLUMNS: &str = "c.id, c.kind, c.category, c.site_id, c.org_id, \
    c.citizen_id, c.subject, c.body, c.page_url, c.contact_name, c.contact_mobile, \
    c.contact_email, c.contact_address, c.contact_id_number, c.public_requested, \
    c.consent_to_publish, c.consent_at, c.held_for, c.state, c.received_at, c.received_on, \
    c.clock, c.reply_body, c.reply_org_id, c.reply_staff_id, c.reply_submitted_at, \
    c.reply_reviewed_by, c.reply_review_note, c.answered_at, c.answered_on, \
    c.answered_on_time, c.working_days_used, c.published, c.reminded_on, c.overdue_alerted_on, \
    c.version, c.updated_at";

/// Builds the public number of a case from its date of receipt and id.
pub(crate) fn case_no(received_on: NaiveDate, id: CaseId) -> String {
    format!("{}{id:05}", received_on.format("%Y%m%d"))
}

/// Splits a public number into its date and id, or `None` when it is malformed.
pub(crate) fn parse_no(no: &str) -> Option<(NaiveDate, CaseId)> {
    let no = no.trim();
    if no.len() < 13 || !no.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(&no[..8], "%Y%m%d").ok()?;
    let id = no[8..].parse().ok()?;
    Some((date, id))
}

pub(crate) fn parse_date(text: &str, column: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|error| {
        DbError::Invalid(format!(
            "stored date \"{text}\" in column {column} is not YYYY-MM-DD ({error}); repair the row"
        ))
    })
}

pub(crate) fn opt_date(row: &Row, column: &str) -> Result<Option<NaiveDate>> {
    row.opt_text(column)?
        .map(|text| parse_date(&text, column))
        .transpose()
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Reads a nullable boolean column, which `Row` has no reader for.
fn opt_flag(row: &Row, column: &str) -> Result<Option<bool>> {
    use sqlx::Row as _;
    Ok(match row {
        Row::Sqlite(row) => row.try_get(column)?,
        Row::Pg(row) => row.try_get(column)?,
    })
}

fn reply_from_row(row: &Row) -> Result<Option<Reply>> {
    let Some(body) = row.opt_text("reply_body")? else {
        return Ok(None);
    };
    let (Some(org_id), Some(staff_id), Some(submitted_at)) = (
        row.opt_int("reply_org_id")?,
        row.opt_int("reply_staff_id")?,
        row.opt_time("reply_submitted_at")?,
    ) else {
        return Err(DbError::Invalid(format!(
            "case {} has a reply without its organization, author or time; repair the row",
            row.int("id")?
        )));
    };
    Ok(Some(Reply {
        body,
        org_id,
        staff_id,
        submitted_at,
        reviewed_by: row.opt_int("reply_reviewed_by")?,
        review_note: row.opt_text("reply_review_note")?,
        answered_at: row.opt_time("answered_at")?,
        answered_on: opt_date(row, "answered_on")?,
    }))
}

/// Reads a case row selected with `CASE_COLUMNS`, without its attachments.
pub(crate) fn case_from_row(row: &Row) -> Result<CaseRecord> {
    let id = row.int("id")?;
    let received_on = parse_date(&row.text("received_on")?, "received_on")?;
    let clock = match row.opt_text("clock")? {
        Some(text) => Some(serde_json::from_str(&text).map_err(|error| {
            DbError::Invalid(format!(
                "the clock of case {id} is not valid JSON ({error}); repair the row"
            ))
        })?),
        None => None,
    };
    let category = row
        .opt_text("category")?
        .map(|code| MessageCategory::parse(&code))
        .transpose()?;
    let working_days_used = row
        .opt_int("working_days_used")?
        .map(|days| u32::try_from(days).unwrap_or(u32::MAX));
    Ok(CaseRecord {
        id,
        no: case_no(received_on, id),
        kind: CaseKind::parse(&row.text("kind")?)?,
        category,
        site_id: row.int("site_id")?,
        org_id: row.int("org_id")?,
        citizen_id: row.opt_int("citizen_id")?,
        subject: row.text("subject")?,
        body: row.text("body")?,
        page_url: row.opt_text("page_url")?,
        contact: SealedContact {
            name: row.opt_text("contact_name")?,
            mobile: row.opt_text("contact_mobile")?,
            email: row.opt_text("contact_email")?,
            address: row.opt_text("contact_address")?,
            id_number: row.opt_text("contact_id_number")?,
        },
        public_requested: row.flag("public_requested")?,
        consent_to_publish: row.flag("consent_to_publish")?,
        consent_at: row.opt_time("consent_at")?,
        held_for: row.opt_text("held_for")?,
        state: CaseState::parse(&row.text("state")?)?,
        received_at: row.time("received_at")?,
        received_on,
        clock,
        reply: reply_from_row(row)?,
        answered_on_time: opt_flag(row, "answered_on_time")?,
        working_days_used,
        published: row.flag("published")?,
        reminded_on: opt_date(row, "reminded_on")?,
        overdue_alerted_on: opt_date(row, "overdue_alerted_on")?,
        attachments: Vec::new(),
        updated_at: row.time("updated_at")?,
        version: row.int("version")?,
    })
}

/// Loads the attachments of each case.
pub(crate) async fn load_attachments(conn: &mut Conn<'_>, cases: &mut [CaseRecord]) -> Result<()> {
    for case in cases.iter_mut() {
        let rows = conn
            .fetch_all(
                "SELECT blob_sha, name, size, mime FROM case_attachments WHERE case_id = $1 \
                 ORDER BY position",
                args![case.id],
            )
            .await?;

        case.attachments = rows
            .iter()
            .map(|row| {
                Ok(Attachment {
                    blob_sha: row.text("blob_sha")?,
                    name: row.text("name")?,
                    size: row.int("size")?,
                    mime: row.text("mime")?,
                })
            })
            .collect::<Result<_>>()?;
    }
    Ok(())
}

/// Reads the rows selected with `CASE_COLUMNS` and loads their attachments.
pub(crate) async fn cases_from_rows(conn: &mut Conn<'_>, rows: &[Row]) -> Result<Vec<CaseRecord>> {
    let mut cases = rows.iter().map(case_from_row).collect::<Result<Vec<_>>>()?;
    load_attachments(conn, &mut cases).await?;
    Ok(cases)
}

/// Loads one case with its attachments, or fails with `NotFound`.
pub(crate) async fn load_case(conn: &mut Conn<'_>, id: CaseId) -> Result<CaseRecord> {
    let row = conn
        .fetch_optional(
            &format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1"),
            args![id],
        )
        .await?;
    let Some(row) = row else {
        return Err(DbError::NotFound(format!(
            "case {id} does not exist; check the case id"
        )));
    };
    let mut cases = vec![case_from_row(&row)?];
    load_attachments(conn, &mut cases).await?;
    Ok(cases.remove(0))
}
