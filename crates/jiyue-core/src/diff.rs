//! Differences between two revisions of an item, for the revision-compare page: character diffs
//! of short texts, line-then-character diffs of bodies, and the list of fields that changed.
//!
//! Chinese has no spaces between words, so text is compared character by character. Every diff
//! stops refining after [`DIFF_TIME_LIMIT`] and returns a coarser, still correct result, so a
//! huge body cannot stall a request.

use std::time::{Duration, Instant};

use similar::{ChangeTag, DiffTag, TextDiff, TextDiffConfig};

/// The time after which a diff stops looking for the smallest result.
pub const DIFF_TIME_LIMIT: Duration = Duration::from_secs(1);

/// The minimum share of characters two changed blocks of lines must have in common for
/// [`diff_lines`] to show the characters that changed inside them. Below it, the old block is
/// shown removed and the new one added whole, which reads better than scattered single
/// characters. The value, 0.5, is a judgment call.
const MIN_BLOCK_SIMILARITY: f32 = 0.5;

/// The kind of a run of text in a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// A run of text that is in both sides, only in the new side or only in the old side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub change: Change,
    pub text: String,
}

/// A field whose value differs between two revisions, with both values and their diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    pub field: String,
    pub old: String,
    pub new: String,
    pub spans: Vec<Span>,
}

/// Compares two texts character by character (Chinese has no spaces between words), grouping runs.
///
/// Spans are never empty and no two neighbours have the same kind. Between two `Same` spans
/// there is at most one `Removed` span followed by at most one `Added` span.
pub fn diff_text(old: &str, new: &str) -> Vec<Span> {
    let deadline = deadline_from_now();
    let mut spans = SpanBuilder::default();
    push_char_diff(&mut spans, old, new, deadline);
    spans.finish()
}

/// Compares two long texts line by line, then characters inside changed lines. Meant for bodies.
///
/// Spans follow the same rules as in [`diff_text`]. A block of changed lines with less than
/// half of its characters in common with its replacement is shown as removed and added whole.
pub fn diff_lines(old: &str, new: &str) -> Vec<Span> {
    let deadline = deadline_from_now();
    line_diff_until(old, new, deadline)
}

/// Compares named fields and returns only the fields that differ, in the order given by `new`
/// (fields present only in `old` come last).
///
/// A field missing on one side counts as empty there. Values that contain a line break are
/// compared with [`diff_lines`], others with [`diff_text`]. All fields share one time limit.
/// When a name appears twice on one side, its first value is compared.
pub fn diff_fields(old: &[(String, String)], new: &[(String, String)]) -> Vec<FieldDiff> {
    let deadline = deadline_from_now();
    let mut diffs = Vec::new();
    let mut seen: Vec<&str> = Vec::new();

    let new_names = new.iter().map(|(name, _)| name);
    let old_only = old
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !has_field(new, name));
    for name in new_names.chain(old_only) {
        if seen.contains(&name.as_str()) {
            continue;
        }
        seen.push(name);

        let old_value = field_value(old, name);
        let new_value = field_value(new, name);
        if old_value == new_value {
            continue;
        }
        let spans = if old_value.contains('\n') || new_value.contains('\n') {
            line_diff_until(old_value, new_value, deadline)
        } else {
            let mut builder = SpanBuilder::default();
            push_char_diff(&mut builder, old_value, new_value, deadline);
            builder.finish()
        };
        diffs.push(FieldDiff {
            field: name.clone(),
            old: old_value.to_owned(),
            new: new_value.to_owned(),
            spans,
        });
    }
    diffs
}

fn has_field(fields: &[(String, String)], name: &str) -> bool {
    fields.iter().any(|(field, _)| field == name)
}

fn field_value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(field, _)| field == name)
        .map_or("", |(_, value)| value.as_str())
}

/// Returns the instant [`DIFF_TIME_LIMIT`] from now, or `None` if the clock cannot represent it.
fn deadline_from_now() -> Option<Instant> {
    Instant::now().checked_add(DIFF_TIME_LIMIT)
}

fn configure(deadline: Option<Instant>) -> TextDiffConfig {
    let mut config = TextDiff::configure();
    if let Some(deadline) = deadline {
        config.deadline(deadline);
    }
    config
}

