//! Validation of item metadata. Each rule adds a `FieldError` naming the field, the value and
//! the fix, and all rules run, so an editor or an import gets every problem at once.

use chrono::Datelike;

use crate::clock::to_china;

use super::{vocabulary, FieldError, ItemMeta, Validity};

/// Maximum length of a title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Maximum length of a summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 500;

/// Maximum number of keywords of one item.
pub const MAX_KEYWORDS: usize = 20;

/// Maximum length of one keyword, in characters.
pub const MAX_KEYWORD_CHARS: usize = 20;

/// Bracket pairs accepted around the year of a document number: the 六角括号 that the document
/// format standard GB/T 9704 prescribes, and square and round brackets (ASCII and full-width),
/// which many published documents use instead.
const YEAR_BRACKETS: [(char, char); 5] = [
    ('〔', '〕'),
    ('[', ']'),
    ('［', '］'),
    ('(', ')'),
    ('（', '）'),
];

/// Years a written or publication date may fall in. Older dates are typing mistakes (an
/// index number and an item path both need a four-digit year), and so are far later ones.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

fn check_year(field: &'static str, year: i32, errors: &mut Vec<FieldError>) {
    if !YEARS.contains(&year) {
        errors.push(FieldError::new(
            field,
            format!(
                "year {year} is outside {} to {}; correct the date",
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
}

impl FieldError {
    /// Creates an error for `field` with a message naming the value and the fix.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl ItemMeta {
    /// Checks every metadata rule and returns the errors found, empty when the metadata is
    /// valid. Fields that are absent are not checked, except the title and language, which
    /// every item needs.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_title(&self.title, &mut errors);
        check_lang(&self.lang, &mut errors);
        if let Some(number) = &self.document_number {
            check_document_number(number, &mut errors);
        }
        self.check_dates(&mut errors);
        self.check_codes(&mut errors);
        check_keywords(&self.keywords, &mut errors);
        if let Some(service) = &self.service {
            errors.extend(service.validate());
        }
        if let Some(summary) = &self.summary {
            let len = summary.chars().count();
            if len > MAX_SUMMARY_CHARS {
                errors.push(FieldError::new(
                    "summary",
                    format!("summary has {len} characters; shorten it to {MAX_SUMMARY_CHARS}"),
                ));
            }
        }
        self.check_validity(&mut errors);
        errors
    }

    fn check_dates(&self, errors: &mut Vec<FieldError>) {
        if let Some(written) = self.written_date {
            check_year("written_date", written.year(), errors);
        }
        if let Some(published) = self.published_at {
            check_year("published_at", to_china(published).year(), errors);
        }
        let (Some(written), Some(published)) = (self.written_date, self.published_at) else {
            return;
        };
        let published_date = to_china(published).date_naive();
        if written > published_date {
            errors.push(FieldError::new(
                "written_date",
                format!(
                    "written date {written} is after the publication date {published_date}; \
                     correct one of them"
                ),
            ));
        }
    }

    fn check_codes(&self, errors: &mut Vec<FieldError>) {
        if let Some(code) = &self.subject {
            check_code("subject", code, vocabulary::subject(code), errors);
        }
        if let Some(code) = &self.genre {
            check_code("genre", code, vocabulary::genre(code), errors);
        }
        for code in &self.audience {
            check_code("audience", code, vocabulary::audience(code), errors);
        }
    }

    fn check_validity(&self, errors: &mut Vec<FieldError>) {
        let needs_successor = matches!(self.validity, Validity::Repealed | Validity::Amended);
        if needs_successor && self.superseded_by.iter().all(|id| id.trim().is_empty()) {
            errors.push(FieldError::new(
                "superseded_by",
                format!(
                    "validity is {} but no document that {} it is given; add its id to \
                     superseded_by",
                    self.validity.name_zh(),
                    if self.validity == Validity::Repealed {
                        "repeals"
                    } else {
                        "amends"
                    },
                ),
            ));
        }
    }
}

fn check_title(title: &str, errors: &mut Vec<FieldError>) {
    if title.trim().is_empty() {
        errors.push(FieldError::new(
            "title",
            "title is missing; every item needs a title",
        ));
        return;
    }
    let len = title.chars().count();
    if len > MAX_TITLE_CHARS {
        errors.push(FieldError::new(
            "title",
            format!("title has {len} characters; shorten it to {MAX_TITLE_CHARS}"),
        ));
    }
    if let Some(bad) = title.chars().find(|c| c.is_control()) {
        errors.push(FieldError::new(
            "title",
            format!(
                "title contains the control character U+{:04X}; remove it (titles are one line)",
                u32::from(bad)
            ),
        ));
    }
}

fn check_lang(lang: &str, errors: &mut Vec<FieldError>) {
    if lang.is_empty() {
        errors.push(FieldError::new(
            "lang",
            "language is missing; give a BCP 47 tag such as zh-CN or en",
        ));
    } else if !is_language_tag(lang) {
        errors.push(FieldError::new(
            "lang",
            format!(
                "\"{lang}\" is not a BCP 47 language tag of the supported form \
                 language[-Script][-REGION], such as zh-CN, zh-Hant, en, bo or ug"
            ),
        ));
    }
}

/// Returns whether `tag` is a BCP 47 tag of the form `language[-script][-region][-variant…]`.
/// The language has 2 or 3 letters, the script 4 letters, the region 2 letters or 3 digits,
/// and each variant 5 to 8 letters and digits (or 4 starting with a digit). Extensions,
/// private use and grandfathered tags are rejected.
pub fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let Some(language) = subtags.next() else {
        return false;
    };
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }

    // 0 = script may follow, 1 = region may follow, 2 = only variants may follow.
    let mut stage = 0;
    for subtag in subtags {
        let alpha = subtag.bytes().all(|b| b.is_ascii_alphabetic());
        let digits = subtag.bytes().all(|b| b.is_ascii_digit());
        let alnum = subtag.bytes().all(|b| b.is_ascii_alphanumeric());
        let starts_digit = subtag.bytes().next().is_some_and(|b| b.is_ascii_digit());
        stage = match subtag.len() {
            4 if stage == 0 && alpha => 1,
            2 if stage <= 1 && alpha => 2,
            3 if stage <= 1 && digits => 2,
            5..=8 if alnum => 2,
            4 if alnum && starts_digit => 2,
            _ => return false,
        };
    }
    true
}

/// Checks the shape `<issuer>〔YYYY〕N号`, such as 国办函〔2018〕71号: an issuer, a four-digit
/// year in brackets, a serial number (optionally preceded by 第) and 号 at the end.
fn check_document_number(number: &str, errors: &mut Vec<FieldError>) {
    if !is_document_number(number.trim()) {
        errors.push(FieldError::new(
            "document_number",
            format!(
                "\"{number}\" is not a document number of the form <issuer>〔YYYY〕N号, such as \
                 国办函〔2018〕71号; the year may also be in [] or ()"
            ),
        ));
    }
}

/// Returns whether `number` has the shape of a document number (发文字号).
pub fn is_document_number(number: &str) -> bool {
    YEAR_BRACKETS.iter().any(|&(open, close)| {
        let Some((issuer, rest)) = number.split_once(open) else {
            return false;
        };
        let Some((year, tail)) = rest.split_once(close) else {
            return false;
        };
        let Some(serial) = tail.strip_suffix('号') else {
            return false;
        };
        let serial = serial.strip_prefix('第').unwrap_or(serial);

        !issuer.trim().is_empty()
            && year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && !serial.is_empty()
            && serial.bytes().all(|b| b.is_ascii_digit())
    })
}

fn check_code(
    field: &'static str,
    value: &str,
    found: Option<&'static vocabulary::Term>,
    errors: &mut Vec<FieldError>,
) {
    let message = match found {
        Some(term) if term.code == value => return,
        Some(term) => format!(
            "\"{value}\" is a name, not a {field} code; use the code {} ({})",
            term.code, term.name_zh
        ),
        None => format!("unknown {field} code \"{value}\"; use a code of the {field} vocabulary"),
    };
    errors.push(FieldError::new(field, message));
}

fn check_keywords(keywords: &[String], errors: &mut Vec<FieldError>) {
    if keywords.len() > MAX_KEYWORDS {
        errors.push(FieldError::new(
            "keywords",
            format!(
                "{} keywords given; keep at most {MAX_KEYWORDS}",
                keywords.len()
            ),
        ));
    }
    for (index, keyword) in keywords.iter().enumerate() {
        let len = keyword.trim().chars().count();
        if len == 0 {
            errors.push(FieldError::new(
                "keywords",
                format!("keyword {} is empty; remove it", index + 1),
            ));
        } else if len > MAX_KEYWORD_CHARS {
            errors.push(FieldError::new(
                "keywords",
                format!(
                    "keyword \"{keyword}\" has {len} characters; shorten it to {MAX_KEYWORD_CHARS}"
                ),
            ));
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
