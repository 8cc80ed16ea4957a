//! The interaction timeline of contacts and organisations.

use crate::model::timeline::{Interaction, InteractionInput, TimelinePage, TimelineQuery};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::timeline};

#[server(prefix = "/rpc", endpoint = "timeline/list")]
pub async fn list_timeline(query: TimelineQuery) -> Result<TimelinePage, AppError> {
    in_scope(async |s| timeline::list(s, &query).await).await
}

#[server(prefix = "/rpc", endpoint = "timeline/get")]
pub async fn get_interaction(id: Uuid) -> Result<Interaction, AppError> {
    in_scope(async |s| timeline::get(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "timeline/create")]
pub async fn log_interaction(input: InteractionInput) -> Result<Interaction, AppError> {
    in_scope(async |s| timeline::create(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "timeline/update")]
pub async fn update_interaction(
    id: Uuid,
    version: i32,
    input: InteractionInput,
) -> Result<Interaction, AppError> {
    in_scope(async |s| timeline::update(s, id, version, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "timeline/delete")]
pub async fn delete_interaction(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| timeline::delete(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "timeline/share")]
pub async fn share_interaction(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| timeline::share(s, id).await).await
}
