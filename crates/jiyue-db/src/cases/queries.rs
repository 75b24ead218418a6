//! Reading cases: one case, a citizen's cases, the staff list with filters, the history, the
//! lists the reminder and overdue jobs work through, and the marks those jobs leave.

use chrono::NaiveDate;

use super::record::{CaseActor, CaseEvent, CaseId, CaseKind, CaseRecord, CaseState};
use super::rows::{cases_from_rows, date_text, load_case, parse_date, parse_no, CASE_COLUMNS};
use super::workflow::{check_case_scope, insert_event, EventInput};
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{OrgId, Scope, SiteId};
use crate::scope::org_path;
use crate::sql::{args, micros, Arg, Conn, Row};

/// Most rows one page of a list may hold.
pub(crate) const MAX_PER_PAGE: u32 = 100;

/// Filters of the staff list of cases; `None` leaves a field unfiltered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub kind: Option<CaseKind>,
    pub state: Option<CaseState>,
    pub org_id: Option<OrgId>,
    pub site_id: Option<SiteId>,
    /// Text the subject or body contains, or a case number.
    pub text: Option<String>,
}

/// WHERE conditions with numbered placeholders, written `{}` when pushed.
#[derive(Default)]
pub(crate) struct Conditions {
    clauses: Vec<String>,
    values: Vec<Arg>,
}

impl Conditions {
    /// Adds a condition whose every `{}` is the placeholder of `value`.
    pub(crate) fn push(&mut self, clause: &str, value: impl Into<Arg>) {
        self.values.push(value.into());
        let placeholder = format!("${}", self.values.len());
        self.clauses.push(clause.replace("{}", &placeholder));
    }

