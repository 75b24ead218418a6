//! The service endpoints: the filtered list, one full guide, and a service's monthly
//! statistics as they were imported. Links point at the host the request came to.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use jiyue_core::{
    BusinessStage, Fee, GuideFile, LifeEvent, ProcessStep, ServiceAudience, ServiceGuide,
    ServiceKind, ServicePlace,
};
use jiyue_db::{PublishedService, ServiceOrigin, ServiceStat};
use serde::Serialize;

use super::error::ApiError;
use super::query::{shown, ListQuery};
use crate::App;

/// One page of the service list.
#[derive(Debug, Serialize)]
pub struct ServiceList {
    pub items: Vec<ServiceSummary>,
    /// Services that match the filters, on all pages.
    pub total: usize,
    pub page: u32,
    pub per_page: u32,
}

/// A service as the list shows it.
#[derive(Debug, Serialize)]
pub struct ServiceSummary {
    pub code: String,
    pub title: String,
    pub kind: Option<ServiceKind>,
    pub implementing_org: String,
    /// Id of the organization that owns the service item.
    pub org_id: i64,
    pub audiences: Vec<ServiceAudience>,
    pub life_events: Vec<LifeEvent>,
    pub business_stages: Vec<BusinessStage>,
    pub promised_days: Option<u32>,
    pub statutory_days: Option<u32>,
    pub online_url: Option<String>,
    pub origin: ServiceOrigin,
    /// The guide page on the host the request came to.
    pub url: String,
    pub updated_at: String,
}

/// A service with every key element of its guide.
#[derive(Debug, Serialize)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub summary: ServiceSummary,
    /// Other names the service is known by.
    pub keywords: Vec<String>,
    pub legal_basis: String,
    pub conditions: String,
    pub materials: Vec<MaterialOut>,
    pub fee: Option<Fee>,
    pub steps: Vec<ProcessStep>,
    pub places: Vec<ServicePlace>,
    pub consult_phone: Option<String>,
    pub complaint_phone: Option<String>,
    /// The feed a synced service comes from.
    pub source: Option<String>,
    pub synced_at: Option<String>,
    /// Fields the feed owns.
    pub synced_fields: Vec<String>,
    pub complete: bool,
    /// Codes of the key elements the published guide lacks.
    pub missing: Vec<&'static str>,
    /// Reason for publishing the guide although it is incomplete, `None` when it is complete.
    pub incomplete_reason: Option<String>,
    /// True for generated demo content.
    pub sample: bool,
    pub first_published_at: String,
    /// When an application made today is due, from the promised time limit.
    pub promised_due: Option<DueDate>,
}

/// A material with absolute links to its files.
#[derive(Debug, Serialize)]
pub struct MaterialOut {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub blank_form: Option<GuideFile>,
    pub example: Option<GuideFile>,
    pub issuer: Option<String>,
    pub note: Option<String>,
}

/// A due date counted in working days on the working-day calendar.
#[derive(Debug, Serialize)]
pub struct DueDate {
    /// The day the count starts: today in China Standard Time.
    pub from: NaiveDate,
    pub working_days: u32,
    pub date: NaiveDate,
    /// True when a year on the way has no loaded calendar, so only weekends were skipped.
    pub provisional: bool,
}

/// A service's monthly statistics.
#[derive(Debug, Serialize)]
pub struct Statistics {
    pub code: String,
    pub months: Vec<StatMonth>,
}

/// One month of statistics as imported from the source of record.
#[derive(Debug, Serialize)]
pub struct StatMonth {
    pub month: String,
    pub received: i64,
    pub completed: i64,
    pub source: String,
    pub imported_at: String,
}

/// Returns one page of the published services that match `query`.
pub async fn list(app: &App, base: &str, query: &str) -> Result<ServiceList, ApiError> {
    let query = ListQuery::parse(query)?;
    let services = app.published_services().await?;
    let matching: Vec<(&PublishedService, &ServiceGuide)> = services
        .iter()
        .filter_map(|service| {
            let guide = service.guide()?;
            matches(&query, service, guide).then_some((service, guide))
        })
        .collect();

    let (start, per_page) = query.window();
    let items = matching
        .iter()
        .skip(start)
        .take(per_page)
        .map(|(service, guide)| summary(base, service, guide))
        .collect();
    Ok(ServiceList {
        items,
        total: matching.len(),
        page: query.page,
        per_page: query.per_page,
    })
}

