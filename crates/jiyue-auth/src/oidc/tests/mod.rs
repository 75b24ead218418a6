//! Tests of the OpenID Connect primitives: cross-checks with Python, every rejection path, and
//! property tests of the token parser.

mod claims;
mod jws;
mod protocol;
mod python;

use serde_json::json;

use super::*;

const ISSUER: &str = "https://id.example.gov.cn";
const CLIENT_ID: &str = "portal";
const NOW: i64 = 1_800_000_000;

/// Returns ID token claims that pass [`expected`] at [`NOW`].
fn valid_claims() -> serde_json::Value {
    json!({
        "iss": ISSUER,
        "sub": "staff-42",
        "aud": CLIENT_ID,
        "exp": NOW + 300,
        "iat": NOW - 10,
        "nonce": "n-0S6_WzA2Mj",
        "amr": ["pwd", "otp"],
    })
}

fn expected() -> Expected<'static> {
    Expected {
        issuer: ISSUER,
        client_id: CLIENT_ID,
        nonce: Some("n-0S6_WzA2Mj"),
        now: NOW,
        leeway_secs: 60,
    }
}
