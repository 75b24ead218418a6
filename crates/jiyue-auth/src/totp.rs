//! Time-based one-time passwords (RFC 6238) with HMAC-SHA-1, 30-second steps and 6 digits,
//! including the replay check against the last step used.

use std::fmt;

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rand_core::{OsRng, RngCore};
use sha1::Sha1;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::error::AuthError;

/// Length in seconds of one time step.
pub const STEP_SECONDS: i64 = 30;

/// Number of digits in a code.
pub const DIGITS: usize = 6;

/// Number of random bytes in a generated secret (160 bits, the length RFC 4226 recommends).
const GENERATED_SECRET_BYTES: usize = 20;

/// Shortest accepted secret: RFC 4226 section 4 requires at least 128 bits.
const MIN_SECRET_BYTES: usize = 16;

/// Characters left unencoded in otpauth URI labels and parameters: RFC 3986 unreserved.
const URI_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A shared TOTP secret. `Debug` never prints the bytes, and they are zeroed on drop.
#[derive(Clone)]
pub struct TotpSecret(Vec<u8>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl Drop for TotpSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl TotpSecret {
    /// Generates a secret of 20 random bytes from the operating system.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; GENERATED_SECRET_BYTES];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Decodes RFC 4648 base32 text, ignoring case, spaces and `=` padding. The secret must
    /// decode to at least 16 bytes.
    pub fn from_base32(text: &str) -> Result<Self, AuthError> {
        let mut cleaned: String = text
            .chars()
            .filter(|ch| !ch.is_whitespace() && *ch != '=')
            .map(|ch| ch.to_ascii_uppercase())
            .collect();

        let decoded = BASE32_NOPAD.decode(cleaned.as_bytes());
        cleaned.zeroize();
        let bytes = decoded.map_err(|err| {
            AuthError::Base32(format!(
                "{err}; enter the secret as shown by the enrollment page (letters A-Z and digits 2-7)"
            ))
        })?;

        if bytes.len() < MIN_SECRET_BYTES {
            let found = bytes.len();
            return Err(AuthError::Base32(format!(
                "secret has {found} bytes but at least {MIN_SECRET_BYTES} are required; \
                 enroll again to get a new secret"
            )));
        }
        Ok(Self(bytes))
    }

    /// Encodes the secret as upper-case RFC 4648 base32 without padding.
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// Builds the `otpauth://totp/` URI that authenticator apps read from a QR code, with the
    /// issuer and account percent-encoded.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let issuer = utf8_percent_encode(issuer, URI_ESCAPE).to_string();
        let account = utf8_percent_encode(account, URI_ESCAPE);
        let secret = self.to_base32();
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
             &algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
        )
    }
}

/// Returns the time step that contains `at`: Unix seconds divided by 30, and 0 before 1970.
pub fn totp_step(at: DateTime<Utc>) -> i64 {
    at.timestamp().max(0) / STEP_SECONDS
}

/// Computes the 6-digit code, zero-padded, of `secret` at time step `step` (RFC 4226 dynamic
/// truncation). A negative step is treated as step 0.
pub fn totp_code(secret: &TotpSecret, step: i64) -> String {
    let counter = u64::try_from(step).unwrap_or(0);

    // HMAC accepts keys of any length, so the fallback is unreachable. Its empty code would
    // match no input.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&secret.0) else {
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();

    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", binary % 1_000_000)
}