    /// Returns ` WHERE …` (or nothing), and the values.
    pub(crate) fn finish(self) -> (String, Vec<Arg>) {
        if self.clauses.is_empty() {
            return (String::new(), self.values);
        }
        (
            format!(" WHERE {}", self.clauses.join(" AND ")),
            self.values,
        )
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Returns the offset and limit of page `page` (from 1) of `per_page` rows, at most
/// `MAX_PER_PAGE`.
pub(crate) fn page_window(page: u32, per_page: u32) -> (i64, i64) {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    (offset, i64::from(per_page))
}

/// Adds the scope condition to `conditions`, or returns false when the scope reaches no case.
async fn push_scope(
    conn: &mut Conn<'_>,
    scope: &Scope,
    conditions: &mut Conditions,
) -> Result<bool> {
    match scope {
        Scope::Platform => Ok(true),
        // A site scope reaches the error reports of its site only (see `check_case_scope`).
        Scope::Site(site) => {
            conditions.push("c.kind = {}", CaseKind::ErrorReport.as_str());
            conditions.push("c.site_id = {}", *site);
            Ok(true)
        }
        Scope::Org(org) => {
            let Some(prefix) = org_path(conn, *org).await? else {
                return Ok(false);
            };
            conditions.push(
                "c.org_id IN (SELECT id FROM organizations WHERE substr(path, 1, length({})) = {})",
                prefix,
            );
            Ok(true)
        }
    }
}

fn push_filter(filter: &CaseFilter, conditions: &mut Conditions) {
    if let Some(kind) = filter.kind {
        conditions.push("c.kind = {}", kind.as_str());
    }
    if let Some(state) = filter.state {
        conditions.push("c.state = {}", state.as_str());
    }
    if let Some(org) = filter.org_id {
        conditions.push("c.org_id = {}", org);
    }
    if let Some(site) = filter.site_id {
        conditions.push("c.site_id = {}", site);
    }
    let text = filter.text.as_deref().map(str::trim).unwrap_or_default();
    if let Some((_, id)) = parse_no(text) {
        conditions.push("c.id = {}", id);
    } else if !text.is_empty() {
        conditions.push(
            "(c.subject LIKE {} ESCAPE '\\' OR c.body LIKE {} ESCAPE '\\')",
            format!("%{}%", like_escape(text)),
        );
    }
}

fn event_from_row(row: &Row) -> Result<CaseEvent> {
    let state = |column: &str| -> Result<Option<CaseState>> {
        row.opt_text(column)?
            .map(|code| CaseState::parse(&code))
            .transpose()
    };
    let actor = match (row.opt_int("staff_id")?, row.opt_int("citizen_id")?) {
        (Some(staff), _) => CaseActor::Staff(staff),
        (None, Some(citizen)) => CaseActor::Citizen(citizen),
        (None, None) => CaseActor::Anonymous,
    };
    Ok(CaseEvent {
        at: row.time("at")?,
        actor,
        action: row.text("action")?,
        from_state: state("from_state")?,
        to_state: state("to_state")?,
        from_org: row.opt_int("from_org")?,
        to_org: row.opt_int("to_org")?,
        reason: row.opt_text("reason")?,
    })
}

impl Db {
    /// Returns a case the scope reaches through its current organization.
    pub async fn case(&self, scope: &Scope, id: CaseId) -> Result<CaseRecord> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let case = load_case(&mut conn, id).await?;
        check_case_scope(&mut conn, scope, &case, "read the case").await?;
        Ok(case)
    }

    /// Returns the case with the public number `no` when it belongs to the citizen.
    pub async fn case_by_no_for_citizen(
        &self,
        citizen_id: i64,
        no: &str,
    ) -> Result<Option<CaseRecord>> {
        let Some((received_on, id)) = parse_no(no) else {
            return Ok(None);
        };
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let rows = conn
            .fetch_all(
                &format!(
                    "SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1 AND c.citizen_id = $2 \
                     AND c.received_on = $3"
                ),
                args![id, citizen_id, date_text(received_on)],
            )
            .await?;
        Ok(cases_from_rows(&mut conn, &rows).await?.pop())
    }

    /// Returns every case of a citizen, newest first.
    pub async fn citizen_cases(&self, citizen_id: i64) -> Result<Vec<CaseRecord>> {
        self.select_cases("c.citizen_id = $1 ORDER BY c.id DESC", args![citizen_id])
            .await
    }

    /// Returns one page (from 1) of the cases the scope reaches that match `filter`, newest
    /// first, and the number of matching cases.
    pub async fn cases(
        &self,
        scope: &Scope,
        filter: &CaseFilter,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<CaseRecord>, u64)> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let mut conditions = Conditions::default();
        if !push_scope(&mut conn, scope, &mut conditions).await? {
            return Ok((Vec::new(), 0));
        }

        push_filter(filter, &mut conditions);
        let (clause, values) = conditions.finish();

        let total = conn
            .fetch_one(
                &format!("SELECT COUNT(*) AS total FROM cases c{clause}"),
                values.clone(),
            )
            .await?
            .int("total")?;
        let (offset, limit) = page_window(page, per_page);
        let rows = conn
            .fetch_all(
                &format!(
                    "SELECT {CASE_COLUMNS} FROM cases c{clause} ORDER BY c.id DESC \
                     LIMIT {limit} OFFSET {offset}"
                ),
                values,
            )
            .await?;

        let cases = cases_from_rows(&mut conn, &rows).await?;
        Ok((cases, u64::try_from(total).unwrap_or_default()))
    }

    /// Returns the history of a case the scope reaches, oldest first.
    pub async fn case_events(&self, scope: &Scope, id: CaseId) -> Result<Vec<CaseEvent>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let case = load_case(&mut conn, id).await?;
        check_case_scope(&mut conn, scope, &case, "read the case history").await?;
        let rows = conn
            .fetch_all(
                "SELECT at, staff_id, citizen_id, action, from_state, to_state, from_org, \
                 to_org, reason FROM case_events WHERE case_id = $1 ORDER BY id",
                args![id],
            )
            .await?;

