//! `Idempotency-Key` on creates through the API: the key is claimed in the same
//! transaction as the create it guards. A retry while the first attempt runs waits
//! on the claim's row; if the first committed, the retry answers with the record it
//! made, and if it rolled back, the claim went with it and the retry creates. Keys
//! are per token and remembered for 24 hours.

use crate::backend::Scope;
use crate::{AppError, AppResult};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The longest key accepted (the header's value, visible ASCII).
pub const KEY_MAX: usize = 255;

/// A create's key with what identifies its request.
pub struct Once {
    pub key: String,
    /// The operation, as the path of the collection created in.
    pub operation: &'static str,
    /// A hash of the parsed request.
    pub fingerprint: Vec<u8>,
}

impl Once {
    pub fn new(key: String, operation: &'static str, request: &[u8]) -> Self {
        Once {
            key,
            operation,
            fingerprint: Sha256::digest(request).to_vec(),
        }
    }
}

/// What a claimed key means for the create.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// Not seen before: create, then [`remember`] the record.
    Fresh,
    /// Seen with this request, which created this record.
    Made(Uuid),
    /// Seen with another operation or request body.
    Reused,
}

fn key_hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

fn token_of(scope: &Scope) -> AppResult<Uuid> {
    scope
        .token
        .as_ref()
        .map(|t| t.token_id)
        .ok_or(AppError::Forbidden)
}

/// Claims `once.key` for this token in the scope's transaction.
pub async fn claim(scope: &mut Scope, once: &Once) -> AppResult<Claim> {
    let (tenant_id, token_id) = (scope.tenant_id(), token_of(scope)?);
    let key_hash = key_hash(&once.key);
    sqlx::query!(
        "DELETE FROM idempotency_keys
         WHERE tenant_id = $1 AND token_id = $2 AND created_at < now() - interval '24 hours'",
        tenant_id,
        token_id
    )
    .execute(scope.conn())
    .await?;
    let fresh = sqlx::query_scalar!(
        "INSERT INTO idempotency_keys (tenant_id, token_id, key_hash, operation, fingerprint)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true",
        tenant_id,
        token_id,
        &key_hash,
        once.operation,
        &once.fingerprint
    )
    .fetch_optional(scope.conn())
    .await?;
    if fresh.is_some() {
        return Ok(Claim::Fresh);
    }
    let seen = sqlx::query!(
        "SELECT operation, fingerprint, record_id FROM idempotency_keys
         WHERE tenant_id = $1 AND token_id = $2 AND key_hash = $3",
        tenant_id,
        token_id,
        &key_hash
    )
    .fetch_one(scope.conn())
    .await?;
    Ok(
        match (
            seen.operation == once.operation && seen.fingerprint == once.fingerprint,
            seen.record_id,
        ) {
            (true, Some(record)) => Claim::Made(record),
            _ => Claim::Reused,
        },
    )
}

/// Notes the record a fresh claim's create made.
pub async fn remember(scope: &mut Scope, once: &Once, record_id: Uuid) -> AppResult<()> {
    let (tenant_id, token_id) = (scope.tenant_id(), token_of(scope)?);
    sqlx::query!(
        "UPDATE idempotency_keys SET record_id = $4
         WHERE tenant_id = $1 AND token_id = $2 AND key_hash = $3",
        tenant_id,
        token_id,
        key_hash(&once.key),
        record_id
    )
    .execute(scope.conn())
    .await?;
    Ok(())
}
