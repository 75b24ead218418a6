//! Comparing two revisions for the pages: the fields that changed and the body, as runs of
//! text marked same, added or removed, which the templates wrap in `<ins>` and `<del>`.

use jiyue_core::clock::format_china_minute;
use jiyue_core::{diff_fields, diff_lines, Change, Span};
use jiyue_db::RevisionDetail;
use serde::Serialize;

use super::fields::labelled;

/// A run of text with its change: `same`, `added` or `removed`.
#[derive(Debug, Clone, Serialize)]
pub struct SpanView {
    pub kind: &'static str,
    pub text: String,
}

/// A field that changed, with its diff.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub label: String,
    pub spans: Vec<SpanView>,
}

/// The changed fields and body between two revisions.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub fields: Vec<FieldChange>,
    pub body: Vec<SpanView>,
    pub body_changed: bool,
}

fn span_views(spans: Vec<Span>) -> Vec<SpanView> {
    spans
        .into_iter()
        .map(|span| SpanView {
            kind: match span.change {
                Change::Same => "same",
                Change::Added => "added",
                Change::Removed => "removed",
            },
            text: span.text,
        })
        .collect()
}

/// Puts each block element of a body on its own line, so the body diff works line by line.
fn body_lines(html: &str) -> String {
    let mut text = html.replace("\r\n", "\n");
    for end in [
        "</p>", "</h2>", "</h3>", "</h4>", "</li>", "</tr>", "</table>", "<br>",
    ] {
        text = text.replace(end, &format!("{end}\n"));
    }
    text.replace("\n\n", "\n")
}

/// Compares revision `old` with revision `new`.
pub fn compare(old: &RevisionDetail, new: &RevisionDetail) -> Comparison {
    let old_fields = labelled(&old.meta, old.summary.publish_at.map(format_china_minute));
    let new_fields = labelled(&new.meta, new.summary.publish_at.map(format_china_minute));
    let fields = diff_fields(&old_fields, &new_fields)
        .into_iter()
        .map(|change| FieldChange {
            label: change.field,
            spans: span_views(change.spans),
        })
        .collect();
    let old_body = body_lines(&old.body_html);
    let new_body = body_lines(&new.body_html);
    let body_changed = old_body != new_body;
    Comparison {
        fields,
        body: span_views(diff_lines(&old_body, &new_body)),
        body_changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_get_their_own_lines() {
        assert_eq!(body_lines("<p>一</p><p>二</p>"), "<p>一</p>\n<p>二</p>\n");
    }
}
