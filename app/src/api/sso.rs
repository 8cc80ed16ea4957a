//! Single sign-on: the workspace's provider settings and the login page's offer.

use crate::model::sso::{SsoOffer, SsoSettings, SsoSettingsInput};
use crate::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::support::*, crate::backend::services::sso};

#[server(prefix = "/rpc", endpoint = "sso/settings")]
pub async fn load_sso_settings() -> Result<SsoSettings, AppError> {
    in_scope(async |s| sso::settings(s).await).await
}

#[server(prefix = "/rpc", endpoint = "sso/save")]
pub async fn save_sso_settings(input: SsoSettingsInput) -> Result<SsoSettings, AppError> {
    in_scope(async |s| sso::save(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "sso/remove")]
pub async fn remove_sso_settings() -> Result<(), AppError> {
    in_scope(async |s| sso::remove(s).await).await
}

/// "Sign in with …" on `/login/<workspace>`; none for workspaces without a provider.
#[server(prefix = "/rpc", endpoint = "sso/offer")]
pub async fn load_sso_offer(slug: String) -> Result<Option<SsoOffer>, AppError> {
    public(async |state| sso::offer(&state.backend, &slug).await).await
}
