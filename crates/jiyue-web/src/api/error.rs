//! The one error type of the JSON API: every error a client can see, its stable
//! machine-readable code and its HTTP status, kept in one table.

use http::StatusCode;
use serde::Serialize;

/// An error returned to an API client as `{"error": {"code": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or path segment contains a value the API does not accept.
    #[error("{0}")]
    InvalidParameter(String),
    /// The path names no resource of the API, or no published service.
    #[error("{0}")]
    NotFound(String),
    /// The method is neither GET nor HEAD.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The response took longer to prepare than the public listener allows.
    #[error("{0}")]
    Unavailable(String),
    /// Storage failed; the details are in the server log only.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// Every error code with its status, in the order the OpenAPI document lists them.
    pub const CODES: [(&'static str, StatusCode); 5] = [
        ("invalid_parameter", StatusCode::BAD_REQUEST),
        ("not_found", StatusCode::NOT_FOUND),
        ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
        ("unavailable", StatusCode::SERVICE_UNAVAILABLE),
        ("internal", StatusCode::INTERNAL_SERVER_ERROR),
    ];

    fn index(&self) -> usize {
        match self {
            Self::InvalidParameter(_) => 0,
            Self::NotFound(_) => 1,
            Self::MethodNotAllowed(_) => 2,
            Self::Unavailable(_) => 3,
            Self::Internal(_) => 4,
        }
    }

    /// Returns the stable code a client can match on, such as `invalid_parameter`.
    pub fn code(&self) -> &'static str {
        Self::CODES[self.index()].0
    }

    /// Returns the HTTP status of the error response.
    pub fn status(&self) -> StatusCode {
        Self::CODES[self.index()].1
    }

    /// Returns the JSON body of the error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        }
    }
}

impl From<jiyue_db::DbError> for ApiError {
    fn from(error: jiyue_db::DbError) -> Self {
        tracing::error!(%error, "reading services for the API failed");
        Self::Internal(
            "internal error: the services could not be read; please try again later".to_string(),
        )
    }
}

/// The JSON body of an error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The code and message of an error response.
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_own_code_and_status() {
        let errors = [
            ApiError::InvalidParameter("bad".into()),
            ApiError::NotFound("gone".into()),
            ApiError::MethodNotAllowed("post".into()),
            ApiError::Unavailable("slow".into()),
            ApiError::Internal("broken".into()),
        ];
        let statuses: Vec<u16> = errors.iter().map(|e| e.status().as_u16()).collect();
        assert_eq!(statuses, [400, 404, 405, 503, 500]);
        let body = serde_json::to_value(errors[0].body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "invalid_parameter", "message": "bad"}})
        );
    }
}
