//! Shared state handed to every request: the server functions read it from context,
//! plain axum routes through `State`. What the services need lives in [`Backend`];
//! `AppState` adds what only the web layer needs.

use super::account_mail::AccountMailer;
use super::auth::throttle::LoginThrottle;
use super::crypto::KeyStore;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

/// Everything the services use besides the request's own transaction.
pub struct Backend {
    /// Connections as the application role: no superuser, no BYPASSRLS, owns nothing.
    pub db: PgPool,
    pub throttle: LoginThrottle,
    /// Wrapped keys in the database, unwrapped through the master key.
    pub keys: KeyStore,
    pub session_policy: SessionPolicy,
    /// Where users reach this server, e.g. `https://crm.example.com`; used in links.
    pub public_url: String,
    /// The operator's mail server for invitations and password resets, if configured.
    pub account_mail: Option<Arc<AccountMailer>>,
    /// Whether webhooks may reach loopback and private addresses (development and
    /// tests); in production only public addresses are called.
    pub webhooks_to_private_networks: bool,
}

impl Backend {
    /// A backend with default sign-in limits and session policy, for the command line,
    /// tests and benchmarks.
    pub fn new(db: PgPool, keys: KeyStore, public_url: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            throttle: LoginThrottle::new(db.clone(), Default::default()),
            db,
            keys,
            session_policy: SessionPolicy {
                absolute_timeout: Duration::from_secs(12 * 3600),
                idle_timeout: Duration::from_secs(30 * 60),
            },
            public_url: public_url.into(),
            account_mail: None,
            webhooks_to_private_networks: false,
        })
    }
}

/// The address of the client a request comes from: the peer's, or behind trusted
/// reverse proxies the one they forwarded. The server puts it into every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub backend: Arc<Backend>,
}

impl Deref for AppState {
    type Target = Backend;

    fn deref(&self) -> &Backend {
        &self.backend
    }
}

#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// A session ends this long after sign-in, however active it is.
    pub absolute_timeout: Duration,
    /// A session ends this long after its last request.
    pub idle_timeout: Duration,
}

impl SessionPolicy {
    /// How often an active session is saved again, which moves its idle expiry: a
    /// quarter of the idle timeout, at most a minute (one write per minute of use).
    pub fn keep_alive_every(&self) -> Duration {
        (self.idle_timeout / 4).min(Duration::from_secs(60))
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
