//! The service form as submitted: the item fields a service needs and every guide element as
//! typed (so a refused form shows it again), with repeatable rows for materials, steps and
//! places, parsed into item metadata with a [`ServiceGuide`] and errors tied to their fields.

use jiyue_core::service::{
    BusinessStage, Fee, GuideFile, LifeEvent, Material, ProcessStep, ServiceAudience, ServiceGuide,
    ServiceKind, ServicePlace,
};
use jiyue_core::ItemMeta;
use jiyue_db::{ColumnId, RevisionId};
use jiyue_render::MessageArg;
use serde::{Deserialize, Serialize};

use super::super::messages::FieldError;
use super::super::render;

/// Blank rows the form offers below the filled ones of each list.
pub const BLANK_ROWS: usize = 1;

/// One material row as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MaterialRow {
    pub name: String,
    pub originals: String,
    pub copies: String,
    pub issuer: String,
    pub note: String,
    pub blank_name: String,
    pub blank_href: String,
    pub example_name: String,
    pub example_href: String,
}

/// One process step row as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StepRow {
    pub name: String,
    pub description: String,
}

/// One place row as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlaceRow {
    pub address: String,
    pub hours: String,
}

/// The fields of the service form, as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceForm {
    pub title: String,
    pub keywords: String,
    pub home_column: String,
    pub body_html: String,
    pub base_revision_id: String,
    pub code: String,
    pub kind: String,
    pub implementing_org: String,
    pub legal_basis: String,
    pub conditions: String,
    pub fee_free: bool,
    pub fee_standard: String,
    pub fee_basis: String,
    pub statutory_days: String,
    pub promised_days: String,
    pub online_url: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    pub audiences: Vec<String>,
    pub life_events: Vec<String>,
    pub business_stages: Vec<String>,
    pub incomplete_reason: String,
    pub materials: Vec<MaterialRow>,
    pub steps: Vec<StepRow>,
    pub places: Vec<PlaceRow>,
    /// The list that the pressed button grows by one row instead of saving.
    pub add_row: Option<String>,
}

/// A form that passed every check.
#[derive(Debug, Clone)]
pub struct ParsedService {
    pub meta: ItemMeta,
    pub home_column: ColumnId,
    pub body_html: String,
    pub base_revision_id: Option<RevisionId>,
}

/// Splits a row key such as `material_name_2` into its prefix and row number.
fn row_key(key: &str) -> Option<(&str, usize)> {
    let (prefix, index) = key.rsplit_once('_')?;
    Some((prefix, index.parse().ok().filter(|i| *i < 1000)?))
}

fn row_of<T: Default>(rows: &mut Vec<T>, index: usize) -> &mut T {
    if rows.len() <= index {
        rows.resize_with(index + 1, T::default);
    }
    &mut rows[index]
}

