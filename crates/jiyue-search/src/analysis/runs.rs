//! Splitting folded text into runs of Han characters and runs of other letters and digits.
//! Everything else (spaces, punctuation, symbols) separates runs and produces no token.

use std::ops::Range;

/// Kind of characters in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunKind {
    /// Han ideographs, segmented by jieba or cut into bigrams.
    Han,
    /// Letters and digits of any other script, kept whole as one word.
    Word,
}

/// A maximal run of characters of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) kind: RunKind,
    /// Byte range in the folded text.
    pub(crate) bytes: Range<usize>,
    /// Token position of the first character: a Han character or a whole word takes one
    /// position, so phrase offsets do not depend on word length or punctuation.
    pub(crate) position: usize,
}

/// Reports whether `ch` is a Han ideograph (CJK unified, extension and compatibility blocks).
pub(crate) fn is_han(ch: char) -> bool {
    matches!(ch,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}')
}

fn kind_of(ch: char) -> Option<RunKind> {
    if is_han(ch) {
        Some(RunKind::Han)
    } else if ch.is_alphanumeric() {
        Some(RunKind::Word)
    } else {
        None
    }
}

/// Splits `text` into runs, in order.
pub(crate) fn split_runs(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut current: Option<(RunKind, usize, usize)> = None;
    let mut position = 0;

    for (offset, ch) in text.char_indices() {
        let kind = kind_of(ch);
        if let Some((run_kind, start, chars)) = current {
            if kind == Some(run_kind) {
                current = Some((run_kind, start, chars + 1));
                continue;
            }
            runs.push(make_run(run_kind, start..offset, position));
            position += run_width(run_kind, chars);
        }
        current = kind.map(|kind| (kind, offset, 1));
    }
    if let Some((run_kind, start, _)) = current {
        runs.push(make_run(run_kind, start..text.len(), position));
    }
    runs
}

fn make_run(kind: RunKind, bytes: Range<usize>, position: usize) -> Run {
    Run {
        kind,
        bytes,
        position,
    }
}

fn run_width(kind: RunKind, chars: usize) -> usize {
    match kind {
        RunKind::Han => chars,
        RunKind::Word => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(text: &str) -> Vec<(RunKind, &str, usize)> {
        split_runs(text)
            .into_iter()
            .map(|run| (run.kind, &text[run.bytes], run.position))
            .collect()
    }

    #[test]
    fn mixed_text_splits_by_script() {
        let runs = described("政府网站 pilot, 2018年试点");
        assert_eq!(
            runs,
            vec![
                (RunKind::Han, "政府网站", 0),
                (RunKind::Word, "pilot", 4),
                (RunKind::Word, "2018", 5),
                (RunKind::Han, "年试点", 6),
            ]
        );
    }

    #[test]
    fn punctuation_only_has_no_runs() {
        assert!(split_runs("\"():&<>---!").is_empty());
    }

    #[test]
    fn operators_are_plain_words() {
        let runs = described("\"():&<> AND? ---");
        assert_eq!(runs, vec![(RunKind::Word, "AND", 0)]);
    }
}
