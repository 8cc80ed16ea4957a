//! Imports at rest: the sealed file and header, the chosen settings, and the rows an
//! import created or changed (with the state before, sealed under the contact's key).

use crate::model::imports::{ImportSettings, ImportState};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const TABLE: &str = "imports";

pub struct ImportRow {
    pub import_id: Uuid,
    pub file_ct: Option<Vec<u8>>,
    pub columns_ct: Vec<u8>,
    pub delimiter: String,
    pub encoding: String,
    pub row_count: i32,
    pub settings: Option<serde_json::Value>,
    pub job_id: Option<Uuid>,
    pub state: String,
    pub created_by: Uuid,
    pub created_at: OffsetDateTime,
}

impl ImportRow {
    pub fn state(&self) -> ImportState {
        ImportState::parse(&self.state).unwrap_or_default()
    }

    pub fn settings(&self) -> AppResult<Option<ImportSettings>> {
        self.settings
            .clone()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|_| AppError::Internal)
    }
}

pub struct NewImport<'a> {
    pub id: Uuid,
    pub file: Vec<u8>,
    pub columns: Vec<u8>,
    pub delimiter: &'a str,
    pub encoding: &'a str,
    pub row_count: i32,
    pub created_by: Uuid,
}

pub async fn insert(conn: &mut PgConnection, tenant_id: Uuid, new: NewImport<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO imports (tenant_id, import_id, file_ct, columns_ct, delimiter, encoding, row_count, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant_id,
        new.id,
        new.file,
        new.columns,
        new.delimiter,
        new.encoding,
        new.row_count,
        new.created_by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The import as it is (never waits for a running import's lock).
pub async fn get(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<ImportRow>> {
    Ok(sqlx::query_as!(
        ImportRow,
        "SELECT import_id, file_ct, columns_ct, delimiter, encoding, row_count, settings, job_id, state,
                created_by, created_at
         FROM imports WHERE import_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// The import, locked until the transaction ends (starting, running, undoing).
pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<ImportRow>> {
    Ok(sqlx::query_as!(
        ImportRow,
        "SELECT import_id, file_ct, columns_ct, delimiter, encoding, row_count, settings, job_id, state,
                created_by, created_at
         FROM imports WHERE import_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn start(
    conn: &mut PgConnection,
    id: Uuid,
    settings: &ImportSettings,
    job: Uuid,
) -> AppResult<()> {
    let settings = serde_json::to_value(settings).map_err(|_| AppError::Internal)?;
    sqlx::query!(
        "UPDATE imports SET settings = $2, job_id = $3, state = 'running' WHERE import_id = $1",
        id,
        settings,
        job
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_state(conn: &mut PgConnection, id: Uuid, state: ImportState) -> AppResult<()> {
    sqlx::query!(
        "UPDATE imports SET state = $2 WHERE import_id = $1",
        id,
        state.code()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The file is not needed once imported: its ciphertext goes.
pub async fn forget_file(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!("UPDATE imports SET file_ct = NULL WHERE import_id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn record_rows(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    contacts: &[Uuid],
    created: &[bool],
    before: &[Option<Vec<u8>>],
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO import_rows (tenant_id, import_id, contact_id, created, before_ct)
         SELECT $1, $2, r.id, r.created, r.before FROM unnest($3::uuid[], $4::boolean[], $5::bytea[]) AS r(id, created, before)
         ON CONFLICT DO NOTHING",
        tenant_id,
        id,
        contacts,
        created,
        before as &[Option<Vec<u8>>]
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct ImportedRow {
    pub contact_id: Uuid,
    pub created: bool,
    pub before_ct: Option<Vec<u8>>,
}

pub async fn rows(conn: &mut PgConnection, id: Uuid) -> AppResult<Vec<ImportedRow>> {
    Ok(sqlx::query_as!(
        ImportedRow,
        "SELECT contact_id, created, before_ct FROM import_rows WHERE import_id = $1",
        id
    )
    .fetch_all(conn)
    .await?)
}