impl ServiceForm {
    /// Reads the form from URL-encoded pairs. Repeated keys fill the checkbox lists, and
    /// numbered keys (`material_name_0`) fill the rows.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = ServiceForm::default();
        for (key, value) in pairs {
            let value = value.clone();
            match key.as_str() {
                "audiences" => form.audiences.push(value),
                "life_events" => form.life_events.push(value),
                "business_stages" => form.business_stages.push(value),
                "fee_free" => form.fee_free = !value.is_empty(),
                "add_row" => form.add_row = Some(value),
                _ => {
                    if let Some(slot) = form.text_slot(key) {
                        *slot = value;
                    } else if let Some(slot) = form.row_slot(key) {
                        *slot = value;
                    }
                }
            }
        }
        form.drop_blank_rows();
        form
    }

    fn text_slot(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "title" => &mut self.title,
            "keywords" => &mut self.keywords,
            "home_column" => &mut self.home_column,
            "body_html" => &mut self.body_html,
            "base_revision_id" => &mut self.base_revision_id,
            "code" => &mut self.code,
            "kind" => &mut self.kind,
            "implementing_org" => &mut self.implementing_org,
            "legal_basis" => &mut self.legal_basis,
            "conditions" => &mut self.conditions,
            "fee_standard" => &mut self.fee_standard,
            "fee_basis" => &mut self.fee_basis,
            "statutory_days" => &mut self.statutory_days,
            "promised_days" => &mut self.promised_days,
            "online_url" => &mut self.online_url,
            "consult_phone" => &mut self.consult_phone,
            "complaint_phone" => &mut self.complaint_phone,
            "incomplete_reason" => &mut self.incomplete_reason,
            _ => return None,
        })
    }

    fn row_slot(&mut self, key: &str) -> Option<&mut String> {
        let (prefix, index) = row_key(key)?;
        Some(match prefix {
            "material_name" => &mut row_of(&mut self.materials, index).name,
            "material_originals" => &mut row_of(&mut self.materials, index).originals,
            "material_copies" => &mut row_of(&mut self.materials, index).copies,
            "material_issuer" => &mut row_of(&mut self.materials, index).issuer,
            "material_note" => &mut row_of(&mut self.materials, index).note,
            "material_blank_name" => &mut row_of(&mut self.materials, index).blank_name,
            "material_blank_href" => &mut row_of(&mut self.materials, index).blank_href,
            "material_example_name" => &mut row_of(&mut self.materials, index).example_name,
            "material_example_href" => &mut row_of(&mut self.materials, index).example_href,
            "step_name" => &mut row_of(&mut self.steps, index).name,
            "step_description" => &mut row_of(&mut self.steps, index).description,
            "place_address" => &mut row_of(&mut self.places, index).address,
            "place_hours" => &mut row_of(&mut self.places, index).hours,
            _ => return None,
        })
    }

    /// Drops rows where nothing was typed, so the blank rows of the form store nothing.
    fn drop_blank_rows(&mut self) {
        let filled = |texts: &[&String]| texts.iter().any(|text| !text.trim().is_empty());
        self.materials
            .retain(|m| filled(&[&m.name, &m.issuer, &m.note, &m.blank_href, &m.example_href]));
        self.steps.retain(|s| filled(&[&s.name, &s.description]));
        self.places.retain(|p| filled(&[&p.address, &p.hours]));
    }

    /// Fills the form from stored metadata and body.
    pub fn from_stored(
        meta: &ItemMeta,
        body_html: &str,
        home_column: ColumnId,
        base: RevisionId,
    ) -> Self {
        let guide = meta.service.clone().unwrap_or_default();
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let number = |value: Option<u32>| value.map(|n| n.to_string()).unwrap_or_default();
        let fee = guide.fee.clone().unwrap_or_default();
        ServiceForm {
            title: meta.title.clone(),
            keywords: meta.keywords.join("，"),
            home_column: home_column.to_string(),
            body_html: body_html.to_string(),
            base_revision_id: base.to_string(),
            code: guide.code.clone(),
            kind: guide.kind.map(|k| k.code().to_string()).unwrap_or_default(),
            implementing_org: guide.implementing_org.clone(),
            legal_basis: guide.legal_basis.clone(),
            conditions: guide.conditions.clone(),
            fee_free: fee.free,
            fee_standard: fee.standard,
            fee_basis: fee.basis,
            statutory_days: number(guide.statutory_days),
            promised_days: number(guide.promised_days),
            online_url: text(&guide.online_url),
            consult_phone: text(&guide.consult_phone),
            complaint_phone: text(&guide.complaint_phone),
            audiences: codes(&guide.audiences, |a| a.code()),
            life_events: codes(&guide.life_events, |e| e.code()),
            business_stages: codes(&guide.business_stages, |s| s.code()),
            incomplete_reason: text(&guide.incomplete_reason),
            materials: guide.materials.iter().map(material_row).collect(),
            steps: guide
                .steps
                .iter()
                .map(|s| StepRow {
                    name: s.name.clone(),
                    description: s.description.clone(),
                })
                .collect(),
            places: guide
                .places
                .iter()
                .map(|p| PlaceRow {
                    address: p.address.clone(),
                    hours: p.hours.clone(),
                })
                .collect(),
            add_row: None,
        }
    }

    /// Parses every field on top of `base` (the stored metadata, or a new item's defaults).
    pub fn parse(&self, mut base: ItemMeta) -> Result<ParsedService, Vec<FieldError>> {
        let mut errors = Vec::new();
        let guide = self.guide(&mut errors);
        base.title = self.title.trim().to_string();
        base.keywords = split_list(&self.keywords);
        base.service = Some(guide);
        for error in base.validate() {
            errors.push(meta_error(&error));
        }
        let home_column = self.home_column.trim().parse::<ColumnId>().ok();
        if home_column.is_none() {
            errors.push(FieldError::new(
                "home_column",
                "editorial-error-home-column",
            ));
        }
        match home_column {
            Some(home_column) if errors.is_empty() => Ok(ParsedService {
                meta: base,
                home_column,
                body_html: jiyue_render::sanitize_html(&self.body_html),
                base_revision_id: self.base_revision_id.trim().parse().ok(),
            }),
            _ => Err(errors),
        }
    }

    /// Builds the guide from the typed fields. Numbers that do not parse become errors.
    pub fn guide(&self, errors: &mut Vec<FieldError>) -> ServiceGuide {
        let fee_typed = self.fee_free || !self.fee_standard.trim().is_empty();
        let fee = (fee_typed || !self.fee_basis.trim().is_empty()).then(|| Fee {
            free: self.fee_free,
            standard: self.fee_standard.trim().to_string(),
            basis: self.fee_basis.trim().to_string(),
        });
        ServiceGuide {
            code: self.code.trim().to_string(),
            kind: chosen(
                "kind",
                std::slice::from_ref(&self.kind),
                ServiceKind::parse,
                errors,
            )
            .into_iter()
            .next(),
            implementing_org: self.implementing_org.trim().to_string(),
            legal_basis: self.legal_basis.trim().to_string(),
            conditions: self.conditions.trim().to_string(),
            materials: self.materials(errors),
            fee,
            steps: self
                .steps
                .iter()
                .map(|s| ProcessStep {
                    name: s.name.trim().to_string(),
                    description: s.description.trim().to_string(),
                })
                .collect(),
            statutory_days: days(&self.statutory_days, "statutory_days", errors),
            promised_days: days(&self.promised_days, "promised_days", errors),
            places: self
                .places
                .iter()
                .map(|p| ServicePlace {
                    address: p.address.trim().to_string(),
                    hours: p.hours.trim().to_string(),
                })
                .collect(),
            online_url: optional_text(&self.online_url),
            consult_phone: optional_text(&self.consult_phone),
            complaint_phone: optional_text(&self.complaint_phone),
            audiences: chosen("audiences", &self.audiences, ServiceAudience::parse, errors),
            life_events: chosen("life_events", &self.life_events, LifeEvent::parse, errors),
            business_stages: chosen(
                "business_stages",
                &self.business_stages,
                BusinessStage::parse,
                errors,
            ),
            incomplete_reason: optional_text(&self.incomplete_reason),
        }
    }

    fn materials(&self, errors: &mut Vec<FieldError>) -> Vec<Material> {
        let mut materials = Vec::with_capacity(self.materials.len());
        for (index, row) in self.materials.iter().enumerate() {
            let mut count = |text: &str| {
                let text = text.trim();
                if text.is_empty() {
                    return 0;
                }
                text.parse().unwrap_or_else(|_| {
                    errors.push(row_error(
                        "materials",
                        "admin-services-error-count",
                        index,
                        text,
                    ));
                    0
                })
            };
            let originals = count(&row.originals);
            let copies = count(&row.copies);
            materials.push(Material {
                name: row.name.trim().to_string(),
                originals,
                copies,
                blank_form: guide_file(&row.blank_name, &row.blank_href),
                example: guide_file(&row.example_name, &row.example_href),
                issuer: optional_text(&row.issuer),
                note: optional_text(&row.note),
            });
        }
        materials
    }

    /// Returns the form with one more blank row in the list `add_row` names, or than the
    /// filled rows of every list, for showing.
    pub fn with_blank_rows(&self) -> ServiceForm {
        let mut form = self.clone();
        let extra = |name: &str| BLANK_ROWS + usize::from(self.add_row.as_deref() == Some(name));
        for _ in 0..extra("materials") {
            form.materials.push(MaterialRow::default());
        }
        for _ in 0..extra("steps") {
            form.steps.push(StepRow::default());
        }
        for _ in 0..extra("places") {
            form.places.push(PlaceRow::default());
        }
        form
    }
}

