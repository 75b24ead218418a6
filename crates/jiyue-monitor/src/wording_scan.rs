//! The wording check on text: an item's title and body (HTML stripped) against the operators'
//! lists, for the inline check when an editor submits an item, and the scan of every published
//! item on every site that reports faults.
//!
//! A wrong name of an official, a listed misstatement or a forbidden word on a published page
//! is a single-veto matter in the national inspection (严重表述错误), so the scan reports them
//! as critical; typos are warnings.

use std::collections::{BTreeMap, BTreeSet};

use jiyue_db::{Db, PublishedItem};
use serde::Serialize;

use crate::fault::{Check, Fault, Severity};
use crate::wording::{Finding, WordLists};

/// Published items read per query while scanning.
const SCAN_BATCH: i64 = 200;
/// Characters of text shown on each side of a finding.
const CONTEXT_CHARS: usize = 12;

/// Where in an item a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Title,
    Body,
}

impl Place {
    /// Returns the name used in evidence and message arguments.
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Title => "title",
            Place::Body => "body",
        }
    }
}

/// A finding in an item, with the text around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemFinding {
    pub place: Place,
    pub finding: Finding,
    /// The text around the finding, the finding included.
    pub context: String,
}

/// Checks an item's title and body and returns the findings, title first.
pub fn check_item(lists: &WordLists, title: &str, body_html: &str) -> Vec<ItemFinding> {
    let body = strip_html(body_html);
    let mut found = Vec::new();
    for (place, text) in [(Place::Title, title), (Place::Body, body.as_str())] {
        let chars: Vec<char> = text.chars().collect();
        for finding in lists.check(text) {
            let context = context_of(&chars, &finding);
            found.push(ItemFinding {
                place,
                finding,
                context,
            });
        }
    }
    found
}

fn context_of(chars: &[char], finding: &Finding) -> String {
    let start = finding.at.saturating_sub(CONTEXT_CHARS);
    let end = (finding.at + finding.found.chars().count() + CONTEXT_CHARS).min(chars.len());
    chars[start.min(end)..end]
        .iter()
        .map(|c| if c.is_whitespace() { ' ' } else { *c })
        .collect()
}

/// Returns the text of an HTML fragment: tags removed, the content of `script` and `style`
/// dropped, the common character references decoded. Block elements end a line; inline ones
/// add nothing, so `李<b>甘</b>杰` reads `李甘杰`.
pub fn strip_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while let Some(open) = rest.find('<') {
        if skip_until.is_none() {
            text.push_str(&decode_references(&rest[..open]));
        }
        let after = &rest[open..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after[1..close].trim().to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match skip_until {
            Some(end) if tag.starts_with('/') && name == end => skip_until = None,
            Some(_) => {}
            None if !tag.starts_with('/') && (name == "script" || name == "style") => {
                skip_until = Some(if name == "script" { "script" } else { "style" });
            }
            None if is_block(&name) => text.push('\n'),
            None => {}
        }
        rest = &after[close + 1..];
    }
    if skip_until.is_none() {
        text.push_str(&decode_references(rest));
    }
    text
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "section"
            | "figure"
            | "figcaption"
            | "hr"
            | "pre"
    )
}

/// Decodes the named references that sanitized bodies carry and every numeric one.
fn decode_references(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let decoded = after
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| decode_one(&after[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_one(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Scans every published item on every site it is placed on and returns one fault per
/// (site, item, word found), with every place it occurs in the evidence.
pub async fn scan_published(db: &Db) -> jiyue_db::Result<Vec<Fault>> {
    let lists = WordLists::load(db).await?;
    let mut faults = Vec::new();
    let mut after = 0;
    loop {
        let items = db.all_published_items(after, SCAN_BATCH).await?;
        let Some(last) = items.last() else {
            break;
        };
        after = last.id;
        for item in &items {
            let found = check_item(&lists, &item.meta.title, &item.body_html);
            faults.extend(item_faults(item, &found));
        }
    }
    tracing::info!(faults = faults.len(), "wording scan finished");
    Ok(faults)
}

/// Returns the faults of one item's findings on each site the item is placed on.
pub fn item_faults(item: &PublishedItem, found: &[ItemFinding]) -> Vec<Fault> {
    // One fault per word, so the same word twice in an item is one alert with two places.
    let mut by_word: BTreeMap<&str, Vec<&ItemFinding>> = BTreeMap::new();
    for finding in found {
        by_word
            .entry(finding.finding.found.as_str())
            .or_default()
            .push(finding);
    }
    let sites: BTreeSet<i64> = item.placements.iter().map(|p| p.site_id).collect();
    let mut faults = Vec::new();
    for site_id in sites {
        let path = item
            .placements
            .iter()
            .find(|placement| placement.site_id == site_id)
            .map_or("", |placement| placement.path.as_str());
        for (word, findings) in &by_word {
            faults.push(word_fault(item, site_id, path, word, findings));
        }
    }
    faults
}

fn word_fault(
    item: &PublishedItem,
    site_id: i64,
    path: &str,
    word: &str,
    findings: &[&ItemFinding],
) -> Fault {
    let first = &findings[0].finding;
    let blocking = findings.iter().any(|f| f.finding.kind.is_blocking());
    let severity = if blocking {
        Severity::Critical
    } else {
        Severity::Warning
    };
    let places: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} at character {}: …{}…",
                f.place.as_str(),
                f.finding.at,
                f.context
            )
        })
        .collect();
    let evidence = format!(
        "page {path}, item {}: \"{word}\" ({}), suggested \"{}\"; {}",
        item.id,
        first.kind.as_str(),
        first.suggestion,
        places.join("; ")
    );
    Fault::new(
        Check::Wording,
        Some(site_id),
        format!("wording:{site_id}:{}:{word}", item.id),
        severity,
        &format!("wording-fault-{}", first.kind.as_str()),
        evidence,
    )
    .arg("title", &item.meta.title)
    .arg("found", word)
    .arg("suggestion", &first.suggestion)
    .arg("path", path)
    .arg("count", findings.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_keeps_inline_text_joined() {
        assert_eq!(strip_html("<p>李<b>甘</b>杰</p>"), "\n李甘杰\n");
        assert_eq!(
            strip_html("a&amp;b &lt;c&gt; &#23435;&#x5B8B;"),
            "a&b <c> 宋宋"
        );
        assert_eq!(
            strip_html("x<script>李甘杰</script>y<style>p{}</style>z"),
            "xyz"
        );
        assert_eq!(strip_html("a & b; <unclosed"), "a & b; ");
    }

    #[test]
    fn findings_name_place_and_context() {
        let lists = WordLists {
            typos: vec![("通迅".to_string(), "通讯".to_string())],
            ..WordLists::default()
        };
        let found = check_item(&lists, "通迅录", "<p>本单位<em>通迅</em>地址</p>");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].place, Place::Title);
        assert_eq!(found[0].context, "通迅录");
        assert_eq!(found[1].place, Place::Body);
        assert_eq!(found[1].context, " 本单位通迅地址 ");
    }
}
