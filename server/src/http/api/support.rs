//! What every REST handler shares: the token's scope as an extractor, errors as
//! `application/problem+json` (RFC 9457) from the published error contract, JSON,
//! path and query extractors whose rejections are problems too, and versions as
//! entity tags.

use app::backend::services::api_tokens;
use app::backend::{AppState, ClientIp, Scope};
use app::model::validation::FieldError;
use app::{AppError, AppResult};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

/// A REST error: one of the application's, or one only HTTP has.
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    /// `If-Match` named another version than the stored one.
    PreconditionFailed,
    /// A change without `If-Match`.
    PreconditionRequired,
    /// A body that is not sent as JSON.
    UnsupportedMediaType,
    /// A body over the API's limit.
    PayloadTooLarge,
    /// An `Idempotency-Key` sent before with another request.
    IdempotencyKeyReused,
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError::App(error)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// An error as RFC 9457 problem details, with the published error contract's
/// members (`code`, `fields`, `retry_after_secs`) as extensions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:tessera:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short English summary of the code; clients translate `code`.
    pub title: String,
    pub status: u16,
    /// The stable, machine-readable code (`validation`, `not_found`, …).
    pub code: String,
    /// Per-field problems of a `validation` error, in form order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldProblem>)]
    pub fields: Vec<FieldError>,
    /// Seconds to wait, for `rate_limited`, `busy` and `unavailable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// One field's problem: `{"field": "last_name", "problem": "too_long", "max": 100}`.
#[derive(ToSchema)]
#[allow(dead_code)] // documents FieldError's wire form
pub struct FieldProblem {
    /// The field, as named in the request body, with positions (`emails.0.address`).
    field: String,
    /// The problem's code (`required`, `too_long`, `invalid_email`, …).
    problem: String,
    /// Limits and references some problems carry.
    max: Option<u64>,
    min: Option<u64>,
    of: Option<uuid::Uuid>,
}

fn title(code: &str) -> &'static str {
    match code {
        "validation" => "The input is invalid",
        "unauthenticated" => "A valid API token is required",
        "forbidden" => "Not allowed for this token or its user's role",
        "not_found" => "Not found",
        "conflict" => "Changed by someone else in the meantime",
        "precondition_failed" => "The version in If-Match is not the current one",
        "precondition_required" => "A change needs If-Match with the version it edits",
        "unsupported_media_type" => "The body must be JSON (application/json)",
        "payload_too_large" => "The body is too large",
        "idempotency_key_reused" => "This Idempotency-Key came with another request",
        "rate_limited" => "Too many requests",
        "busy" => "The server is busy",
        "unavailable" => "The database is briefly unavailable",
        "bad_request" => "Malformed request",
        _ => "Internal error",
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::App(error) => (
                StatusCode::from_u16(error.status_code())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                error.code(),
            ),
            ApiError::PreconditionFailed => {
                (StatusCode::PRECONDITION_FAILED, "precondition_failed")
            }
            ApiError::PreconditionRequired => {
                (StatusCode::PRECONDITION_REQUIRED, "precondition_required")
            }
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::IdempotencyKeyReused => {
                (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let (fields, retry_after_secs) = match &self {
            ApiError::App(error) => (
                error
                    .field_errors()
                    .map(|f| f.0.clone())
                    .unwrap_or_default(),
                error.retry_after_secs(),
            ),
            _ => (Vec::new(), None),
        };
        let problem = Problem {
            kind: format!("urn:tessera:problem:{code}"),
            title: title(code).to_owned(),
            status: status.as_u16(),
            code: code.to_owned(),
            fields,
            retry_after_secs,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry_after_secs {
            headers.insert(header::RETRY_AFTER, secs.into());
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The scope of the request's `Authorization: Bearer <token>`. Cookies never
/// authenticate here, so a browser cannot be made to call the API for its user.
pub struct ApiScope(pub Scope);

impl FromRequestParts<AppState> for ApiScope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        // Counted before the token is checked: guessing costs the guesser's network.
        let ClientIp(ip) = *parts
            .extensions
            .get::<ClientIp>()
            .ok_or(AppError::Internal)?;
        state
            .backend
            .throttle
            .admit_api(ip, token.map(str::as_bytes))
            .await?;
        let token = token.ok_or(AppError::Unauthenticated)?;
        Ok(ApiScope(
            api_tokens::authenticate(state.backend.clone(), token).await?,
        ))
    }
}

impl ApiScope {
    /// `work` in the token's scope, committed if it succeeds (rolled back if not).
    pub async fn run<T>(self, work: impl AsyncFnOnce(&mut Scope) -> AppResult<T>) -> ApiResult<T> {
        Ok(self.0.run(work).await?)
    }
}

/// A JSON body; anything else is a problem, never axum's plain-text rejection.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> ApiResult<Self> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
            Err(_) => Err(AppError::BadRequest.into()),
        }
    }
}