/// Returns the full guide of the published service `code`.
pub async fn detail(app: &App, base: &str, code: &str) -> Result<ServiceDetail, ApiError> {
    let (service, guide) = published(app, code).await?;
    let missing: Vec<&'static str> = guide.missing().into_iter().map(|e| e.code()).collect();
    let promised_due = guide.promised_days.map(|days| {
        let from = app.today();
        let due = app.calendar().add_working_days(from, days);
        DueDate {
            from,
            working_days: days,
            date: due.value,
            provisional: due.provisional,
        }
    });
    let record = &service.record;
    Ok(ServiceDetail {
        summary: summary(base, &service, &guide),
        keywords: service.item.meta.keywords.clone(),
        legal_basis: guide.legal_basis.clone(),
        conditions: guide.conditions.clone(),
        materials: guide.materials.iter().map(|m| material(base, m)).collect(),
        fee: guide.fee.clone(),
        steps: guide.steps.clone(),
        places: guide.places.clone(),
        consult_phone: filled(&guide.consult_phone),
        complaint_phone: filled(&guide.complaint_phone),
        source: record.source.clone(),
        synced_at: record.synced_at.map(timestamp),
        synced_fields: record.synced_fields.clone(),
        complete: missing.is_empty(),
        incomplete_reason: if missing.is_empty() {
            None
        } else {
            filled(&guide.incomplete_reason)
        },
        missing,
        sample: service.item.sample,
        first_published_at: timestamp(service.item.first_published_at),
        promised_due,
    })
}

/// Returns the stored monthly statistics of the published service `code`, newest first.
pub async fn statistics(app: &App, code: &str) -> Result<Statistics, ApiError> {
    let (service, _) = published(app, code).await?;
    let months = app
        .db
        .service_stats(Some(&service.record.code))
        .await?
        .into_iter()
        .map(|stat: ServiceStat| StatMonth {
            month: stat.month,
            received: stat.received,
            completed: stat.completed,
            source: stat.source,
            imported_at: timestamp(stat.imported_at),
        })
        .collect();
    Ok(Statistics {
        code: service.record.code,
        months,
    })
}

async fn published(app: &App, code: &str) -> Result<(PublishedService, ServiceGuide), ApiError> {
    if !jiyue_core::service::is_service_code(code) {
        return Err(ApiError::InvalidParameter(format!(
            "\"{}\" is not a service code; a code holds only letters, digits, '-', '_' and '.', \
             at most {} of them, as the list at /api/v1/services shows",
            shown(code),
            jiyue_core::service::MAX_CODE_CHARS
        )));
    }
    let not_found = || {
        ApiError::NotFound(format!(
            "no published service has the code \"{code}\"; find the code in the list at \
             /api/v1/services"
        ))
    };
    let service = app
        .db
        .published_service(code)
        .await?
        .ok_or_else(not_found)?;
    let guide = service.guide().cloned().ok_or_else(not_found)?;
    Ok((service, guide))
}

fn matches(query: &ListQuery, service: &PublishedService, guide: &ServiceGuide) -> bool {
    let text_matches = |text: &str| {
        query
            .text
            .as_deref()
            .is_none_or(|wanted| text.to_lowercase().contains(wanted))
    };
    query.department.is_none_or(|id| service.item.org_id == id)
        && query.kind.is_none_or(|kind| guide.kind == Some(kind))
        && query.audience.is_none_or(|a| guide.audiences.contains(&a))
        && query
            .life_event
            .is_none_or(|e| guide.life_events.contains(&e))
        && query
            .business_stage
            .is_none_or(|s| guide.business_stages.contains(&s))
        && (query.text.is_none()
            || text_matches(&service.item.meta.title)
            || text_matches(&service.record.code)
            || service.item.meta.keywords.iter().any(|k| text_matches(k)))
}

fn summary(base: &str, service: &PublishedService, guide: &ServiceGuide) -> ServiceSummary {
    let code = service.record.code.clone();
    ServiceSummary {
        url: format!("{base}/zwfw/sx/{code}.html"),
        code,
        title: service.item.meta.title.clone(),
        kind: guide.kind,
        implementing_org: guide.implementing_org.clone(),
        org_id: service.item.org_id,
        audiences: guide.audiences.clone(),
        life_events: guide.life_events.clone(),
        business_stages: guide.business_stages.clone(),
        promised_days: guide.promised_days,
        statutory_days: guide.statutory_days,
        online_url: filled(&guide.online_url),
        origin: service.record.origin,
        updated_at: timestamp(service.item.updated_at),
    }
}

fn material(base: &str, material: &jiyue_core::Material) -> MaterialOut {
    let link = |file: &Option<GuideFile>| {
        file.as_ref().map(|file| GuideFile {
            name: file.name.clone(),
            href: if file.href.starts_with('/') {
                format!("{base}{}", file.href)
            } else {
                file.href.clone()
            },
        })
    };
    MaterialOut {
        name: material.name.clone(),
        originals: material.originals,
        copies: material.copies,
        blank_form: link(&material.blank_form),
        example: link(&material.example),
        issuer: filled(&material.issuer),
        note: filled(&material.note),
    }
}

fn filled(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .filter(|text| !text.trim().is_empty())
        .cloned()
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
