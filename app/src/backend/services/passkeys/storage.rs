//! Passkeys at rest: the sealed credential and label, the plain credential id the
//! browser names. No rules here.

use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const PASSKEYS: &str = "passkeys";

pub struct PasskeyRow {
    pub passkey_id: Uuid,
    pub credential_id: Vec<u8>,
    pub name_ct: Vec<u8>,
    pub credential_ct: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

pub struct NewPasskey<'a> {
    pub tenant_id: Uuid,
    pub passkey_id: Uuid,
    pub user_id: Uuid,
    pub credential_id: &'a [u8],
    pub name_ct: &'a [u8],
    pub credential_ct: &'a [u8],
}

/// The user's passkeys, oldest first; locked, so two sign-ins with one passkey
/// update its signature counter one after the other.
pub async fn of_user(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Vec<PasskeyRow>> {
    Ok(sqlx::query_as!(
        PasskeyRow,
        "SELECT passkey_id, credential_id, name_ct, credential_ct, created_at, last_used_at
         FROM passkeys WHERE user_id = $1 ORDER BY created_at, passkey_id FOR UPDATE",
        user_id
    )
    .fetch_all(conn)
    .await?)
}

/// Whether any account of the workspace has this credential already.
pub async fn credential_taken(conn: &mut PgConnection, credential_id: &[u8]) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM passkeys WHERE credential_id = $1) AS "taken!""#,
        credential_id
    )
    .fetch_one(conn)
    .await?)
}

pub async fn insert(conn: &mut PgConnection, row: NewPasskey<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO passkeys (tenant_id, passkey_id, user_id, credential_id, name_ct, credential_ct)
         VALUES ($1, $2, $3, $4, $5, $6)",
        row.tenant_id,
        row.passkey_id,
        row.user_id,
        row.credential_id,
        row.name_ct,
        row.credential_ct
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a passkey used, with its credential re-sealed when its counter moved.
pub async fn record_use(
    conn: &mut PgConnection,
    passkey_id: Uuid,
    credential_ct: Option<&[u8]>,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE passkeys SET last_used_at = now(), credential_ct = COALESCE($2, credential_ct)
         WHERE passkey_id = $1",
        passkey_id,
        credential_ct
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes one of the user's passkeys; whether there was one.
pub async fn delete(conn: &mut PgConnection, user_id: Uuid, passkey_id: Uuid) -> AppResult<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM passkeys WHERE user_id = $1 AND passkey_id = $2",
        user_id,
        passkey_id
    )
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Deletes all of the user's passkeys (a colleague's reset after a lost device).
pub async fn delete_all(conn: &mut PgConnection, user_id: Uuid) -> AppResult<bool> {
    let deleted = sqlx::query!("DELETE FROM passkeys WHERE user_id = $1", user_id)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}
