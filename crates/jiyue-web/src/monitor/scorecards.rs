//! Filling the scorecards from what the checks found: every site's [`SiteState`] for a month,
//! scored against the stored rules and kept as the month's snapshot.
//!
//! Most facts come from records the checks already keep: probe results, the freshness of the
//! columns, cases, and the alerts of the wording, tampering and link checks. Three are measured
//! here, because no other check looks at them: a test search per site, the page standards of
//! every rendered page, and the policy documents and service guides of the published items.
//! A rule this job cannot measure for the period, such as accessibility, which needs a browser,
//! is marked unmeasured on the card instead of being counted as clean.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use jiyue_core::clock::{china_offset, to_china};
use jiyue_core::ColumnType;
use jiyue_db::{AlertRecord, RouteTarget, Site, SiteId};
use jiyue_monitor::score::{
    rules_from_stored, score, snapshot_month, Observation, ProbeSummary, SiteState, StaleColumn,
};
use jiyue_monitor::standards::{check_page, Expected, Problem};
use jiyue_monitor::Check;
use jiyue_search::SearchQuery;

use crate::citizen::cases::{citizen_state_key, kind_key};
use crate::App;

/// Rule codes of the checks this job reads.
const LINK_RULES: [&str; 2] = ["function-home-broken-link", "function-inner-broken-link"];
const SECURITY_RULE: &str = "veto-security";
const SEARCH_RULE: &str = "function-search-broken";
const ACCESSIBILITY_RULE: &str = "function-inaccessible-page";

/// Items read from storage at a time while scanning the published items.
const SCAN_BATCH: i64 = 500;

/// The maximum number of days with failed visits listed as evidence of the availability veto.
const PROBE_EVIDENCE_DAYS: usize = 10;

/// The days one scorecard covers: a calendar month in China time, cut at the day the job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `YYYY-MM`.
    pub month: String,
    pub first: NaiveDate,
    /// The last day measured: the month's last day, or today within the current month.
    pub last: NaiveDate,
    /// The first instant of `first`, China time.
    pub from: DateTime<Utc>,
    /// The end of `last`, or now within the current month.
    pub to: DateTime<Utc>,
}

impl Period {
    /// Returns the period of the month that contains `today`, from its first day to now.
    pub fn current(today: NaiveDate, now: DateTime<Utc>) -> Period {
        let first = today.with_day(1).unwrap_or(today);
        Period {
            month: format!("{:04}-{:02}", first.year(), first.month()),
            first,
            last: today,
            from: china_midnight(first),
            to: now,
        }
    }

    /// Returns the period of the past month `month` (`YYYY-MM`) as a whole, or of the current
    /// month up to now. Fails on an invalid month or a month after today's.
    pub fn of_month(month: &str, today: NaiveDate, now: DateTime<Utc>) -> Result<Period, String> {
        jiyue_db::scorecards::check_month(month).map_err(|error| error.to_string())?;
        let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
            .map_err(|_| format!("month {month:?} is not a calendar month; write it as YYYY-MM"))?;
        let next = first
            .checked_add_months(Months::new(1))
            .ok_or_else(|| format!("month {month:?} is out of range"))?;
        if first > today {
            return Err(format!(
                "month {month} has not begun; choose {} or an earlier month",
                Period::current(today, now).month
            ));
        }
        if next > today {
            return Ok(Period::current(today, now));
        }
        Ok(Period {
            month: month.to_string(),
            first,
            last: next - Days::new(1),
            from: china_midnight(first),
            to: china_midnight(next),
        })
    }
}

/// Returns the first instant of a China-time day.
fn china_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    china_offset()
        .from_local_datetime(&midnight)
        .single()
        .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
}

/// Returns a catalog message with its arguments, in the platform's language.
fn text(key: &str, args: &[(&str, String)]) -> String {
    crate::admin::render::format(key, args)
}

/// Returns a catalog message without arguments.
fn message(key: &str) -> String {
    crate::admin::render::message(key)
}

/// Returns the subject of a case as evidence: its kind and public number, nothing the citizen
/// wrote.
fn case_subject(case: &jiyue_db::CaseRecord) -> String {
    format!("{} {}", message(kind_key(case.kind)), case.no)
}

/// Returns the China-time date of an instant.
fn china_day(at: DateTime<Utc>) -> NaiveDate {
    to_china(at).date_naive()
}

