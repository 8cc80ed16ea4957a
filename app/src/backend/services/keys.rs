//! Key rotation. Only key rows change: data rows are never rewritten, and reads keep
//! working throughout because every subject key names the tenant key version that
//! wraps it.

use crate::backend::crypto::KeyStore;
use crate::backend::tenancy::begin_for_tenant;
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::identity::{KeyRotation, KeysAudit};
use crate::model::permission::{Action, Area};
use crate::AppResult;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

const BATCH: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationReport {
    /// The tenant key version now in use.
    pub version: i32,
    /// Subject keys re-wrapped under it.
    pub rewrapped: u64,
}

/// Rotates the workspace's data key (owners and administrators). Takes the scope
/// because the rotation runs in transactions of its own after this one commits.
pub async fn rotate_workspace_key(mut scope: Scope) -> AppResult<KeyRotation> {
    scope.require(Area::Keys, Action::Manage)?;
    // Logged before it starts, so an interrupted rotation is on record too.
    let event = scope.event(AuditAction::Keys(KeysAudit::Rotated));
    scope.audit(event).await?;
    let (backend, tenant_id) = (scope.backend.clone(), scope.tenant_id());
    scope.commit().await?;
    let report = rotate_tenant_key(&backend.db, &backend.keys, tenant_id).await?;
    Ok(KeyRotation {
        version: report.version,
        rewrapped: report.rewrapped,
    })
}

/// Starts a new tenant key version, then re-wraps every subject key under it in small
/// transactions (new subject keys use the new version from the first moment).
pub async fn rotate_tenant_key(
    pool: &PgPool,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<RotationReport> {
    let mut tx = begin_for_tenant(pool, tenant_id).await?;
    let version = keys.start_tenant_version(&mut tx, tenant_id).await?;
    tx.commit().await?;
    let mut rewrapped = 0;
    loop {
        let mut tx = begin_for_tenant(pool, tenant_id).await?;
        let moved = keys
            .rewrap_subject_keys(&mut tx, tenant_id, version, BATCH)
            .await?;
        tx.commit().await?;
        rewrapped += moved;
        if moved == 0 {
            break;
        }
    }
    tracing::info!(%tenant_id, version, rewrapped, "tenant key rotated");
    Ok(RotationReport { version, rewrapped })
}

/// Re-wraps every tenant's data keys under the current master key. `owner` lists the
/// tenants (through the maintenance function); `pool` does the work per tenant.
pub async fn rotate_master_key(owner: &PgPool, pool: &PgPool, keys: &KeyStore) -> AppResult<u64> {
    let tenants: Vec<Uuid> =
        sqlx::query_scalar!(r#"SELECT maintenance_tenant_ids() AS "tenant_id!""#)
            .fetch_all(owner)
            .await?;
    let mut moved = 0;
    for tenant_id in tenants {
        let mut tx = begin_for_tenant(pool, tenant_id).await?;
        moved += keys.rewrap_tenant_keys(&mut tx, tenant_id).await?;
        tx.commit().await?;
    }
    keys.clear_cache();
    tracing::info!(moved, "tenant keys re-wrapped under the current master key");
    Ok(moved)
}
