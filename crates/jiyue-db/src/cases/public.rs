//! The public view of replied messages: only published ones, without contact details or
//! citizen ids. Identity, telephone and house numbers and e-mail addresses in the subject,
//! message and reply are masked here as well. Names are not, because storage keeps the
//! citizen's name sealed, so the caller masks those with the opened name.

use jiyue_core::mask_personal_data;

use super::queries::page_window;
use super::record::{MessageCategory, PublicMessage};
use super::rows::{case_no, date_text, parse_date, parse_no};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::SiteId;
use crate::sql::{args, Row};

const PUBLIC_COLUMNS: &str = "c.id, c.category, c.subject, c.body, c.received_on, \
    c.answered_on, c.reply_org_id, o.name AS reply_org_name, c.reply_body";

const PUBLIC_FROM: &str = "FROM cases c JOIN organizations o ON o.id = c.reply_org_id \
    WHERE c.site_id = $1 AND c.published AND c.kind = 'message' AND c.state = 'answered'";

fn mask(text: &str) -> String {
    mask_personal_data(text, &[]).text
}

fn public_from_row(row: &Row) -> Result<PublicMessage> {
    let id = row.int("id")?;
    let received_on = parse_date(&row.text("received_on")?, "received_on")?;
    let Some(answered_on) = row.opt_text("answered_on")? else {
        return Err(DbError::Invalid(format!(
            "published case {id} has no answer date; repair the row"
        )));
    };
    Ok(PublicMessage {
        no: case_no(received_on, id),
        category: row
            .opt_text("category")?
            .map(|code| MessageCategory::parse(&code))
            .transpose()?,
        subject: mask(&row.text("subject")?),
        body: mask(&row.text("body")?),
        received_on,
        answered_on: parse_date(&answered_on, "answered_on")?,
        reply_org_id: row.int("reply_org_id")?,
        reply_org_name: row.text("reply_org_name")?,
        reply: mask(&row.opt_text("reply_body")?.unwrap_or_default()),
    })
}

impl Db {
    /// Returns one page (from 1) of the published messages of a site, most recently answered
    /// first, and how many there are.
    pub async fn published_messages(
        &self,
        site_id: SiteId,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<PublicMessage>, u64)> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let total = conn
            .fetch_one(
                &format!("SELECT COUNT(*) AS total {PUBLIC_FROM}"),
                args![site_id],
            )
            .await?
            .int("total")?;
        let (offset, limit) = page_window(page, per_page);
        let rows = conn
            .fetch_all(
                &format!(
                    "SELECT {PUBLIC_COLUMNS} {PUBLIC_FROM} ORDER BY c.answered_at DESC, c.id DESC \
                     LIMIT {limit} OFFSET {offset}"
                ),
                args![site_id],
            )
            .await?;

        let messages = rows.iter().map(public_from_row).collect::<Result<_>>()?;
        Ok((messages, u64::try_from(total).unwrap_or_default()))
    }

    /// Returns the published message of a site with the public number `no`, or `None`.
    pub async fn published_message(
        &self,
        site_id: SiteId,
        no: &str,
    ) -> Result<Option<PublicMessage>> {
        let Some((received_on, id)) = parse_no(no) else {
            return Ok(None);
        };
        let mut handle = self.reader().await?;
        let row = handle
            .conn()
            .fetch_optional(
                &format!(
                    "SELECT {PUBLIC_COLUMNS} {PUBLIC_FROM} AND c.id = $2 AND c.received_on = $3"
                ),
                args![site_id, id, date_text(received_on)],
            )
            .await?;

        row.as_ref().map(public_from_row).transpose()
    }
}
