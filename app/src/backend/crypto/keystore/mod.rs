//! Tenant and data-subject keys in PostgreSQL, stored only wrapped.
//!
//! Unwrapped tenant keys are cached for a bounded time (zeroized when dropped);
//! subject keys are unwrapped per request and never cached.

use super::blind_index::IndexKey;
use super::epochs::ErasureEpochs;
use super::keys::{unwrap_with, wrap_with};
use super::{CryptoError, DataKey, MasterKeyRing};
use crate::AppResult;
use sqlx::PgConnection;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

mod rotation;

/// A tenant key version is replaced after this many wraps, far below AES-GCM's 2^32
/// random-nonce limit per key.
pub const ROTATE_AFTER_WRAPS: i64 = 1 << 30;
const CACHE_TTL: Duration = Duration::from_secs(300);
const CACHE_CAPACITY: usize = 10_000;

fn tenant_key_context(tenant_id: Uuid, version: i32) -> Vec<u8> {
    [
        b"tessera.tenant-key.v1\0".as_slice(),
        tenant_id.as_bytes(),
        &version.to_be_bytes(),
    ]
    .concat()
}

fn subject_key_context(tenant_id: Uuid, subject_id: Uuid) -> Vec<u8> {
    [
        b"tessera.subject-key.v1\0".as_slice(),
        tenant_id.as_bytes(),
        subject_id.as_bytes(),
    ]
    .concat()
}

/// What wraps subject keys: a part of the tenant key, joined with the erasure
/// epoch's key when there is one (epoch 0 has none).
fn wrapping_key(tenant_key: &DataKey, epoch_key: Option<&DataKey>) -> DataKey {
    let of_tenant = tenant_key.derive("tessera.subject-key-wrap.v1");
    match epoch_key {
        None => of_tenant,
        Some(epoch_key) => of_tenant.join(epoch_key, "tessera.subject-key-wrap.epoch.v1"),
    }
}

/// A subject key as stored: wrapped under a tenant key version and an erasure epoch.
struct WrappedSubjectKey {
    subject_id: Uuid,
    tenant_key_version: i32,
    erasure_epoch: i32,
    wrapped_key: Vec<u8>,
}

pub struct KeyStore {
    master: MasterKeyRing,
    cache: Mutex<HashMap<(Uuid, i32), (DataKey, Instant)>>,
    epochs: Option<Arc<ErasureEpochs>>,
}

impl KeyStore {
    pub fn new(master: MasterKeyRing) -> Self {
        Self {
            master,
            cache: Mutex::new(HashMap::new()),
            epochs: None,
        }
    }

    /// Wraps new subject keys under the current erasure epoch as well.
    pub fn with_erasure_epochs(mut self, epochs: Arc<ErasureEpochs>) -> Self {
        self.epochs = Some(epochs);
        self
    }

    pub fn erasure_epochs(&self) -> Option<&Arc<ErasureEpochs>> {
        self.epochs.as_ref()
    }

    /// The epoch new subject keys go under, with its key (0 and none without epochs).
    fn current_epoch(&self) -> (i32, Option<DataKey>) {
        match self.epochs.as_ref().and_then(|e| e.current()) {
            Some((epoch, key)) => (epoch, Some(key)),
            None => (0, None),
        }
    }

    /// The key of `epoch`: none for 0, `EpochDestroyed` once deleted, and an error when
    /// the server has no epochs configured although the key needs one.
    fn epoch_key(&self, epoch: i32) -> Result<Option<DataKey>, CryptoError> {
        match (epoch, &self.epochs) {
            (0, _) => Ok(None),
            (_, None) => Err(CryptoError::EpochsNotConfigured(epoch)),
            (_, Some(epochs)) => epochs.key(epoch).map(Some),
        }
    }

    /// The wrapping key of (tenant key version, epoch), or `None` when the epoch's key
    /// was destroyed: the subject key is then as good as erased.
    async fn wrapping_for(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        version: i32,
        epoch: i32,
    ) -> AppResult<Option<DataKey>> {
        let epoch_key = match self.epoch_key(epoch) {
            Ok(key) => key,
            Err(CryptoError::EpochDestroyed(_)) => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        let tenant_key = self.tenant_key(conn, tenant_id, version).await?;
        Ok(Some(wrapping_key(&tenant_key, epoch_key.as_ref())))
    }

    fn cached(&self, tenant_id: Uuid, version: i32) -> Option<DataKey> {
        let cache = self.cache.lock().expect("key cache lock");
        cache
            .get(&(tenant_id, version))
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(key, _)| key.clone())
    }

