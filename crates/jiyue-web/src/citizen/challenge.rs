//! Abuse resistance: rate limits per account and per address network, and a self-hosted
//! challenge once a sender comes near a limit. No third party sees the visitor.
//!
//! The challenge is a signed seed. A browser with scripts finds a number whose SHA-256 with
//! the seed starts with enough zero bits (a fraction of a second for one person, real cost
//! for bulk senders); without scripts, the visitor answers the small sum the seed carries.
//! Either answer works once, before the seed expires.

use std::net::IpAddr;

use jiyue_auth::personal::Field;
use jiyue_db::{CitizenId, Db};
use sha2::{Digest, Sha256};

use super::view::{ChallengeView, Words};
use super::CitizenServices;

/// Leading zero bits the scripted solution must reach.
const WORK_BITS: u32 = 16;

/// How long a seed works, in seconds.
const SEED_SECONDS: i64 = 1800;

/// A limit on one action: at most `limit` per `window`, challenge from `limit / 2`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    pub action: &'static str,
    pub limit: u64,
    pub window: chrono::Duration,
}

/// The state of a sender's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Below the limits.
    Open,
    /// Near a limit: the form must carry a solved challenge.
    Challenge,
    /// At a limit: refused until the window ends.
    Closed,
}

fn counters(limit: &Limit, account: Option<CitizenId>, address: IpAddr) -> Vec<String> {
    let mut keys = vec![format!(
        "{}:{}",
        limit.action,
        jiyue_auth::address_key(address)
    )];
    if let Some(id) = account {
        keys.push(format!("{}:citizen:{id}", limit.action));
    }
    keys
}

/// Returns the gate of an action for an account and an address, without counting.
pub(crate) async fn gate(
    db: &Db,
    limit: &Limit,
    account: Option<CitizenId>,
    address: IpAddr,
) -> Result<Gate, jiyue_db::DbError> {
    let mut highest = 0;
    for key in counters(limit, account, address) {
        highest = highest.max(db.rate_hits(&key, limit.window).await?);
    }
    Ok(if highest >= limit.limit {
        Gate::Closed
    } else if highest * 2 >= limit.limit {
        Gate::Challenge
    } else {
        Gate::Open
    })
}

/// Counts one use of an action.
pub(crate) async fn count(
    db: &Db,
    limit: &Limit,
    account: Option<CitizenId>,
    address: IpAddr,
) -> Result<(), jiyue_db::DbError> {
    for key in counters(limit, account, address) {
        db.hit_rate(&key, limit.window).await?;
    }
    Ok(())
}

/// Makes a new challenge for a form.
pub(crate) fn issue(services: &CitizenServices, words: &Words<'_>, now: i64) -> ChallengeView {
    let nonce = jiyue_auth::new_token();
    let digits = nonce.as_bytes();
    let a = 2 + u32::from(digits[0] % 8);
    let b = 1 + u32::from(digits[1] % 9);
    let payload = format!("{}.{a}.{b}.{}", now + SEED_SECONDS, &nonce[..16]);
    let mac = services
        .cipher
        .index(Field::FormToken, &format!("challenge:{payload}"));
    let seed = format!("{payload}.{}", &mac[..32]);
    let (a_text, b_text) = (a.to_string(), b.to_string());
    ChallengeView {
        seed,
        bits: WORK_BITS,
        label: words.with("challenge-question", &[("a", &a_text), ("b", &b_text)]),
        hint: words.t("challenge-hint"),
    }
}

/// Checks an answer to a challenge; a seed works once.
pub(crate) async fn solved(
    services: &CitizenServices,
    db: &Db,
    seed: &str,
    answer: &str,
    now: i64,
) -> Result<bool, jiyue_db::DbError> {
    let Some((payload, mac)) = seed.rsplit_once('.') else {
        return Ok(false);
    };
    let expected = services
        .cipher
        .index(Field::FormToken, &format!("challenge:{payload}"));
    if expected.get(..32) != Some(mac) {
        return Ok(false);
    }
    let parts: Vec<&str> = payload.split('.').collect();
    let [expires, a, b, nonce] = parts.as_slice() else {
        return Ok(false);
    };
    let (Ok(expires), Ok(a), Ok(b)) = (expires.parse::<i64>(), a.parse::<u32>(), b.parse::<u32>())
    else {
        return Ok(false);
    };
    if expires < now {
        return Ok(false);
    }
    let answer = answer.trim();
    let right = match answer.strip_prefix("pow:") {
        Some(counter) => zero_bits(&Sha256::digest(format!("{seed}:{counter}"))) >= WORK_BITS,
        None => answer.parse::<u32>().is_ok_and(|sum| sum == a + b),
    };
    if !right {
        return Ok(false);
    }
    let uses = db
        .hit_rate(&format!("challenge:{nonce}"), chrono::Duration::hours(1))
        .await?;
    Ok(uses == 1)
}

fn zero_bits(digest: &[u8]) -> u32 {
    let mut bits = 0;
    for byte in digest {
        if *byte == 0 {
            bits += 8;
        } else {
            return bits + byte.leading_zeros();
        }
    }
    bits
}

/// Solves a challenge the way the page script does; tests use it as a browser would.
pub fn solve_work(seed: &str) -> String {
    let mut counter: u64 = 0;
    loop {
        if zero_bits(&Sha256::digest(format!("{seed}:{counter}"))) >= WORK_BITS {
            return format!("pow:{counter}");
        }
        counter += 1;
    }
}
