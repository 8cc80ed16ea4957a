//! API tokens on the security page: listing, creating (the secret comes back once)
//! and revoking the user's own tokens; on the team page, tokens that owners and
//! administrators make for colleagues (integration users).

use crate::model::api_tokens::{ApiTokenInput, ApiTokenSummary, CreatedApiToken, IssuedApiToken};
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

#[server(prefix = "/rpc", endpoint = "team/api-tokens")]
pub async fn load_issued_api_tokens() -> Result<Vec<IssuedApiToken>, AppError> {
    in_scope(async |s| api_tokens::issued(s).await).await
}

#[server(prefix = "/rpc", endpoint = "team/api-tokens/issue")]
pub async fn issue_api_token(
    user_id: Uuid,
    input: ApiTokenInput,
) -> Result<CreatedApiToken, AppError> {
    in_scope(async |s| api_tokens::issue(s, user_id, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "team/api-tokens/withdraw")]
pub async fn withdraw_api_token(token_id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| api_tokens::withdraw(s, token_id).await).await
}
