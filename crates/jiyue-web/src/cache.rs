//! The rendered-page cache: response bytes with their compressed variants, indexed by the tags
//! they were rendered from, within a memory budget. A hit needs no database query.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, ETAG, VARY};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use parking_lot::RwLock;

/// Bodies shorter than this are sent uncompressed, since compression would not pay off.
const MIN_COMPRESS_BYTES: usize = 256;

/// Key of a cached page: the site (0 for the platform directory) and the request path.
pub type SiteKey = i64;

/// A response ready to send, with precompressed variants.
#[derive(Debug)]
pub struct CachedPage {
    pub status: StatusCode,
    pub identity: Variant,
    pub gzip: Option<Variant>,
    pub brotli: Option<Variant>,
    pub tags: Vec<String>,
    /// The kind, column and item of the page for analytics, or `None` for a response that is
    /// not counted as a page view.
    pub view: Option<crate::analytics::PageView>,
}

/// One encoding of a page body with its entity tag and every response header, built once so
/// that a cache hit only clones them.
#[derive(Debug, Clone)]
pub struct Variant {
    pub body: Bytes,
    pub etag: HeaderValue,
    /// The headers of a 200 (or other status) response with this body.
    pub headers: HeaderMap,
}

/// The encodings a client accepts, from `Accept-Encoding`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accepted {
    pub gzip: bool,
    pub brotli: bool,
}

impl Accepted {
    /// Parses an `Accept-Encoding` header value; `q=0` turns an encoding off.
    pub fn parse(header: Option<&HeaderValue>) -> Self {
        let mut accepted = Self::default();
        let Some(text) = header.and_then(|value| value.to_str().ok()) else {
            return accepted;
        };
        for part in text.split(',') {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or("").trim();
            let disabled = pieces.any(|p| {
                let p = p.trim();
                p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
            });
            if disabled {
                continue;
            }
            match name {
                "gzip" | "x-gzip" => accepted.gzip = true,
                "br" => accepted.brotli = true,
                "*" => {
                    accepted.gzip = true;
                    accepted.brotli = true;
                }
                _ => {}
            }
        }
        accepted
    }
}

impl CachedPage {
    /// Builds a page, computing its entity tags and, for text worth it, gzip and brotli bodies.
    /// `headers` are sent with every variant (content type, security headers, cache control).
    pub fn build(
        status: StatusCode,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Bytes,
        compressible: bool,
        tags: Vec<String>,
    ) -> Self {
        let digest = digest_hex(&body);
        let (gzip, brotli) = if compressible && body.len() >= MIN_COMPRESS_BYTES {
            (gzip_bytes(&body), brotli_bytes(&body))
        } else {
            (None, None)
        };
        let varies = gzip.is_some() || brotli.is_some();
        let variant = |body: Bytes, suffix: &str, encoding: Option<&'static str>| {
            let etag = etag_value(&digest, suffix);
            let mut map = HeaderMap::with_capacity(headers.len() + 4);
            for (name, value) in &headers {
                map.insert(name.clone(), value.clone());
            }
            map.insert(ETAG, etag.clone());
            if varies {
                map.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
            }
            if let Some(encoding) = encoding {
                map.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            map.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            Variant {
                body,
                etag,
                headers: map,
            }
        };
        Self {
            status,
            gzip: gzip.map(|b| variant(b, "-gz", Some("gzip"))),
            brotli: brotli.map(|b| variant(b, "-br", Some("br"))),
            identity: variant(body, "", None),
            tags,
            view: None,
        }
    }

    /// Picks the variant for a client: brotli, then gzip, then identity.
    pub fn variant(&self, accepted: Accepted) -> &Variant {
        if accepted.brotli {
            if let Some(variant) = &self.brotli {
                return variant;
            }
        }
        if accepted.gzip {
            if let Some(variant) = &self.gzip {
                return variant;
            }
        }
        &self.identity
    }

    /// Returns a header of the page, as sent with the identity body.
    pub fn header(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.identity.headers.get(name)
    }

    /// Returns true when an `If-None-Match` value names any variant of this page, so a client
    /// holding any encoding of the current bytes gets a 304.
    pub fn matches_etag(&self, if_none_match: &HeaderValue) -> bool {
        let Ok(text) = if_none_match.to_str() else {
            return false;
        };
        if text.trim() == "*" {
            return true;
        }
        let variants = [
            Some(&self.identity),
            self.gzip.as_ref(),
            self.brotli.as_ref(),
        ];
        text.split(',').map(str::trim).any(|candidate| {
            let candidate = candidate.strip_prefix("W/").unwrap_or(candidate);
            variants
                .iter()
                .flatten()
                .any(|variant| variant.etag.as_bytes() == candidate.as_bytes())
        })
    }

