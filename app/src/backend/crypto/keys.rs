//! Key material and key wrapping.

use super::CryptoError;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use zeroize::Zeroizing;

/// A 256-bit key. Zeroized on drop; never printed, never serialised.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self(bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(array)))
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// A separate key for one purpose (HKDF-SHA256 with a distinct label).
    pub fn derive(&self, label: &str) -> DataKey {
        let hk = Hkdf::<Sha256>::new(None, self.0.as_ref());
        let mut out = Zeroizing::new([0u8; 32]);
        hk.expand(label.as_bytes(), out.as_mut())
            .expect("32 bytes is a valid HKDF length");
        DataKey(out)
    }

    /// A key that needs both this one and `other` (HKDF-SHA256 over both).
    pub fn join(&self, other: &DataKey, label: &str) -> DataKey {
        let both = Zeroizing::new([self.0.as_slice(), other.0.as_slice()].concat());
        let hk = Hkdf::<Sha256>::new(None, &both);
        let mut out = Zeroizing::new([0u8; 32]);
        hk.expand(label.as_bytes(), out.as_mut())
            .expect("32 bytes is a valid HKDF length");
        DataKey(out)
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

const WRAP_NONCE: usize = 12;

/// AES-256-GCM key wrapping: `[nonce][wrapped key + tag]`, bound to `context`.
pub fn wrap_with(kek: &DataKey, key: &DataKey, context: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new_from_slice(kek.expose()).expect("32-byte key");
    let mut nonce = [0u8; WRAP_NONCE];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: key.expose(),
                aad: context,
            },
        )
        .expect("wrapping cannot fail");
    [nonce.as_slice(), &sealed].concat()
}

pub fn unwrap_with(kek: &DataKey, wrapped: &[u8], context: &[u8]) -> Result<DataKey, CryptoError> {
    if wrapped.len() != WRAP_NONCE + 32 + 16 {
        return Err(CryptoError::Truncated);
    }
    let cipher = Aes256Gcm::new_from_slice(kek.expose()).expect("32-byte key");
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                Nonce::from_slice(&wrapped[..WRAP_NONCE]),
                Payload {
                    msg: &wrapped[WRAP_NONCE..],
                    aad: context,
                },
            )
            .map_err(|_| CryptoError::Authentication)?,
    );
    DataKey::from_bytes(&plain).ok_or(CryptoError::Truncated)
}

/// What wraps tenant keys: the local master key today, a KMS later.
pub trait KeyWrapper: Send + Sync {
    /// A stable, non-secret identifier stored beside what it wrapped.
    fn key_id(&self) -> &str;
    fn wrap(&self, key: &DataKey, context: &[u8]) -> Vec<u8>;
    fn unwrap(&self, wrapped: &[u8], context: &[u8]) -> Result<DataKey, CryptoError>;
}

/// A master key held in process memory (from `TESSERA_MASTER_KEY` or a key file).
pub struct LocalMasterKey {
    key: DataKey,
    id: String,
}

impl LocalMasterKey {
    pub fn new(key: DataKey) -> Self {
        let digest = Sha256::new_with_prefix(b"tessera.master-key-id.v1")
            .chain_update(key.expose())
            .finalize();
        let id = format!("local:{}", hex(&digest[..8]));
        Self { key, id }
    }

    /// From base64, as in `TESSERA_MASTER_KEY`.
    pub fn from_base64(encoded: &str) -> Option<Self> {
        use base64::Engine as _;
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()?,
        );
        DataKey::from_bytes(&bytes).map(Self::new)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl KeyWrapper for LocalMasterKey {
    fn key_id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, key: &DataKey, context: &[u8]) -> Vec<u8> {
        wrap_with(&self.key.derive("tessera.master.wrap.v1"), key, context)
    }

    fn unwrap(&self, wrapped: &[u8], context: &[u8]) -> Result<DataKey, CryptoError> {
        unwrap_with(&self.key.derive("tessera.master.wrap.v1"), wrapped, context)
    }
}

/// The current master key and, during a master-key rotation, the previous ones.
#[derive(Clone)]
pub struct MasterKeyRing {
    current: Arc<dyn KeyWrapper>,
    previous: Vec<Arc<dyn KeyWrapper>>,
}

impl MasterKeyRing {
    pub fn new(current: Arc<dyn KeyWrapper>, previous: Vec<Arc<dyn KeyWrapper>>) -> Self {
        Self { current, previous }
    }

    pub fn current(&self) -> &dyn KeyWrapper {
        self.current.as_ref()
    }

    pub fn by_id(&self, id: &str) -> Result<&dyn KeyWrapper, CryptoError> {
        std::iter::once(&self.current)
            .chain(self.previous.iter())
            .find(|k| k.key_id() == id)
            .map(|k| k.as_ref())
            .ok_or_else(|| CryptoError::UnknownMasterKey(id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_round_trips_and_is_bound_to_its_context() {
        let master = LocalMasterKey::new(DataKey::generate());
        let key = DataKey::generate();
        let wrapped = master.wrap(&key, b"tenant-a/1");
        assert_eq!(
            master.unwrap(&wrapped, b"tenant-a/1").unwrap().expose(),
            key.expose()
        );
        assert_eq!(
            master.unwrap(&wrapped, b"tenant-b/1").unwrap_err(),
            CryptoError::Authentication
        );
        let other = LocalMasterKey::new(DataKey::generate());
        assert_eq!(
            other.unwrap(&wrapped, b"tenant-a/1").unwrap_err(),
            CryptoError::Authentication
        );
        assert_ne!(master.key_id(), other.key_id());
    }

    #[test]
    fn derived_keys_differ_by_label_and_are_deterministic() {
        let key = DataKey::generate();
        assert_eq!(key.derive("a").expose(), key.derive("a").expose());
        assert_ne!(key.derive("a").expose(), key.derive("b").expose());
        assert_ne!(key.derive("a").expose(), key.expose());
    }

    #[test]
    fn a_joined_key_needs_both_keys() {
        let (a, b, c) = (
            DataKey::generate(),
            DataKey::generate(),
            DataKey::generate(),
        );
        assert_eq!(a.join(&b, "x").expose(), a.join(&b, "x").expose());
        assert_ne!(a.join(&b, "x").expose(), a.join(&c, "x").expose());
        assert_ne!(a.join(&b, "x").expose(), c.join(&b, "x").expose());
        assert_ne!(a.join(&b, "x").expose(), a.join(&b, "y").expose());
    }

    #[test]
    fn keys_never_print() {
        let key = DataKey::generate();
        assert_eq!(format!("{key:?}"), "DataKey(<redacted>)");
    }

    #[test]
    fn master_key_from_base64() {
        assert!(
            LocalMasterKey::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_some()
        );
        assert!(LocalMasterKey::from_base64("c2hvcnQ=").is_none());
    }
}
