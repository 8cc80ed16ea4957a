//! `Idempotency-Key` on the API's creates: a client that retries a `POST` with the
//! same key (its connection broke, it timed out) gets the record the first attempt
//! made, re-read and marked `Idempotent-Replayed: true`, instead of a second one.
//! The rules and storage are the token service's
//! ([`idempotency`](app::backend::services::api_tokens::idempotency)).

use super::support::{ApiError, ApiResult, ApiScope};
use app::backend::services::api_tokens::idempotency::{self, Claim, Once, KEY_MAX};
use app::backend::Scope;
use app::{AppError, AppResult};
use axum::extract::FromRequestParts;
use axum::http::{request::Parts, HeaderName, HeaderValue};
use axum::response::Response;
use serde::Serialize;
use uuid::Uuid;

pub const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";

/// The request's `Idempotency-Key`, if any: 1 to 255 visible ASCII characters
/// (a UUID is a good choice); anything else is a bad request.
pub struct IdempotencyKey(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<Self> {
        let Some(value) = parts.headers.get(HEADER) else {
            return Ok(IdempotencyKey(None));
        };
        let key = value
            .to_str()
            .ok()
            .filter(|k| (1..=KEY_MAX).contains(&k.len()))
            .filter(|k| k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or(ApiError::App(AppError::BadRequest))?;
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

impl IdempotencyKey {
    /// The key for creating `request` in `collection`.
    pub fn of(self, collection: &'static str, request: &impl Serialize) -> Option<Once> {
        let body = serde_json::to_vec(request).unwrap_or_default();
        self.0.map(|key| Once::new(key, collection, &body))
    }
}

/// A record a create made, or (for a retry) made before.
pub struct Made<R> {
    pub record: R,
    pub replayed: bool,
}

impl<R> Made<R> {
    /// The response `respond` builds of the record, marked when replayed.
    pub fn respond(self, respond: impl FnOnce(R) -> Response) -> Response {
        let replayed = self.replayed;
        let mut response = respond(self.record);
        if replayed {
            response.headers_mut().insert(
                HeaderName::from_static(REPLAYED),
                HeaderValue::from_static("true"),
            );
        }
        response
    }
}

enum Outcome<R> {
    Made(Made<R>),
    Reused,
}

/// Runs `create` once per key: a retry re-reads the first attempt's record with
/// `reread`. Without a key, simply creates.
pub async fn create_once<R>(
    scope: ApiScope,
    once: Option<Once>,
    create: impl AsyncFnOnce(&mut Scope) -> AppResult<R>,
    reread: impl AsyncFnOnce(&mut Scope, Uuid) -> AppResult<R>,
    id_of: impl Fn(&R) -> Uuid,
) -> ApiResult<Made<R>> {
    let outcome = scope
        .run(async move |s| {
            let Some(once) = once else {
                return Ok(Outcome::Made(Made {
                    record: create(s).await?,
                    replayed: false,
                }));
            };
            Ok(match idempotency::claim(s, &once).await? {
                Claim::Fresh => {
                    let record = create(s).await?;
                    idempotency::remember(s, &once, id_of(&record)).await?;
                    Outcome::Made(Made {
                        record,
                        replayed: false,
                    })
                }
                Claim::Made(id) => Outcome::Made(Made {
                    record: reread(s, id).await?,
                    replayed: true,
                }),
                Claim::Reused => Outcome::Reused,
            })
        })
        .await?;
    match outcome {
        Outcome::Made(made) => Ok(made),
        Outcome::Reused => Err(ApiError::IdempotencyKeyReused),
    }
}
