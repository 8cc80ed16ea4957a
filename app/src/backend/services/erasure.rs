//! Erasure against backups (see [`crate::backend::crypto::epochs`]): writing each
//! destroyed subject key to the ledger outside the database, the daily epoch roll,
//! and re-applying the ledger to a restored backup before it serves.

use crate::backend::crypto::epochs::{Erasure, ErasureEpochs};
use crate::backend::crypto::KeyStore;
use crate::backend::tenancy::begin_for_tenant;
use crate::backend::Backend;
use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

const BATCH: i64 = 1000;

/// How often epochs roll and how long backups are kept (`TESSERA_ERASURE_EPOCH_HOURS`,
/// `TESSERA_BACKUP_RETENTION_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochPolicy {
    pub every: Duration,
    pub backup_retention: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollReport {
    /// The epoch now in use.
    pub epoch: i32,
    /// Subject keys moved into it.
    pub rewrapped: u64,
    /// Epochs whose key was destroyed: backups from them no longer open.
    pub destroyed: Vec<i32>,
    /// Epochs past the retention still holding keys (moved next time, then destroyed).
    pub overdue: Vec<i32>,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn io_failed(what: &str, err: std::io::Error) -> AppError {
    tracing::error!(error = %err, "{what}");
    AppError::Internal
}

fn epochs_of(keys: &KeyStore) -> AppResult<&Arc<ErasureEpochs>> {
    keys.erasure_epochs().ok_or_else(|| {
        tracing::error!("erasure epochs are not configured (TESSERA_ERASURE_DIR)");
        AppError::Internal
    })
}

/// Writes the erasures the database recorded to the ledger, then forgets them; without
/// epochs configured there is no ledger and they are only forgotten. A failed write
/// keeps them for the next round. Returns how many were written.
pub async fn write_ledger(pool: &PgPool, keys: &KeyStore) -> AppResult<u64> {
    let tenants: Vec<Uuid> =
        sqlx::query_scalar!(r#"SELECT t AS "t!" FROM erasure_pending_tenants() t"#)
            .fetch_all(pool)
            .await?;
    let mut written = 0;
    for tenant_id in tenants {
        loop {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            // Deleted first and kept only if the ledger write succeeds (else rolled back).
            let rows = sqlx::query!(
                "DELETE FROM erasures_pending WHERE pending_id IN
                   (SELECT pending_id FROM erasures_pending ORDER BY pending_id LIMIT $1)
                 RETURNING subject_id, erased_at",
                BATCH
            )
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            let erasures: Vec<Erasure> = rows
                .iter()
                .map(|r| Erasure {
                    tenant_id,
                    subject_id: r.subject_id,
                    erased_at: r.erased_at.unix_timestamp(),
                })
                .collect();
            if let Some(epochs) = keys.erasure_epochs() {
                epochs
                    .record_erasures(&erasures)
                    .map_err(|e| io_failed("could not write the erasure ledger", e))?;
            }
            tx.commit().await?;
            written += erasures.len() as u64;
        }
    }
    Ok(written)
}

/// Destroys the key of every subject in the ledger (a restored backup brings them
/// back otherwise). Runs before the server serves; returns how many keys it removed.
pub async fn apply_ledger(pool: &PgPool, keys: &KeyStore) -> AppResult<u64> {
    let erasures = epochs_of(keys)?
        .erasures()
        .map_err(|e| io_failed("could not read the erasure ledger", e))?;
    let mut by_tenant: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for erasure in erasures {
        by_tenant
            .entry(erasure.tenant_id)
            .or_default()
            .push(erasure.subject_id);
    }
    let mut removed = 0;
    for (tenant_id, subjects) in by_tenant {
        for chunk in subjects.chunks(BATCH as usize) {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            // Already in the ledger: not recorded as a new erasure.
            sqlx::query_scalar!("SELECT set_config('tessera.replaying_erasures', 'on', true)")
                .fetch_one(&mut *tx)
                .await?;
            removed += sqlx::query!("DELETE FROM subject_keys WHERE subject_id = ANY($1)", chunk)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
        }
    }
    if removed > 0 {
        tracing::warn!(
            removed,
            "erasure ledger re-applied: keys of erased subjects were back (a restored backup)"
        );
    }
    Ok(removed)
}

/// The erasure epochs subject keys use, over all tenants.
pub async fn epochs_in_use(pool: &PgPool) -> AppResult<HashSet<i32>> {
    Ok(
        sqlx::query_scalar!(r#"SELECT e AS "e!" FROM erasure_epochs_in_use() e"#)
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect(),
    )
}

/// Moves every tenant's subject keys into the current epoch, in small transactions.
pub async fn move_to_current_epoch(pool: &PgPool, keys: &KeyStore) -> AppResult<u64> {
    let Some((current, _)) = epochs_of(keys)?.current() else {
        return Ok(0);
    };
    let tenants: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT t AS "t!" FROM erasure_epoch_stale_tenants($1) t"#,
        current
    )
    .fetch_all(pool)
    .await?;
    let mut moved = 0;
    for tenant_id in tenants {
        loop {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            let n = keys
                .rewrap_to_current_epoch(&mut tx, tenant_id, BATCH)
                .await?;
            tx.commit().await?;
            moved += n;
            if n == 0 {
                break;
            }
        }
    }
    Ok(moved)
}

/// Starts a new epoch, moves every live key into it, and destroys each older epoch
/// whose retention has passed since it ended, unless a key still uses it. Then drops
/// the ledger entries no readable backup can need.
pub async fn roll_epoch(
    pool: &PgPool,
    keys: &KeyStore,
    policy: EpochPolicy,
) -> AppResult<RollReport> {
    let epochs = epochs_of(keys)?;
    let now = unix_now();
    let epoch = epochs
        .start_next(now)
        .map_err(|e| io_failed("could not start an erasure epoch", e))?;
    let rewrapped = move_to_current_epoch(pool, keys).await?;
    let in_use = epochs_in_use(pool).await?;
    let retention = policy.backup_retention.as_secs() as i64;
    let (mut destroyed, mut overdue) = (Vec::new(), Vec::new());
    let kept = epochs.kept();
    // An epoch ends when the next one begins; the newest never ends.
    for pair in kept.windows(2) {
        let ((old, _), (_, ended_at)) = (pair[0], pair[1]);
        if ended_at + retention > now {
            continue;
        }
        if in_use.contains(&old) {
            overdue.push(old);
            continue;
        }
        epochs
            .destroy(old)
            .map_err(|e| io_failed("could not destroy an erasure epoch", e))?;
        destroyed.push(old);
    }
    if !overdue.is_empty() {
        tracing::warn!(
            ?overdue,
            "erasure epochs past the retention still hold keys"
        );
    }
    // A backup that still opens was made after the oldest kept epoch began, so it
    // already lacks every key erased before that.
    if let Some((_, oldest_began)) = epochs.kept().first() {
        epochs
            .prune_erasures(*oldest_began)
            .map_err(|e| io_failed("could not prune the erasure ledger", e))?;
    }
    tracing::info!(epoch, rewrapped, ?destroyed, "erasure epoch rolled");
    Ok(RollReport {
        epoch,
        rewrapped,
        destroyed,
        overdue,
    })
}

/// Whether the newest epoch is older than the policy allows (or there is none).
pub fn roll_due(keys: &KeyStore, policy: EpochPolicy) -> bool {
    let Some(epochs) = keys.erasure_epochs() else {
        return false;
    };
    match epochs.kept().last() {
        None => true,
        Some((_, began)) => began + policy.every.as_secs() as i64 <= unix_now(),
    }
}

/// Writes the ledger every `every` and rolls the epoch when it is due, for as long as
/// the process lives.
pub fn spawn(backend: Arc<Backend>, every: Duration, policy: EpochPolicy) {
    tokio::spawn(async move {
        let (pool, keys) = (&backend.db, &backend.keys);
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = write_ledger(pool, keys).await {
                tracing::error!(error = %err, "writing the erasure ledger failed");
            }
            if roll_due(keys, policy) {
                if let Err(err) = roll_epoch(pool, keys, policy).await {
                    tracing::error!(error = %err, "the erasure epoch roll failed");
                }
            }
        }
    });
}
