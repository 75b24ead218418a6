//! Checks before an item is saved: the input's own rules, the rows it names, and the
//! caller's scope.

use jiyue_core::CreditCode;

use crate::columns::find_column;
use crate::error::{DbError, Result};
use crate::model::{Column, ColumnRef, ItemInput, ItemRecord, Org, Scope};
use crate::orgs::{parse_credit_code, require_org};
use crate::scope::{check_org, check_site};
use crate::sites::find_site_id;
use crate::sql::{args, Conn};

/// The rows an item input names, looked up.
pub(super) struct Resolved {
    pub org: Org,
    pub credit_code: CreditCode,
    pub home: Column,
    pub extras: Vec<Column>,
}

pub(super) fn validate_input(input: &ItemInput) -> Result<()> {
    if input.external_id.trim().is_empty() {
        return Err(DbError::Invalid(
            "item has an empty external id; give every item a stable id".to_string(),
        ));
    }
    let errors = input.meta.validate();
    if errors.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = errors
        .iter()
        .map(|error| format!("{}: {}", error.field, error.message))
        .collect();
    Err(DbError::Invalid(format!(
        "item \"{}\" has invalid metadata; fix each field: {}",
        input.external_id,
        list.join("; ")
    )))
}

/// Looks up a column named by site code and column path.
pub(super) async fn resolve_column(
    conn: &mut Conn<'_>,
    column: &ColumnRef,
    field: &str,
) -> Result<Column> {
    let site_id = find_site_id(conn, &column.site_code)
        .await?
        .ok_or_else(|| {
            DbError::NotFound(format!(
                "{field}: site \"{}\" not found; create the site first or correct the site code",
                column.site_code
            ))
        })?;
    find_column(conn, site_id, &column.column_path)
        .await?
        .ok_or_else(|| {
            DbError::NotFound(format!(
                "{field}: column \"{}\" not found on site {}; create it first or correct the path",
                column.column_path, column.site_code
            ))
        })
}

pub(super) async fn resolve(conn: &mut Conn<'_>, input: &ItemInput) -> Result<Resolved> {
    let credit_code = parse_credit_code(&input.org_credit_code, "org_credit_code")?;
    let org = require_org(conn, credit_code.as_str(), "org_credit_code").await?;
    let home = resolve_column(conn, &input.home, "home").await?;
    let mut extras = Vec::with_capacity(input.extra_placements.len());
    for extra in &input.extra_placements {
        let column = resolve_column(conn, extra, "extra_placements").await?;
        if column.id != home.id && !extras.iter().any(|c: &Column| c.id == column.id) {
            extras.push(column);
        }
    }
    Ok(Resolved {
        org,
        credit_code,
        home,
        extras,
    })
}

/// An organization scope must reach the owner (old and new); a site scope must reach the
/// site of the home column (old and new).
pub(super) async fn check_item_scope(
    conn: &mut Conn<'_>,
    scope: &Scope,
    resolved: &Resolved,
    existing: Option<&ItemRecord>,
) -> Result<()> {
    match scope {
        Scope::Platform => Ok(()),
        Scope::Org(_) => {
            check_org(
                conn,
                scope,
                resolved.org.id,
                "save items of this organization",
            )
            .await?;
            match existing {
                Some(item) if item.org_id != resolved.org.id => {
                    check_org(
                        conn,
                        scope,
                        item.org_id,
                        "take over an item of this organization",
                    )
                    .await
                }
                _ => Ok(()),
            }
        }
        Scope::Site(_) => {
            check_site(
                conn,
                scope,
                resolved.home.site_id,
                "save items in its columns",
            )
            .await?;
            let Some(item) = existing else { return Ok(()) };
            let rows = conn
                .fetch_all(
                    "SELECT site_id FROM placements WHERE item_id = $1 AND is_home = $2",
                    args![item.id, true],
                )
                .await?;
            for row in rows {
                check_site(
                    conn,
                    scope,
                    row.int("site_id")?,
                    "change an item whose home is there",
                )
                .await?;
            }
            Ok(())
        }
    }
}
