//! The background sealer: chains every tenant's pending audit entries about once a
//! second and anchors the new heads (in the database and, if configured, in files
//! outside it). Safe with several server processes: sealing one tenant twice at once
//! is ordered by the chain head's lock, the second seals nothing, and an anchor is
//! made once.

use super::anchors::{self, AnchorDir};
use crate::backend::tenancy::begin_for_tenant;
use crate::backend::Backend;
use crate::AppResult;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Entries `audit_seal()` seals per call (its `LIMIT`, in the sealing migration).
const SEAL_BATCH: i32 = 10_000;

/// Seals the pending entries of every tenant and anchors every head that moved (also
/// by a reader's sealing); returns how many entries were sealed.
pub async fn seal_all(backend: &Backend, outside: Option<&AnchorDir>) -> AppResult<u64> {
    let pool = &backend.db;
    let tenants: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT t AS "t!" FROM audit_unsealed_tenants() t
           UNION SELECT t FROM audit_unanchored_tenants() t"#
    )
    .fetch_all(pool)
    .await?;
    let mut sealed = 0;
    for tenant_id in tenants {
        // A tenant with more than one batch pending is sealed batch by batch, each in
        // a short transaction of its own; the last one anchors the head.
        loop {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            let n = super::seal(&mut tx).await?;
            let done = n < SEAL_BATCH;
            let anchor = match done {
                true => anchors::anchor_head(&mut tx, &backend.keys, tenant_id).await?,
                false => None,
            };
            tx.commit().await?;
            sealed += n as u64;
            if let (Some(anchor), Some(dir)) = (anchor, outside) {
                // The database keeps the anchor either way; the next one goes out again.
                if let Err(err) = dir.append(&anchor).await {
                    tracing::error!(error = %err, "could not write an audit anchor outside the database");
                }
            }
            if done {
                break;
            }
        }
    }
    Ok(sealed)
}

/// Runs [`seal_all`] every `every` for as long as the process lives.
pub fn spawn(backend: Arc<Backend>, every: Duration, outside: Option<AnchorDir>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = seal_all(&backend, outside.as_ref()).await {
                tracing::warn!(error = %err, "sealing audit entries failed; retrying");
            }
        }
    });
}
