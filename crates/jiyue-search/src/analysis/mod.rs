//! Text analysis shared by indexing, querying and highlighting: the analyzers registered on
//! the index and the pieces they are built from.

mod fold;
mod runs;
mod tokenizer;

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, TokenStream,
};
use tantivy::Index;

pub(crate) use fold::Folded;
pub(crate) use runs::{split_runs, RunKind};
pub(crate) use tokenizer::jieba;
use tokenizer::{HanMode, JiyueTokenizer};

/// Name under which the jieba analyzer is registered on the index.
pub(crate) const JIEBA_ANALYZER: &str = "jiyue_jieba";
/// Name under which the character-bigram analyzer is registered on the index.
pub(crate) const BIGRAM_ANALYZER: &str = "jiyue_bigram";

/// Tokens longer than this many bytes are dropped: they are encoded data, not words.
const MAX_TOKEN_BYTES: usize = 80;

/// Builds the analyzer for jieba fields: Han runs segmented, words lowercased and stemmed.
pub(crate) fn jieba_analyzer() -> TextAnalyzer {
    analyzer(HanMode::Jieba)
}

/// Builds the analyzer for bigram fields: Han runs as bigrams, words lowercased and stemmed.
pub(crate) fn bigram_analyzer() -> TextAnalyzer {
    analyzer(HanMode::Bigram)
}

/// Builds an analyzer that yields only the lowercased, stemmed words and skips Han runs.
pub(crate) fn word_analyzer() -> TextAnalyzer {
    analyzer(HanMode::Skip)
}

fn analyzer(mode: HanMode) -> TextAnalyzer {
    // The English stemmer only changes Latin suffixes, so Han tokens pass through it unchanged.
    TextAnalyzer::builder(JiyueTokenizer::new(mode))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers the analyzers on `index`; needed every time an index is opened or created.
pub(crate) fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(JIEBA_ANALYZER, jieba_analyzer());
    index
        .tokenizers()
        .register(BIGRAM_ANALYZER, bigram_analyzer());
}

/// A token as the highlighter and query builder need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnalyzedToken {
    pub(crate) text: String,
    pub(crate) offset_from: usize,
    pub(crate) offset_to: usize,
    pub(crate) position: usize,
}

/// Runs `analyzer` over `text` and collects its tokens.
pub(crate) fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalyzedToken> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        let token = stream.token();
        tokens.push(AnalyzedToken {
            text: token.text.clone(),
            offset_from: token.offset_from,
            offset_to: token.offset_to,
            position: token.position,
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        analyze(analyzer, text)
            .into_iter()
            .map(|token| token.text)
            .collect()
    }

    #[test]
    fn english_inflections_share_a_stem() {
        let mut analyzer = jieba_analyzer();
        assert_eq!(
            texts(&mut analyzer, "websites"),
            texts(&mut analyzer, "Website")
        );
        assert_eq!(
            texts(&mut analyzer, "integrated"),
            texts(&mut analyzer, "integration")
        );
    }

    #[test]
    fn mixed_text_stems_latin_and_segments_han() {
        let tokens = texts(&mut jieba_analyzer(), "政府網站 Pilots");
        assert!(tokens.contains(&"政府".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"网站".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"pilot".to_string()), "{tokens:?}");
    }

    #[test]
    fn han_tokens_survive_the_stemmer() {
        let tokens = texts(&mut bigram_analyzer(), "护照");
        assert_eq!(tokens, ["护照"]);
    }

    #[test]
    fn long_tokens_are_dropped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(texts(&mut word_analyzer(), &long).is_empty());
    }
}
