//! Home pages and paginated column pages.

use http::StatusCode;
use jiyue_core::paths::column_page_path;
use jiyue_db::Column;
use jiyue_render::model::{ColumnPage, HomePage, HomeSection, Pagination};

use super::{column_tags, not_found, page, site_csp, Body, PageError, Rendered};
use crate::analytics::PageView;
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

/// Items listed per column block on a home page.
const HOME_ENTRIES: i64 = 6;

/// Renders a site's home page: a block of the newest items of each top-level column.
pub async fn home(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
) -> Result<Rendered, PageError> {
    let site_id = ctx.site.id;
    let mut tags = vec![format!("nav:{site_id}")];
    let mut sections = Vec::new();
    for column in ctx.top_columns() {
        let (items, _total) = app
            .db
            .column_items(site_id, column.id, 0, HOME_ENTRIES)
            .await?;
        tags.push(format!("column:{}", column.id));
        sections.push(HomeSection {
            column: ctx.column_view(column),
            entries: items.iter().map(|summary| ctx.entry(summary)).collect(),
        });
    }
    let model = HomePage {
        site: ctx.view(directory, None),
        sections,
    };
    let html = app.renderer.home(&model)?;
    let mut page = page(&site_csp(ctx), StatusCode::OK, Body::Html, html, tags);
    page.view = Some(PageView::home());
    Ok(Rendered {
        page,
        cacheable: true,
    })
}

/// Renders page `number` (0-based) of a column; a page past the last one is a 404.
pub async fn column(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    column: &Column,
    number: u32,
) -> Result<Rendered, PageError> {
    let per_page = i64::from(app.config.page_size.max(1));
    let offset = i64::from(number) * per_page;
    let (items, total) = app
        .db
        .column_items(ctx.site.id, column.id, offset, per_page)
        .await?;
    if number > 0 && items.is_empty() {
        let path = column_page_path(&column.path, number);
        return not_found(app, directory, ctx, &path);
    }
    let pagination = Pagination::new(
        number as usize,
        u64::try_from(total).unwrap_or(0),
        per_page as usize,
        |p| ctx.url(&column_page_path(&column.path, p as u32)),
    );
    let model = ColumnPage {
        site: ctx.view(directory, Some(column.id)),
        column: ctx.column_view(column),
        breadcrumbs: ctx.breadcrumbs(column, false),
        entries: items.iter().map(|summary| ctx.entry(summary)).collect(),
        pagination,
    };
    let html = app.renderer.column(&model)?;
    let mut page = page(
        &site_csp(ctx),
        StatusCode::OK,
        Body::Html,
        html,
        column_tags(ctx.site.id, column),
    );
    page.view = Some(PageView::column(column.id));
    Ok(Rendered {
        page,
        cacheable: true,
    })
}
