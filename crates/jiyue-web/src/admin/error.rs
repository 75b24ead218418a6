//! `AdminError`, the one error type of admin handlers, and the table that maps each kind to
//! an HTTP status, a stable machine-readable code and the catalog messages of its page.
//!
//! A handler returns `AdminError`, whose response carries an [`ErrorPage`] extension. The
//! `render_error_pages` layer in `admin/mod.rs` turns it into the full HTML page, because that
//! layer has the application state the page frame needs. Server errors are logged once, here, and the
//! page never shows their text.

use std::net::IpAddr;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiyue_auth::Role;
use jiyue_db::DbError;

use super::render;

/// The error of an admin request.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No valid session: pages redirect to the sign-in form, and `/api/` paths get 401.
    #[error("sign-in required before {next}")]
    SignInRequired {
        /// The local path to return to after signing in.
        next: String,
        /// True for `/api/` paths, which get JSON instead of a redirect.
        api: bool,
        /// Code of the notice the sign-in form shows, such as `idle`.
        notice: Option<&'static str>,
    },
    /// An administrator set the account's password; its owner must change it first.
    #[error("the account's password was set by an administrator and must be changed first")]
    PasswordChangeRequired,
    /// The CSRF token or the request origin did not match.
    #[error("the form's CSRF token or origin did not match; the user must reload the form")]
    Csrf,
    /// The signed-in account has none of the roles that allow the action.
    #[error("the account holds none of the roles {roles:?} that this needs")]
    Forbidden { roles: Vec<Role> },
    /// The client address is outside the admin allowlist.
    #[error("client address {0} is not in the admin allowlist (admin.allow)")]
    AddressNotAllowed(IpAddr),
    /// Nothing exists at the path.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request could not be read, such as a malformed form or path.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A storage call failed.
    #[error("database: {0}")]
    Db(#[from] DbError),
    /// A template failed to render.
    #[error("template: {0:#}")]
    Render(#[from] minijinja::Error),
    /// Anything else that is the server's fault.
    #[error("internal: {0}")]
    Internal(String),
}

/// The page an error response shows: catalog keys of its title and message, and the text of
/// the message already formatted.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub title_key: &'static str,
    pub message: String,
}