/// Diffs lines, then hands each block of changed lines to a character diff.
fn line_diff_until(old: &str, new: &str, deadline: Option<Instant>) -> Vec<Span> {
    let diff = configure(deadline).diff_lines(old, new);
    let old_lines = diff.old_slices();
    let new_lines = diff.new_slices();
    let mut spans = SpanBuilder::default();
    let mut old_block = String::new();
    let mut new_block = String::new();

    for op in diff.ops() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_part = old_lines.get(old_range).unwrap_or_default().concat();
        if tag == DiffTag::Equal {
            push_block(&mut spans, &old_block, &new_block, deadline);
            old_block.clear();
            new_block.clear();
            spans.push(Change::Same, &old_part);
        } else {
            old_block.push_str(&old_part);
            new_block.push_str(&new_lines.get(new_range).unwrap_or_default().concat());
        }
    }
    push_block(&mut spans, &old_block, &new_block, deadline);
    spans.finish()
}

/// Adds the diff of one block of changed lines: by character when the two sides are similar
/// enough, else the whole old block removed and the whole new block added.
fn push_block(spans: &mut SpanBuilder, old: &str, new: &str, deadline: Option<Instant>) {
    if old.is_empty() || new.is_empty() {
        spans.push(Change::Removed, old);
        spans.push(Change::Added, new);
        return;
    }

    let diff = configure(deadline).diff_chars(old, new);
    if diff.ratio() < MIN_BLOCK_SIMILARITY {
        spans.push(Change::Removed, old);
        spans.push(Change::Added, new);
        return;
    }
    for change in diff.iter_all_changes() {
        spans.push(change_kind(change.tag()), change.value());
    }
}

fn push_char_diff(spans: &mut SpanBuilder, old: &str, new: &str, deadline: Option<Instant>) {
    let diff = configure(deadline).diff_chars(old, new);
    for change in diff.iter_all_changes() {
        spans.push(change_kind(change.tag()), change.value());
    }
}

fn change_kind(tag: ChangeTag) -> Change {
    match tag {
        ChangeTag::Equal => Change::Same,
        ChangeTag::Insert => Change::Added,
        ChangeTag::Delete => Change::Removed,
    }
}

/// Collects pieces of a diff into spans: merges neighbours of the same kind and, inside each run
/// of changes, puts everything removed before everything added.
#[derive(Default)]
struct SpanBuilder {
    spans: Vec<Span>,
    removed: String,
    added: String,
}

impl SpanBuilder {
    fn push(&mut self, change: Change, text: &str) {
        match change {
            Change::Removed => self.removed.push_str(text),
            Change::Added => self.added.push_str(text),
            Change::Same => {
                if text.is_empty() {
                    return;
                }
                self.flush_changes();
                match self.spans.last_mut() {
                    Some(last) if last.change == Change::Same => last.text.push_str(text),
                    _ => self.spans.push(Span {
                        change: Change::Same,
                        text: text.to_owned(),
                    }),
                }
            }
        }
    }

    fn flush_changes(&mut self) {
        for (change, text) in [
            (Change::Removed, std::mem::take(&mut self.removed)),
            (Change::Added, std::mem::take(&mut self.added)),
        ] {
            if !text.is_empty() {
                self.spans.push(Span { change, text });
            }
        }
    }

