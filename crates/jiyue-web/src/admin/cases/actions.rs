//! The actions on a case, each a POST of the case page with a field `action`. A refusal from
//! storage shows on the case page in Chinese with the values kept. Every action, done or
//! refused, writes an audit entry that names the case number and never its personal data.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;
use jiyue_auth::personal::Field;
use jiyue_core::CaseRules;
use jiyue_db::{AuditResult, CaseKind, CaseRecord, DbError, Scope};

use super::super::error::AdminError;
use super::super::extract::AdminPath;
use super::super::redirect;
use super::super::render;
use super::super::session::SignedIn;
use super::detail::{page, Outcome};
use super::{case_in, case_scopes, refusal_text, Need};
use crate::App;

/// Builds the error of an invalid form value, which is found before storage is called.
fn invalid(text: String) -> DbError {
    DbError::Invalid(text)
}

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(|value| value.trim()).unwrap_or_default()
}

fn parse_days(form: &HashMap<String, String>, name: &str) -> Result<u32, DbError> {
    let text = field(form, name);
    text.parse().map_err(|_| {
        invalid(format!(
            "{name} \"{text}\" is not a number of working days; give a whole number such as 15"
        ))
    })
}

fn parse_day(
    form: &HashMap<String, String>,
    name: &str,
    today: NaiveDate,
) -> Result<NaiveDate, DbError> {
    let text = field(form, name);
    if text.is_empty() {
        return Ok(today);
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        invalid(format!(
            "{name} \"{text}\" is not a date; write it as YYYY-MM-DD, such as 2026-10-09"
        ))
    })?;
    // An action is recorded on the day it happens: a future date would move the deadline
    // clock out of reach of the reminders.
    if day > today {
        return Err(invalid(format!(
            "{name} {day} is after today ({today}); give today or an earlier date"
        )));
    }
    Ok(day)
}

/// Returns the extension rules of a case: those of applications for government information,
/// and for other kinds one extension of at most the case's own limit.
fn extension_rules(case: &CaseRecord) -> CaseRules {
    match (case.kind, &case.clock) {
        (CaseKind::Disclosure, _) | (_, None) => CaseRules::INFORMATION_DISCLOSURE,
        // NOTE: no rule fixes the extensions of messages and error reports; one extension of
        // at most the original limit is this platform's choice.
        (_, Some(clock)) => CaseRules {
            max_extensions: 1,
            max_extension_days: clock.limit_days,
        },
    }
}

/// Returns true for an error that refuses the request, as opposed to a failure of the server.
fn is_refusal(error: &DbError) -> bool {
    matches!(
        error,
        DbError::Invalid(_) | DbError::Conflict(_) | DbError::OutOfScope(_) | DbError::NotFound(_)
    )
}

/// Returns the need of an action code, or `None` for an unknown code.
fn need_of(action: &str) -> Option<Need> {
    match action {
        "approve" | "send_back" => Some(Need::Review),
        // Handlers and reviewers both release held cases.
        "release" => Some(Need::View),
        "accept" | "reject" | "transfer" | "pause" | "resume" | "extend" | "reply"
        | "unpublish" => Some(Need::Handle),
        _ => None,
    }
}

/// Runs the action on the case through `scope`. Returns the audit detail on success.
async fn run(
    app: &App,
    me: &SignedIn,
    scope: &Scope,
    case: &CaseRecord,
    action: &str,
    form: &HashMap<String, String>,
) -> Result<String, DbError> {
    let db = &app.db;
    let staff = me.staff.id;
    let today = app.today();
    let id = case.id;
    match action {
        "release" => db
            .release_held_case(scope, id, staff, field(form, "note"))
            .await
            .map(|_| String::new()),
        "accept" => {
            let days = parse_days(form, "limit_days")?;
            let on = parse_day(form, "accepted_on", today)?;
            db.accept_case(scope, id, staff, on, days).await?;
            Ok(format!(
                "accepted on {on} with a limit of {days} working days"
            ))
        }
        "reject" => db
            .reject_case(scope, id, staff, field(form, "reason"))
            .await
            .map(|_| String::new()),
        "transfer" => {
            let org: i64 = field(form, "org").parse().map_err(|_| {
                invalid(format!(
                    "organization \"{}\" is not an organization id; choose one from the list",
                    field(form, "org")
                ))
            })?;
            db.transfer_case(scope, id, staff, org, field(form, "reason"))
                .await?;
            Ok(format!("to organization {org}"))
        }
        "pause" => {
            let on = parse_day(form, "from", today)?;
            db.pause_case(scope, id, staff, on, field(form, "reason"))
                .await?;
            Ok(format!("from {on}"))
        }
        "resume" => {
            let on = parse_day(form, "on", today)?;
            db.resume_case(scope, id, staff, on).await?;
            Ok(format!("on {on}"))
        }
        "extend" => {
            let days = parse_days(form, "days")?;
            let rules = extension_rules(case);
            let calendar = app.calendar();
            db.extend_case(
                scope,
                id,
                staff,
                &calendar,
                days,
                field(form, "reason"),
                today,
                &rules,
            )
            .await?;
            Ok(format!("{days} working days"))
        }
        "reply" => db
            .submit_reply(scope, id, staff, field(form, "body"))
            .await
            .map(|_| String::new()),
        "approve" | "send_back" => {
            let approve = action == "approve";
            let calendar = app.calendar();
            db.review_reply(
                scope,
                id,
                staff,
                approve,
                field(form, "note"),
                &calendar,
                today,
            )
            .await
            .map(|_| String::new())
        }
        "unpublish" => db
            .unpublish_case(scope, id, staff, field(form, "reason"))
            .await
            .map(|_| String::new()),
        other => Err(invalid(format!(
            "action \"{other}\" is unknown; use a button of the case page"
        ))),
    }
}

