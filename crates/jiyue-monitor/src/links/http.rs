//! External links over HTTP: one request per distinct address, limited globally and per
//! host, `HEAD` first, `Retry-After` respected, redirects followed by hand, and private
//! addresses never contacted unless the configuration allows them.

use std::collections::{HashMap, HashSet};
use std::error::Error as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use jiyue_core::net::is_public;
use jiyue_core::Clock;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use tokio::sync::{Mutex, Semaphore};
use tokio::time::Instant;
use url::Url;

use super::extract::parse_html;
use super::report::Problem;

/// The user agent of every request, so site operators can tell the checker apart.
pub const USER_AGENT: &str = concat!(
    "Jiyue-LinkCheck/",
    env!("CARGO_PKG_VERSION"),
    " (government website link check)"
);

/// Bodies larger than this are not read for anchors.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Limits of the external check.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Requests in flight at once, over all hosts.
    pub max_concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host_concurrency: usize,
    /// Minimum time between the starts of two requests to one host.
    pub per_host_interval: Duration,
    /// Time allowed for one request, body included.
    pub timeout: Duration,
    /// Redirects followed before the link is reported as redirecting too often.
    pub max_redirects: usize,
    /// Retries of one request after a 429 or 503 response.
    pub max_retries: u32,
    /// Longest `Retry-After` wait honored; a longer one ends the retries at once.
    pub max_retry_wait: Duration,
    /// Contact private, loopback and link-local addresses (for tests only).
    pub allow_private: bool,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            max_concurrency: 32,
            per_host_concurrency: 2,
            per_host_interval: Duration::from_millis(100),
            timeout: Duration::from_secs(20),
            max_redirects: 10,
            max_retries: 2,
            max_retry_wait: Duration::from_secs(30),
            allow_private: false,
        }
    }
}

/// The result of checking one external address.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The anchors of the final page when it was read with `GET` as HTML, or the problem.
    pub result: Result<Option<Arc<HashSet<String>>>, Problem>,
    /// Every address redirected to, in order.
    pub redirects: Vec<String>,
}

/// A client for external links, shared by all checks of one run.
pub struct HttpChecker {
    client: reqwest::Client,
    options: HttpOptions,
    clock: Arc<dyn Clock>,
    hosts: Mutex<HashMap<String, Arc<HostGate>>>,
}

/// The per-host limits: a concurrency limit and the earliest start of the next request.
struct HostGate {
    permits: Semaphore,
    next_start: Mutex<Instant>,
}

/// A refusal to connect to a private address; found again in the error chain of reqwest.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to the private address {address}")]
struct PrivateAddress {
    host: String,
    address: IpAddr,
}

