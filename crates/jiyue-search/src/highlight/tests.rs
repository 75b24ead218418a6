//! Tests of highlighting and snippets on Chinese, English and text with HTML characters.

use proptest::prelude::*;

use super::*;

fn highlighter(query: &str) -> Highlighter {
    Highlighter::new(&QueryPlan::new(query))
}

#[test]
fn chinese_title_marks_whole_words() {
    let html = highlighter("身份证 换领").title_html("居民身份证换领指南");
    assert_eq!(html, "居民<mark>身份证换领</mark>指南");
}

#[test]
fn traditional_query_marks_simplified_text() {
    let html = highlighter("身份證").title_html("居民身份证办理");
    assert_eq!(html, "居民<mark>身份证</mark>办理");
}

#[test]
fn simplified_query_marks_traditional_text() {
    let html = highlighter("政府网站").title_html("政府網站集約化");
    assert_eq!(html, "<mark>政府網站</mark>集約化");
}

#[test]
fn english_inflections_are_marked() {
    let html = highlighter("website integration").title_html("Integrated Websites of Jilin");
    assert_eq!(
        html,
        "<mark>Integrated</mark> <mark>Websites</mark> of Jilin"
    );
}

#[test]
fn stop_words_are_not_marked() {
    let html = highlighter("the passport").title_html("Apply for the passport");
    assert_eq!(html, "Apply for the <mark>passport</mark>");
}

#[test]
fn html_characters_are_escaped() {
    let html = highlighter("R&D <b>").title_html("Tax credit for R&D <b>bold</b> \"firms\" 'now'");
    assert_eq!(
        html,
        "Tax credit for <mark>R</mark>&amp;<mark>D</mark> &lt;<mark>b</mark>&gt;bold&lt;/<mark>b</mark>&gt; \
         &quot;firms&quot; &#39;now&#39;"
    );
}

#[test]
fn short_text_snippet_is_whole() {
    let html = highlighter("护照").snippet_html("护照办理 & 签注");
    assert_eq!(html, "<mark>护照</mark>办理 &amp; 签注");
}

#[test]
fn snippet_starts_near_first_match() {
    let lead = "这是与查询无关的开头文字。".repeat(20);
    let text = format!(
        "{lead}申请营业执照需要提交材料。{}",
        "后续说明文字。".repeat(30)
    );
    let html = highlighter("营业执照").snippet_html(&text);
    assert!(html.starts_with('…'), "{html}");
    assert!(html.ends_with('…'), "{html}");
    assert!(html.contains("<mark>营业执照</mark>"), "{html}");
    let visible = html.replace("<mark>", "").replace("</mark>", "");
    assert!(visible.chars().count() <= SNIPPET_CHARS + 2, "{visible}");
    assert!(visible.starts_with("…申请"), "{visible}");
}

#[test]
fn snippet_without_match_shows_the_start() {
    let text = "a".repeat(10) + &" word".repeat(100);
    let html = highlighter("passport").snippet_html(&text);
    assert!(html.starts_with("aaaaaaaaaa word"), "{html}");
    assert!(html.ends_with('…'), "{html}");
}

#[test]
fn snippet_cut_keeps_entities_whole() {
    let text = "&".repeat(400) + "passport";
    let html = highlighter("passport").snippet_html(&text);
    assert!(html.ends_with("<mark>passport</mark>"), "{html}");
    let body = html
        .trim_start_matches('…')
        .replace("<mark>passport</mark>", "");
    assert_eq!(body, "&amp;".repeat(body.len() / 5));
}

#[test]
fn snippet_near_end_fills_the_window() {
    let text = "x ".repeat(200) + "护照";
    let html = highlighter("护照").snippet_html(&text);
    let visible = html.replace("<mark>", "").replace("</mark>", "");
    assert_eq!(visible.chars().count(), SNIPPET_CHARS + 1);
    assert!(html.ends_with("<mark>护照</mark>"), "{html}");
}

#[test]
fn snippet_of_long_body_ends_with_ellipsis() {
    let text = "护照".repeat(SNIPPET_SOURCE_BYTES);
    let html = highlighter("签证").snippet_html(&text);
    assert!(html.ends_with('…'), "{html}");
    assert!(!html.contains("<mark>"), "{html}");
    assert_eq!(html.chars().count(), SNIPPET_CHARS + 1);
}

#[test]
fn prefix_cuts_on_character_boundary() {
    assert_eq!(prefix("护照", 4), "护");
    assert_eq!(prefix("护照", 6), "护照");
    assert_eq!(prefix("ab", 1), "a");
}

/// Removes the markup a snippet may contain and decodes its five entities.
fn decode(html: &str) -> Option<String> {
    let text = html
        .replace("<mark>", "")
        .replace("</mark>", "")
        .replace('…', "");
    if text.contains('<') || text.contains('>') {
        return None;
    }
    let mut decoded = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        let (entity, ch) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
        ]
        .into_iter()
        .find(|(entity, _)| rest.starts_with(entity))?;
        decoded.push(ch);
        rest = &rest[entity.len()..];
    }
    decoded.push_str(rest);
    Some(decoded)
}

proptest! {
    #[test]
    fn snippets_are_well_formed(
        text in "[a-z 护照办理&<>\"'。\n]{0,400}",
        query in "[a-z 护照&<]{0,12}",
    ) {
        let html = highlighter(&query).snippet_html(&text);
        let decoded = decode(&html);
        prop_assert!(decoded.is_some(), "malformed: {}", html);
        let decoded = decoded.unwrap_or_default();
        prop_assert!(decoded.chars().count() <= SNIPPET_CHARS);
        let displayed = text.replace(['\n', '\r', '\t'], " ");
        prop_assert!(displayed.contains(&decoded), "{} not in text", decoded);
        prop_assert_eq!(html.matches("<mark>").count(), html.matches("</mark>").count());
    }
}
