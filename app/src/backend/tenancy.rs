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
    let mut tx = begin_to_completion(pool).await?;
    sqlx::query!(
        "SELECT set_config('app.tenant_id', $1, true) AS tenant, set_config('app.record_scope', 'all', true) AS records",
        tenant_id.to_string()
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(tx)
}

/// `pool.begin()` in a task of its own: sqlx's `begin` is not cancel-safe on
/// PostgreSQL (sqlx#4393, 0.8.6 and 0.9.0). A caller dropped while `BEGIN` is in
/// flight would return the connection to the pool inside a transaction that nothing
/// ends and that keeps its locks. Here the task finishes `BEGIN` whatever happens
/// to the caller, and a transaction nobody takes is dropped, which rolls it back.
async fn begin_to_completion(pool: &PgPool) -> AppResult<Transaction<'static, Postgres>> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin().await })
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "beginning a transaction failed");
            crate::AppError::Internal
        })?
        .map_err(Into::into)
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
