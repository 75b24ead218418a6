//! The tantivy tokenizer behind every analyzer of the index: folds the text, splits it into
//! runs, and emits tokens for Han runs (jieba words or character bigrams) and for word runs.

use std::sync::OnceLock;

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::fold::Folded;
use super::runs::{split_runs, RunKind};

/// Rule by which a tokenizer turns a run of Han characters into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HanMode {
    /// Jieba's search mode: words and the dictionary words inside long words.
    Jieba,
    /// Every pair of neighbouring characters; a lone character becomes one token.
    Bigram,
    /// No tokens for Han runs; used to find Latin words when highlighting.
    Skip,
}

/// Returns the process-wide jieba segmenter with its default dictionary, loaded once.
pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Tokenizer that folds traditional characters and full-width forms before splitting.
///
/// Offsets are byte offsets into the original text. Positions count one per Han character
/// and one per word, so the same phrase gets the same relative positions wherever it occurs.
#[derive(Debug, Clone)]
pub(crate) struct JiyueTokenizer {
    mode: HanMode,
}

impl JiyueTokenizer {
    /// Creates a tokenizer that handles Han runs by `mode`.
    pub(crate) fn new(mode: HanMode) -> JiyueTokenizer {
        JiyueTokenizer { mode }
    }
}

/// Token stream over tokens computed up front.
pub(crate) struct VecTokenStream {
    current: Token,
    rest: std::vec::IntoIter<Token>,
}

impl Tokenizer for JiyueTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            current: Token::default(),
            rest: tokenize(text, self.mode).into_iter(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        match self.rest.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Splits `text` into tokens, sorted by position then length.
pub(crate) fn tokenize(text: &str, mode: HanMode) -> Vec<Token> {
    let folded = Folded::new(text);
    let mut tokens = Vec::new();

    for run in split_runs(folded.text()) {
        let run_text = &folded.text()[run.bytes.clone()];
        match (run.kind, mode) {
            (RunKind::Word, _) => tokens.push(make_token(
                &folded,
                run.bytes.clone(),
                run_text,
                run.position,
                1,
            )),
            (RunKind::Han, HanMode::Skip) => {}
            (RunKind::Han, HanMode::Jieba) => {
                push_jieba_tokens(
                    &folded,
                    run.bytes.start,
                    run_text,
                    run.position,
                    &mut tokens,
                );
            }
            (RunKind::Han, HanMode::Bigram) => {
                push_bigram_tokens(
                    &folded,
                    run.bytes.start,
                    run_text,
                    run.position,
                    &mut tokens,
                );
            }
        }
    }
    tokens
}

/// Byte offset of every character of `run_text`, plus its length at the end.
fn char_boundaries(run_text: &str) -> Vec<usize> {
    let mut boundaries: Vec<usize> = run_text.char_indices().map(|(offset, _)| offset).collect();
    boundaries.push(run_text.len());
    boundaries
}

fn push_jieba_tokens(
    folded: &Folded,
    run_start: usize,
    run_text: &str,
    position: usize,
    tokens: &mut Vec<Token>,
) {
    let boundaries = char_boundaries(run_text);
    let mut words = jieba().tokenize(run_text, TokenizeMode::Search, true);
    // Search mode lists the short words inside a long word before the word itself. Tantivy
    // needs the positions of each term in a document to grow, so sort by position.
    words.sort_by_key(|word| (word.start, word.end));

    for word in words {
        let (Some(&start), Some(&end)) = (boundaries.get(word.start), boundaries.get(word.end))
        else {
            continue;
        };
        let bytes = run_start + start..run_start + end;
        let length = word.end - word.start;
        tokens.push(make_token(
            folded,
            bytes,
            word.word,
            position + word.start,
            length,
        ));
    }
}

fn push_bigram_tokens(
    folded: &Folded,
    run_start: usize,
    run_text: &str,
    position: usize,
    tokens: &mut Vec<Token>,
) {
    let boundaries = char_boundaries(run_text);
    let chars = boundaries.len() - 1;
    let width = if chars == 1 { 1 } else { 2 };

    for index in 0..=chars.saturating_sub(width) {
        let bytes = boundaries[index]..boundaries[index + width];
        let text = &run_text[bytes.clone()];
        let bytes = run_start + bytes.start..run_start + bytes.end;
        tokens.push(make_token(folded, bytes, text, position + index, width));
    }
}

fn make_token(
    folded: &Folded,
    bytes: std::ops::Range<usize>,
    text: &str,
    position: usize,
    position_length: usize,
) -> Token {
    let original = folded.original_range(bytes);
    Token {
        offset_from: original.start,
        offset_to: original.end,
        position,
        text: text.to_string(),
        position_length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, mode: HanMode) -> Vec<String> {
        tokenize(text, mode)
            .into_iter()
            .map(|token| token.text)
            .collect()
    }

    #[test]
    fn bigrams_cover_every_pair() {
        assert_eq!(
            texts("居民身份证", HanMode::Bigram),
            ["居民", "民身", "身份", "份证"]
        );
        assert_eq!(texts("省", HanMode::Bigram), ["省"]);
    }

    #[test]
    fn bigram_positions_count_characters() {
        let positions: Vec<usize> = tokenize("护照 pilot 身份证", HanMode::Bigram)
            .iter()
            .map(|token| token.position)
            .collect();
        assert_eq!(positions, [0, 2, 3, 4]);
    }

    #[test]
    fn jieba_search_mode_includes_inner_words() {
        let words = texts("中华人民共和国", HanMode::Jieba);
        assert!(words.contains(&"中华人民共和国".to_string()), "{words:?}");
        assert!(words.contains(&"人民".to_string()), "{words:?}");
    }

    #[test]
    fn jieba_positions_never_decrease() {
        let tokens = tokenize(
            "国务院办公厅关于印发政府网站集约化试点工作方案的通知",
            HanMode::Jieba,
        );
        let positions: Vec<usize> = tokens.iter().map(|token| token.position).collect();
        let mut sorted = positions.clone();
        sorted.sort_unstable();
        assert_eq!(positions, sorted);
    }

    #[test]
    fn offsets_point_into_original_traditional_text() {
        let text = "換領身份證";
        for token in tokenize(text, HanMode::Jieba) {
            let original = &text[token.offset_from..token.offset_to];
            assert_eq!(Folded::new(original).text(), token.text);
        }
    }

    #[test]
    fn skip_mode_keeps_only_words() {
        assert_eq!(
            texts("护照 Passport 2024年", HanMode::Skip),
            ["Passport", "2024"]
        );
    }
}
