//! HTML cleaning for item bodies: an allowlist sanitizer tuned for government articles pasted
//! from Word or WPS, Markdown conversion, and plain-text extraction for search and summaries.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{html, Options, Parser};

/// Elements an article body may contain. `b` and `i` stay because Word and WPS mark bold and
/// italic text with them instead of `strong` and `em`. `h1` is left out because the page title
/// is the only `h1`.
const ARTICLE_TAGS: [&str; 33] = [
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "colgroup",
    "col",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "a",
    "img",
    "figure",
    "figcaption",
    "blockquote",
    "strong",
    "em",
    "b",
    "i",
    "sub",
    "sup",
    "br",
    "hr",
    "pre",
];

/// Elements removed together with their content: scripts, styles, Word's `<xml>` data
/// islands, page titles and embedded frames.
const DROPPED_WITH_CONTENT: [&str; 5] = ["script", "style", "xml", "title", "iframe"];

/// Serialized forms of elements that carry nothing once attributes are gone (Word bookmarks,
/// empty formatting, blank paragraphs); `sanitize_html` removes them.
const EMPTY_ELEMENTS: [&str; 10] = [
    "<a rel=\"noopener noreferrer\"></a>",
    "<strong></strong>",
    "<em></em>",
    "<b></b>",
    "<i></i>",
    "<sub></sub>",
    "<sup></sup>",
    "<p></p>",
    "<p>&nbsp;</p>",
    "<p> </p>",
];

/// Elements after which `html_to_text` starts a new line.
const BLOCK_TAGS: [&str; 27] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "tr",
    "div",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "br",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "dl",
    "dt",
    "dd",
];

/// Tags that may carry the editor's alignment classes.
const ALIGNABLE_TAGS: [&str; 5] = ["p", "h2", "h3", "h4", "li"];

static ARTICLE_SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(article_builder);
static TEXT_EXTRACTOR: LazyLock<Builder<'static>> = LazyLock::new(text_builder);

fn article_builder() -> Builder<'static> {
    let tag_attributes: HashMap<&str, HashSet<&str>> = HashMap::from([
        ("a", HashSet::from(["href"])),
        ("img", HashSet::from(["src", "alt", "width", "height"])),
        ("td", HashSet::from(["colspan", "rowspan"])),
        ("th", HashSet::from(["colspan", "rowspan", "scope"])),
        ("col", HashSet::from(["span"])),
        ("colgroup", HashSet::from(["span"])),
        ("ol", HashSet::from(["start"])),
    ]);

    // The alignment classes the admin editor writes; the theme's stylesheet styles them.
    let alignment = HashSet::from(["ql-align-center", "ql-align-right", "ql-align-justify"]);
    let allowed_classes: HashMap<&str, HashSet<&str>> = ALIGNABLE_TAGS
        .into_iter()
        .map(|tag| (tag, alignment.clone()))
        .collect();

    let mut builder = Builder::empty();
    builder
        .tags(HashSet::from(ARTICLE_TAGS))
        .clean_content_tags(HashSet::from(DROPPED_WITH_CONTENT))
        .tag_attributes(tag_attributes)
        .allowed_classes(allowed_classes)
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
}

fn text_builder() -> Builder<'static> {
    let mut builder = Builder::empty();
    let mut tags = HashSet::from(BLOCK_TAGS);
    tags.extend(["td", "th"]);
    builder
        .tags(tags)
        .clean_content_tags(HashSet::from(DROPPED_WITH_CONTENT))
        .tag_attributes(HashMap::new())
        .generic_attributes(HashSet::new())
        .link_rel(None)
        .strip_comments(true);
    builder
}

/// Cleans untrusted HTML for an article body.
///
/// Keeps paragraphs, `h2`–`h6`, lists, tables (with `colspan` and `rowspan`), links (`http`,
/// `https`, `mailto` and relative URLs, given `rel="noopener noreferrer"`), images (`src`,
/// `alt`, `width`, `height`), figures, quotes, `strong`, `em`, `b`, `i`, `sub`, `sup`, `br`,
/// `hr` and `pre`, and the editor's alignment classes (`ql-align-center`, `-right`, `-justify`)
/// on paragraphs, headings and list items. Removes scripts and styles with their content,
/// event handlers and every
/// other attribute (so Word's `mso-` styles and classes), `javascript:` and `data:` URLs,
/// comments (so Word and WPS conditional comments), Office namespaced elements such as
/// `<o:p>`, and elements left empty.
pub fn sanitize_html(input: &str) -> String {
    let mut cleaned = remove_images_without_src(&ARTICLE_SANITIZER.clean(input).to_string());
    // The sanitizer leaves `class=""` where it removed every class. These tags keep no other
    // attribute, and text cannot hold a `<`, so the empty attribute is dropped exactly.
    for tag in ALIGNABLE_TAGS {
        cleaned = cleaned.replace(&format!("<{tag} class=\"\">"), &format!("<{tag}>"));
    }
    loop {
        let before = cleaned.len();
        for empty in EMPTY_ELEMENTS {
            cleaned = cleaned.replace(empty, "");
        }
        if cleaned.len() == before {
            break;
        }
    }
    cleaned.trim().to_owned()
}

/// Removes `<img>` elements whose `src` the sanitizer dropped (such as Word's `file:///` paths
/// to the author's disk), which would show as broken images.
///
/// It relies on the sanitizer's serialization, where every attribute value is double-quoted
/// and contains no raw `"`, so a `>` outside quotes ends the tag.
fn remove_images_without_src(html: &str) -> String {
    let mut output = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        output.push_str(&rest[..start]);
        let tag_length = tag_length(&rest[start..]);
        let tag = &rest[start..start + tag_length];
        if tag.contains(" src=\"") {
            output.push_str(tag);
        }
        rest = &rest[start + tag_length..];
    }
    output.push_str(rest);
    output
}

