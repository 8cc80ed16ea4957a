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
/// How often, and how far apart, a rotation tries to retire the old versions.
const RETIRE_ROUNDS: u32 = 300;
const RETIRE_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationReport {
    /// The tenant key version now in use.
    pub version: i32,
    /// Subject keys re-wrapped under it.
    pub rewrapped: u64,
    /// Older versions deleted (all but the root, version 1).
    pub retired: u64,
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

/// Starts a new tenant key version, re-wraps every subject key under it in small
/// transactions (new subject keys use the new version from the first moment), then
/// retires the versions before it. Keys locked by a running request, or made under
/// the old version by a request that began before the new one, are moved as soon as
/// they are free: retiring fails while any key still uses an old version, and the
/// rotation goes round again until none does.
pub async fn rotate_tenant_key(
    pool: &PgPool,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<RotationReport> {
    let mut tx = begin_for_tenant(pool, tenant_id).await?;
    let version = keys.start_tenant_version(&mut tx, tenant_id).await?;
    tx.commit().await?;
    let mut rewrapped = 0;
    for round in 1..=RETIRE_ROUNDS {
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
        let mut tx = begin_for_tenant(pool, tenant_id).await?;
        if let Some(retired) = keys.retire_versions_before(&mut tx, version).await? {
            tx.commit().await?;
            tracing::info!(%tenant_id, version, rewrapped, retired, "tenant key rotated");
            return Ok(RotationReport {
                version,
                rewrapped,
                retired,
            });
        }
        drop(tx);
        if round < RETIRE_ROUNDS {
            tokio::time::sleep(RETIRE_PAUSE).await;
        }
    }
    // Still in use after a minute: the new version serves, the old stays until the
    // next rotation.
    tracing::warn!(%tenant_id, version, rewrapped, "tenant key rotated; old versions still in use, not retired");
    Ok(RotationReport {
        version,
        rewrapped,
        retired: 0,
    })
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
