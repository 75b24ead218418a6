//! The published statistics (办事统计, `/zwfw/tj.html`): received and completed applications
//! per service and month, exactly as imported from the source of record.

use jiyue_core::clock::format_china_minute;
use jiyue_db::ServiceStat;
use jiyue_render::model::{Link, ServiceStatView, ServicesStatsPage, StatsMonthView};

use super::{guide_path, respond, services_column, trail};
use crate::pages::{PageError, Rendered};
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

/// Months the statistics page lists at most.
const MAX_MONTHS: usize = 12;

/// Builds the view of one stored month; `service` links the service on the platform page.
pub(super) fn stat_view(stat: &ServiceStat, service: Option<Link>) -> ServiceStatView {
    ServiceStatView {
        month: stat.month.clone(),
        service,
        code: stat.code.clone(),
        received: stat.received,
        completed: stat.completed,
        source: stat.source.clone(),
        imported_at: format_china_minute(stat.imported_at),
    }
}

/// Renders the statistics of the published services, one table per month, newest first.
pub(super) async fn stats_page(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
) -> Result<Rendered, PageError> {
    let services = app.published_services().await?;
    let stats = app.db.service_stats(None).await?;

    let mut months: Vec<StatsMonthView> = Vec::new();
    for stat in &stats {
        let Some(service) = services.iter().find(|s| s.record.code == stat.code) else {
            continue;
        };
        let link = Link {
            title: service.item.meta.title.clone(),
            url: ctx.url(&guide_path(&stat.code)),
        };
        let view = stat_view(stat, Some(link));
        let same_month = months.last().is_some_and(|month| month.month == stat.month);
        if same_month {
            if let Some(month) = months.last_mut() {
                month.rows.push(view);
            }
        } else if months.len() < MAX_MONTHS {
            months.push(StatsMonthView {
                month: stat.month.clone(),
                rows: vec![view],
            });
        } else {
            break;
        }
    }

    let column = services_column(ctx);
    let model = ServicesStatsPage {
        site: ctx.view(directory, column.map(|c| c.id)),
        breadcrumbs: trail(app, ctx, column),
        column: column.map(|c| ctx.column_view(c)),
        months,
    };
    Ok(respond(
        ctx,
        app.renderer.services_stats(&model)?,
        Vec::new(),
    ))
}
