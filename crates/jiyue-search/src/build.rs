//! Turning a [`QueryPlan`] into tantivy queries: term and phrase queries over the jieba and
//! bigram fields, title and service names weighted over body, and the query that finds the
//! services a plan names.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Term};

use crate::query::{HanRun, QueryPlan, Unit, UnitKind};
use crate::schema::{Fields, SERVICE_KIND};
use crate::synonyms::Member;

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
    let targets = text_targets(fields);
    let required: Vec<Box<dyn Query>> = plan
        .units
        .iter()
        .filter(|unit| !unit.optional)
        .map(|unit| unit_query(unit, &targets))
        .collect();
    let optional: Vec<Box<dyn Query>> = plan
        .units
        .iter()
        .filter(|unit| unit.optional)
        .map(|unit| unit_query(unit, &targets))
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

/// A jieba field and its bigram twin, with the weight of a match in each.
#[derive(Debug, Clone, Copy)]
struct Target {
    words: Field,
    bigrams: Field,
    word_weight: f32,
    bigram_weight: f32,
}

/// Returns the fields the text query searches: title, body and the other names of services.
fn text_targets(fields: &Fields) -> [Target; 3] {
    [
        Target {
            words: fields.title,
            bigrams: fields.title_bigram,
            word_weight: TITLE_WEIGHT,
            bigram_weight: TITLE_BIGRAM_WEIGHT,
        },
        Target {
            words: fields.body,
            bigrams: fields.body_bigram,
            word_weight: 1.0,
            bigram_weight: BODY_BIGRAM_WEIGHT,
        },
        Target {
            words: fields.names,
            bigrams: fields.names_bigram,
            word_weight: TITLE_WEIGHT,
            bigram_weight: TITLE_BIGRAM_WEIGHT,
        },
    ]
}

/// Builds the query matching the services that `plan` names: documents of kind `service`
/// whose title or names equal one of `exact_names` (normalized), or whose title and names
/// together contain every required unit of the plan, or every unit when none is required.
/// Returns `None` when there is nothing to match.
pub(crate) fn naming_query(
    plan: &QueryPlan,
    fields: &Fields,
    exact_names: &[String],
) -> Option<Box<dyn Query>> {
    let [title, _, names] = text_targets(fields);
    let targets = [title, names];
    let any_required = plan.units.iter().any(|unit| !unit.optional);
    let words: Vec<Box<dyn Query>> = plan
        .units
        .iter()
        .filter(|unit| !any_required || !unit.optional)
        .map(|unit| unit_query(unit, &targets))
        .collect();

    let mut alternatives: Vec<Box<dyn Query>> = exact_names
        .iter()
        .map(|name| term_query(fields.name_keys, name))
        .collect();
    if !words.is_empty() {
        alternatives.push(Box::new(BooleanQuery::intersection(words)));
    }
    if alternatives.is_empty() {
        return None;
    }
    let service = term_query(fields.kind, SERVICE_KIND);
    Some(Box::new(BooleanQuery::intersection(vec![
        service,
        Box::new(BooleanQuery::union(alternatives)),
    ])))
}

/// Builds the query for one unit: the term in any target, for Han words also the word spelled
/// out in bigrams (which finds it however jieba cut the document), all dictionary parts of a
/// long word, or any of the unit's synonyms.
fn unit_query(unit: &Unit, targets: &[Target]) -> Box<dyn Query> {
    let mut alternatives = word_alternatives(unit.kind, &unit.text, targets);
    if !unit.parts.is_empty() {
        let parts = unit
            .parts
            .iter()
            .map(|part| any_of(word_alternatives(UnitKind::Han, part, targets)))
            .collect();
        alternatives.push(Box::new(BooleanQuery::intersection(parts)));
    }
    for member in &unit.synonyms {
        alternatives.push(member_query(member, targets));
    }
    any_of(alternatives)
}

/// Builds the query for a synonym member: every one of its words in some target.
fn member_query(member: &Member, targets: &[Target]) -> Box<dyn Query> {
    let words: Vec<Box<dyn Query>> = member
        .words
        .iter()
        .map(|word| any_of(word_alternatives(word.kind, &word.text, targets)))
        .collect();
    if words.len() == 1 {
        return any_of(words);
    }
    Box::new(BooleanQuery::intersection(words))
}

/// Builds one weighted query per target for a word: the term, and for Han words the bigrams.
fn word_alternatives(kind: UnitKind, text: &str, targets: &[Target]) -> Vec<Box<dyn Query>> {
    let mut alternatives = Vec::new();
    for target in targets {
        alternatives.push(boosted(term_query(target.words, text), target.word_weight));
        if kind == UnitKind::Han {
            alternatives.push(boosted(
                bigram_query(target.bigrams, text),
                target.bigram_weight,
            ));
        }
    }
    alternatives
}

fn any_of(alternatives: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::union(alternatives))
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
