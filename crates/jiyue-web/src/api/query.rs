//! The query string of the service list: pagination bounds, the vocabulary filters and the
//! title filter, each rejected by name when a value is out of range.

use jiyue_core::{BusinessStage, LifeEvent, ServiceAudience, ServiceKind};

use super::error::ApiError;

/// Services per page when the request names no `per_page`.
pub const DEFAULT_PER_PAGE: u32 = 20;

/// Maximum number of services on one page.
pub const MAX_PER_PAGE: u32 = 100;

/// Highest page number accepted, far past the last page of any catalogue.
pub const MAX_PAGE: u32 = 1_000_000;

/// Longest `q` accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// The parsed query of `GET /api/v1/services`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub page: u32,
    pub per_page: u32,
    /// Id of the organization that owns the service items.
    pub department: Option<i64>,
    pub life_event: Option<LifeEvent>,
    pub business_stage: Option<BusinessStage>,
    pub audience: Option<ServiceAudience>,
    pub kind: Option<ServiceKind>,
    /// Lower-cased text to find in the title, a keyword or the code.
    pub text: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            department: None,
            life_event: None,
            business_stage: None,
            audience: None,
            kind: None,
            text: None,
        }
    }
}

impl ListQuery {
    /// Parses a raw query string. Unknown parameters are ignored; a repeated parameter
    /// keeps its last value.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let mut parsed = Self::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "page" => parsed.page = number("page", &value, 1, MAX_PAGE)?,
                "per_page" => parsed.per_page = number("per_page", &value, 1, MAX_PER_PAGE)?,
                "department" => parsed.department = Some(department(&value)?),
                "life_event" => {
                    parsed.life_event =
                        Some(code("life_event", &value, LifeEvent::ALL, |v| v.code())?)
                }
                "business_stage" => {
                    parsed.business_stage =
                        Some(code("business_stage", &value, BusinessStage::ALL, |v| {
                            v.code()
                        })?)
                }
                "audience" => {
                    parsed.audience = Some(code("audience", &value, ServiceAudience::ALL, |v| {
                        v.code()
                    })?)
                }
                "kind" => parsed.kind = Some(code("kind", &value, ServiceKind::ALL, |v| v.code())?),
                "q" => parsed.text = text(&value)?,
                _ => {}
            }
        }
        Ok(parsed)
    }

    /// Returns the index of the first service of the page and the page size.
    pub fn window(&self) -> (usize, usize) {
        let per_page = self.per_page as usize;
        let start = (self.page as usize - 1).saturating_mul(per_page);
        (start, per_page)
    }
}

fn number(name: &str, value: &str, min: u32, max: u32) -> Result<u32, ApiError> {
    match value.parse::<u32>() {
        Ok(number) if (min..=max).contains(&number) => Ok(number),
        _ => Err(ApiError::InvalidParameter(format!(
            "{name}=\"{}\" is not a whole number from {min} to {max}; give {name} in that range",
            shown(value)
        ))),
    }
}

fn department(value: &str) -> Result<i64, ApiError> {
    match value.parse::<i64>() {
        Ok(id) if id >= 1 => Ok(id),
        _ => Err(ApiError::InvalidParameter(format!(
            "department=\"{}\" is not an organization id; give the positive number that the \
             department pages use in /zwfw/bm/<id>.html",
            shown(value)
        ))),
    }
}

fn code<T: Copy>(
    name: &str,
    value: &str,
    all: &[T],
    code_of: impl Fn(T) -> &'static str,
) -> Result<T, ApiError> {
    if let Some(found) = all.iter().copied().find(|item| code_of(*item) == value) {
        return Ok(found);
    }
    let allowed: Vec<&str> = all.iter().map(|item| code_of(*item)).collect();
    Err(ApiError::InvalidParameter(format!(
        "{name}=\"{}\" is not a known code; use one of {}",
        shown(value),
        allowed.join(", ")
    )))
}

fn text(value: &str) -> Result<Option<String>, ApiError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::InvalidParameter(format!(
            "q is {} characters long; give at most {MAX_QUERY_CHARS}",
            trimmed.chars().count()
        )));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_lowercase()))
}

/// Returns `value` for an error message, cut to its first 80 characters.
pub(super) fn shown(value: &str) -> String {
    const MAX_SHOWN: usize = 80;
    if value.chars().count() <= MAX_SHOWN {
        return value.to_string();
    }
    let cut: String = value.chars().take(MAX_SHOWN).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_without_parameters() {
        assert_eq!(ListQuery::parse("").unwrap(), ListQuery::default());
        assert_eq!(ListQuery::default().window(), (0, 20));
    }

    #[test]
    fn every_filter_is_read() {
        let query = ListQuery::parse(
            "page=3&per_page=5&department=7&life_event=birth&business_stage=closing\
             &audience=business&kind=licensing&q=%E8%BA%AB%E4%BB%BD%E8%AF%81+ID&other=1",
        )
        .unwrap();
        assert_eq!(query.window(), (10, 5));
        assert_eq!(query.department, Some(7));
        assert_eq!(query.life_event, Some(LifeEvent::Birth));
        assert_eq!(query.business_stage, Some(BusinessStage::Closing));
        assert_eq!(query.audience, Some(ServiceAudience::Business));
        assert_eq!(query.kind, Some(ServiceKind::Licensing));
        assert_eq!(query.text.as_deref(), Some("身份证 id"));
    }

    #[test]
    fn bad_values_are_named_with_the_fix() {
        let message = |query: &str| ListQuery::parse(query).unwrap_err().to_string();
        assert!(message("per_page=101").contains("per_page=\"101\""));
        assert!(message("page=0").contains("from 1 to"));
        assert!(message("page=x").contains("page=\"x\""));
        assert!(message("department=-1").contains("department=\"-1\""));
        let life = message("life_event=wedding");
        assert!(life.contains("life_event=\"wedding\""), "{life}");
        assert!(life.contains("birth, schooling"), "{life}");
        assert!(message("kind=").contains("kind=\"\""));
        assert!(message(&format!("q={}", "x".repeat(201))).contains("at most 200"));
    }

    #[test]
    fn blank_text_filters_nothing() {
        assert_eq!(ListQuery::parse("q=+++").unwrap().text, None);
    }
}
