//! Field-level encryption of personal data.
//!
//! Key hierarchy (see docs/security.md):
//! - the master key (key-encryption key) wraps each tenant's data keys;
//! - a tenant data key (versioned, rotatable) wraps each data subject's key;
//! - a data subject's key (one per contact or user) encrypts that subject's fields;
//!   it is wrapped under the tenant key joined with an erasure-epoch key kept outside
//!   the database ([`epochs`]), so that erasure reaches backups;
//! - a tenant index key (derived from the tenant's first data key) keys the blind indexes.
//!
//! Values are AES-256-GCM with a fresh 96-bit nonce and associated data binding them
//! to tenant, table, column and row. Plaintext exists only in memory during a request.

pub mod blind_index;
pub mod cipher;
pub mod epochs;
pub mod keys;
pub mod keystore;
pub mod record;

pub use blind_index::{fold, IndexKey};
pub use cipher::{decrypt_field, encrypt_field, FieldContext};
pub use keys::{DataKey, KeyWrapper, LocalMasterKey, MasterKeyRing};
pub use keystore::KeyStore;
pub use record::{open_rows, RecordCipher};

/// Why a cryptographic operation failed. Carries no key material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("unsupported ciphertext format {0}")]
    UnknownFormat(u8),
    #[error("ciphertext is for key version {found}, but the key is version {expected}")]
    WrongKeyVersion { expected: u32, found: u32 },
    #[error("ciphertext is truncated")]
    Truncated,
    #[error("authentication failed: wrong key, wrong context or tampered data")]
    Authentication,
    #[error("no master key with id {0} is configured")]
    UnknownMasterKey(String),
    #[error("the data subject's key no longer exists (erased)")]
    KeyErased,
    #[error("the erasure epoch {0} key was destroyed")]
    EpochDestroyed(i32),
    #[error("a key is under erasure epoch {0}, but no erasure directory is configured")]
    EpochsNotConfigured(i32),
    #[error("decrypted text is not UTF-8")]
    NotUtf8,
}

impl From<CryptoError> for crate::AppError {
    fn from(err: CryptoError) -> Self {
        match err {
            // A row of someone erased (from a restored backup, or read while the erasure
            // ran): the person is gone, which is not a fault of the server.
            CryptoError::KeyErased => {
                tracing::warn!(error = %err, "a record of an erased subject was asked for");
                crate::AppError::NotFound
            }
            _ => {
                tracing::error!(error = %err, "cryptographic failure");
                crate::AppError::Internal
            }
        }
    }
}
