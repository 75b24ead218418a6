//! The in-memory recorder of security signals: request rates per client address, requests
//! matching scanner patterns, and failed sign-ins of staff and citizens.
//!
//! The public request path calls [`SignalRecorder::observe_request`] on every request, so it
//! stays cheap: one clock read, one scan of the path, and one short lock of one of the
//! [`SHARDS`] maps. A repeat visitor adds no allocation, and nothing touches the database. The
//! monitor job calls [`SignalRecorder::drain`] about once a minute and gets the faults found
//! since the last drain. Full client addresses live only in these maps; faults and logs name
//! only their network (see `jiyue_monitor::signals::network`).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use jiyue_core::Clock;
use jiyue_monitor::signals::{self, SignInKind, SignalRules};
use jiyue_monitor::Fault;
use parking_lot::{Mutex, RwLock};

/// Lock shards of the per-address request counters.
pub const SHARDS: usize = 16;

/// Addresses each shard tracks at most; requests of further addresses are counted as
/// untracked until a drain frees room. 16 shards of 8,192 entries stay under about 8 MB.
pub const MAX_ADDRESSES_PER_SHARD: usize = 8_192;

/// Scanner requests and failed sign-in keys kept at most between two drains.
pub const MAX_RARE_ENTRIES: usize = 10_000;

/// Maximum length of the sample path kept for a scanner fault, in characters.
const MAX_SAMPLE_CHARS: usize = 200;

/// Requests of one address in the current and the previous window.
#[derive(Debug, Clone, Copy)]
struct RateSlot {
    /// Start of the current window, in whole windows since the Unix epoch.
    window: i64,
    current: u32,
    previous: u32,
    /// The highest sliding-window estimate since the last drain.
    peak: u32,
}

/// Scanner requests of one address since the last drain.
#[derive(Debug, Default)]
struct ScannerTally {
    requests: u32,
    patterns: BTreeSet<&'static str>,
    sample: String,
}

/// Failed sign-ins of one account or one address, with the times of those still in the window.
#[derive(Debug, Default)]
struct FailureLog {
    times: VecDeque<i64>,
    /// Maximum failures inside one window since the last drain.
    peak: u32,
    /// Accounts tried, for the failures of an address (the names stay in memory).
    accounts: BTreeSet<String>,
}

/// The subject a failed sign-in counts against: an account or a client address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Subject {
    Account(SignInKind, String),
    Address(SignInKind, IpAddr),
}

/// The recorder of one node. Each node drains its own recorder.
pub struct SignalRecorder {
    clock: Arc<dyn Clock>,
    rules: RwLock<SignalRules>,
    hasher: RandomState,
    rates: [Mutex<HashMap<IpAddr, RateSlot>>; SHARDS],
    scanners: Mutex<HashMap<IpAddr, ScannerTally>>,
    failures: Mutex<HashMap<Subject, FailureLog>>,
    untracked: AtomicU64,
}

impl std::fmt::Debug for SignalRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignalRecorder")
            .field("rules", &*self.rules.read())
            .finish()
    }
}

impl SignalRecorder {
    /// Creates an empty recorder with `rules`.
    pub fn new(clock: Arc<dyn Clock>, rules: SignalRules) -> Self {
        Self {
            clock,
            rules: RwLock::new(rules),
            hasher: RandomState::new(),
            rates: std::array::from_fn(|_| Mutex::new(HashMap::new())),
            scanners: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            untracked: AtomicU64::new(0),
        }
    }

    /// Replaces the thresholds, such as after reading the config file.
    pub fn set_rules(&self, rules: SignalRules) {
        *self.rules.write() = rules;
    }

    /// Returns the thresholds in force.
    pub fn rules(&self) -> SignalRules {
        self.rules.read().clone()
    }

    /// Counts one public request of `client` and checks its path and query against the
    /// scanner patterns.
    pub fn observe_request(&self, client: IpAddr, uri: &http::Uri) {
        let now = self.clock.now().timestamp();
        let window_secs = i64::from(self.rules.read().rate_window_secs.max(1));
        self.count_rate(client, now, window_secs);

        let path_and_query = uri.path_and_query().map_or("", |pq| pq.as_str());
        if let Some(pattern) = signals::scanner_pattern(path_and_query) {
            self.count_scanner(client, pattern, uri.path());
        }
    }

