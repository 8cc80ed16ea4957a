//! The server-function API: the UI's adapter onto the backend services.
//!
//! Every function here is a public HTTP endpoint under `/rpc/`. Each one checks the
//! session, the tenant and the role itself (through the services), and sets the HTTP
//! status of its error. Cross-origin calls are rejected by a layer in the server.

pub mod audit;
pub mod contacts;
pub mod identity;
pub mod keys;
pub mod team;

#[cfg(feature = "ssr")]
pub(crate) mod support {
    use crate::backend::auth::session;
    use crate::backend::tenancy::TenantTx;
    use crate::backend::AppState;
    use crate::{AppError, AppResult};
    use leptos::prelude::*;
    use std::net::{IpAddr, SocketAddr};
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
        use axum::extract::ConnectInfo;
        leptos_axum::extract::<ConnectInfo<SocketAddr>>()
            .await
            .map(|ConnectInfo(addr)| addr.ip())
            .map_err(|_| AppError::Internal)
    }

    /// The signed-in principal's tenant transaction.
    pub async fn tenant_scope(state: &AppState) -> AppResult<TenantTx> {
        let session = session().await?;
        let auth = session::current(&session, state.session_policy).await?;
        TenantTx::begin(&state.db, auth.tenant_id, auth.user_id).await
    }

    /// Sets the response status from the error, so clients see 4xx/5xx, not 500 for all.
    pub fn respond<T>(result: AppResult<T>) -> AppResult<T> {
        if let Err(err) = &result {
            err.set_response_status();
        }
        result
    }
}
