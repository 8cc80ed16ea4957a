//! Guards on the rows that decide who someone is and what they may do. A user's role
//! and password hash carry an HMAC (`users.guard`) under a key derived from the
//! tenant's key, which the database never holds. Whoever can write the database but
//! cannot read the server's master key can no longer make an account an owner or the
//! DPO, nor swap in a password hash of their own to sign in as someone else: the
//! server refuses a row whose guard does not match, on every request and at sign-in.
//!
//! What it cannot stop: putting back an earlier state of the same row (a demoted
//! user's old role with its old guard), and a compromised server process.

use crate::backend::crypto::{DataKey, KeyStore};
use crate::backend::tenancy::begin_for_tenant;
use crate::{AppError, AppResult};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

const PURPOSE: &str = "tessera.user-guard.v1";

/// What a guard covers: the row's identity and the fields that grant access.
pub struct Guarded<'a> {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub role: &'a str,
    pub password_hash: &'a str,
}

impl Guarded<'_> {
    fn mac(&self, key: &DataKey) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("any key length");
        mac.update(PURPOSE.as_bytes());
        mac.update(self.tenant_id.as_bytes());
        mac.update(self.user_id.as_bytes());
        for field in [self.role, self.password_hash] {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field.as_bytes());
        }
        mac
    }
}

async fn guard_key(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<DataKey> {
    Ok(keys.tenant_root_key(conn, tenant_id).await?.derive(PURPOSE))
}

/// Whether `guard` is the row's genuine guard (compared in constant time). A row
/// that fails is logged, by id only.
pub async fn holds(
    conn: &mut PgConnection,
    keys: &KeyStore,
    row: &Guarded<'_>,
    guard: Option<&[u8]>,
) -> AppResult<bool> {
    let key = guard_key(conn, keys, row.tenant_id).await?;
    let genuine = guard.is_some_and(|guard| row.mac(&key).verify_slice(guard).is_ok());
    if !genuine {
        tracing::warn!(
            tenant_id = %row.tenant_id,
            user_id = %row.user_id,
            "a user row's role or password hash does not match its guard: changed outside the server; refused"
        );
    }
    Ok(genuine)
}

/// Whether the user's row holds its guard (at sign-in, before the password is
/// checked against its hash).
pub async fn row_holds(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    user_id: Uuid,
) -> AppResult<bool> {
    let Some(row) = sqlx::query!(
        "SELECT role, password_hash, guard FROM users WHERE user_id = $1",
        user_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(false);
    };
    let guarded = Guarded {
        tenant_id,
        user_id,
        role: &row.role,
        password_hash: &row.password_hash,
    };
    holds(conn, keys, &guarded, row.guard.as_deref()).await
}

/// Locks the user's row and checks its guard, before a change to it: a change must
/// not bind what someone put there behind the server's back.
pub async fn check_before_change(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    user_id: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "SELECT 1 AS locked FROM users WHERE user_id = $1 FOR UPDATE",
        user_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    match row_holds(conn, keys, tenant_id, user_id).await? {
        true => Ok(()),
        false => Err(AppError::Internal),
    }
}

/// Guards the row as this transaction has just written it (its lock keeps others
/// out until commit).
pub async fn bind(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    user_id: Uuid,
) -> AppResult<()> {
    let row = sqlx::query!(
        "SELECT role, password_hash FROM users WHERE user_id = $1",
        user_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let key = guard_key(conn, keys, tenant_id).await?;
    let guard = Guarded {
        tenant_id,
        user_id,
        role: &row.role,
        password_hash: &row.password_hash,
    }
    .mac(&key)
    .finalize()
    .into_bytes()
    .to_vec();
    sqlx::query!(
        "UPDATE users SET guard = $2 WHERE user_id = $1",
        user_id,
        guard
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Guards every user row of every tenant that has none (`server keys guard-users`,
/// once after the upgrade that introduced guards); returns how many. An operator's
/// act, never automatic: a guard cleared behind the server's back stays refused.
/// `owner` lists the tenants (the maintenance function); `pool` does the work.
pub async fn guard_unguarded_users(
    owner: &PgPool,
    pool: &PgPool,
    keys: &KeyStore,
) -> AppResult<u64> {
    let tenants: Vec<Uuid> =
        sqlx::query_scalar!(r#"SELECT maintenance_tenant_ids() AS "tenant_id!""#)
            .fetch_all(owner)
            .await?;
    let mut guarded = 0;
    for tenant_id in tenants {
        let mut tx = begin_for_tenant(pool, tenant_id).await?;
        let unguarded =
            sqlx::query_scalar!("SELECT user_id FROM users WHERE guard IS NULL FOR UPDATE")
                .fetch_all(&mut *tx)
                .await?;
        for user_id in &unguarded {
            bind(&mut tx, keys, tenant_id, *user_id).await?;
        }
        tx.commit().await?;
        guarded += unguarded.len() as u64;
    }
    Ok(guarded)
}
