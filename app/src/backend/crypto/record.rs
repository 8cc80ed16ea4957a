//! Sealing and opening the fields of one record under its subject key.

use super::cipher::{decrypt_text, encrypt_field, FieldContext};
use super::DataKey;
use crate::AppResult;
use uuid::Uuid;

/// Subject keys are replaced, not versioned in place, so their values carry version 1.
pub const SUBJECT_KEY_VERSION: u32 = 1;

/// The fields of one row of `table`, all under one data subject's key.
pub struct RecordCipher<'a> {
    pub key: &'a DataKey,
    pub tenant_id: Uuid,
    pub table: &'static str,
    pub row_id: Uuid,
}

impl RecordCipher<'_> {
    fn context<'c>(&self, column: &'c str) -> FieldContext<'c>
    where
        Self: 'c,
    {
        FieldContext {
            tenant_id: self.tenant_id,
            table: self.table,
            column,
            row_id: self.row_id,
        }
    }

    pub fn seal(&self, column: &str, value: &str) -> Vec<u8> {
        encrypt_field(
            self.key,
            SUBJECT_KEY_VERSION,
            &self.context(column),
            value.as_bytes(),
        )
    }

    /// `None` for an empty value: absent fields stay NULL.
    pub fn seal_optional(&self, column: &str, value: &str) -> Option<Vec<u8>> {
        (!value.is_empty()).then(|| self.seal(column, value))
    }

    pub fn open(&self, column: &str, ciphertext: &[u8]) -> AppResult<String> {
        Ok(decrypt_text(
            self.key,
            SUBJECT_KEY_VERSION,
            &self.context(column),
            ciphertext,
        )?)
    }

    pub fn open_optional(
        &self,
        column: &str,
        ciphertext: Option<&[u8]>,
    ) -> AppResult<Option<String>> {
        ciphertext.map(|c| self.open(column, c)).transpose()
    }
}
