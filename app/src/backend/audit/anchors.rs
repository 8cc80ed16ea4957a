//! Keyed anchors of the chain. The chain's hashes are unkeyed, so whoever may write
//! the tables could rewrite an entry and recompute every hash after it. Each sealing
//! round therefore ends with an anchor: the new head with an HMAC under a key derived
//! from the tenant's key, which only the server holds. A rewritten chain no longer
//! matches its anchors, and an anchor cannot be forged without the key.

use super::integrity::{chain_mac_key, checkpoint_signature};
use crate::backend::crypto::{DataKey, KeyStore};
use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

async fn anchor_key(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<DataKey> {
    chain_mac_key(conn, keys, tenant_id, "tessera.audit-anchor.v1").await
}

/// Anchors the current head, unless it is anchored already or the chain is empty.
pub async fn anchor_head(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<()> {
    let head = sqlx::query!(
        "SELECT h.seq, h.hash FROM audit_heads h
         WHERE h.seq > coalesce((SELECT max(a.seq) FROM audit_anchors a), 0)"
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(head) = head else { return Ok(()) };
    let key = anchor_key(conn, keys, tenant_id).await?;
    sqlx::query!(
        "INSERT INTO audit_anchors (tenant_id, seq, hash, mac) VALUES ($1, $2, $3, $4)",
        tenant_id,
        head.seq,
        &head.hash,
        checkpoint_signature(&key, tenant_id, head.seq, &head.hash)
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The last sequence number before which every anchor after `after_seq` holds: the
/// entry at its number has its hash, and its HMAC is the key's. `None`: all hold.
pub async fn first_unanchored(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    after_seq: i64,
) -> AppResult<Option<i64>> {
    let anchors = sqlx::query!(
        "SELECT a.seq, a.hash, a.mac, l.hash AS \"entry_hash?\"
         FROM audit_anchors a LEFT JOIN audit_log l ON l.tenant_id = a.tenant_id AND l.seq = a.seq
         WHERE a.seq > $1 ORDER BY a.seq",
        after_seq
    )
    .fetch_all(&mut *conn)
    .await?;
    if anchors.is_empty() {
        return Ok(None);
    }
    let key = anchor_key(conn, keys, tenant_id).await?;
    let mut good = after_seq;
    for anchor in anchors {
        let genuine = checkpoint_signature(&key, tenant_id, anchor.seq, &anchor.hash) == anchor.mac;
        if !genuine || anchor.entry_hash.as_deref() != Some(anchor.hash.as_slice()) {
            // Something at or before this anchor was changed after the last good one.
            return Ok(Some(good + 1));
        }
        good = anchor.seq;
    }
    Ok(None)
}
