//! The one-stop service pages (`/zwfw/…`) that every site serves: the hub, the services of a
//! department, life event, business stage or audience, each service's guide and the published
//! statistics. Every response carries the `services` cache tag, so a change to a service, its
//! statistics or the working-day calendar drops them all.

use http::StatusCode;
use jiyue_core::{BusinessStage, ColumnType, LifeEvent, ServiceAudience};
use jiyue_db::{Column, PublishedService, SERVICES_TAG};
use jiyue_render::model::{
    Breadcrumb, ServiceEntry, ServiceGroupLink, ServicesHubPage, ServicesListPage,
};

use super::{not_found, page, site_csp, Body, PageError, Rendered};
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

mod guide;
mod stats;

pub use guide::item_guide;

/// The folder of the one-stop pages on every site.
pub(crate) const PREFIX: &str = "/zwfw/";

/// One page below `/zwfw/`, parsed from its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServicePath<'a> {
    Hub,
    Stats,
    Group(Group),
    Guide(&'a str),
}

/// A group of services that has a list page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Department(i64),
    LifeEvent(LifeEvent),
    Stage(BusinessStage),
    Audience(ServiceAudience),
}

impl Group {
    /// Returns true when `service` belongs to the group.
    fn contains(self, service: &PublishedService) -> bool {
        let Some(guide) = &service.item.meta.service else {
            return false;
        };
        match self {
            Group::Department(org_id) => service.item.org_id == org_id,
            Group::LifeEvent(event) => guide.life_events.contains(&event),
            Group::Stage(stage) => guide.business_stages.contains(&stage),
            Group::Audience(audience) => guide.audiences.contains(&audience),
        }
    }

    /// Returns the path of the group's list page.
    fn path(self) -> String {
        match self {
            Group::Department(org_id) => format!("{PREFIX}bm/{org_id}.html"),
            Group::LifeEvent(event) => format!("{PREFIX}sj/{}.html", event.code()),
            Group::Stage(stage) => format!("{PREFIX}jd/{}.html", stage.code()),
            Group::Audience(audience) => format!("{PREFIX}dx/{}.html", audience.code()),
        }
    }
}

/// Parses the part of a path after `/zwfw/`; `None` for a path that matches no page.
fn parse(rest: &str) -> Option<ServicePath<'_>> {
    match rest {
        "" | "index.html" => return Some(ServicePath::Hub),
        "tj.html" => return Some(ServicePath::Stats),
        _ => {}
    }
    let (folder, file) = rest.split_once('/')?;
    let code = file.strip_suffix(".html")?;
    let group = match folder {
        "sx" => return Some(ServicePath::Guide(code)),
        "bm" => Group::Department(code.parse().ok()?),
        "sj" => Group::LifeEvent(LifeEvent::ALL.iter().copied().find(|e| e.code() == code)?),
        "jd" => Group::Stage(
            BusinessStage::ALL
                .iter()
                .copied()
                .find(|s| s.code() == code)?,
        ),
        "dx" => Group::Audience(
            ServiceAudience::ALL
                .iter()
                .copied()
                .find(|a| a.code() == code)?,
        ),
        _ => return None,
    };
    Some(ServicePath::Group(group))
}

/// Renders a path below `/zwfw/`, or returns `None` when `path` lies outside that folder.
pub async fn render(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    path: &str,
) -> Result<Option<Rendered>, PageError> {
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let rendered = match parse(rest) {
        None => not_found(app, directory, ctx, path)?,
        Some(ServicePath::Hub) => hub(app, directory, ctx).await?,
        Some(ServicePath::Stats) => stats::stats_page(app, directory, ctx).await?,
        Some(ServicePath::Group(group)) => list(app, directory, ctx, group, path).await?,
        Some(ServicePath::Guide(code)) => {
            guide::guide_page(app, directory, ctx, code, path).await?
        }
    };
    Ok(Some(rendered))
}

/// Returns whether a site shows Chinese names: the services' own text is Chinese, and other
/// sites show the vocabulary in English.
fn chinese(ctx: &SiteContext<'_>) -> bool {
    ctx.site.lang.starts_with("zh")
}

/// Picks the name of a vocabulary value in the site's language.
fn label(ctx: &SiteContext<'_>, zh: &'static str, en: &'static str) -> String {
    if chinese(ctx) { zh } else { en }.to_string()
}

/// Returns the site's services column, whose name and meta tags the pages take.
fn services_column<'c>(ctx: &'c SiteContext<'_>) -> Option<&'c Column> {
    let mut columns: Vec<&Column> = ctx
        .columns
        .iter()
        .filter(|column| column.column_type == ColumnType::Services)
        .collect();
    columns.sort_by_key(|column| (column.parent_id.is_some(), column.position, column.id));
    columns.first().copied()
}

/// Returns the breadcrumb trail of a page below the hub: the home page and the hub.
fn trail(app: &App, ctx: &SiteContext<'_>, column: Option<&Column>) -> Vec<Breadcrumb> {
    let hub_name = column.map_or_else(
        || {
            app.renderer
                .catalog()
                .message(&ctx.site.lang, "services-title")
        },
        |column| column.name.clone(),
    );
    vec![
        Breadcrumb {
            name: ctx.site.name.clone(),
            url: ctx.url("/"),
        },
        Breadcrumb {
            name: hub_name,
            url: ctx.url(PREFIX),
        },
    ]
}

/// Wraps a services page: cacheable, tagged with `services` and the site's navigation.
fn respond(ctx: &SiteContext<'_>, html: String, mut tags: Vec<String>) -> Rendered {
    tags.push(SERVICES_TAG.to_string());
    tags.push(format!("nav:{}", ctx.site.id));
    Rendered {
        page: page(&site_csp(ctx), StatusCode::OK, Body::Html, html, tags),
        cacheable: true,
    }
}

