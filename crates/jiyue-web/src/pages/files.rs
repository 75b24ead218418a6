//! Stored files at `/files/<SM3 digest>.<extension>`, for every site of the public listener
//! and for signed-in staff on the admin listener. The address names the content, so responses
//! are cached for a year. The content type comes from the stored record, SVG and documents are
//! only offered as downloads, and `nosniff` stops browsers from guessing.

use axum::body::Body as AxumBody;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, StatusCode};
use jiyue_db::{Db, DbError, Pool};

use super::{page, page_with, Body, PageError, Rendered};
use crate::admin::uploads::Kind;
use crate::App;

/// Files up to this size are kept in the page cache; larger ones are read from disk each time.
const MAX_CACHED_BYTES: usize = 1024 * 1024;

/// Content-addressed files never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A file ready to send.
pub struct StoredFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// True when the file is only offered as a download.
    pub attachment: bool,
    /// The name a download is saved under: `<digest>.<extension>`.
    pub name: String,
}

impl StoredFile {
    /// Returns the headers that go with the file besides the security headers.
    pub fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let mut headers = vec![(CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE))];
        if self.attachment {
            let value = format!("attachment; filename=\"{}\"", self.name);
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.push((CONTENT_DISPOSITION, value));
            }
        }
        headers
    }

    /// Returns the policy of the file's response: nothing may run, except in the PDF viewer,
    /// which a sandbox would stop.
    fn csp(&self) -> String {
        if self.content_type == "application/pdf" {
            crate::headers::content_security_policy(&[])
        } else {
            "default-src 'none'; sandbox".to_string()
        }
    }
}

impl IntoResponse for StoredFile {
    fn into_response(self) -> Response {
        let csp = HeaderValue::from_str(&self.csp());
        let extra = self.headers();
        let content_type = HeaderValue::from_static(self.content_type);
        let mut response = Response::new(AxumBody::from(self.bytes));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, content_type);
        if let Ok(csp) = csp {
            headers.insert(CONTENT_SECURITY_POLICY, csp);
        }
        for (name, value) in extra {
            headers.insert(name, value);
        }
        response
    }
}

/// Returns the stored content type of the file with a digest.
async fn content_type_of(db: &Db, digest: &str) -> Result<Option<String>, DbError> {
    let sql = "SELECT content_type FROM files WHERE digest = $1";
    let found = match db.pool() {
        Pool::Sqlite { readers, .. } => {
            sqlx::query_scalar::<_, String>(sql)
                .bind(digest)
                .fetch_optional(readers)
                .await?
        }
        Pool::Postgres(pool) => {
            sqlx::query_scalar::<_, String>(sql)
                .bind(digest)
                .fetch_optional(pool)
                .await?
        }
    };
    Ok(found)
}

/// Finds the file `<digest>.<extension>`; the extension must be the one of its stored kind.
pub async fn lookup(app: &App, name: &str) -> Result<Option<StoredFile>, DbError> {
    let Some((digest, extension)) = name.split_once('.') else {
        return Ok(None);
    };
    let Some(store) = app.db.blob_store() else {
        return Ok(None);
    };
    if store.path(digest).is_none() {
        return Ok(None);
    }
    let Some(stored_type) = content_type_of(&app.db, digest).await? else {
        return Ok(None);
    };
    let kind = Kind::from_content_type(&stored_type);
    if kind.is_some_and(|kind| kind.extension() != extension) {
        return Ok(None);
    }
    let Some(bytes) = store.get(digest).await? else {
        return Ok(None);
    };
    let inline =
        kind.filter(|kind| kind.is_raster() || matches!(kind, Kind::Pdf | Kind::Text | Kind::Csv));
    Ok(Some(StoredFile {
        bytes,
        content_type: inline.map_or("application/octet-stream", Kind::content_type),
        attachment: inline.is_none(),
        name: name.to_string(),
    }))
}

/// Renders `/files/<name>` for the public listener.
pub async fn render(app: &App, name: &str) -> Result<Rendered, PageError> {
    let Some(file) = lookup(app, name).await? else {
        let csp = crate::headers::content_security_policy(&[]);
        let body = "file not found\n";
        return Ok(Rendered {
            page: page(&csp, StatusCode::NOT_FOUND, Body::Text, body, Vec::new()),
            cacheable: false,
        });
    };
    let cacheable = file.bytes.len() <= MAX_CACHED_BYTES;
    let csp = file.csp();
    let extra = file.headers();
    let kind = Body::Asset(file.content_type);
    Ok(Rendered {
        page: page_with(&csp, StatusCode::OK, kind, file.bytes, Vec::new(), extra),
        cacheable,
    })
}
