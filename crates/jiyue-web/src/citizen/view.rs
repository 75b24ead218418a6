//! Page models of the citizen interface and their rendering. Handlers fill the models with
//! translated text from the message catalog; the templates only lay them out.

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use jiyue_core::ColumnType;
use jiyue_db::SiteId;
use jiyue_render::model::{Breadcrumb, SiteView};
use jiyue_render::MessageArg;
use serde::Serialize;

use super::forms::{html_page, text_error};
use crate::App;

/// The language of the identity host's pages.
pub(crate) const IDENTITY_LANG: &str = "zh-CN";

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Link {
    pub url: String,
    pub text: String,
}

/// A labelled value.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Fact {
    pub label: String,
    pub value: String,
    pub url: Option<String>,
}

impl Fact {
    pub(crate) fn new(label: String, value: impl Into<String>) -> Fact {
        Fact {
            label,
            value: value.into(),
            url: None,
        }
    }
}

/// One choice of a select or radio field.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

/// One form field.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct FormField {
    pub name: &'static str,
    /// `text`, `tel`, `email`, `password`, `textarea`, `select`, `radio`, `checkbox`,
    /// `date`, `number` or `file`.
    pub kind: &'static str,
    pub label: String,
    pub value: String,
    pub required: bool,
    pub hint: Option<String>,
    pub autocomplete: Option<&'static str>,
    pub input_mode: Option<&'static str>,
    pub max_length: Option<usize>,
    pub multiple: bool,
    pub options: Vec<Choice>,
}

impl FormField {
    pub(crate) fn new(name: &'static str, kind: &'static str, label: String) -> FormField {
        FormField {
            name,
            kind,
            label,
            ..FormField::default()
        }
    }

    pub(crate) fn required(mut self) -> FormField {
        self.required = true;
        self
    }

    pub(crate) fn value(mut self, value: impl Into<String>) -> FormField {
        self.value = value.into();
        self
    }

    pub(crate) fn hint(mut self, hint: String) -> FormField {
        self.hint = Some(hint);
        self
    }

    pub(crate) fn autocomplete(mut self, value: &'static str) -> FormField {
        self.autocomplete = Some(value);
        self
    }

    pub(crate) fn input_mode(mut self, value: &'static str) -> FormField {
        self.input_mode = Some(value);
        self
    }

    pub(crate) fn max_length(mut self, chars: usize) -> FormField {
        self.max_length = Some(chars);
        self
    }

    pub(crate) fn options(mut self, options: Vec<Choice>) -> FormField {
        self.options = options;
        self
    }
}

/// A hidden form value.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Hidden {
    pub name: &'static str,
    pub value: String,
}

/// The self-hosted challenge shown on a form when the limits are near.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChallengeView {
    pub seed: String,
    pub bits: u32,
    pub label: String,
    pub hint: String,
}

/// One form on a page.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Form {
    pub id: Option<&'static str>,
    pub heading: Option<String>,
    pub intro: Option<String>,
    pub action: String,
    pub multipart: bool,
    pub hidden: Vec<Hidden>,
    pub fields: Vec<FormField>,
    pub challenge: Option<ChallengeView>,
    pub submit: String,
}

/// A page of forms.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct FormPage {
    pub heading: String,
    pub intro: Option<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub breadcrumbs: Vec<Breadcrumb>,
    pub facts: Vec<Fact>,
    pub forms: Vec<Form>,
    pub links: Vec<Link>,
    pub form_token: String,
}

/// One entry of a list page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry {
    pub title: String,
    pub url: Option<String>,
    pub facts: Vec<Fact>,
}

/// A table of a list page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A list page: entries, tables, pages.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct ListPage {
    pub heading: String,
    pub intro: Option<String>,
    pub notice: Option<String>,
    pub breadcrumbs: Vec<Breadcrumb>,
    pub actions: Vec<Link>,
    pub entries: Vec<Entry>,
    pub empty: Option<String>,
    pub tables: Vec<Table>,
    pub pages: Vec<PageLink>,
    pub links: Vec<Link>,
}

