//! Character folding before tokenization: traditional Chinese to simplified, full-width ASCII
//! to half-width, with a map from every folded character back to its bytes in the original.

use std::ops::Range;

use zhconv::{get_builtin_converter, Variant};

/// One character of folded text and the byte range it came from in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    folded_start: usize,
    original_start: usize,
    original_end: usize,
}

/// Folded text with the map back to the original text it was built from.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    text: String,
    spans: Vec<Span>,
}

impl Folded {
    /// Folds `original` to simplified Chinese and half-width ASCII, recording offsets.
    pub(crate) fn new(original: &str) -> Folded {
        let mut folded = Folded {
            text: String::with_capacity(original.len()),
            spans: Vec::with_capacity(original.len() / 2),
        };
        let mut last = 0;

        // NOTE: `ZhConverter::search` is public but hidden from zhconv's documentation (0.4.2).
        // It returns the same leftmost-longest matches that `convert` applies, and it is the only
        // way to learn which original bytes each converted word came from.
        for (start, end, target) in get_builtin_converter(Variant::ZhHans).search(original) {
            folded.push_unchanged(original, last..start);
            folded.push_converted(original, start..end, target);
            last = end;
        }
        folded.push_unchanged(original, last..original.len());
        folded
    }

    /// Returns the folded text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the folded text, on character boundaries, to the original text.
    pub(crate) fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        if folded.start >= folded.end {
            let at = self.original_position(folded.start);
            return at..at;
        }
        let first = self.span_index(folded.start);
        let last = self.span_index(folded.end).saturating_sub(1);
        match (self.spans.get(first), self.spans.get(last)) {
            (Some(first), Some(last)) => first.original_start..last.original_end,
            _ => {
                let end = self.original_len();
                end..end
            }
        }
    }

    fn original_position(&self, folded: usize) -> usize {
        match self.spans.get(self.span_index(folded)) {
            Some(span) => span.original_start,
            None => self.original_len(),
        }
    }

    /// Returns the index of the first span starting at or after `folded`.
    fn span_index(&self, folded: usize) -> usize {
        self.spans
            .partition_point(|span| span.folded_start < folded)
    }

    fn original_len(&self) -> usize {
        self.spans.last().map_or(0, |span| span.original_end)
    }

    fn push_unchanged(&mut self, original: &str, range: Range<usize>) {
        let Some(slice) = original.get(range.clone()) else {
            return;
        };
        for (offset, ch) in slice.char_indices() {
            let start = range.start + offset;
            self.push_char(fold_width(ch), start..start + ch.len_utf8());
        }
    }

    /// Pushes a converted word. When source and target have the same number of characters they
    /// map one to one; otherwise every target character maps to the whole source word.
    fn push_converted(&mut self, original: &str, range: Range<usize>, target: &str) {
        let Some(source) = original.get(range.clone()) else {
            return;
        };
        if source.chars().count() == target.chars().count() {
            let source_chars = source.char_indices();
            for ((offset, source_char), target_char) in source_chars.zip(target.chars()) {
                let start = range.start + offset;
                self.push_char(
                    fold_width(target_char),
                    start..start + source_char.len_utf8(),
                );
            }
        } else {
            for target_char in target.chars() {
                self.push_char(fold_width(target_char), range.clone());
            }
        }
    }

    fn push_char(&mut self, ch: char, original: Range<usize>) {
        self.spans.push(Span {
            folded_start: self.text.len(),
            original_start: original.start,
            original_end: original.end,
        });
        self.text.push(ch);
    }
}

/// Maps full-width ASCII forms (U+FF01 to U+FF5E) and the ideographic space to ASCII.
fn fold_width(ch: char) -> char {
    match ch {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
        _ => ch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_folds_to_simplified() {
        let folded = Folded::new("政府網站集約化");
        assert_eq!(folded.text(), "政府网站集约化");
    }

    #[test]
    fn full_width_folds_to_ascii() {
        let folded = Folded::new("ＡＢＣ１２３　護照");
        assert_eq!(folded.text(), "ABC123 护照");
    }

    #[test]
    fn offsets_map_back_to_original_bytes() {
        let original = "新版身份證換領";
        let folded = Folded::new(original);
        let start = folded.text().find("身份证").unwrap();
        let range = folded.original_range(start..start + "身份证".len());
        assert_eq!(&original[range], "身份證");
    }

    #[test]
    fn offsets_survive_width_changes() {
        let original = "ＰＩＬＯＴ试点";
        let folded = Folded::new(original);
        assert_eq!(folded.text(), "PILOT试点");
        let range = folded.original_range(0..5);
        assert_eq!(&original[range], "ＰＩＬＯＴ");
        let range = folded.original_range(5..folded.text().len());
        assert_eq!(&original[range], "试点");
    }

    #[test]
    fn empty_text_folds_to_empty() {
        let folded = Folded::new("");
        assert_eq!(folded.text(), "");
        assert_eq!(folded.original_range(0..0), 0..0);
    }
}
