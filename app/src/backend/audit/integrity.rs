//! Keeping the chain checkable: verification from the start or the latest signed
//! checkpoint, and retention purges that leave such a checkpoint behind.

use super::anchors::{self, Anchor};
use super::chain;
use crate::backend::crypto::{DataKey, KeyStore};
use crate::model::audit::VerifyReport;
use crate::AppResult;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgConnection;
use uuid::Uuid;

/// A key of the tenant's for MACs over the chain (`purpose`: checkpoints or anchors),
/// derived from its root key, which the database never holds.
pub async fn chain_mac_key(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    purpose: &str,
) -> AppResult<DataKey> {
    Ok(keys.tenant_root_key(conn, tenant_id).await?.derive(purpose))
}

async fn checkpoint_signer(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<DataKey> {
    chain_mac_key(conn, keys, tenant_id, "tessera.audit-checkpoint.v1").await
}

/// Recomputes the chain (data protection officer, or the `audit verify` command).
pub async fn verify(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<VerifyReport> {
    verify_against(conn, keys, tenant_id, &[]).await
}

/// [`verify`], and also against anchors kept outside the database (`audit verify
/// --anchors`), which catch a cut-off tail.
pub async fn verify_against(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    outside: &[Anchor],
) -> AppResult<VerifyReport> {
    super::seal(conn).await?;
    let checkpoint: Option<(i64, Vec<u8>, Vec<u8>)> = sqlx::query!(
        "SELECT seq, hash, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1"
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| (r.seq, r.hash, r.signature));
    let checkpoint = match checkpoint {
        Some((seq, hash, signature)) => {
            let signer = checkpoint_signer(conn, keys, tenant_id).await?;
            if checkpoint_signature(&signer, tenant_id, seq, &hash) != signature {
                return Ok(VerifyReport {
                    entries: 0,
                    first_broken: Some(seq),
                });
            }
            Some((seq, hash))
        }
        None => None,
    };
    let after = checkpoint.as_ref().map_or(0, |(seq, _)| *seq);
    let report = chain::verify(conn, tenant_id, checkpoint).await?;
    if report.first_broken.is_some() {
        return Ok(report);
    }
    // A chain rewritten consistently (every hash recomputed) still fails its anchors.
    let first = match anchors::first_unanchored(conn, keys, tenant_id, after).await? {
        Some(first) => Some(first),
        None => anchors::first_uncovered_by(conn, keys, tenant_id, after, outside).await?,
    };
    match first {
        Some(first) => Ok(VerifyReport {
            entries: first - 1 - after,
            first_broken: Some(first),
        }),
        None => Ok(report),
    }
}

pub fn checkpoint_signature(key: &DataKey, tenant_id: Uuid, seq: i64, hash: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("any key length");
    mac.update(tenant_id.as_bytes());
    mac.update(&seq.to_be_bytes());
    mac.update(hash);
    mac.finalize().into_bytes().to_vec()
}

/// Deletes entries older than the tenant's retention period and leaves a signed
/// checkpoint at the newest deleted entry, so the rest of the chain still verifies.
/// Runs as the schema owner (the application role may not delete).
pub async fn purge_expired(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<u64> {
    super::seal(conn).await?;
    let retention: i32 = sqlx::query_scalar!(
        r#"SELECT coalesce((SELECT retention_days FROM audit_settings), 365) AS "days!""#
    )
    .fetch_one(&mut *conn)
    .await?;
    let last: Option<(i64, Vec<u8>)> = sqlx::query!(
        "SELECT seq, hash FROM audit_log WHERE at < now() - make_interval(days => $1) ORDER BY seq DESC LIMIT 1",
        retention
    )
    .fetch_optional(&mut *conn).await?
    .map(|r| (r.seq, r.hash));
    let Some((seq, hash)) = last else {
        return Ok(0);
    };
    let signer = checkpoint_signer(conn, keys, tenant_id).await?;
    sqlx::query!(
        "INSERT INTO audit_checkpoints (tenant_id, seq, hash, signature) VALUES ($1, $2, $3, $4)",
        tenant_id,
        seq,
        &hash,
        checkpoint_signature(&signer, tenant_id, seq, &hash)
    )
    .execute(&mut *conn)
    .await?;
    // The database function deletes only entries past retention behind a checkpoint.
    let deleted = sqlx::query_scalar!(r#"SELECT audit_purge_expired($1) AS "deleted!""#, seq)
        .fetch_one(&mut *conn)
        .await?;
    Ok(deleted as u64)
}
