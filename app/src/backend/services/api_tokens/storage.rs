//! API tokens at rest: the hash of the secret, its plain prefix, the sealed label.
//! No rules here.

use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const API_TOKENS: &str = "api_tokens";

pub struct TokenRow {
    pub token_id: Uuid,
    pub name_ct: Vec<u8>,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

pub struct NewToken<'a> {
    pub tenant_id: Uuid,
    pub token_id: Uuid,
    pub user_id: Uuid,
    pub created_by: Uuid,
    pub name_ct: &'a [u8],
    pub prefix: &'a str,
    pub secret_hash: &'a [u8],
    pub scopes: &'a [String],
    pub expires_at: OffsetDateTime,
}

/// A token that may be used now: whose it is and what it may do.
pub struct UsableToken {
    pub token_id: Uuid,
    pub user_id: Uuid,
    pub scopes: Vec<String>,
    /// The creator's current role, when someone else made the token.
    pub creator_role: Option<String>,
}

/// The user's tokens, newest first.
pub async fn of_user(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Vec<TokenRow>> {
    Ok(sqlx::query_as!(
        TokenRow,
        "SELECT token_id, name_ct, prefix, scopes, created_at, expires_at, last_used_at, revoked_at
         FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, token_id DESC",
        user_id
    )
    .fetch_all(conn)
    .await?)
}

/// How many of the user's tokens still work.
pub async fn active_count(conn: &mut PgConnection, user_id: Uuid) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM api_tokens
           WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()"#,
        user_id
    )
    .fetch_one(conn)
    .await?)
}

/// Stores a new token; returns its creation and expiry time as stored.
pub async fn insert(
    conn: &mut PgConnection,
    row: NewToken<'_>,
) -> AppResult<(OffsetDateTime, OffsetDateTime)> {
    let stored = sqlx::query!(
        "INSERT INTO api_tokens (tenant_id, token_id, user_id, created_by, name_ct, prefix, secret_hash, scopes, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING created_at, expires_at",
        row.tenant_id,
        row.token_id,
        row.user_id,
        row.created_by,
        row.name_ct,
        row.prefix,
        row.secret_hash,
        row.scopes,
        row.expires_at
    )
    .fetch_one(conn)
    .await?;
    Ok((stored.created_at, stored.expires_at))
}

/// The token with this secret hash, if it is neither revoked nor expired.
pub async fn usable(conn: &mut PgConnection, secret_hash: &[u8]) -> AppResult<Option<UsableToken>> {
    Ok(sqlx::query_as!(
        UsableToken,
        r#"SELECT t.token_id, t.user_id, t.scopes,
                  CASE WHEN t.created_by <> t.user_id THEN c.role END AS "creator_role?"
           FROM api_tokens t JOIN users c ON c.user_id = t.created_by
           WHERE t.secret_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()"#,
        secret_hash
    )
    .fetch_optional(conn)
    .await?)
}

/// Notes that the token was used, at most once a minute (a read stays cheap).
pub async fn mark_used(conn: &mut PgConnection, token_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE api_tokens SET last_used_at = now()
         WHERE token_id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
        token_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes one of the user's tokens; whether a working one was revoked.
pub async fn revoke(conn: &mut PgConnection, user_id: Uuid, token_id: Uuid) -> AppResult<bool> {
    let revoked = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now()
         WHERE user_id = $1 AND token_id = $2 AND revoked_at IS NULL",
        user_id,
        token_id
    )
    .execute(conn)
    .await?;
    Ok(revoked.rows_affected() == 1)
}

/// Tokens made for others, newest first, with whose they are.
pub async fn issued(conn: &mut PgConnection) -> AppResult<Vec<(Uuid, TokenRow)>> {
    Ok(sqlx::query!(
        "SELECT user_id, token_id, name_ct, prefix, scopes, created_at, expires_at, last_used_at, revoked_at
         FROM api_tokens WHERE created_by <> user_id ORDER BY created_at DESC, token_id DESC"
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.user_id,
            TokenRow {
                token_id: r.token_id,
                name_ct: r.name_ct,
                prefix: r.prefix,
                scopes: r.scopes,
                created_at: r.created_at,
                expires_at: r.expires_at,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            },
        )
    })
    .collect())
}

/// Revokes any working token of the workspace; whether one was revoked.
pub async fn revoke_any(conn: &mut PgConnection, token_id: Uuid) -> AppResult<bool> {
    let revoked = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now() WHERE token_id = $1 AND revoked_at IS NULL",
        token_id
    )
    .execute(conn)
    .await?;
    Ok(revoked.rows_affected() == 1)
}

/// A user's role, if the user is in the workspace.
pub async fn role_of(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar!("SELECT role FROM users WHERE user_id = $1", user_id)
            .fetch_optional(conn)
            .await?,
    )
}
