//! The case page: the case with its unsealed contact details, attachments, history and clock,
//! and the forms of the actions its state allows. Also the download of an attachment.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiyue_auth::personal::Field;
use jiyue_core::clock::format_china_minute;
use jiyue_db::{AuditResult, CaseActor, CaseKind, CaseRecord, CaseState, Scope, SealedContact};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::super::error::AdminError;
use super::super::extract::AdminPath;
use super::super::render;
use super::super::session::SignedIn;
use super::list::{deadline, sorted, Names};
use super::{
    case_in, case_scopes, category_name, default_limit_days, kind_name, require_scopes, Need,
};
use crate::App;

/// The outcome of an action shown on the page: the refusal, and the values to put back.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub error: Option<String>,
    pub action: String,
    pub form: HashMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ShowQuery {
    #[serde(default)]
    done: String,
}

/// The notices shown after an action, by the code in the `done` query parameter.
const DONE: [&str; 11] = [
    "release",
    "accept",
    "reject",
    "transfer",
    "pause",
    "resume",
    "extend",
    "reply",
    "approve",
    "send_back",
    "unpublish",
];

/// One entry of the history as shown.
#[derive(Debug, Serialize)]
struct EventRow {
    at: String,
    actor: String,
    action: String,
    from_state: &'static str,
    to_state: &'static str,
    to_org: String,
    reason: String,
}

fn event_name(action: &str) -> String {
    let key = format!("admin-cases-event-{}", action.replace('_', "-"));
    let text = render::message(&key);
    if text == key {
        action.to_string()
    } else {
        text
    }
}

async fn staff_names(app: &App, ids: impl Iterator<Item = i64>) -> HashMap<i64, String> {
    let mut names = HashMap::new();
    for id in ids {
        if names.contains_key(&id) {
            continue;
        }
        if let Ok(Some(staff)) = app.db.staff(id).await {
            names.insert(id, format!("{}（{}）", staff.display_name, staff.username));
        }
    }
    names
}

async fn history(
    app: &App,
    scope: &Scope,
    case: &CaseRecord,
    names: &Names,
) -> Result<Vec<EventRow>, AdminError> {
    let events = app.db.case_events(scope, case.id).await?;
    let staff_ids = events.iter().filter_map(|event| match event.actor {
        CaseActor::Staff(id) => Some(id),
        _ => None,
    });
    let staff = staff_names(app, staff_ids).await;
    let rows = events
        .iter()
        .map(|event| EventRow {
            at: format_china_minute(event.at),
            actor: match event.actor {
                CaseActor::Staff(id) => staff.get(&id).cloned().unwrap_or_else(|| id.to_string()),
                CaseActor::Citizen(_) => render::message("admin-cases-actor-citizen"),
                CaseActor::Anonymous => render::message("admin-cases-actor-anonymous"),
            },
            action: event_name(&event.action),
            from_state: event.from_state.map(CaseState::name_zh).unwrap_or_default(),
            to_state: event.to_state.map(CaseState::name_zh).unwrap_or_default(),
            to_org: event
                .to_org
                .and_then(|org| names.orgs.get(&org).cloned())
                .unwrap_or_default(),
            reason: event.reason.clone().unwrap_or_default(),
        })
        .collect();
    Ok(rows)
}

/// Unseals the contact details. A value that does not open shows as a notice, never as text.
fn contact(app: &App, sealed: &SealedContact) -> Value {
    let Some(services) = app.citizens.as_ref() else {
        return Value::from(());
    };
    let open = |field: Field, value: &Option<String>| -> Option<String> {
        let value = value.as_deref()?;
        let opened = jiyue_auth::Sealed::parse(value)
            .ok()
            .and_then(|sealed| services.cipher.open(field, &sealed).ok());
        Some(opened.unwrap_or_else(|| render::message("admin-cases-contact-unreadable")))
    };
    context! {
        name => open(Field::Name, &sealed.name),
        mobile => open(Field::Mobile, &sealed.mobile),
        email => open(Field::Email, &sealed.email),
        address => open(Field::Address, &sealed.address),
        id_number => open(Field::IdentityNumber, &sealed.id_number),
    }
}

fn clock_view(app: &App, case: &CaseRecord) -> Value {
    let Some(clock) = &case.clock else {
        return Value::from(());
    };
    let calendar = app.calendar();
    let today = app.today();
    let used = case
        .working_days_used
        .unwrap_or_else(|| clock.working_days_used(&calendar, today).value);
    let pauses: Vec<Value> = clock
        .pauses
        .iter()
        .map(|pause| {
            context! {
                from => pause.from.to_string(),
                until => pause.until.map(|day| day.to_string()).unwrap_or_default(),
                reason => &pause.reason,
            }
        })
        .collect();
    let extensions: Vec<Value> = clock
        .extensions
        .iter()
        .map(|extension| {
            context! {
                days => extension.days, reason => &extension.reason, on => extension.on.to_string(),
            }
        })
        .collect();
    context! {
        accepted_on => clock.accepted_on.to_string(),
        limit_days => clock.limit_days,
        total_days => clock.total_days(),
        pauses => pauses,
        extensions => extensions,
        used => used,
        deadline => deadline(case, &calendar, today),
    }
}

