//! Masking of personal data in citizens' messages and replies before they are published:
//! mainland identity numbers, mobile and landline numbers, e-mail addresses, house numbers of
//! street addresses and the names the caller passes in.
//!
//! The scanners read full-width digits, `Ｘ`, `－`, `＋` and `．` as their ASCII forms, so a
//! number typed with a Chinese input method is masked too; the characters kept in a masked
//! item are then written in ASCII. Every character that is not part of a match is copied
//! unchanged. Masked output contains `*` where digits were, and no scanner accepts `*`, so
//! masking masked text changes nothing.

/// Text with personal data masked, and what was masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The input with every match replaced. All other characters are unchanged.
    pub text: String,
    /// The kind of each masked item, in the order the items appear in the text.
    pub found: Vec<MaskedKind>,
}

/// Kind of a masked item, kept for the audit log and the reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaskedKind {
    /// Mainland resident identity number (GB 11643), 18 or 15 characters.
    IdentityNumber,
    /// Mainland mobile number of 11 digits.
    Mobile,
    /// Landline number with an area code.
    Landline,
    /// E-mail address.
    Email,
    /// House number of a street address.
    Address,
    /// Known name of a person.
    Name,
}

/// Weights of the first 17 digits for the GB 11643 check character.
const IDENTITY_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// GB 11643 check characters, indexed by the weighted sum mod 11.
const IDENTITY_CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Road and street words after which a house number starts, longest first.
const ROAD_WORDS: [&str; 6] = ["大街", "胡同", "路", "街", "道", "巷"];

/// Units that follow a number in a house number, longest first.
const HOUSE_UNITS: [&str; 11] = [
    "号楼", "号院", "单元", "号", "栋", "幢", "弄", "室", "层", "楼", "座",
];

/// Masks personal data in `text` and lists what it masked.
///
/// - Identity numbers: 18 characters (17 digits and a digit or `X`/`x`) with a valid GB 11643
///   check character or a plausible `YYYYMMDD` birth date in digits 7 to 14 (a mistyped check
///   character still identifies a person), also when grouped by spaces, `-` or `.`; or the old
///   15-digit form whose digits 7 to 12 are a plausible `YYMMDD` date. The first 6 and last 4
///   characters stay: `110101********1234`.
/// - Mobile numbers: 11 digits starting `13` to `19`, optionally after `+86` or `86` and
///   optionally grouped 3-4-4 by spaces, `-` or `.`. The first 3 and last 4 digits stay, and so do
///   the prefix and separators: `138****8000`.
/// - Landlines: `0` and 2 or 3 more digits of area code, `-`, then 7 or 8 digits. The area
///   code and the last 2 digits stay: `0431-******88`. Short service numbers such as `12345`
///   are public and stay.
/// - E-mail addresses: the local part becomes its first character and `***`, whatever its
///   length: `z***@example.com`. The domain stays.
/// - Street addresses: after a road word (`大街`, `胡同`, `路`, `街`, `道`, `巷`), each number of
///   a house number such as `123号`, `5号楼3单元502室` or `2栋1单元301` becomes `**`. The road
///   name and the units stay: `人民大街**号`. The first number must have a unit after it.
/// - Names: every occurrence of each of `known_names` with at least 2 characters (after
///   trimming) keeps its first character, and each other character becomes `*`: `张**`.
///   Shorter names are ignored because a single character matches too much ordinary text.
///
/// Digits must not be part of a longer run of ASCII letters or digits, so a 20-digit order
/// number or a 10-digit amount stays. Where two rules could match at one place, the first in
/// the order names, e-mail, identity number, mobile, landline, address wins.
pub fn mask_personal_data(text: &str, known_names: &[&str]) -> Masked {
    let original: Vec<char> = text.chars().collect();
    let chars: Vec<char> = original.iter().map(|c| ascii_form(*c)).collect();
    let mut names: Vec<Vec<char>> = known_names
        .iter()
        .map(|name| name.trim().chars().collect::<Vec<char>>())
        .filter(|name| name.len() >= 2)
        .collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));

    let mut masked = Masked {
        text: String::with_capacity(text.len()),
        found: Vec::new(),
    };
    let mut index = 0;
    while index < chars.len() {
        match find_item(&chars, index, &names) {
            Some(item) => {
                masked.text.push_str(&item.replacement);
                masked.found.push(item.kind);
                index += item.len;
            }
            None => {
                masked.text.push(original[index]);
                index += 1;
            }
        }
    }
    masked
}

