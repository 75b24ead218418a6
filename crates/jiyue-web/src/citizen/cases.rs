//! The case forms of every site: messages to an organization (互动交流), error reports
//! (我为政府网站找错) and applications for government information (依申请公开), and the
//! opinions citizens send to consultations (征集调查).
//!
//! Every form carries the browser's form token, passes the rate limits of its kind (a
//! challenge near them, a refusal at them) and stores its case with `submit_case`. A text
//! that contains a sensitive word is stored held for review, and the sender gets the same
//! confirmation as for any other case.

mod checks;
mod disclosure;
mod input;
mod limits;
mod message;
mod opinion;
mod report;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use jiyue_db::{CaseKind, CaseRecord, CaseState, CitizenId, DbError, OrgId, SiteId};

use super::forms::text_error;
use super::view::{Choice, Fact, FormPage, Link, Place, Words};

use super::services;
use crate::App;

pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            message::PATH,
            get(message::form_page)
                .post(message::submit)
                .layer(DefaultBodyLimit::max(super::MAX_FORM_BYTES)),
        )
        .route(report::PATH, get(report::form_page).post(report::submit))
        .route(
            disclosure::PATH,
            get(disclosure::form_page).post(disclosure::submit),
        )
        .route(
            "/hudong/zj/{id}/opinion",
            get(opinion::form_page).post(opinion::submit),
        )
}

/// Returns the key of the state name a citizen sees: the internal steps of review and
/// transfer read as one "in progress".
pub(crate) fn citizen_state_key(state: CaseState) -> &'static str {
    match state {
        CaseState::Held | CaseState::Received => "case-state-received",
        CaseState::Accepted | CaseState::ReplyPending => "case-state-in-progress",
        CaseState::Paused => "case-state-paused",
        CaseState::Answered => "case-state-answered",
        CaseState::Rejected => "case-state-rejected",
    }
}

/// Returns the key of the name of a case kind.
pub(crate) fn kind_key(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Message => "case-kind-message",
        CaseKind::ErrorReport => "case-kind-error-report",
        CaseKind::Disclosure => "case-kind-disclosure",
    }
}

/// Lists a citizen's cases as facts for the "my" page: number and subject, kind and state.
pub(crate) async fn my_cases(app: &App, words: &Words<'_>, citizen: CitizenId) -> Vec<Fact> {
    let cases = match app.db.citizen_cases(citizen).await {
        Ok(cases) => cases,
        Err(error) => {
            tracing::error!(%error, "listing a citizen's cases failed");
            return vec![Fact::new(words.t("my-cases"), words.t("my-cases-failed"))];
        }
    };
    if cases.is_empty() {
        return vec![Fact::new(words.t("my-cases"), words.t("my-cases-none"))];
    }
    cases
        .iter()
        .map(|case| Fact {
            label: format!(
                "{} · {} · {} · {}",
                case.no,
                words.t(kind_key(case.kind)),
                words.t(citizen_state_key(case.state)),
                case.received_on
            ),
            value: case.subject.clone(),
            url: Some(format!("/account/cases/{}", case.no)),
        })
        .collect()
}

/// Builds the page on which a citizen reads one of their own cases: its state and dates, what
/// they wrote, and the reply once it is approved. Only the reply's text and organization show,
/// never the staff member or the review.
pub(crate) async fn my_case_page(
    app: &App,
    words: &Words<'_>,
    case: &CaseRecord,
) -> super::view::DetailPage {
    use super::view::{DetailPage, Section};
    let org_name = |id: OrgId| async move {
        match app.db.org(id).await {
            Ok(Some(org)) => org.name,
            _ => String::new(),
        }
    };
    let mut facts = vec![
        Fact::new(words.t("my-case-number"), case.no.clone()),
        Fact::new(words.t("my-case-kind"), words.t(kind_key(case.kind))),
        Fact::new(
            words.t("my-case-state"),
            words.t(citizen_state_key(case.state)),
        ),
        Fact::new(words.t("my-case-received"), case.received_on.to_string()),
        Fact::new(words.t("my-case-org"), org_name(case.org_id).await),
    ];
    if let Some(clock) = &case.clock {
        if case.state != CaseState::Answered {
            if let Some(due) = clock.due(&app.calendar()).value {
                facts.push(Fact::new(words.t("my-case-due"), due.to_string()));
            }
        }
    }
    let mut sections = vec![
        Section {
            heading: words.t("my-case-progress"),
            facts,
            paragraphs: Vec::new(),
        },
        Section {
            heading: words.t("my-case-written"),
            facts: Vec::new(),
            paragraphs: case.body.lines().map(str::to_string).collect(),
        },
    ];
    if let (CaseState::Answered, Some(reply)) = (case.state, &case.reply) {
        let mut facts = vec![Fact::new(
            words.t("my-case-reply-org"),
            org_name(reply.org_id).await,
        )];
        if let Some(on) = reply.answered_on {
            facts.push(Fact::new(words.t("my-case-reply-date"), on.to_string()));
        }
        sections.push(Section {
            heading: words.t("my-case-reply"),
            facts,
            paragraphs: reply.body.lines().map(str::to_string).collect(),
        });
    }
    DetailPage {
        heading: case.subject.clone(),
        sections,
        links: vec![Link {
            url: "/account/".to_string(),
            text: words.t("my-heading"),
        }],
        ..DetailPage::default()
    }
}

