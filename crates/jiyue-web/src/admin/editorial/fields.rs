//! The metadata fields as the editorial pages name them: catalog messages of validation
//! errors, the choices of the coded vocabularies for the form's selects and checkboxes, and
//! the labelled values of a revision that the comparison pages diff.

use jiyue_core::clock::format_china_minute;
use jiyue_core::metadata::vocabulary::{self, Term, AUDIENCES, GENRES, SUBJECTS};
use jiyue_core::{ItemMeta, Validity};
use serde::Serialize;

use super::super::messages::FieldError;
use super::super::render;

/// Returns the form error for a metadata rule that failed, in the admin language.
pub fn meta_error(error: &jiyue_core::FieldError) -> FieldError {
    let (field, key) = match error.field {
        "title" => ("title", "editorial-error-title"),
        "lang" => ("lang", "editorial-error-lang"),
        "document_number" => ("document_number", "editorial-error-document-number"),
        "written_date" => ("written_date", "editorial-error-written-date"),
        "subject" => ("subject", "editorial-error-subject"),
        "genre" => ("genre", "editorial-error-genre"),
        "audience" => ("audience_01", "editorial-error-audience"),
        "keywords" => ("keywords", "editorial-error-keywords"),
        "summary" => ("summary", "editorial-error-summary"),
        "superseded_by" => ("superseded_by", "editorial-error-superseded-by"),
        _ => ("title", "editorial-error-other"),
    };
    FieldError::new(field, key)
}

/// One choice of a select or a checkbox.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A group of choices under a heading (an `<optgroup>`).
#[derive(Debug, Clone, Serialize)]
pub struct ChoiceGroup {
    pub label: String,
    pub choices: Vec<Choice>,
}

fn choice(term: &Term) -> Choice {
    Choice {
        value: term.code.to_string(),
        label: term.name_zh.to_string(),
    }
}

/// Returns the subjects grouped by top-level term; each group offers the top-level term
/// itself and its second-level terms shown as `综合政务\政务公开`.
pub fn subject_groups() -> Vec<ChoiceGroup> {
    SUBJECTS
        .iter()
        .filter(|term| term.parent.is_none())
        .map(|top| {
            let mut choices = vec![choice(top)];
            choices.extend(
                vocabulary::subject_children(top.code)
                    .into_iter()
                    .map(|term| Choice {
                        value: term.code.to_string(),
                        label: vocabulary::subject_path(term.code)
                            .unwrap_or_else(|| term.name_zh.to_string()),
                    }),
            );
            ChoiceGroup {
                label: top.name_zh.to_string(),
                choices,
            }
        })
        .collect()
}

/// Returns the genres.
pub fn genres() -> Vec<Choice> {
    GENRES.iter().map(choice).collect()
}

/// Returns the audiences.
pub fn audiences() -> Vec<Choice> {
    AUDIENCES.iter().map(choice).collect()
}

/// Returns the validities with their Chinese names.
pub fn validities() -> Vec<Choice> {
    Validity::ALL
        .into_iter()
        .map(|validity| Choice {
            value: validity.code().to_string(),
            label: validity.name_zh().to_string(),
        })
        .collect()
}

/// Returns the metadata of a revision as labelled text, in form order, for comparison.
pub fn labelled(meta: &ItemMeta, publish_at: Option<String>) -> Vec<(String, String)> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let coded = |code: &Option<String>, find: fn(&str) -> Option<&'static Term>| {
        code.as_deref()
            .map(|code| find(code).map_or(code.to_string(), |t| t.name_zh.to_string()))
            .unwrap_or_default()
    };
    let audience: Vec<String> = meta
        .audience
        .iter()
        .map(|code| vocabulary::audience(code).map_or(code.clone(), |t| t.name_zh.to_string()))
        .collect();
    let rows = [
        ("editorial-field-title", meta.title.clone()),
        ("editorial-field-subtitle", text(&meta.subtitle)),
        ("editorial-field-lang", meta.lang.clone()),
        ("editorial-field-issuing-org", text(&meta.issuing_org)),
        (
            "editorial-field-written-date",
            meta.written_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "editorial-field-document-number",
            text(&meta.document_number),
        ),
        (
            "editorial-field-published-at",
            meta.published_at
                .map(format_china_minute)
                .unwrap_or_default(),
        ),
        ("editorial-field-source", text(&meta.source)),
        ("editorial-field-author", text(&meta.author)),
        ("editorial-field-editor", text(&meta.editor)),
        (
            "editorial-field-subject",
            meta.subject
                .as_deref()
                .and_then(vocabulary::subject_path)
                .unwrap_or_default(),
        ),
        (
            "editorial-field-genre",
            coded(&meta.genre, vocabulary::genre),
        ),
        ("editorial-field-audience", audience.join("、")),
        ("editorial-field-keywords", meta.keywords.join("、")),
        ("editorial-field-summary", text(&meta.summary)),
        (
            "editorial-field-validity",
            meta.validity.name_zh().to_string(),
        ),
        (
            "editorial-field-superseded-by",
            meta.superseded_by.join("、"),
        ),
        ("editorial-field-interprets", meta.interprets.join("、")),
        ("editorial-field-publish-at", publish_at.unwrap_or_default()),
    ];
    rows.into_iter()
        .map(|(key, value)| (render::message(key), value))
        .collect()
}
