//! The two listeners. The public one is plain hyper with a header read timeout and a
//! connection cap, so the cache-hit path stays close to a static file server. The admin one
//! serves the admin interface, health and metrics and is never reachable from the public
//! listener.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::App;

/// Limits of the public listener.
#[derive(Debug, Clone)]
pub struct ListenerLimits {
    /// Time a client has to send the request head.
    pub header_timeout: Duration,
    /// Time rendering or searching may take for one request; cache hits need no limit.
    pub request_timeout: Duration,
    /// Open connections at most; further clients wait in the accept queue.
    pub max_connections: usize,
}

impl Default for ListenerLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(15),
            max_connections: 4096,
        }
    }
}

/// Accepts public connections until `shutdown` turns true.
pub async fn run_public(
    app: Arc<App>,
    listener: TcpListener,
    limits: ListenerLimits,
    mut shutdown: watch::Receiver<bool>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "accept on the public listener failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let limits = limits.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let app = app.clone();
                let timeout = limits.request_timeout;
                async move {
                    let note = crate::access::note(&app, &request, peer);
                    let response = crate::public::handle(&app, request, peer, timeout).await;
                    let bytes = hyper::body::Body::size_hint(response.body()).exact();
                    let status = response.status().as_u16();
                    crate::access::finish(&app, note, status, bytes.unwrap_or(0));
                    Ok::<_, Infallible>(response)
                }
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "public connection closed with an error");
            }
            drop(permit);
        });
    }
}

/// Serves the admin router until `shutdown` turns true.
pub async fn run_admin(app: Arc<App>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
    let router = crate::admin::router(app);
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            let _ = shutdown.changed().await;
        })
        .await;
    if let Err(error) = result {
        tracing::error!(%error, "admin listener failed");
    }
}
