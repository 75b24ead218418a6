//! Unified social credit codes (统一社会信用代码, GB 32100-2015).
//!
//! A code has 18 characters from a 31-symbol alphabet without I, O, S, V and Z:
//!
//! - 1: the registration authority; 2: the kind of body within that authority;
//! - 3 to 8: a six-digit division code;
//! - 9 to 17: the GB 11714 organization code, whose ninth character is its own check;
//! - 18: the check character over the first 17.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CodeError;

/// The GB 32100 alphabet; a character's value is its index.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1 to 17 for the GB 32100 check character: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the first eight characters of a GB 11714 organization code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Registration authorities (character 1) and the kinds (character 2) each may issue.
///
/// NOTE: written from the tables of GB 32100-2015 as recalled, plus the later authorities
/// `A` (military units) and `N` (rural collective economic organizations). A code issued under
/// an authority or kind added since then is rejected until it is listed here.
const AUTHORITIES: [(char, &str); 12] = [
    ('1', "1239"),   // 机构编制: 机关, 事业单位, 群众团体, 其他
    ('2', "19"),     // 外交: 外国常驻新闻机构, 其他
    ('3', "123459"), // 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    ('4', "19"),     // 文化: 外国在华文化中心, 其他
    ('5', "1239"),   // 民政: 社会团体, 民办非企业单位, 基金会, 其他
    ('6', "129"),    // 旅游: 外国和港澳台旅游部门常驻代表机构, 其他
    ('7', "129"),    // 宗教: 宗教活动场所, 宗教院校, 其他
    ('8', "19"),     // 工会: 基层工会, 其他
    ('9', "123"),    // 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    ('A', "19"),     // 中央军委改革和编制办公室: 军队事业单位, 其他
    ('N', "1239"),   // 农业农村: 组级, 村级, 乡镇级集体经济组织, 其他
    ('Y', "1"),      // 其他登记管理部门
];

/// An 18-character unified social credit code whose check character is correct.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code, uppercasing it first and checking every part and both check characters.
    pub fn parse(text: &str) -> Result<CreditCode, CodeError> {
        let code = text.trim().to_ascii_uppercase();
        let fail = |reason: String| CodeError::CreditCode {
            value: text.to_owned(),
            reason,
        };

        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(fail(format!(
                "must be 18 characters, found {}",
                chars.len()
            )));
        }
        if let Some((index, bad)) = chars
            .iter()
            .enumerate()
            .find(|(_, c)| value_of(**c).is_none())
        {
            return Err(fail(format!(
                "character {} \"{bad}\" is not allowed; use digits and the letters \
                 ABCDEFGHJKLMNPQRTUWXY (no I, O, S, V or Z)",
                index + 1
            )));
        }
        check_authority(chars[0], chars[1]).map_err(fail)?;

        let division = &code[2..8];
        if !crate::division::is_six_digits(division) {
            return Err(fail(format!(
                "characters 3 to 8 \"{division}\" must be the six digits of a division code"
            )));
        }
        check_org_code(&code[8..17]).map_err(fail)?;

        let expected = compute_check_char(&code[..17]);
        if expected != Some(chars[17]) {
            let expected = expected.map(String::from).unwrap_or_default();
            return Err(fail(format!("check character should be \"{expected}\"")));
        }
        Ok(CreditCode(code))
    }

    /// Returns the code as 18 uppercase characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the nine-character organization code (characters 9 to 17), the first part of
    /// the organization's index numbers.
    pub fn org_code(&self) -> &str {
        &self.0[8..17]
    }

    /// Returns the six-digit division code (characters 3 to 8). It need not be a current
    /// division: central bodies use `100000` and older codes keep retired divisions.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

/// Returns the value of a character in the GB 32100 alphabet.
fn value_of(c: char) -> Option<u32> {
    ALPHABET.find(c).and_then(|index| u32::try_from(index).ok())
}

/// Checks the registration authority and the kind of body.
fn check_authority(authority: char, kind: char) -> Result<(), String> {
    let Some((_, kinds)) = AUTHORITIES.iter().find(|(code, _)| *code == authority) else {
        return Err(format!(
            "registration authority \"{authority}\" (character 1) is unknown; \
             use one of 1 to 9, A, N or Y"
        ));
    };
    if !kinds.contains(kind) {
        let allowed: Vec<String> = kinds.chars().map(String::from).collect();
        return Err(format!(
            "kind \"{kind}\" (character 2) is not defined for registration authority \
             \"{authority}\"; use one of {}",
            allowed.join(", ")
        ));
    }
    Ok(())
}

/// Checks the GB 11714 check character (the ninth) of an organization code.
fn check_org_code(org: &str) -> Result<(), String> {
    let expected = compute_org_check_char(&org[..8]);
    let actual = org.chars().nth(8);
    if expected.is_none() || expected != actual {
        let expected = expected.map(String::from).unwrap_or_default();
        return Err(format!(
            "organization code \"{org}\" (characters 9 to 17) should end with check character \
             \"{expected}\""
        ));
    }
    Ok(())
}

/// Computes the GB 11714 check character of the first eight characters of an organization
/// code: 11 minus the weighted sum mod 11, where 10 is `X` and 11 is `0`. Letters count
/// A = 10 to Z = 35. Returns `None` unless given eight digits or uppercase letters.
pub fn compute_org_check_char(first8: &str) -> Option<char> {
    if first8.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, weight) in first8.chars().zip(ORG_WEIGHTS) {
        let value = match c {
            '0'..='9' | 'A'..='Z' => c.to_digit(36)?,
            _ => return None,
        };
        sum += value * weight;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        digit => char::from_digit(digit, 10),
    }
}

/// Computes the GB 32100 check character of the first 17 characters of a code: 31 minus the
/// weighted sum mod 31, where 31 maps to `0`. Returns `None` unless given 17 characters of
/// the alphabet (uppercase). Demo data uses it to make format-valid codes.
pub fn compute_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, weight) in first17.chars().zip(WEIGHTS) {
        sum += value_of(c)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(usize::try_from(check).ok()?)
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> Self {
        code.0
    }
}

impl std::str::FromStr for CreditCode {
    type Err = CodeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
#[path = "credit_code_tests.rs"]
mod tests;
