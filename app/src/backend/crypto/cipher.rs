//! The ciphertext format of a field:
//!
//! ```text
//! [format = 1 : u8][key version : u32 BE][nonce : 12 bytes][ciphertext + 16-byte tag]
//! ```
//!
//! The associated data binds a value to where it belongs, so a ciphertext copied to
//! another row, column or tenant fails to decrypt instead of showing the wrong data.

use super::{CryptoError, DataKey};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use uuid::Uuid;

const FORMAT_V1: u8 = 1;
const HEADER: usize = 1 + 4 + 12;

/// Where a value lives: it is authenticated with the value.
#[derive(Debug, Clone, Copy)]
pub struct FieldContext<'a> {
    pub tenant_id: Uuid,
    pub table: &'a str,
    pub column: &'a str,
    pub row_id: Uuid,
}

impl FieldContext<'_> {
    fn associated_data(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(64 + self.table.len() + self.column.len());
        aad.extend_from_slice(b"tessera.field.v1\0");
        aad.extend_from_slice(self.tenant_id.as_bytes());
        aad.extend_from_slice(self.table.as_bytes());
        aad.push(0);
        aad.extend_from_slice(self.column.as_bytes());
        aad.push(0);
        aad.extend_from_slice(self.row_id.as_bytes());
        aad
    }
}

/// Encrypts with a fresh random nonce (never reused: 96 random bits per value, and a
/// subject key encrypts only that subject's few fields).
pub fn encrypt_field(
    key: &DataKey,
    key_version: u32,
    ctx: &FieldContext,
    plaintext: &[u8],
) -> Vec<u8> {
    let cipher = Aes256Gcm::new_from_slice(key.expose()).expect("32-byte key");
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let aad = ctx.associated_data();
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .expect("AES-GCM encryption of a bounded field cannot fail");
    let mut out = Vec::with_capacity(HEADER + sealed.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(&key_version.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// The key version a ciphertext names, read without decrypting.
pub fn key_version_of(ciphertext: &[u8]) -> Result<u32, CryptoError> {
    match ciphertext.first() {
        None => Err(CryptoError::Truncated),
        Some(&FORMAT_V1) if ciphertext.len() >= HEADER + 16 => Ok(u32::from_be_bytes(
            ciphertext[1..5].try_into().expect("4 bytes"),
        )),
        Some(&FORMAT_V1) => Err(CryptoError::Truncated),
        Some(&other) => Err(CryptoError::UnknownFormat(other)),
    }
}

pub fn decrypt_field(
    key: &DataKey,
    key_version: u32,
    ctx: &FieldContext,
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let found = key_version_of(ciphertext)?;
    if found != key_version {
        return Err(CryptoError::WrongKeyVersion {
            expected: key_version,
            found,
        });
    }
    let cipher = Aes256Gcm::new_from_slice(key.expose()).expect("32-byte key");
    let aad = ctx.associated_data();
    cipher
        .decrypt(
            Nonce::from_slice(&ciphertext[5..HEADER]),
            Payload {
                msg: &ciphertext[HEADER..],
                aad: &aad,
            },
        )
        .map_err(|_| CryptoError::Authentication)
}

pub fn decrypt_text(
    key: &DataKey,
    key_version: u32,
    ctx: &FieldContext,
    ciphertext: &[u8],
) -> Result<String, CryptoError> {
    String::from_utf8(decrypt_field(key, key_version, ctx, ciphertext)?)
        .map_err(|_| CryptoError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(tenant: Uuid, column: &'static str, row: Uuid) -> FieldContext<'static> {
        FieldContext {
            tenant_id: tenant,
            table: "contacts",
            column,
            row_id: row,
        }
    }

    #[test]
    fn round_trip_with_a_fresh_nonce_each_time() {
        let key = DataKey::generate();
        let (t, r) = (Uuid::now_v7(), Uuid::now_v7());
        let a = encrypt_field(&key, 1, &ctx(t, "first_name", r), "Jörg".as_bytes());
        let b = encrypt_field(&key, 1, &ctx(t, "first_name", r), "Jörg".as_bytes());
        assert_ne!(a, b, "same plaintext, different ciphertext");
        assert_eq!(
            decrypt_text(&key, 1, &ctx(t, "first_name", r), &a).unwrap(),
            "Jörg"
        );
        assert_eq!(a.len(), HEADER + "Jörg".len() + 16);
    }

    #[test]
    fn moved_ciphertext_fails() {
        let key = DataKey::generate();
        let (t, r) = (Uuid::now_v7(), Uuid::now_v7());
        let sealed = encrypt_field(&key, 1, &ctx(t, "first_name", r), b"Anna");
        let other_row = ctx(t, "first_name", Uuid::now_v7());
        let other_column = ctx(t, "last_name", r);
        let other_tenant = ctx(Uuid::now_v7(), "first_name", r);
        let other_table = FieldContext {
            table: "users",
            ..ctx(t, "first_name", r)
        };
        for wrong in [other_row, other_column, other_tenant, other_table] {
            assert_eq!(
                decrypt_field(&key, 1, &wrong, &sealed),
                Err(CryptoError::Authentication)
            );
        }
    }

    #[test]
    fn tampering_and_wrong_keys_fail_clearly() {
        let key = DataKey::generate();
        let c = ctx(Uuid::now_v7(), "email", Uuid::now_v7());
        let sealed = encrypt_field(&key, 3, &c, b"anna@example.de");
        for i in [HEADER, sealed.len() - 1, 7] {
            let mut flipped = sealed.clone();
            flipped[i] ^= 0x01;
            assert_eq!(
                decrypt_field(&key, 3, &c, &flipped),
                Err(CryptoError::Authentication),
                "bit flip at {i}"
            );
        }
        assert_eq!(
            decrypt_field(&DataKey::generate(), 3, &c, &sealed),
            Err(CryptoError::Authentication)
        );
        assert_eq!(
            decrypt_field(&key, 4, &c, &sealed),
            Err(CryptoError::WrongKeyVersion {
                expected: 4,
                found: 3
            })
        );
        assert_eq!(
            decrypt_field(&key, 3, &c, &sealed[..10]),
            Err(CryptoError::Truncated)
        );
        let mut future = sealed.clone();
        future[0] = 9;
        assert_eq!(
            decrypt_field(&key, 3, &c, &future),
            Err(CryptoError::UnknownFormat(9))
        );
    }
}
