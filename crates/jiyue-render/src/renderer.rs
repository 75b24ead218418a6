//! The `Renderer`: the theme's templates compiled once, with the message catalog, turning page
//! models into HTML.

use std::path::Path;
use std::sync::Arc;

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{context, AutoEscape, Environment, Output, State, UndefinedBehavior, Value};
use serde::Serialize;

use crate::assets::{BASE_TEMPLATE, TEMPLATES};
use crate::catalog::{Catalog, MessageArg, FALLBACK_LANG};
use crate::meta::{self, PageHead};
use crate::meta::{ArticleMeta, NationalMeta};
use crate::model::{
    ColumnPage, ColumnView, DirectoryPage, GonePage, HomePage, ItemPage, NotFoundPage, SearchPage,
    ServiceGuidePage, ServicesHubPage, ServicesListPage, ServicesStatsPage, SiteMapPage, SiteView,
};
use crate::RenderError;

/// Renders page models to HTML with the platform base layout and a theme's templates.
///
/// A `Renderer` is `Send + Sync`; build one at start-up and share it. Rendering is
/// deterministic: the same model always yields the same bytes.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
    catalog: Arc<Catalog>,
}

impl Renderer {
    /// Builds a renderer from the default theme compiled into the binary.
    pub fn embedded() -> Result<Renderer, RenderError> {
        Renderer::with_templates(default_templates())
    }

    /// Builds a renderer whose templates come from the theme folder `path` where it has them
    /// (`path/templates/*.html`) and from the default theme otherwise.
    ///
    /// The base layout belongs to the platform: a folder that contains `templates/base.html`
    /// is rejected, so a theme cannot drop the national meta tags or the footer. Messages and
    /// static files always come from the default theme.
    pub fn from_dir(path: &Path) -> Result<Renderer, RenderError> {
        let mut templates = default_templates();
        for (name, source) in read_theme_templates(&path.join("templates"))? {
            match templates.iter_mut().find(|(known, _)| *known == name) {
                Some(entry) => entry.1 = source,
                None => templates.push((name, source)),
            }
        }
        Renderer::with_templates(templates)
    }

    fn with_templates(templates: Vec<(String, String)>) -> Result<Renderer, RenderError> {
        let catalog = Arc::new(Catalog::embedded()?);
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_formatter(html_formatter);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        add_translate_function(&mut env, Arc::clone(&catalog));

        for (name, source) in templates {
            env.add_template_owned(name.clone(), source)
                .map_err(|source| RenderError::Template {
                    template: name,
                    source,
                })?;
        }
        Ok(Renderer { env, catalog })
    }

    /// Returns the message catalog, for messages the web layer writes itself (errors).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Renders a site's home page.
    pub fn home(&self, page: &HomePage) -> Result<String, RenderError> {
        let head = meta::home(page, &self.catalog);
        self.render("home.html", Some(&page.site), head, page)
    }

    /// Renders one page of a column's item list.
    pub fn column(&self, page: &ColumnPage) -> Result<String, RenderError> {
        self.render("column.html", Some(&page.site), meta::column(page), page)
    }

    /// Renders the page of an item placement.
    pub fn item(&self, page: &ItemPage) -> Result<String, RenderError> {
        self.render("item.html", Some(&page.site), meta::item(page), page)
    }

    /// Renders a search results page.
    pub fn search(&self, page: &SearchPage) -> Result<String, RenderError> {
        let head = meta::search(page, &self.catalog);
        self.render("search.html", Some(&page.site), head, page)
    }

    /// Renders the platform's directory of hosted sites.
    pub fn directory(&self, page: &DirectoryPage) -> Result<String, RenderError> {
        let head = meta::directory(page.platform_name.clone());
        let ctx = context! {
            lang => &page.lang,
            dir => text_direction(&page.lang),
            site => Value::from(()),
            head => Value::from_serialize(&head),
            page => Value::from_serialize(page),
        };
        self.render_context("directory.html", ctx)
    }

    /// Renders a 404 page: inside the site's layout when the host is known, otherwise a plain
    /// platform page naming the host.
    pub fn not_found(&self, page: &NotFoundPage) -> Result<String, RenderError> {
        let head = meta::not_found(page, &self.catalog);
        self.render("not_found.html", page.site.as_ref(), head, page)
    }

    /// Renders the human-readable site map (网站地图) of a site.
    pub fn site_map(&self, page: &SiteMapPage) -> Result<String, RenderError> {
        let head = meta::site_map(page, &self.catalog);
        self.render("site_map.html", Some(&page.site), head, page)
    }

