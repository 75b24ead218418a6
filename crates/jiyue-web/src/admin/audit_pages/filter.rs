//! The filters of the audit pages: reading them from the query string, checking each value,
//! and writing them back out as the detail of an audit entry and as the query of a link.
//!
//! Days are `YYYY-MM-DD` in China Standard Time and both ends are inclusive, as in `jiyue
//! audit export`. A value that does not parse becomes a [`FieldError`] naming the field and the
//! expected form, never a server error.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use jiyue_db::{AccessFilter, AuditFilter, AuditResult};
use serde::Serialize;

use crate::admin::messages::FieldError;

/// The filter fields of the audit log page, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditForm {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub action: String,
    pub result: String,
    pub before: String,
}

/// The filter fields of the access log page, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessForm {
    pub from: String,
    pub to: String,
    pub host: String,
    pub path: String,
    pub status: String,
    pub address: String,
    pub before: String,
}

/// Returns the first value of every parameter of a raw query string, trimmed. Later repeats
/// of a name are ignored, so no query string is ever refused as malformed.
pub fn parameters(query: Option<&str>) -> HashMap<String, String> {
    let mut values = HashMap::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        values
            .entry(name.into_owned())
            .or_insert_with(|| value.trim().to_string());
    }
    values
}

fn take(values: &mut HashMap<String, String>, name: &str) -> String {
    values.remove(name).unwrap_or_default()
}

impl AuditForm {
    /// Reads the audit log filter from a raw query string.
    pub fn read(query: Option<&str>) -> Self {
        let mut values = parameters(query);
        Self {
            from: take(&mut values, "from"),
            to: take(&mut values, "to"),
            actor: take(&mut values, "actor"),
            action: take(&mut values, "action"),
            result: take(&mut values, "result"),
            before: take(&mut values, "before"),
        }
    }

    /// Checks every field and returns the storage filter, or every field that is invalid.
    pub fn filter(&self) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let (from, to) = day_range(&self.from, &self.to, &mut errors);
        let result = match self.result.as_str() {
            "" => None,
            "ok" => Some(AuditResult::Ok),
            "denied" => Some(AuditResult::Denied),
            "failed" => Some(AuditResult::Failed),
            _ => {
                errors.push(FieldError::new("result", "audit-error-result"));
                None
            }
        };
        let before_seq = position(&self.before, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditFilter {
            from,
            to,
            actor: non_empty(&self.actor),
            action: non_empty(&self.action),
            result,
            before_seq,
        })
    }

    /// Returns the filter fields other than the page position, as `name=value` pairs.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let all = [
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("actor", self.actor.as_str()),
            ("action", self.action.as_str()),
            ("result", self.result.as_str()),
        ];
        all.into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect()
    }
}

impl AccessForm {
    /// Reads the access log filter from a raw query string.
    pub fn read(query: Option<&str>) -> Self {
        let mut values = parameters(query);
        Self {
            from: take(&mut values, "from"),
            to: take(&mut values, "to"),
            host: take(&mut values, "host"),
            path: take(&mut values, "path"),
            status: take(&mut values, "status"),
            address: take(&mut values, "address"),
            before: take(&mut values, "before"),
        }
    }

    /// Checks every field and returns the storage filter, or every field that is invalid.
    pub fn filter(&self) -> Result<AccessFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let (from, to) = day_range(&self.from, &self.to, &mut errors);
        if !self.path.is_empty() && !self.path.starts_with('/') {
            errors.push(FieldError::new("path", "audit-error-path"));
        }
        let status = match self.status.as_str() {
            "" => None,
            text => {
                let status = text.parse::<u16>().ok().filter(|s| (100..=599).contains(s));
                if status.is_none() {
                    errors.push(FieldError::new("status", "audit-error-status"));
                }
                status
            }
        };
        let address = match self.address.as_str() {
            "" => None,
            text => match text.parse::<IpAddr>() {
                Ok(ip) => Some(ip.to_string()),
                Err(_) => {
                    errors.push(FieldError::new("address", "audit-error-address"));
                    None
                }
            },
        };
        let before_id = position(&self.before, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AccessFilter {
            from,
            to,
            host: non_empty(&self.host),
            path_prefix: non_empty(&self.path),
            status,
            address,
            before_id,
        })
    }

    /// Returns the filter fields other than the page position, as `name=value` pairs.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let all = [
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("host", self.host.as_str()),
            ("path", self.path.as_str()),
            ("status", self.status.as_str()),
            ("address", self.address.as_str()),
        ];
        all.into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect()
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// Parses the page position `before`: a positive whole number, or nothing.
fn position(text: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    let parsed = text.parse::<i64>().ok().filter(|n| *n > 0);
    if parsed.is_none() {
        // The position comes from the "older entries" link, not from a form field, so the
        // error links to the start of the page.
        errors.push(FieldError::new("main", "audit-error-before"));
    }
    parsed
}

