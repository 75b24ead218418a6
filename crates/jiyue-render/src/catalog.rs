//! The message catalog: every user-visible string, in Fluent files compiled into the binary,
//! looked up by page language with a fallback to Simplified Chinese.

use std::collections::BTreeMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::RenderError;

/// The language used when a page's language has no catalog or a message is missing from it.
pub const FALLBACK_LANG: &str = "zh-CN";

/// The compiled-in Fluent sources, by BCP 47 tag: the public theme's messages, then the
/// admin interface's, then the admin tools' (working-day calendar, search terms), then the
/// admin case pages', then the citizen pages' (accounts, sign-in, cases), then the oversight desk's (alerts and
/// each check's pages). Each language's files
/// load into one bundle, so a key defined in two of them is an error.
pub(crate) const SOURCES: [(&str, &[FluentSource]); 2] = [
    (
        "zh-CN",
        &[
            FluentSource {
                file: "zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/zh-CN.ftl"),
            },
            FluentSource {
                file: "admin.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/admin.zh-CN.ftl"),
            },
            FluentSource {
                file: "admin-tools.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/admin-tools.zh-CN.ftl"),
            },
            FluentSource {
                file: "admin-cases.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/admin-cases.zh-CN.ftl"),
            },
            FluentSource {
                file: "citizen.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/citizen.zh-CN.ftl"),
            },
            FluentSource {
                file: "monitor.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/monitor.zh-CN.ftl"),
            },
            FluentSource {
                file: "monitor-links.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-links.zh-CN.ftl"),
            },
            FluentSource {
                file: "monitor-export.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-export.zh-CN.ftl"),
            },
            FluentSource {
                file: "monitor-fresh.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-fresh.zh-CN.ftl"),
            },
            FluentSource {
                file: "monitor-score.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-score.zh-CN.ftl"),
            },
            FluentSource {
                file: "monitor-analytics.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-analytics.zh-CN.ftl"),
            },
            FluentSource {
                file: "monitor-probe.zh-CN.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-probe.zh-CN.ftl"),
            },
        ],
    ),
    (
        "en",
        &[
            FluentSource {
                file: "en.ftl",
                text: include_str!("../../../themes/default/i18n/en.ftl"),
            },
            FluentSource {
                file: "admin.en.ftl",
                text: include_str!("../../../themes/default/i18n/admin.en.ftl"),
            },
            FluentSource {
                file: "admin-tools.en.ftl",
                text: include_str!("../../../themes/default/i18n/admin-tools.en.ftl"),
            },
            FluentSource {
                file: "admin-cases.en.ftl",
                text: include_str!("../../../themes/default/i18n/admin-cases.en.ftl"),
            },
            FluentSource {
                file: "citizen.en.ftl",
                text: include_str!("../../../themes/default/i18n/citizen.en.ftl"),
            },
            FluentSource {
                file: "monitor.en.ftl",
                text: include_str!("../../../themes/default/i18n/monitor.en.ftl"),
            },
            FluentSource {
                file: "monitor-links.en.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-links.en.ftl"),
            },
            FluentSource {
                file: "monitor-export.en.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-export.en.ftl"),
            },
            FluentSource {
                file: "monitor-fresh.en.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-fresh.en.ftl"),
            },
            FluentSource {
                file: "monitor-score.en.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-score.en.ftl"),
            },
            FluentSource {
                file: "monitor-analytics.en.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-analytics.en.ftl"),
            },
            FluentSource {
                file: "monitor-probe.en.ftl",
                text: include_str!("../../../themes/default/i18n/monitor-probe.en.ftl"),
            },
        ],
    ),
];

/// One compiled-in Fluent file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FluentSource {
    /// File name inside `themes/default/i18n`, for error messages.
    pub file: &'static str,
    pub text: &'static str,
}

/// One argument value of a message: text or a number (numbers select plural forms).
#[derive(Debug, Clone, PartialEq)]
pub enum MessageArg {
    Text(String),
    Number(f64),
}

