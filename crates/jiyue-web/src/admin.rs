//! The admin listener: health, readiness and Prometheus metrics. Later the editorial
//! interface joins it; nothing here is ever served on the public listener.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::App;

/// Builds the admin router.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(app)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(app): State<Arc<App>>) -> impl IntoResponse {
    match app.db.outbox_head().await {
        Ok(_) => (StatusCode::OK, "ready\n".to_string()),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database not reachable: {error}\n"),
        ),
    }
}

async fn metrics(State(app): State<Arc<App>>) -> impl IntoResponse {
    let stats = app.cache.stats();
    let counters = app.counters.snapshot();
    let mut out = String::new();
    let _ = writeln!(out, "# TYPE jiyue_page_cache_pages gauge");
    let _ = writeln!(out, "jiyue_page_cache_pages {}", stats.pages);
    let _ = writeln!(out, "# TYPE jiyue_page_cache_bytes gauge");
    let _ = writeln!(out, "jiyue_page_cache_bytes {}", stats.bytes);
    let _ = writeln!(out, "jiyue_page_cache_budget_bytes {}", stats.budget);
    let _ = writeln!(out, "# TYPE jiyue_page_cache_hits_total counter");
    let _ = writeln!(out, "jiyue_page_cache_hits_total {}", counters.hits);
    let _ = writeln!(out, "# TYPE jiyue_page_cache_misses_total counter");
    let _ = writeln!(out, "jiyue_page_cache_misses_total {}", counters.misses);
    let _ = writeln!(out, "# TYPE jiyue_outbox_applied_position gauge");
    let _ = writeln!(
        out,
        "jiyue_outbox_applied_position {}",
        counters.outbox_position
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
}