/// A link of the pagination; `url` is `None` for the current page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageLink {
    pub url: Option<String>,
    pub text: String,
}

/// A section of a detail page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Section {
    pub heading: String,
    pub facts: Vec<Fact>,
    pub paragraphs: Vec<String>,
}

/// A detail page.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct DetailPage {
    pub heading: String,
    pub notice: Option<String>,
    pub breadcrumbs: Vec<Breadcrumb>,
    pub sections: Vec<Section>,
    pub links: Vec<Link>,
}

/// Text lookups in one language.
#[derive(Clone, Copy)]
pub(crate) struct Words<'a> {
    pub app: &'a App,
    pub lang: &'a str,
}

impl<'a> Words<'a> {
    pub(crate) fn new(app: &'a App, lang: &'a str) -> Words<'a> {
        Words { app, lang }
    }

    /// Returns message `key`.
    pub(crate) fn t(&self, key: &str) -> String {
        self.app.renderer.catalog().message(self.lang, key)
    }

    /// Returns message `key` with text arguments.
    pub(crate) fn with(&self, key: &str, args: &[(&str, &str)]) -> String {
        let args: Vec<(&str, MessageArg)> = args
            .iter()
            .map(|(name, value)| (*name, MessageArg::Text((*value).to_string())))
            .collect();
        self.app.renderer.catalog().format(self.lang, key, &args)
    }
}

/// The place of a page: a site, with its view and policy, or the identity host.
pub(crate) struct Place {
    pub site: Option<SiteView>,
    pub csp: String,
    pub lang: String,
}

impl Place {
    /// Returns the place of the identity host.
    pub(crate) fn identity() -> Place {
        Place {
            site: None,
            csp: crate::headers::content_security_policy(&[]),
            lang: IDENTITY_LANG.to_string(),
        }
    }

    /// Returns the place of a site, with its layout and content security policy.
    pub(crate) async fn site(app: &App, site_id: SiteId) -> Result<Place, Response> {
        let directory = app.directory();
        let ctx = crate::pages::site_context(app, &directory, site_id)
            .await
            .map_err(|error| {
                tracing::error!(%error, "loading a site for a citizen page failed");
                text_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error: please try again later",
                )
            })?;
        let view = ctx.view(&directory, None);
        Ok(Place {
            lang: ctx.site.lang.clone(),
            // Signing out posts here and then redirects through the identity host, and browsers
            // apply `form-action` to every redirect of a form submission.
            csp: crate::pages::site_csp(&ctx).replace(
                "form-action 'self'",
                &format!("form-action 'self' {}", directory.hosts.identity_url()),
            ),
            site: Some(view),
        })
    }

    pub(crate) fn words<'a>(&'a self, app: &'a App) -> Words<'a> {
        Words::new(app, &self.lang)
    }

    /// Renders `template` with `page` into a response.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn render(
        &self,
        app: &App,
        status: StatusCode,
        template: &str,
        title: &str,
        column_type: ColumnType,
        page: &impl Serialize,
        cookies: Vec<HeaderValue>,
    ) -> Response {
        match app
            .renderer
            .citizen_page(template, self.site.as_ref(), title, column_type, page)
        {
            Ok(html) => html_page(status, html, &self.csp, cookies),
            Err(error) => {
                tracing::error!(%error, template, "rendering a citizen page failed");
                text_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error: the page could not be rendered; please try again later",
                )
            }
        }
    }

    /// Renders a form page.
    pub(crate) fn form(
        &self,
        app: &App,
        status: StatusCode,
        page: &FormPage,
        cookies: Vec<HeaderValue>,
    ) -> Response {
        self.render(
            app,
            status,
            "citizen_form.html",
            &page.heading,
            ColumnType::Consultation,
            page,
            cookies,
        )
    }
}
