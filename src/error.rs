//! The one error policy: every failure a handler can meet becomes an `AppError`, which picks the
//! status; the request-log middleware renders the page (with the request id) and logs the cause.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::domain::validation::FieldErrors;
use crate::repo::RepoError;

/// What went wrong, in terms of what the user sees.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist, or is in a branch this user may not see.
    #[error("not found")]
    NotFound,
    /// The user's role may not do this, or the request failed the CSRF/origin checks.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Bad input; handlers with forms catch this and re-render the form.
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    /// The request clashes with the current state (a refused transition, a stale form).
    #[error("{0}")]
    Conflict(String),
    /// The request's body is larger than the form takes.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts; retry after {retry_after} s")]
    TooManyRequests {
        /// Seconds until the next attempt is allowed.
        retry_after: u64,
    },
    /// A bug or an outage; details go to the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A forbidden error with a reason for the log (the page shows a generic message).
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::Forbidden(reason.into())
    }

    /// The sentence shown on the error page.
    pub fn public_message(&self) -> String {
        match self {
            Self::NotFound => "We could not find that page or record.".into(),
            Self::Forbidden(_) => "You do not have permission to do that.".into(),
            Self::Validation(errors) => format!("Please correct the form: {errors}"),
            Self::Conflict(message) | Self::TooLarge(message) => message.clone(),
            Self::TooManyRequests { retry_after } => format!(
                "Too many failed attempts. Please wait {retry_after} seconds and try again."
            ),
            Self::Internal(_) => "Something went wrong on our side. It has been logged.".into(),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A plain-text body; `web::observe` replaces it with the HTML error page.
    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if let Self::TooManyRequests { retry_after } = self {
            res.insert_header(("Retry-After", retry_after.to_string()));
        }
        res.content_type("text/plain; charset=utf-8")
            .body(self.public_message())
    }
}

/// Why a unit of work on a session that ended or changed meanwhile did nothing (the session
/// gate then answers the request with a redirect to send it again).
pub const SESSION_CHANGED: &str = "Your sign-in changed while this was being sent (signed out, or changed in another tab or by an administrator). Nothing was saved.";

impl From<RepoError> for AppError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::NotFound => Self::NotFound,
            RepoError::Validation(errors) => Self::Validation(errors),
            RepoError::Conflict(message) => Self::Conflict(message),
            RepoError::SessionChanged => Self::Conflict(SESSION_CHANGED.into()),
            RepoError::Unavailable(message) => {
                Self::Internal(anyhow::anyhow!("database unavailable: {message}"))
            }
            RepoError::Database(e) => Self::Internal(anyhow::Error::new(e)),
            RepoError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(anyhow::anyhow!("rendering a template: {e}"))
    }
}