/// Returns the ASCII form of a full-width digit, `Ｘ`, `ｘ`, `－`, `＋` or `．`, else `c`.
fn ascii_form(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
        'Ｘ' => 'X',
        'ｘ' => 'x',
        '－' => '-',
        '＋' => '+',
        '．' => '.',
        _ => c,
    }
}

/// Personal data found at one position: its kind, its length in characters and the text that
/// replaces it.
struct Item {
    kind: MaskedKind,
    len: usize,
    replacement: String,
}

/// Finds the item that starts at `start`, trying the rules in order of priority.
fn find_item(chars: &[char], start: usize, names: &[Vec<char>]) -> Option<Item> {
    match_name(chars, start, names)
        .or_else(|| match_email(chars, start))
        .or_else(|| match_number(chars, start))
        .or_else(|| match_address(chars, start))
}

fn match_name(chars: &[char], start: usize, names: &[Vec<char>]) -> Option<Item> {
    let name = names.iter().find(|name| chars[start..].starts_with(name))?;
    let mut replacement = String::from(name[0]);
    replacement.extend(std::iter::repeat_n('*', name.len() - 1));
    Some(Item {
        kind: MaskedKind::Name,
        len: name.len(),
        replacement,
    })
}

fn is_local_part_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn match_email(chars: &[char], start: usize) -> Option<Item> {
    let starts_token = start == 0 || !is_local_part_char(chars[start - 1]);
    if !starts_token || !is_local_part_char(chars[start]) {
        return None;
    }
    let at = start + run_len(chars, start, is_local_part_char);
    if chars.get(at) != Some(&'@') {
        return None;
    }

    // The domain is two or more labels joined by dots. A dot with no label after it ends the
    // sentence, so it stays outside the domain.
    let mut end = at + 1;
    let mut labels = 0;
    loop {
        let label_len = run_len(chars, end, is_domain_char);
        if label_len == 0 {
            break;
        }
        labels += 1;
        end += label_len;
        let next_is_label = chars.get(end + 1).is_some_and(|c| is_domain_char(*c));
        if chars.get(end) != Some(&'.') || !next_is_label {
            break;
        }
        end += 1;
    }
    if labels < 2 {
        return None;
    }

    let mut replacement = String::from(chars[start]);
    replacement.push_str("***");
    replacement.extend(&chars[at..end]);
    Some(Item {
        kind: MaskedKind::Email,
        len: end - start,
        replacement,
    })
}

/// Counts the characters from `start` that satisfy `accept`.
fn run_len(chars: &[char], start: usize, accept: impl Fn(char) -> bool) -> usize {
    chars
        .get(start..)
        .map_or(0, |rest| rest.iter().take_while(|c| accept(**c)).count())
}

fn digit_run_len(chars: &[char], start: usize) -> usize {
    run_len(chars, start, |c| c.is_ascii_digit())
}

/// Checks that the character at `index` ends a number: it is missing or not an ASCII letter
/// or digit.
fn ends_number(chars: &[char], index: usize) -> bool {
    chars.get(index).is_none_or(|c| !c.is_ascii_alphanumeric())
}

