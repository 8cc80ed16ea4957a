//! Encryption key administration.

use crate::AppError;
use leptos::prelude::*;

pub use crate::model::identity::KeyRotation;

#[cfg(feature = "ssr")]
use {super::support::*, crate::backend::services::keys};

/// Rotates this workspace's data key (owners and administrators).
#[server(prefix = "/rpc", endpoint = "keys/rotate")]
pub async fn rotate_workspace_key() -> Result<KeyRotation, AppError> {
    respond(async { keys::rotate_workspace_key(open_scope().await?).await }.await)
}