/// Messages in every shipped language. It is `Send + Sync`, so one catalog serves all
/// requests.
pub struct Catalog {
    /// Bundles by language tag; a `BTreeMap` keeps lookups independent of insertion order.
    bundles: BTreeMap<String, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("languages", &self.bundles.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Catalog {
    /// Loads the compiled-in Fluent files.
    ///
    /// Fails when a file does not parse or defines a message twice, which the unit tests
    /// catch before release.
    pub fn embedded() -> Result<Catalog, RenderError> {
        let mut bundles = BTreeMap::new();
        for (lang, sources) in SOURCES {
            bundles.insert(lang.to_owned(), load_bundle(lang, sources)?);
        }
        Ok(Catalog { bundles })
    }

    /// Returns the languages that have a catalog, as BCP 47 tags.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.bundles.keys().map(String::as_str)
    }

    /// Formats message `key` without arguments in language `lang` (falling back to zh-CN).
    ///
    /// Returns the key itself when no catalog has the message, so a gap shows on the page
    /// instead of failing the request. The catalog tests keep such gaps from shipping.
    pub fn message(&self, lang: &str, key: &str) -> String {
        self.format(lang, key, &[])
    }

    /// Formats message `key` with named arguments in language `lang` (falling back to zh-CN).
    pub fn format(&self, lang: &str, key: &str, args: &[(&str, MessageArg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                MessageArg::Text(text) => fluent_args.set(*name, FluentValue::from(text.clone())),
                MessageArg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }

        for bundle in self.candidates(lang) {
            let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
                continue;
            };
            // Formatting errors (such as a missing argument) leave a visible `{$name}` in the
            // output, so the text is still usable.
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            return text.into_owned();
        }
        key.to_owned()
    }

    /// Returns the bundles to try for `lang`: the exact tag, then the same primary language,
    /// then the fallback.
    fn candidates(&self, lang: &str) -> Vec<&FluentBundle<FluentResource>> {
        let mut found = Vec::new();
        if let Some(bundle) = self.bundles.get(lang) {
            found.push(bundle);
        }

        let primary = primary_subtag(lang);
        for (tag, bundle) in &self.bundles {
            if primary_subtag(tag).eq_ignore_ascii_case(primary) && tag != lang {
                found.push(bundle);
            }
        }

        if let Some(bundle) = self.bundles.get(FALLBACK_LANG) {
            found.push(bundle);
        }
        found
    }
}

/// Returns the primary language subtag of a BCP 47 tag: `zh` for `zh-Hant-TW`.
fn primary_subtag(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

fn load_bundle(
    lang: &str,
    sources: &[FluentSource],
) -> Result<FluentBundle<FluentResource>, RenderError> {
    let catalog_error = |message: String| RenderError::Catalog {
        lang: lang.to_owned(),
        message,
    };

    let langid: LanguageIdentifier = lang
        .parse()
        .map_err(|error| catalog_error(format!("invalid language tag: {error}")))?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Unicode isolation marks around arguments would end up inside HTML attributes and page
    // titles; the templates set `dir` on the elements that need it instead.
    bundle.set_use_isolating(false);

    for source in sources {
        let resource = FluentResource::try_new(source.text.to_owned()).map_err(|(_, errors)| {
            catalog_error(format!(
                "Fluent syntax errors in {}: {errors:?}",
                source.file
            ))
        })?;
        bundle.add_resource(resource).map_err(|errors| {
            catalog_error(format!(
                "duplicate or invalid messages in {}: {errors:?}",
                source.file
            ))
        })?;
    }
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_in_page_language() {
        let catalog = Catalog::embedded().unwrap();
        assert_eq!(catalog.message("zh-CN", "skip-to-content"), "跳到主要内容");
        assert_eq!(
            catalog.message("en", "skip-to-content"),
            "Skip to main content"
        );
    }

    #[test]
    fn region_variant_uses_primary_language() {
        let catalog = Catalog::embedded().unwrap();
        assert_eq!(
            catalog.message("en-GB", "skip-to-content"),
            "Skip to main content"
        );
        assert_eq!(
            catalog.message("zh-Hans", "skip-to-content"),
            "跳到主要内容"
        );
    }

    #[test]
    fn unknown_language_falls_back_to_chinese() {
        let catalog = Catalog::embedded().unwrap();
        assert_eq!(catalog.message("ug", "skip-to-content"), "跳到主要内容");
    }

    #[test]
    fn unknown_key_returns_key() {
        let catalog = Catalog::embedded().unwrap();
        assert_eq!(catalog.message("en", "no-such-message"), "no-such-message");
    }

    #[test]
    fn numbers_select_plural_forms() {
        let catalog = Catalog::embedded().unwrap();
        let one = catalog.format("en", "search-total", &[("total", MessageArg::Number(1.0))]);
        let many = catalog.format("en", "search-total", &[("total", MessageArg::Number(3.0))]);
        assert_eq!(one, "1 result");
        assert_eq!(many, "3 results");
    }

    #[test]
    fn catalog_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Catalog>();
    }
}
