//! Checking and storing one uploaded file: the size limit, the kind from the bytes, the image
//! decode and renditions on a blocking thread, and the blob-store writes. Also the upload
//! error type, whose JSON response names the file and what to do in Chinese.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiyue_db::{sm3_hex, DbError, FileId};
use serde::Serialize;

use super::detect::{detect, name_agrees, Kind, ALLOWED};
use super::images::{self, ImageError, MAX_SIDE};
use crate::App;

/// The largest file accepted, in bytes. Office documents with photos reach a few megabytes;
/// 20 MB leaves room without letting one upload fill the disk.
// NOTE: a fixed limit; a setting in `[admin]` would let a province raise it.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Image decodes run one at a time, so a few small files that decode to huge images cannot
/// take the server's memory together.
static DECODE_TURN: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 255;

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("file \"{name}\" is larger than {MAX_FILE_BYTES} bytes; compress or split it")]
    TooLarge { name: String },
    #[error("file \"{name}\" is none of the allowed kinds ({ALLOWED}), judged by its content")]
    NotAllowed { name: String },
    #[error(
        "file \"{name}\" holds {found} content, which its name contradicts; rename or re-save it"
    )]
    Mismatch { name: String, found: &'static str },
    #[error("image \"{name}\": {source}")]
    Image { name: String, source: ImageError },
    #[error("the upload holds no field named \"file\"; send the file in that field")]
    NoFile,
    #[error("the upload could not be read: {0}; send it again")]
    Unreadable(String),
    #[error("storing the file failed: {0}")]
    Storage(#[from] DbError),
    #[error("the image worker stopped: {0}")]
    Worker(String),
}

impl UploadError {
    /// Returns the status and the stable code of the error.
    fn table(&self) -> (StatusCode, &'static str) {
        match self {
            UploadError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            UploadError::NotAllowed { .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_allowed"),
            UploadError::Mismatch { .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "name_mismatch"),
            UploadError::Image { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "bad_image"),
            UploadError::NoFile | UploadError::Unreadable(_) => {
                (StatusCode::BAD_REQUEST, "bad_request")
            }
            UploadError::Storage(_) | UploadError::Worker(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }

    /// Returns the message the editor shows, in Chinese.
    pub fn message(&self) -> String {
        match self {
            UploadError::TooLarge { name } => {
                format!("「{name}」超过 20 MB 的上限，请压缩或拆分后再上传。")
            }
            UploadError::NotAllowed { name } => format!(
                "「{name}」不是允许上传的文件类型（按文件内容判断，不看文件名）。允许的类型：{ALLOWED}。"
            ),
            UploadError::Mismatch { name, found } => format!(
                "「{name}」的内容是 {found} 文件，与文件名不符，请改正文件名或重新保存后再上传。允许的类型：{ALLOWED}。"
            ),
            UploadError::Image {
                name,
                source: ImageError::TooLarge(_),
            } => format!("图片「{name}」过大（最大 {MAX_SIDE} × {MAX_SIDE} 像素），请缩小后再上传。"),
            UploadError::Image { name, .. } => {
                format!("图片「{name}」无法读取，请另存为 PNG 或 JPEG 后再上传。")
            }
            UploadError::NoFile => "请求中没有文件，请选择文件后再上传。".to_string(),
            UploadError::Unreadable(_) => "上传内容无法读取，请重新上传。".to_string(),
            UploadError::Storage(_) | UploadError::Worker(_) => {
                "服务器保存文件失败，请稍后再试。".to_string()
            }
        }
    }
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        let (status, code) = self.table();
        if status.is_server_error() {
            tracing::error!(error = %self, code, "storing an upload failed");
        } else {
            tracing::info!(error = %self, code, "refused an upload");
        }
        let body = serde_json::json!({ "error": code, "message": self.message() });
        (status, Json(body)).into_response()
    }
}

/// A stored smaller copy of an image.
#[derive(Debug, Clone, Serialize)]
pub struct StoredRendition {
    pub file_id: FileId,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// A stored upload, as the upload response shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredUpload {
    pub file_id: FileId,
    /// The public address of the file, `/files/<SM3 digest>.<extension>`.
    pub url: String,
    pub name: String,
    pub content_type: &'static str,
    pub size: usize,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Renditions by width in pixels, such as `"1600"`.
    pub renditions: BTreeMap<String, StoredRendition>,
}

/// Returns the public address of stored bytes of a kind.
pub fn file_url(digest: &str, kind: Kind) -> String {
    format!("/files/{digest}.{}", kind.extension())
}

/// Returns the last component of a browser-sent file name, cut to 255 characters.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    if cleaned.trim().is_empty() {
        "未命名文件".to_string()
    } else {
        cleaned
    }
}

/// Checks `bytes` by content and size, stores them and, for raster images, their renditions.
pub async fn store(app: &App, bytes: Vec<u8>, name: &str) -> Result<StoredUpload, UploadError> {
    let name = clean_name(name);
    if bytes.len() > MAX_FILE_BYTES {
        return Err(UploadError::TooLarge { name });
    }
    let Some(kind) = detect(&bytes, &name) else {
        return Err(UploadError::NotAllowed { name });
    };
    if !name_agrees(kind, &name) {
        let found = kind.label();
        return Err(UploadError::Mismatch { name, found });
    }
    let (bytes, processed) = if kind.is_raster() {
        // One image decodes at a time: each may take hundreds of megabytes while it does.
        let _turn = DECODE_TURN
            .acquire()
            .await
            .map_err(|error| UploadError::Worker(error.to_string()))?;
        let (bytes, result) = tokio::task::spawn_blocking(move || {
            let mut result = images::process(&bytes, kind);
            let upright = result
                .as_mut()
                .ok()
                .and_then(|processed| processed.upright.take());
            let bytes = upright.unwrap_or_else(|| super::metadata::strip(bytes, kind));
            (bytes, result)
        })
        .await
        .map_err(|error| UploadError::Worker(error.to_string()))?;
        let processed = result.map_err(|source| UploadError::Image {
            name: name.clone(),
            source,
        })?;
        (bytes, Some(processed))
    } else {
        (bytes, None)
    };

    let file_id = app.db.put_file(&bytes, kind.content_type()).await?;
    let mut stored = StoredUpload {
        file_id,
        url: file_url(&sm3_hex(&bytes), kind),
        name,
        content_type: kind.content_type(),
        size: bytes.len(),
        width: processed.as_ref().map(|p| p.width),
        height: processed.as_ref().map(|p| p.height),
        renditions: BTreeMap::new(),
    };
    for rendition in processed.map(|p| p.renditions).unwrap_or_default() {
        let id = app
            .db
            .put_file(&rendition.bytes, rendition.kind.content_type())
            .await?;
        let entry = StoredRendition {
            file_id: id,
            url: file_url(&sm3_hex(&rendition.bytes), rendition.kind),
            width: rendition.width,
            height: rendition.height,
        };
        stored.renditions.insert(rendition.width.to_string(), entry);
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(clean_name("C:\\fakepath\\通知.pdf"), "通知.pdf");
        assert_eq!(clean_name("a/b/c.png"), "c.png");
        assert_eq!(clean_name("\u{7}"), "未命名文件");
    }

    #[test]
    fn errors_name_the_file_and_the_kinds() {
        let error = UploadError::NotAllowed {
            name: "photo.png".into(),
        };
        assert!(error.message().contains("photo.png"));
        assert!(error.message().contains("PDF"));
        assert_eq!(error.table().0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
