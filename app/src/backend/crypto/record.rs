//! Sealing and opening the fields of one record under its subject key.

use super::cipher::{decrypt_text, encrypt_field, FieldContext};
use super::{DataKey, KeyStore};
use crate::AppResult;
use sqlx::PgConnection;
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

    /// Seals a structured value (lists, addresses) as JSON.
    pub fn seal_json<T: serde::Serialize>(&self, column: &str, value: &T) -> Vec<u8> {
        self.seal(
            column,
            &serde_json::to_string(value).expect("values serialise"),
        )
    }

    pub fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        column: &str,
        ciphertext: &[u8],
    ) -> AppResult<T> {
        serde_json::from_str(&self.open(column, ciphertext)?).map_err(|_| {
            tracing::error!(column, "sealed JSON does not parse");
            crate::AppError::Internal
        })
    }

    /// `T::default()` for a value never stored.
    pub fn open_json_or_default<T: serde::de::DeserializeOwned + Default>(
        &self,
        column: &str,
        ciphertext: Option<&[u8]>,
    ) -> AppResult<T> {
        ciphertext
            .map(|c| self.open_json(column, c))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    pub fn open_optional(
        &self,
        column: &str,
        ciphertext: Option<&[u8]>,
    ) -> AppResult<Option<String>> {
        ciphertext.map(|c| self.open(column, c)).transpose()
    }
}

/// Opens many sealed rows of `table` with one batch of key lookups. `subject` names,
/// for each row, the data subject whose key sealed it and the row id its fields are
/// bound to; rows whose key was erased are skipped, and so are rows whose fields do
/// not open (tampered, moved or corrupted ciphertext): one bad row must not hide a
/// whole list. The operator's log names the row, never its content. Order is kept.
pub async fn open_rows<R, T>(
    keys: &KeyStore,
    conn: &mut PgConnection,
    tenant_id: Uuid,
    table: &'static str,
    rows: Vec<R>,
    subject: impl Fn(&R) -> (Uuid, Uuid),
    open: impl Fn(&RecordCipher<'_>, R) -> AppResult<T>,
) -> AppResult<Vec<T>> {
    let subjects: Vec<Uuid> = rows.iter().map(|row| subject(row).0).collect();
    let subject_keys = keys.subject_keys(conn, tenant_id, &subjects).await?;
    let mut opened = Vec::with_capacity(rows.len());
    for row in rows {
        let (subject_id, row_id) = subject(&row);
        let Some(key) = subject_keys.get(&subject_id) else {
            continue;
        };
        let cipher = RecordCipher {
            key,
            tenant_id,
            table,
            row_id,
        };
        match open(&cipher, row) {
            Ok(item) => opened.push(item),
            Err(_) => {
                tracing::warn!(table, %row_id, "row left out of a list: its fields do not open")
            }
        }
    }
    Ok(opened)
}
