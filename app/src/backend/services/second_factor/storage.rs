//! Second factors at rest: the sealed TOTP secret, recovery-code hashes and the
//! tenant's rule. No rules here.

use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

pub const TOTP_FACTORS: &str = "totp_factors";

pub struct TotpRow {
    pub secret_ct: Vec<u8>,
    pub confirmed: bool,
    pub last_step: i64,
}

/// The second factors a user has, and whether their role must have one.
pub struct FactorState {
    pub totp: bool,
    pub passkeys: i64,
    pub required: bool,
}

impl FactorState {
    pub fn any(&self) -> bool {
        self.totp || self.passkeys > 0
    }
}

pub async fn factor_state(conn: &mut PgConnection, user_id: Uuid) -> AppResult<FactorState> {
    Ok(sqlx::query_as!(
        FactorState,
        r#"SELECT EXISTS (SELECT 1 FROM totp_factors f
                          WHERE f.user_id = u.user_id AND f.confirmed_at IS NOT NULL) AS "totp!",
                  (SELECT count(*) FROM passkeys p WHERE p.user_id = u.user_id) AS "passkeys!",
                  u.role = ANY (t.second_factor_roles) AS "required!"
           FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id
           WHERE u.user_id = $1"#,
        user_id
    )
    .fetch_one(conn)
    .await?)
}

/// The user's authenticator, locked until the transaction ends (two requests with
/// one code cannot both pass).
pub async fn totp_for_update(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Option<TotpRow>> {
    Ok(sqlx::query_as!(
        TotpRow,
        r#"SELECT secret_ct, confirmed_at IS NOT NULL AS "confirmed!", last_step
           FROM totp_factors WHERE user_id = $1 FOR UPDATE"#,
        user_id
    )
    .fetch_optional(conn)
    .await?)
}

/// Stores a new, unconfirmed secret (replacing an earlier unconfirmed one).
pub async fn put_unconfirmed(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    user_id: Uuid,
    secret_ct: &[u8],
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO totp_factors (tenant_id, user_id, secret_ct) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, user_id) DO UPDATE
             SET secret_ct = EXCLUDED.secret_ct, created_at = now(), last_step = 0
             WHERE totp_factors.confirmed_at IS NULL",
        tenant_id,
        user_id,
        secret_ct
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn confirm(conn: &mut PgConnection, user_id: Uuid, step: i64) -> AppResult<()> {
    sqlx::query!(
        "UPDATE totp_factors SET confirmed_at = now(), last_step = $2 WHERE user_id = $1",
        user_id,
        step
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn accept_step(conn: &mut PgConnection, user_id: Uuid, step: i64) -> AppResult<()> {
    sqlx::query!(
        "UPDATE totp_factors SET last_step = $2 WHERE user_id = $1",
        user_id,
        step
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the authenticator and the recovery codes; whether there was one.
pub async fn delete_factors(conn: &mut PgConnection, user_id: Uuid) -> AppResult<bool> {
    sqlx::query!("DELETE FROM recovery_codes WHERE user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    let deleted = sqlx::query!("DELETE FROM totp_factors WHERE user_id = $1", user_id)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}

/// Replaces the user's recovery codes with these hashes.
pub async fn replace_recovery_codes(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    user_id: Uuid,
    hashes: &[Vec<u8>],
) -> AppResult<()> {
    sqlx::query!("DELETE FROM recovery_codes WHERE user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO recovery_codes (tenant_id, user_id, code_hash)
         SELECT $1, $2, h FROM UNNEST($3::bytea[]) AS h",
        tenant_id,
        user_id,
        hashes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses up an unused recovery code; whether there was one.
pub async fn use_recovery_code(
    conn: &mut PgConnection,
    user_id: Uuid,
    code_hash: &[u8],
) -> AppResult<bool> {
    let used = sqlx::query!(
        "UPDATE recovery_codes SET used_at = now()
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        user_id,
        code_hash
    )
    .execute(conn)
    .await?;
    Ok(used.rows_affected() == 1)
}

pub async fn recovery_codes_left(conn: &mut PgConnection, user_id: Uuid) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL"#,
        user_id
    )
    .fetch_one(conn)
    .await?)
}

/// The stored codes of the roles that must use a second factor.
pub async fn required_roles(conn: &mut PgConnection) -> AppResult<Vec<String>> {
    Ok(
        sqlx::query_scalar!("SELECT second_factor_roles FROM tenants")
            .fetch_one(conn)
            .await?,
    )
}

pub async fn set_required_roles(conn: &mut PgConnection, roles: &[String]) -> AppResult<()> {
    sqlx::query!("UPDATE tenants SET second_factor_roles = $1", roles)
        .execute(conn)
        .await?;
    Ok(())
}

/// Users with a confirmed authenticator or a passkey.
pub async fn users_with_factor(conn: &mut PgConnection) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT user_id AS "user_id!" FROM totp_factors WHERE confirmed_at IS NOT NULL
           UNION SELECT user_id FROM passkeys"#
    )
    .fetch_all(conn)
    .await?)
}
