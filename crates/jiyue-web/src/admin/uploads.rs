//! Files and images editors upload: `POST /uploads` (multipart, one file per request) checks a
//! file by its content and size, stores it in the blob store with its image renditions and
//! returns JSON; `GET /files/<digest>.<ext>` shows stored files to signed-in staff, as the
//! public listener shows them to readers; [`store_inline_images`] does the same for images
//! pasted into an item body as `data:` URIs.

mod detect;
mod images;
mod inline;
mod metadata;
pub(crate) mod store;
mod zip;

use std::sync::Arc;

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiyue_auth::Action;
use jiyue_db::AuditResult;

pub use detect::{Kind, ALLOWED};
pub use images::{MAX_DECODED_BYTES, MAX_SIDE, RENDITION_WIDTHS};
pub use inline::store_inline_images;
pub use store::{file_url, StoredRendition, StoredUpload, UploadError, MAX_FILE_BYTES};

use super::csrf::{check_csrf, CSRF_FIELD, CSRF_HEADER};
use super::error::AdminError;
use super::extract::AdminPath;
use super::session::{forbidden, SignedIn};
use crate::App;

/// Room for the multipart framing and the CSRF field around the largest file.
const MAX_BODY_BYTES: usize = MAX_FILE_BYTES + 64 * 1024;

/// Returns the upload route and the staff view of stored files.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/uploads",
            post(upload).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/files/{name}", get(stored_file))
}

/// The parts of an upload form.
struct UploadForm {
    csrf: Option<String>,
    file: Option<(String, Vec<u8>)>,
}

async fn upload(
    State(app): State<Arc<App>>,
    me: SignedIn,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    if !me.can_anywhere(Action::WriteItem) {
        me.audit(
            &app,
            "file.upload",
            "",
            AuditResult::Denied,
            Action::WriteItem.as_str(),
        )
        .await;
        return forbidden(Action::WriteItem).into_response();
    }
    let header_token = headers
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let form = match read_form(multipart, header_token.is_some()).await {
        Ok(form) => form,
        Err(error) => return error.into_response(),
    };
    let token = header_token.or(form.csrf).unwrap_or_default();
    if let Err(error) = check_csrf(&me, &token) {
        return error.into_response();
    }
    let Some((name, bytes)) = form.file else {
        return UploadError::NoFile.into_response();
    };
    match store::store(&app, bytes, &name).await {
        Ok(stored) => {
            let detail = format!("{} {} bytes", stored.content_type, stored.size);
            me.audit(&app, "file.upload", &stored.name, AuditResult::Ok, &detail)
                .await;
            Json(stored).into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// Returns the 400 response to a multipart body that cannot be parsed.
fn unreadable(error: MultipartError) -> Response {
    UploadError::Unreadable(error.body_text()).into_response()
}

/// Reads the `csrf` field and the first `file` field. Without the token in a header, the
/// `csrf` field must come before the file, so no file byte is kept before the token is known.
async fn read_form(mut multipart: Multipart, header_token: bool) -> Result<UploadForm, Response> {
    let mut form = UploadForm {
        csrf: None,
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some(CSRF_FIELD) => form.csrf = Some(field.text().await.map_err(unreadable)?),
            Some("file") if form.file.is_none() => {
                if !header_token && form.csrf.is_none() {
                    return Err(AdminError::Csrf.into_response());
                }
                form.file = Some(read_file(field).await?);
            }
            _ => {}
        }
    }
    Ok(form)
}

/// Reads a file field up to the size limit and returns its cleaned name and bytes.
async fn read_file(mut field: Field<'_>) -> Result<(String, Vec<u8>), Response> {
    let name = store::clean_name(field.file_name().unwrap_or_default());
    let mut bytes = Vec::new();
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok((name, bytes)),
            // The body limit of the route: the file and its framing are too large.
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(UploadError::TooLarge { name }.into_response());
            }
            Err(error) => return Err(unreadable(error)),
        };
        if bytes.len() + chunk.len() > MAX_FILE_BYTES {
            return Err(UploadError::TooLarge { name }.into_response());
        }
        bytes.extend_from_slice(&chunk);
    }
}

async fn stored_file(
    State(app): State<Arc<App>>,
    _me: SignedIn,
    AdminPath(name): AdminPath<String>,
) -> Result<Response, AdminError> {
    match crate::pages::files::lookup(&app, &name).await? {
        Some(file) => {
            // Signed-in staff only: no shared cache may keep it, whatever the public copy allows.
            let mut response = file.into_response();
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("private, no-store"),
            );
            Ok(response)
        }
        None => Err(AdminError::NotFound(format!("/files/{name}"))),
    }
}