/// Returns the actions the state of the case allows, each true when its form shows.
fn actions(me: &SignedIn, case: &CaseRecord, scope_handles: bool) -> Value {
    let reviews = !case_scopes(me, Need::Review).is_empty();
    let handle = |states: &[CaseState]| scope_handles && states.contains(&case.state);
    context! {
        release => (scope_handles || reviews) && case.state == CaseState::Held,
        accept => handle(&[CaseState::Received]),
        reject => handle(&[CaseState::Held, CaseState::Received]),
        transfer => handle(&[CaseState::Received, CaseState::Accepted, CaseState::Paused]),
        pause => handle(&[CaseState::Accepted]),
        resume => handle(&[CaseState::Paused]),
        extend => handle(&[CaseState::Accepted, CaseState::Paused, CaseState::ReplyPending]),
        reply => handle(&[CaseState::Accepted]),
        review => reviews && case.state == CaseState::ReplyPending,
        unpublish => scope_handles && case.state == CaseState::Answered && case.published,
    }
}

/// Renders the case page with `outcome`, or the plain page when the outcome is empty.
pub(super) async fn page(
    app: &App,
    me: &SignedIn,
    id: i64,
    outcome: Outcome,
    notice: Option<String>,
) -> Result<Response, AdminError> {
    let scopes = require_scopes(app, me, Need::View, "case.view").await?;
    let (case, scope) = match case_in(app, &scopes, id).await {
        Ok(found) => found,
        Err(jiyue_db::DbError::NotFound(_)) => {
            return Err(AdminError::NotFound(format!("case {id}")))
        }
        Err(jiyue_db::DbError::OutOfScope(detail)) => {
            me.audit(
                app,
                "case.view",
                &id.to_string(),
                AuditResult::Denied,
                &detail,
            )
            .await;
            return Err(super::super::session::forbidden(
                jiyue_auth::Action::HandleMessages,
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let handles = super::case_in(app, &case_scopes(me, Need::Handle), id)
        .await
        .is_ok();

    let names = Names::load(app).await?;
    let limit = app
        .db
        .case_deadline(case.site_id, case.kind, case.category)
        .await?
        .unwrap_or_else(|| default_limit_days(case.kind));
    let status = if outcome.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let reply = case.reply.as_ref().map(|reply| {
        context! {
            body => &reply.body,
            submitted_at => format_china_minute(reply.submitted_at),
            note => &reply.review_note,
            answered_on => reply.answered_on.map(|day| day.to_string()),
        }
    });
    let attachments: Vec<Value> = case
        .attachments
        .iter()
        .enumerate()
        .map(|(index, file)| context! { index => index, name => &file.name, size => file.size, mime => &file.mime })
        .collect();
    let ctx = context! {
        case => context! {
            id => case.id, no => &case.no, kind => kind_name(case.kind),
            category => case.category.map(category_name).unwrap_or_default(),
            subject => &case.subject, body => &case.body, page_url => &case.page_url,
            org => names.orgs.get(&case.org_id).cloned().unwrap_or_default(),
            site => names.sites.get(&case.site_id).cloned().unwrap_or_default(),
            state => case.state.name_zh(), received_on => case.received_on.to_string(),
            public_requested => case.public_requested, consent => case.consent_to_publish,
            published => case.published, held_for => &case.held_for,
            on_time => case.answered_on_time,
            disclosure => case.kind == CaseKind::Disclosure,
        },
        contact => contact(app, &case.contact),
        attachments => attachments,
        reply => reply,
        clock => clock_view(app, &case),
        history => history(app, &scope, &case, &names).await?,
        actions => actions(me, &case, handles),
        orgs => sorted(&names.orgs),
        default_limit => limit,
        today => app.today().to_string(),
        error => outcome.error,
        error_action => outcome.action,
        form => outcome.form,
        notice => notice,
    };
    let html = render::page_for(app, me, "cases/detail.html", ctx)?;
    // The audit entry names the case number only: the page shows personal data, which the
    // audit log must not copy.
    me.audit(app, "case.view", &case.no, AuditResult::Ok, "")
        .await;
    Ok((status, html).into_response())
}

pub(super) async fn show(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AdminError> {
    let done = query.done.trim();
    let notice = DONE
        .contains(&done)
        .then(|| render::message(&format!("admin-cases-done-{}", done.replace('_', "-"))));
    page(&app, &me, id, Outcome::default(), notice).await
}

/// Percent-encodes a file name for `filename*` (RFC 5987): everything but letters, digits and
/// `-._~` becomes `%XX` of its UTF-8 bytes.
fn encode_filename(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Sends an attachment of a case the user may read, always as a download.
pub(super) async fn download(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath((id, index)): AdminPath<(i64, usize)>,
) -> Result<Response, AdminError> {
    let scopes = require_scopes(&app, &me, Need::View, "case.attachment").await?;
    let (case, _) = case_in(&app, &scopes, id)
        .await
        .map_err(|error| match error {
            jiyue_db::DbError::OutOfScope(_) => {
                super::super::session::forbidden(jiyue_auth::Action::HandleMessages)
            }
            jiyue_db::DbError::NotFound(_) => AdminError::NotFound(format!("case {id}")),
            other => other.into(),
        })?;
    let not_found = || AdminError::NotFound(format!("attachment {index} of case {id}"));
    let file = case.attachments.get(index).ok_or_else(not_found)?;
    let store = app.db.blob_store().ok_or_else(not_found)?;
    let bytes = store.get(&file.blob_sha).await?.ok_or_else(not_found)?;

    me.audit(
        &app,
        "case.attachment",
        &case.no,
        AuditResult::Ok,
        &format!("attachment {index}"),
    )
    .await;
    let disposition = format!(
        "attachment; filename=\"attachment-{index}\"; filename*=UTF-8''{}",
        encode_filename(&file.name)
    );
    let disposition =
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::encode_filename;

    #[test]
    fn filename_encodes_chinese_and_quotes() {
        assert_eq!(encode_filename("a b\".jpg"), "a%20b%22.jpg");
        assert_eq!(encode_filename("照"), "%E7%85%A7");
    }
}
