//! The background sealer: chains every tenant's pending audit entries about once a
//! second. Safe with several server processes: sealing one tenant twice at once is
//! ordered by the chain head's lock, and the second seals nothing.

use crate::backend::tenancy::begin_for_tenant;
use crate::backend::Backend;
use crate::AppResult;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Entries `audit_seal()` seals per call (its `LIMIT`, in the sealing migration).
const SEAL_BATCH: i32 = 10_000;

/// Seals the pending entries of every tenant; returns how many were sealed.
pub async fn seal_all(backend: &Backend) -> AppResult<u64> {
    let pool = &backend.db;
    let tenants: Vec<Uuid> =
        sqlx::query_scalar!(r#"SELECT t AS "t!" FROM audit_unsealed_tenants() t"#)
            .fetch_all(pool)
            .await?;
    let mut sealed = 0;
    for tenant_id in tenants {
        // A tenant with more than one batch pending is sealed batch by batch, each in
        // a short transaction of its own.
        loop {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            let n = super::seal(&mut tx, &backend.keys, tenant_id).await?;
            tx.commit().await?;
            sealed += n as u64;
            if n < SEAL_BATCH {
                break;
            }
        }
    }
    Ok(sealed)
}

/// Runs [`seal_all`] every `every` for as long as the process lives.
pub fn spawn(backend: Arc<Backend>, every: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = seal_all(&backend).await {
                tracing::warn!(error = %err, "sealing audit entries failed; retrying");
            }
        }
    });
}
