//! Markdown import files: TOML front matter between two `+++` lines, then a Markdown body.

use std::path::Path;

use jiyue_db::ItemInput;
use toml::de::DeTable;

use super::error::{check, ImportError};
use super::fields::{from_toml, Fields, LineIndex};
use super::record::{front_matter_keys, read_item, ParsedItem};

/// The line that opens and closes the front matter.
const FENCE: &str = "+++";

/// Parses one Markdown import file into an item, converting the body to sanitized HTML.
///
/// Every error found is returned, each naming the file, the line and the field. Checks that
/// need the database (whether the site and column exist) are made by `import_paths`.
pub fn parse_markdown(path: &Path, text: &str) -> Result<ItemInput, ImportError> {
    parse_markdown_located(path, text).map(|parsed| parsed.input)
}

/// Parses one Markdown import file, keeping the line of every key.
pub(crate) fn parse_markdown_located(path: &Path, text: &str) -> Result<ParsedItem, ImportError> {
    let file = path.display().to_string();
    let (front, body) = split_front_matter(&file, text)?;

    // The front matter starts on line 2, after the opening fence.
    let lines = LineIndex::new(front, 2);
    let table = DeTable::parse(front).map_err(|error| {
        let line = error.span().map_or(1, |span| lines.line(span.start));
        let message = format!("invalid TOML front matter: {}", error.message().trim());
        ImportError::at(&file, line, None, message)
    })?;

    let mut fields = Fields::new(&file, 1, from_toml(table.get_ref(), &lines));
    fields.reject_unknown(&front_matter_keys());
    let body_html = super::body::markdown_to_html(body);
    let input = read_item(&mut fields, body_html);
    check(std::mem::take(&mut fields.diagnostics))?;

    Ok(ParsedItem {
        input,
        file,
        line: 1,
        lines: fields.lines().clone(),
    })
}

/// Splits a file into its front matter and its body. The first line must be `+++`.
fn split_front_matter<'a>(file: &str, text: &'a str) -> Result<(&'a str, &'a str), ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = strip_fence_line(text) else {
        let message = "missing front matter: the first line must be +++, followed by the \
                       item's keys in TOML and another +++ line";
        return Err(ImportError::at(file, 1, None, message));
    };

    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == FENCE {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((front, body));
        }
        offset += line.len();
    }
    let message = "the front matter opened on line 1 is not closed; add a +++ line after \
                   the last key";
    Err(ImportError::at(file, 1, None, message))
}

/// Returns the text after a first line that is exactly the fence.
fn strip_fence_line(text: &str) -> Option<&str> {
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first, rest),
        None => (text, ""),
    };
    (first.trim_end() == FENCE).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_front_and_body() {
        let (front, body) = split_front_matter("a.md", "+++\nid = \"x\"\n+++\n\nText\n").unwrap();
        assert_eq!(front, "id = \"x\"\n");
        assert_eq!(body, "\nText\n");
    }

    #[test]
    fn split_handles_crlf() {
        let (front, body) = split_front_matter("a.md", "+++\r\nid = 1\r\n+++\r\nB").unwrap();
        assert_eq!(front, "id = 1\r\n");
        assert_eq!(body, "B");
    }

    #[test]
    fn split_rejects_unclosed() {
        let error = split_front_matter("a.md", "+++\nid = 1\n").unwrap_err();
        assert!(error.to_string().starts_with("a.md:1: "), "{error}");
    }

    #[test]
    fn split_rejects_missing_fence() {
        assert!(split_front_matter("a.md", "# Title\n").is_err());
    }
}
