//! Checks of the values citizens type into case forms, with messages in the site's language
//! that name the value and the fix.

use chrono::NaiveDate;

use super::super::view::Words;

/// Weights of the first 17 digits of a mainland identity number (GB 11643-1999).
const IDENTITY_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check characters for the weighted sum modulo 11.
const IDENTITY_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Trims a required text and checks it has 1 to `max` characters; `label` names the field.
pub(super) fn required<'a>(
    words: &Words<'_>,
    label: &str,
    text: &'a str,
    max: usize,
) -> Result<&'a str, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(words.with("case-field-missing", &[("field", label)]));
    }
    optional(words, label, text, max)
}

/// Trims an optional text and checks it has at most `max` characters.
pub(super) fn optional<'a>(
    words: &Words<'_>,
    label: &str,
    text: &'a str,
    max: usize,
) -> Result<&'a str, String> {
    let text = text.trim();
    let count = text.chars().count();
    if count > max {
        return Err(words.with(
            "case-field-long",
            &[
                ("field", label),
                ("count", &count.to_string()),
                ("max", &max.to_string()),
            ],
        ));
    }
    Ok(text)
}

/// Returns true when `number` is a valid 18-character mainland identity number: a region
/// code, a real birth date no later than `today`, a sequence number and the right check
/// character (`X` in either case).
pub(crate) fn identity_number_valid(number: &str, today: NaiveDate) -> bool {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return false;
    }
    if chars[0] == '0' {
        return false;
    }
    let birth: String = chars[6..14].iter().collect();
    let born = NaiveDate::parse_from_str(&birth, "%Y%m%d");
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1);
    if !born.is_ok_and(|born| Some(born) >= earliest && born <= today) {
        return false;
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(IDENTITY_WEIGHTS)
        .map(|(digit, weight)| digit.to_digit(10).unwrap_or(0) * weight)
        .sum();
    let expected = IDENTITY_CHECK[(sum % 11) as usize];
    chars[17].to_ascii_uppercase() == expected
}

/// Normalizes an identity number (trimmed, `x` uppercased) or explains what is wrong.
pub(super) fn identity_number(
    words: &Words<'_>,
    text: &str,
    today: NaiveDate,
) -> Result<String, String> {
    let number = text.trim().to_ascii_uppercase();
    if number.is_empty() {
        return Err(words.with(
            "case-field-missing",
            &[("field", &words.t("field-id-number"))],
        ));
    }
    if identity_number_valid(&number, today) {
        Ok(number)
    } else {
        Err(words.with("id-number-invalid", &[("value", text.trim())]))
    }
}

/// Checks the address of a reported page: an `http` or `https` URL, or a path on the site
/// that `base_url` completes. Returns the absolute URL.
pub(super) fn page_address(
    words: &Words<'_>,
    text: &str,
    base_url: &str,
) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(words.with(
            "case-field-missing",
            &[("field", &words.t("field-page-url"))],
        ));
    }
    let absolute = if text.starts_with('/') && !text.starts_with("//") {
        format!("{base_url}{text}")
    } else {
        text.to_string()
    };
    let valid = absolute.chars().count() <= 2000
        && !absolute
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
        && reqwest::Url::parse(&absolute)
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
    if valid {
        Ok(absolute)
    } else {
        Err(words.with("page-url-invalid", &[("value", text)]))
    }
}

/// Returns the first characters of `text` up to `max`, with `…` when it was cut, as the
/// subject of a case whose form has no subject field.
pub(super) fn subject_from(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(text)
        .trim();
    if line.chars().count() <= max {
        line.to_string()
    } else {
        let mut cut: String = line.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
    }

    #[test]
    fn identity_numbers_checked() {
        // Weighted sum of 11010519491231002 is 167; 167 mod 11 = 2, so the check is X.
        assert!(identity_number_valid("11010519491231002X", today()));
        assert!(identity_number_valid("11010519491231002x", today()));
        assert!(identity_number_valid("220102198001011234", today()));
        assert!(!identity_number_valid("110105194912310021", today()));
        assert!(!identity_number_valid("11010519491231002", today()));
        assert!(!identity_number_valid("010105194912310021", today()));
        assert!(!identity_number_valid("110105194913310024", today()));
        assert!(!identity_number_valid("110105203001010010", today()));
        assert!(!identity_number_valid("11010519491231002Ⅹ", today()));
    }

    #[test]
    fn subjects_cut_at_max() {
        assert_eq!(subject_from("短标题", 10), "短标题");
        assert_eq!(subject_from("\n  第二行开始\n其余", 10), "第二行开始");
        assert_eq!(
            subject_from("一二三四五六七八九十十一", 10),
            "一二三四五六七八九…"
        );
    }
}
