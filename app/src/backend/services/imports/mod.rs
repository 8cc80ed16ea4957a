//! Importing contacts from CSV: upload (the file is sealed under the import's own
//! key), a mapping suggested from the headers, then a background job that imports
//! in one transaction — cancelling or failing leaves nothing — and reports every
//! bad row by line and column. An import can be undone, its updates included.

mod mapping;
mod parse;
mod run;
pub mod storage;

pub use run::run_job;

use crate::backend::jobs::{self, JobKind};
use crate::backend::Scope;
use crate::model::imports::{
    ImportDraft, ImportField, ImportProgress, ImportReport, ImportSettings, ImportState,
    PREVIEW_ROWS,
};
use crate::model::permission::{Action, Area};
use crate::{AppError, AppResult};
use storage::{NewImport, TABLE};
use uuid::Uuid;

/// Files beyond this are refused (about a million rows of a typical export).
pub const MAX_FILE_BYTES: usize = 128 * 1024 * 1024;

/// The sealed columns' names.
mod column {
    pub const FILE: &str = "file";
    pub const COLUMNS: &str = "columns";
}

/// Stores an uploaded file and suggests a mapping.
pub async fn upload(scope: &mut Scope, bytes: &[u8]) -> AppResult<ImportDraft> {
    scope.require(Area::Contacts, Action::Create)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::BadRequest);
    }
    let table = parse::read(bytes)?;
    let (text, _) = parse::decode(bytes);
    let id = Uuid::now_v7();
    let key = scope.create_subject_key(id).await?;
    let cipher = scope.cipher(&key, TABLE, id);
    let delimiter = (table.delimiter as char).to_string();
    let new = NewImport {
        id,
        file: cipher.seal(column::FILE, &text),
        columns: cipher.seal_json(column::COLUMNS, &table.header),
        delimiter: &delimiter,
        encoding: table.encoding,
        row_count: table.rows.len() as i32,
        created_by: scope.user_id(),
    };
    let tenant_id = scope.tenant_id();
    storage::insert(scope.conn(), tenant_id, new).await?;
    draft(scope, id).await
}

/// The file's header, first rows and mapping, for the mapping page.
pub async fn draft(scope: &mut Scope, id: Uuid) -> AppResult<ImportDraft> {
    scope.require(Area::Contacts, Action::Create)?;
    let row = storage::get(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = scope.subject_key(id).await?;
    let cipher = scope.cipher(&key, TABLE, id);
    let columns: Vec<String> = cipher.open_json(column::COLUMNS, &row.columns_ct)?;
    let preview = match &row.file_ct {
        Some(ct) => {
            let text = cipher.open(column::FILE, ct)?;
            parse::read(text.as_bytes())?
                .rows
                .into_iter()
                .take(PREVIEW_ROWS)
                .map(|(_, cells)| cells)
                .collect()
        }
        None => Vec::new(),
    };
    let settings = row.settings()?.unwrap_or_else(|| ImportSettings {
        fields: columns.iter().map(|c| ImportField::suggest(c)).collect(),
        ..Default::default()
    });
    Ok(ImportDraft {
        id,
        columns,
        preview,
        settings,
        row_count: row.row_count as usize,
        encoding: row.encoding.clone(),
        delimiter: row.delimiter.clone(),
        state: row.state(),
        job: row.job_id,
        created_at: row.created_at,
    })
}

/// Starts the import with the chosen mapping; it runs in the background.
pub async fn start(scope: &mut Scope, id: Uuid, settings: &ImportSettings) -> AppResult<Uuid> {
    scope.require(Area::Contacts, Action::Create)?;
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.state() != ImportState::Draft {
        return Err(AppError::Conflict);
    }
    let columns = draft(scope, id).await?.columns.len();
    let mut errors = crate::model::validation::FieldErrors::new();
    if settings.fields.len() != columns {
        errors.add("fields", crate::model::validation::Problem::InvalidChoice);
    }
    let names = settings
        .fields
        .iter()
        .any(|f| matches!(f, ImportField::LastName | ImportField::FullName));
    if !names {
        errors.add("fields", crate::model::validation::Problem::Required);
    }
    errors.into_result()?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    let payload = serde_json::json!({ "import": id });
    let job = jobs::enqueue(scope.conn(), tenant_id, me, JobKind::Import, payload).await?;
    storage::start(scope.conn(), id, settings, job).await?;
    Ok(job)
}

/// Where the import stands, from its job.
pub async fn progress(scope: &mut Scope, id: Uuid) -> AppResult<ImportProgress> {
    scope.require(Area::Contacts, Action::Create)?;
    let row = storage::get(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(job) = row.job_id else {
        return Ok(ImportProgress {
            state: row.state(),
            done: 0,
            total: row.row_count as i64,
            report: None,
            error: None,
        });
    };
    let status = jobs::status(scope.conn(), job)
        .await?
        .ok_or(AppError::NotFound)?;
    let state = match (row.state(), status.state.as_str()) {
        (ImportState::Undone, _) => ImportState::Undone,
        (_, "done") => ImportState::Done,
        (_, "failed") => ImportState::Failed,
        (_, "cancelled") => ImportState::Cancelled,
        _ => ImportState::Running,
    };
    let report: Option<ImportReport> = status
        .result
        .map(serde_json::from_value)
        .transpose()
        .map_err(|_| AppError::Internal)?;
    Ok(ImportProgress {
        state,
        done: status.done,
        total: status.total.max(row.row_count as i64),
        report,
        error: status.error,
    })
}

pub async fn cancel(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Contacts, Action::Create)?;
    let row = storage::get(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let job = row.job_id.ok_or(AppError::Conflict)?;
    jobs::request_cancel(scope.conn(), job).await
}

pub use run::undo;
