//! Unit tests of the renderer: template and catalog consistency, theme folders.

use std::collections::BTreeSet;

use super::*;
use crate::catalog::SOURCES;

/// Returns the message ids defined in a Fluent source.
fn catalog_keys(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once('='))
        .map(|(key, _)| key.trim().to_owned())
        .collect()
}

/// Returns the template expressions and statements (`{{ … }}` and `{% … %}`) of a source.
fn template_code(source: &str) -> Vec<&str> {
    let mut code = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let Some(end) = after.find(close) else {
            break;
        };
        code.push(&after[1..end]);
        rest = &after[end + close.len()..];
    }
    code
}

/// Returns the quoted literals in template code that look like message ids (`word-word`).
fn message_ids_in_templates() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (_, source) in TEMPLATES {
        for code in template_code(source) {
            for (index, literal) in code.split(['"', '\'']).enumerate() {
                let looks_like_id = !literal.is_empty()
                    && literal.contains('-')
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if index % 2 == 1 && looks_like_id {
                    ids.insert(literal.to_owned());
                }
            }
        }
    }
    ids
}

#[test]
fn template_keys_exist_in_every_catalog() {
    let used = message_ids_in_templates();
    assert!(used.len() > 40, "found only {} message ids", used.len());
    for (lang, source) in SOURCES {
        let defined = catalog_keys(source);
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(missing.is_empty(), "{lang}.ftl lacks {missing:?}");
    }
}

#[test]
fn catalogs_have_same_keys() {
    let zh = catalog_keys(SOURCES[0].1);
    let en = catalog_keys(SOURCES[1].1);
    assert_eq!(
        zh.difference(&en).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "keys only in zh-CN.ftl"
    );
    assert_eq!(
        en.difference(&zh).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "keys only in en.ftl"
    );
}

#[test]
fn catalogs_have_no_unused_keys() {
    let used = message_ids_in_templates();
    // Keys the Rust code looks up instead of a template; the web layer uses the search
    // notices.
    let from_code = ["home-column-name", "search-empty-query", "search-truncated"];
    for key in catalog_keys(SOURCES[0].1) {
        assert!(
            used.contains(&key) || from_code.contains(&key.as_str()),
            "{key} is defined but never used"
        );
    }
}

#[test]
fn only_prepared_html_is_marked_safe() {
    let allowed = ["item.body_html", "hit.title_html", "hit.snippet_html"];
    for (name, source) in TEMPLATES {
        for code in template_code(source) {
            if let Some((expression, _)) = code.split_once("|safe") {
                let expression = expression.trim();
                assert!(
                    allowed.contains(&expression),
                    "{name} marks {expression} safe"
                );
            }
            assert!(!code.contains("safe("), "{name} calls a safe function");
        }
    }
}

#[test]
fn templates_have_no_inline_scripts_or_styles() {
    for (name, source) in TEMPLATES {
        assert!(!source.contains("style="), "{name} has a style attribute");
        assert!(!source.contains("<style"), "{name} has a style element");
        for (index, _) in source.match_indices("<script") {
            let tag_end = source[index..].find('>').unwrap();
            assert!(
                source[index..index + tag_end].contains(" src="),
                "{name} has a script without src"
            );
        }
    }
}

#[test]
fn text_direction_of_languages() {
    assert_eq!(text_direction("zh-CN"), "ltr");
    assert_eq!(text_direction("en"), "ltr");
    assert_eq!(text_direction("bo"), "ltr");
    assert_eq!(text_direction("ug-Arab-CN"), "rtl");
}

#[test]
fn renderer_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Renderer>();
}

#[test]
fn embedded_templates_compile() {
    Renderer::embedded().unwrap();
}

#[test]
fn theme_folder_cannot_replace_base() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("templates")).unwrap();
    std::fs::write(folder.path().join("templates/base.html"), "<html></html>").unwrap();

    let error = Renderer::from_dir(folder.path()).unwrap_err();
    assert!(matches!(error, RenderError::BaseLayoutOverride { .. }));
}

#[test]
fn missing_theme_folder_is_an_error() {
    let folder = tempfile::tempdir().unwrap();
    let error = Renderer::from_dir(&folder.path().join("absent")).unwrap_err();
    assert!(matches!(error, RenderError::ThemeFile { .. }));
}

#[test]
fn broken_theme_template_names_file() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("templates")).unwrap();
    std::fs::write(folder.path().join("templates/gone.html"), "{% if %}").unwrap();

    let error = Renderer::from_dir(folder.path()).unwrap_err();
    assert!(error.to_string().contains("gone.html"), "{error}");
}