impl AdminError {
    /// Returns the status, the stable code and the catalog keys of title and message: the one
    /// table from error kind to response.
    fn table(&self) -> (StatusCode, &'static str, &'static str, &'static str) {
        use AdminError::*;
        match self {
            SignInRequired { .. } => (
                StatusCode::UNAUTHORIZED,
                "sign_in_required",
                "admin-login-title",
                "admin-error-sign-in",
            ),
            PasswordChangeRequired => (
                StatusCode::SEE_OTHER,
                "password_change_required",
                "admin-account-title",
                "admin-notice-must-change-password",
            ),
            Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "admin-error-csrf-title",
                "admin-error-csrf",
            ),
            Forbidden { .. } | Db(DbError::OutOfScope(_)) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "admin-error-forbidden-title",
                "admin-error-forbidden",
            ),
            AddressNotAllowed(_) => (
                StatusCode::FORBIDDEN,
                "address_not_allowed",
                "admin-error-address-title",
                "admin-error-address",
            ),
            NotFound(_) | Db(DbError::NotFound(_)) => (
                StatusCode::NOT_FOUND,
                "not_found",
                "admin-error-not-found-title",
                "admin-error-not-found",
            ),
            BadRequest(_) | Db(DbError::Invalid(_)) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "admin-error-bad-request-title",
                "admin-error-bad-request",
            ),
            Db(DbError::Conflict(_) | DbError::Stale { .. } | DbError::Workflow(_)) => (
                StatusCode::CONFLICT,
                "conflict",
                "admin-error-bad-request-title",
                "admin-error-bad-request",
            ),
            Db(_) | Render(_) | Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "admin-error-internal-title",
                "admin-error-internal",
            ),
        }
    }

    /// Returns the HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        self.table().0
    }

    /// Returns the stable machine-readable code of the error, such as `csrf`.
    pub fn code(&self) -> &'static str {
        self.table().1
    }

    fn message(&self, key: &'static str) -> String {
        match self {
            AdminError::Forbidden { roles } if roles.len() > 1 => {
                let names: Vec<String> = roles
                    .iter()
                    .map(|role| render::message(role.message_id()))
                    .collect();
                let separator = render::message("admin-list-separator");
                render::format(
                    "admin-error-forbidden-any",
                    &[("roles", names.join(&separator))],
                )
            }
            AdminError::Forbidden { roles } if roles.len() == 1 => {
                let role = render::message(roles[0].message_id());
                render::format(key, &[("role", role)])
            }
            AdminError::Forbidden { .. } | AdminError::Db(DbError::OutOfScope(_)) => {
                render::message("admin-error-forbidden-generic")
            }
            // Validation details name the value and the fix; they hold nothing internal.
            AdminError::BadRequest(detail) | AdminError::Db(DbError::Invalid(detail))
                if !detail.trim().is_empty() =>
            {
                render::format(
                    "admin-error-bad-request-detail",
                    &[("detail", detail.clone())],
                )
            }
            _ => render::message(key),
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let (status, code, title_key, message_key) = self.table();
        if status.is_server_error() {
            tracing::error!(error = %self, code, "admin request failed");
        } else {
            tracing::debug!(error = %self, code, "admin request rejected");
        }

        if matches!(self, AdminError::PasswordChangeRequired) {
            return super::redirect("/account?notice=must-change-password");
        }
        if let AdminError::SignInRequired { next, api, notice } = &self {
            return if *api {
                json_error(status, code, &self.message(message_key))
            } else {
                super::redirect(&login_location(next, *notice))
            };
        }

        let message = self.message(message_key);
        let mut response = (status, format!("{message}\n")).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
            .extensions_mut()
            .insert(ErrorPage { title_key, message });
        response
    }
}

/// Returns the address of the sign-in form that returns to `next` afterwards.
pub fn login_location(next: &str, notice: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if next != "/" {
        query.append_pair("next", next);
    }
    if let Some(notice) = notice {
        query.append_pair("notice", notice);
    }
    let query = query.finish();
    if query.is_empty() {
        "/login".to_string()
    } else {
        format!("/login?{query}")
    }
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": code, "message": message });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_statuses() {
        let cases = [
            (AdminError::Csrf, 403),
            (AdminError::Forbidden { roles: vec![] }, 403),
            (AdminError::NotFound("/x".into()), 404),
            (AdminError::BadRequest("form".into()), 400),
            (AdminError::Db(DbError::Conflict("taken".into())), 409),
            (AdminError::Internal("boom".into()), 500),
        ];
        for (error, status) in cases {
            assert_eq!(error.status().as_u16(), status, "{error}");
        }
    }

    #[test]
    fn bad_requests_name_what_was_wrong() {
        let response =
            AdminError::BadRequest("month \"2026-13\" is not a month; write YYYY-MM".into())
                .into_response();
        let page = response.extensions().get::<ErrorPage>().unwrap();
        assert!(page.message.contains("2026-13"), "{}", page.message);
        let response =
            AdminError::Db(DbError::Invalid("points 101 exceed 100".into())).into_response();
        let page = response.extensions().get::<ErrorPage>().unwrap();
        assert!(page.message.contains("points 101"), "{}", page.message);
    }

    #[test]
    fn server_errors_hide_their_text() {
        let response = AdminError::Internal("secret detail".into()).into_response();
        let page = response.extensions().get::<ErrorPage>().unwrap();
        assert!(!page.message.contains("secret detail"));
    }

    #[test]
    fn api_paths_get_json_401() {
        let error = AdminError::SignInRequired {
            next: "/api/x".into(),
            api: true,
            notice: None,
        };
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    }

    #[test]
    fn pages_redirect_to_login_with_next() {
        assert_eq!(login_location("/", None), "/login");
        assert_eq!(
            login_location("/staff?x=1", Some("idle")),
            "/login?next=%2Fstaff%3Fx%3D1&notice=idle"
        );
    }
}