        rows.iter().map(event_from_row).collect()
    }

    /// Returns the cases whose clock runs or is paused, or whose reply waits for review, for
    /// the reminder and overdue jobs. Oldest first.
    pub async fn open_cases(&self) -> Result<Vec<CaseRecord>> {
        self.select_cases(
            "c.state IN ('accepted', 'paused', 'reply_pending') ORDER BY c.id",
            args![],
        )
        .await
    }

    /// Marks that the reminder of a case was sent on `on`. Returns false when it was already
    /// marked for that day, so a repeated job sends nothing twice.
    pub async fn mark_reminded(&self, id: CaseId, on: NaiveDate) -> Result<bool> {
        self.mark_day(id, "reminded_on", on).await
    }

    /// Marks that the overdue alert of a case was sent on `on`. Returns false when it was
    /// already marked for that day.
    pub async fn mark_overdue_alerted(&self, id: CaseId, on: NaiveDate) -> Result<bool> {
        self.mark_day(id, "overdue_alerted_on", on).await
    }

    /// Returns the messages not yet answered or rejected that were received before
    /// `received_before`, oldest first. A message unanswered three months after receipt fails
    /// the national inspection of government websites outright, so operators list these.
    pub async fn unanswered_since(&self, received_before: NaiveDate) -> Result<Vec<CaseRecord>> {
        self.select_cases(
            "c.kind = 'message' AND c.state NOT IN ('answered', 'rejected') \
             AND c.received_on < $1 ORDER BY c.received_on, c.id",
            args![date_text(received_before)],
        )
        .await
    }

    /// Returns the cases answered from `first` to `last` (China-time dates, inclusive) after
    /// their deadline, oldest answer first.
    pub async fn late_answers(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<CaseRecord>> {
        self.select_cases(
            "c.state = 'answered' AND c.answered_on_time = FALSE \
             AND c.answered_on >= $1 AND c.answered_on <= $2 ORDER BY c.answered_on, c.id",
            args![date_text(first), date_text(last)],
        )
        .await
    }

    /// Removes the contact details and the citizen id from every case of a citizen whose
    /// account is deleted, keeping the cases, and the citizen id from their case history and
    /// consultation opinions. Returns the number of cases changed.
    pub async fn erase_citizen_contacts(&self, citizen_id: i64) -> Result<u64> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let ids = tx
            .conn()
            .fetch_all(
                "SELECT id FROM cases WHERE citizen_id = $1",
                args![citizen_id],
            )
            .await?;

        // The event names no actor, because the account it would name is being deleted.
        let event = EventInput::new("contacts_erased");
        for row in &ids {
            insert_event(&mut tx.conn(), row.int("id")?, micros(now), &event).await?;
        }

        let changed = tx
            .conn()
            .execute(
                "UPDATE cases SET contact_name = NULL, contact_mobile = NULL, \
                 contact_email = NULL, contact_address = NULL, contact_id_number = NULL, \
                 citizen_id = NULL, version = version + 1, updated_at = $2 \
                 WHERE citizen_id = $1",
                args![citizen_id, micros(now)],
            )
            .await?;
        // The history keeps no trace of the account either.
        tx.conn()
            .execute(
                "UPDATE case_events SET citizen_id = NULL WHERE citizen_id = $1",
                args![citizen_id],
            )
            .await?;

        tx.conn()
            .execute(
                "UPDATE consultation_opinions SET citizen_id = NULL WHERE citizen_id = $1",
                args![citizen_id],
            )
            .await?;

        tx.commit().await?;
        Ok(changed)
    }

    async fn select_cases(&self, condition: &str, values: Vec<Arg>) -> Result<Vec<CaseRecord>> {
        let mut handle = self.reader().await?;
        let mut conn = handle.conn();
        let rows = conn
            .fetch_all(
                &format!("SELECT {CASE_COLUMNS} FROM cases c WHERE {condition}"),
                values,
            )
            .await?;

        cases_from_rows(&mut conn, &rows).await
    }

    async fn mark_day(&self, id: CaseId, column: &'static str, on: NaiveDate) -> Result<bool> {
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                &format!("SELECT {column} FROM cases WHERE id = $1"),
                args![id],
            )
            .await?;

        let Some(row) = row else {
            return Err(DbError::NotFound(format!(
                "case {id} does not exist; check the case id"
            )));
        };
        let marked = row
            .opt_text(column)?
            .map(|text| parse_date(&text, column))
            .transpose()?;
        if marked == Some(on) {
            return Ok(false);
        }

        let changed = tx
            .conn()
            .execute(
                &format!(
                    "UPDATE cases SET {column} = $2 WHERE id = $1 \
                     AND ({column} IS NULL OR {column} <> $2)"
                ),
                args![id, date_text(on)],
            )
            .await?;

        tx.commit().await?;
        Ok(changed > 0)
    }
}
