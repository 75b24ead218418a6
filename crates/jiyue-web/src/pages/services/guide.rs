//! The guide page (办事指南) of one service, at `/zwfw/sx/<code>.html` on every site and at the
//! service item's own route.

use chrono::{DateTime, Utc};
use jiyue_core::clock::format_china_minute;
use jiyue_core::service::is_service_code;
use jiyue_core::{GuideFile, ServiceGuide};
use jiyue_db::{Column, PublishedService, ServiceOrigin};
use jiyue_render::model::{
    Breadcrumb, FeeView, Link, MaterialView, NamedText, ServiceGuidePage, ServiceGuideView, StatSum,
};

use super::stats::stat_view;
use super::{label, respond, services_column, trail, Group};
use crate::pages::item::home_url;
use crate::pages::{not_found, PageError, Rendered};
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

/// Months of statistics a guide shows at most.
const GUIDE_STAT_MONTHS: usize = 12;

/// Renders `/zwfw/sx/<code>.html`; its canonical URL is the item's home placement.
pub(super) async fn guide_page(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    code: &str,
    path: &str,
) -> Result<Rendered, PageError> {
    if !is_service_code(code) {
        return not_found(app, directory, ctx, path);
    }
    let Some(service) = app.db.published_service(code).await? else {
        return not_found(app, directory, ctx, path);
    };
    let column = services_column(ctx);
    let breadcrumbs = trail(app, ctx, column);
    let canonical_url = home_url(directory, &service.item);
    let placement = Placement {
        column,
        breadcrumbs,
        canonical_url,
        path,
    };
    render_guide(app, directory, ctx, &service, placement).await
}

/// Renders the guide of a service item at its own route, under the column of that placement.
/// `canonical_url` is the home placement's URL when this page is not it.
pub async fn item_guide(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    service: &PublishedService,
    column: &Column,
    canonical_url: Option<String>,
    path: &str,
) -> Result<Rendered, PageError> {
    let placement = Placement {
        column: Some(column),
        breadcrumbs: ctx.breadcrumbs(column, true),
        canonical_url,
        path,
    };
    render_guide(app, directory, ctx, service, placement).await
}

/// The position of a guide page: its column, trail, canonical URL and path.
struct Placement<'p> {
    column: Option<&'p Column>,
    breadcrumbs: Vec<Breadcrumb>,
    canonical_url: Option<String>,
    path: &'p str,
}

async fn render_guide(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    service: &PublishedService,
    placement: Placement<'_>,
) -> Result<Rendered, PageError> {
    let Some(guide) = &service.item.meta.service else {
        return not_found(app, directory, ctx, placement.path);
    };
    let stats: Vec<_> = app
        .db
        .service_stats(Some(&service.record.code))
        .await?
        .iter()
        .take(GUIDE_STAT_MONTHS)
        .map(|stat| stat_view(stat, None))
        .collect();
    let stats_sum = (stats.len() > 1).then(|| StatSum {
        months: stats.len(),
        received: stats.iter().map(|s| s.received).sum(),
        completed: stats.iter().map(|s| s.completed).sum(),
    });

    let mut view = guide_view(app, ctx, service, guide);
    view.stats = stats;
    view.stats_sum = stats_sum;
    let item = &service.item;
    let model = ServiceGuidePage {
        site: ctx.view(directory, placement.column.map(|c| c.id)),
        column: placement.column.map(|c| ctx.column_view(c)),
        breadcrumbs: placement.breadcrumbs,
        canonical_url: placement.canonical_url,
        pub_date: format_china_minute(item.meta.published_at.unwrap_or(item.first_published_at)),
        guide: view,
    };
    let html = app.renderer.service_guide(&model)?;
    Ok(respond(ctx, html, vec![format!("item:{}", item.id)]))
}

/// Builds the view of every key element; statistics are added by the caller.
fn guide_view(
    app: &App,
    ctx: &SiteContext<'_>,
    service: &PublishedService,
    guide: &ServiceGuide,
) -> ServiceGuideView {
    let item = &service.item;
    let record = &service.record;
    let due = guide
        .promised_days
        .map(|days| app.calendar().add_working_days(app.today(), days));
    let group_links = |groups: Vec<(Group, String)>| -> Vec<Link> {
        groups
            .into_iter()
            .map(|(group, title)| Link {
                title,
                url: ctx.url(&group.path()),
            })
            .collect()
    };
    let updated: DateTime<Utc> = item.updated_at.max(record.updated_at);
    ServiceGuideView {
        title: item.meta.title.clone(),
        lang: item.meta.lang.clone(),
        code: record.code.clone(),
        kind: guide.kind.map(|k| label(ctx, k.name_zh(), k.name_en())),
        implementing_org: guide.implementing_org.clone(),
        legal_basis: guide.legal_basis.clone(),
        conditions: guide.conditions.clone(),
        materials: guide
            .materials
            .iter()
            .map(|m| MaterialView {
                name: m.name.clone(),
                originals: m.originals,
                copies: m.copies,
                blank_form: m.blank_form.as_ref().map(file_link),
                example: m.example.as_ref().map(file_link),
                issuer: m.issuer.clone(),
                note: m.note.clone(),
            })
            .collect(),
        fee: guide.fee.as_ref().map(|fee| FeeView {
            free: fee.free,
            standard: fee.standard.clone(),
            basis: fee.basis.clone(),
        }),
        steps: guide
            .steps
            .iter()
            .map(|step| NamedText {
                name: step.name.clone(),
                text: step.description.clone(),
            })
            .collect(),
        statutory_days: guide.statutory_days,
        promised_days: guide.promised_days,
        due_date: due.map(|due| due.value.format("%Y-%m-%d").to_string()),
        due_provisional: due.is_some_and(|due| due.provisional),
        places: guide
            .places
            .iter()
            .map(|place| NamedText {
                name: place.address.clone(),
                text: place.hours.clone(),
            })
            .collect(),
        online_url: guide.online_url.clone(),
        consult_phone: guide.consult_phone.clone(),
        complaint_phone: guide.complaint_phone.clone(),
        audiences: group_links(
            guide
                .audiences
                .iter()
                .map(|&a| (Group::Audience(a), label(ctx, a.name_zh(), a.name_en())))
                .collect(),
        ),
        life_events: group_links(
            guide
                .life_events
                .iter()
                .map(|&e| (Group::LifeEvent(e), label(ctx, e.name_zh(), e.name_en())))
                .collect(),
        ),
        business_stages: group_links(
            guide
                .business_stages
                .iter()
                .map(|&s| (Group::Stage(s), label(ctx, s.name_zh(), s.name_en())))
                .collect(),
        ),
        keywords: item.meta.keywords.clone(),
        missing: guide
            .missing()
            .iter()
            .map(|e| e.code().to_string())
            .collect(),
        incomplete_reason: guide.incomplete_reason.clone(),
        synced: record.origin == ServiceOrigin::Synced,
        source: record.source.clone(),
        synced_at: record.synced_at.map(format_china_minute),
        updated_at: format_china_minute(updated),
        body_html: item.body_html.clone(),
        stats: Vec::new(),
        stats_sum: None,
        sample: item.sample,
    }
}

fn file_link(file: &GuideFile) -> Link {
    Link {
        title: file.name.clone(),
        url: file.href.clone(),
    }
}
