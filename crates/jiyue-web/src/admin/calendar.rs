//! The working-day calendar for platform operators (system administrators on the platform):
//! the loaded years with who loaded them, one year's holidays and adjusted working days,
//! loading a year from pasted or uploaded CSV in the shipped format, the warning that next
//! year is missing from November on, and a form that checks a date.

use std::sync::Arc;

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use jiyue_auth::{Action, Target};
use jiyue_core::clock::format_china_minute;
use jiyue_core::{CalendarEntry, CalendarError, WorkCalendar};
use jiyue_db::{AuditResult, CalendarDay};
use jiyue_render::MessageArg;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::csrf::check_csrf;
use super::error::AdminError;
use super::redirect;
use super::render;
use super::session::SignedIn;
use crate::App;

/// Maximum number of working days the date check adds.
const MAX_CHECK_DAYS: u32 = 1000;

/// Routes of the calendar page.
pub fn router() -> Router<Arc<App>> {
    Router::new().route("/calendar", get(page).post(load))
}

/// Returns the warning that next year's calendar is missing, for platform operators from
/// November 1 on. Returns `None` for other users or when nothing is missing.
pub fn missing_year_warning(app: &App, me: &SignedIn) -> Option<String> {
    if !me.allows(Action::ManageSites, &Target::Platform) {
        return None;
    }
    let year = app.calendar().missing_next_year(app.today())?;
    Some(render::format_args(
        "admin-calendar-missing-next-year",
        &[("year", MessageArg::Text(year.to_string()))],
    ))
}

async fn require_operator(app: &App, me: &SignedIn, audit_action: &str) -> Result<(), AdminError> {
    me.authorize(
        app,
        Action::ManageSites,
        &Target::Platform,
        audit_action,
        "calendar",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    notice: String,
}

/// One loaded year as listed.
#[derive(Debug, Serialize)]
struct YearRow {
    year: i32,
    loaded_by: Option<String>,
    loaded_at: Option<String>,
}

/// What the load form shows again after a refusal.
#[derive(Debug, Default)]
struct LoadForm {
    year: String,
    csv: String,
    error: Option<String>,
}

async fn page(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<Response, AdminError> {
    require_operator(&app, &me, "calendar.view").await?;
    render_page(&app, &me, &query, LoadForm::default()).await
}

async fn render_page(
    app: &App,
    me: &SignedIn,
    query: &PageQuery,
    form: LoadForm,
) -> Result<Response, AdminError> {
    let calendar = app.calendar();
    let today = app.today();
    let stored = app.db.calendar_years().await?;
    let years: Vec<YearRow> = calendar
        .loaded_years()
        .into_iter()
        .rev()
        .map(|year| {
            let loaded = stored.iter().find(|entry| entry.year == year);
            YearRow {
                year,
                loaded_by: loaded.map(|entry| entry.loaded_by.clone()),
                loaded_at: loaded.map(|entry| format_china_minute(entry.loaded_at)),
            }
        })
        .collect();
    let shown = query.year.trim().parse().unwrap_or(today.year());
    let entries: Vec<Value> = calendar
        .entries_of(shown)
        .into_iter()
        .map(|entry| {
            context! {
                date => entry.date.to_string(),
                kind => entry.kind.name_zh(),
                name => &entry.name_zh,
            }
        })
        .collect();
    let status = match form.error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let ctx = context! {
        warning => missing_year_warning(app, me),
        years => years,
        shown => shown,
        shown_loaded => calendar.is_loaded(shown),
        entries => entries,
        check => date_check(&calendar, query),
        notice => (query.notice == "loaded").then(|| render::message("admin-calendar-notice-loaded")),
        load_year => form.year,
        load_csv => form.csv,
        load_error => form.error,
    };
    Ok((status, render::page_for(app, me, "calendar.html", ctx)?).into_response())
}

/// Answers the date check of the query: whether the date is a working day, and the date
/// that many working days later, each marked provisional when it uses an unloaded year.
fn date_check(calendar: &WorkCalendar, query: &PageQuery) -> Value {
    let text = query.date.trim();
    if text.is_empty() {
        return Value::from(());
    }
    let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
        let error = render::format(
            "admin-calendar-error-check-date",
            &[("value", text.to_string())],
        );
        return context! { date => text, days => query.days.trim(), error => error };
    };
    let days_text = query.days.trim();
    let days = if days_text.is_empty() {
        0
    } else {
        match days_text.parse::<u32>() {
            Ok(days) if days <= MAX_CHECK_DAYS => days,
            _ => {
                let error = render::format(
                    "admin-calendar-error-check-days",
                    &[("value", days_text.to_string())],
                );
                return context! { date => text, days => days_text, error => error };
            }
        }
    };
    let working = calendar.is_working_day(date);
    let later = calendar.add_working_days(date, days);
    context! {
        date => text,
        days => days,
        error => (),
        working => working.value,
        working_provisional => working.provisional,
        later => later.value.to_string(),
        later_provisional => later.provisional,
    }
}

/// Reads the load form: `csrf` first, then `year`, and the CSV pasted or uploaded.
async fn read_load_form(mut multipart: Multipart) -> Result<(String, LoadForm), AdminError> {
    let bad = |error: axum::extract::multipart::MultipartError| {
        AdminError::BadRequest(format!("the calendar form could not be read: {error}"))
    };
    let mut csrf = String::new();
    let mut form = LoadForm::default();
    let mut uploaded = String::new();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(bad)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => csrf = text,
            "year" => form.year = text.trim().to_string(),
            "csv" => form.csv = text,
            "file" => uploaded = text,
            _ => {}
        }
    }
    if !uploaded.trim().is_empty() {
        form.csv = uploaded;
    }
    Ok((csrf, form))
}

