//! The public interaction pages (`/hudong/…`) every site serves: the hub with the replied
//! public messages, one replied message, the monthly statistics of answered cases and the
//! consultations. They hold no per-visitor state, so the page cache keeps them; the outbox
//! events that publish a message or a consultation result carry the tags that drop them.

use http::StatusCode;
use jiyue_core::{mask_personal_data, ColumnType};
use jiyue_db::{PublicMessage, Scope, SiteId};
use jiyue_render::model::Breadcrumb;
use serde::Serialize;

use super::{not_found, page, site_csp, Body, PageError, Rendered};
use crate::citizen::view::{DetailPage, Entry, Fact, Link, ListPage, PageLink, Section, Words};
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

mod consultations;
mod stats;

/// The folder of the interaction pages on every site.
pub(crate) const PREFIX: &str = "/hudong/";

/// One page below `/hudong/`, parsed from its path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CasePath<'a> {
    /// A page of the hub's list of replied messages, from 0.
    Hub(u32),
    Message(&'a str),
    Stats,
    Consultations,
    Consultation(i64),
}

/// Parses the part of a path after `/hudong/`; `None` for a path that matches no page.
fn parse(rest: &str) -> Option<CasePath<'_>> {
    match rest {
        "" | "index.html" => return Some(CasePath::Hub(0)),
        "tj.html" => return Some(CasePath::Stats),
        "zj/" | "zj/index.html" => return Some(CasePath::Consultations),
        _ => {}
    }
    if let Some(number) = rest
        .strip_prefix("index_")
        .and_then(|rest| rest.strip_suffix(".html"))
    {
        let number: u32 = number.parse().ok()?;
        return (number > 0 && number.to_string().len() == rest.len() - 11)
            .then_some(CasePath::Hub(number));
    }
    if let Some(no) = rest
        .strip_prefix("xx/")
        .and_then(|rest| rest.strip_suffix(".html"))
    {
        let digits = no.len() >= 13 && no.len() <= 30 && no.bytes().all(|b| b.is_ascii_digit());
        return digits.then_some(CasePath::Message(no));
    }
    let id = rest.strip_prefix("zj/")?.strip_suffix(".html")?;
    let parsed: i64 = id.parse().ok()?;
    (parsed > 0 && parsed.to_string() == id).then_some(CasePath::Consultation(parsed))
}

/// Renders a path below `/hudong/`, or returns `None` when `path` lies outside that folder.
pub async fn render(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    path: &str,
) -> Result<Option<Rendered>, PageError> {
    if path == "/hudong" {
        return Ok(Some(super::redirect(
            ctx,
            &ctx.url(PREFIX),
            cases_tag(ctx.site.id),
        )));
    }
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let rendered = match parse(rest) {
        None => None,
        Some(CasePath::Hub(number)) => hub(app, directory, ctx, number).await?,
        Some(CasePath::Message(no)) => message(app, directory, ctx, no).await?,
        Some(CasePath::Stats) => Some(stats::stats(app, directory, ctx).await?),
        Some(CasePath::Consultations) => Some(consultations::list(app, directory, ctx).await?),
        Some(CasePath::Consultation(id)) => consultations::detail(app, directory, ctx, id).await?,
    };
    match rendered {
        Some(rendered) => Ok(Some(rendered)),
        None => not_found(app, directory, ctx, path).map(Some),
    }
}

fn cases_tag(site: SiteId) -> String {
    format!("cases:site:{site}")
}

/// Returns the words of the site's language.
fn words<'a>(app: &'a App, ctx: &'a SiteContext<'_>) -> Words<'a> {
    Words::new(app, &ctx.site.lang)
}

/// Returns the breadcrumb links above a page: the home page, and the hub for pages below it.
/// The template adds the current page.
fn trail(ctx: &SiteContext<'_>, words: &Words<'_>, below_hub: bool) -> Vec<Breadcrumb> {
    let mut crumbs = vec![Breadcrumb {
        name: ctx.site.name.clone(),
        url: ctx.url("/"),
    }];
    if below_hub {
        crumbs.push(Breadcrumb {
            name: words.t("hudong-heading"),
            url: ctx.url(PREFIX),
        });
    }
    crumbs
}

