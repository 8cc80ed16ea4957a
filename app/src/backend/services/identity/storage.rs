//! Tenants and users at rest (names and e-mails sealed). No rules here.

use crate::backend::tenancy::violates;
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use uuid::Uuid;

pub const USERS: &str = "users";

/// Maps a unique violation of `constraint` to a field error, anything else through.
fn taken(err: sqlx::Error, constraint: &str, field: &str, problem: Problem) -> AppError {
    if violates(&err, constraint) {
        AppError::Validation(FieldErrors::single(field, problem))
    } else {
        err.into()
    }
}

pub async fn insert_tenant(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    slug: &str,
    name: &str,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO tenants (tenant_id, slug, name) VALUES ($1, $2, $3)",
        tenant_id,
        slug,
        name
    )
    .execute(conn)
    .await
    .map_err(|err| taken(err, "tenants_slug_key", "slug", Problem::SlugTaken))?;
    Ok(())
}

pub struct UserRow<'a> {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub email_ct: Vec<u8>,
    pub email_bidx: Vec<u8>,
    pub display_name_ct: Vec<u8>,
    pub password_hash: &'a str,
    pub role: &'a str,
}

pub async fn insert_user(conn: &mut PgConnection, u: UserRow<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO users (tenant_id, user_id, email_ct, email_bidx, display_name_ct, password_hash, role)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        u.tenant_id,
        u.user_id,
        u.email_ct,
        u.email_bidx,
        u.display_name_ct,
        u.password_hash,
        u.role
    )
    .execute(conn)
    .await
    .map_err(|err| taken(err, "users_email_key", "email", Problem::EmailTaken))?;
    Ok(())
}

/// `(user_id, display_name_ct)` of every user.
pub async fn display_names(conn: &mut PgConnection) -> AppResult<Vec<(Uuid, Vec<u8>)>> {
    Ok(sqlx::query!("SELECT user_id, display_name_ct FROM users")
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r.display_name_ct))
        .collect())
}

/// `(user_id, password_hash)` of the user with this e-mail index.
pub async fn login(
    conn: &mut PgConnection,
    email_bidx: &[u8],
) -> AppResult<Option<(Uuid, String)>> {
    Ok(sqlx::query!(
        "SELECT user_id, password_hash FROM users WHERE email_bidx = $1",
        email_bidx
    )
    .fetch_optional(conn)
    .await?
    .map(|r| (r.user_id, r.password_hash)))
}

pub struct CurrentUserRow {
    pub email_ct: Vec<u8>,
    pub display_name_ct: Vec<u8>,
    pub name: String,
    pub slug: String,
}

pub async fn current_user(conn: &mut PgConnection, user_id: Uuid) -> AppResult<CurrentUserRow> {
    Ok(sqlx::query_as!(
        CurrentUserRow,
        "SELECT u.email_ct, u.display_name_ct, t.name, t.slug
         FROM users u JOIN tenants t USING (tenant_id)
         WHERE u.user_id = $1",
        user_id
    )
    .fetch_one(conn)
    .await?)
}

/// The workspace's name and address (for mail about accounts).
pub async fn tenant_name_and_slug(conn: &mut PgConnection) -> AppResult<(String, String)> {
    let row = sqlx::query!("SELECT name, slug FROM tenants")
        .fetch_one(conn)
        .await?;
    Ok((row.name, row.slug))
}

pub async fn insert_password_reset(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    user_id: Uuid,
    token_hash: &[u8],
    expires_at: time::OffsetDateTime,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO password_resets (tenant_id, reset_id, user_id, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        tenant_id,
        Uuid::now_v7(),
        user_id,
        token_hash,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The user of an unused, unexpired reset token, locked for using it.
pub async fn user_of_reset(conn: &mut PgConnection, token_hash: &[u8]) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT user_id FROM password_resets
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         FOR UPDATE",
        token_hash
    )
    .fetch_optional(conn)
    .await?)
}

/// Sets the password, ends the user's earlier sessions and uses up every open reset.
pub async fn set_password(
    conn: &mut PgConnection,
    user_id: Uuid,
    password_hash: &str,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE users SET password_hash = $2, sessions_valid_from = now() WHERE user_id = $1",
        user_id,
        password_hash
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn password_hash(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT password_hash FROM users WHERE user_id = $1",
        user_id
    )
    .fetch_optional(conn)
    .await?)
}

pub struct NewEmailChange<'a> {
    pub change_id: Uuid,
    pub user_id: Uuid,
    pub token_hash: &'a [u8],
    pub new_email_ct: Vec<u8>,
    pub new_email_bidx: Vec<u8>,
    pub expires_at: time::OffsetDateTime,
}

pub async fn insert_email_change(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    change: NewEmailChange<'_>,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO email_changes (tenant_id, change_id, user_id, token_hash, new_email_ct,
                                    new_email_bidx, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        tenant_id,
        change.change_id,
        change.user_id,
        change.token_hash,
        change.new_email_ct,
        change.new_email_bidx,
        change.expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct PendingEmailChange {
    pub change_id: Uuid,
    pub user_id: Uuid,
    pub new_email_ct: Vec<u8>,
    pub new_email_bidx: Vec<u8>,
}

/// The unused, unexpired change behind a link, marked used (so a link works once).
pub async fn take_email_change(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> AppResult<Option<PendingEmailChange>> {
    Ok(sqlx::query_as!(
        PendingEmailChange,
        "UPDATE email_changes SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING change_id, user_id, new_email_ct, new_email_bidx",
        token_hash
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn set_email(
    conn: &mut PgConnection,
    user_id: Uuid,
    email_ct: &[u8],
    email_bidx: &[u8],
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE users SET email_ct = $2, email_bidx = $3 WHERE user_id = $1",
        user_id,
        email_ct,
        email_bidx
    )
    .execute(conn)
    .await
    .map_err(|err| {
        // Taken since the link was sent.
        if crate::backend::tenancy::violates(&err, "users_email_key") {
            crate::AppError::Validation(crate::model::validation::FieldErrors::single(
                "new_email",
                crate::model::validation::Problem::EmailTaken,
            ))
        } else {
            err.into()
        }
    })?;
    Ok(())
}