fn match_number(chars: &[char], start: usize) -> Option<Item> {
    if start > 0 && chars[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    match_identity(chars, start)
        .or_else(|| match_grouped_identity(chars, start))
        .or_else(|| match_mobile(chars, start))
        .or_else(|| match_landline(chars, start))
}

fn match_identity(chars: &[char], start: usize) -> Option<Item> {
    let digits = digit_run_len(chars, start);
    let len = match digits {
        18 => 18,
        17 if matches!(chars.get(start + 17), Some('X' | 'x')) => 18,
        15 if is_plausible_birth_date(&chars[start + 6..start + 12]) => 15,
        _ => return None,
    };
    if !ends_number(chars, start + len) {
        return None;
    }
    let number = &chars[start..start + len];
    if len == 18 && !is_identity_18(number) {
        return None;
    }

    let mut replacement: String = number[..6].iter().collect();
    replacement.extend(std::iter::repeat_n('*', len - 10));
    replacement.extend(&number[len - 4..]);
    Some(Item {
        kind: MaskedKind::IdentityNumber,
        len,
        replacement,
    })
}

/// Checks 18 characters of an identity number: a valid check character, or a plausible
/// `YYYYMMDD` birth date in characters 7 to 14.
fn is_identity_18(number: &[char]) -> bool {
    identity_check_char(&number[..17]) == Some(number[17].to_ascii_uppercase())
        || is_plausible_full_birth_date(&number[6..14])
}

/// Matches an 18-character identity number written in two or more groups separated by single
/// spaces, `-` or `.`, such as `220102 19800101 1234`. The masked form drops the separators.
fn match_grouped_identity(chars: &[char], start: usize) -> Option<Item> {
    let mut number: Vec<char> = Vec::with_capacity(18);
    let mut index = start;
    let mut groups = 0;
    loop {
        let digits = digit_run_len(chars, index);
        if digits == 0 {
            break;
        }
        number.extend(&chars[index..index + digits]);
        index += digits;
        groups += 1;
        if number.len() == 17 && matches!(chars.get(index), Some('X' | 'x')) {
            number.push(chars[index]);
            index += 1;
            break;
        }
        let separated = matches!(chars.get(index), Some(' ' | '-' | '.'))
            && chars.get(index + 1).is_some_and(|c| c.is_ascii_digit());
        if number.len() >= 18 || !separated {
            break;
        }
        index += 1;
    }
    if groups < 2 || number.len() != 18 || !ends_number(chars, index) {
        return None;
    }
    if !is_identity_18(&number) {
        return None;
    }
    let mut replacement: String = number[..6].iter().collect();
    replacement.push_str("********");
    replacement.extend(&number[14..]);
    Some(Item {
        kind: MaskedKind::IdentityNumber,
        len: index - start,
        replacement,
    })
}

/// Checks that eight digits read as `YYYYMMDD` with a year of 1900 to 2099, a month of 01 to
/// 12 and a day of 01 to 31.
fn is_plausible_full_birth_date(digits: &[char]) -> bool {
    let century: String = digits.iter().take(2).collect();
    matches!(century.as_str(), "19" | "20") && is_plausible_birth_date(&digits[2..])
}

/// Computes the GB 11643 check character of 17 digits: the weighted sum mod 11 picks one of
/// `10X98765432`. Returns `None` unless given 17 ASCII digits.
fn identity_check_char(first17: &[char]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, weight) in first17.iter().zip(IDENTITY_WEIGHTS) {
        sum += c.to_digit(10)? * weight;
    }
    IDENTITY_CHECK_CHARS
        .get(usize::try_from(sum % 11).ok()?)
        .copied()
}

/// Checks that six digits read as `YYMMDD` with a month of 01 to 12 and a day of 01 to 31. The old
/// 15-digit identity number has no check character, so this is its only check.
///
/// NOTE: a 15-digit order or account number whose digits 7 to 12 look like a date is masked
/// as an identity number.
fn is_plausible_birth_date(digits: &[char]) -> bool {
    let two_digits = |index: usize| {
        let tens = digits.get(index).and_then(|c| c.to_digit(10));
        let ones = digits.get(index + 1).and_then(|c| c.to_digit(10));
        tens.zip(ones).map(|(tens, ones)| tens * 10 + ones)
    };
    let month = two_digits(2).is_some_and(|month| (1..=12).contains(&month));
    let day = two_digits(4).is_some_and(|day| (1..=31).contains(&day));
    month && day
}

