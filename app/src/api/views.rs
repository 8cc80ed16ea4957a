//! Saved list views.

use crate::model::views::{SavedView, SavedViewInput, ViewArea};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::views};

#[server(prefix = "/rpc", endpoint = "views/list")]
pub async fn list_views(area: ViewArea) -> Result<Vec<SavedView>, AppError> {
    in_scope(async |s| views::list(s, area).await).await
}

#[server(prefix = "/rpc", endpoint = "views/save")]
pub async fn save_view(input: SavedViewInput) -> Result<SavedView, AppError> {
    in_scope(async |s| views::save(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "views/delete")]
pub async fn delete_view(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| views::delete(s, id).await).await
}
