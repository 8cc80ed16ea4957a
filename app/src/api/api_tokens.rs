//! API tokens on the security page: listing, creating (the secret comes back once)
//! and revoking the user's own tokens.

use crate::model::api_tokens::{ApiTokenInput, ApiTokenSummary, CreatedApiToken};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::api_tokens};

#[server(prefix = "/rpc", endpoint = "account/api-tokens")]
pub async fn load_api_tokens() -> Result<Vec<ApiTokenSummary>, AppError> {
    in_scope(async |s| api_tokens::list(s).await).await
}

#[server(prefix = "/rpc", endpoint = "account/api-tokens/create")]
pub async fn create_api_token(input: ApiTokenInput) -> Result<CreatedApiToken, AppError> {
    in_scope(async |s| api_tokens::create(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "account/api-tokens/revoke")]
pub async fn revoke_api_token(token_id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| api_tokens::revoke(s, token_id).await).await
}
