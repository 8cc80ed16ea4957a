//! What a signed-in session holds, and the rules for it: the id is rotated at sign-in,
//! the store enforces the idle timeout, and this module the absolute one.

use crate::backend::services::identity::SignedIn;
use crate::backend::state::SessionPolicy;
use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

const AUTH_KEY: &str = "auth";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct SessionAuth {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// Unix seconds of sign-in, for the absolute timeout.
    pub signed_in_at: i64,
}

fn store_error<E: std::fmt::Display>(err: E) -> AppError {
    tracing::error!(error = %err, "session store error");
    AppError::Internal
}

/// Starts an authenticated session under a fresh id (defeats session fixation).
pub async fn sign_in(session: &Session, signed_in: SignedIn) -> AppResult<()> {
    session.cycle_id().await.map_err(store_error)?;
    let auth = SessionAuth {
        tenant_id: signed_in.tenant_id,
        user_id: signed_in.user_id,
        signed_in_at: OffsetDateTime::now_utc().unix_timestamp(),
    };
    session.insert(AUTH_KEY, auth).await.map_err(store_error)
}

/// The session's sign-in, or `Unauthenticated` (ending the session if it is too old).
pub async fn current(session: &Session, policy: SessionPolicy) -> AppResult<SessionAuth> {
    let auth: Option<SessionAuth> = session.get(AUTH_KEY).await.map_err(store_error)?;
    let auth = auth.ok_or(AppError::Unauthenticated)?;
    let age = OffsetDateTime::now_utc().unix_timestamp() - auth.signed_in_at;
    if age < 0 || age as u64 > policy.absolute_timeout.as_secs() {
        session.flush().await.map_err(store_error)?;
        return Err(AppError::Unauthenticated);
    }
    Ok(auth)
}

/// Deletes the session from the store and expires the cookie.
pub async fn sign_out(session: &Session) -> AppResult<()> {
    session.flush().await.map_err(store_error)
}