fn match_mobile(chars: &[char], start: usize) -> Option<Item> {
    let mut index = start;
    if chars[start..].starts_with(&['+', '8', '6']) {
        index += 3;
    } else if chars[start..].starts_with(&['8', '6']) {
        index += 2;
    }
    if index > start && matches!(chars.get(index), Some(' ' | '-' | '.')) {
        index += 1;
    }
    let prefix = &chars[start..index];

    let head = take_digits(chars, index, 3)?;
    if head[0] != '1' || !matches!(head[1], '3'..='9') {
        return None;
    }
    index += 3;
    let separator = chars
        .get(index)
        .copied()
        .filter(|c| matches!(c, ' ' | '-' | '.'));
    index += usize::from(separator.is_some());
    take_digits(chars, index, 4)?;
    index += 4;
    if let Some(separator) = separator {
        if chars.get(index) != Some(&separator) {
            return None;
        }
        index += 1;
    }
    let tail = take_digits(chars, index, 4)?;
    index += 4;
    if !ends_number(chars, index) {
        return None;
    }

    let separator: String = separator.map(String::from).unwrap_or_default();
    let mut replacement: String = prefix.iter().chain(head).collect();
    replacement.push_str(&separator);
    replacement.push_str("****");
    replacement.push_str(&separator);
    replacement.extend(tail);
    Some(Item {
        kind: MaskedKind::Mobile,
        len: index - start,
        replacement,
    })
}

/// Returns the `count` characters at `start` if they are all ASCII digits.
fn take_digits(chars: &[char], start: usize, count: usize) -> Option<&[char]> {
    let digits = chars.get(start..start + count)?;
    digits.iter().all(char::is_ascii_digit).then_some(digits)
}

fn match_landline(chars: &[char], start: usize) -> Option<Item> {
    let area_len = digit_run_len(chars, start);
    if chars[start] != '0' || !(3..=4).contains(&area_len) {
        return None;
    }
    let dash = start + area_len;
    if chars.get(dash) != Some(&'-') {
        return None;
    }
    let local_len = digit_run_len(chars, dash + 1);
    let end = dash + 1 + local_len;
    if !(7..=8).contains(&local_len) || !ends_number(chars, end) {
        return None;
    }

    let mut replacement: String = chars[start..=dash].iter().collect();
    replacement.extend(std::iter::repeat_n('*', local_len - 2));
    replacement.extend(&chars[end - 2..end]);
    Some(Item {
        kind: MaskedKind::Landline,
        len: end - start,
        replacement,
    })
}

fn match_address(chars: &[char], start: usize) -> Option<Item> {
    let road = ROAD_WORDS
        .iter()
        .find(|word| starts_with_str(chars, start, word))?;
    let mut index = start + road.chars().count();
    let mut replacement = String::from(*road);
    let mut numbers = 0;

    loop {
        let number_len = house_number_len(chars, index);
        if number_len == 0 {
            break;
        }
        let unit = HOUSE_UNITS
            .iter()
            .find(|unit| starts_with_str(chars, index + number_len, unit));
        match unit {
            Some(unit) => {
                replacement.push_str("**");
                replacement.push_str(unit);
                index += number_len + unit.chars().count();
                numbers += 1;
            }
            // A last number without a unit (the room in `2栋1单元301`) counts only after a
            // number with one, so a road word before a bare number such as a year stays.
            None if numbers > 0 && ends_number(chars, index + number_len) => {
                replacement.push_str("**");
                index += number_len;
                break;
            }
            None => break,
        }
    }
    if numbers == 0 {
        return None;
    }
    Some(Item {
        kind: MaskedKind::Address,
        len: index - start,
        replacement,
    })
}

/// Counts the characters of a house number at `start`: digits, optionally joined by `-`
/// (`12-3号`).
fn house_number_len(chars: &[char], start: usize) -> usize {
    let mut len = digit_run_len(chars, start);
    while len > 0 && chars.get(start + len) == Some(&'-') {
        let more = digit_run_len(chars, start + len + 1);
        if more == 0 {
            break;
        }
        len += 1 + more;
    }
    len
}

fn starts_with_str(chars: &[char], start: usize, word: &str) -> bool {
    let word: Vec<char> = word.chars().collect();
    chars
        .get(start..)
        .is_some_and(|rest| rest.starts_with(&word))
}

#[cfg(test)]
#[path = "masking_tests.rs"]
mod tests;
