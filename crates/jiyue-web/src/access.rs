//! The access log of the public listener, kept in the database for audit administrators.
//!
//! A request hands its record to a bounded queue and never waits; a writer task stores the
//! queue in batches. When the database falls behind and the queue is full, records are
//! dropped and counted (the `jiyue_access_log_dropped_total` metric), so the access log can
//! never slow public pages down.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{HOST, REFERER, USER_AGENT};
use http::Request;
use jiyue_db::AccessRecord;
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch};

use crate::App;

/// Records waiting to be stored at most; beyond it new records are dropped.
const QUEUE: usize = 20_000;
/// Records stored per transaction at most.
const BATCH: usize = 500;
/// How long a record may wait before its batch is stored.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// The sending side of the access log queue.
#[derive(Debug)]
pub struct AccessLog {
    sender: mpsc::Sender<AccessRecord>,
    receiver: Mutex<Option<mpsc::Receiver<AccessRecord>>>,
    dropped: AtomicU64,
}

impl Default for AccessLog {
    fn default() -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        Self {
            sender,
            receiver: Mutex::new(Some(receiver)),
            dropped: AtomicU64::new(0),
        }
    }
}

impl AccessLog {
    /// Queues a record without waiting; a full queue drops it.
    pub fn record(&self, record: AccessRecord) {
        if self.sender.try_send(record).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Returns how many records were dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// What a request says about itself, taken before it is handled.
pub struct RequestNote {
    started: Instant,
    host: String,
    method: String,
    path: String,
    user_agent: String,
    referer: String,
    address: String,
}

/// Notes the parts of a request the access log keeps.
pub fn note<B>(app: &App, request: &Request<B>, peer: SocketAddr) -> RequestNote {
    let header = |name| {
        request
            .headers()
            .get(name)
            .and_then(|v: &http::HeaderValue| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let address = crate::net::client_addr(peer.ip(), forwarded, &app.config.trusted_proxies);
    RequestNote {
        started: Instant::now(),
        host: header(HOST),
        method: request.method().as_str().to_string(),
        path: request.uri().path().to_string(),
        user_agent: header(USER_AGENT),
        referer: header(REFERER),
        address: address.to_string(),
    }
}

/// Queues the record of a finished request.
pub fn finish(app: &App, note: RequestNote, status: u16, bytes: u64) {
    let duration = note.started.elapsed();
    app.access_log.record(AccessRecord {
        at: app.clock.now(),
        host: note.host,
        method: note.method,
        path: note.path,
        status,
        bytes,
        address: note.address,
        user_agent: note.user_agent,
        referer: note.referer,
        duration_us: u64::try_from(duration.as_micros()).unwrap_or(u64::MAX),
    });
}

/// Stores queued records in batches until `shutdown` turns true, then stores what is left.
pub async fn run_writer(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let Some(mut receiver) = app.access_log.receiver.lock().take() else {
        tracing::warn!("the access log writer is already running; not starting another");
        return;
    };
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let stop = tokio::select! {
            received = receiver.recv_many(&mut batch, BATCH) => received == 0,
            _ = shutdown.changed() => true,
        };
        if !stop && batch.len() < BATCH {
            // Gather more for a moment, so a busy site stores fewer, larger batches.
            let _ = tokio::time::timeout(FLUSH_EVERY, async {
                while batch.len() < BATCH {
                    let room = BATCH - batch.len();
                    if receiver.recv_many(&mut batch, room).await == 0 {
                        break;
                    }
                }
            })
            .await;
        }
        store(&app, &mut batch).await;
        if stop {
            while let Ok(record) = receiver.try_recv() {
                batch.push(record);
                if batch.len() >= BATCH {
                    store(&app, &mut batch).await;
                }
            }
            store(&app, &mut batch).await;
            return;
        }
    }
}

async fn store(app: &App, batch: &mut Vec<AccessRecord>) {
    if batch.is_empty() {
        return;
    }
    if let Err(error) = app.db.access_log_insert(batch).await {
        tracing::error!(%error, records = batch.len(), "storing access log records failed; they are lost");
    }
    batch.clear();
}
