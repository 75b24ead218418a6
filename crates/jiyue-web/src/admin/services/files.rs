//! The body of a service form: URL-encoded text, or multipart with the blank form and the
//! filled-in example of each material as files. Files are checked and stored like the
//! editor's uploads, audited the same way, and their public addresses and names fill the
//! material's file fields; a refused file becomes an error on the materials field.

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use jiyue_db::AuditResult;
use jiyue_render::MessageArg;

use super::super::csrf::{check_csrf, CSRF_FIELD};
use super::super::error::AdminError;
use super::super::messages::FieldError;
use super::super::render;
use super::super::session::SignedIn;
use super::super::uploads::store::{clean_name, store, UploadError};
use super::super::uploads::{ALLOWED, MAX_FILE_BYTES, MAX_SIDE};
use crate::App;

/// Most files one submission of the service form stores; more wait for the next save.
pub const MAX_FILES: usize = 4;

/// Body limit of the service form routes: the files and room for the text fields.
pub const MAX_BODY_BYTES: usize = MAX_FILES * MAX_FILE_BYTES + 2 * 1024 * 1024;

/// URL-encoded bodies larger than this are refused, as the CSRF guard refuses them.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Which file of a material a file input holds.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Blank,
    Example,
}

impl Slot {
    /// Returns the slot and row of a file input name such as `material_blank_file_0`.
    fn of(key: &str) -> Option<(Slot, usize)> {
        let (prefix, index) = key.rsplit_once('_')?;
        let slot = match prefix {
            "material_blank_file" => Slot::Blank,
            "material_example_file" => Slot::Example,
            _ => return None,
        };
        Some((slot, index.parse().ok().filter(|i| *i < 1000)?))
    }

    fn code(self) -> &'static str {
        match self {
            Slot::Blank => "blank",
            Slot::Example => "example",
        }
    }

    fn label(self) -> String {
        render::message(match self {
            Slot::Blank => "admin-services-file-blank",
            Slot::Example => "admin-services-file-example",
        })
    }
}

/// A file chosen for a material.
struct ChosenFile {
    slot: Slot,
    row: usize,
    name: String,
    bytes: Vec<u8>,
    /// True when the file was larger than the limit; its bytes were not kept.
    oversize: bool,
}

/// A submitted service form whose CSRF token matched.
pub struct Submission {
    /// The text fields, in the order sent.
    pub pairs: Vec<(String, String)>,
    files: Vec<ChosenFile>,
    /// True when the body passed the route's limit, so the fields after that point are lost.
    truncated: bool,
}

/// The text fields with the stored files filled in, and the files refused.
pub struct Attached {
    pub pairs: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// 413 when the body was too large, 422 when a file was refused.
    pub status: StatusCode,
}

/// Checks the form's `csrf` field against the session, exactly as for every admin form.
pub fn check_token(pairs: &[(String, String)], me: &SignedIn) -> Result<(), AdminError> {
    let token = pairs
        .iter()
        .find(|(key, _)| key == CSRF_FIELD)
        .map_or("", |(_, value)| value.as_str());
    check_csrf(me, token)
}

/// Reads a URL-encoded or multipart service form and checks its CSRF token.
pub async fn read_submission(me: &SignedIn, request: Request) -> Result<Submission, AdminError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.to_ascii_lowercase().starts_with("multipart/form-data"));
    let submission = if multipart {
        let reader = Multipart::from_request(request, &())
            .await
            .map_err(|error| AdminError::BadRequest(format!("service form: {error}")))?;
        read_multipart(reader).await?
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|error| AdminError::BadRequest(format!("service form body: {error}")))?;
        Submission {
            pairs: form_urlencoded::parse(&bytes).into_owned().collect(),
            files: Vec::new(),
            truncated: false,
        }
    };
    check_token(&submission.pairs, me)?;
    Ok(submission)
}

fn unreadable(error: MultipartError) -> AdminError {
    AdminError::BadRequest(format!(
        "the service form could not be read: {}; send it again",
        error.body_text()
    ))
}

/// Reads every part. The `csrf` field must come before the first file, so no file byte is
/// kept before the token is known. A body over the route's limit ends the reading early and
/// marks the submission truncated.
async fn read_multipart(mut multipart: Multipart) -> Result<Submission, AdminError> {
    let mut submission = Submission {
        pairs: Vec::new(),
        files: Vec::new(),
        truncated: false,
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                submission.truncated = true;
                break;
            }
            Err(error) => return Err(unreadable(error)),
        };
        let key = field.name().unwrap_or_default().to_string();
        if field.file_name().is_none() {
            match field.text().await {
                Ok(text) => submission.pairs.push((key, text)),
                Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    submission.truncated = true;
                    break;
                }
                Err(error) => return Err(unreadable(error)),
            }
            continue;
        }
        if !submission.pairs.iter().any(|(key, _)| key == CSRF_FIELD) {
            return Err(AdminError::Csrf);
        }
        let Some((slot, row)) = Slot::of(&key) else {
            continue;
        };
        match read_file(field, slot, row).await {
            Ok(Some(file)) => submission.files.push(file),
            Ok(None) => {}
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                submission.truncated = true;
                break;
            }
            Err(error) => return Err(unreadable(error)),
        }
    }
    Ok(submission)
}