    fn remember(&self, tenant_id: Uuid, version: i32, key: &DataKey) {
        let mut cache = self.cache.lock().expect("key cache lock");
        if cache.len() >= CACHE_CAPACITY {
            cache.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
            if cache.len() >= CACHE_CAPACITY {
                cache.clear();
            }
        }
        cache.insert((tenant_id, version), (key.clone(), Instant::now()));
    }

    /// Forgets every unwrapped key (after a rotation, or in tests).
    pub fn clear_cache(&self) {
        self.cache.lock().expect("key cache lock").clear();
    }

    /// Creates the tenant's first data key (at sign-up).
    pub async fn create_tenant_key(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
    ) -> AppResult<()> {
        self.insert_tenant_version(conn, tenant_id, 1)
            .await
            .map(|_| ())
    }

    async fn insert_tenant_version(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        version: i32,
    ) -> AppResult<DataKey> {
        let key = DataKey::generate();
        let master = self.master.current();
        let wrapped = master.wrap(&key, &tenant_key_context(tenant_id, version));
        sqlx::query!(
            "INSERT INTO tenant_keys (tenant_id, version, master_key_id, wrapped_key) VALUES ($1, $2, $3, $4)",
            tenant_id,
            version,
            master.key_id(),
            wrapped
        )
            .execute(&mut *conn)
            .await?;
        self.remember(tenant_id, version, &key);
        Ok(key)
    }

    async fn tenant_key(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        version: i32,
    ) -> AppResult<DataKey> {
        if let Some(key) = self.cached(tenant_id, version) {
            return Ok(key);
        }
        let (master_id, wrapped): (String, Vec<u8>) = {
            let r = sqlx::query!(
                "SELECT master_key_id, wrapped_key FROM tenant_keys WHERE version = $1",
                version
            )
            .fetch_one(&mut *conn)
            .await?;
            (r.master_key_id, r.wrapped_key)
        };
        let key = self
            .master
            .by_id(&master_id)?
            .unwrap(&wrapped, &tenant_key_context(tenant_id, version))?;
        self.remember(tenant_id, version, &key);
        Ok(key)
    }

    async fn current_version(conn: &mut PgConnection) -> AppResult<(i32, i64)> {
        Ok({
            let r = sqlx::query!(
                "SELECT version, wraps FROM tenant_keys ORDER BY version DESC LIMIT 1"
            )
            .fetch_one(&mut *conn)
            .await?;
            (r.version, r.wraps)
        })
    }

    /// The tenant's first data key, from which stable per-tenant keys are derived
    /// (blind indexes, audit pseudonyms, audit checkpoint signatures).
    pub async fn tenant_root_key(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
    ) -> AppResult<DataKey> {
        self.tenant_key(conn, tenant_id, 1).await
    }

    /// The tenant's blind-index key (from its first data key, so rotating the data
    /// key never changes an index).
    pub async fn index_key(&self, conn: &mut PgConnection, tenant_id: Uuid) -> AppResult<IndexKey> {
        Ok(IndexKey::derive_from(
            &self.tenant_key(conn, tenant_id, 1).await?,
        ))
    }