fn codes<T: Copy>(values: &[T], code: fn(T) -> &'static str) -> Vec<String> {
    values
        .iter()
        .map(|value| code(*value).to_string())
        .collect()
}

fn material_row(material: &Material) -> MaterialRow {
    let file = |file: &Option<GuideFile>| file.clone().unwrap_or_default();
    let (blank, example) = (file(&material.blank_form), file(&material.example));
    MaterialRow {
        name: material.name.clone(),
        originals: material.originals.to_string(),
        copies: material.copies.to_string(),
        issuer: material.issuer.clone().unwrap_or_default(),
        note: material.note.clone().unwrap_or_default(),
        blank_name: blank.name,
        blank_href: blank.href,
        example_name: example.name,
        example_href: example.href,
    }
}

fn guide_file(name: &str, href: &str) -> Option<GuideFile> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let name = match name.trim() {
        "" => href.rsplit('/').next().unwrap_or(href),
        name => name,
    };
    Some(GuideFile {
        name: name.to_string(),
        href: href.to_string(),
    })
}

fn days(text: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = text.parse().ok();
    if parsed.is_none() {
        let key = "admin-services-error-days-number";
        errors.push(FieldError::text(
            field,
            render::format_args(key, &[("value", MessageArg::Text(text.to_string()))]),
        ));
    }
    parsed
}

