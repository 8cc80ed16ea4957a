//! The one error type that crosses the client/server boundary.
//!
//! It carries no free text: every variant is a code the UI translates, so
//! internal details (SQL, paths, personal data) cannot reach a client.

use crate::model::validation::FieldErrors;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("the input is invalid")]
    Validation(FieldErrors),
    #[error("sign-in required")]
    Unauthenticated,
    #[error("wrong workspace, e-mail or password")]
    InvalidCredentials,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("changed by someone else in the meantime")]
    Conflict,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    #[error("malformed request")]
    BadRequest,
    #[error("the server could not be reached")]
    Network,
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict => 409,
            AppError::RateLimited { .. } => 429,
            AppError::BadRequest => 400,
            AppError::Network => 503,
            AppError::Internal => 500,
        }
    }

    /// The field errors, if this is a validation error.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(errors) => Some(errors),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Serialization(_) => AppError::BadRequest,
            _ => AppError::Internal,
        };
        #[cfg(feature = "ssr")]
        error.set_response_status();
        error
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Sets this error's status on the current server-function or page response,
    /// which would otherwise default to 500.
    pub fn set_response_status(&self) {
        use leptos::prelude::use_context;
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            let status = http::StatusCode::from_u16(self.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            options.set_status(status);
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                // sqlx errors never contain bound parameter values, so this is safe to log.
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}
