//! Health, readiness and Prometheus metrics on the admin listener. These answer without
//! signing in, for load balancers and monitoring.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::App;

/// Returns the health, readiness and metrics routes.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
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
    let _ = writeln!(out, "# TYPE jiyue_access_log_dropped_total counter");
    let _ = writeln!(
        out,
        "jiyue_access_log_dropped_total {}",
        app.access_log.dropped()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
}
