//! Reply deadlines per site: for a kind of case, or for one category of messages.

use super::record::{CaseKind, MessageCategory};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{Scope, SiteId};
use crate::scope::check_site;
use crate::sql::{args, micros};

use super::workflow::MAX_LIMIT_DAYS;

fn category_code(category: Option<MessageCategory>) -> &'static str {
    category.map_or("", MessageCategory::as_str)
}

impl Db {
    /// Sets the reply deadline of a site in working days: for a kind, or with `category`, for
    /// one category of messages only.
    pub async fn set_case_deadline(
        &self,
        scope: &Scope,
        site_id: SiteId,
        kind: CaseKind,
        category: Option<MessageCategory>,
        days: u32,
    ) -> Result<()> {
        if days == 0 || days > MAX_LIMIT_DAYS {
            return Err(DbError::Invalid(format!(
                "a deadline of {days} working days is invalid; give 1 to {MAX_LIMIT_DAYS}"
            )));
        }

        if category.is_some() && kind != CaseKind::Message {
            return Err(DbError::Invalid(format!(
                "only messages have categories, not cases of kind {}; leave the category empty",
                kind.as_str()
            )));
        }

        let now = self.now();
        let mut tx = self.begin().await?;
        check_site(&mut tx.conn(), scope, site_id, "set the reply deadline").await?;
        tx.conn()
            .execute(
                "INSERT INTO case_deadlines (site_id, kind, category, days, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (site_id, kind, category) \
                 DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at",
                args![
                    site_id,
                    kind.as_str(),
                    category_code(category),
                    i64::from(days),
                    micros(now)
                ],
            )
            .await?;

        tx.commit().await
    }

    /// Returns the reply deadline of a site in working days: the one set for the category,
    /// else the one set for the kind, else `None`, when the caller applies its default.
    pub async fn case_deadline(
        &self,
        site_id: SiteId,
        kind: CaseKind,
        category: Option<MessageCategory>,
    ) -> Result<Option<u32>> {
        let mut handle = self.reader().await?;
        let rows = handle
            .conn()
            .fetch_all(
                "SELECT category, days FROM case_deadlines \
                 WHERE site_id = $1 AND kind = $2 AND category IN ($3, '')",
                args![site_id, kind.as_str(), category_code(category)],
            )
            .await?;

        let mut kind_days = None;
        for row in &rows {
            let days = u32::try_from(row.int("days")?).unwrap_or(MAX_LIMIT_DAYS);
            if row.text("category")?.is_empty() {
                kind_days = Some(days);
            } else {
                return Ok(Some(days));
            }
        }
        Ok(kind_days)
    }
}
