//! The OpenAPI 3.1 document of the API, built from the same vocabularies and limits the
//! endpoints use, so the two cannot drift apart.

use std::sync::OnceLock;

use bytes::Bytes;
use jiyue_core::{BusinessStage, GuideElement, LifeEvent, ServiceAudience, ServiceKind};
use serde_json::{json, Map, Value};

use super::error::ApiError;
use super::query::{DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS};

/// Returns the serialized document, built on first use.
pub fn document_bytes() -> Bytes {
    static DOCUMENT: OnceLock<Bytes> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| Bytes::from(serde_json::to_vec(&document()).unwrap_or_default()))
        .clone()
}

/// Builds the document.
pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Jiyue public services API",
            "version": "1.0.0",
            "description": "Published public services (政务服务事项) of every site of the \
                platform: their guides (办事指南) and the monthly statistics imported from the \
                source of record. Read-only; answers may be cached for 60 seconds.",
        },
        "servers": [{"url": super::V1}],
        "paths": {
            "/services": {"get": list_operation()},
            "/services/{code}": {"get": detail_operation()},
            "/services/{code}/statistics": {"get": statistics_operation()},
        },
        "components": {
            "schemas": schemas(),
            "responses": {
                "InvalidParameter": error_response("A parameter holds a value the API does not accept."),
                "NotFound": error_response("No published service has the code."),
                "Unavailable": error_response("The answer took too long to prepare."),
            },
        },
    })
}