/// Logs a storage failure the citizen cannot fix and returns the internal-error response.
fn internal_error(error: &DbError, what: &str) -> Response {
    tracing::error!(%error, what, "a case form failed");
    text_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error: the form could not be saved; please try again later",
    )
}

/// Returns the words on the sensitive-word list that `texts` contain, ignoring case, joined
/// by `、`, or `None` when there are none.
async fn sensitive_words_in(app: &App, texts: &[&str]) -> Result<Option<String>, DbError> {
    let words = app.db.sensitive_words().await?;
    let text = texts.join("\n").to_lowercase();
    let found: Vec<String> = words
        .into_iter()
        .filter(|word| text.contains(&word.to_lowercase()))
        .collect();
    Ok((!found.is_empty()).then(|| found.join("、")))
}

/// Returns the organizations a case on a site may go to: the site's own and every
/// organization below it, the site's own first.
async fn site_orgs(app: &App, site_id: SiteId, lang: &str) -> Result<Vec<Choice>, DbError> {
    let directory = app.directory();
    let Some(site) = directory.sites.get(&site_id) else {
        return Ok(Vec::new());
    };
    let orgs = app.db.orgs().await?;
    let Some(own) = orgs.iter().find(|org| org.id == site.org_id) else {
        return Ok(Vec::new());
    };
    let chinese = lang.starts_with("zh");
    let mut below: Vec<_> = orgs
        .iter()
        .filter(|org| org.id != own.id && org.path.starts_with(&own.path))
        .collect();
    below.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(std::iter::once(own)
        .chain(below)
        .map(|org| Choice {
            value: org.id.to_string(),
            label: match (&org.name_en, chinese) {
                (Some(english), false) => english.clone(),
                _ => org.name.clone(),
            },
        })
        .collect())
}

/// Returns the organization of a site.
fn site_org(app: &App, site_id: SiteId) -> Option<OrgId> {
    app.directory().sites.get(&site_id).map(|site| site.org_id)
}

/// Builds the confirmation shown after any case is stored, held or not: its number and date,
/// `notes` on what happens next, and `links`.
fn confirmation(
    app: &App,
    place: &Place,
    case: &CaseRecord,
    notes: Vec<String>,
    links: Vec<Link>,
) -> Response {
    let words = place.words(app);
    let kind = words.t(kind_key(case.kind));
    let mut facts = vec![
        Fact::new(words.t("case-no-label"), case.no.clone()),
        Fact::new(words.t("case-kind-label"), kind.clone()),
        Fact::new(
            words.t("case-received-on-label"),
            case.received_on.to_string(),
        ),
    ];
    facts.extend(
        notes
            .into_iter()
            .map(|note| Fact::new(words.t("case-next-label"), note)),
    );
    let page = FormPage {
        heading: words.t("case-received-heading"),
        notice: Some(words.with("case-received-notice", &[("kind", &kind), ("no", &case.no)])),
        facts,
        links,
        ..FormPage::default()
    };
    place.form(app, StatusCode::OK, &page, Vec::new())
}

/// Renders a form page with the status its outcome calls for and the form cookie when new.
fn show_form(
    app: &App,
    place: &Place,
    status: StatusCode,
    page: &FormPage,
    cookie: Option<HeaderValue>,
) -> Response {
    place.form(app, status, page, cookie.into_iter().collect())
}
