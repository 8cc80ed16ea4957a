//! Webhooks on the settings page: subscriptions (the secret comes back once, on
//! creating and rotating), their delivery log and redelivery.

use crate::model::webhooks::{DeliverySummary, WebhookInput, WebhookSecret, WebhookSummary};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::webhooks};

#[server(prefix = "/rpc", endpoint = "webhooks")]
pub async fn load_webhooks() -> Result<Vec<WebhookSummary>, AppError> {
    in_scope(async |s| webhooks::list(s).await).await
}

#[server(prefix = "/rpc", endpoint = "webhooks/create")]
pub async fn create_webhook(input: WebhookInput) -> Result<WebhookSecret, AppError> {
    in_scope(async |s| webhooks::create(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "webhooks/update")]
pub async fn update_webhook(
    webhook_id: Uuid,
    input: WebhookInput,
    enabled: bool,
) -> Result<WebhookSummary, AppError> {
    in_scope(async |s| webhooks::update(s, webhook_id, &input, enabled).await).await
}

#[server(prefix = "/rpc", endpoint = "webhooks/rotate")]
pub async fn rotate_webhook_secret(webhook_id: Uuid) -> Result<WebhookSecret, AppError> {
    in_scope(async |s| webhooks::rotate_secret(s, webhook_id).await).await
}

#[server(prefix = "/rpc", endpoint = "webhooks/delete")]
pub async fn delete_webhook(webhook_id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| webhooks::delete(s, webhook_id).await).await
}

#[server(prefix = "/rpc", endpoint = "webhooks/deliveries")]
pub async fn load_webhook_deliveries(webhook_id: Uuid) -> Result<Vec<DeliverySummary>, AppError> {
    in_scope(async |s| webhooks::deliveries(s, webhook_id).await).await
}

#[server(prefix = "/rpc", endpoint = "webhooks/redeliver")]
pub async fn redeliver_webhook(delivery_id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| webhooks::redeliver(s, delivery_id).await).await
}