/// Measures every site over `period`.
pub async fn measure(
    app: &Arc<App>,
    period: &Period,
) -> Result<BTreeMap<SiteId, SiteState>, String> {
    let directory = app.directory();
    let mut states: BTreeMap<SiteId, SiteState> = directory
        .sites
        .keys()
        .map(|id| (*id, SiteState::default()))
        .collect();
    let fail = |what: &str, error: &dyn std::fmt::Display| format!("{what}: {error}");

    fill_probes(app, period, &mut states)
        .await
        .map_err(|error| fail("reading probe results failed", &error))?;
    fill_freshness(app, &mut states)
        .await
        .map_err(|error| fail("judging the columns' freshness failed", &error))?;
    fill_cases(app, period, &mut states)
        .await
        .map_err(|error| fail("reading the cases failed", &error))?;
    fill_alerts(app, period, &mut states)
        .await
        .map_err(|error| fail("reading the alerts failed", &error))?;
    let newest = fill_items(app, &mut states)
        .await
        .map_err(|error| fail("reading the published items failed", &error))?;
    fill_search(app, &directory.sites, &newest, &mut states).await;
    fill_standards(app, &directory.sites, &mut states)
        .await
        .map_err(|error| fail("checking the page standards failed", &error))?;
    for state in states.values_mut() {
        state.unmeasured.push(ACCESSIBILITY_RULE.to_string());
    }
    Ok(states)
}

async fn fill_probes(
    app: &App,
    period: &Period,
    states: &mut BTreeMap<SiteId, SiteState>,
) -> Result<(), jiyue_db::DbError> {
    for (site, state) in states.iter_mut() {
        let results = app.db.probe_results(*site, period.from, period.to).await?;
        let days = jiyue_monitor::availability::daily(&results);
        let mut evidence: Vec<String> = days
            .iter()
            .filter(|day| day.failures > 0)
            .map(|day| {
                text(
                    "score-ev-probe-day",
                    &[
                        ("day", day.day.to_string()),
                        ("failures", day.failures.to_string()),
                        ("visits", day.visits.to_string()),
                    ],
                )
            })
            .collect();
        evidence.truncate(PROBE_EVIDENCE_DAYS);
        state.probes = ProbeSummary {
            days: u32::try_from(days.len()).unwrap_or(u32::MAX),
            visits: days.iter().map(|day| u64::from(day.visits)).sum(),
            failures: days.iter().map(|day| u64::from(day.failures)).sum(),
            evidence,
        };
    }
    Ok(())
}

async fn fill_freshness(
    app: &App,
    states: &mut BTreeMap<SiteId, SiteState>,
) -> Result<(), jiyue_db::DbError> {
    let (_, reports) =
        jiyue_monitor::check_freshness(&app.db, app.clock.as_ref(), &app.desk().freshness).await?;
    for report in reports {
        let Some(state) = states.get_mut(&report.site_id) else {
            continue;
        };
        state.home_days_since_update = report
            .home_days
            .map(|days| u32::try_from(days.max(0)).unwrap_or(u32::MAX));
        state.home_evidence = match report.home_latest {
            Some(latest) => vec![text(
                "score-ev-home-latest",
                &[("date", latest.to_string())],
            )],
            None => vec![text("score-ev-home-never", &[])],
        };
        state.stale_columns = report
            .stale
            .iter()
            .map(|column| StaleColumn {
                path: column.path.clone(),
                name: column.name.clone(),
                days: u32::try_from(column.days.max(0)).unwrap_or(u32::MAX),
                limit_days: u32::try_from(column.max_days.max(0)).unwrap_or(u32::MAX),
                key: column.timely,
                evidence: vec![text(
                    "score-ev-column-latest",
                    &[("date", column.latest.to_string())],
                )],
            })
            .collect();
        state.blank_columns = report
            .blank
            .iter()
            .map(|column| {
                Observation::new(
                    &column.path,
                    text("score-ev-blank", &[("name", column.name.clone())]),
                )
            })
            .collect();
    }
    Ok(())
}

async fn fill_cases(
    app: &App,
    period: &Period,
    states: &mut BTreeMap<SiteId, SiteState>,
) -> Result<(), jiyue_db::DbError> {
    // The veto counts messages received within the last year and still without a reply three
    // months after receipt, as of the period's last day.
    let three_months = period
        .last
        .checked_sub_months(Months::new(3))
        .unwrap_or(period.last);
    let a_year = period
        .last
        .checked_sub_months(Months::new(12))
        .unwrap_or(period.last);
    for case in app.db.unanswered_since(three_months).await? {
        if case.received_on < a_year {
            continue;
        }
        if let Some(state) = states.get_mut(&case.site_id) {
            state.unanswered_messages.push(Observation::new(
                case_subject(&case),
                text(
                    "score-ev-unanswered",
                    &[
                        ("received", case.received_on.to_string()),
                        ("state", message(citizen_state_key(case.state))),
                    ],
                ),
            ));
        }
    }
    for case in app.db.late_answers(period.first, period.last).await? {
        if let Some(state) = states.get_mut(&case.site_id) {
            let answered = case
                .reply
                .as_ref()
                .and_then(|reply| reply.answered_on)
                .map_or_else(String::new, |day| day.to_string());
            let used = case
                .working_days_used
                .map_or_else(String::new, |days| days.to_string());
            state.late_answers.push(Observation::new(
                case_subject(&case),
                text(
                    "score-ev-late",
                    &[
                        ("received", case.received_on.to_string()),
                        ("answered", answered),
                        ("days", used),
                    ],
                ),
            ));
        }
    }
    Ok(())
}