    fn count_rate(&self, client: IpAddr, now: i64, window_secs: i64) {
        let shard = usize::try_from(self.hasher.hash_one(client) % SHARDS as u64).unwrap_or(0);
        let mut slots = self.rates[shard].lock();
        let window = now.div_euclid(window_secs);
        let elapsed = now.rem_euclid(window_secs);
        if let Some(slot) = slots.get_mut(&client) {
            if slot.window != window {
                slot.previous = if slot.window + 1 == window {
                    slot.current
                } else {
                    0
                };
                slot.current = 0;
                slot.window = window;
            }
            slot.current = slot.current.saturating_add(1);
            // The sliding-window estimate weighs the previous window by the part of it that
            // still lies inside a window ending now.
            let carried = u64::from(slot.previous)
                * u64::try_from(window_secs - elapsed).unwrap_or(0)
                / u64::try_from(window_secs).unwrap_or(1);
            let estimate = u32::try_from(carried)
                .unwrap_or(u32::MAX)
                .saturating_add(slot.current);
            slot.peak = slot.peak.max(estimate);
            return;
        }
        if slots.len() >= MAX_ADDRESSES_PER_SHARD {
            self.untracked.fetch_add(1, Ordering::Relaxed);
            return;
        }
        slots.insert(
            client,
            RateSlot {
                window,
                current: 1,
                previous: 0,
                peak: 1,
            },
        );
    }

    fn count_scanner(&self, client: IpAddr, pattern: &'static str, path: &str) {
        let mut scanners = self.scanners.lock();
        if !scanners.contains_key(&client) && scanners.len() >= MAX_RARE_ENTRIES {
            self.untracked.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let tally = scanners.entry(client).or_default();
        tally.requests = tally.requests.saturating_add(1);
        tally.patterns.insert(pattern);
        if tally.sample.is_empty() {
            tally.sample = path.chars().take(MAX_SAMPLE_CHARS).collect();
        }
    }

    /// Counts one failed sign-in against the account (when the name is known) and the client
    /// address. `account` is a staff user name or a citizen's account number, never a mobile
    /// number or e-mail address.
    pub fn failed_sign_in(&self, kind: SignInKind, account: Option<&str>, client: IpAddr) {
        let now = self.clock.now().timestamp();
        let window = i64::from(self.rules.read().sign_in_window_secs);
        let mut failures = self.failures.lock();
        let mut subjects = vec![Subject::Address(kind, client)];
        if let Some(account) = account {
            subjects.push(Subject::Account(kind, account.chars().take(64).collect()));
        }
        for subject in subjects {
            if !failures.contains_key(&subject) && failures.len() >= MAX_RARE_ENTRIES {
                self.untracked.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let log = failures.entry(subject.clone()).or_default();
            log.times.push_back(now);
            while log.times.front().is_some_and(|&at| at <= now - window) {
                log.times.pop_front();
            }
            log.peak = log
                .peak
                .max(u32::try_from(log.times.len()).unwrap_or(u32::MAX));
            if let (Subject::Address(..), Some(account)) = (&subject, account) {
                if log.accounts.len() < 1_000 {
                    log.accounts.insert(account.chars().take(64).collect());
                }
            }
        }
    }

    /// Returns the faults found since the last drain and starts counting afresh. Idle
    /// counters are dropped, so memory follows the traffic of the last few windows.
    pub fn drain(&self) -> Vec<Fault> {
        let rules = self.rules();
        let now = self.clock.now().timestamp();
        let mut faults = Vec::new();
        faults.extend(self.drain_failures(&rules, now));
        faults.extend(self.drain_rates(&rules, now));
        faults.extend(self.drain_scanners(&rules));
        let untracked = self.untracked.swap(0, Ordering::Relaxed);
        if untracked > 0 {
            tracing::warn!(
                untracked,
                "security signals skipped requests of addresses beyond the tracking limit"
            );
        }
        if !faults.is_empty() {
            tracing::info!(faults = faults.len(), "security signals drained");
        }
        faults
    }

    fn drain_failures(&self, rules: &SignalRules, now: i64) -> Vec<Fault> {
        let window = i64::from(rules.sign_in_window_secs);
        let mut failures = self.failures.lock();
        let mut accounts = Vec::new();
        // Failures of the addresses of one network are added up, so a network that spreads
        // its guesses over many addresses still shows.
        let mut networks: BTreeMap<(SignInKind, String), (u32, BTreeSet<String>)> = BTreeMap::new();
        for (subject, log) in failures.iter_mut() {
            match subject {
                Subject::Account(kind, account) => {
                    if log.peak >= rules.sign_in_account_failures {
                        accounts.push(signals::account_burst(*kind, account, log.peak, rules));
                    }
                }
                Subject::Address(kind, address) => {
                    let entry = networks
                        .entry((*kind, signals::network(*address)))
                        .or_default();
                    entry.0 = entry.0.saturating_add(log.peak);
                    entry.1.extend(log.accounts.iter().cloned());
                }
            }
            log.peak = u32::try_from(log.times.len()).unwrap_or(u32::MAX);
            log.accounts.clear();
        }
        failures.retain(|_, log| log.times.back().is_some_and(|&at| at > now - window));
        drop(failures);

        accounts.sort_by(|a, b| a.key.cmp(&b.key));
        for ((kind, network), (count, tried)) in networks {
            if count >= rules.sign_in_network_failures {
                let tried = u32::try_from(tried.len()).unwrap_or(u32::MAX);
                accounts.push(signals::network_burst(kind, &network, count, tried, rules));
            }
        }
        accounts
    }

    fn drain_rates(&self, rules: &SignalRules, now: i64) -> Vec<Fault> {
        let window_secs = i64::from(rules.rate_window_secs.max(1));
        let current = now.div_euclid(window_secs);
        let mut spikes: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for shard in &self.rates {
            let mut slots = shard.lock();
            for (address, slot) in slots.iter_mut() {
                if slot.peak >= rules.rate_max_requests {
                    let entry = spikes.entry(signals::network(*address)).or_default();
                    entry.0 = entry.0.max(slot.peak);
                    entry.1 = entry.1.saturating_add(1);
                }
                slot.peak = 0;
            }
            slots.retain(|_, slot| slot.window + 1 >= current);
        }
        spikes
            .into_iter()
            .map(|(network, (peak, addresses))| {
                signals::rate_spike(&network, peak, addresses, rules)
            })
            .collect()
    }

    fn drain_scanners(&self, rules: &SignalRules) -> Vec<Fault> {
        let tallies = std::mem::take(&mut *self.scanners.lock());
        let mut networks: BTreeMap<String, ScannerTally> = BTreeMap::new();
        for (address, tally) in tallies {
            let entry = networks.entry(signals::network(address)).or_default();
            entry.requests = entry.requests.saturating_add(tally.requests);
            entry.patterns.extend(tally.patterns);
            if entry.sample.is_empty() {
                entry.sample = tally.sample;
            }
        }
        networks
            .into_iter()
            .filter(|(_, tally)| tally.requests >= rules.scanner_requests)
            .map(|(network, tally)| {
                let patterns: Vec<&str> = tally.patterns.into_iter().collect();
                signals::scanner_requests(&network, tally.requests, &patterns, &tally.sample)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use jiyue_core::FixedClock;
    use jiyue_monitor::Severity;

    use super::*;

    fn recorder() -> (Arc<FixedClock>, SignalRecorder) {
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 5).unwrap(),
        ));
        let recorder = SignalRecorder::new(clock.clone(), SignalRules::default());
        (clock, recorder)
    }

    fn uri(text: &str) -> http::Uri {
        text.parse().unwrap()
    }

    #[test]
    fn spike_found_once_per_drain() {
        let (clock, recorder) = recorder();
        let busy: IpAddr = "192.0.2.10".parse().unwrap();
        let calm: IpAddr = "198.51.100.7".parse().unwrap();
        for _ in 0..300 {
            recorder.observe_request(busy, &uri("/index.html"));
        }
        recorder.observe_request(calm, &uri("/index.html"));
        let faults = recorder.drain();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].key, "security:rate:192.0.2.0/24");
        assert_eq!(faults[0].severity, Severity::Warning);
        assert!(!faults[0].evidence.contains("192.0.2.10"));

        clock.advance(chrono::Duration::seconds(60));
        recorder.observe_request(busy, &uri("/index.html"));
        assert!(recorder.drain().is_empty());
    }