    /// Renders a 410 page for a withdrawn URL.
    pub fn gone(&self, page: &GonePage) -> Result<String, RenderError> {
        let head = meta::gone(page, &self.catalog);
        self.render("gone.html", Some(&page.site), head, page)
    }

    /// Renders the one-stop services hub (`/zwfw/`).
    pub fn services_hub(&self, page: &ServicesHubPage) -> Result<String, RenderError> {
        let title = self.services_name(&page.site, page.column.as_ref());
        let head = self.services_head(&page.site, page.column.as_ref(), &title, None, None);
        self.render("services_hub.html", Some(&page.site), head, page)
    }

    /// Renders the list of the services of one department, life event, stage or audience.
    pub fn services_list(&self, page: &ServicesListPage) -> Result<String, RenderError> {
        let head = self.services_head(&page.site, page.column.as_ref(), &page.title, None, None);
        self.render("services_list.html", Some(&page.site), head, page)
    }

    /// Renders the guide page of one service.
    pub fn service_guide(&self, page: &ServiceGuidePage) -> Result<String, RenderError> {
        let guide = &page.guide;
        let article = ArticleMeta {
            title: guide.title.clone(),
            pub_date: page.pub_date.clone(),
            source: guide
                .source
                .clone()
                .unwrap_or_else(|| guide.implementing_org.clone()),
        };
        let head = self.services_head(
            &page.site,
            page.column.as_ref(),
            &guide.title,
            page.canonical_url.clone(),
            Some(article),
        );
        self.render("service_guide.html", Some(&page.site), head, page)
    }

    /// Renders the published service statistics (办事统计).
    pub fn services_stats(&self, page: &ServicesStatsPage) -> Result<String, RenderError> {
        let title = self
            .catalog
            .message(&page.site.lang, "services-stats-title");
        let head = self.services_head(&page.site, page.column.as_ref(), &title, None, None);
        self.render("services_stats.html", Some(&page.site), head, page)
    }

    /// Renders a citizen page (a form, a notice, a list of cases or replies) on a site, with
    /// its layout and the national meta tags of the section `column_type`, or on the identity
    /// host when `site` is `None`. The template receives `page` as given.
    pub fn citizen_page(
        &self,
        template: &str,
        site: Option<&SiteView>,
        title: &str,
        column_type: jiyue_core::ColumnType,
        page: &impl Serialize,
    ) -> Result<String, RenderError> {
        let head = match site {
            Some(site) => PageHead {
                title: format!("{title} - {}", site.name),
                national: Some(NationalMeta {
                    site_name: site.name.clone(),
                    site_domain: meta::site_domain(&site.base_url).to_owned(),
                    site_code: site.code.clone(),
                    column_name: title.to_owned(),
                    column_description: title.to_owned(),
                    column_keywords: String::new(),
                    column_type: column_type.name_zh(),
                    article: None,
                }),
                canonical_url: None,
                alternates: Vec::new(),
                feed: None,
            },
            None => PageHead {
                title: format!(
                    "{title} - {}",
                    self.catalog.message(FALLBACK_LANG, "platform-name")
                ),
                national: None,
                canonical_url: None,
                alternates: Vec::new(),
                feed: None,
            },
        };
        self.render(template, site, head, page)
    }

    /// Returns the name of a site's services section: its services column's, else the
    /// catalog's.
    fn services_name(&self, site: &SiteView, column: Option<&ColumnView>) -> String {
        column.map_or_else(
            || self.catalog.message(&site.lang, "services-title"),
            |column| column.name.clone(),
        )
    }

    /// Builds the head of a services page: the national meta tags name the site's services
    /// column (or the section itself, with the column type 办事服务, when it has none).
    fn services_head(
        &self,
        site: &SiteView,
        column: Option<&ColumnView>,
        title: &str,
        canonical_url: Option<String>,
        article: Option<ArticleMeta>,
    ) -> PageHead {
        let national = NationalMeta {
            site_name: site.name.clone(),
            site_domain: meta::site_domain(&site.base_url).to_owned(),
            site_code: site.code.clone(),
            column_name: self.services_name(site, column),
            column_description: column.map_or_else(
                || self.catalog.message(&site.lang, "services-description"),
                |column| column.description.clone(),
            ),
            column_keywords: column.map_or_else(String::new, |column| column.keywords.join(",")),
            column_type: column
                .map_or(jiyue_core::ColumnType::Services, |c| c.column_type)
                .name_zh(),
            article,
        };
        PageHead {
            title: format!("{title} - {}", site.name),
            national: Some(national),
            canonical_url,
            alternates: site.language_links.clone(),
            feed: None,
        }
    }

