//! Rendering of admin pages: one minijinja environment over the templates compiled in from
//! `crates/jiyue-web/admin/templates/`, with HTML autoescaping and `t(key, **args)` backed by
//! the message catalog. The admin interface is in Simplified Chinese.

use std::sync::{Arc, OnceLock};

use axum::response::Html;
use include_dir::{include_dir, Dir};
use jiyue_render::{Catalog, MessageArg};
use minijinja::value::{Kwargs, ValueKind};
use minijinja::{context, AutoEscape, Environment, Output, State, UndefinedBehavior, Value};

use super::error::AdminError;
use super::session::SignedIn;
use crate::App;

/// The language of the admin interface.
pub const LANG: &str = "zh-CN";

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/admin/templates");

struct Shared {
    env: Environment<'static>,
    catalog: Arc<Catalog>,
}

static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();

fn shared() -> Result<&'static Shared, AdminError> {
    SHARED
        .get_or_init(build)
        .as_ref()
        .map_err(|error| AdminError::Internal(error.clone()))
}

fn build() -> Result<Shared, String> {
    let catalog =
        Arc::new(Catalog::embedded().map_err(|error| format!("admin message catalog: {error}"))?);
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_formatter(html_formatter);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_global("css_url", super::assets::css_url());
    add_translate_function(&mut env, Arc::clone(&catalog));
    add_templates(&mut env, &TEMPLATES)?;
    Ok(Shared { env, catalog })
}

/// Adds every `.html` file below `dir`, named by its path inside the templates folder.
fn add_templates(env: &mut Environment<'static>, dir: &'static Dir<'static>) -> Result<(), String> {
    for file in dir.files() {
        let Some(name) = file.path().to_str().filter(|name| name.ends_with(".html")) else {
            continue;
        };
        let source = file
            .contents_utf8()
            .ok_or_else(|| format!("admin template {name} is not UTF-8; save it as UTF-8"))?;
        env.add_template(name, source)
            .map_err(|error| format!("admin template {name}: {error:#}"))?;
    }
    for sub in dir.dirs() {
        add_templates(env, sub)?;
    }
    Ok(())
}

/// Writes a value into a template, escaping `& < > " '` unless it is marked safe. Unlike
/// minijinja's default it leaves `/` alone, so addresses in `href` and `src` stay readable.
fn html_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), minijinja::Error> {
    if state.auto_escape() != AutoEscape::Html || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len() + 16);
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(character),
        }
    }
    out.write_str(&escaped).map_err(minijinja::Error::from)
}

fn add_translate_function(env: &mut Environment<'static>, catalog: Arc<Catalog>) {
    env.add_function(
        "t",
        move |key: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let mut args = Vec::new();
            for name in kwargs.args() {
                let value: Value = kwargs.get(name)?;
                args.push((name, message_arg(&value)));
            }
            Ok(catalog.format(LANG, key, &args))
        },
    );
}

fn message_arg(value: &Value) -> MessageArg {
    if value.kind() == ValueKind::Number {
        if let Ok(number) = f64::try_from(value.clone()) {
            return MessageArg::Number(number);
        }
    }
    MessageArg::Text(value.to_string())
}

/// Renders `template` with `ctx` and the page frame's values (platform name, language).
pub fn page(app: &App, template: &str, ctx: Value) -> Result<Html<String>, AdminError> {
    let shared = shared()?;
    let ctx = context! {
        platform_name => &app.config.platform_name,
        lang => LANG,
        ..ctx
    };
    let html = shared.env.get_template(template)?.render(ctx)?;
    Ok(Html(html))
}

/// Renders `template` for a signed-in user: like [`page`], with `me` (name, CSRF token and
/// the navigation the user's grants allow) for the header.
pub fn page_for(
    app: &App,
    me: &SignedIn,
    template: &str,
    ctx: Value,
) -> Result<Html<String>, AdminError> {
    page(app, template, context! { me => me.view(), ..ctx })
}

/// Formats catalog message `key` in the admin language; the key itself when missing.
pub fn message(key: &str) -> String {
    match shared() {
        Ok(shared) => shared.catalog.message(LANG, key),
        Err(_) => key.to_string(),
    }
}

/// Formats catalog message `key` with text arguments in the admin language.
pub fn format(key: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, MessageArg)> = args
        .iter()
        .map(|(name, value)| (*name, MessageArg::Text(value.clone())))
        .collect();
    match shared() {
        Ok(shared) => shared.catalog.format(LANG, key, &args),
        Err(_) => key.to_string(),
    }
}

/// Formats catalog message `key` with arguments that may be numbers.
pub fn format_args(key: &str, args: &[(&str, MessageArg)]) -> String {
    match shared() {
        Ok(shared) => shared.catalog.format(LANG, key, args),
        Err(_) => key.to_string(),
    }
}

/// Checks that every admin template compiles and the catalog loads; the server calls it at
/// start-up so that a broken template fails fast.
pub fn check() -> Result<(), AdminError> {
    shared().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_compile() {
        check().unwrap();
        let names: Vec<&str> = shared()
            .unwrap()
            .env
            .templates()
            .map(|(name, _)| name)
            .collect();
        for expected in ["base.html", "login.html", "error.html", "staff_detail.html"] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
    }

    #[test]
    fn escaping_keeps_slashes_and_escapes_markup() {
        let env = &shared().unwrap().env;
        let html = env
            .render_str("{{ v }}", context! { v => "/a?b=1&c=<x>\"'" })
            .unwrap();
        assert_eq!(html, "/a?b=1&amp;c=&lt;x&gt;&quot;&#39;");
    }

    #[test]
    fn messages_come_from_the_catalog() {
        assert_eq!(message("role-security-admin"), "安全管理员");
        assert_eq!(
            format("admin-error-forbidden", &[("role", "安全管理员".into())]),
            "此功能需要“安全管理员”角色。如确需使用，请联系安全管理员。"
        );
    }

    #[test]
    fn admin_templates_have_no_inline_scripts_or_styles() {
        for file in TEMPLATES.files() {
            let source = file.contents_utf8().unwrap();
            let name = file.path().display();
            assert!(!source.contains("style="), "{name} has a style attribute");
            assert!(!source.contains("<style"), "{name} has a style element");
            for (index, _) in source.match_indices("<script") {
                let tag = &source[index..];
                let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
                assert!(tag.contains(" src="), "{name} has an inline script");
            }
            for (index, _) in source.match_indices(" on") {
                let rest = &source[index + 3..];
                let word: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
                let handler = rest[word.len()..].starts_with('=');
                assert!(!handler, "{name} has an event handler on{word}");
            }
            assert!(
                !source.contains("tabindex=\"1"),
                "{name} has a positive tabindex"
            );
        }
    }
}