    fn finish(mut self) -> Vec<Span> {
        self.flush_changes();
        self.spans
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn span(change: Change, text: &str) -> Span {
        Span {
            change,
            text: text.to_owned(),
        }
    }

    fn same(text: &str) -> Span {
        span(Change::Same, text)
    }

    fn added(text: &str) -> Span {
        span(Change::Added, text)
    }

    fn removed(text: &str) -> Span {
        span(Change::Removed, text)
    }

    fn field(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    /// Rebuilds one side from the spans by leaving out `skip`: `Added` for the old side,
    /// `Removed` for the new side.
    fn side(spans: &[Span], skip: Change) -> String {
        spans
            .iter()
            .filter(|s| s.change != skip)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn text_one_character_replaced() {
        let spans = diff_text("李甘杰", "李干杰");
        assert_eq!(
            spans,
            vec![same("李"), removed("甘"), added("干"), same("杰")]
        );
    }

    #[test]
    fn text_english_words() {
        let spans = diff_text("the quick fox", "the slow fox");
        assert_eq!(side(&spans, Change::Added), "the quick fox");
        assert_eq!(side(&spans, Change::Removed), "the slow fox");
        assert_eq!(spans.first(), Some(&same("the ")));
        assert_eq!(spans.last(), Some(&same(" fox")));
    }

    #[test]
    fn text_empty_sides() {
        assert_eq!(diff_text("", ""), vec![]);
        assert_eq!(diff_text("", "新增"), vec![added("新增")]);
        assert_eq!(diff_text("删除", ""), vec![removed("删除")]);
        assert_eq!(diff_text("相同", "相同"), vec![same("相同")]);
    }

    #[test]
    fn text_removed_before_added() {
        let spans = diff_text("通知公告", "公示通报");
        for pair in spans.windows(2) {
            assert_ne!(pair[0].change, pair[1].change, "{spans:?}");
            let added_then_removed =
                pair[0].change == Change::Added && pair[1].change == Change::Removed;
            assert!(!added_then_removed, "{spans:?}");
        }
    }

    #[test]
    fn lines_change_inside_one_line() {
        let old = "第一段。\n关于李甘杰同志任职的通知\n第三段。\n";
        let new = "第一段。\n关于李干杰同志任职的通知\n第三段。\n";
        let spans = diff_lines(old, new);
        let expected = vec![
            same("第一段。\n关于李"),
            removed("甘"),
            added("干"),
            same("杰同志任职的通知\n第三段。\n"),
        ];
        assert_eq!(spans, expected);
    }

    #[test]
    fn lines_rewritten_block_whole() {
        let old = "标题\n春季植树活动安排\n结尾\n";
        let new = "标题\nAnnual budget report\n结尾\n";
        let spans = diff_lines(old, new);
        let expected = vec![
            same("标题\n"),
            removed("春季植树活动安排\n"),
            added("Annual budget report\n"),
            same("结尾\n"),
        ];
        assert_eq!(spans, expected);
    }

    #[test]
    fn lines_added_and_removed() {
        let spans = diff_lines("a\nb\nc\n", "a\nc\nd\n");
        assert_eq!(
            spans,
            vec![same("a\n"), removed("b\n"), same("c\n"), added("d\n")]
        );
        assert_eq!(diff_lines("", "x\ny"), vec![added("x\ny")]);
        assert_eq!(diff_lines("x\ny", ""), vec![removed("x\ny")]);
    }

    #[test]
    fn lines_missing_final_newline() {
        let spans = diff_lines("甲\n乙", "甲\n乙\n");
        assert_eq!(spans, vec![same("甲\n乙"), added("\n")]);
    }

    #[test]
    fn lines_huge_body_is_bounded() {
        let old: String = (0..20_000).map(|i| format!("第{i}行内容\n")).collect();
        let new: String = (0..20_000)
            .map(|i| format!("第{}行内容\n", i * 7 % 20_011))
            .collect();
        let started = Instant::now();
        let spans = diff_lines(&old, &new);
        let elapsed = started.elapsed();

        assert_eq!(side(&spans, Change::Added), old);
        assert_eq!(side(&spans, Change::Removed), new);
        assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    }

    #[test]
    fn fields_only_changed_in_order() {
        let old = [
            field("title", "李甘杰"),
            field("source", "办公室"),
            field("summary", "旧"),
        ];
        let new = [
            field("source", "办公厅"),
            field("author", "张三"),
            field("title", "李甘杰"),
        ];
        let diffs = diff_fields(&old, &new);

        let names: Vec<&str> = diffs.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(names, ["source", "author", "summary"]);
        assert_eq!(diffs[0].old, "办公室");
        assert_eq!(diffs[0].new, "办公厅");
        assert_eq!(
            diffs[0].spans,
            vec![same("办公"), removed("室"), added("厅")]
        );
        assert_eq!(diffs[1].old, "");
        assert_eq!(diffs[1].spans, vec![added("张三")]);
        assert_eq!(diffs[2].new, "");
        assert_eq!(diffs[2].spans, vec![removed("旧")]);
    }

    #[test]
    fn fields_multi_line_by_lines() {
        let old = [field("body", "一\n二\n三\n")];
        let new = [field("body", "一\n贰\n三\n")];
        let diffs = diff_fields(&old, &new);
        assert_eq!(diffs.len(), 1);
        let expected = vec![same("一\n"), removed("二"), added("贰"), same("\n三\n")];
        assert_eq!(diffs[0].spans, expected);
    }

    #[test]
    fn fields_equal_gives_nothing() {
        let fields = [field("title", "通知"), field("body", "正文")];
        assert_eq!(diff_fields(&fields, &fields), vec![]);
        assert_eq!(diff_fields(&[], &[]), vec![]);
    }

    fn check_spans(spans: &[Span], old: &str, new: &str) -> Result<(), TestCaseError> {
        prop_assert_eq!(side(spans, Change::Added), old);
        prop_assert_eq!(side(spans, Change::Removed), new);
        prop_assert!(spans.iter().all(|s| !s.text.is_empty()));
        for pair in spans.windows(2) {
            prop_assert_ne!(pair[0].change, pair[1].change);
            prop_assert!(!(pair[0].change == Change::Added && pair[1].change == Change::Removed));
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn spans_rebuild_both_sides(old in "[甲乙丙a-c\n ]{0,40}", new in "[甲乙丙a-c\n ]{0,40}") {
            check_spans(&diff_text(&old, &new), &old, &new)?;
            check_spans(&diff_lines(&old, &new), &old, &new)?;
        }
    }
}