/// Verifies `code` against the steps before, at and after the step of `at`, comparing in
/// constant time. Returns the matched step, or `None` when the code is not exactly six ASCII
/// digits after trimming spaces, matches no step, or matches only steps at or before
/// `last_used_step` (a replay).
pub fn verify_totp(
    secret: &TotpSecret,
    code: &str,
    at: DateTime<Utc>,
    last_used_step: Option<i64>,
) -> Option<i64> {
    // Authenticator apps show the code in groups ("917 097"), and people type it that way.
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }

    let current = totp_step(at);
    let mut accepted = None;
    // All three candidates are computed and compared so that timing does not reveal which
    // step matched.
    for step in [current - 1, current, current + 1] {
        if step < 0 {
            continue;
        }
        let matches = bool::from(totp_code(secret, step).as_bytes().ct_eq(code.as_bytes()));
        let fresh = last_used_step.is_none_or(|last| step > last);
        if matches && fresh && accepted.is_none() {
            accepted = Some(step);
        }
    }
    accepted
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// Base32 of the ASCII secret "12345678901234567890" from RFC 6238 appendix B.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).unwrap()
    }

    #[test]
    fn rfc6238_sha1_vectors() {
        let secret = TotpSecret::from_base32(RFC_SECRET).unwrap();
        // RFC 6238 appendix B, SHA-1 column. The 6-digit code is the last 6 of the 8 digits.
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (seconds, eight_digits) in vectors {
            let code = totp_code(&secret, totp_step(at(seconds)));
            assert_eq!(code, eight_digits[2..], "time {seconds}");
        }
    }

    #[test]
    fn step_is_clamped_and_divided() {
        assert_eq!(totp_step(at(-100)), 0);
        assert_eq!(totp_step(at(0)), 0);
        assert_eq!(totp_step(at(29)), 0);
        assert_eq!(totp_step(at(30)), 1);
        assert_eq!(totp_step(at(1_111_111_109)), 0x023523EC);
    }

    #[test]
    fn verify_accepts_window() {
        let secret = TotpSecret::generate();
        let now = at(1_700_000_000);
        let step = totp_step(now);

        for offset in [-1, 0, 1] {
            let code = totp_code(&secret, step + offset);
            assert_eq!(
                verify_totp(&secret, &code, now, None),
                Some(step + offset),
                "{offset}"
            );
        }
        for offset in [-3, -2, 2, 3] {
            let code = totp_code(&secret, step + offset);
            assert_eq!(verify_totp(&secret, &code, now, None), None, "{offset}");
        }
    }

    #[test]
    fn verify_rejects_replay() {
        let secret = TotpSecret::generate();
        let now = at(1_700_000_000);
        let step = totp_step(now);
        let code = totp_code(&secret, step);

        let used = verify_totp(&secret, &code, now, None).unwrap();
        assert_eq!(verify_totp(&secret, &code, now, Some(used)), None);
        assert_eq!(verify_totp(&secret, &code, now, Some(step + 1)), None);
        assert_eq!(verify_totp(&secret, &code, now, Some(step - 1)), Some(step));

        let next = totp_code(&secret, step + 1);
        assert_eq!(verify_totp(&secret, &next, now, Some(used)), Some(step + 1));
    }

    #[test]
    fn verify_rejects_bad_input() {
        let secret = TotpSecret::generate();
        let now = at(1_700_000_000);
        let code = totp_code(&secret, totp_step(now));

        assert_eq!(
            verify_totp(&secret, &format!("  {code} "), now, None),
            Some(totp_step(now))
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "12345a",
            "12 345",
            "１２３４５６",
            "-12345",
        ] {
            assert_eq!(verify_totp(&secret, bad, now, None), None, "{bad:?}");
        }
        assert_eq!(verify_totp(&secret, &format!("{code}0"), now, None), None);
    }

    #[test]
    fn verify_at_epoch_skips_negative_step() {
        let secret = TotpSecret::from_base32(RFC_SECRET).unwrap();
        let code = totp_code(&secret, 0);

        assert_eq!(verify_totp(&secret, &code, at(0), None), Some(0));
    }

    #[test]
    fn base32_round_trip_and_leniency() {
        let secret = TotpSecret::generate();
        let text = secret.to_base32();
        assert_eq!(text.len(), 32);
        assert!(!text.contains('='));

        let spaced: String =
            text.to_lowercase()
                .chars()
                .enumerate()
                .fold(String::new(), |mut acc, (i, ch)| {
                    if i % 4 == 0 {
                        acc.push(' ');
                    }
                    acc.push(ch);
                    acc
                });
        let back = TotpSecret::from_base32(&spaced).unwrap();
        assert_eq!(back.to_base32(), text);

        // 16 bytes encode to 26 characters, padded to 32 with '='.
        let padded = format!("{}======", BASE32_NOPAD.encode(&[7u8; 16]));
        assert_eq!(TotpSecret::from_base32(&padded).unwrap().0, vec![7u8; 16]);
    }

    #[test]
    fn base32_rejects_bad_text() {
        assert!(matches!(
            TotpSecret::from_base32("not base32!"),
            Err(AuthError::Base32(_))
        ));
        assert!(matches!(
            TotpSecret::from_base32(""),
            Err(AuthError::Base32(_))
        ));
        // "JBSWY3DPEHPK3PXP" decodes to 10 bytes, below the 16-byte minimum.
        let short = TotpSecret::from_base32("JBSWY3DPEHPK3PXP").unwrap_err();
        assert!(short.to_string().contains("10 bytes"), "{short}");
    }

    #[test]
    fn debug_hides_secret() {
        let secret = TotpSecret::from_base32(RFC_SECRET).unwrap();

        assert_eq!(format!("{secret:?}"), "TotpSecret(..)");
    }

    #[test]
    fn otpauth_uri_encodes_labels() {
        let secret = TotpSecret::from_base32(RFC_SECRET).unwrap();
        let uri = secret.otpauth_uri("省 政务", "li.si@example.gov.cn");

        assert_eq!(
            uri,
            "otpauth://totp/%E7%9C%81%20%E6%94%BF%E5%8A%A1:li.si%40example.gov.cn\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E7%9C%81%20%E6%94%BF%E5%8A%A1\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn grouped_codes_are_accepted() {
        let secret = TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        let at = chrono::DateTime::from_timestamp(59, 0).unwrap();
        let code = totp_code(&secret, totp_step(at));
        let grouped = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(
            verify_totp(&secret, &grouped, at, None),
            Some(totp_step(at))
        );
    }
}
