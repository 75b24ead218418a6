//! Service items in the admin interface.

use std::sync::Arc;

use axum::Router;

use crate::App;

/// Routes of the service pages.
pub fn router() -> Router<Arc<App>> {
    Router::new()
}
