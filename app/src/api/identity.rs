//! Sign-up, sign-in, sign-out and "who am I".

use crate::model::identity::{
    CurrentUser, EmailChangeInput, LoginInput, NewPasswordInput, ResetRequestInput, SignupInput,
};
use crate::model::second_factor::SignInStep;
use crate::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::support::*, crate::backend::auth::session, crate::backend::services::identity};

#[server(prefix = "/rpc", endpoint = "signup")]
pub async fn sign_up(input: SignupInput) -> Result<(), AppError> {
    public(async |state| {
        let signed_in = identity::sign_up(state, &input).await?;
        session::sign_in(&session().await?, signed_in).await
    })
    .await
}

/// Checks the password; says whether a second factor (or setting one up) comes next.
#[server(prefix = "/rpc", endpoint = "login")]
pub async fn log_in(input: LoginInput) -> Result<SignInStep, AppError> {
    public(async |state| {
        let accepted = identity::sign_in(state, client_ip().await?, &input).await?;
        session::start(&session().await?, accepted).await
    })
    .await
}

/// Mails a password link if there is such an account; answers alike either way.
#[server(prefix = "/rpc", endpoint = "password/forgot")]
pub async fn request_password_reset(input: ResetRequestInput) -> Result<(), AppError> {
    public(async |state| {
        let locale = crate::i18n::initial_locale();
        identity::recovery::request_reset(state, client_ip().await?, locale, &input).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "password/reset")]
pub async fn reset_password(input: NewPasswordInput) -> Result<(), AppError> {
    public(async |state| identity::recovery::reset_password(state, &input).await).await
}

/// The session ends whatever happens to its audit entry (a failure is logged for
/// the operator), and also while a required second factor is still missing: a user
/// who signs out must be signed out.
#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    if let Ok(mut scope) = open_enrolment_scope().await {
        let audited = async {
            identity::sign_out(&mut scope).await?;
            scope.commit().await
        };
        if let Err(err) = audited.await {
            tracing::error!(error = %err, "sign-out not audited");
        }
    }
    respond(session::sign_out(&session().await?).await)
}

/// The signed-in user, or `None` when nobody is signed in; also while a required
/// second factor is still to be set up (`must_enrol`).
#[server(prefix = "/rpc", endpoint = "me")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    if_signed_in_enrolling(async |s| identity::current_user(s).await).await
}

/// Mails a confirmation link to the new address (if free); answers alike either way.
#[server(prefix = "/rpc", endpoint = "account/email")]
pub async fn request_email_change(input: EmailChangeInput) -> Result<(), AppError> {
    let locale = crate::i18n::initial_locale();
    let ip = client_ip().await?;
    in_scope(async |s| identity::email_change::request(s, ip, locale, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "account/email/confirm")]
pub async fn confirm_email_change(slug: String, token: String) -> Result<(), AppError> {
    public(async |state| identity::email_change::confirm(state, &slug, &token).await).await
}