    #[test]
    fn scanner_requests_grouped_by_network() {
        let (_, recorder) = recorder();
        recorder.observe_request("192.0.2.1".parse().unwrap(), &uri("/.env"));
        recorder.observe_request("192.0.2.2".parse().unwrap(), &uri("/wp-admin/?a=1"));
        recorder.observe_request("192.0.2.3".parse().unwrap(), &uri("/index.html"));
        let faults = recorder.drain();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].args["count"], "2");
        assert_eq!(faults[0].args["patterns"], "dotenv, wordpress");
        assert!(recorder.drain().is_empty());
    }

    #[test]
    fn sign_in_bursts_by_account_and_network() {
        let (clock, recorder) = recorder();
        for index in 0..20u8 {
            let client = IpAddr::from([203, 0, 113, index]);
            let account = if index < 5 { "editor" } else { "reviewer" };
            recorder.failed_sign_in(SignInKind::Admin, Some(account), client);
        }
        let faults = recorder.drain();
        let keys: Vec<&str> = faults.iter().map(|fault| fault.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "security:sign-in:admin:account:editor",
                "security:sign-in:admin:account:reviewer",
                "security:sign-in:admin:network:203.0.113.0/24",
            ]
        );
        assert_eq!(faults[2].args["accounts"], "2");

        // Four failures spread beyond the window make no burst.
        let recorder = SignalRecorder::new(clock.clone(), SignalRules::default());
        for _ in 0..4 {
            recorder.failed_sign_in(SignInKind::Citizen, Some("7"), "192.0.2.1".parse().unwrap());
            clock.advance(chrono::Duration::seconds(400));
        }
        recorder.failed_sign_in(SignInKind::Citizen, Some("7"), "192.0.2.1".parse().unwrap());
        assert!(recorder.drain().is_empty());
    }
}
