//! Duplicates: the scan, the merge preview, merging and undoing.

use crate::model::contacts::Contact;
use crate::model::duplicates::{DuplicateGroup, MergePreview, MergeRecord, MergeRequest};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::support::in_scope,
    crate::backend::services::duplicates::{self, merge},
};

#[server(prefix = "/rpc", endpoint = "duplicates")]
pub async fn scan_duplicates() -> Result<Vec<DuplicateGroup>, AppError> {
    in_scope(async |s| duplicates::scan(s).await).await
}

#[server(prefix = "/rpc", endpoint = "merge/preview")]
pub async fn preview_merge(survivor: Uuid, duplicate: Uuid) -> Result<MergePreview, AppError> {
    in_scope(async |s| merge::preview(s, survivor, duplicate).await).await
}

#[server(prefix = "/rpc", endpoint = "merge")]
pub async fn merge_contacts(request: MergeRequest) -> Result<Contact, AppError> {
    in_scope(async |s| merge::merge(s, &request).await).await
}

#[server(prefix = "/rpc", endpoint = "merge/undo")]
pub async fn undo_merge(id: Uuid) -> Result<Contact, AppError> {
    in_scope(async |s| merge::undo(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "merge/history")]
pub async fn merge_history(survivor: Uuid) -> Result<Vec<MergeRecord>, AppError> {
    in_scope(async |s| merge::history(s, survivor).await).await
}
