//! The page ledger's recording queue: renders hand their bodies over without waiting, and a
//! writer task digests and stores them in batches.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::StatusCode;
use jiyue_db::{sm3_hex, LedgerEntry, SiteId};
use parking_lot::Mutex;
use tokio::sync::{mpsc, watch};

use super::LEDGER_BATCH;
use crate::App;

/// Rendered bodies waiting to be recorded at most; beyond it new ones are dropped.
const LEDGER_QUEUE: usize = 10_000;
/// One rendered body waiting for its digest to be recorded.
#[derive(Debug)]
struct Rendered {
    site_id: SiteId,
    path: String,
    body: Bytes,
    content_type: String,
}

/// The sending side of the page ledger's queue. A render hands its body over without
/// waiting, and a writer task digests and stores the bodies in batches. When the queue is
/// full the body is dropped and counted, so recording never slows the public path.
#[derive(Debug)]
pub struct LedgerQueue {
    sender: mpsc::Sender<Rendered>,
    receiver: Mutex<Option<mpsc::Receiver<Rendered>>>,
    dropped: AtomicU64,
}

impl Default for LedgerQueue {
    fn default() -> Self {
        let (sender, receiver) = mpsc::channel(LEDGER_QUEUE);
        Self {
            sender,
            receiver: Mutex::new(Some(receiver)),
            dropped: AtomicU64::new(0),
        }
    }
}

impl LedgerQueue {
    /// Queues a cacheable 200 response of a site without waiting; a full queue drops it.
    pub fn record(&self, site_id: SiteId, path: &str, page: &crate::cache::CachedPage) {
        if page.status != StatusCode::OK {
            return;
        }
        let content_type = page
            .header(&CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_string();
        let rendered = Rendered {
            site_id,
            path: path.to_string(),
            body: page.identity.body.clone(),
            content_type,
        };
        if self.sender.try_send(rendered).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Returns how many bodies were dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// Records queued bodies in batches until `shutdown` turns true, then records what is left.
pub async fn run_ledger_writer(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let Some(mut receiver) = app.ledger.receiver.lock().take() else {
        tracing::warn!("the page ledger writer is already running; not starting another");
        return;
    };
    let mut batch = Vec::with_capacity(LEDGER_BATCH);
    loop {
        let stop = tokio::select! {
            received = receiver.recv_many(&mut batch, LEDGER_BATCH) => received == 0,
            _ = shutdown.changed() => true,
        };
        if stop {
            while let Ok(rendered) = receiver.try_recv() {
                batch.push(rendered);
            }
        }
        for chunk in batch.chunks(LEDGER_BATCH) {
            store_ledger(&app, chunk).await;
        }
        batch.clear();
        if stop {
            return;
        }
    }
}

async fn store_ledger(app: &App, batch: &[Rendered]) {
    let entries: Vec<LedgerEntry> = batch
        .iter()
        .filter(|rendered| rendered.path.len() <= jiyue_db::MAX_LEDGER_PATH_BYTES)
        .map(|rendered| LedgerEntry {
            site_id: rendered.site_id,
            path: rendered.path.clone(),
            digest: sm3_hex(&rendered.body),
            length: rendered.body.len() as u64,
            content_type: rendered.content_type.clone(),
        })
        .collect();
    if let Err(error) = app.db.ledger_record(&entries).await {
        tracing::error!(%error, entries = entries.len(), "recording page digests failed; they are lost");
    }
}
