//! Atom feeds of columns and sitemaps of sites.

use http::StatusCode;
use jiyue_db::Column;

use super::{column_tags, page, site_csp, Body, PageError, Rendered};
use crate::sitemodel::SiteContext;
use crate::App;

/// Entries in a column feed.
const FEED_ENTRIES: i64 = 20;

/// Renders the Atom feed of a column.
pub async fn atom(
    app: &App,
    ctx: &SiteContext<'_>,
    column: &Column,
) -> Result<Rendered, PageError> {
    let (items, _total) = app
        .db
        .column_items(ctx.site.id, column.id, 0, FEED_ENTRIES)
        .await?;
    let view = ctx.column_view(column);
    let feed_url = ctx.url(&crate::sitemodel::feed_path(&column.path));
    let entries = items
        .iter()
        .map(|summary| jiyue_render::FeedEntry {
            title: summary.title.clone(),
            url: ctx.url(&summary.path),
            published: summary.published_at,
            updated: summary.published_at,
            summary: summary.summary.clone(),
        })
        .collect::<Vec<_>>();
    let updated = items
        .iter()
        .map(|summary| summary.published_at)
        .max()
        .unwrap_or_else(|| app.clock.now());
    let feed = jiyue_render::FeedView {
        title: format!("{} - {}", column.name, ctx.site.name),
        subtitle: column.description.clone(),
        column_url: view.url.clone(),
        feed_url,
        author_name: ctx
            .site
            .settings
            .sponsor
            .clone()
            .unwrap_or_else(|| ctx.site.name.clone()),
        lang: ctx.site.lang.clone(),
        updated,
        entries,
    };
    let body = jiyue_render::atom_feed(&feed);
    Ok(Rendered {
        page: page(
            &site_csp(ctx),
            StatusCode::OK,
            Body::Atom,
            body,
            column_tags(ctx.site.id, column),
        ),
        cacheable: true,
    })
}

/// Renders `/sitemap.xml` (a URL set, or an index when the site outgrows one file) and the
/// numbered parts `/sitemap-N.xml`.
pub async fn sitemap(app: &App, ctx: &SiteContext<'_>, path: &str) -> Result<Rendered, PageError> {
    let mut entries = Vec::new();
    let mut after = 0;
    loop {
        let batch = app.db.site_routes(ctx.site.id, after, 5000).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.id;
        entries.extend(batch.iter().map(|route| jiyue_render::SitemapEntry {
            loc: ctx.url(&route.path),
            lastmod: Some(route.lastmod),
        }));
    }
    let parts = jiyue_render::split_sitemaps(&entries)?;
    let tags = vec![format!("site:{}", ctx.site.id)];
    let body = if path == "/sitemap.xml" {
        if parts.len() <= 1 {
            Some(
                parts
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| jiyue_render::sitemap_urlset(&[])),
            )
        } else {
            let urls: Vec<String> = (1..=parts.len())
                .map(|n| ctx.url(&format!("/sitemap-{n}.xml")))
                .collect();
            Some(jiyue_render::sitemap_index(&urls))
        }
    } else {
        path.strip_prefix("/sitemap-")
            .and_then(|rest| rest.strip_suffix(".xml"))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n >= 1 && parts.len() > 1)
            .and_then(|n| parts.get(n - 1).cloned())
    };
    let csp = site_csp(ctx);
    Ok(match body {
        Some(body) => Rendered {
            page: page(&csp, StatusCode::OK, Body::Xml, body, tags),
            cacheable: true,
        },
        None => Rendered {
            page: page(
                &csp,
                StatusCode::NOT_FOUND,
                Body::Text,
                "sitemap part not found\n",
                tags,
            ),
            cacheable: false,
        },
    })
}
