//! The consultation pages (`/hudong/zj/…`, 征集调查): the list of a site's consultations
//! and one consultation with its dates, its opinion form link while open, and the published
//! result with the organization's response once there is one.

use jiyue_core::ColumnType;
use jiyue_db::{Consultation, CONSULTATIONS_TAG};
use jiyue_render::model::Breadcrumb;

use super::{link, org_name, paragraphs, respond, trail, words, PREFIX};
use crate::citizen::view::{DetailPage, Entry, Fact, ListPage, Section, Words};
use crate::pages::{PageError, Rendered};
use crate::sitemodel::SiteContext;
use crate::{App, SiteDirectory};

/// The folder of the consultation pages.
const FOLDER: &str = "/hudong/zj/";

// NOTE: whether a consultation is open depends on the date, but no event drops these pages
// when a day begins. The opinion form checks the dates itself, so only the status label lags.
fn tags(ctx: &SiteContext<'_>) -> Vec<String> {
    vec![
        format!("consultations:site:{}", ctx.site.id),
        CONSULTATIONS_TAG.to_string(),
    ]
}

/// Returns the catalog key of a consultation's status on `today`.
fn status_key(consultation: &Consultation, today: chrono::NaiveDate) -> &'static str {
    if consultation.result.is_some() {
        "consultation-status-result"
    } else if today < consultation.starts_on {
        "consultation-status-upcoming"
    } else if today <= consultation.ends_on {
        "consultation-status-open"
    } else {
        "consultation-status-closed"
    }
}

fn dates(words: &Words<'_>, consultation: &Consultation) -> String {
    words.with(
        "consultation-dates",
        &[
            ("start", &consultation.starts_on.to_string()),
            ("end", &consultation.ends_on.to_string()),
        ],
    )
}

fn detail_path(id: i64) -> String {
    format!("{FOLDER}{id}.html")
}

/// Renders the list of a site's consultations, the latest start first.
pub(super) async fn list(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
) -> Result<Rendered, PageError> {
    let words = words(app, ctx);
    let today = app.today();
    let consultations = app.db.site_consultations(ctx.site.id).await?;
    let entries = consultations
        .iter()
        .map(|consultation| Entry {
            title: consultation.title.clone(),
            url: Some(ctx.url(&detail_path(consultation.id))),
            facts: vec![
                Fact::new(
                    words.t("consultation-dates-label"),
                    dates(&words, consultation),
                ),
                Fact::new(
                    words.t("consultation-status-label"),
                    words.t(status_key(consultation, today)),
                ),
            ],
        })
        .collect();
    let heading = words.t("consultations-heading");
    let model = ListPage {
        heading: heading.clone(),
        intro: Some(words.t("consultations-intro")),
        breadcrumbs: trail(ctx, &words, true),
        entries,
        empty: Some(words.t("consultations-empty")),
        links: vec![link(ctx, PREFIX, words.t("hudong-link"))],
        ..ListPage::default()
    };
    let column = ColumnType::Solicitation;
    respond(
        app,
        directory,
        ctx,
        "citizen_list.html",
        &heading,
        column,
        &model,
        tags(ctx),
    )
}

/// Renders one consultation of the site; `None` when the site has none with that id.
pub(super) async fn detail(
    app: &App,
    directory: &SiteDirectory,
    ctx: &SiteContext<'_>,
    id: i64,
) -> Result<Option<Rendered>, PageError> {
    let Some(consultation) = app.db.consultation(id).await? else {
        return Ok(None);
    };
    if consultation.site_id != ctx.site.id {
        return Ok(None);
    }
    let words = words(app, ctx);
    let today = app.today();
    let chinese = ctx.site.lang.starts_with("zh");
    let org = app.db.org(consultation.org_id).await?;
    let org = match org {
        Some(org) => org_name(app, org.id, &org.name, chinese).await?,
        None => String::new(),
    };
    let status = status_key(&consultation, today);
    let mut sections = vec![Section {
        heading: words.t("consultation-about"),
        facts: vec![
            Fact::new(words.t("consultation-org-label"), org),
            Fact::new(
                words.t("consultation-dates-label"),
                dates(&words, &consultation),
            ),
            Fact::new(words.t("consultation-status-label"), words.t(status)),
        ],
        paragraphs: paragraphs(&consultation.body),
    }];
    if let (Some(result), Some(response)) = (&consultation.result, &consultation.response) {
        sections.push(Section {
            heading: words.t("consultation-result"),
            facts: Vec::new(),
            paragraphs: paragraphs(result),
        });
        sections.push(Section {
            heading: words.t("consultation-response"),
            facts: Vec::new(),
            paragraphs: paragraphs(response),
        });
    }
    let mut crumbs = trail(ctx, &words, true);
    crumbs.push(Breadcrumb {
        name: words.t("consultations-heading"),
        url: ctx.url(FOLDER),
    });
    let mut links = Vec::new();
    if status == "consultation-status-open" {
        let form = format!("{FOLDER}{}/opinion", consultation.id);
        links.push(link(ctx, &form, words.t("consultation-opinion-link")));
    }
    links.push(link(ctx, FOLDER, words.t("hudong-consultations-link")));
    let model = DetailPage {
        heading: consultation.title.clone(),
        breadcrumbs: crumbs,
        sections,
        links,
        ..DetailPage::default()
    };
    let column = ColumnType::Solicitation;
    let title = consultation.title.clone();
    respond(
        app,
        directory,
        ctx,
        "citizen_detail.html",
        &title,
        column,
        &model,
        tags(ctx),
    )
    .map(Some)
}
