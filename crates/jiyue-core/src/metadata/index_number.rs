//! Index numbers (索引号): `<organization code>/<YYYY>-<NNNNN>`, such as
//! `11410000X/2024-00012`.

use std::fmt;

use super::IndexNumber;
use crate::{CodeError, CreditCode};

/// Maximum length of the organization part; imported numbers use codes longer than nine.
const MAX_PREFIX_LEN: usize = 20;

/// Minimum number of digits of the serial.
const MIN_SERIAL_DIGITS: usize = 5;

impl IndexNumber {
    /// Parses an index number: 1 to 20 characters of `0-9`, `A-Z` and `-`, a slash, a
    /// four-digit year, a hyphen and a serial of at least five digits.
    pub fn parse(text: &str) -> Result<IndexNumber, CodeError> {
        let fail = |reason: String| CodeError::IndexNumber {
            value: text.to_owned(),
            reason,
        };
        let trimmed = text.trim();

        let Some((prefix, rest)) = trimmed.split_once('/') else {
            return Err(fail(
                "must have the form <organization code>/<YYYY>-<NNNNN>, such as \
                 11410000X/2024-00012"
                    .to_owned(),
            ));
        };
        check_prefix(prefix).map_err(&fail)?;

        let Some((year, serial)) = rest.split_once('-') else {
            return Err(fail(format!(
                "\"{rest}\" after the slash must be <YYYY>-<NNNNN>, such as 2024-00012"
            )));
        };
        if year.len() != 4 || !year.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(fail(format!("year \"{year}\" must be four digits")));
        }
        if serial.len() < MIN_SERIAL_DIGITS || !serial.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(fail(format!(
                "serial \"{serial}\" must be at least {MIN_SERIAL_DIGITS} digits; pad it with \
                 leading zeros"
            )));
        }
        Ok(IndexNumber(trimmed.to_owned()))
    }

    /// Formats an index number as `{org_code}/{year}-{serial:05}`.
    ///
    /// NOTE: the parts are not checked. An `org_code` outside `[0-9A-Z-]{1,20}` or a year
    /// outside 1000 to 9999 gives a number that `parse` rejects, so pass the organization code
    /// of a `CreditCode` and a calendar year.
    pub fn new(org_code: &str, year: i32, serial: u32) -> IndexNumber {
        IndexNumber(format!("{org_code}/{year}-{serial:05}"))
    }

    /// Formats the default index number of an organization: its nine-character organization
    /// code, the year of first publication and a serial.
    pub fn for_organization(credit_code: &CreditCode, year: i32, serial: u32) -> IndexNumber {
        Self::new(credit_code.org_code(), year, serial)
    }

    /// Returns the number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the organization part, before the slash.
    pub fn org_part(&self) -> &str {
        self.0
            .split_once('/')
            .map_or(self.0.as_str(), |(prefix, _)| prefix)
    }
}

/// Checks the organization part of an index number.
fn check_prefix(prefix: &str) -> Result<(), String> {
    let len = prefix.chars().count();
    if len == 0 || len > MAX_PREFIX_LEN {
        return Err(format!(
            "organization code \"{prefix}\" must be 1 to {MAX_PREFIX_LEN} characters, found {len}"
        ));
    }
    let allowed = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-';
    if let Some(bad) = prefix.chars().find(|&c| !allowed(c)) {
        return Err(format!(
            "organization code \"{prefix}\" contains \"{bad}\"; use only 0-9, A-Z and -"
        ));
    }
    Ok(())
}

impl fmt::Display for IndexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IndexNumber {
    type Error = CodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<IndexNumber> for String {
    fn from(number: IndexNumber) -> Self {
        number.0
    }
}

impl std::str::FromStr for IndexNumber {
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
        IndexNumber::parse(text).unwrap_err().reason().to_owned()
    }

    #[test]
    fn new_pads_serial() {
        let number = IndexNumber::new("192203821", 2024, 12);
        assert_eq!(number.as_str(), "192203821/2024-00012");
        assert_eq!(number.org_part(), "192203821");
        assert_eq!(IndexNumber::parse(number.as_str()).unwrap(), number);
    }

    #[test]
    fn new_keeps_long_serials() {
        assert_eq!(
            IndexNumber::new("A", 2024, 1_234_567).as_str(),
            "A/2024-1234567"
        );
    }

    #[test]
    fn for_organization_uses_org_code() {
        let code = CreditCode::parse("914403001922038216").unwrap();
        let number = IndexNumber::for_organization(&code, 2019, 3);
        assert_eq!(number.to_string(), "192203821/2019-00003");
    }

    #[test]
    fn imported_forms_parse() {
        for text in [
            "11410000X/2024-00012",
            "000014349/2018-00123",
            "JL-ST-01/2020-000001",
        ] {
            assert_eq!(IndexNumber::parse(text).unwrap().as_str(), text);
        }
    }

    #[test]
    fn missing_parts_are_rejected() {
        assert!(reason("11410000X-2024-00012").starts_with("must have the form"));
        assert!(reason("").starts_with("must have the form"));
        assert!(reason("11410000X/202400012").starts_with("\"202400012\" after the slash"));
        assert!(reason("/2024-00012").starts_with("organization code \"\" must be 1 to 20"));
    }

    #[test]
    fn bad_parts_are_rejected() {
        assert_eq!(
            reason("11410000X/24-00012"),
            "year \"24\" must be four digits"
        );
        assert!(reason("11410000X/2024-0012").starts_with("serial \"0012\" must be at least 5"));
        assert!(reason("11410000X/2024-0001a").starts_with("serial \"0001a\""));
        assert!(reason("11410000x/2024-00012").contains("contains \"x\""));
        assert!(reason("吉林/2024-00012").contains("contains \"吉\""));
        assert!(reason("123456789012345678901/2024-00012").contains("found 21"));
    }

    #[test]
    fn error_names_value() {
        let error = IndexNumber::parse("bad").unwrap_err();
        assert!(error
            .to_string()
            .starts_with("invalid index number \"bad\": "));
    }

    #[test]
    fn serde_validates() {
        let number: IndexNumber = serde_json::from_str("\"11410000X/2024-00012\"").unwrap();
        assert_eq!(
            serde_json::to_string(&number).unwrap(),
            "\"11410000X/2024-00012\""
        );
        assert!(serde_json::from_str::<IndexNumber>("\"11410000X/2024-1\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = IndexNumber::parse(&text);
        }

        #[test]
        fn formatted_numbers_round_trip(
            org in "[0-9A-Z-]{1,20}",
            year in 1000i32..=9999,
            serial in any::<u32>(),
        ) {
            let number = IndexNumber::new(&org, year, serial);
            let parsed = IndexNumber::parse(number.as_str()).unwrap();
            prop_assert_eq!(parsed.org_part(), org.as_str());
            prop_assert_eq!(parsed, number);
        }
    }
}
