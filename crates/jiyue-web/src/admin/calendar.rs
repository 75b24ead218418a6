//! Placeholder replaced by its owner.

use std::sync::Arc;

use axum::Router;

use crate::App;

/// Routes of this page.
pub fn router() -> Router<Arc<App>> {
    Router::new()
}