    /// A new key for a data subject (a contact, a user, an invitee).
    pub async fn create_subject_key(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        subject_id: Uuid,
    ) -> AppResult<DataKey> {
        let (mut version, wraps) = Self::current_version(conn).await?;
        if wraps >= ROTATE_AFTER_WRAPS {
            version += 1;
            tracing::info!(%tenant_id, version, "tenant key used often: starting a new version");
            self.insert_tenant_version(conn, tenant_id, version).await?;
        }
        let tenant_key = self.tenant_key(conn, tenant_id, version).await?;
        let (epoch, epoch_key) = self.current_epoch();
        let key = DataKey::generate();
        let wrapped = wrap_with(
            &wrapping_key(&tenant_key, epoch_key.as_ref()),
            &key,
            &subject_key_context(tenant_id, subject_id),
        );
        sqlx::query!(
            "INSERT INTO subject_keys (tenant_id, subject_id, tenant_key_version, wrapped_key, erasure_epoch) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, subject_id) DO UPDATE
             SET tenant_key_version = excluded.tenant_key_version, wrapped_key = excluded.wrapped_key,
                 erasure_epoch = excluded.erasure_epoch, encryptions = 0",
            tenant_id,
            subject_id,
            version,
            wrapped,
            epoch
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!(
            "UPDATE tenant_keys SET wraps = wraps + 1 WHERE version = $1",
            version
        )
        .execute(&mut *conn)
        .await?;
        Ok(key)
    }

    /// New keys for many subjects in two statements (imports, bulk seeding).
    pub async fn create_subject_keys(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        subject_ids: &[Uuid],
    ) -> AppResult<Vec<DataKey>> {
        let wrapper = self.bulk_wrapper(conn, tenant_id).await?;
        let keys: Vec<DataKey> = subject_ids.iter().map(|_| DataKey::generate()).collect();
        let wrapped: Vec<Vec<u8>> = subject_ids
            .iter()
            .zip(&keys)
            .map(|(id, key)| wrapper.wrap(*id, key))
            .collect();
        sqlx::query!(
            "INSERT INTO subject_keys (tenant_id, subject_id, tenant_key_version, wrapped_key, erasure_epoch)
             SELECT $1, t.id, $2, t.w, $5 FROM unnest($3::uuid[], $4::bytea[]) AS t(id, w)",
            tenant_id,
            wrapper.version,
            subject_ids,
            &wrapped,
            wrapper.epoch
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!(
            "UPDATE tenant_keys SET wraps = wraps + $2 WHERE version = $1",
            wrapper.version,
            subject_ids.len() as i64
        )
        .execute(&mut *conn)
        .await?;
        Ok(keys)
    }

    /// The subject's key; `KeyErased` once the subject was erased.
    pub async fn subject_key(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        subject_id: Uuid,
    ) -> AppResult<DataKey> {
        let mut keys = self.subject_keys(conn, tenant_id, &[subject_id]).await?;
        keys.remove(&subject_id)
            .ok_or_else(|| CryptoError::KeyErased.into())
    }

    /// The keys of several subjects at once (a list page); erased ones are absent, and
    /// so are those under an erasure epoch whose key was destroyed (an old backup).
    pub async fn subject_keys(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
        subject_ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, DataKey>> {
        let rows = sqlx::query_as!(
            WrappedSubjectKey,
            "SELECT subject_id, tenant_key_version, erasure_epoch, wrapped_key FROM subject_keys WHERE subject_id = ANY($1)",
            subject_ids
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut wrapping: HashMap<(i32, i32), Option<DataKey>> = HashMap::new();
        let mut keys = HashMap::with_capacity(rows.len());
        for row in rows {
            let (version, epoch) = (row.tenant_key_version, row.erasure_epoch);
            if let Entry::Vacant(slot) = wrapping.entry((version, epoch)) {
                let key = self.wrapping_for(conn, tenant_id, version, epoch).await?;
                if key.is_none() {
                    tracing::warn!(%tenant_id, epoch, "subject keys under a destroyed erasure epoch (a restored old backup?): unreadable");
                }
                slot.insert(key);
            }
            let Some(wrapping) = &wrapping[&(version, epoch)] else {
                continue;
            };
            let key = unwrap_with(
                wrapping,
                &row.wrapped_key,
                &subject_key_context(tenant_id, row.subject_id),
            )?;
            keys.insert(row.subject_id, key);
        }
        Ok(keys)
    }

    /// Wraps many new subject keys without a round trip each (bulk imports).
    async fn bulk_wrapper(
        &self,
        conn: &mut PgConnection,
        tenant_id: Uuid,
    ) -> AppResult<BulkWrapper> {
        let (version, _) = Self::current_version(conn).await?;
        let (epoch, epoch_key) = self.current_epoch();
        let tenant_key = self.tenant_key(conn, tenant_id, version).await?;
        Ok(BulkWrapper {
            tenant_id,
            version,
            epoch,
            wrapping: wrapping_key(&tenant_key, epoch_key.as_ref()),
        })
    }

    /// Counts field encryptions under a subject key.
    pub async fn count_encryptions(
        conn: &mut PgConnection,
        subject_id: Uuid,
        count: i64,
    ) -> AppResult<i64> {
        Ok(sqlx::query_scalar!(
            "UPDATE subject_keys SET encryptions = encryptions + $2 WHERE subject_id = $1 RETURNING encryptions",
            subject_id,
            count
        )
            .fetch_one(&mut *conn)
            .await?)
    }

    /// Crypto-shredding: without its key, every copy of the subject's data is noise.
    pub async fn destroy_subject_key(conn: &mut PgConnection, subject_id: Uuid) -> AppResult<()> {
        sqlx::query!("DELETE FROM subject_keys WHERE subject_id = $1", subject_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// Wraps subject keys under one tenant key version (see [`KeyStore::bulk_wrapper`]).
struct BulkWrapper {
    tenant_id: Uuid,
    version: i32,
    epoch: i32,
    wrapping: DataKey,
}

impl BulkWrapper {
    fn wrap(&self, subject_id: Uuid, key: &DataKey) -> Vec<u8> {
        wrap_with(
            &self.wrapping,
            key,
            &subject_key_context(self.tenant_id, subject_id),
        )
    }
}
