//! Item pages: one page per placement, the home placement canonical.

use http::StatusCode;
use jiyue_core::metadata::vocabulary;
use jiyue_db::{ItemId, PublishedItem, PublishedService};
use jiyue_render::model::{ItemPage, ItemView, LangLink, Link};

use super::{not_found, page, site_csp, Body, PageError, Rendered};
use crate::analytics::PageView;
use crate::sitemodel::{language_label, SiteContext};
use crate::{App, SiteDirectory};

/// Renders the placement of `item_id` on the context's site.
pub async fn item_page(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    item_id: ItemId,
    path: &str,
) -> Result<Rendered, PageError> {
    let Some(item) = app.db.published_item(item_id).await? else {
        return not_found(app, directory, ctx, path);
    };
    let site_id = ctx.site.id;
    let placement = item
        .placements
        .iter()
        .find(|p| p.site_id == site_id && p.path == path)
        .or_else(|| item.placements.iter().find(|p| p.site_id == site_id));
    let Some(placement) = placement else {
        return not_found(app, directory, ctx, path);
    };
    let Some(column) = ctx.column(placement.column_id) else {
        return not_found(app, directory, ctx, path);
    };
    let canonical_url = if placement.is_home {
        None
    } else {
        home_url(directory, &item)
    };
    if item.meta.service.is_some() {
        if let Some(record) = app.db.service_record(item.id).await? {
            let service = PublishedService { item, record };
            let item_id = service.item.id;
            let mut rendered = super::services::item_guide(
                app,
                directory,
                ctx,
                &service,
                column,
                canonical_url,
                path,
            )
            .await?;
            rendered.page.view = Some(PageView::item(column.id, item_id));
            return Ok(rendered);
        }
    }

    let mut tags = vec![
        format!("item:{}", item.id),
        format!("column:{}", column.id),
        format!("nav:{site_id}"),
    ];
    let mut translations = Vec::new();
    for other_id in &item.translations {
        tags.push(format!("item:{other_id}"));
        if let Some(other) = app.db.published_item(*other_id).await? {
            if let Some(url) = home_url(directory, &other) {
                translations.push(LangLink {
                    lang: other.meta.lang.clone(),
                    label: language_label(&other.meta.lang).to_string(),
                    url,
                });
            }
        }
    }
    let also_on = item
        .placements
        .iter()
        .filter(|p| p.site_id != site_id)
        .filter_map(|p| {
            let site = directory.sites.get(&p.site_id)?;
            let base = directory.hosts.base_url(p.site_id)?;
            tags.push(format!("nav:{}", p.site_id));
            Some(Link {
                title: site.name.clone(),
                url: format!("{base}{}", p.path),
            })
        })
        .collect();

    let mut site = ctx.view(directory, Some(column.id));
    if !translations.is_empty() {
        site.language_links = translations.clone();
    }
    let model = ItemPage {
        site,
        column: ctx.column_view(column),
        breadcrumbs: ctx.breadcrumbs(column, true),
        item: item_view(&item, canonical_url, translations, also_on),
    };
    let html = app.renderer.item(&model)?;
    let mut page = page(&site_csp(ctx), StatusCode::OK, Body::Html, html, tags);
    page.view = Some(PageView::item(column.id, item.id));
    Ok(Rendered {
        page,
        cacheable: true,
    })
}

/// Returns the absolute URL of an item's home placement.
pub fn home_url(directory: &SiteDirectory, item: &PublishedItem) -> Option<String> {
    let home = item.placements.iter().find(|p| p.is_home)?;
    let base = directory.hosts.base_url(home.site_id)?;
    Some(format!("{base}{}", home.path))
}

fn item_view(
    item: &PublishedItem,
    canonical_url: Option<String>,
    translations: Vec<LangLink>,
    also_on: Vec<Link>,
) -> ItemView {
    let meta = &item.meta;
    let published = meta.published_at.unwrap_or(item.first_published_at);
    ItemView {
        title: meta.title.clone(),
        subtitle: meta.subtitle.clone(),
        lang: meta.lang.clone(),
        index_number: meta.index_number.as_ref().map(|n| n.as_str().to_string()),
        issuing_org: meta.issuing_org.clone(),
        written_date: meta.written_date.map(|d| d.format("%Y-%m-%d").to_string()),
        document_number: meta.document_number.clone(),
        pub_date: jiyue_core::clock::format_china_minute(published),
        source: meta.source.clone(),
        author: meta.author.clone(),
        editor: meta.editor.clone(),
        subject_path: meta.subject.as_deref().and_then(vocabulary::subject_path),
        genre: meta
            .genre
            .as_deref()
            .and_then(vocabulary::genre)
            .map(|term| term.name_zh.to_string()),
        keywords: meta.keywords.clone(),
        summary: meta.summary.clone(),
        validity: meta.validity,
        body_html: item.body_html.clone(),
        attachments: Vec::new(),
        canonical_url,
        translations,
        also_on,
        sample: item.sample,
    }
}
