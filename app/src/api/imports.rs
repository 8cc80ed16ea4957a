//! Importing contacts from CSV (the upload itself is a plain form post to
//! `/imports`, see the server's http module).

use crate::model::imports::{ImportDraft, ImportProgress, ImportSettings};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::imports};

#[server(prefix = "/rpc", endpoint = "imports/draft")]
pub async fn load_import(id: Uuid) -> Result<ImportDraft, AppError> {
    in_scope(async |s| imports::draft(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "imports/start")]
pub async fn start_import(id: Uuid, settings: ImportSettings) -> Result<Uuid, AppError> {
    in_scope(async |s| imports::start(s, id, &settings).await).await
}

#[server(prefix = "/rpc", endpoint = "imports/progress")]
pub async fn load_import_progress(id: Uuid) -> Result<ImportProgress, AppError> {
    in_scope(async |s| imports::progress(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "imports/cancel")]
pub async fn cancel_import(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| imports::cancel(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "imports/undo")]
pub async fn undo_import(id: Uuid) -> Result<usize, AppError> {
    in_scope(async |s| imports::undo(s, id).await).await
}