/// Renders a citizen template inside the site's layout into a page the cache may keep.
#[allow(clippy::too_many_arguments)]
fn respond(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    template: &str,
    title: &str,
    column_type: ColumnType,
    model: &impl Serialize,
    mut tags: Vec<String>,
) -> Result<Rendered, PageError> {
    let view = ctx.view(directory, None);
    let html = app
        .renderer
        .citizen_page(template, Some(&view), title, column_type, model)?;
    tags.push(format!("nav:{}", ctx.site.id));
    Ok(Rendered {
        page: page(&site_csp(ctx), StatusCode::OK, Body::Html, html, tags),
        cacheable: true,
    })
}

/// Returns the names to mask in a published message: the display name and the sealed name
/// of the citizen who wrote it. Storage masks numbers and addresses but not names.
async fn known_names(app: &App, no: &str) -> Result<Vec<String>, PageError> {
    let Some(id) = no.get(8..).and_then(|id| id.parse::<i64>().ok()) else {
        return Ok(Vec::new());
    };
    let case = app.db.case(&Scope::Platform, id).await?;
    let mut names = Vec::new();
    if let Some(citizen) = case.citizen_id {
        if let Some(citizen) = app.db.citizen(citizen).await? {
            names.push(citizen.display_name);
        }
    }
    let sealed = case
        .contact
        .name
        .as_deref()
        .and_then(|sealed| jiyue_auth::Sealed::parse(sealed).ok());
    if let (Some(sealed), Some(services)) = (sealed, app.citizens.as_deref()) {
        if let Ok(name) = services
            .cipher
            .open(jiyue_auth::personal::Field::Name, &sealed)
        {
            names.push(name);
        }
    }
    Ok(names)
}

