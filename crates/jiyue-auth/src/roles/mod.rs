//! Staff roles, the actions they allow, grant scopes, and the one authorization decision
//! [`allows`]. The three separated administrators (system, security, audit) follow the
//! separation-of-duties rule of level-3 protection: no account has two of them.

mod grant_check;
mod scope;
#[cfg(test)]
mod tests;

pub use grant_check::{check_grant, GrantError};
pub use scope::{allows, scope_reaches, Grant, GrantScope, Target};

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Manages organizations, sites, themes and columns. It cannot manage staff or read audit.
    SystemAdmin,
    /// Manages staff accounts, role grants and security policy.
    SecurityAdmin,
    /// Reads and exports the audit log.
    AuditAdmin,
    /// Manages the columns and settings of sites in its scope.
    SiteAdmin,
    /// Writes items and submits them for review.
    Editor,
    /// Reviews, publishes and withdraws items.
    Reviewer,
    /// Handles messages sent by the public.
    MessageHandler,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 7] = [
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
        Role::SiteAdmin,
        Role::Editor,
        Role::Reviewer,
        Role::MessageHandler,
    ];

    /// Returns the stored snake_case name, such as `system_admin`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
            Role::SiteAdmin => "site_admin",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::MessageHandler => "message_handler",
        }
    }

    /// Parses a role name, accepting `-` in place of `_`.
    pub fn parse(text: &str) -> Option<Role> {
        let normalized = text.replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == normalized)
    }

    /// Returns the message catalog key of the role's display name, such as `role-system-admin`.
    pub fn message_id(&self) -> &'static str {
        match self {
            Role::SystemAdmin => "role-system-admin",
            Role::SecurityAdmin => "role-security-admin",
            Role::AuditAdmin => "role-audit-admin",
            Role::SiteAdmin => "role-site-admin",
            Role::Editor => "role-editor",
            Role::Reviewer => "role-reviewer",
            Role::MessageHandler => "role-message-handler",
        }
    }

    /// Reports whether the role is one of the three separated administrators.
    pub fn is_separated_admin(&self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }

    /// Returns the actions the role allows.
    pub fn actions(&self) -> &'static [Action] {
        use Action::*;
        match self {
            Role::SystemAdmin => &[
                ManageOrgs,
                ManageSites,
                ManageThemes,
                ManageColumns,
                EditSiteSettings,
                ViewItems,
            ],
            Role::SecurityAdmin => &[ManageStaff, GrantRoles, SetSecurityPolicy],
            Role::AuditAdmin => &[ReadAudit, ExportAudit],
            Role::SiteAdmin => &[ManageColumns, EditSiteSettings, ViewItems, AcceptPlacement],
            Role::Editor => &[ViewItems, WriteItem, SubmitItem],
            Role::Reviewer => &[
                ViewItems,
                ReviewItem,
                PublishItem,
                WithdrawItem,
                AcceptPlacement,
            ],
            Role::MessageHandler => &[HandleMessages],
        }
    }
}

/// Something a staff member does that needs authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create, rename and move organizations.
    ManageOrgs,
    /// Create, close and reassign sites.
    ManageSites,
    /// Install and change site themes.
    ManageThemes,
    /// Create, move and delete columns of a site.
    ManageColumns,
    /// Change a site's settings.
    EditSiteSettings,
    /// Create, lock and delete staff accounts.
    ManageStaff,
    /// Grant and revoke roles.
    GrantRoles,
    /// Change password, lockout and second-factor policy.
    SetSecurityPolicy,
    /// Read the audit log.
    ReadAudit,
    /// Export the audit log.
    ExportAudit,
    /// View items, including drafts.
    ViewItems,
    /// Create and edit items.
    WriteItem,
    /// Submit an item for review.
    SubmitItem,
    /// Approve or reject a submitted item.
    ReviewItem,
    /// Publish an approved item.
    PublishItem,
    /// Withdraw a published item.
    WithdrawItem,
    /// Accept a placement of another site's item into a column of this site.
    AcceptPlacement,
    /// Reply to and route messages from the public.
    HandleMessages,
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: [Action; 18] = [
        Action::ManageOrgs,
        Action::ManageSites,
        Action::ManageThemes,
        Action::ManageColumns,
        Action::EditSiteSettings,
        Action::ManageStaff,
        Action::GrantRoles,
        Action::SetSecurityPolicy,
        Action::ReadAudit,
        Action::ExportAudit,
        Action::ViewItems,
        Action::WriteItem,
        Action::SubmitItem,
        Action::ReviewItem,
        Action::PublishItem,
        Action::WithdrawItem,
        Action::AcceptPlacement,
        Action::HandleMessages,
    ];

    /// Returns the snake_case name, such as `manage_orgs`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::ManageOrgs => "manage_orgs",
            Action::ManageSites => "manage_sites",
            Action::ManageThemes => "manage_themes",
            Action::ManageColumns => "manage_columns",
            Action::EditSiteSettings => "edit_site_settings",
            Action::ManageStaff => "manage_staff",
            Action::GrantRoles => "grant_roles",
            Action::SetSecurityPolicy => "set_security_policy",
            Action::ReadAudit => "read_audit",
            Action::ExportAudit => "export_audit",
            Action::ViewItems => "view_items",
            Action::WriteItem => "write_item",
            Action::SubmitItem => "submit_item",
            Action::ReviewItem => "review_item",
            Action::PublishItem => "publish_item",
            Action::WithdrawItem => "withdraw_item",
            Action::AcceptPlacement => "accept_placement",
            Action::HandleMessages => "handle_messages",
        }
    }

    /// Reports whether the action is allowed only by a platform-scope grant on the platform
    /// target, whatever the role.
    pub fn is_platform_only(&self) -> bool {
        matches!(
            self,
            Action::ManageOrgs
                | Action::ManageSites
                | Action::ManageThemes
                | Action::ManageStaff
                | Action::GrantRoles
                | Action::SetSecurityPolicy
                | Action::ReadAudit
                | Action::ExportAudit
        )
    }
}

/// Reports whether `role` allows `action`, ignoring scope.
pub fn role_allows(role: Role, action: Action) -> bool {
    role.actions().contains(&action)
}
