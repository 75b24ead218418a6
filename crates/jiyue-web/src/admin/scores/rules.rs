//! The rule table: every rule with its points, cap, veto threshold and source, and the form
//! a platform operator uses to change them. Every change is validated and audited.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use jiyue_auth::Action;
use jiyue_db::{AuditResult, DbError, RuleChange};
use jiyue_monitor::score::Points;
use minijinja::{context, Value};

use super::super::error::AdminError;
use super::super::redirect;
use super::super::render;
use super::super::session::{forbidden, SignedIn};
use super::{category_key, is_operator, require_scopes};
use crate::App;

type Fields = HashMap<String, String>;

fn field<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.get(name).map(|value| value.trim()).unwrap_or_default()
}

/// Parses a number of points from 0 to 100 with at most two decimals into hundredths, or
/// returns the catalog message that explains the error.
fn parse_points(name: &str, text: &str) -> Result<i64, String> {
    let invalid = || {
        render::format(
            "score-error-points",
            &[
                ("field", render::message(name)),
                ("value", text.to_string()),
            ],
        )
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    let dangling_point = text.ends_with('.');
    if whole.is_empty()
        || dangling_point
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 2
    {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
    let hundredths = whole
        .checked_mul(100)
        .and_then(|value| value.checked_add(fraction));
    hundredths
        .filter(|value| (0..=Points::FULL.0).contains(value))
        .ok_or_else(invalid)
}

/// Parses the optional veto threshold, a whole number from 1 to 1,000,000.
fn parse_threshold(text: &str) -> Result<Option<i64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .ok()
        .filter(|value| (1..=jiyue_db::scorecards::MAX_RULE_THRESHOLD).contains(value))
        .map(Some)
        .ok_or_else(|| render::format("score-error-threshold", &[("value", text.to_string())]))
}

/// Reads the rule form into a change, or the catalog message of the first error.
fn parse_change(form: &Fields) -> Result<RuleChange, String> {
    let description = field(form, "description");
    if description.is_empty() {
        return Err(render::message("score-error-description"));
    }
    let veto = field(form, "veto") == "on";
    let threshold = parse_threshold(field(form, "threshold"))?;
    if veto && threshold.is_none() {
        return Err(render::message("score-error-veto-threshold"));
    }
    Ok(RuleChange {
        description: description.to_string(),
        points: parse_points("score-col-points", field(form, "points"))?,
        cap: parse_points("score-col-cap", field(form, "cap"))?,
        veto,
        threshold,
        confirmed: field(form, "confirmed") == "on",
    })
}

async fn rules_page(
    app: &App,
    me: &SignedIn,
    error: Option<(String, String)>,
    saved: Option<String>,
) -> Result<Response, AdminError> {
    let stored = app.db.score_rules().await?;
    let rules: Vec<Value> = stored
        .iter()
        .map(|rule| {
            context! {
                code => &rule.code, category_key => category_key(&rule.category),
                description => &rule.description, points => Points(rule.points).to_string(),
                cap => Points(rule.cap).to_string(), veto => rule.veto,
                threshold => rule.threshold.map(|value| value.to_string()).unwrap_or_default(),
                confirmed => rule.confirmed, source => &rule.source,
                updated_at => rule.updated_at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()),
            }
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let ctx = context! {
        rules => rules, editable => is_operator(me),
        error_code => error.as_ref().map(|(code, _)| code.clone()),
        error => error.map(|(_, message)| message), saved => saved,
    };
    Ok((status, render::page_for(app, me, "scores/rules.html", ctx)?).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct SavedQuery {
    #[serde(default)]
    saved: String,
}

pub(super) async fn rules(
    State(app): State<Arc<App>>,
    me: SignedIn,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> Result<Response, AdminError> {
    require_scopes(&app, &me, "score.rules").await?;
    let saved = Some(query.saved).filter(|code| !code.is_empty());
    rules_page(&app, &me, None, saved).await
}

pub(super) async fn save_rule(
    State(app): State<Arc<App>>,
    me: SignedIn,
    Form(form): Form<Fields>,
) -> Result<Response, AdminError> {
    let code = field(&form, "code").to_string();
    if !is_operator(&me) {
        me.audit(&app, "score.rule_update", &code, AuditResult::Denied, "")
            .await;
        return Err(forbidden(Action::ManageSites));
    }
    let change = match parse_change(&form) {
        Ok(change) => change,
        Err(message) => return rules_page(&app, &me, Some((code, message)), None).await,
    };
    match app.db.update_score_rule(&code, &change, me.staff.id).await {
        Ok(rule) => {
            let detail = format!(
                "points={} cap={} veto={} threshold={:?} confirmed={}",
                Points(rule.points),
                Points(rule.cap),
                rule.veto,
                rule.threshold,
                rule.confirmed
            );
            me.audit(&app, "score.rule_update", &code, AuditResult::Ok, &detail)
                .await;
            Ok(redirect(&format!(
                "/monitor/scores/rules?saved={code}#rule-{code}"
            )))
        }
        Err(DbError::Invalid(detail) | DbError::NotFound(detail)) => {
            me.audit(
                &app,
                "score.rule_update",
                &code,
                AuditResult::Failed,
                &detail,
            )
            .await;
            let message = render::format("score-error-rule", &[("detail", detail)]);
            rules_page(&app, &me, Some((code, message)), None).await
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_parse_to_hundredths() {
        assert_eq!(parse_points("p", "0"), Ok(0));
        assert_eq!(parse_points("p", "0.1"), Ok(10));
        assert_eq!(parse_points("p", "2.25"), Ok(225));
        assert_eq!(parse_points("p", "100"), Ok(10_000));
        for bad in [
            "",
            "-1",
            "100.01",
            "1.234",
            "abc",
            "1e2",
            ".5",
            "5.",
            "１",
            "99999999999999999999",
        ] {
            assert!(parse_points("p", bad).is_err(), "{bad} passed");
        }
    }

    #[test]
    fn threshold_parses() {
        assert_eq!(parse_threshold(""), Ok(None));
        assert_eq!(parse_threshold("5"), Ok(Some(5)));
        assert!(parse_threshold("0").is_err());
        assert!(parse_threshold("x").is_err());
    }
}
