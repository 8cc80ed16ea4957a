//! The one error type that crosses the client/server boundary.
//!
//! It carries no free text: every variant is a code the UI translates, so
//! internal details (SQL, paths, personal data) cannot reach a client. On the wire it
//! is always an [`ErrorBody`], the published error contract of every adapter.

use crate::model::validation::{FieldError, FieldErrors};
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "ErrorBody", try_from = "ErrorBody")]
pub enum AppError {
    #[error("the input is invalid")]
    Validation(FieldErrors),
    #[error("sign-in required")]
    Unauthenticated,
    #[error("wrong workspace, e-mail or password")]
    InvalidCredentials,
    #[error("not allowed for this role")]
    Forbidden,
    /// The workspace requires a second factor of this account, which it has not
    /// shown in this session (or not set up yet).
    #[error("a second factor is required")]
    SecondFactorRequired,
    #[error("not found")]
    NotFound,
    #[error("changed by someone else in the meantime")]
    Conflict,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    /// The server is at its limit of concurrent expensive work (password hashing).
    #[error("busy")]
    Busy { retry_after_secs: u64 },
    /// The database does not answer (restarting, failing over, or every connection
    /// is in use for longer than a request may wait): try again shortly.
    #[error("temporarily unavailable")]
    Unavailable { retry_after_secs: u64 },
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
            AppError::Forbidden | AppError::SecondFactorRequired => 403,
            AppError::NotFound => 404,
            AppError::Conflict => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Busy { .. } | AppError::Unavailable { .. } => 503,
            AppError::BadRequest => 400,
            AppError::Network => 503,
            AppError::Internal => 500,
        }
    }

    /// The stable, machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden => "forbidden",
            AppError::SecondFactorRequired => "second_factor_required",
            AppError::NotFound => "not_found",
            AppError::Conflict => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Busy { .. } => "busy",
            AppError::Unavailable { .. } => "unavailable",
            AppError::BadRequest => "bad_request",
            AppError::Network => "network",
            AppError::Internal => "internal",
        }
    }

    /// How long a client should wait before trying again, if it should.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs }
            | AppError::Busy { retry_after_secs }
            | AppError::Unavailable { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
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

/// The published error contract: what every client (UI, REST, OpenAPI) receives.
///
/// ```json
/// {"code": "validation", "message": "error.validation",
///  "fields": [{"field": "email", "problem": "invalid_email"},
///             {"field": "last_name", "problem": "too_long", "max": 100}]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable code, e.g. `validation`, `not_found`, `rate_limited`.
    pub code: String,
    /// The text key a client translates (`error.<code>`); never free text.
    pub message: String,
    /// Per-field problems of a `validation` error, in form order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// Seconds to wait, for `rate_limited`, `busy` and `unavailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl From<AppError> for ErrorBody {
    fn from(error: AppError) -> Self {
        let code = error.code();
        let retry_after_secs = error.retry_after_secs();
        let fields = match error {
            AppError::Validation(errors) => errors.0,
            _ => Vec::new(),
        };
        ErrorBody {
            code: code.to_owned(),
            message: format!("error.{code}"),
            fields,
            retry_after_secs,
        }
    }
}

impl TryFrom<ErrorBody> for AppError {
    type Error = String;

    fn try_from(body: ErrorBody) -> Result<Self, String> {
        Ok(match body.code.as_str() {
            "validation" => AppError::Validation(FieldErrors(body.fields)),
            "unauthenticated" => AppError::Unauthenticated,
            "invalid_credentials" => AppError::InvalidCredentials,
            "forbidden" => AppError::Forbidden,
            "second_factor_required" => AppError::SecondFactorRequired,
            "not_found" => AppError::NotFound,
            "conflict" => AppError::Conflict,
            "rate_limited" => AppError::RateLimited {
                retry_after_secs: body.retry_after_secs.unwrap_or(60),
            },
            "busy" => AppError::Busy {
                retry_after_secs: body.retry_after_secs.unwrap_or(1),
            },
            "unavailable" => AppError::Unavailable {
                retry_after_secs: body.retry_after_secs.unwrap_or(2),
            },
            "bad_request" => AppError::BadRequest,
            "network" => AppError::Network,
            "internal" => AppError::Internal,
            other => return Err(format!("unknown error code {other}")),
        })
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
            if let Some(secs) = self.retry_after_secs() {
                options.insert_header(http::header::RETRY_AFTER, secs.into());
            }
        }
    }
}

/// Plain routes answer errors with the same body and status as server functions.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after_secs().map(|s| s.to_string());
        let mut response = (status, axum::Json(self)).into_response();
        if let Some(Ok(value)) = retry_after.map(|s| http::HeaderValue::from_str(&s)) {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other if database_unreachable(&other) => {
                tracing::warn!(error = %other, "database unavailable");
                AppError::Unavailable {
                    retry_after_secs: UNAVAILABLE_RETRY_SECS,
                }
            }
            other => {
                // sqlx errors never contain bound parameter values, so this is safe to log.
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

/// What a client is told to wait when the database does not answer: about as long
/// as a PostgreSQL restart or a failover takes.
#[cfg(feature = "ssr")]
pub const UNAVAILABLE_RETRY_SECS: u64 = 2;

/// Whether `err` says the database cannot be reached or is going away, rather than
/// that this request did something wrong: no connection within the pool's wait, a
/// broken socket, or PostgreSQL's connection-exception and shutdown codes.
#[cfg(feature = "ssr")]
pub fn database_unreachable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now.
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validation::Problem;

    fn every_error() -> Vec<AppError> {
        vec![
            AppError::Validation(FieldErrors::single("name", Problem::TooLong { max: 3 })),
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Conflict,
            AppError::RateLimited {
                retry_after_secs: 61,
            },
            AppError::Busy {
                retry_after_secs: 1,
            },
            AppError::Unavailable {
                retry_after_secs: 2,
            },
            AppError::BadRequest,
            AppError::Network,
            AppError::Internal,
        ]
    }

    #[test]
    fn every_error_round_trips_through_the_published_shape() {
        for error in every_error() {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["code"], error.code());
            assert_eq!(json["message"], format!("error.{}", error.code()));
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), error);
        }
    }

    #[test]
    fn validation_errors_name_field_problem_and_parameters() {
        let error = AppError::Validation(FieldErrors::single("name", Problem::TooLong { max: 3 }));
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "code": "validation",
                "message": "error.validation",
                "fields": [{"field": "name", "problem": "too_long", "max": 3}]
            })
        );
        assert!(serde_json::from_str::<AppError>(r#"{"code":"bogus","message":""}"#).is_err());
    }
}