/// Reads a file part, keeping at most the upload limit. An input left empty gives `None`.
async fn read_file(
    mut field: Field<'_>,
    slot: Slot,
    row: usize,
) -> Result<Option<ChosenFile>, MultipartError> {
    let name = field.file_name().unwrap_or_default().to_string();
    let mut file = ChosenFile {
        slot,
        row,
        name,
        bytes: Vec::new(),
        oversize: false,
    };
    let mut seen = 0;
    while let Some(chunk) = field.chunk().await? {
        seen += chunk.len();
        if seen > MAX_FILE_BYTES {
            file.oversize = true;
            file.bytes = Vec::new();
        } else {
            file.bytes.extend_from_slice(&chunk);
        }
    }
    Ok((seen > 0 || !file.name.trim().is_empty()).then_some(file))
}

/// Stores the chosen files when `accept` (the materials are not owned by a feed) and fills
/// each one's address and name into its material row. Audits every stored or refused file
/// under `target`, the item or column the form saves to.
pub async fn attach(
    app: &App,
    me: &SignedIn,
    submission: Submission,
    target: &str,
    accept: bool,
) -> Result<Attached, AdminError> {
    let mut attached = Attached {
        pairs: submission.pairs,
        errors: Vec::new(),
        status: StatusCode::UNPROCESSABLE_ENTITY,
    };
    if submission.truncated {
        attached.status = StatusCode::PAYLOAD_TOO_LARGE;
        attached.errors.push(request_too_large());
    }
    if !accept {
        if !submission.files.is_empty() {
            tracing::info!(%target, "ignored files sent for materials that a feed owns");
        }
        return Ok(attached);
    }
    for (number, file) in submission.files.into_iter().enumerate() {
        if number >= MAX_FILES {
            attached.errors.push(too_many(&file));
            continue;
        }
        let (slot, row, name) = (file.slot, file.row, clean_name(&file.name));
        let result = if file.oversize {
            Err(UploadError::TooLarge { name: name.clone() })
        } else {
            store(app, file.bytes, &file.name).await
        };
        let detail = format!("{target} material {} {}", row + 1, slot.code());
        match result {
            Ok(stored) => {
                let detail = format!("{} {} bytes, {detail}", stored.content_type, stored.size);
                me.audit(app, "file.upload", &stored.name, AuditResult::Ok, &detail)
                    .await;
                let key = |part: &str| format!("material_{}_{part}_{row}", slot.code());
                attached.pairs.push((key("href"), stored.url));
                attached.pairs.push((key("name"), stored.name));
            }
            Err(UploadError::Storage(error)) => return Err(AdminError::Db(error)),
            Err(error @ UploadError::Worker(_)) => {
                return Err(AdminError::Internal(error.to_string()))
            }
            Err(error) => {
                tracing::info!(%target, %error, "refused a material file");
                let detail = format!("{error}, {detail}");
                me.audit(app, "file.upload", &name, AuditResult::Failed, &detail)
                    .await;
                attached.errors.push(refused(&error, &name, slot, row));
            }
        }
    }
    Ok(attached)
}

/// Returns the error on the materials field that names the file and the rule it broke.
fn refused(error: &UploadError, name: &str, slot: Slot, row: usize) -> FieldError {
    let text = |value: &str| MessageArg::Text(value.to_string());
    let mut args = vec![
        ("row", MessageArg::Number((row + 1) as f64)),
        ("which", MessageArg::Text(slot.label())),
        ("name", text(name)),
    ];
    let key = match error {
        UploadError::TooLarge { .. } => {
            args.push(("limit", MessageArg::Number((MAX_FILE_BYTES >> 20) as f64)));
            "admin-services-error-file-too-large"
        }
        UploadError::NotAllowed { .. } => {
            args.push(("allowed", text(ALLOWED)));
            "admin-services-error-file-kind"
        }
        UploadError::Mismatch { found, .. } => {
            args.push(("found", text(found)));
            "admin-services-error-file-mismatch"
        }
        UploadError::Image { .. } => {
            args.push(("side", MessageArg::Number(f64::from(MAX_SIDE))));
            "admin-services-error-file-image"
        }
        _ => "admin-services-error-file-unreadable",
    };
    FieldError::text("materials", render::format_args(key, &args))
}

fn too_many(file: &ChosenFile) -> FieldError {
    let args = [
        ("count", MessageArg::Number(MAX_FILES as f64)),
        ("name", MessageArg::Text(clean_name(&file.name))),
    ];
    let key = "admin-services-error-file-count";
    FieldError::text("materials", render::format_args(key, &args))
}

fn request_too_large() -> FieldError {
    let args = [
        ("count", MessageArg::Number(MAX_FILES as f64)),
        ("limit", MessageArg::Number((MAX_FILE_BYTES >> 20) as f64)),
    ];
    let key = "admin-services-error-request-too-large";
    FieldError::text("materials", render::format_args(key, &args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_inputs_name_their_row() {
        assert!(matches!(
            Slot::of("material_blank_file_2"),
            Some((Slot::Blank, 2))
        ));
        assert!(matches!(
            Slot::of("material_example_file_0"),
            Some((Slot::Example, 0))
        ));
        assert!(Slot::of("material_blank_href_0").is_none());
        assert!(Slot::of("material_blank_file_x").is_none());
        assert!(Slot::of("material_blank_file_5000").is_none());
    }
}
