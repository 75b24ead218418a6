//! Reading a posted case form, URL-encoded or multipart with attachments, once the origin
//! and the form token pass. Also storing the attachments in the blob store.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use jiyue_db::{Db, NewAttachment};

use super::super::forms::{parse_form, same_origin, value, FormBrowser};
use super::super::view::Words;
use super::super::CitizenServices;

/// Most attachments one case form takes.
pub(super) const MAX_ATTACHMENTS: usize = jiyue_db::cases::MAX_ATTACHMENTS;

/// Largest attachment, in bytes.
pub(super) const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// Largest URL-encoded body of a form without attachments.
const MAX_TEXT_FORM_BYTES: usize = 256 * 1024;

/// A file a citizen attached, with the media type its content showed.
pub(super) struct Upload {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// A posted case form whose origin and token were checked.
pub(super) struct Input {
    pub values: Vec<(String, String)>,
    pub uploads: Vec<Upload>,
    /// What was wrong with the attachments, for the form to show.
    pub upload_error: Option<String>,
    pub browser: FormBrowser,
}

impl Input {
    /// Returns the trimmed value of a field, or an empty string.
    pub(super) fn get(&self, name: &str) -> &str {
        value(&self.values, name)
    }

    /// Returns true when a checkbox was ticked.
    pub(super) fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
}

/// A form rejected before its values were looked at, with the status and message to show.
pub(super) struct Rejected {
    pub status: StatusCode,
    pub message: String,
    pub browser: FormBrowser,
}

/// Reads a posted form: rejects another origin or a missing or wrong form token, and reads
/// PDF, JPEG and PNG attachments of a multipart form.
pub(super) async fn read_input(
    services: &CitizenServices,
    request: Request,
    words: &Words<'_>,
) -> Result<Input, Rejected> {
    let headers = request.headers().clone();
    let browser = FormBrowser::from_headers(&headers);
    let reject = |status: StatusCode, key: &str, browser: FormBrowser| Rejected {
        status,
        message: words.t(key),
        browser,
    };
    if !same_origin(&headers) {
        return Err(reject(
            StatusCode::FORBIDDEN,
            "form-foreign-origin",
            browser,
        ));
    }
    let multipart = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let mut input = if multipart {
        match read_multipart(request, words).await {
            Ok((values, uploads, upload_error)) => Input {
                values,
                uploads,
                upload_error,
                browser,
            },
            Err(()) => {
                return Err(reject(
                    StatusCode::BAD_REQUEST,
                    "case-form-unreadable",
                    browser,
                ))
            }
        }
    } else {
        match axum::body::to_bytes(request.into_body(), MAX_TEXT_FORM_BYTES).await {
            Ok(body) => Input {
                values: parse_form(&body),
                uploads: Vec::new(),
                upload_error: None,
                browser,
            },
            Err(_) => {
                return Err(reject(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "case-form-too-large",
                    browser,
                ))
            }
        }
    };
    if !input.browser.accepts(services, input.get("form_token")) {
        let browser = std::mem::replace(&mut input.browser, FormBrowser::from_headers(&headers));
        return Err(reject(StatusCode::FORBIDDEN, "form-expired", browser));
    }
    Ok(input)
}

type MultipartForm = (Vec<(String, String)>, Vec<Upload>, Option<String>);

/// Reads every field of a multipart form. Files beyond the limits are read and dropped, so
/// the other values still reach the form that explains the problem.
async fn read_multipart(request: Request, words: &Words<'_>) -> Result<MultipartForm, ()> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| ())?;
    let mut values = Vec::new();
    let mut uploads = Vec::new();
    let mut error = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or_default().to_string();
        if name != "attachment" {
            let text = field.text().await.map_err(|_| ())?;
            if values.len() < 200 {
                values.push((name, text));
            }
            continue;
        }
        let file_name = clean_name(field.file_name().unwrap_or_default());
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(|_| ())? {
            too_large |= bytes.len() + chunk.len() > MAX_ATTACHMENT_BYTES;
            if !too_large {
                bytes.extend_from_slice(&chunk);
            }
        }
        if bytes.is_empty() && !too_large {
            // A file input left empty still sends a part without content.
            continue;
        }
        let problem = if too_large {
            Some(words.with("case-attachment-large", &[("name", &file_name)]))
        } else if uploads.len() == MAX_ATTACHMENTS {
            Some(words.with(
                "case-attachment-many",
                &[("max", &MAX_ATTACHMENTS.to_string())],
            ))
        } else {
            match media_type(&bytes) {
                Some(mime) => {
                    uploads.push(Upload {
                        name: file_name,
                        mime,
                        bytes,
                    });
                    None
                }
                None => Some(words.with("case-attachment-kind", &[("name", &file_name)])),
            }
        };
        error = error.or(problem);
    }
    Ok((values, uploads, error))
}

/// Returns the media type that a file's first bytes show, for the kinds cases accept.
pub(super) fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Keeps the last part of a file name, without control characters, at most 100 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "attachment".to_string()
    } else {
        clean.to_string()
    }
}

/// Stores the attachments in the blob store and returns them as the case records them.
// NOTE: images are stored as sent, with any EXIF location data, because only staff handling
// the case can read attachments; strip metadata here before attachments are ever published.
pub(super) async fn store_uploads(
    db: &Db,
    uploads: &[Upload],
) -> Result<Vec<NewAttachment>, jiyue_db::DbError> {
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    let Some(store) = db.blob_store() else {
        return Err(jiyue_db::DbError::Invalid(
            "no blob store is attached to the database; start the server with a data folder"
                .to_string(),
        ));
    };
    let mut stored = Vec::new();
    for upload in uploads {
        let digest = store.put(&upload.bytes).await?;
        stored.push(NewAttachment {
            blob_sha: digest,
            name: upload.name.clone(),
            size: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
            mime: upload.mime.to_string(),
        });
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_by_magic_bytes() {
        assert_eq!(media_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(media_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(
            media_type(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some("image/png")
        );
        assert_eq!(media_type(b"MZ\x90\x00"), None);
        assert_eq!(media_type(b"<svg"), None);
        assert_eq!(media_type(b""), None);
    }

    #[test]
    fn file_names_cleaned() {
        assert_eq!(clean_name("C:\\Users\\a\\照片.jpg"), "照片.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b.pdf"), "ab.pdf");
        assert_eq!(clean_name(""), "attachment");
    }
}