fn list_operation() -> Value {
    json!({
        "operationId": "listServices",
        "summary": "List published services",
        "description": "Published services ordered by code, filtered and paginated.",
        "parameters": [
            integer_query("page", "Page number, from 1.", 1, MAX_PAGE, 1),
            integer_query("per_page", "Services per page.", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE),
            {
                "name": "department", "in": "query", "required": false,
                "description": "Id of the organization that owns the services.",
                "schema": {"type": "integer", "format": "int64", "minimum": 1},
            },
            vocabulary_query("life_event", "LifeEvent"),
            vocabulary_query("business_stage", "BusinessStage"),
            vocabulary_query("audience", "ServiceAudience"),
            vocabulary_query("kind", "ServiceKind"),
            {
                "name": "q", "in": "query", "required": false,
                "description": "Text found, ignoring case, in the title, a keyword or the code.",
                "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
            },
        ],
        "responses": {
            "200": linked(
                ok("One page of services.", "ServiceList"),
                "getService",
                "$response.body#/items/0/code",
            ),
            "400": {"$ref": "#/components/responses/InvalidParameter"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    })
}

fn detail_operation() -> Value {
    json!({
        "operationId": "getService",
        "summary": "Get the full guide of a published service",
        "parameters": [code_parameter()],
        "responses": {
            "200": linked(
                ok("The service guide.", "ServiceDetail"),
                "getServiceStatistics",
                "$response.body#/code",
            ),
            "400": {"$ref": "#/components/responses/InvalidParameter"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    })
}

fn statistics_operation() -> Value {
    json!({
        "operationId": "getServiceStatistics",
        "summary": "Get the monthly statistics of a published service",
        "description": "Months as imported from the source of record, newest first.",
        "parameters": [code_parameter()],
        "responses": {
            "200": ok("The statistics.", "Statistics"),
            "400": {"$ref": "#/components/responses/InvalidParameter"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    })
}

fn ok(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": reference(schema)}},
    })
}

/// Adds a link from a response to `operation`, whose `code` is taken from the response.
fn linked(mut response: Value, operation: &str, code: &str) -> Value {
    response["links"] = json!({
        operation: {"operationId": operation, "parameters": {"code": code}},
    });
    response
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": reference("Error")}},
    })
}

fn reference(schema: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{schema}")})
}

fn nullable_reference(schema: &str) -> Value {
    json!({"oneOf": [reference(schema), {"type": "null"}]})
}

fn integer_query(name: &str, description: &str, min: u32, max: u32, default: u32) -> Value {
    json!({
        "name": name, "in": "query", "required": false, "description": description,
        "schema": {"type": "integer", "minimum": min, "maximum": max, "default": default},
    })
}

fn vocabulary_query(name: &str, schema: &str) -> Value {
    json!({
        "name": name, "in": "query", "required": false,
        "description": format!("Only services filed under this {schema} code."),
        "schema": reference(schema),
    })
}

fn code_parameter() -> Value {
    json!({
        "name": "code", "in": "path", "required": true,
        "description": "The service code (事项编码).",
        "schema": code_schema(),
    })
}

fn code_schema() -> Value {
    json!({
        "type": "string",
        "pattern": format!("^[A-Za-z0-9._-]{{1,{}}}$", jiyue_core::service::MAX_CODE_CHARS),
    })
}

/// Builds an enum of vocabulary codes whose description names each value in Chinese and English.
fn vocabulary<T: Copy>(
    title: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    names: impl Fn(T) -> String,
) -> Value {
    let codes: Vec<&str> = all.iter().map(|v| code(*v)).collect();
    let described: Vec<String> = all
        .iter()
        .map(|v| format!("`{}`: {}", code(*v), names(*v)))
        .collect();
    json!({"type": "string", "enum": codes, "description": format!("{title}. {}", described.join("; "))})
}

fn object(properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default();
    json!({"type": "object", "properties": properties, "required": required})
}

fn schemas() -> Value {
    let mut schemas = Map::new();
    schemas.insert(
        "ServiceKind".into(),
        vocabulary(
            "Kind of service",
            ServiceKind::ALL,
            |v| v.code(),
            |v| format!("{} ({})", v.name_zh(), v.name_en()),
        ),
    );
    schemas.insert(
        "ServiceAudience".into(),
        vocabulary(
            "Who a service is for",
            ServiceAudience::ALL,
            |v| v.code(),
            |v| format!("{} ({})", v.name_zh(), v.name_en()),
        ),
    );
    schemas.insert(
        "LifeEvent".into(),
        vocabulary(
            "Life event",
            LifeEvent::ALL,
            |v| v.code(),
            |v| format!("{} ({})", v.name_zh(), v.name_en()),
        ),
    );
    schemas.insert(
        "BusinessStage".into(),
        vocabulary(
            "Business stage",
            BusinessStage::ALL,
            |v| v.code(),
            |v| format!("{} ({})", v.name_zh(), v.name_en()),
        ),
    );
    schemas.insert(
        "GuideElement".into(),
        vocabulary(
            "Key element of a guide",
            &GuideElement::ALL,
            |v| v.code(),
            |v| v.name_zh().to_string(),
        ),
    );
    for (name, schema) in [
        ("Error", error_schema()),
        ("ServiceList", service_list_schema()),
        (
            "ServiceSummary",
            object(Value::Object(summary_properties())),
        ),
        ("ServiceDetail", detail_schema()),
        ("Material", material_schema()),
        (
            "GuideFile",
            object(json!({"name": {"type": "string"}, "href": {"type": "string"}})),
        ),
        ("Fee", fee_schema()),
        (
            "ProcessStep",
            object(json!({"name": {"type": "string"}, "description": {"type": "string"}})),
        ),
        (
            "ServicePlace",
            object(json!({"address": {"type": "string"}, "hours": {"type": "string"}})),
        ),
        ("DueDate", due_date_schema()),
        ("Statistics", statistics_schema()),
        ("StatMonth", stat_month_schema()),
    ] {
        schemas.insert(name.into(), schema);
    }
    Value::Object(schemas)
}

fn error_schema() -> Value {
    let codes: Vec<&str> = ApiError::CODES.iter().map(|(code, _)| *code).collect();
    object(json!({
        "error": object(json!({
            "code": {"type": "string", "enum": codes},
            "message": {"type": "string", "description": "Names the bad value and the fix."},
        })),
    }))
}

fn service_list_schema() -> Value {
    object(json!({
        "items": {"type": "array", "items": reference("ServiceSummary")},
        "total": {"type": "integer", "minimum": 0, "description": "Matching services on all pages."},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    }))
}

fn string_or_null() -> Value {
    json!({"type": ["string", "null"]})
}

fn days_or_null() -> Value {
    json!({"type": ["integer", "null"], "minimum": 0})
}

fn date_time() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn list_of(schema: &str) -> Value {
    json!({"type": "array", "items": reference(schema)})
}

fn summary_properties() -> Map<String, Value> {
    let properties = json!({
        "code": code_schema(),
        "title": {"type": "string"},
        "kind": nullable_reference("ServiceKind"),
        "implementing_org": {"type": "string"},
        "org_id": {"type": "integer", "format": "int64"},
        "audiences": list_of("ServiceAudience"),
        "life_events": list_of("LifeEvent"),
        "business_stages": list_of("BusinessStage"),
        "promised_days": days_or_null(),
        "statutory_days": days_or_null(),
        "online_url": string_or_null(),
        "origin": {"type": "string", "enum": ["local", "synced"]},
        "url": {"type": "string", "description": "The guide page on the requested host."},
        "updated_at": date_time(),
    });
    match properties {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn detail_schema() -> Value {
    let mut properties = summary_properties();
    let more = json!({
        "keywords": {"type": "array", "items": {"type": "string"}},
        "legal_basis": {"type": "string"},
        "conditions": {"type": "string"},
        "materials": list_of("Material"),
        "fee": nullable_reference("Fee"),
        "steps": list_of("ProcessStep"),
        "places": list_of("ServicePlace"),
        "consult_phone": string_or_null(),
        "complaint_phone": string_or_null(),
        "source": string_or_null(),
        "synced_at": {"oneOf": [date_time(), {"type": "null"}]},
        "synced_fields": {"type": "array", "items": {"type": "string"}},
        "complete": {"type": "boolean"},
        "missing": list_of("GuideElement"),
        "incomplete_reason": string_or_null(),
        "sample": {"type": "boolean", "description": "True for generated demo content."},
        "first_published_at": date_time(),
        "promised_due": nullable_reference("DueDate"),
    });
    if let Value::Object(more) = more {
        properties.extend(more);
    }
    object(Value::Object(properties))
}

fn material_schema() -> Value {
    object(json!({
        "name": {"type": "string"},
        "originals": {"type": "integer", "minimum": 0},
        "copies": {"type": "integer", "minimum": 0},
        "blank_form": nullable_reference("GuideFile"),
        "example": nullable_reference("GuideFile"),
        "issuer": string_or_null(),
        "note": string_or_null(),
    }))
}

fn fee_schema() -> Value {
    object(json!({
        "free": {"type": "boolean"},
        "standard": {"type": "string"},
        "basis": {"type": "string"},
    }))
}

fn due_date_schema() -> Value {
    object(json!({
        "from": {"type": "string", "format": "date"},
        "working_days": {"type": "integer", "minimum": 0},
        "date": {"type": "string", "format": "date"},
        "provisional": {
            "type": "boolean",
            "description": "True when a year on the way has no loaded calendar (暂定).",
        },
    }))
}

fn statistics_schema() -> Value {
    object(json!({
        "code": code_schema(),
        "months": list_of("StatMonth"),
    }))
}

fn stat_month_schema() -> Value {
    object(json!({
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "received": {"type": "integer", "minimum": 0},
        "completed": {"type": "integer", "minimum": 0},
        "source": {"type": "string"},
        "imported_at": date_time(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_names_a_schema_or_response() {
        let document = document();
        let text = document.to_string();
        for target in text.split("\"$ref\":\"#/components/").skip(1) {
            let path: Vec<&str> = target.split('"').next().unwrap().split('/').collect();
            assert!(
                document["components"][path[0]][path[1]].is_object(),
                "dangling reference {path:?}"
            );
        }
    }

    #[test]
    fn vocabularies_are_enums_of_codes() {
        let document = document();
        let kinds = &document["components"]["schemas"]["ServiceKind"]["enum"];
        assert_eq!(kinds.as_array().unwrap().len(), ServiceKind::ALL.len());
        assert_eq!(kinds[0], "licensing");
        assert_eq!(document["servers"][0]["url"], "/api/v1");
    }
}