/// Parses the `from` and `to` days into instants: the start of `from` and the end of `to`.
fn day_range(
    from: &str,
    to: &str,
    errors: &mut Vec<FieldError>,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let start = day(from, "from", "audit-error-from", errors);
    let end = day(to, "to", "audit-error-to", errors).map(|start| start + Duration::days(1));
    if let (Some(start), Some(end)) = (start, end) {
        if start >= end {
            errors.push(FieldError::new("to", "audit-error-range"));
        }
    }
    (start, end)
}

fn day(
    text: &str,
    field: &'static str,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    if text.is_empty() {
        return None;
    }
    let parsed = (text.len() == 10)
        .then(|| jiyue_core::clock::parse_china_time(text))
        .flatten();
    if parsed.is_none() {
        errors.push(FieldError::new(field, key));
    }
    parsed
}

/// Describes a filter for the detail of an audit entry: `name=value` pairs separated by
/// spaces, or `all` when nothing narrows the list.
pub fn describe(pairs: &[(&str, &str)], before: &str) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    if !before.is_empty() {
        parts.push(format!("before={before}"));
    }
    if parts.is_empty() {
        "all".to_string()
    } else {
        parts.join(" ")
    }
}

/// Encodes `pairs` as a query string, without the leading `?`.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        query.append_pair(name, value);
    }
    query.finish()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn days_are_china_time_and_inclusive() {
        let form = AuditForm::read(Some("from=2026-12-01&to=2026-12-01&result=denied"));
        let filter = form.filter().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap();
        assert_eq!(filter.from, Some(start));
        assert_eq!(filter.to, Some(start + Duration::days(1)));
        assert_eq!(filter.result, Some(AuditResult::Denied));
    }

    #[test]
    fn bad_values_name_their_field() {
        let form = AuditForm::read(Some("from=2026-13-01&to=yesterday&result=maybe&before=x"));
        let fields: Vec<&str> = form.filter().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["from", "to", "result", "main"]);
        let form = AuditForm::read(Some("from=2026-12-02&to=2026-12-01"));
        assert_eq!(form.filter().unwrap_err()[0].field, "to");
    }

    #[test]
    fn access_filter_checks_status_address_and_path() {
        let form = AccessForm::read(Some("status=700&address=1.2.3&path=news"));
        let fields: Vec<&str> = form.filter().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["path", "status", "address"]);
        let form = AccessForm::read(Some("status=404&address=2001:DB8::1&path=/a&before=9"));
        let filter = form.filter().unwrap();
        assert_eq!(filter.status, Some(404));
        assert_eq!(filter.address.as_deref(), Some("2001:db8::1"));
        assert_eq!(filter.path_prefix.as_deref(), Some("/a"));
        assert_eq!(filter.before_id, Some(9));
    }

    #[test]
    fn repeated_and_padded_parameters_are_read_once() {
        let form = AuditForm::read(Some("actor=+sec+&actor=other&action=login"));
        assert_eq!(form.actor, "sec");
        assert_eq!(describe(&form.pairs(), ""), "actor=sec action=login");
        assert_eq!(describe(&[], "7"), "before=7");
        assert_eq!(describe(&[], ""), "all");
        assert_eq!(query_string(&form.pairs()), "actor=sec&action=login");
    }
}
