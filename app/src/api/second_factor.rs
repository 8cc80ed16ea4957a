//! Second factors: the code at sign-in, setting up an authenticator app, recovery
//! codes, and the workspace's rule.

use crate::model::second_factor::{CodeInput, RecoveryCodes, SecondFactorStatus, TotpEnrolment};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::support::*, crate::backend::auth::session,
    crate::backend::services::second_factor as factors,
};

/// The code after a right password. A wrong code counts against the pending
/// sign-in; after a few the password must be entered again.
#[server(prefix = "/rpc", endpoint = "login/second-factor")]
pub async fn verify_second_factor(input: CodeInput) -> Result<(), AppError> {
    public(async |state| {
        let session = session().await?;
        let pending = session::pending_second_factor(&session).await?;
        match factors::verify_sign_in(state, client_ip().await?, pending, &input).await {
            Ok(signed_in) => session::sign_in(&session, signed_in).await,
            Err(err @ AppError::Validation(_)) => {
                session::second_factor_failed(&session, pending).await?;
                Err(err)
            }
            Err(err) => Err(err),
        }
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "account/second-factor")]
pub async fn load_second_factor() -> Result<SecondFactorStatus, AppError> {
    in_enrolment_scope(async |s| factors::status(s).await).await
}

#[server(prefix = "/rpc", endpoint = "account/totp/start")]
pub async fn start_totp() -> Result<TotpEnrolment, AppError> {
    in_enrolment_scope(async |s| factors::start_totp(s).await).await
}

/// Confirms the new app with its first code; the session then counts as having
/// shown its second factor.
#[server(prefix = "/rpc", endpoint = "account/totp/confirm")]
pub async fn confirm_totp(input: CodeInput) -> Result<RecoveryCodes, AppError> {
    let codes = in_enrolment_scope(async |s| factors::confirm_totp(s, &input).await).await?;
    respond(session::second_factor_shown(&session().await?).await)?;
    Ok(codes)
}

#[server(prefix = "/rpc", endpoint = "account/recovery-codes")]
pub async fn renew_recovery_codes(input: CodeInput) -> Result<RecoveryCodes, AppError> {
    in_scope(async |s| factors::renew_recovery_codes(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "account/totp/remove")]
pub async fn remove_totp(input: CodeInput) -> Result<(), AppError> {
    in_scope(async |s| factors::remove_totp(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "team/second-factor/set")]
/// An empty list (nobody must) is sent as no field at all, hence the default.
pub async fn set_second_factor_policy(
    #[server(default)] roles: Vec<String>,
) -> Result<(), AppError> {
    in_scope(async |s| factors::set_policy(s, &roles).await).await
}

#[server(prefix = "/rpc", endpoint = "team/second-factor/reset")]
pub async fn reset_second_factor(user_id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| factors::reset(s, user_id).await).await
}