/// Path parameters; a malformed id is a bad request.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| AppError::BadRequest.into())
    }
}

/// Query parameters; malformed ones are a bad request.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|_| AppError::BadRequest.into())
    }
}

/// A nested record read only from a JSON object: serde would also take an array of
/// its fields in order, which the documented schema does not allow.
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::Deserialize;
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
    serde_json::from_value(serde_json::Value::Object(map)).map_err(serde::de::Error::custom)
}

/// A list of nested records, each read only from a JSON object.
pub fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::Deserialize;
    let maps = Vec::<serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)?;
    maps.into_iter()
        .map(|map| serde_json::from_value(serde_json::Value::Object(map)))
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

// Dates on the wire are ISO 8601 (`2026-12-01`), and nothing else.
time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");
pub const ISO_DATE: &[time::format_description::BorrowedFormatItem<'_>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A day in the services' text form (`2026-12-01`), empty for none.
pub fn iso_day(date: Option<time::Date>) -> String {
    date.and_then(|d| d.format(&ISO_DATE).ok())
        .unwrap_or_default()
}

/// A list cursor as a client passed it; an empty one is none (a client that passes
/// `next` as it came).
pub fn cursor(value: Option<String>) -> Option<String> {
    value.filter(|c| !c.is_empty())
}

/// A record's version as a strong entity tag: `"3"`.
pub fn etag(version: i32) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header")
}

/// The version `If-Match` names: required for changes (428 without it), one strong
/// tag (400 for anything else). A stale version is the service's conflict, 412.
pub fn if_match(headers: &HeaderMap) -> ApiResult<i32> {
    let value = headers
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .map(str::trim)
        .and_then(|v| v.strip_prefix('"'))
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse().ok())
        .ok_or(ApiError::App(AppError::BadRequest))
}

/// A change's outcome: a stale `If-Match` is 412, as HTTP says, not 409.
pub fn stale_is_precondition_failed(error: ApiError) -> ApiError {
    match error {
        ApiError::App(AppError::Conflict) => ApiError::PreconditionFailed,
        other => other,
    }
}

/// A body with its entity tag.
pub fn tagged<T: Serialize>(status: StatusCode, version: i32, body: &T) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::ETAG, etag(version));
    response
}

/// A created record: 201 with its entity tag and `Location` (`<collection>/<id>`).
pub fn created<T: Serialize>(collection: &str, id: uuid::Uuid, version: i32, body: &T) -> Response {
    let mut response = tagged(StatusCode::CREATED, version, body);
    if let Ok(location) = HeaderValue::from_str(&format!("{collection}/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_takes_one_strong_tag() {
        let mut headers = HeaderMap::new();
        assert!(matches!(
            if_match(&headers),
            Err(ApiError::PreconditionRequired)
        ));
        headers.insert(header::IF_MATCH, HeaderValue::from_static("\"7\""));
        assert_eq!(if_match(&headers).unwrap(), 7);
        for bad in ["7", "W/\"7\"", "\"x\"", "*", ""] {
            headers.insert(header::IF_MATCH, HeaderValue::from_static(bad));
            assert!(matches!(
                if_match(&headers),
                Err(ApiError::App(AppError::BadRequest))
            ));
        }
    }

    #[test]
    fn problems_carry_the_contract_and_no_internal_text() {
        let response = ApiError::App(AppError::Internal).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let limited = ApiError::App(AppError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
        assert_eq!(limited.headers()[header::RETRY_AFTER], "30");
    }
}