/// Finds the first scope of the user's grants for `need` that reaches the case.
async fn scope_for(
    app: &App,
    me: &SignedIn,
    need: Need,
    id: i64,
) -> Result<(CaseRecord, Scope), DbError> {
    let scopes = case_scopes(me, need);
    case_in(app, &scopes, id).await
}

pub(super) async fn act(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AdminError> {
    let action = field(&form, "action").to_string();
    let audit_action = format!("case.{action}");
    let Some(need) = need_of(&action) else {
        return Err(AdminError::BadRequest(format!(
            "action \"{action}\" is unknown; use a button of the case page"
        )));
    };

    let result = match scope_for(&app, &me, need, id).await {
        Ok((case, scope)) => run(&app, &me, &scope, &case, &action, &form)
            .await
            .map(|detail| (case, detail)),
        Err(error) => Err(error),
    };
    match result {
        Ok((case, detail)) => {
            me.audit(&app, &audit_action, &case.no, AuditResult::Ok, &detail)
                .await;
            if action == "approve" {
                notify_citizen(&app, id).await;
            }
            Ok(redirect(&format!("/cases/{id}?done={action}")))
        }
        Err(error) if !is_refusal(&error) => Err(error.into()),
        Err(error) => {
            let result = match error {
                DbError::OutOfScope(_) => AuditResult::Denied,
                _ => AuditResult::Failed,
            };
            me.audit(
                &app,
                &audit_action,
                &id.to_string(),
                result,
                &error.to_string(),
            )
            .await;
            let outcome = Outcome {
                error: Some(refusal_text(&error)),
                action,
                form,
            };
            page(&app, &me, id, outcome, None).await
        }
    }
}

/// Returns the address of `field` to notify of an answered case: the one the citizen gave with
/// the case, else the one on their account.
async fn citizen_contact(app: &App, case: &CaseRecord, field: Field) -> Option<String> {
    let services = app.citizens.as_ref()?;
    let open = |sealed: &str| {
        jiyue_auth::Sealed::parse(sealed)
            .ok()
            .and_then(|sealed| services.cipher.open(field, &sealed).ok())
    };
    let given = match field {
        Field::Mobile => case.contact.mobile.as_deref(),
        _ => case.contact.email.as_deref(),
    };
    if let Some(value) = given.and_then(open) {
        return Some(value);
    }
    let citizen = app.db.citizen(case.citizen_id?).await.ok()??;
    let sealed = match field {
        Field::Mobile => citizen.mobile_sealed,
        _ => citizen.email_sealed,
    };
    sealed.as_deref().and_then(open)
}

/// Tells the citizen by e-mail that the reply of their case is approved and where to read it.
/// A failure is logged with the masked address and does not undo the approval.
async fn notify_citizen(app: &App, id: i64) {
    let Some(services) = app.citizens.as_ref() else {
        return;
    };
    let Ok(case) = app.db.case(&Scope::Platform, id).await else {
        return;
    };
    let base = app
        .directory()
        .hosts
        .base_url(case.site_id)
        .map(str::to_string)
        .unwrap_or_default();
    let args = [
        ("no", case.no.clone()),
        ("subject", case.subject.clone()),
        ("url", format!("{base}/account/cases/{}", case.no)),
    ];
    let Some(to) = citizen_contact(app, &case, Field::Email).await else {
        // Accounts made with a mobile number only get the notice by SMS.
        if let Some(mobile) = citizen_contact(app, &case, Field::Mobile).await {
            let sms = jiyue_notify::Sms {
                to: mobile.clone(),
                template: "case_answered".to_string(),
                params: args
                    .iter()
                    .map(|(name, value)| ((*name).to_string(), value.clone()))
                    .collect(),
                text: render::format("admin-cases-sms-text", &args),
            };
            let masked = jiyue_notify::mask_address(&mobile);
            match services.sms.send(&sms).await {
                Ok(_) => {
                    tracing::info!(case = %case.no, to = %masked, "sent the reply notice of a case by SMS")
                }
                Err(error) => {
                    tracing::error!(case = %case.no, to = %masked, %error, "sending the reply notice of a case by SMS failed")
                }
            }
        }
        return;
    };
    let mail = jiyue_notify::Mail {
        to: to.clone(),
        subject: render::format("admin-cases-mail-subject", &args),
        text: render::format("admin-cases-mail-text", &args),
        html: None,
    };
    let masked = jiyue_notify::mask_address(&to);
    match services.mail.send(&mail).await {
        Ok(_) => tracing::info!(case = %case.no, to = %masked, "sent the reply notice of a case"),
        Err(error) => {
            tracing::error!(case = %case.no, to = %masked, %error, "sending the reply notice of a case failed")
        }
    }
}
