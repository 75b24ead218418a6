//! The monthly statistics page (`/hudong/tj.html`): per organization and kind, the cases
//! received and answered in each of the last twelve months.

use chrono::{Datelike, NaiveDate};
use jiyue_core::ColumnType;
use jiyue_db::CaseKind;

use super::{cases_tag, link, org_name, respond, trail, words, PREFIX};
use crate::citizen::view::{ListPage, Table};
use crate::pages::{PageError, Rendered};
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

/// Months the statistics page covers, the current one included.
const STATS_MONTHS: u32 = 12;

/// Returns the year and month `back` months before the month of `today`.
fn month_before(today: NaiveDate, back: u32) -> (i32, u32) {
    let index = today.year() * 12 + i32::try_from(today.month0()).unwrap_or(0)
        - i32::try_from(back).unwrap_or(0);
    (
        index.div_euclid(12),
        u32::try_from(index.rem_euclid(12)).unwrap_or(0) + 1,
    )
}

/// Renders the statistics of the last twelve months, one table per month with cases.
// NOTE: the counts of received cases change with every submission, which emits no outbox
// event, so this page is rendered on every request instead of cached.
pub(super) async fn stats(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
) -> Result<Rendered, PageError> {
    let words = words(app, ctx);
    let chinese = ctx.site.lang.starts_with("zh");
    let mut tables = Vec::new();
    for back in 0..STATS_MONTHS {
        let (year, month) = month_before(app.today(), back);
        let stats = app
            .db
            .case_month_stats(year, month, Some(ctx.site.id))
            .await?;
        if stats.is_empty() {
            continue;
        }
        let mut names = std::collections::HashMap::new();
        let mut rows = Vec::new();
        for stat in &stats {
            let name = match names.get(&stat.org_id) {
                Some(name) => String::clone(name),
                None => {
                    let name = org_name(app, stat.org_id, &stat.org_name, chinese).await?;
                    names.insert(stat.org_id, name.clone());
                    name
                }
            };
            rows.push(vec![
                name,
                words.t(kind_key(stat.kind)),
                stat.received.to_string(),
                stat.answered.to_string(),
                stat.answered_on_time.to_string(),
                stat.average_working_days
                    .map_or_else(|| "-".to_string(), |days| format!("{days:.1}")),
            ]);
        }
        tables.push(Table {
            caption: words.with(
                "hudong-stats-month",
                &[("month", &format!("{year}-{month:02}"))],
            ),
            headers: [
                "stats-org",
                "stats-kind",
                "stats-received",
                "stats-answered",
                "stats-on-time",
                "stats-average-days",
            ]
            .iter()
            .map(|key| words.t(key))
            .collect(),
            rows,
        });
    }
    let heading = words.t("hudong-stats-heading");
    let model = ListPage {
        heading: heading.clone(),
        intro: Some(words.t("hudong-stats-intro")),
        breadcrumbs: trail(ctx, &words, true),
        empty: tables.is_empty().then(|| words.t("hudong-stats-empty")),
        tables,
        links: vec![link(ctx, PREFIX, words.t("hudong-link"))],
        ..ListPage::default()
    };
    let tags = vec![cases_tag(ctx.site.id)];
    let column = ColumnType::Consultation;
    let mut rendered = respond(
        app,
        directory,
        ctx,
        "citizen_list.html",
        &heading,
        column,
        &model,
        tags,
    )?;
    rendered.cacheable = false;
    Ok(rendered)
}

/// Returns the catalog key of the name of a case kind.
fn kind_key(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Message => "case-kind-message",
        CaseKind::ErrorReport => "case-kind-error-report",
        CaseKind::Disclosure => "case-kind-disclosure",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_counted_back() {
        let today = NaiveDate::from_ymd_opt(2026, 2, 15).unwrap_or_default();
        assert_eq!(month_before(today, 0), (2026, 2));
        assert_eq!(month_before(today, 1), (2026, 1));
        assert_eq!(month_before(today, 2), (2025, 12));
        assert_eq!(month_before(today, 11), (2025, 3));
    }
}