/// Resolves host names once per connection and rejects any result containing a private
/// address, so the client connects only to the addresses this check accepted.
struct CheckedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private {
                if let Some(private) = addrs.iter().find(|addr| !is_public(addr.ip())) {
                    let error = PrivateAddress {
                        host,
                        address: private.ip(),
                    };
                    return Err(Box::new(error) as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

impl HttpChecker {
    /// Builds the client. Fails only when the TLS backend cannot start.
    pub fn new(options: HttpOptions, clock: Arc<dyn Clock>) -> Result<HttpChecker, reqwest::Error> {
        let resolver = CheckedResolver {
            allow_private: options.allow_private,
        };
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .dns_resolver(Arc::new(resolver))
            .no_proxy()
            .build()?;
        Ok(HttpChecker {
            client,
            options,
            clock,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// Checks one address (its fragment ignored). With `want_anchors`, the page is fetched
    /// with `GET` and its anchors returned.
    pub async fn check(&self, url: &Url, want_anchors: bool) -> Fetched {
        let mut redirects = Vec::new();
        let result = self.follow(url, want_anchors, &mut redirects).await;
        Fetched { result, redirects }
    }

    async fn follow(
        &self,
        url: &Url,
        want_anchors: bool,
        redirects: &mut Vec<String>,
    ) -> Result<Option<Arc<HashSet<String>>>, Problem> {
        let mut current = without_fragment(url);
        let mut visited = HashSet::from([current.to_string()]);
        loop {
            let response = self.request(&current, want_anchors).await?;
            let status = response.status();
            if status.is_redirection() {
                let Some(location) = location(response.headers()) else {
                    return Err(Problem::Status {
                        status: status.as_u16(),
                    });
                };
                let next = current
                    .join(&location)
                    .map_err(|error| Problem::InvalidUrl {
                        error: format!("redirect to \"{location}\": {error}"),
                    })?;
                redirects.push(next.to_string());
                current = without_fragment(&next);
                if !visited.insert(current.to_string()) {
                    return Err(Problem::RedirectLoop);
                }
                if redirects.len() > self.options.max_redirects {
                    return Err(Problem::TooManyRedirects {
                        limit: self.options.max_redirects,
                    });
                }
                continue;
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                return Err(Problem::RateLimited);
            }
            if !status.is_success() {
                return Err(Problem::Status {
                    status: status.as_u16(),
                });
            }
            if want_anchors && is_html(response.headers()) {
                return Ok(read_anchors(response).await);
            }
            return Ok(None);
        }
    }

    /// Sends one request, switching from `HEAD` to `GET` when the server rejects `HEAD`, and
    /// retrying after 429 and 503 with the delay of `Retry-After`.
    async fn request(&self, url: &Url, want_body: bool) -> Result<reqwest::Response, Problem> {
        check_literal_address(url, self.options.allow_private)?;
        let mut method = if want_body { Method::GET } else { Method::HEAD };
        let mut retries = 0;
        loop {
            let response = self.send(method.clone(), url).await?;
            let status = response.status();
            if method == Method::HEAD && head_rejected(status) {
                method = Method::GET;
                continue;
            }
            let retryable = status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE;
            if !retryable || retries >= self.options.max_retries {
                return Ok(response);
            }
            let Some(wait) = self.retry_wait(response.headers()) else {
                return Ok(response);
            };
            tracing::info!(%url, status = status.as_u16(), wait_ms = wait.as_millis() as u64, "retrying a link later");
            tokio::time::sleep(wait).await;
            retries += 1;
        }
    }

    async fn send(&self, method: Method, url: &Url) -> Result<reqwest::Response, Problem> {
        let gate = self.gate(url.host_str().unwrap_or_default()).await;
        let _permit = gate
            .permits
            .acquire()
            .await
            .map_err(|error| Problem::Network {
                error: error.to_string(),
            })?;
        {
            let mut next_start = gate.next_start.lock().await;
            tokio::time::sleep_until(*next_start).await;
            *next_start = Instant::now() + self.options.per_host_interval;
        }
        self.client
            .request(method, url.clone())
            .send()
            .await
            .map_err(|error| problem_of(&error))
    }

    async fn gate(&self, host: &str) -> Arc<HostGate> {
        let mut hosts = self.hosts.lock().await;
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                Arc::new(HostGate {
                    permits: Semaphore::new(self.options.per_host_concurrency.max(1)),
                    next_start: Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// Returns how long to wait before a retry, or `None` when the server requests more than
    /// `max_retry_wait`. Without a usable `Retry-After`, waits one second.
    fn retry_wait(&self, headers: &HeaderMap) -> Option<Duration> {
        let wait = match headers
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
        {
            Some(value) => {
                parse_retry_after(value, self.clock.now()).unwrap_or(Duration::from_secs(1))
            }
            None => Duration::from_secs(1),
        };
        (wait <= self.options.max_retry_wait).then_some(wait)
    }
}

/// Reads `Retry-After`: a number of seconds or an HTTP date, counted from `now`.
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&chrono::Utc) - now;
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// Returns true for `HEAD` responses that servers send when they do not support it, though
/// `GET` may work: 405, 501 and other client errors except those that mean "no such page".
fn head_rejected(status: StatusCode) -> bool {
    match status.as_u16() {
        404 | 410 | 429 => false,
        405 | 501 => true,
        code => (400..500).contains(&code),
    }
}

fn check_literal_address(url: &Url, allow_private: bool) -> Result<(), Problem> {
    let address = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(url::Host::Domain(_)) => return Ok(()),
        None => {
            return Err(Problem::InvalidUrl {
                error: "the address has no host".to_string(),
            })
        }
    };
    if allow_private || is_public(address) {
        Ok(())
    } else {
        Err(Problem::PrivateAddress {
            address: address.to_string(),
        })
    }
}

fn problem_of(error: &reqwest::Error) -> Problem {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(private) = cause.downcast_ref::<PrivateAddress>() {
            return Problem::PrivateAddress {
                address: private.address.to_string(),
            };
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return Problem::Timeout;
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    Problem::Network { error: text }
}

fn location(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(LOCATION)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("html"))
}

async fn read_anchors(mut response: reqwest::Response) -> Option<Arc<HashSet<String>>> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY_BYTES {
            return None;
        }
    }
    let html = String::from_utf8_lossy(&body);
    Some(Arc::new(parse_html(&html).anchors))
}

/// Returns the address without its fragment, the key of one request.
pub fn without_fragment(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_forms() {
        let now = chrono::Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 02:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 01:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn head_rejections() {
        assert!(head_rejected(StatusCode::METHOD_NOT_ALLOWED));
        assert!(head_rejected(StatusCode::NOT_IMPLEMENTED));
        assert!(head_rejected(StatusCode::FORBIDDEN));
        assert!(!head_rejected(StatusCode::NOT_FOUND));
        assert!(!head_rejected(StatusCode::GONE));
        assert!(!head_rejected(StatusCode::INTERNAL_SERVER_ERROR));
    }
}