/// Returns the length of the tag at the start of `html`, up to and including the `>` that is
/// outside quotes, or the whole length when the tag is not closed.
fn tag_length(html: &str) -> usize {
    let mut quoted = false;
    for (index, character) in html.char_indices() {
        match character {
            '"' => quoted = !quoted,
            '>' if !quoted => return index + 1,
            _ => {}
        }
    }
    html.len()
}

/// Converts Markdown (CommonMark with tables) to sanitized HTML; raw HTML in the source goes
/// through the same allowlist as `sanitize_html`.
pub fn markdown_to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    sanitize_html(&unsafe_html)
}

/// Extracts the readable text of an HTML fragment for search indexing and summaries: one line
/// per block (paragraph, heading, list item, table row), whitespace collapsed, entities
/// decoded, and script and style content dropped.
pub fn html_to_text(html: &str) -> String {
    let blocks_only = TEXT_EXTRACTOR.clean(html).to_string();

    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut rest = blocks_only.as_str();
    while let Some(start) = rest.find('<') {
        push_collapsed(&mut line, &decode_entities(&rest[..start]));
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        let name = tag.trim_start_matches('/');
        if name == "td" || name == "th" {
            push_collapsed(&mut line, " ");
        } else {
            finish_line(&mut lines, &mut line);
        }
        rest = &rest[start + end + 1..];
    }
    push_collapsed(&mut line, &decode_entities(rest));
    finish_line(&mut lines, &mut line);
    lines.join("\n")
}

/// Appends `text` to `line`, turning each run of whitespace into one space.
fn push_collapsed(line: &mut String, text: &str) {
    for character in text.chars() {
        if character.is_whitespace() {
            if !line.is_empty() && !line.ends_with(' ') {
                line.push(' ');
            }
        } else {
            line.push(character);
        }
    }
}

fn finish_line(lines: &mut Vec<String>, line: &mut String) {
    let trimmed = line.trim();
    if !trimmed.is_empty() {
        lines.push(trimmed.to_owned());
    }
    line.clear();
}

/// Decodes the entities the HTML serializer writes in text: `&lt;`, `&gt;`, `&quot;`,
/// `&nbsp;` and `&amp;` (last, so `&amp;lt;` stays `&lt;`).
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_article_structure() {
        let html = "<h2>一、总体要求</h2><p>正文<strong>重点</strong></p><ul><li>一</li></ul>";
        assert_eq!(sanitize_html(html), html);
    }

    #[test]
    fn links_get_rel() {
        let cleaned = sanitize_html(r#"<a href="https://www.gov.cn/">中国政府网</a>"#);
        assert_eq!(
            cleaned,
            r#"<a href="https://www.gov.cn/" rel="noopener noreferrer">中国政府网</a>"#
        );
    }

    #[test]
    fn relative_and_mailto_links_stay() {
        let cleaned = sanitize_html(
            r#"<a href="/zw/index.html">政务</a><a href="mailto:a@jl.gov.cn">信箱</a>"#,
        );
        assert!(cleaned.contains(r#"href="/zw/index.html""#));
        assert!(cleaned.contains(r#"href="mailto:a@jl.gov.cn""#));
    }

    #[test]
    fn table_spans_stay() {
        let html = r#"<table><tbody><tr><td colspan="2" rowspan="3" style="width:20px">合计</td></tr></tbody></table>"#;
        assert_eq!(
            sanitize_html(html),
            r#"<table><tbody><tr><td colspan="2" rowspan="3">合计</td></tr></tbody></table>"#
        );
    }

    #[test]
    fn images_without_source_are_removed() {
        let cleaned = sanitize_html(
            r#"<p><img src="file:///C:/a.png" alt="a > b"></p><p><img alt="x > y" src="/b.png"></p>"#,
        );
        assert_eq!(cleaned, r#"<p><img alt="x &gt; y" src="/b.png"></p>"#);
    }

    #[test]
    fn markdown_tables_render() {
        let html = markdown_to_html("| 地区 | 数量 |\n| --- | --- |\n| 长春 | 12 |\n");
        assert!(html.contains("<table>"));
        assert!(html.contains("<td>长春</td>"));
    }

    #[test]
    fn markdown_raw_html_is_sanitized() {
        let html =
            markdown_to_html("正文\n\n<script>alert(1)</script>\n\n[链接](javascript:alert(1))");
        assert!(!html.contains("script"));
        assert!(!html.contains("javascript"));
        assert!(html.contains("正文"));
    }

    #[test]
    fn text_has_one_line_per_block() {
        let text = html_to_text(
            "<h2>标题</h2><p>第一段&nbsp;内容 &amp; 说明</p><p>第二段\n  换行</p>\
             <table><tr><td>甲</td><td>乙</td></tr></table><script>var x = 1;</script>",
        );
        assert_eq!(text, "标题\n第一段 内容 & 说明\n第二段 换行\n甲 乙");
    }

    #[test]
    fn text_decodes_escaped_markup_once() {
        assert_eq!(html_to_text("<p>a &lt;b&gt; &amp;lt;</p>"), "a <b> &lt;");
    }

    #[test]
    fn keeps_only_the_editor_alignment_classes() {
        let cleaned = sanitize_html(
            r#"<p class="ql-align-center MsoNormal">居中</p><p class="evil">x</p><div class="ql-align-right">y</div>"#,
        );
        assert_eq!(cleaned, r#"<p class="ql-align-center">居中</p><p>x</p>y"#);
    }
}