    fn size(&self) -> usize {
        let variants = [
            Some(&self.identity),
            self.gzip.as_ref(),
            self.brotli.as_ref(),
        ];
        let variant_bytes: usize = variants
            .iter()
            .flatten()
            .map(|variant| {
                let headers: usize = variant
                    .headers
                    .iter()
                    .map(|(name, value)| name.as_str().len() + value.len() + 32)
                    .sum();
                variant.body.len() + headers + 80
            })
            .sum();
        variant_bytes + self.tags.iter().map(|t| t.len() + 24).sum::<usize>() + 256
    }
}

fn digest_hex(body: &[u8]) -> String {
    use sm3::{Digest, Sm3};
    let digest = Sm3::digest(body);
    hex::encode(&digest[..12])
}

fn etag_value(digest: &str, suffix: &str) -> HeaderValue {
    let text = format!("\"{digest}{suffix}\"");
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("\"0\""))
}

fn gzip_bytes(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli_bytes(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    Some(Bytes::from(out))
}

/// The page cache. Invalidation bumps an epoch, and a page rendered before the latest
/// invalidation is not stored, so a slow render never puts stale bytes back.
pub struct PageCache {
    inner: RwLock<Inner>,
    epoch: AtomicU64,
    budget: usize,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<SiteKey, HashMap<Box<str>, Entry>>,
    by_tag: HashMap<String, HashSet<(SiteKey, Box<str>)>>,
    /// Insertion order for eviction; an entry whose serial no longer matches is skipped.
    order: VecDeque<(SiteKey, Box<str>, u64)>,
    next_serial: u64,
    used: usize,
}

struct Entry {
    page: Arc<CachedPage>,
    serial: u64,
}

/// Counters of cache use, for metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub pages: usize,
    pub bytes: usize,
    pub budget: usize,
}

impl PageCache {
    /// Creates an empty cache that keeps at most `budget` bytes of pages.
    pub fn new(budget: usize) -> Self {
        Self {
            inner: RwLock::new(Inner::default()),
            epoch: AtomicU64::new(0),
            budget,
        }
    }

    /// Looks up a page.
    pub fn get(&self, site: SiteKey, path: &str) -> Option<Arc<CachedPage>> {
        self.inner
            .read()
            .pages
            .get(&site)?
            .get(path)
            .map(|entry| entry.page.clone())
    }

    /// Returns the epoch to pass to `insert` for a render that starts now.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Stores a page unless an invalidation happened since `epoch` or the page alone exceeds
    /// the budget; evicts the oldest pages to stay within the budget.
    pub fn insert(&self, site: SiteKey, path: &str, page: Arc<CachedPage>, epoch: u64) {
        let size = page.size();
        if size > self.budget {
            return;
        }
        let mut inner = self.inner.write();
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }

        let key: Box<str> = path.into();
        inner.remove(site, &key);
        for tag in &page.tags {
            inner
                .by_tag
                .entry(tag.clone())
                .or_default()
                .insert((site, key.clone()));
        }
        inner.used += size;
        inner.next_serial += 1;
        let serial = inner.next_serial;
        inner.order.push_back((site, key.clone(), serial));
        let entry = Entry { page, serial };
        inner.pages.entry(site).or_default().insert(key, entry);

        while inner.used > self.budget {
            let Some((old_site, old_path, old_serial)) = inner.order.pop_front() else {
                break;
            };
            if inner.serial_of(old_site, &old_path) == Some(old_serial) {
                inner.remove(old_site, &old_path);
            }
        }

        // Invalidated and replaced pages leave stale entries in the order queue; drop them
        // once they outnumber the live pages, so the queue cannot grow without bound.
        let live: usize = inner.pages.values().map(HashMap::len).sum();
        if inner.order.len() > 2 * live + 64 {
            let Inner { order, pages, .. } = &mut *inner;
            order.retain(|(site, path, serial)| {
                pages
                    .get(site)
                    .and_then(|site_pages| site_pages.get(path))
                    .is_some_and(|entry| entry.serial == *serial)
            });
        }
    }

    /// Drops every page carrying any of `tags` and returns how many were dropped.
    pub fn invalidate(&self, tags: &[String]) -> usize {
        let mut inner = self.inner.write();
        self.epoch.fetch_add(1, Ordering::AcqRel);
        let mut keys = HashSet::new();
        for tag in tags {
            if let Some(set) = inner.by_tag.remove(tag) {
                keys.extend(set);
            }
        }
        let count = keys.len();
        for (site, path) in keys {
            inner.remove(site, &path);
        }
        count
    }

    /// Drops every page.
    pub fn clear(&self) {
        let mut inner = self.inner.write();
        self.epoch.fetch_add(1, Ordering::AcqRel);
        *inner = Inner::default();
    }

    /// Returns the number of pages and bytes held.
    pub fn stats(&self) -> CacheStats {
        let inner = self.inner.read();
        CacheStats {
            pages: inner.pages.values().map(HashMap::len).sum(),
            bytes: inner.used,
            budget: self.budget,
        }
    }
}