    fn render(
        &self,
        template: &str,
        site: Option<&SiteView>,
        head: PageHead,
        page: &impl Serialize,
    ) -> Result<String, RenderError> {
        let lang = site.map_or(FALLBACK_LANG, |site| site.lang.as_str());
        let dir = site.map_or("ltr", |site| site.dir.as_str());
        let ctx = context! {
            lang => lang,
            dir => dir,
            site => Value::from_serialize(site),
            head => Value::from_serialize(&head),
            page => Value::from_serialize(page),
        };
        self.render_context(template, ctx)
    }

    fn render_context(&self, template: &str, ctx: Value) -> Result<String, RenderError> {
        let template_error = |source| RenderError::Template {
            template: template.to_owned(),
            source,
        };
        self.env
            .get_template(template)
            .map_err(template_error)?
            .render(ctx)
            .map_err(template_error)
    }
}

/// Templates of the one-stop service pages, by name.
pub(crate) const SERVICE_TEMPLATES: [(&str, &str); 5] = [
    (
        "services_hub.html",
        include_str!("../../../themes/default/templates/services_hub.html"),
    ),
    (
        "services_list.html",
        include_str!("../../../themes/default/templates/services_list.html"),
    ),
    (
        "service_guide.html",
        include_str!("../../../themes/default/templates/service_guide.html"),
    ),
    (
        "services_stats.html",
        include_str!("../../../themes/default/templates/services_stats.html"),
    ),
    (
        "service_entries.html",
        include_str!("../../../themes/default/templates/service_entries.html"),
    ),
];

/// Templates of the citizen pages: forms, notices, replied messages and consultations.
pub(crate) const CITIZEN_TEMPLATES: [(&str, &str); 3] = [
    (
        "citizen_form.html",
        include_str!("../../../themes/default/templates/citizen_form.html"),
    ),
    (
        "citizen_list.html",
        include_str!("../../../themes/default/templates/citizen_list.html"),
    ),
    (
        "citizen_detail.html",
        include_str!("../../../themes/default/templates/citizen_detail.html"),
    ),
];

/// Returns the default theme's templates as owned name and source pairs.
fn default_templates() -> Vec<(String, String)> {
    TEMPLATES
        .iter()
        .chain(SERVICE_TEMPLATES.iter())
        .chain(CITIZEN_TEMPLATES.iter())
        .map(|(name, source)| ((*name).to_owned(), (*source).to_owned()))
        .collect()
}

/// Returns the text direction of a BCP 47 language: `rtl` for scripts written right to left
/// (Uyghur, Arabic, Persian, Hebrew, Urdu), otherwise `ltr`.
pub fn text_direction(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    let rtl = ["ug", "ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb"];
    if rtl.iter().any(|code| primary.eq_ignore_ascii_case(code)) {
        "rtl"
    } else {
        "ltr"
    }
}

/// Registers `t(key, **args)`, which formats a catalog message in the page language (the
/// `lang` variable of the render context).
fn add_translate_function(env: &mut Environment<'static>, catalog: Arc<Catalog>) {
    env.add_function(
        "t",
        move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let lang = state
                .lookup("lang")
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_else(|| FALLBACK_LANG.to_owned());

            let mut args = Vec::new();
            for name in kwargs.args() {
                let value: Value = kwargs.get(name)?;
                args.push((name, message_arg(&value)));
            }
            Ok(catalog.format(&lang, key, &args))
        },
    );
}

/// Writes a value into a template, escaping `& < > " '` unless it is marked safe. Unlike
/// minijinja's default, it leaves `/` alone, which keeps URLs in `href` readable and short.
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

fn message_arg(value: &Value) -> MessageArg {
    if value.kind() == ValueKind::Number {
        if let Ok(number) = f64::try_from(value.clone()) {
            return MessageArg::Number(number);
        }
    }
    if value.is_none() || value.is_undefined() {
        return MessageArg::Text(String::new());
    }
    MessageArg::Text(value.to_string())
}

/// Reads the `*.html` files of a theme's template folder, sorted by name.
fn read_theme_templates(folder: &Path) -> Result<Vec<(String, String)>, RenderError> {
    let theme_error = |path: &Path, source| RenderError::ThemeFile {
        path: path.to_path_buf(),
        source,
    };

    let mut templates = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|error| theme_error(folder, error))? {
        let path = entry.map_err(|error| theme_error(folder, error))?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !path.is_file() || !name.ends_with(".html") {
            continue;
        }
        if name == BASE_TEMPLATE {
            return Err(RenderError::BaseLayoutOverride { path });
        }
        let source = std::fs::read_to_string(&path).map_err(|error| theme_error(&path, error))?;
        templates.push((name.to_owned(), source));
    }
    templates.sort();
    Ok(templates)
}

#[cfg(test)]
#[path = "renderer_tests.rs"]
mod tests;
