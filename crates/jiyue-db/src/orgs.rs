//! Organizations: a tree keyed by unified social credit code, each row storing the ids from
//! the root down to itself as a path such as `/1/4/9/` for subtree queries.

use jiyue_core::CreditCode;

use crate::db::Db;
use crate::error::{DbError, Result};
use crate::model::{NewOrg, Org, OrgId, Scope};
use crate::outbox::{insert_events, tags, NewEvent};
use crate::scope::check_org;
use crate::sql::{args, micros, Conn, Row};

const ORG_COLUMNS: &str = "id, parent_id, path, credit_code, name, name_en, division_code";

fn org_from_row(row: &Row) -> Result<Org> {
    Ok(Org {
        id: row.int("id")?,
        parent_id: row.opt_int("parent_id")?,
        path: row.text("path")?,
        credit_code: row.text("credit_code")?,
        name: row.text("name")?,
        name_en: row.opt_text("name_en")?,
        division_code: row.text("division_code")?,
    })
}

/// Parses a credit code into its normalized form, or fails naming the field.
pub(crate) fn parse_credit_code(code: &str, field: &str) -> Result<CreditCode> {
    CreditCode::parse(code).map_err(|error| DbError::Invalid(format!("{field}: {error}")))
}

/// Finds an organization by credit code.
pub(crate) async fn find_org(conn: &mut Conn<'_>, credit_code: &str) -> Result<Option<Org>> {
    let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE credit_code = $1");
    let row = conn.fetch_optional(&sql, args![credit_code]).await?;
    row.as_ref().map(org_from_row).transpose()
}

/// Finds an organization by credit code, or fails with `NotFound` naming the field.
pub(crate) async fn require_org(
    conn: &mut Conn<'_>,
    credit_code: &str,
    field: &str,
) -> Result<Org> {
    let code = parse_credit_code(credit_code, field)?;
    find_org(conn, code.as_str()).await?.ok_or_else(|| {
        DbError::NotFound(format!(
            "{field}: organization with credit code \"{code}\" not found; create it with upsert_org first"
        ))
    })
}

fn validate_new_org(org: &NewOrg) -> Result<CreditCode> {
    let code = parse_credit_code(&org.credit_code, "credit_code")?;
    if org.name.trim().is_empty() {
        return Err(DbError::Invalid(format!(
            "organization \"{code}\" has an empty name; give its full official name"
        )));
    }
    if jiyue_core::division::get(&org.division_code).is_none() {
        return Err(DbError::Invalid(format!(
            "organization \"{code}\": division code \"{}\" is not a GB/T 2260 division; \
             use a six-digit code such as 220000",
            org.division_code
        )));
    }
    Ok(code)
}

impl Db {
    /// Creates or updates an organization keyed by its credit code, and keeps the paths of it
    /// and its subtree in step with its parent.
    pub async fn upsert_org(&self, scope: &Scope, org: &NewOrg) -> Result<OrgId> {
        let code = validate_new_org(org)?;
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();

        let parent = match &org.parent_credit_code {
            Some(parent_code) => {
                Some(require_org(&mut conn, parent_code, "parent_credit_code").await?)
            }
            None => None,
        };
        let existing = find_org(&mut conn, code.as_str()).await?;
        check_org_write(&mut conn, scope, existing.as_ref(), parent.as_ref()).await?;

        let id = match &existing {
            Some(existing) => {
                let changed = update_org(&mut conn, existing, org, parent.as_ref(), now).await?;
                if changed {
                    org_changed_event(&mut conn, existing.id, now).await?;
                }
                existing.id
            }
            None => {
                let id = insert_org(&mut conn, code.as_str(), org, parent.as_ref(), now).await?;
                org_changed_event(&mut conn, id, now).await?;
                id
            }
        };
        tx.commit().await?;
        Ok(id)
    }

    /// Returns every organization, parents before children.
    pub async fn orgs(&self) -> Result<Vec<Org>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations ORDER BY path");
        let rows = handle.conn().fetch_all(&sql, args![]).await?;
        rows.iter().map(org_from_row).collect()
    }

    /// Returns one organization.
    pub async fn org(&self, id: OrgId) -> Result<Option<Org>> {
        let mut handle = self.reader().await?;
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1");
        let row = handle.conn().fetch_optional(&sql, args![id]).await?;
        row.as_ref().map(org_from_row).transpose()
    }

    /// Returns the organization with a credit code, normalized before the lookup.
    pub async fn org_by_credit_code(&self, credit_code: &str) -> Result<Option<Org>> {
        let code = parse_credit_code(credit_code, "credit_code")?;
        let mut handle = self.reader().await?;
        find_org(&mut handle.conn(), code.as_str()).await
    }
}