/// Parses the values chosen for a vocabulary field, skipping blanks. A value that is not in
/// the vocabulary (only a forged request sends one) is an error naming it, not dropped.
fn chosen<T>(
    field: &'static str,
    values: &[String],
    parse: fn(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    let mut parsed = Vec::with_capacity(values.len());
    for value in values
        .iter()
        .map(|value| value.trim())
        .filter(|v| !v.is_empty())
    {
        match parse(value) {
            Some(known) => parsed.push(known),
            None => {
                let args = [("value", MessageArg::Text(value.chars().take(40).collect()))];
                let text = render::format_args("admin-services-error-choice", &args);
                errors.push(FieldError::text(field, text));
            }
        }
    }
    parsed
}

fn row_error(field: &'static str, key: &str, index: usize, value: &str) -> FieldError {
    let args = [
        ("row", MessageArg::Number((index + 1) as f64)),
        ("value", MessageArg::Text(value.to_string())),
    ];
    FieldError::text(field, render::format_args(key, &args))
}

/// Returns the form error for a metadata or guide rule that failed, in the admin language.
fn meta_error(error: &jiyue_core::FieldError) -> FieldError {
    let (field, key) = match error.field {
        "title" => ("title", "editorial-error-title"),
        "keywords" => ("keywords", "editorial-error-keywords"),
        "code" => ("code", "admin-services-error-code"),
        "statutory_days" => ("statutory_days", "admin-services-error-statutory-days"),
        "promised_days" => ("promised_days", "admin-services-error-promised-days"),
        "consult_phone" => ("consult_phone", "admin-services-error-phone"),
        "complaint_phone" => ("complaint_phone", "admin-services-error-phone"),
        "online_url" => ("online_url", "admin-services-error-online-url"),
        "materials" => ("materials", "admin-services-error-materials"),
        "implementing_org" => ("implementing_org", "admin-services-error-too-long"),
        "legal_basis" => ("legal_basis", "admin-services-error-too-long"),
        "conditions" => ("conditions", "admin-services-error-too-long"),
        "incomplete_reason" => ("incomplete_reason", "admin-services-error-too-long"),
        "steps" => ("steps", "admin-services-error-too-long"),
        "places" => ("places", "admin-services-error-too-long"),
        "fee" => ("fee_standard", "admin-services-error-too-long"),
        _ => ("title", "editorial-error-other"),
    };
    FieldError::new(field, key)
}

fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Splits the other names of a service, typed with commas, semicolons or one per line.
fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn rows_and_checkboxes_fill_the_guide() {
        let form = ServiceForm::from_pairs(&pairs(&[
            ("title", "居民身份证换领"),
            ("keywords", "身份证，换证"),
            ("home_column", "5"),
            ("code", "JL-GA-001"),
            ("kind", "public_service"),
            ("material_name_0", "居民户口簿"),
            ("material_originals_0", "1"),
            ("material_issuer_0", "申请人自备"),
            ("material_name_1", ""),
            ("step_name_0", "受理"),
            ("audiences", "individual"),
            ("life_events", "birth"),
            ("statutory_days", "60"),
            ("promised_days", "20"),
        ]));
        let parsed = form.parse(ItemMeta {
            lang: "zh-CN".to_string(),
            ..ItemMeta::default()
        });
        let parsed = parsed.unwrap();
        let guide = parsed.meta.service.unwrap();
        assert_eq!(parsed.meta.keywords, ["身份证", "换证"]);
        assert_eq!(guide.materials.len(), 1);
        assert_eq!(guide.materials[0].issuer.as_deref(), Some("申请人自备"));
        assert_eq!(guide.steps[0].name, "受理");
        assert_eq!(guide.life_events, [LifeEvent::Birth]);
        assert_eq!(guide.promised_days, Some(20));
    }

    #[test]
    fn bad_numbers_name_their_fields() {
        let form = ServiceForm::from_pairs(&pairs(&[
            ("title", "x"),
            ("home_column", "5"),
            ("code", "A1"),
            ("statutory_days", "sixty"),
            ("material_name_0", "表"),
            ("material_copies_0", "two"),
        ]));
        let errors = form
            .parse(ItemMeta {
                lang: "zh-CN".to_string(),
                ..ItemMeta::default()
            })
            .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert!(fields.contains(&"statutory_days"), "{fields:?}");
        assert!(fields.contains(&"materials"), "{fields:?}");
        assert!(errors.iter().any(|e| e.text.contains("two")), "{errors:?}");
    }

    #[test]
    fn blank_rows_grow_on_request() {
        let mut form = ServiceForm::from_pairs(&pairs(&[("step_name_0", "受理")]));
        form.add_row = Some("steps".to_string());
        let shown = form.with_blank_rows();
        assert_eq!(shown.steps.len(), 1 + BLANK_ROWS + 1);
        assert_eq!(shown.places.len(), BLANK_ROWS);
    }
}
