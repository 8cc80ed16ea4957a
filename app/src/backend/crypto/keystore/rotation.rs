//! Rotations: moving subject keys to a new tenant key version or erasure epoch, and
//! tenant keys to a new master key. Only key rows change, never data rows.

use super::{subject_key_context, tenant_key_context, wrapping_key, KeyStore};
use crate::backend::crypto::keys::{unwrap_with, wrap_with};
use crate::backend::crypto::{CryptoError, DataKey};
use crate::AppResult;
use sqlx::PgConnection;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use uuid::Uuid;

impl KeyStore {
    /// Deletes the tenant key versions between the root and `current`, unless a subject
    /// key still uses one: then `None` (the foreign key refused; the transaction is
    /// spent and must be rolled back).
    pub async fn retire_versions_before(
        &self,
        conn: &mut PgConnection,
        current: i32,
    ) -> AppResult<Option<u64>> {
        let deleted = sqlx::query!(
            "DELETE FROM tenant_keys WHERE version > 1 AND version < $1",
            current
        )
        .execute(&mut *conn)
        .await;
        match deleted {
            Ok(done) => Ok(Some(done.rows_affected())),
            Err(sqlx::Error::Database(err)) if err.is_foreign_key_violation() => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Starts a new tenant key version; new subject keys use it at once.
    pub async fn start_tenant_version(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
    ) -> AppResult<i32> {
        let (version, _) = Self::current_version(conn).await?;
        self.insert_tenant_version(conn, tenant_id, version + 1)
            .await?;
        Ok(version + 1)
    }

    /// Re-wraps up to `batch` subject keys still under an older tenant key version
    /// (and moves them to the current erasure epoch). Returns how many it moved; call
    /// until 0. Data rows are never touched.
    pub async fn rewrap_subject_keys(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        target: i32,
        batch: i64,
    ) -> AppResult<u64> {
        let rows: Vec<(Uuid, i32, i32, Vec<u8>)> = sqlx::query!(
            "SELECT subject_id, tenant_key_version, erasure_epoch, wrapped_key FROM subject_keys
             WHERE tenant_key_version < $1 ORDER BY subject_id LIMIT $2 FOR UPDATE SKIP LOCKED",
            target,
            batch
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.subject_id,
                r.tenant_key_version,
                r.erasure_epoch,
                r.wrapped_key,
            )
        })
        .collect();
        let moved = self.rewrap(conn, tenant_id, rows, target).await?;
        sqlx::query!(
            "UPDATE tenant_keys SET wraps = wraps + $2 WHERE version = $1",
            target,
            moved as i64
        )
        .execute(&mut *conn)
        .await?;
        Ok(moved)
    }

    /// Re-wraps up to `batch` subject keys under an older erasure epoch than the
    /// current one, keeping their tenant key version. Returns how many; call until 0.
    pub async fn rewrap_to_current_epoch(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        batch: i64,
    ) -> AppResult<u64> {
        let (epoch, _) = self.current_epoch();
        let rows: Vec<(Uuid, i32, i32, Vec<u8>)> = sqlx::query!(
            "SELECT subject_id, tenant_key_version, erasure_epoch, wrapped_key FROM subject_keys
             WHERE erasure_epoch <> $1 ORDER BY subject_id LIMIT $2 FOR UPDATE SKIP LOCKED",
            epoch,
            batch
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.subject_id,
                r.tenant_key_version,
                r.erasure_epoch,
                r.wrapped_key,
            )
        })
        .collect();
        let mut moved = 0;
        let mut by_version: HashMap<i32, Vec<_>> = HashMap::new();
        for row in rows {
            by_version.entry(row.1).or_default().push(row);
        }
        for (version, rows) in by_version {
            moved += self.rewrap(conn, tenant_id, rows, version).await?;
        }
        Ok(moved)
    }

    /// Re-wraps `(subject, version, epoch, wrapped)` rows under `target` and the
    /// current epoch.
    async fn rewrap(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        rows: Vec<(Uuid, i32, i32, Vec<u8>)>,
        target: i32,
    ) -> AppResult<u64> {
        let (epoch, epoch_key) = self.current_epoch();
        let new_wrapping = wrapping_key(
            &self.tenant_key(conn, tenant_id, target).await?,
            epoch_key.as_ref(),
        );
        let mut old_wrapping: HashMap<(i32, i32), DataKey> = HashMap::new();
        let mut rewrapped = Vec::with_capacity(rows.len());
        for (subject_id, version, old_epoch, wrapped) in &rows {
            if let Entry::Vacant(slot) = old_wrapping.entry((*version, *old_epoch)) {
                let key = self
                    .wrapping_for(conn, tenant_id, *version, *old_epoch)
                    .await?
                    .ok_or(CryptoError::EpochDestroyed(*old_epoch))?;
                slot.insert(key);
            }
            let context = subject_key_context(tenant_id, *subject_id);
            let key = unwrap_with(&old_wrapping[&(*version, *old_epoch)], wrapped, &context)?;
            rewrapped.push(wrap_with(&new_wrapping, &key, &context));
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
        sqlx::query!(
            "UPDATE subject_keys k SET tenant_key_version = $2, erasure_epoch = $3, wrapped_key = t.w
             FROM unnest($1::uuid[], $4::bytea[]) AS t(id, w) WHERE k.subject_id = t.id",
            &ids,
            target,
            epoch,
            &rewrapped
        )
        .execute(&mut *conn)
        .await?;
        Ok(rows.len() as u64)
    }

    /// Re-wraps this tenant's data keys under the current master key. Returns how
    /// many versions it moved.
    pub async fn rewrap_tenant_keys(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
    ) -> AppResult<u64> {
        let current = self.master.current();
        let rows: Vec<(i32, String, Vec<u8>)> = sqlx::query!(
            "SELECT version, master_key_id, wrapped_key FROM tenant_keys WHERE master_key_id <> $1 FOR UPDATE",
            current.key_id()
        )
        .fetch_all(&mut *conn).await?
        .into_iter()
        .map(|r| (r.version, r.master_key_id, r.wrapped_key))
        .collect();
        for (version, master_id, wrapped) in &rows {
            let context = tenant_key_context(tenant_id, *version);
            let key = self.master.by_id(master_id)?.unwrap(wrapped, &context)?;
            sqlx::query!(
                "UPDATE tenant_keys SET master_key_id = $2, wrapped_key = $3 WHERE version = $1",
                version,
                current.key_id(),
                current.wrap(&key, &context)
            )
            .execute(&mut *conn)
            .await?;
        }
        Ok(rows.len() as u64)
    }
}
