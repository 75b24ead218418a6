//! Site codes (网站标识码): a 6-digit division code plus 4 digits, or `bm` plus 8 digits.
//!
//! Local government sites carry the code of their division (`2200000001` for a site of
//! 吉林省); sites of central departments carry `bm` and eight digits.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::division::{self, is_six_digits};
use crate::CodeError;

/// A 10-character site code whose division exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteCode(String);

impl SiteCode {
    /// Parses a site code. Surrounding spaces are ignored and a `BM` prefix is lowercased.
    pub fn parse(text: &str) -> Result<SiteCode, CodeError> {
        let trimmed = text.trim();
        let fail = |reason: String| CodeError::SiteCode {
            value: text.to_owned(),
            reason,
        };

        if !trimmed.is_ascii() || trimmed.len() != 10 {
            return Err(fail(format!(
                "must be 10 characters (a 6-digit division code and 4 digits, or \"bm\" and \
                 8 digits), found {}",
                trimmed.chars().count()
            )));
        }

        let (head, tail) = trimmed.split_at(2);
        if head.eq_ignore_ascii_case("bm") {
            if !tail.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(fail(format!("\"{tail}\" after \"bm\" must be 8 digits")));
            }
            return Ok(SiteCode(format!("bm{tail}")));
        }

        let (division_code, serial) = trimmed.split_at(6);
        if !is_six_digits(division_code) || !serial.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(fail(
                "must be 10 digits, or \"bm\" followed by 8 digits".to_owned(),
            ));
        }
        if division::get(division_code).is_none() {
            return Err(fail(format!(
                "division code \"{division_code}\" (the first 6 digits) is not in GB/T 2260; \
                 use the code of the site's province, city or county"
            )));
        }
        Ok(SiteCode(trimmed.to_owned()))
    }

    /// Returns the code as 10 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the six-digit division code of a local site; `None` for a `bm` code.
    pub fn division_code(&self) -> Option<&str> {
        if self.is_central() {
            None
        } else {
            Some(&self.0[..6])
        }
    }

    /// Returns whether this is the `bm` code of a central department.
    pub fn is_central(&self) -> bool {
        self.0.starts_with("bm")
    }
}

impl fmt::Display for SiteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for SiteCode {
    type Error = CodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<SiteCode> for String {
    fn from(code: SiteCode) -> Self {
        code.0
    }
}

impl std::str::FromStr for SiteCode {
    type Err = CodeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reason(text: &str) -> String {
        SiteCode::parse(text).unwrap_err().reason().to_owned()
    }

    #[test]
    fn local_code_parses() {
        let code = SiteCode::parse("2200000001").unwrap();
        assert_eq!(code.as_str(), "2200000001");
        assert_eq!(code.division_code(), Some("220000"));
        assert!(!code.is_central());
        assert_eq!(code.to_string(), "2200000001");
    }

    #[test]
    fn county_code_parses() {
        let code = SiteCode::parse(" 2201020003 ").unwrap();
        assert_eq!(code.division_code(), Some("220102"));
    }

    #[test]
    fn central_code_parses() {
        let code = SiteCode::parse("BM12345678").unwrap();
        assert_eq!(code.as_str(), "bm12345678");
        assert_eq!(code.division_code(), None);
        assert!(code.is_central());
        assert_eq!(String::from(code), "bm12345678");
    }

    #[test]
    fn unknown_division_is_rejected() {
        assert!(reason("9999990001").starts_with("division code \"999999\""));
        assert!(reason("2200010001").starts_with("division code \"220001\""));
    }

    #[test]
    fn wrong_shapes_are_rejected() {
        assert!(reason("220000001").starts_with("must be 10 characters"));
        assert!(reason("22000000011").starts_with("must be 10 characters"));
        assert!(reason("").starts_with("must be 10 characters"));
        assert!(reason("吉林00000001").starts_with("must be 10 characters"));
        assert_eq!(
            reason("220000000A"),
            "must be 10 digits, or \"bm\" followed by 8 digits"
        );
        assert_eq!(
            reason("bm1234567x"),
            "\"1234567x\" after \"bm\" must be 8 digits"
        );
        assert_eq!(
            reason("bx12345678"),
            "must be 10 digits, or \"bm\" followed by 8 digits"
        );
    }

    #[test]
    fn error_names_value() {
        let error = SiteCode::parse("9999990001").unwrap_err();
        assert!(error
            .to_string()
            .starts_with("invalid site code \"9999990001\": "));
    }

    #[test]
    fn serde_validates() {
        let code: SiteCode = serde_json::from_str("\"2201000002\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"2201000002\"");
        assert!(serde_json::from_str::<SiteCode>("\"0000000000\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = SiteCode::parse(&text);
        }

        #[test]
        fn formatted_codes_round_trip(index in 0usize..3348, serial in 0u32..10_000) {
            let division = &division::all()[index];
            let text = format!("{}{serial:04}", division.code);
            let code = SiteCode::parse(&text).unwrap();
            prop_assert_eq!(code.division_code(), Some(division.code.as_str()));
            prop_assert_eq!(SiteCode::parse(&code.to_string()).unwrap(), code);
        }

        #[test]
        fn central_codes_round_trip(digits in "[0-9]{8}") {
            let code = SiteCode::parse(&format!("bm{digits}")).unwrap();
            prop_assert_eq!(SiteCode::parse(code.as_str()).unwrap(), code);
        }
    }
}
