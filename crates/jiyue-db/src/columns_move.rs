//! Moving a column under another parent of the same site. The column and its sub-columns get
//! new paths. Every page and item URL under the old path gets its route at the new path, and
//! the old route becomes a 301 redirect to it, so published URLs keep working.

use crate::columns::find_column_by_id;
use crate::db::Db;
use crate::error::{DbError, Result};
use crate::items::item_event;
use crate::model::{ColumnId, Scope};
use crate::outbox::{insert_events, tags, NewEvent};
use crate::scope::check_site;
use crate::sql::{args, micros, Conn};

impl Db {
    /// Moves a column (with its sub-columns) under `new_parent`, or to the top level of its
    /// site with `None`. Returns the column's new path.
    pub async fn move_column(
        &self,
        scope: &Scope,
        column_id: ColumnId,
        new_parent: Option<ColumnId>,
    ) -> Result<String> {
        let now = micros(self.now());
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        let column = find_column_by_id(&mut conn, column_id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("column {column_id} not found")))?;
        check_site(&mut conn, scope, column.site_id, "move columns").await?;
        let parent_path = match new_parent {
            Some(parent_id) => {
                parent_path(&mut conn, &column.path, column.site_id, parent_id).await?
            }
            None => String::new(),
        };
        let last = column.path.rsplit('/').next().unwrap_or(&column.path);
        let new_path = if parent_path.is_empty() {
            last.to_string()
        } else {
            format!("{parent_path}/{last}")
        };
        if new_path == column.path {
            return Ok(new_path);
        }
        let taken = conn
            .fetch_optional(
                "SELECT id FROM columns WHERE site_id = $1 AND path = $2",
                args![column.site_id, &new_path],
            )
            .await?;
        if taken.is_some() {
            return Err(DbError::Conflict(format!(
                "the site already has a column at \"{new_path}\"; rename one of them first"
            )));
        }
        rename_subtree(&mut conn, &column.path, &new_path, column.site_id, now).await?;
        conn.execute(
            "UPDATE columns SET parent_id = $1, updated_at = $2 WHERE id = $3",
            args![new_parent, now, column_id],
        )
        .await?;
        let items = move_routes(&mut conn, column.site_id, &column.path, &new_path, now).await?;

        let mut events = Vec::with_capacity(items.len() + 1);
        let mut site_tags = tags(None, [column_id], [column.site_id]);
        site_tags.insert(format!("nav:{}", column.site_id));
        events.push(NewEvent {
            kind: "column.changed",
            tags: site_tags,
            item_id: None,
            site_id: Some(column.site_id),
        });
        for item_id in items {
            events.push(item_event(&mut conn, item_id, "item.changed").await?);
        }
        insert_events(&mut conn, now, &events).await?;
        tx.commit().await?;
        Ok(new_path)
    }
}

/// Checks the new parent and returns its path: same site, and not the column itself or one
/// of its sub-columns.
async fn parent_path(
    conn: &mut Conn<'_>,
    column_path: &str,
    site_id: i64,
    parent_id: ColumnId,
) -> Result<String> {
    let parent = find_column_by_id(conn, parent_id)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("parent column {parent_id} not found")))?;
    if parent.site_id != site_id {
        return Err(DbError::Invalid(format!(
            "column \"{}\" belongs to another site; move a column only within its own site",
            parent.name
        )));
    }
    if parent.path == column_path || parent.path.starts_with(&format!("{column_path}/")) {
        return Err(DbError::Invalid(format!(
            "column \"{}\" is inside the column being moved; choose a parent outside it",
            parent.name
        )));
    }
    Ok(parent.path)
}

/// Gives the column at `old` and every column below it the path under `new`.
async fn rename_subtree(
    conn: &mut Conn<'_>,
    old: &str,
    new: &str,
    site_id: i64,
    now: i64,
) -> Result<()> {
    let rows = conn
        .fetch_all(
            "SELECT id, path FROM columns WHERE site_id = $1 AND (path = $2 OR path LIKE $3 ESCAPE '\\')",
            args![site_id, old, format!("{}/%", like_escape(old))],
        )
        .await?;
    for row in rows {
        let path = row.text("path")?;
        let Some(rest) = path.strip_prefix(old) else {
            continue;
        };
        conn.execute(
            "UPDATE columns SET path = $1, updated_at = $2 WHERE id = $3",
            args![format!("{new}{rest}"), now, row.int("id")?],
        )
        .await?;
    }
    Ok(())
}

/// Moves every item and column route under `/old/` to `/new/`, leaving a redirect at the old
/// path. Returns the items whose URLs moved.
async fn move_routes(
    conn: &mut Conn<'_>,
    site_id: i64,
    old: &str,
    new: &str,
    now: i64,
) -> Result<Vec<i64>> {
    let old_prefix = format!("/{old}/");
    let rows = conn
        .fetch_all(
            "SELECT id, path, kind, item_id, column_id, page FROM routes WHERE site_id = $1 \
             AND kind IN ('item', 'column') AND path LIKE $2 ESCAPE '\\'",
            args![site_id, format!("{}%", like_escape(&old_prefix))],
        )
        .await?;
    let mut items = Vec::new();
    for row in rows {
        let path = row.text("path")?;
        let Some(rest) = path.strip_prefix(&old_prefix) else {
            continue;
        };
        let new_path = format!("/{new}/{rest}");
        let (kind, item_id) = (row.text("kind")?, row.opt_int("item_id")?);
        let (column_id, page) = (row.opt_int("column_id")?, row.opt_int("page")?);
        let existing = conn
            .fetch_optional(
                "SELECT id, kind FROM routes WHERE site_id = $1 AND path = $2",
                args![site_id, &new_path],
            )
            .await?;
        match existing {
            // A redirect left by an earlier move back the other way gives way to the page.
            Some(found) if found.text("kind")? == "redirect" => {
                conn.execute(
                    "UPDATE routes SET kind = $1, item_id = $2, column_id = $3, page = $4, \
                     location = NULL, notice = NULL WHERE id = $5",
                    args![&kind, item_id, column_id, page, found.int("id")?],
                )
                .await?;
            }
            Some(_) => {
                return Err(DbError::Conflict(format!(
                    "path \"{new_path}\" is already used on site {site_id}; move or rename that page first"
                )))
            }
            None => {
                conn.execute(
                    "INSERT INTO routes (site_id, path, kind, item_id, column_id, page, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    args![site_id, &new_path, &kind, item_id, column_id, page, now],
                )
                .await?;
            }
        }
        conn.execute(
            "UPDATE routes SET kind = 'redirect', location = $1 WHERE id = $2",
            args![&new_path, row.int("id")?],
        )
        .await?;
        if let Some(item_id) = item_id.filter(|id| !items.contains(id)) {
            items.push(item_id);
        }
    }
    Ok(items)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
