//! Every request that touches tenant data runs in one transaction that first sets
//! `app.tenant_id`. Row-level security reads it; without it, queries see no rows
//! and writes fail.

use crate::model::identity::Role;
use crate::AppResult;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

/// Begins a transaction scoped to `tenant_id` (transaction-local, so a pooled
/// connection never carries one tenant's context into another request). It sees all
/// of the tenant's records; a user's scope narrows that with [`narrow_records`].
pub async fn begin_for_tenant(
    pool: &PgPool,
    tenant_id: Uuid,
) -> AppResult<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT set_config('app.tenant_id', $1, true) AS tenant, set_config('app.record_scope', 'all', true) AS records",
        tenant_id.to_string()
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(tx)
}

/// From here on the transaction sees only records owned by `owners` or by nobody
/// (the `record_visibility` policies in the teams migration).
pub async fn narrow_records(conn: &mut PgConnection, owners: &[Uuid]) -> AppResult<()> {
    let list = format!(
        "{{{}}}",
        owners
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    sqlx::query!("SELECT set_config('app.record_scope', $1, true)", list)
        .fetch_one(conn)
        .await?;
    Ok(())
}

/// The tenant behind a workspace slug, through the one pre-tenant lookup function.
pub async fn tenant_id_for_slug(pool: &PgPool, slug: &str) -> AppResult<Option<Uuid>> {
    Ok(
        sqlx::query_scalar!("SELECT auth_tenant_id_for_slug($1)", slug)
            .fetch_one(pool)
            .await?,
    )
}

/// Who is acting, as loaded from the database at the start of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
}

/// Whether `err` is a unique or foreign-key violation of the named constraint.
pub fn violates(err: &sqlx::Error, constraint: &str) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.constraint() == Some(constraint))
}
