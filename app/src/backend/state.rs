//! Shared state handed to every request: the server functions read it from context,
//! plain axum routes through `State`.

use super::auth::throttle::LoginThrottle;
use super::crypto::KeyStore;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Connections as the application role: no superuser, no BYPASSRLS, owns nothing.
    pub db: PgPool,
    pub throttle: Arc<LoginThrottle>,
    /// Wrapped keys in the database, unwrapped through the master key.
    pub keys: Arc<KeyStore>,
    pub session_policy: SessionPolicy,
    /// Where users reach this server, e.g. `https://crm.example.com`; used in links.
    pub public_url: String,
}

#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// A session ends this long after sign-in, however active it is.
    pub absolute_timeout: Duration,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
