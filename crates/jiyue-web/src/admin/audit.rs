//! Writing admin actions to the tamper-evident audit log. A failed write is logged and does
//! not undo the action, because the action already happened and an error response would hide
//! that.

use jiyue_db::{AuditEntry, AuditResult};

use super::extract::truncate_chars;
use super::session::SignedIn;
use crate::App;

/// Maximum length of an entry's target, in characters.
const MAX_TARGET_CHARS: usize = 64;

/// Appends `entry` to the audit log, with its target cut to 64 characters.
pub async fn record(app: &App, mut entry: AuditEntry) {
    entry.target = truncate_chars(&entry.target, MAX_TARGET_CHARS);
    if let Err(error) = app.db.audit_append(app.audit_mac.as_ref(), &entry).await {
        tracing::error!(
            %error,
            action = %entry.action,
            "writing an audit log entry failed; the action itself went ahead"
        );
    }
}

impl SignedIn {
    /// Appends an entry for an action of the signed-in user to the audit log.
    pub async fn audit(
        &self,
        app: &App,
        action: &str,
        target: &str,
        result: AuditResult,
        detail: &str,
    ) {
        let entry = AuditEntry {
            actor: self.staff.username.clone(),
            actor_id: Some(self.staff.id),
            address: self.address.clone(),
            action: action.to_string(),
            target: target.to_string(),
            result,
            detail: detail.to_string(),
        };
        record(app, entry).await;
    }
}