/// Returns the evidence lines of an alert, with when it was raised and how it ended.
fn alert_evidence(alert: &AlertRecord) -> Vec<String> {
    let mut lines: Vec<String> = alert
        .evidence
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_string)
        .collect();
    let mut args = vec![
        ("id", alert.id.to_string()),
        ("raised", china_day(alert.raised_at).to_string()),
        ("due", alert.due_on.to_string()),
    ];
    lines.push(match alert.resolved_at {
        Some(at) => {
            args.push(("resolved", china_day(at).to_string()));
            text("score-ev-alert-resolved", &args)
        }
        None => {
            args.push((
                "status",
                message(&format!("monitor-status-{}", alert.status)),
            ));
            text("score-ev-alert-live", &args)
        }
    });
    lines
}

/// Returns a string argument of an alert's stored arguments.
fn alert_arg(alert: &AlertRecord, name: &str) -> Option<String> {
    let args: serde_json::Value = serde_json::from_str(&alert.args).ok()?;
    match args.get(name)? {
        serde_json::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

async fn fill_alerts(
    app: &App,
    period: &Period,
    states: &mut BTreeMap<SiteId, SiteState>,
) -> Result<(), jiyue_db::DbError> {
    let today = period.last;
    // A serious misstatement is a wording fault that blocks submission (a wrong official's
    // name, a misstatement, a forbidden word), found on a published page in the period.
    for alert in app
        .db
        .alerts_during(Check::Wording.as_str(), period.from, period.to)
        .await?
    {
        if alert.severity != "critical" {
            continue;
        }
        let Some(state) = alert.site_id.and_then(|site| states.get_mut(&site)) else {
            continue;
        };
        let subject = alert_arg(&alert, "path").unwrap_or_else(|| alert.fault_key.clone());
        state.serious_misstatements.push(Observation {
            subject,
            evidence: alert_evidence(&alert),
        });
    }

    // Tampering counts as not handled when its alert was not resolved by its due date.
    let jobs = app.db.monitor_jobs().await?;
    let ran = |prefix: &str| {
        jobs.iter()
            .any(|job| job.name.starts_with(prefix) && job.last_finished_at.is_some())
    };
    let tampering = app
        .db
        .alerts_during(Check::Tampering.as_str(), period.from, period.to)
        .await?;
    for alert in &tampering {
        let handled_in_time = match alert.resolved_at {
            Some(at) => china_day(at) <= alert.due_on,
            None => today <= alert.due_on,
        };
        if handled_in_time {
            continue;
        }
        if let Some(state) = alert.site_id.and_then(|site| states.get_mut(&site)) {
            state.unhandled_tampering.push(Observation {
                subject: alert_arg(alert, "path").unwrap_or_else(|| alert.fault_key.clone()),
                evidence: alert_evidence(alert),
            });
        }
    }
    if tampering.is_empty() && !ran("tamper") {
        for state in states.values_mut() {
            state.unmeasured.push(SECURITY_RULE.to_string());
        }
    }

    // Broken links count as the link check last saw them within the period.
    if !ran("links") {
        for state in states.values_mut() {
            state
                .unmeasured
                .extend(LINK_RULES.iter().map(|code| code.to_string()));
        }
        return Ok(());
    }
    for alert in app
        .db
        .alerts_during(Check::Links.as_str(), period.to, period.to)
        .await?
    {
        let Some(state) = alert.site_id.and_then(|site| states.get_mut(&site)) else {
            continue;
        };
        let observation = Observation {
            subject: alert_arg(&alert, "target")
                .or_else(|| alert_arg(&alert, "url"))
                .unwrap_or_else(|| alert.fault_key.clone()),
            evidence: alert_evidence(&alert),
        };
        if alert_arg(&alert, "page").as_deref() == Some("home") {
            state.home_broken_links.push(observation);
        } else {
            state.inner_broken_links.push(observation);
        }
    }
    Ok(())
}

/// The newest item whose home column is on a site: what the test search looks for.
struct Newest {
    title: String,
    published: DateTime<Utc>,
}

async fn fill_items(
    app: &App,
    states: &mut BTreeMap<SiteId, SiteState>,
) -> Result<BTreeMap<SiteId, Newest>, jiyue_db::DbError> {
    let mut policy_columns: BTreeSet<i64> = BTreeSet::new();
    for site in states.keys() {
        for column in app.db.columns(*site).await? {
            if column.column_type == ColumnType::PolicyDocuments {
                policy_columns.insert(column.id);
            }
        }
    }

    let mut interpreted: BTreeSet<String> = BTreeSet::new();
    let mut policies: Vec<(SiteId, String, Option<String>, String)> = Vec::new();
    let mut newest: BTreeMap<SiteId, Newest> = BTreeMap::new();
    let mut after = 0;
    loop {
        let items = app.db.all_published_items(after, SCAN_BATCH).await?;
        let Some(last) = items.last() else {
            break;
        };
        after = last.id;
        for item in &items {
            interpreted.extend(item.meta.interprets.iter().cloned());
            let Some(home) = item.placements.iter().find(|placement| placement.is_home) else {
                continue;
            };
            if policy_columns.contains(&home.column_id) {
                policies.push((
                    home.site_id,
                    home.path.clone(),
                    item.external_id.clone(),
                    item.meta.title.clone(),
                ));
            }
            let entry = newest.entry(home.site_id).or_insert(Newest {
                title: String::new(),
                published: DateTime::<Utc>::MIN_UTC,
            });
            if item.first_published_at > entry.published && !item.meta.title.trim().is_empty() {
                entry.title = item.meta.title.clone();
                entry.published = item.first_published_at;
            }
        }
    }
    for (site, path, external_id, title) in policies {
        let linked = external_id
            .as_ref()
            .is_some_and(|id| interpreted.contains(id));
        if linked {
            continue;
        }
        if let Some(state) = states.get_mut(&site) {
            let why = match external_id {
                Some(id) => text("score-ev-policy-unlinked", &[("title", title), ("id", id)]),
                None => text("score-ev-policy-no-number", &[("title", title)]),
            };
            state
                .policies_without_interpretation
                .push(Observation::new(path, why));
        }
    }

    for service in app.db.published_services().await? {
        let Some(guide) = service.guide() else {
            continue;
        };
        let missing = guide.missing();
        if missing.is_empty() {
            continue;
        }
        let Some(home) = service
            .item
            .placements
            .iter()
            .find(|placement| placement.is_home)
        else {
            continue;
        };
        if let Some(state) = states.get_mut(&home.site_id) {
            let names: Vec<&str> = missing.iter().map(|element| element.name_zh()).collect();
            state.incomplete_service_guides.push(Observation::new(
                home.path.clone(),
                text(
                    "score-ev-guide-missing",
                    &[
                        ("title", service.item.meta.title.clone()),
                        ("missing", names.join("、")),
                    ],
                ),
            ));
        }
    }
    Ok(newest)
}

/// Searches each site's newest item by its title, as an inspector's test search does; a
/// search that does not find it fails.
async fn fill_search(
    app: &App,
    sites: &std::collections::HashMap<SiteId, Site>,
    newest: &BTreeMap<SiteId, Newest>,
    states: &mut BTreeMap<SiteId, SiteState>,
) {
    for (site_id, state) in states.iter_mut() {
        let (Some(site), Some(item)) = (sites.get(site_id), newest.get(site_id)) else {
            state.unmeasured.push(SEARCH_RULE.to_string());
            continue;
        };
        let mut query = SearchQuery::new(item.title.clone());
        query.site_filter = Some(site.code.clone());
        query.per_page = 1;
        let index = app.search.clone();
        let found = tokio::task::spawn_blocking(move || index.search(&query)).await;
        let title = ("title", item.title.clone());
        let failure = match found {
            Ok(Ok(results)) if results.total > 0 => continue,
            Ok(Ok(_)) => text("score-ev-search-empty", &[title]),
            Ok(Err(error)) => text(
                "score-ev-search-failed",
                &[title, ("error", error.to_string())],
            ),
            Err(error) => text(
                "score-ev-search-failed",
                &[title, ("error", error.to_string())],
            ),
        };
        state
            .search_failures
            .push(Observation::new("/search", failure));
    }
}

/// Checks every page of every site for the national meta tags and footer elements.
async fn fill_standards(
    app: &Arc<App>,
    sites: &std::collections::HashMap<SiteId, Site>,
    states: &mut BTreeMap<SiteId, SiteState>,
) -> Result<(), String> {
    for (site_id, state) in states.iter_mut() {
        let Some(site) = sites.get(site_id) else {
            continue;
        };
        let (_, failing) = check_site_standards(app, site).await?;
        state.standards_failures = failing
            .into_iter()
            .map(|page| Observation {
                subject: page.url,
                evidence: page.problems.iter().map(ToString::to_string).collect(),
            })
            .collect();
    }
    Ok(())
}

/// A page that falls short of the page standards, with its problems.
#[derive(Debug, Clone)]
pub struct PageProblems {
    pub url: String,
    pub problems: Vec<Problem>,
}

/// Renders every page of `site` in-process and checks its meta tags and footer. Returns the
/// number of HTML pages checked and the pages that fall short; a site without a public host
/// has no pages.
pub async fn check_site_standards(
    app: &Arc<App>,
    site: &Site,
) -> Result<(usize, Vec<PageProblems>), String> {
    let Some((_, base)) = crate::export::site_host(app, site.id) else {
        return Ok((0, Vec::new()));
    };
    let expected = standards_expected(site, &base);
    let mut pages = Vec::new();
    crate::export::crawl_site(app, site.id, |path, fetched| {
        let html = fetched.content_type().starts_with("text/html");
        if fetched.status.as_u16() == 200 && html {
            pages.push((path.to_string(), fetched.body.clone()));
        }
    })
    .await
    .map_err(|error| error.to_string())?;

    let checked = pages.len();
    let mut failing = Vec::new();
    for (path, body) in pages {
        let route = app
            .db
            .route(site.id, &path)
            .await
            .map_err(|error| error.to_string())?;
        let article = matches!(route.map(|route| route.target), Some(RouteTarget::Item(_)));
        let html = String::from_utf8_lossy(&body);
        let problems = check_page(
            &html,
            &Expected {
                article,
                ..expected.clone()
            },
        );
        if !problems.is_empty() {
            failing.push(PageProblems {
                url: format!("{base}{path}"),
                problems,
            });
        }
    }
    Ok((checked, failing))
}

/// Returns what every page of a site should show, with the same defaults the page model
/// uses: the sponsor defaults to the site's name.
pub fn standards_expected(site: &Site, base_url: &str) -> Expected {
    let settings = &site.settings;
    let authority = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    Expected {
        site_code: site.code.clone(),
        site_name: site.name.clone(),
        site_domain: authority.split(':').next().unwrap_or(authority).to_string(),
        sponsor: settings
            .sponsor
            .clone()
            .unwrap_or_else(|| site.name.clone()),
        operator: settings.operator.clone().unwrap_or_default(),
        icp_filing: settings.icp_filing.clone().unwrap_or_default(),
        public_security_filing: settings.public_security_filing.clone().unwrap_or_default(),
        site_map_url: format!("{base_url}/sitemap.html"),
        article: false,
    }
}

/// Measures and scores every site over `period` and stores the scorecards as the month's
/// snapshot, replacing an earlier one of the same month. Returns a one-line outcome.
pub async fn snapshot(app: &Arc<App>, period: &Period) -> Result<String, String> {
    let states = measure(app, period).await?;
    let stored = app
        .db
        .score_rules()
        .await
        .map_err(|error| error.to_string())?;
    let rules = rules_from_stored(&stored);
    let cards: Vec<_> = states
        .iter()
        .map(|(site, state)| (*site, score(state, &rules)))
        .collect();
    let failing = cards.iter().filter(|(_, card)| !card.pass).count();
    snapshot_month(&app.db, &period.month, &cards)
        .await
        .map_err(|error| error.to_string())?;
    tracing::info!(
        month = %period.month,
        sites = cards.len(),
        failing,
        "scorecards stored"
    );
    Ok(format!(
        "{}: {} site(s) scored, {failing} failing",
        period.month,
        cards.len()
    ))
}

/// How often the scorecards of the current month are taken again.
pub const SNAPSHOT_EVERY_HOURS: i64 = 24;

/// Takes the current month's scorecards through the jobs table when they are due. The last
/// run within a month stays as that month's snapshot. Returns whether the job ran here.
pub async fn run_job(app: &Arc<App>) -> bool {
    super::run_job(
        app,
        "scorecards",
        chrono::Duration::hours(SNAPSHOT_EVERY_HOURS),
        || async {
            let period = Period::current(app.today(), app.clock.now());
            snapshot(app, &period).await
        },
    )
    .await
}
