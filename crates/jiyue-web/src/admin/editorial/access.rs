//! Authorization of editorial requests: finding the target of an item or column, checking the
//! user's grants on it (refusals audited as denied), and the storage `Scope` of the grant that
//! allowed the action.

use jiyue_auth::{role_allows, scope_reaches, Action, GrantScope, Target};
use jiyue_db::{ColumnId, ItemId, ItemRecord, RevisionDetail, Scope};

use super::super::error::AdminError;
use super::super::session::SignedIn;
use crate::App;

/// Returns the storage scope of the first grant of the user that allows `action` on `target`:
/// a platform grant gives the platform, an organization grant that organization, a site or
/// column grant the site.
pub fn scope_for(me: &SignedIn, action: Action, target: &Target) -> Option<Scope> {
    let allowed = |scope: &GrantScope| {
        if action.is_platform_only() {
            *scope == GrantScope::Platform && *target == Target::Platform
        } else {
            scope_reaches(scope, target)
        }
    };
    me.grants
        .iter()
        .filter(|stored| role_allows(stored.grant.role, action) && allowed(&stored.grant.scope))
        .map(|stored| match &stored.grant.scope {
            GrantScope::Platform => Scope::Platform,
            GrantScope::Org { id, .. } => Scope::Org(*id),
            GrantScope::Site { id } => Scope::Site(*id),
            GrantScope::Column { site_id, .. } => Scope::Site(*site_id),
        })
        .next()
}

/// Checks that the user may do `action` on `target` and returns the storage scope to use.
/// A refusal is audited as denied under `audit_action` and `audit_target`.
pub async fn authorize(
    app: &App,
    me: &SignedIn,
    action: Action,
    target: &Target,
    audit_action: &str,
    audit_target: &str,
) -> Result<Scope, AdminError> {
    me.authorize(app, action, target, audit_action, audit_target)
        .await?;
    scope_for(me, action, target).ok_or_else(|| super::super::session::forbidden(action))
}

/// Returns the authorization target of a column, or 404 when it does not exist.
pub async fn column_target(app: &App, column_id: ColumnId) -> Result<Target, AdminError> {
    app.db
        .column_target(column_id)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("column {column_id}")))
}

/// An item with its newest revision and its authorization target.
pub struct ItemContext {
    pub item: ItemRecord,
    pub latest: RevisionDetail,
    pub target: Target,
    /// The home column: the placed one, or the one the newest revision requests.
    pub home_column: ColumnId,
}

/// Loads an item, its newest revision and its target (its home placement, or for an item
/// never published the home column its newest revision requests).
pub async fn load_item(app: &App, item_id: ItemId) -> Result<ItemContext, AdminError> {
    let not_found = || AdminError::NotFound(format!("item {item_id}"));
    let item = app.db.item(item_id).await?.ok_or_else(not_found)?;
    let latest_id = item.latest_revision_id.ok_or_else(not_found)?;
    let latest = app
        .db
        .revision_detail(latest_id)
        .await?
        .ok_or_else(not_found)?;
    let placed = app.db.published_item(item_id).await?.and_then(|published| {
        published
            .placements
            .iter()
            .find(|placement| placement.is_home)
            .map(|placement| placement.column_id)
    });
    let home_column = placed
        .or_else(|| latest.placements.as_ref().map(|wanted| wanted.home))
        .ok_or_else(not_found)?;
    let target = match app.db.item_target(item_id).await? {
        Some(target) => target,
        None => column_target(app, home_column).await?,
    };
    Ok(ItemContext {
        item,
        latest,
        target,
        home_column,
    })
}

/// Loads an item and checks `action` on it, returning it with the storage scope.
pub async fn item_with(
    app: &App,
    me: &SignedIn,
    item_id: ItemId,
    action: Action,
    audit_action: &str,
) -> Result<(ItemContext, Scope), AdminError> {
    let context = load_item(app, item_id).await?;
    let target_name = format!("item:{item_id}");
    let scope = authorize(app, me, action, &context.target, audit_action, &target_name).await?;
    Ok((context, scope))
}
