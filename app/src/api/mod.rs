//! The server-function API: the UI's adapter onto the backend services.
//!
//! Every function here is a public HTTP endpoint under `/rpc/` and a one-liner onto a
//! service: [`support::in_scope`] opens the signed-in principal's scope, the service
//! checks permissions, validates, works and audits, and the helper commits and sets
//! the HTTP status of an error. Cross-origin calls are rejected by a layer in the server.

pub mod api_tokens;
pub mod audit;
pub mod calendar;
pub mod contacts;
pub mod duplicates;
pub mod identity;
pub mod imports;
pub mod keys;
pub mod mail;
pub mod organisations;
pub mod palette;
pub mod passkeys;
pub mod second_factor;
pub mod sso;
pub mod tasks;
pub mod team;
pub mod timeline;
pub mod views;
pub mod webhooks;

#[cfg(feature = "ssr")]
pub(crate) mod support {
    use crate::backend::{AppState, Scope};
    use crate::{AppError, AppResult};
    use leptos::prelude::*;
    use std::net::IpAddr;
    use tower_sessions::Session;

    pub fn state() -> AppResult<AppState> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from server function context");
            AppError::Internal
        })
    }

    pub async fn session() -> AppResult<Session> {
        leptos_axum::extract::<Session>().await.map_err(|_| {
            tracing::error!("session layer missing");
            AppError::Internal
        })
    }

    pub async fn client_ip() -> AppResult<IpAddr> {
        leptos_axum::extract::<axum::Extension<crate::backend::ClientIp>>()
            .await
            .map(|axum::Extension(crate::backend::ClientIp(ip))| ip)
            .map_err(|_| AppError::Internal)
    }

    /// The signed-in principal's scope.
    pub async fn open_scope() -> AppResult<Scope> {
        Scope::for_session(&state()?, &session().await?).await
    }

    /// The scope of a session that may still have to set up its second factor.
    pub async fn open_enrolment_scope() -> AppResult<Scope> {
        Scope::for_enrolment(&state()?, &session().await?).await
    }

    /// Session → tenant scope → `work` → commit, with the error's HTTP status set.
    /// A failed `work` rolls the whole transaction back.
    pub async fn in_scope<T>(work: impl AsyncFnOnce(&mut Scope) -> AppResult<T>) -> AppResult<T> {
        respond(async { open_scope().await?.run(work).await }.await)
    }

    /// Like [`in_scope`], also for a session that must still set up the second factor
    /// its role requires: for the account security page only.
    pub async fn in_enrolment_scope<T>(
        work: impl AsyncFnOnce(&mut Scope) -> AppResult<T>,
    ) -> AppResult<T> {
        respond(async { open_enrolment_scope().await?.run(work).await }.await)
    }

    fn none_if_signed_out<T>(result: AppResult<T>) -> AppResult<Option<T>> {
        respond(match result {
            Ok(output) => Ok(Some(output)),
            Err(AppError::Unauthenticated) => Ok(None),
            Err(err) => Err(err),
        })
    }

    /// `None` instead of an error when nobody is signed in; also while a required
    /// second factor is missing.
    pub async fn if_signed_in_enrolling<T>(
        work: impl AsyncFnOnce(&mut Scope) -> AppResult<T>,
    ) -> AppResult<Option<T>> {
        none_if_signed_out(async { open_enrolment_scope().await?.run(work).await }.await)
    }

    /// For endpoints before sign-in: `work` gets the application state.
    pub async fn public<T>(work: impl AsyncFnOnce(&AppState) -> AppResult<T>) -> AppResult<T> {
        respond(async { work(&state()?).await }.await)
    }

    /// Sets the response status from the error, so clients see 4xx/5xx, not 500 for all.
    pub fn respond<T>(result: AppResult<T>) -> AppResult<T> {
        if let Err(err) = &result {
            err.set_response_status();
        }
        result
    }
}
