//! Rotations: moving subject keys to a new tenant key version or erasure epoch, and
//! tenant keys to a new master key. Only key rows change, never data rows.

use super::{subject_key_context, tenant_key_context, wrapping_key, KeyStore, WrappedSubjectKey};
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
        let rows = sqlx::query_as!(
            WrappedSubjectKey,
            "SELECT subject_id, tenant_key_version, erasure_epoch, wrapped_key FROM subject_keys
             WHERE tenant_key_version < $1 ORDER BY subject_id LIMIT $2 FOR UPDATE SKIP LOCKED",
            target,
            batch
        )
        .fetch_all(&mut *conn)
        .await?;
        let moved = self.rewrap(conn, tenant_id, &rows, Some(target)).await?;
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
        let rows = sqlx::query_as!(
            WrappedSubjectKey,
            "SELECT subject_id, tenant_key_version, erasure_epoch, wrapped_key FROM subject_keys
             WHERE erasure_epoch <> $1 ORDER BY subject_id LIMIT $2 FOR UPDATE SKIP LOCKED",
            epoch,
            batch
        )
        .fetch_all(&mut *conn)
        .await?;
        self.rewrap(conn, tenant_id, &rows, None).await
    }

    /// Re-wraps `rows` under the current epoch and `target` (or each row's own tenant
    /// key version), in one statement.
    async fn rewrap(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        rows: &[WrappedSubjectKey],
        target: Option<i32>,
    ) -> AppResult<u64> {
        let (epoch, epoch_key) = self.current_epoch();
        let mut old_wrapping: HashMap<(i32, i32), DataKey> = HashMap::new();
        let mut new_wrapping: HashMap<i32, DataKey> = HashMap::new();
        let (mut versions, mut rewrapped) = (Vec::new(), Vec::new());
        for row in rows {
            let old = (row.tenant_key_version, row.erasure_epoch);
            if let Entry::Vacant(slot) = old_wrapping.entry(old) {
                let key = self
                    .wrapping_for(conn, tenant_id, old.0, old.1)
                    .await?
                    .ok_or(CryptoError::EpochDestroyed(old.1))?;
                slot.insert(key);
            }
            let version = target.unwrap_or(row.tenant_key_version);
            if let Entry::Vacant(slot) = new_wrapping.entry(version) {
                let tenant_key = self.tenant_key(conn, tenant_id, version).await?;
                slot.insert(wrapping_key(&tenant_key, epoch_key.as_ref()));
            }
            let context = subject_key_context(tenant_id, row.subject_id);
            let key = unwrap_with(&old_wrapping[&old], &row.wrapped_key, &context)?;
            rewrapped.push(wrap_with(&new_wrapping[&version], &key, &context));
            versions.push(version);
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.subject_id).collect();
        sqlx::query!(
            "UPDATE subject_keys k SET tenant_key_version = t.v, erasure_epoch = $2, wrapped_key = t.w
             FROM unnest($1::uuid[], $3::int4[], $4::bytea[]) AS t(id, v, w) WHERE k.subject_id = t.id",
            &ids,
            epoch,
            &versions,
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