async fn load(
    State(app): State<Arc<App>>,
    me: SignedIn,
    multipart: Multipart,
) -> Result<Response, AdminError> {
    let (csrf, mut form) = read_load_form(multipart).await?;
    check_csrf(&me, &csrf)?;
    require_operator(&app, &me, "calendar.load").await?;
    let checked = form
        .year
        .parse::<i32>()
        .map_err(|_| render::format("admin-calendar-error-year", &[("value", form.year.clone())]))
        .and_then(|year| checked_days(year, &form.csv).map(|days| (year, days)));
    let (year, days) = match checked {
        Ok(checked) => checked,
        Err(message) => {
            let detail = format!("year {}: {message}", form.year);
            tracing::info!(%detail, "loading a calendar year failed");
            me.audit(
                &app,
                "calendar.load",
                "calendar",
                AuditResult::Failed,
                &detail,
            )
            .await;
            form.error = Some(message);
            return render_page(&app, &me, &PageQuery::default(), form).await;
        }
    };
    app.db
        .save_calendar_year(year, &days, &me.staff.username)
        .await?;
    app.reload_calendar().await?;
    let detail = format!("{} entries", days.len());
    me.audit(
        &app,
        "calendar.load",
        &format!("calendar:{year}"),
        AuditResult::Ok,
        &detail,
    )
    .await;
    Ok(redirect(&format!("/calendar?year={year}&notice=loaded")))
}

/// Parses and checks the CSV of `year`, returning its days or the problem in the admin
/// language.
fn checked_days(year: i32, csv: &str) -> Result<Vec<CalendarDay>, String> {
    let entries = WorkCalendar::parse_csv(csv).map_err(|error| calendar_error(&error))?;
    WorkCalendar::check_year(year, &entries).map_err(|error| calendar_error(&error))?;
    Ok(entries.into_iter().map(day).collect())
}

fn day(entry: CalendarEntry) -> CalendarDay {
    CalendarDay {
        day: entry.date,
        kind: entry.kind.code().to_string(),
        name_zh: entry.name_zh,
        name_en: entry.name_en,
    }
}

/// Returns the message of a calendar error in the admin language, naming the line or date and
/// the value at fault.
fn calendar_error(error: &CalendarError) -> String {
    let text = |value: &dyn ToString| MessageArg::Text(value.to_string());
    let (key, args): (&str, Vec<(&str, MessageArg)>) = match error {
        CalendarError::Header { found } => {
            ("admin-calendar-error-header", vec![("value", text(found))])
        }
        CalendarError::ColumnCount { line, found } => (
            "admin-calendar-error-columns",
            vec![("line", text(line)), ("value", text(found))],
        ),
        CalendarError::InvalidDate { line, value } => (
            "admin-calendar-error-date",
            vec![("line", text(line)), ("value", text(value))],
        ),
        CalendarError::UnknownKind { line, value } => (
            "admin-calendar-error-kind",
            vec![("line", text(line)), ("value", text(value))],
        ),
        CalendarError::MissingName { line, column } => (
            "admin-calendar-error-name",
            vec![("line", text(line)), ("value", text(column))],
        ),
        CalendarError::Csv { line, message } => (
            "admin-calendar-error-csv",
            vec![("line", text(line)), ("value", text(message))],
        ),
        CalendarError::YearOutOfRange { year } => {
            ("admin-calendar-error-year", vec![("value", text(year))])
        }
        CalendarError::DateOutsideYear { year, date } => (
            "admin-calendar-error-outside-year",
            vec![("year", text(year)), ("date", text(date))],
        ),
        CalendarError::DuplicateDate { date } => {
            ("admin-calendar-error-duplicate", vec![("date", text(date))])
        }
        CalendarError::ConflictingKinds { date } => {
            ("admin-calendar-error-conflict", vec![("date", text(date))])
        }
        CalendarError::AdjustedWorkdayOnWeekday { date } => {
            ("admin-calendar-error-weekday", vec![("date", text(date))])
        }
        CalendarError::NoHoliday { year } => (
            "admin-calendar-error-no-holiday",
            vec![("year", text(year))],
        ),
        CalendarError::EmptyName { date, column } => (
            "admin-calendar-error-empty-name",
            vec![("date", text(date)), ("value", text(column))],
        ),
        CalendarError::NameTooLong {
            date,
            column,
            length,
        } => (
            "admin-calendar-error-long-name",
            vec![
                ("date", text(date)),
                ("value", text(column)),
                ("length", text(length)),
            ],
        ),
        CalendarError::MissingFestival { year, festival } => (
            "admin-calendar-error-missing-festival",
            vec![("year", text(year)), ("value", text(festival))],
        ),
    };
    render::format_args(key, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_line_is_named_in_chinese() {
        let csv = "date,kind,name_zh,name_en\n2027-01-01,holiday,元旦,New Year\n2027-02-30,holiday,春节,Spring Festival\n";
        let message = checked_days(2027, csv).unwrap_err();
        assert!(
            message.contains('3') && message.contains("2027-02-30"),
            "{message}"
        );
    }

    #[test]
    fn a_good_year_becomes_days() {
        let csv = "date,kind,name_zh,name_en\n2027-01-01,holiday,元旦,New Year\n\
            2027-02-08,holiday,春节,Spring Festival\n2027-04-05,holiday,清明节,Qingming\n\
            2027-05-03,holiday,劳动节,Labour Day\n2027-06-09,holiday,端午节,Dragon Boat\n\
            2027-10-01,holiday,国庆节,National Day\n";
        let days = checked_days(2027, csv).unwrap();
        assert_eq!(days[0].kind, "holiday");
        assert!(checked_days(2028, csv).is_err());
    }
}
