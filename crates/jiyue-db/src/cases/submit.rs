//! Submission of a case from the public side, and the input checks shared by the workflow.

use jiyue_auth::Sealed;

use super::record::{CaseKind, CaseRecord, CaseState, NewCase};
use super::rows::{date_text, load_case};
use super::workflow::{insert_event, EventInput};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::sql::{args, micros, Conn};

/// Maximum length of a case subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 100;

/// Maximum length of a case body, in characters.
pub const MAX_BODY_CHARS: usize = 5000;

/// Maximum length of a reply, in characters.
pub const MAX_REPLY_CHARS: usize = 10_000;

/// Maximum length of a reason (transfer, rejection, pause, review note), in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// Most attachments one case may carry.
pub const MAX_ATTACHMENTS: usize = 3;

/// Maximum length of the URL of a reported page, in characters.
const MAX_PAGE_URL_CHARS: usize = 2000;

/// Maximum length of an attachment's file name, in characters.
const MAX_FILE_NAME_CHARS: usize = 255;

/// Trims `text` and checks that it has 1 to `max` characters; `what` names the field.
pub(crate) fn check_text<'a>(what: &str, text: &'a str, max: usize) -> Result<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DbError::Invalid(format!("{what} is empty; write it")));
    }
    let length = text.chars().count();
    if length > max {
        return Err(DbError::Invalid(format!(
            "{what} has {length} characters; shorten it to {max} or fewer"
        )));
    }
    Ok(text)
}

/// Checks a reason that staff must give, such as for a transfer or rejection.
pub(crate) fn check_reason<'a>(action: &str, reason: &'a str) -> Result<&'a str> {
    check_text(
        &format!("the reason for the {action}"),
        reason,
        MAX_REASON_CHARS,
    )
}

fn check_kind(case: &NewCase) -> Result<()> {
    match (case.kind, case.category) {
        (CaseKind::Message, None) => Err(DbError::Invalid(
            "a message needs a category: consultation (咨询), suggestion (建议) or complaint (投诉)"
                .to_string(),
        )),
        (CaseKind::Message, Some(_)) if case.citizen_id.is_none() => Err(DbError::Invalid(
            "a message needs the signed-in citizen's id; ask the citizen to sign in".to_string(),
        )),
        (CaseKind::ErrorReport | CaseKind::Disclosure, Some(category)) => {
            Err(DbError::Invalid(format!(
                "a case of kind {} has no category, but {} was given; leave the category empty",
                case.kind.as_str(),
                category.as_str()
            )))
        }
        _ => Ok(()),
    }
}

fn check_contact(case: &NewCase) -> Result<()> {
    for (field, value) in case.contact.fields() {
        if let Some(value) = value {
            Sealed::parse(value).map_err(|error| {
                DbError::Invalid(format!(
                    "contact field {field} is not a sealed value ({error}); seal personal data \
                     with the personal data cipher before storing it"
                ))
            })?;
        }
    }
    Ok(())
}

fn check_attachments(case: &NewCase) -> Result<()> {
    let count = case.attachments.len();
    if count > MAX_ATTACHMENTS {
        return Err(DbError::Invalid(format!(
            "{count} attachments are more than a case may carry ({MAX_ATTACHMENTS}); remove some"
        )));
    }
    for attachment in &case.attachments {
        let sha = &attachment.blob_sha;
        if sha.len() != 64
            || !sha
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(DbError::Invalid(format!(
                "attachment digest \"{sha}\" is not 64 lowercase hex characters; store the file \
                 in the blob store and pass the digest it returns"
            )));
        }

        check_text(
            "the attachment's file name",
            &attachment.name,
            MAX_FILE_NAME_CHARS,
        )?;
        check_text("the attachment's media type", &attachment.mime, 255)?;
        if attachment.size < 0 {
            return Err(DbError::Invalid(format!(
                "attachment \"{}\" has negative size {}; pass the size in bytes",
                attachment.name, attachment.size
            )));
        }
    }
    Ok(())
}

