//! Highlighting: finds the query's words in stored text through the same folding and stemming
//! as the index, and renders HTML-escaped titles and snippets with `<mark>` around matches.
//! Text is cut before it is escaped, and only at character boundaries, so a cut never falls
//! inside a tag, an entity or a character.

use std::collections::HashSet;
use std::ops::Range;

use crate::analysis::{analyze, word_analyzer, Folded};
use crate::query::{QueryPlan, UnitKind};

/// Maximum length of a snippet in characters, not counting the ellipses.
pub const SNIPPET_CHARS: usize = 160;
/// Characters of context kept before the first match when the snippet does not start the text.
const LEAD_CHARS: usize = 30;
/// Bytes of a body searched for the first match of a snippet, so very long bodies stay cheap.
const SNIPPET_SOURCE_BYTES: usize = 64 * 1024;

/// Finds and marks the words of one query.
#[derive(Debug, Clone)]
pub(crate) struct Highlighter {
    words: HashSet<String>,
    han_words: Vec<String>,
}

impl Highlighter {
    /// Creates a highlighter for the required units of `plan`, or for all of them when every
    /// unit is optional (a query of stop words or single characters).
    pub(crate) fn new(plan: &QueryPlan) -> Highlighter {
        let any_required = plan.units.iter().any(|unit| !unit.optional);
        let units = plan
            .units
            .iter()
            .filter(|unit| !any_required || !unit.optional);

        let mut highlighter = Highlighter {
            words: HashSet::new(),
            han_words: Vec::new(),
        };
        for unit in units {
            match unit.kind {
                UnitKind::Word => {
                    highlighter.words.insert(unit.text.clone());
                }
                UnitKind::Han => {
                    highlighter.han_words.push(unit.text.clone());
                    highlighter.han_words.extend(unit.parts.iter().cloned());
                }
            }
            for word in unit.synonyms.iter().flat_map(|member| &member.words) {
                match word.kind {
                    UnitKind::Word => {
                        highlighter.words.insert(word.text.clone());
                    }
                    UnitKind::Han => highlighter.han_words.push(word.text.clone()),
                }
            }
        }
        highlighter
    }

    /// Returns the byte ranges of `text` that match, sorted, with touching ranges merged.
    pub(crate) fn match_ranges(&self, text: &str) -> Vec<Range<usize>> {
        let mut ranges = Vec::new();

        if !self.words.is_empty() {
            for token in analyze(&mut word_analyzer(), text) {
                if self.words.contains(&token.text) {
                    ranges.push(token.offset_from..token.offset_to);
                }
            }
        }
        if !self.han_words.is_empty() {
            let folded = Folded::new(text);
            for word in &self.han_words {
                for (start, found) in folded.text().match_indices(word.as_str()) {
                    ranges.push(folded.original_range(start..start + found.len()));
                }
            }
        }
        merge_ranges(ranges)
    }

    /// Renders all of `text` as escaped HTML with matches marked.
    pub(crate) fn title_html(&self, text: &str) -> String {
        render(text, 0..text.len(), &self.match_ranges(text))
    }

    /// Renders at most [`SNIPPET_CHARS`] characters of `text` as escaped HTML, starting shortly
    /// before the first match, with `…` where text was left out.
    ///
    /// NOTE: only the first [`SNIPPET_SOURCE_BYTES`] of `text` are searched, so a body whose
    /// only match lies further on gets a snippet of its opening lines.
    pub(crate) fn snippet_html(&self, text: &str) -> String {
        let source = prefix(text, SNIPPET_SOURCE_BYTES);
        let ranges = self.match_ranges(source);
        let first_match = ranges.first().map(|range| range.start);
        let window = snippet_window(source, first_match, SNIPPET_CHARS);
        render(text, window, &ranges)
    }
}

/// Returns the longest prefix of `text` of at most `max_bytes` that ends on a character boundary.
fn prefix(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|range| range.start < range.end);
    ranges.sort_by_key(|range| (range.start, range.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

fn is_sentence_end(ch: char) -> bool {
    matches!(ch, '。' | '！' | '？' | '；' | '.' | '!' | '?' | ';' | '\n')
}

/// Chooses the byte range of a snippet of at most `max_chars` characters of `text`.
fn snippet_window(text: &str, first_match: Option<usize>, max_chars: usize) -> Range<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= max_chars {
        return 0..text.len();
    }
    let byte_at = |index: usize| chars.get(index).map_or(text.len(), |(offset, _)| *offset);

    let match_index = first_match.map_or(0, |byte| {
        chars.partition_point(|(offset, _)| *offset < byte)
    });
    let mut start = match_index.saturating_sub(LEAD_CHARS);
    // Start after the last sentence end in the lead, so the snippet opens on a sentence.
    if let Some(end) = (start..match_index)
        .rev()
        .find(|&index| is_sentence_end(chars[index].1))
    {
        start = end + 1;
    }
    start = start.min(chars.len() - max_chars);
    while start < match_index && chars[start].1.is_whitespace() {
        start += 1;
    }
    byte_at(start)..byte_at(start + max_chars)
}

/// Renders `text[window]` as escaped HTML, wrapping the parts of `ranges` inside it in `<mark>`.
fn render(text: &str, window: Range<usize>, ranges: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(window.len() + 32);
    if window.start > 0 {
        html.push('…');
    }
    let mut position = window.start;
    for range in ranges {
        let start = range.start.max(window.start);
        let end = range.end.min(window.end);
        if start >= end {
            continue;
        }
        escape_into(&text[position..start], &mut html);
        html.push_str("<mark>");
        escape_into(&text[start..end], &mut html);
        html.push_str("</mark>");
        position = end;
    }
    escape_into(&text[position..window.end], &mut html);
    if window.end < text.len() {
        html.push('…');
    }
    html
}

/// Appends `text` to `html` with HTML special characters escaped and line breaks and tabs
/// shown as spaces.
fn escape_into(text: &str, html: &mut String) {
    for ch in text.chars() {
        match ch {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            '\n' | '\r' | '\t' => html.push(' '),
            _ => html.push(ch),
        }
    }
}

#[cfg(test)]
mod tests;