/// Masks the writer's names in a published message's subject, body and reply.
async fn mask_names(app: &App, mut message: PublicMessage) -> Result<PublicMessage, PageError> {
    let names = known_names(app, &message.no).await?;
    if names.is_empty() {
        return Ok(message);
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    message.subject = mask_personal_data(&message.subject, &names).text;
    message.body = mask_personal_data(&message.body, &names).text;
    message.reply = mask_personal_data(&message.reply, &names).text;
    Ok(message)
}

fn message_path(no: &str) -> String {
    format!("{PREFIX}xx/{no}.html")
}

fn hub_page_path(number: u32) -> String {
    if number == 0 {
        format!("{PREFIX}index.html")
    } else {
        format!("{PREFIX}index_{number}.html")
    }
}

/// Renders a page of the hub; `None` past the last page.
async fn hub(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    number: u32,
) -> Result<Option<Rendered>, PageError> {
    let words = words(app, ctx);
    let per_page = app.config.page_size.max(1);
    let (messages, total) = app
        .db
        .published_messages(ctx.site.id, number + 1, per_page)
        .await?;
    if number > 0 && messages.is_empty() {
        return Ok(None);
    }
    let mut entries = Vec::new();
    for message in messages {
        let message = mask_names(app, message).await?;
        entries.push(Entry {
            title: message.subject.clone(),
            url: Some(ctx.url(&message_path(&message.no))),
            facts: vec![
                Fact::new(
                    words.t("case-received-on-label"),
                    message.received_on.to_string(),
                ),
                Fact::new(
                    words.t("case-replied-on-label"),
                    message.answered_on.to_string(),
                ),
                Fact::new(
                    words.t("case-reply-org-label"),
                    message.reply_org_name.clone(),
                ),
            ],
        });
    }
    let pages = u32::try_from(total.div_ceil(u64::from(per_page))).unwrap_or(u32::MAX);
    let model = ListPage {
        heading: words.t("hudong-heading"),
        intro: Some(words.t("hudong-intro")),
        breadcrumbs: trail(ctx, &words, false),
        actions: vec![
            link(ctx, "/hudong/write", words.t("message-write-link")),
            link(ctx, "/ysqgk", words.t("disclosure-link")),
            link(ctx, "/zhaocuo", words.t("footer-error-report")),
        ],
        entries,
        empty: Some(words.t("hudong-empty")),
        pages: pagination(ctx, &words, number, pages),
        links: vec![
            link(ctx, "/hudong/tj.html", words.t("hudong-stats-link")),
            link(ctx, "/hudong/zj/", words.t("hudong-consultations-link")),
        ],
        ..ListPage::default()
    };
    let title = words.t("hudong-heading");
    let tags = vec![cases_tag(ctx.site.id)];
    let column = ColumnType::Consultation;
    respond(
        app,
        directory,
        ctx,
        "citizen_list.html",
        &title,
        column,
        &model,
        tags,
    )
    .map(Some)
}

fn link(ctx: &SiteContext<'_>, path: &str, text: String) -> Link {
    Link {
        url: ctx.url(path),
        text,
    }
}

/// Returns the pagination links of the hub: every page when there are more than one.
fn pagination(ctx: &SiteContext<'_>, words: &Words<'_>, current: u32, pages: u32) -> Vec<PageLink> {
    if pages <= 1 {
        return Vec::new();
    }
    (0..pages.min(200))
        .map(|number| PageLink {
            url: (number != current).then(|| ctx.url(&hub_page_path(number))),
            text: words.with("hudong-page", &[("number", &(number + 1).to_string())]),
        })
        .collect()
}

/// Renders one replied message; `None` when the site published none with that number.
async fn message(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    no: &str,
) -> Result<Option<Rendered>, PageError> {
    let Some(message) = app.db.published_message(ctx.site.id, no).await? else {
        return Ok(None);
    };
    let message = mask_names(app, message).await?;
    let words = words(app, ctx);
    let category = message
        .category
        .map(|category| words.t(&format!("category-{}", category.as_str())));
    let mut facts = vec![Fact::new(words.t("case-no-label"), message.no.clone())];
    if let Some(category) = category {
        facts.push(Fact::new(words.t("field-category"), category));
    }
    facts.push(Fact::new(
        words.t("case-received-on-label"),
        message.received_on.to_string(),
    ));
    let model = DetailPage {
        heading: message.subject.clone(),
        breadcrumbs: trail(ctx, &words, true),
        sections: vec![
            Section {
                heading: words.t("hudong-message-section"),
                facts,
                paragraphs: paragraphs(&message.body),
            },
            Section {
                heading: words.t("hudong-reply-section"),
                facts: vec![
                    Fact::new(
                        words.t("case-reply-org-label"),
                        message.reply_org_name.clone(),
                    ),
                    Fact::new(
                        words.t("case-replied-on-label"),
                        message.answered_on.to_string(),
                    ),
                ],
                paragraphs: paragraphs(&message.reply),
            },
        ],
        links: vec![link(ctx, PREFIX, words.t("hudong-link"))],
        ..DetailPage::default()
    };
    let tags = vec![cases_tag(ctx.site.id)];
    let title = message.subject.clone();
    let column = ColumnType::Consultation;
    respond(
        app,
        directory,
        ctx,
        "citizen_detail.html",
        &title,
        column,
        &model,
        tags,
    )
    .map(Some)
}

/// Splits a text into its non-empty lines, one paragraph each.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// Returns an organization's name in the site's language.
async fn org_name(
    app: &App,
    id: i64,
    chinese_name: &str,
    chinese: bool,
) -> Result<String, PageError> {
    if chinese {
        return Ok(chinese_name.to_string());
    }
    let org = app.db.org(id).await?;
    Ok(org
        .and_then(|org| org.name_en)
        .unwrap_or_else(|| chinese_name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hudong_paths_parsed() {
        assert_eq!(parse(""), Some(CasePath::Hub(0)));
        assert_eq!(parse("index.html"), Some(CasePath::Hub(0)));
        assert_eq!(parse("index_2.html"), Some(CasePath::Hub(2)));
        assert_eq!(parse("index_0.html"), None);
        assert_eq!(parse("index_02.html"), None);
        assert_eq!(parse("index_x.html"), None);
        assert_eq!(parse("tj.html"), Some(CasePath::Stats));
        assert_eq!(parse("zj/"), Some(CasePath::Consultations));
        assert_eq!(parse("zj/7.html"), Some(CasePath::Consultation(7)));
        assert_eq!(parse("zj/07.html"), None);
        assert_eq!(parse("zj/-7.html"), None);
        assert_eq!(
            parse("xx/2026120100012.html"),
            Some(CasePath::Message("2026120100012"))
        );
        assert_eq!(parse("xx/123.html"), None);
        assert_eq!(parse("xx/2026120100012x.html"), None);
        assert_eq!(parse("write"), None);
    }
}
