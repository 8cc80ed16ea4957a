//! Passkeys: adding and removing them on the security page, signing in with one,
//! and showing one after the password. Each ceremony is two calls: its options
//! (WebAuthn's JSON, for the browser) and the browser's answer.

use crate::model::passkeys::{PasskeyNameInput, PasskeySummary};
use crate::model::second_factor::PendingFactors;
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::support::*,
    crate::backend::auth::session,
    crate::backend::services::passkeys::{self, Ceremony},
    crate::backend::services::second_factor,
};

#[server(prefix = "/rpc", endpoint = "account/passkeys")]
pub async fn load_passkeys() -> Result<Vec<PasskeySummary>, AppError> {
    in_enrolment_scope(async |s| passkeys::list(s).await).await
}

#[server(prefix = "/rpc", endpoint = "account/passkeys/start")]
pub async fn start_passkey_registration(input: PasskeyNameInput) -> Result<String, AppError> {
    let started =
        in_enrolment_scope(async |s| passkeys::start_registration(s, &input).await).await?;
    respond(session::begin_ceremony(&session().await?, started.ceremony).await)?;
    Ok(started.options_json)
}

/// The new passkey; like a confirmed app, it counts as this session's second factor.
#[server(prefix = "/rpc", endpoint = "account/passkeys/finish")]
pub async fn finish_passkey_registration(credential: String) -> Result<(), AppError> {
    let session = session().await?;
    let ceremony = respond(session::take_ceremony::<Ceremony>(&session).await)?;
    in_enrolment_scope(async move |s| {
        passkeys::finish_registration(s, ceremony, &credential).await
    })
    .await?;
    respond(session::second_factor_shown(&session).await)
}

#[server(prefix = "/rpc", endpoint = "account/passkeys/remove")]
pub async fn remove_passkey(passkey_id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| passkeys::remove(s, passkey_id).await).await
}

/// Options for signing in to a workspace with a passkey instead of a password.
#[server(prefix = "/rpc", endpoint = "login/passkey/start")]
pub async fn start_passkey_sign_in(slug: String) -> Result<String, AppError> {
    public(async |state| {
        let started = passkeys::start_sign_in(&state.backend, &slug).await?;
        session::begin_ceremony(&session().await?, started.ceremony).await?;
        Ok(started.options_json)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "login/passkey/finish")]
pub async fn finish_passkey_sign_in(credential: String) -> Result<(), AppError> {
    public(async |state| {
        let session = session().await?;
        let ceremony = session::take_ceremony::<Ceremony>(&session).await?;
        let signed_in =
            passkeys::finish_sign_in(state, client_ip().await?, ceremony, &credential).await?;
        session::sign_in(&session, signed_in).await
    })
    .await
}

/// Which factors the sign-in waiting after its password can show.
#[server(prefix = "/rpc", endpoint = "login/second-factor/kinds")]
pub async fn load_pending_factors() -> Result<PendingFactors, AppError> {
    public(async |state| {
        let pending = session::pending_second_factor(&session().await?).await?;
        second_factor::pending_factors(&state.backend, pending).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "login/second-factor/passkey/start")]
pub async fn start_passkey_second_factor() -> Result<String, AppError> {
    public(async |state| {
        let session = session().await?;
        let pending = session::pending_second_factor(&session).await?;
        let started = passkeys::start_second_factor(&state.backend, pending).await?;
        session::begin_ceremony(&session, started.ceremony).await?;
        Ok(started.options_json)
    })
    .await
}

/// A wrong passkey counts against the pending sign-in like a wrong code.
#[server(prefix = "/rpc", endpoint = "login/second-factor/passkey/finish")]
pub async fn finish_passkey_second_factor(credential: String) -> Result<(), AppError> {
    public(async |state| {
        let session = session().await?;
        let pending = session::pending_second_factor(&session).await?;
        let ceremony = session::take_ceremony::<Ceremony>(&session).await?;
        let ip = client_ip().await?;
        match passkeys::finish_second_factor(state, ip, pending, ceremony, &credential).await {
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