/// Builds one line of a service list.
fn entry(ctx: &SiteContext<'_>, service: &PublishedService) -> ServiceEntry {
    let guide = service.item.meta.service.as_ref();
    ServiceEntry {
        name: service.item.meta.title.clone(),
        url: ctx.url(&guide_path(&service.record.code)),
        code: service.record.code.clone(),
        lang: service.item.meta.lang.clone(),
        implementing_org: guide
            .map(|g| g.implementing_org.clone())
            .unwrap_or_default(),
        kind: guide
            .and_then(|g| g.kind)
            .map(|kind| label(ctx, kind.name_zh(), kind.name_en())),
        sample: service.item.sample,
    }
}

/// Returns the path of a service's guide page.
fn guide_path(code: &str) -> String {
    format!("{PREFIX}sx/{code}.html")
}

/// Returns the link to a group's list, with the number of services in it.
fn group_link(
    ctx: &SiteContext<'_>,
    services: &[PublishedService],
    group: Group,
    name: String,
    lang: Option<String>,
) -> ServiceGroupLink {
    ServiceGroupLink {
        name,
        lang,
        url: ctx.url(&group.path()),
        count: services.iter().filter(|s| group.contains(s)).count(),
    }
}

/// Returns the name of a department in the site's language, with the tag of its language
/// when that differs from the site's.
fn org_name(ctx: &SiteContext<'_>, org: &jiyue_db::Org) -> (String, Option<String>) {
    match (&org.name_en, chinese(ctx)) {
        (Some(name_en), false) => (name_en.clone(), None),
        (None, false) => (org.name.clone(), Some("zh-CN".to_string())),
        (_, true) => (org.name.clone(), None),
    }
}

async fn hub(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
) -> Result<Rendered, PageError> {
    let services = app.published_services().await?;
    let orgs = app.db.orgs().await?;

    let departments = orgs
        .iter()
        .map(|org| {
            let (name, lang) = org_name(ctx, org);
            group_link(ctx, &services, Group::Department(org.id), name, lang)
        })
        .filter(|link| link.count > 0)
        .collect();
    let life_events = LifeEvent::ALL
        .iter()
        .map(|&e| {
            group_link(
                ctx,
                &services,
                Group::LifeEvent(e),
                label(ctx, e.name_zh(), e.name_en()),
                None,
            )
        })
        .collect();
    let business_stages = BusinessStage::ALL
        .iter()
        .map(|&s| {
            group_link(
                ctx,
                &services,
                Group::Stage(s),
                label(ctx, s.name_zh(), s.name_en()),
                None,
            )
        })
        .collect();
    let audiences = ServiceAudience::ALL
        .iter()
        .map(|&a| {
            group_link(
                ctx,
                &services,
                Group::Audience(a),
                label(ctx, a.name_zh(), a.name_en()),
                None,
            )
        })
        .collect();

    let column = services_column(ctx);
    let mut breadcrumbs = trail(app, ctx, column);
    breadcrumbs.truncate(1);
    let model = ServicesHubPage {
        site: ctx.view(directory, column.map(|c| c.id)),
        column: column.map(|c| ctx.column_view(c)),
        breadcrumbs,
        total: services.len(),
        departments,
        life_events,
        business_stages,
        audiences,
        stats_url: ctx.url(&format!("{PREFIX}tj.html")),
    };
    Ok(respond(ctx, app.renderer.services_hub(&model)?, Vec::new()))
}

async fn list(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    group: Group,
    path: &str,
) -> Result<Rendered, PageError> {
    let services = app.published_services().await?;
    let (title, title_lang) = match group {
        Group::Department(org_id) => match app.db.org(org_id).await? {
            Some(org) => org_name(ctx, &org),
            None => return not_found(app, directory, ctx, path),
        },
        Group::LifeEvent(e) => (label(ctx, e.name_zh(), e.name_en()), None),
        Group::Stage(s) => (label(ctx, s.name_zh(), s.name_en()), None),
        Group::Audience(a) => (label(ctx, a.name_zh(), a.name_en()), None),
    };
    let members: Vec<ServiceEntry> = services
        .iter()
        .filter(|service| group.contains(service))
        .map(|service| entry(ctx, service))
        .collect();
    if members.is_empty() && matches!(group, Group::Department(_)) {
        return not_found(app, directory, ctx, path);
    }

    let column = services_column(ctx);
    let model = ServicesListPage {
        site: ctx.view(directory, column.map(|c| c.id)),
        breadcrumbs: trail(app, ctx, column),
        column: column.map(|c| ctx.column_view(c)),
        title,
        title_lang,
        services: members,
    };
    Ok(respond(
        ctx,
        app.renderer.services_list(&model)?,
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_page_and_rejects_unknown_codes() {
        assert_eq!(parse(""), Some(ServicePath::Hub));
        assert_eq!(parse("index.html"), Some(ServicePath::Hub));
        assert_eq!(parse("tj.html"), Some(ServicePath::Stats));
        assert_eq!(
            parse("sj/birth.html"),
            Some(ServicePath::Group(Group::LifeEvent(LifeEvent::Birth)))
        );
        assert_eq!(
            parse("bm/12.html"),
            Some(ServicePath::Group(Group::Department(12)))
        );
        assert_eq!(parse("sx/A-1.html"), Some(ServicePath::Guide("A-1")));
        assert_eq!(parse("sj/wedding.html"), None);
        assert_eq!(parse("bm/x.html"), None);
        assert_eq!(parse("dx/individual"), None);
        assert_eq!(parse("other/birth.html"), None);
    }
}