impl Inner {
    fn serial_of(&self, site: SiteKey, path: &str) -> Option<u64> {
        Some(self.pages.get(&site)?.get(path)?.serial)
    }

    fn remove(&mut self, site: SiteKey, path: &str) {
        let Some(site_pages) = self.pages.get_mut(&site) else {
            return;
        };
        let Some(Entry { page, .. }) = site_pages.remove(path) else {
            return;
        };
        self.used = self.used.saturating_sub(page.size());
        for tag in &page.tags {
            if let Some(set) = self.by_tag.get_mut(tag) {
                set.retain(|(s, p)| !(*s == site && &**p == path));
                if set.is_empty() {
                    self.by_tag.remove(tag);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, tags: &[&str]) -> Arc<CachedPage> {
        Arc::new(CachedPage::build(
            StatusCode::OK,
            Vec::new(),
            Bytes::from(body.repeat(40)),
            true,
            tags.iter().map(|t| t.to_string()).collect(),
        ))
    }

    #[test]
    fn invalidation_drops_only_tagged_pages() {
        let cache = PageCache::new(10_000_000);
        cache.insert(
            1,
            "/a.html",
            page("a", &["item:1", "site:1"]),
            cache.epoch(),
        );
        cache.insert(
            1,
            "/b.html",
            page("b", &["item:2", "site:1"]),
            cache.epoch(),
        );
        cache.insert(2, "/a.html", page("c", &["item:1"]), cache.epoch());
        assert_eq!(cache.invalidate(&["item:2".to_string()]), 1);
        assert!(cache.get(1, "/a.html").is_some());
        assert!(cache.get(1, "/b.html").is_none());
        assert_eq!(cache.invalidate(&["item:1".to_string()]), 2);
        assert!(cache.get(2, "/a.html").is_none());
    }

    #[test]
    fn render_older_than_invalidation_is_not_stored() {
        let cache = PageCache::new(10_000_000);
        let epoch = cache.epoch();
        cache.invalidate(&["item:9".to_string()]);
        cache.insert(1, "/a.html", page("a", &["item:1"]), epoch);
        assert!(cache.get(1, "/a.html").is_none());
    }

    #[test]
    fn budget_evicts_oldest_pages() {
        let one = page("x", &[]).size();
        let cache = PageCache::new(one * 2 + one / 2);
        for n in 0..5 {
            cache.insert(1, &format!("/{n}.html"), page("x", &[]), cache.epoch());
        }
        let stats = cache.stats();
        assert_eq!(stats.pages, 2);
        assert!(stats.bytes <= stats.budget);
        assert!(cache.get(1, "/4.html").is_some());
        assert!(cache.get(1, "/0.html").is_none());
    }

    #[test]
    fn order_queue_stays_bounded_under_churn() {
        let cache = PageCache::new(10_000_000);
        for round in 0..1000 {
            cache.insert(1, "/a.html", page("a", &["item:1"]), cache.epoch());
            if round % 2 == 0 {
                cache.invalidate(&["item:1".to_string()]);
            }
        }
        let order_len = cache.inner.read().order.len();
        assert!(
            order_len <= 2 * cache.stats().pages + 65,
            "order queue has {order_len} entries"
        );
        assert!(cache.get(1, "/a.html").is_some());
    }

    #[test]
    fn accept_encoding_parsing() {
        let header = HeaderValue::from_static("gzip, deflate, br;q=0");
        assert_eq!(
            Accepted::parse(Some(&header)),
            Accepted {
                gzip: true,
                brotli: false
            }
        );
        assert_eq!(Accepted::parse(None), Accepted::default());
    }

    #[test]
    fn etag_matches_any_variant() {
        let page = page("hello world ", &[]);
        let br = page.brotli.as_ref().unwrap().etag.clone();
        assert!(page.matches_etag(&br));
        assert!(page.matches_etag(&HeaderValue::from_static("*")));
        assert!(!page.matches_etag(&HeaderValue::from_static("\"nope\", W/")));
        assert!(!page.matches_etag(&HeaderValue::from_static("\"nope\"")));
        assert!(page.brotli.as_ref().unwrap().body.len() < page.identity.body.len());
    }
}
