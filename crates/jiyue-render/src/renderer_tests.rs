//! Unit tests of the renderer: template and catalog consistency, theme folders.

use std::collections::BTreeSet;

use super::*;
use crate::catalog::{FluentSource, SOURCES};

/// Returns the message ids defined in a Fluent source.
fn catalog_keys(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once('='))
        .map(|(key, _)| key.trim().to_owned())
        .collect()
}

/// Returns the message ids defined in every file of one language.
fn language_keys(sources: &[FluentSource]) -> BTreeSet<String> {
    sources
        .iter()
        .flat_map(|source| catalog_keys(source.text))
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

/// Returns true for a literal that looks like a message id (`word-word`).
fn looks_like_id(literal: &str) -> bool {
    !literal.is_empty()
        && literal.contains('-')
        && literal
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Adds the quoted literals of template code that look like message ids to `ids`.
fn add_template_ids(source: &str, ids: &mut BTreeSet<String>) {
    for code in template_code(source) {
        for (index, literal) in code.split(['"', '\'']).enumerate() {
            if index % 2 == 1 && looks_like_id(literal) {
                ids.insert(literal.to_owned());
            }
        }
    }
}

/// Returns the quoted literals in template code that look like message ids.
fn message_ids_in_templates() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (_, source) in TEMPLATES
        .iter()
        .chain(SERVICE_TEMPLATES.iter())
        .chain(CITIZEN_TEMPLATES.iter())
    {
        add_template_ids(source, &mut ids);
    }
    ids
}

/// Returns the files below `dir` whose names end with `extension`, read as text.
fn read_tree(dir: &std::path::Path, extension: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|error| panic!("{dir:?}: {error}"));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(read_tree(&path, extension));
        } else if path.to_string_lossy().ends_with(extension) {
            let text = std::fs::read_to_string(&path).unwrap();
            files.push((path.display().to_string(), text));
        }
    }
    files
}

/// Returns the folder of a sibling crate.
fn crate_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
}

/// Returns the admin templates: every `.html` file of the web crate's admin folder.
fn admin_templates() -> Vec<(String, String)> {
    read_tree(&crate_dir("jiyue-web").join("admin/templates"), ".html")
}

/// Returns the message ids the admin interface uses: literals in its templates, and string
/// literals in the Rust code that looks messages up for it. That code is the admin handlers,
/// and the `message_id` functions of jiyue-auth and of the workflow rules in jiyue-core.
fn message_ids_of_admin() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (_, source) in admin_templates() {
        add_template_ids(&source, &mut ids);
    }
    let code_dirs = [
        crate_dir("jiyue-web").join("src/admin"),
        crate_dir("jiyue-auth").join("src"),
        crate_dir("jiyue-core").join("src"),
    ];
    for dir in code_dirs {
        for (_, source) in read_tree(&dir, ".rs") {
            for (index, literal) in source.split('"').enumerate() {
                if index % 2 == 1 && looks_like_id(literal) {
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
    for (lang, sources) in SOURCES {
        let defined = language_keys(sources);
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(missing.is_empty(), "{lang} catalog lacks {missing:?}");
    }
}

#[test]
fn admin_template_keys_exist_in_every_catalog() {
    let mut used = BTreeSet::new();
    for (_, source) in admin_templates() {
        add_template_ids(&source, &mut used);
    }
    assert!(
        used.len() > 40,
        "found only {} admin message ids",
        used.len()
    );
    for (lang, sources) in SOURCES {
        let defined = language_keys(sources);
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(missing.is_empty(), "{lang} catalog lacks {missing:?}");
    }
}

#[test]
fn catalogs_have_same_keys() {
    let (_, zh_sources) = SOURCES[0];
    let (_, en_sources) = SOURCES[1];
    assert_eq!(zh_sources.len(), en_sources.len());
    for (zh_file, en_file) in zh_sources.iter().zip(en_sources) {
        let zh = catalog_keys(zh_file.text);
        let en = catalog_keys(en_file.text);
        assert_eq!(
            zh.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys only in {}",
            zh_file.file
        );
        assert_eq!(
            en.difference(&zh).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys only in {}",
            en_file.file
        );
    }
}

#[test]
fn catalogs_have_no_unused_keys() {
    let used = message_ids_in_templates();
    // Keys the Rust code looks up instead of a template; the web layer uses the search
    // notices, the renderer the services description for the meta tags.
    let from_code = [
        "home-column-name",
        "search-empty-query",
        "search-truncated",
        "services-description",
    ];
    for key in catalog_keys(SOURCES[0].1[0].text) {
        assert!(
            used.contains(&key) || from_code.contains(&key.as_str()),
            "{key} is defined but never used"
        );
    }
}

#[test]
fn admin_catalog_has_no_unused_keys() {
    let used = message_ids_of_admin();
    for key in catalog_keys(SOURCES[0].1[1].text) {
        assert!(
            used.contains(&key),
            "{key} is defined in admin.zh-CN.ftl but never used"
        );
    }
}

#[test]
fn admin_catalog_has_the_keys_of_roles_policies_and_workflow() {
    let shared = [
        "password-too-short",
        "password-too-long",
        "password-too-few-classes",
        "password-contains-username",
        "grant-separated-admin",
        "grant-admin-scope",
        "grant-duplicate",
        "role-system-admin",
        "role-security-admin",
        "role-audit-admin",
        "role-site-admin",
        "role-editor",
        "role-reviewer",
        "role-message-handler",
        "workflow-not-allowed",
        "workflow-own-approval",
        "workflow-repeat-approval",
        "workflow-blank-reason",
        "workflow-reason-too-long",
        "workflow-bad-levels",
        "revision-state-draft",
        "revision-state-in-review",
        "revision-state-approved",
        "revision-state-published",
        "revision-state-rejected",
        "revision-state-superseded",
    ];
    for (lang, sources) in SOURCES {
        let admin = catalog_keys(sources[1].text);
        for key in shared {
            assert!(
                admin.contains(key),
                "{} lacks {key} ({lang})",
                sources[1].file
            );
        }
    }
}

#[test]
fn admin_messages_load_into_the_same_bundle() {
    let catalog = Catalog::embedded().unwrap();
    assert_eq!(
        catalog.message("zh-CN", "role-security-admin"),
        "安全管理员"
    );
    assert_eq!(
        catalog.message("en", "role-security-admin"),
        "Security administrator"
    );
    assert_eq!(catalog.message("zh-CN", "skip-to-content"), "跳到主要内容");
}

#[test]
fn only_prepared_html_is_marked_safe() {
    let allowed = ["item.body_html", "hit.title_html", "hit.snippet_html"];
    for (name, source) in TEMPLATES
        .iter()
        .chain(SERVICE_TEMPLATES.iter())
        .chain(CITIZEN_TEMPLATES.iter())
    {
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
    for (name, source) in TEMPLATES
        .iter()
        .chain(SERVICE_TEMPLATES.iter())
        .chain(CITIZEN_TEMPLATES.iter())
    {
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
