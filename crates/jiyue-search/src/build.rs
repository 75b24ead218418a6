//! Turning a [`QueryPlan`] into a tantivy query: term and phrase queries over the jieba and
//! bigram fields, title weighted over body.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Term};

use crate::query::{HanRun, QueryPlan, Unit, UnitKind};
use crate::schema::Fields;

/// Weight of a term match in the title against 1.0 for the body.
const TITLE_WEIGHT: f32 = 3.0;
/// Weight of a Han word found through bigrams in the title (recall when jieba cut differently).
const TITLE_BIGRAM_WEIGHT: f32 = 1.5;
/// Weight of a Han word found through bigrams in the body.
const BODY_BIGRAM_WEIGHT: f32 = 0.5;
/// Extra weight when the words of a query run occur in the title in the order typed.
const TITLE_PHRASE_WEIGHT: f32 = 2.0;
/// Extra weight when the words of a query run occur in the body in the order typed.
const BODY_PHRASE_WEIGHT: f32 = 1.0;

/// How many required units a document must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// All units of short queries; three in four, rounded up, of queries with four or more.
    Most,
    /// Any one unit; used when the strict query finds nothing.
    Any,
}

/// Builds the text query of `plan`, or `None` when it has no units.
pub(crate) fn text_query(
    plan: &QueryPlan,
    fields: &Fields,
    strictness: Strictness,
) -> Option<Box<dyn Query>> {
    let required: Vec<Box<dyn Query>> = plan
        .units
        .iter()
        .filter(|unit| !unit.optional)
        .map(|unit| unit_query(unit, fields))
        .collect();
    let optional: Vec<Box<dyn Query>> = plan
        .units
        .iter()
        .filter(|unit| unit.optional)
        .map(|unit| unit_query(unit, fields))
        .collect();

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if required.is_empty() {
        if optional.is_empty() {
            return None;
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::union(optional))));
    } else {
        let minimum = minimum_matches(required.len(), strictness);
        let core = BooleanQuery::union_with_minimum_required_clauses(required, minimum);
        clauses.push((Occur::Must, Box::new(core)));
        clauses.extend(optional.into_iter().map(|query| (Occur::Should, query)));
    }

    for run in &plan.han_runs {
        clauses.extend(
            han_phrase_boosts(run, fields)
                .into_iter()
                .map(|q| (Occur::Should, q)),
        );
    }
    for words in &plan.word_phrases {
        let offsets: Vec<(usize, &str)> = words.iter().map(String::as_str).enumerate().collect();
        clauses.extend(
            phrase_boosts(&offsets, fields)
                .into_iter()
                .map(|q| (Occur::Should, q)),
        );
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn minimum_matches(required: usize, strictness: Strictness) -> usize {
    match strictness {
        Strictness::Any => 1,
        Strictness::Most if required <= 3 => required,
        Strictness::Most => (required * 3).div_ceil(4),
    }
}

/// Builds the query for one unit: the term in either jieba field, or for Han words also the
/// word spelled out in bigrams, which finds it however jieba cut the document.
fn unit_query(unit: &Unit, fields: &Fields) -> Box<dyn Query> {
    let mut alternatives: Vec<Box<dyn Query>> = vec![
        boosted(term_query(fields.title, &unit.text), TITLE_WEIGHT),
        term_query(fields.body, &unit.text),
    ];
    if unit.kind == UnitKind::Han {
        alternatives.extend(han_word_alternatives(&unit.text, fields));
    }
    if !unit.parts.is_empty() {
        let parts = unit
            .parts
            .iter()
            .map(|part| han_word_query(part, fields))
            .collect();
        alternatives.push(Box::new(BooleanQuery::intersection(parts)));
    }
    Box::new(BooleanQuery::union(alternatives))
}

/// Builds the query for one Han word anywhere in the title or body.
fn han_word_query(word: &str, fields: &Fields) -> Box<dyn Query> {
    let mut alternatives = vec![
        boosted(term_query(fields.title, word), TITLE_WEIGHT),
        term_query(fields.body, word),
    ];
    alternatives.extend(han_word_alternatives(word, fields));
    Box::new(BooleanQuery::union(alternatives))
}

fn han_word_alternatives(word: &str, fields: &Fields) -> [Box<dyn Query>; 2] {
    [
        boosted(bigram_query(fields.title_bigram, word), TITLE_BIGRAM_WEIGHT),
        boosted(bigram_query(fields.body_bigram, word), BODY_BIGRAM_WEIGHT),
    ]
}

/// Builds boosts for a Han run of several words: the words in order in the jieba fields, and
/// the whole run as consecutive bigrams.
fn han_phrase_boosts(run: &HanRun, fields: &Fields) -> Vec<Box<dyn Query>> {
    if run.words.len() < 2 {
        return Vec::new();
    }
    let offsets: Vec<(usize, &str)> = run
        .words
        .iter()
        .map(|(offset, word)| (*offset, word.as_str()))
        .collect();
    let mut boosts = phrase_boosts(&offsets, fields);
    boosts.push(boosted(
        bigram_query(fields.title_bigram, &run.text),
        TITLE_PHRASE_WEIGHT,
    ));
    boosts.push(boosted(
        bigram_query(fields.body_bigram, &run.text),
        BODY_PHRASE_WEIGHT,
    ));
    boosts
}

/// Builds title and body phrase queries over the jieba fields for terms at the given offsets.
fn phrase_boosts(offsets: &[(usize, &str)], fields: &Fields) -> Vec<Box<dyn Query>> {
    if offsets.len() < 2 {
        return Vec::new();
    }
    let phrase = |field: Field| -> Box<dyn Query> {
        let terms = offsets
            .iter()
            .map(|(offset, text)| (*offset, Term::from_field_text(field, text)))
            .collect();
        Box::new(PhraseQuery::new_with_offset(terms))
    };
    vec![
        boosted(phrase(fields.title), TITLE_PHRASE_WEIGHT),
        boosted(phrase(fields.body), BODY_PHRASE_WEIGHT),
    ]
}

/// Builds a query for `text` (folded Han characters) over a bigram field: one term for one or
/// two characters, otherwise a phrase of its bigrams.
fn bigram_query(field: Field, text: &str) -> Box<dyn Query> {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(offset, _)| offset)
        .chain(std::iter::once(text.len()))
        .collect();
    if boundaries.len() <= 3 {
        return term_query(field, text);
    }
    let terms = boundaries
        .windows(3)
        .enumerate()
        .map(|(offset, window)| {
            (
                offset,
                Term::from_field_text(field, &text[window[0]..window[2]]),
            )
        })
        .collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, weight))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_queries_require_every_unit() {
        assert_eq!(minimum_matches(1, Strictness::Most), 1);
        assert_eq!(minimum_matches(3, Strictness::Most), 3);
    }

    #[test]
    fn long_queries_require_three_in_four() {
        assert_eq!(minimum_matches(4, Strictness::Most), 3);
        assert_eq!(minimum_matches(10, Strictness::Most), 8);
        assert_eq!(minimum_matches(10, Strictness::Any), 1);
    }

    #[test]
    fn bigram_query_spells_out_long_words() {
        let (_, fields) = crate::schema::build_schema();
        let debug = format!("{:?}", bigram_query(fields.body_bigram, "身份证"));
        assert!(debug.contains("身份"), "{debug}");
        assert!(debug.contains("份证"), "{debug}");
        let debug = format!("{:?}", bigram_query(fields.body_bigram, "护照"));
        assert!(debug.contains("TermQuery"), "{debug}");
    }
}