async fn check_org_write(
    conn: &mut Conn<'_>,
    scope: &Scope,
    existing: Option<&Org>,
    parent: Option<&Org>,
) -> Result<()> {
    if let Some(existing) = existing {
        check_org(conn, scope, existing.id, "update organization").await?;
    }
    match parent {
        Some(parent) => check_org(conn, scope, parent.id, "place an organization under it").await,
        None if existing.is_some_and(|org| org.parent_id.is_none()) => Ok(()),
        None if *scope == Scope::Platform => Ok(()),
        None => Err(DbError::OutOfScope(format!(
            "cannot create or move a top-level organization in {scope}; only the platform scope may"
        ))),
    }
}

async fn insert_org(
    conn: &mut Conn<'_>,
    code: &str,
    org: &NewOrg,
    parent: Option<&Org>,
    now: i64,
) -> Result<OrgId> {
    let row = conn
        .fetch_one(
            "INSERT INTO organizations \
             (parent_id, path, credit_code, name, name_en, division_code, created_at, updated_at) \
             VALUES ($1, '', $2, $3, $4, $5, $6, $6) RETURNING id",
            args![
                parent.map(|p| p.id),
                code,
                &org.name,
                &org.name_en,
                &org.division_code,
                now
            ],
        )
        .await?;
    let id = row.int("id")?;
    let path = format!("{}{id}/", parent.map_or("/", |p| p.path.as_str()));
    conn.execute(
        "UPDATE organizations SET path = $1 WHERE id = $2",
        args![path, id],
    )
    .await?;
    Ok(id)
}

/// Updates an organization and, when it moved, the paths of its subtree. Returns whether
/// anything changed.
async fn update_org(
    conn: &mut Conn<'_>,
    existing: &Org,
    org: &NewOrg,
    parent: Option<&Org>,
    now: i64,
) -> Result<bool> {
    let parent_id = parent.map(|p| p.id);
    let same = existing.parent_id == parent_id
        && existing.name == org.name
        && existing.name_en == org.name_en
        && existing.division_code == org.division_code;
    if same {
        return Ok(false);
    }
    conn.execute(
        "UPDATE organizations SET parent_id = $1, name = $2, name_en = $3, division_code = $4, \
         updated_at = $5 WHERE id = $6",
        args![
            parent_id,
            &org.name,
            &org.name_en,
            &org.division_code,
            now,
            existing.id
        ],
    )
    .await?;
    if existing.parent_id == parent_id {
        return Ok(true);
    }

    let new_path = format!(
        "{}{}/",
        parent.map_or("/", |p| p.path.as_str()),
        existing.id
    );
    if new_path.starts_with(&existing.path) {
        return Err(DbError::Invalid(format!(
            "organization \"{}\" cannot be placed under its own descendant \"{}\"; choose a parent outside its subtree",
            existing.credit_code,
            parent.map_or("", |p| p.credit_code.as_str())
        )));
    }
    // Rewrites the prefix of every path in the subtree, the organization's own included.
    conn.execute(
        "UPDATE organizations SET path = $1 || substr(path, CAST($2 AS INTEGER)) \
         WHERE substr(path, 1, CAST($3 AS INTEGER)) = $4",
        args![
            new_path,
            existing.path.len() as i64 + 1,
            existing.path.len() as i64,
            &existing.path
        ],
    )
    .await?;
    Ok(true)
}

/// Records that an organization changed, tagging the sites it owns, whose pages show its name.
async fn org_changed_event(conn: &mut Conn<'_>, org_id: OrgId, now: i64) -> Result<()> {
    let rows = conn
        .fetch_all("SELECT id FROM sites WHERE org_id = $1", args![org_id])
        .await?;
    let sites = rows
        .iter()
        .map(|row| row.int("id"))
        .collect::<Result<Vec<_>>>()?;
    let mut event_tags = tags(None, [], sites);
    event_tags.insert(format!("org:{org_id}"));
    let event = NewEvent {
        kind: "org.changed",
        tags: event_tags,
        item_id: None,
        site_id: None,
    };
    insert_events(conn, now, &[event]).await
}