/// Checks that the site exists and, for an error report, that the case goes to the site's
/// organization.
async fn check_site_and_org(conn: &mut Conn<'_>, case: &NewCase) -> Result<()> {
    let Some(site) = conn
        .fetch_optional(
            "SELECT org_id FROM sites WHERE id = $1",
            args![case.site_id],
        )
        .await?
    else {
        return Err(DbError::NotFound(format!(
            "site {} does not exist; check the site id",
            case.site_id
        )));
    };
    let org_known = conn
        .fetch_optional(
            "SELECT 1 AS one FROM organizations WHERE id = $1",
            args![case.org_id],
        )
        .await?
        .is_some();
    if !org_known {
        return Err(DbError::NotFound(format!(
            "organization {} does not exist; check the organization id",
            case.org_id
        )));
    }
    let site_org = site.int("org_id")?;
    if case.kind == CaseKind::ErrorReport && case.org_id != site_org {
        return Err(DbError::Invalid(format!(
            "an error report goes to the organization of site {} ({site_org}), not to \
             organization {}; pass the site's organization",
            case.site_id, case.org_id
        )));
    }
    Ok(())
}

impl Db {
    /// Stores a case submitted on the public side, with its attachments and a `submitted`
    /// event. A case with `held_for` starts held for review, any other starts received.
    /// Contact fields must be sealed values, so plain personal data is rejected.
    pub async fn submit_case(&self, case: NewCase) -> Result<CaseRecord> {
        check_kind(&case)?;
        let subject = check_text("the subject", &case.subject, MAX_SUBJECT_CHARS)?;
        let body = check_text("the body", &case.body, MAX_BODY_CHARS)?;
        if let Some(url) = &case.page_url {
            check_text("the page URL", url, MAX_PAGE_URL_CHARS)?;
        }

        check_contact(&case)?;
        check_attachments(&case)?;
        let held_for = case
            .held_for
            .as_deref()
            .map(str::trim)
            .filter(|words| !words.is_empty());
        let state = if held_for.is_some() {
            CaseState::Held
        } else {
            CaseState::Received
        };

        let now = self.now();
        let mut tx = self.begin().await?;
        check_site_and_org(&mut tx.conn(), &case).await?;
        let consent_at = case.consent_to_publish.then_some(micros(now));
        let contact = &case.contact;
        let row = tx
            .conn()
            .fetch_one(
                "INSERT INTO cases (kind, category, site_id, org_id, citizen_id, subject, body, \
                 page_url, contact_name, contact_mobile, contact_email, contact_address, \
                 contact_id_number, public_requested, consent_to_publish, consent_at, held_for, \
                 state, received_at, received_on, published, version, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $17, $18, $19, $20, $21, 1, $19) RETURNING id",
                args![
                    case.kind.as_str(),
                    case.category.map(|category| category.as_str()),
                    case.site_id,
                    case.org_id,
                    case.citizen_id,
                    subject,
                    body,
                    case.page_url.as_deref().map(str::trim),
                    &contact.name,
                    &contact.mobile,
                    &contact.email,
                    &contact.address,
                    &contact.id_number,
                    case.public_requested,
                    case.consent_to_publish,
                    consent_at,
                    held_for,
                    state.as_str(),
                    micros(now),
                    date_text(case.received_on),
                    false
                ],
            )
            .await?;

        let id = row.int("id")?;
        // NOTE: attachments are stored by digest and take no reference in `files`, so a blob
        // store cleanup that only counts item attachments would delete their bytes.
        for (position, attachment) in case.attachments.iter().enumerate() {
            tx.conn()
                .execute(
                    "INSERT INTO case_attachments (case_id, position, blob_sha, name, size, mime) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    args![
                        id,
                        i64::try_from(position).unwrap_or(i64::MAX),
                        attachment.blob_sha.as_str(),
                        attachment.name.trim(),
                        attachment.size,
                        attachment.mime.trim()
                    ],
                )
                .await?;
        }

        let event = EventInput {
            citizen_id: case.citizen_id,
            to_state: Some(state),
            to_org: Some(case.org_id),
            reason: held_for.map(|words| format!("held for: {words}")),
            ..EventInput::new("submitted")
        };
        insert_event(&mut tx.conn(), id, micros(now), &event).await?;
        let record = load_case(&mut tx.conn(), id).await?;
        tx.commit().await?;
        Ok(record)
    }
}
