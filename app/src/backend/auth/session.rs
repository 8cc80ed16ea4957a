//! What a signed-in session holds, and the rules for it: the id is rotated at sign-in,
//! the store enforces the idle timeout, and this module the absolute one.
//!
//! Between a right password and the second factor the session holds a
//! [`PendingSecondFactor`] instead, which opens no scope.

use crate::backend::services::identity::{PasswordAccepted, SignedIn};
use crate::backend::state::SessionPolicy;
use crate::model::second_factor::SignInStep;
use crate::{AppError, AppResult};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

const AUTH_KEY: &str = "auth";
const PENDING_KEY: &str = "pending_second_factor";
const CEREMONY_KEY: &str = "passkey_ceremony";
/// When the session was last saved by [`keep_alive`], in Unix milliseconds.
const KEPT_ALIVE_KEY: &str = "kept_alive_ms";
/// How long a passkey prompt may stay open (browsers time out sooner).
const CEREMONY_SECS: i64 = 5 * 60;
/// How long the code may take after the password.
const PENDING_SECS: i64 = 5 * 60;
/// Wrong codes before the password must be entered again.
pub const PENDING_ATTEMPTS: u8 = 5;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct SessionAuth {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// Unix seconds of sign-in, for the absolute timeout.
    pub signed_in_at: i64,
    /// Unix milliseconds of sign-in, to tell a session from just before a password
    /// reset from one just after it (0 in sessions from before this field).
    #[serde(default)]
    pub signed_in_ms: i64,
    /// Whether this sign-in showed a second factor (or set one up).
    #[serde(default)]
    pub second_factor: bool,
}

/// A right password whose account still has to show its second factor.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct PendingSecondFactor {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub since: i64,
    pub failures: u8,
}

/// The store is the database: when it fails to answer, the request is told to come
/// back shortly, as any other request that cannot reach the database is.
fn store_error(err: tower_sessions::session::Error) -> AppError {
    use tower_sessions::session::Error::Store;
    use tower_sessions::session_store::Error::Backend;
    match err {
        Store(Backend(_)) => {
            tracing::warn!(error = %err, "session store unavailable");
            AppError::Unavailable {
                retry_after_secs: crate::error::UNAVAILABLE_RETRY_SECS,
            }
        }
        other => {
            tracing::error!(error = %other, "session store error");
            AppError::Internal
        }
    }
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

impl SessionAuth {
    /// When the session signed in, in Unix milliseconds.
    pub fn signed_in_millis(&self) -> i64 {
        if self.signed_in_ms > 0 {
            self.signed_in_ms
        } else {
            self.signed_in_at * 1000
        }
    }
}

/// Starts an authenticated session under a fresh id (defeats session fixation).
pub async fn sign_in(session: &Session, signed_in: SignedIn) -> AppResult<()> {
    session.cycle_id().await.map_err(store_error)?;
    session
        .remove_value(PENDING_KEY)
        .await
        .map_err(store_error)?;
    let auth = SessionAuth {
        tenant_id: signed_in.tenant_id,
        user_id: signed_in.user_id,
        signed_in_at: now(),
        signed_in_ms: now_ms(),
        second_factor: signed_in.second_factor,
    };
    session.insert(AUTH_KEY, auth).await.map_err(store_error)
}

/// After a right password: signed in, or waiting for the second factor.
pub async fn start(session: &Session, accepted: PasswordAccepted) -> AppResult<SignInStep> {
    match accepted.next {
        SignInStep::SecondFactor => await_second_factor(session, accepted.signed_in).await?,
        SignInStep::Done | SignInStep::Enrol => sign_in(session, accepted.signed_in).await?,
    }
    Ok(accepted.next)
}

/// Remembers a right password until the second factor follows; signs out whoever
/// was signed in on this session before.
pub async fn await_second_factor(session: &Session, signed_in: SignedIn) -> AppResult<()> {
    session.cycle_id().await.map_err(store_error)?;
    session.remove_value(AUTH_KEY).await.map_err(store_error)?;
    let pending = PendingSecondFactor {
        tenant_id: signed_in.tenant_id,
        user_id: signed_in.user_id,
        since: now(),
        failures: 0,
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(store_error)
}

/// The password step awaiting its code, or `Unauthenticated` when there is none or
/// it took too long.
pub async fn pending_second_factor(session: &Session) -> AppResult<PendingSecondFactor> {
    let pending: Option<PendingSecondFactor> =
        session.get(PENDING_KEY).await.map_err(store_error)?;
    let pending = pending.ok_or(AppError::Unauthenticated)?;
    let age = now() - pending.since;
    if !(0..=PENDING_SECS).contains(&age) || pending.failures >= PENDING_ATTEMPTS {
        session
            .remove_value(PENDING_KEY)
            .await
            .map_err(store_error)?;
        return Err(AppError::Unauthenticated);
    }
    Ok(pending)
}

/// Counts a wrong code; the last allowed one ends the pending sign-in.
pub async fn second_factor_failed(
    session: &Session,
    mut pending: PendingSecondFactor,
) -> AppResult<()> {
    pending.failures += 1;
    if pending.failures >= PENDING_ATTEMPTS {
        session
            .remove_value(PENDING_KEY)
            .await
            .map_err(store_error)?;
        return Ok(());
    }
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(store_error)
}

/// Marks the session as having shown a second factor (after setting one up).
pub async fn second_factor_shown(session: &Session) -> AppResult<()> {
    let auth: Option<SessionAuth> = session.get(AUTH_KEY).await.map_err(store_error)?;
    let mut auth = auth.ok_or(AppError::Unauthenticated)?;
    auth.second_factor = true;
    session.cycle_id().await.map_err(store_error)?;
    session.insert(AUTH_KEY, auth).await.map_err(store_error)
}

/// The session's sign-in, or `Unauthenticated` (ending the session if it is too old).
pub async fn current(session: &Session, policy: SessionPolicy) -> AppResult<SessionAuth> {
    let auth: Option<SessionAuth> = session.get(AUTH_KEY).await.map_err(store_error)?;
    let auth = auth.ok_or(AppError::Unauthenticated)?;
    let age = now() - auth.signed_in_at;
    if age < 0 || age as u64 > policy.absolute_timeout.as_secs() {
        session.flush().await.map_err(store_error)?;
        return Err(AppError::Unauthenticated);
    }
    keep_alive(session, policy).await?;
    Ok(auth)
}

/// The store moves a session's idle expiry (and the cookie's) only when it saves
/// the session, which it does only when the session changed: an active session is
/// changed on purpose now and then, so that it ends after its last request, not
/// after its first.
async fn keep_alive(session: &Session, policy: SessionPolicy) -> AppResult<()> {
    let kept: Option<i64> = session.get(KEPT_ALIVE_KEY).await.map_err(store_error)?;
    let every = policy.keep_alive_every().as_millis() as i64;
    let now = now_ms();
    if kept.is_none_or(|kept| now - kept >= every) {
        session
            .insert(KEPT_ALIVE_KEY, now)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

/// Deletes the session from the store and expires the cookie.
pub async fn sign_out(session: &Session) -> AppResult<()> {
    session.flush().await.map_err(store_error)
}

#[derive(Serialize, Deserialize)]
struct Ceremony<T> {
    since: i64,
    state: T,
}

/// Keeps a passkey ceremony's state on the server until the browser answers; a
/// newer ceremony replaces an older one.
pub async fn begin_ceremony<T: Serialize>(session: &Session, state: T) -> AppResult<()> {
    let ceremony = Ceremony {
        since: now(),
        state,
    };
    session
        .insert(CEREMONY_KEY, ceremony)
        .await
        .map_err(store_error)
}

/// The waiting ceremony's state, removed so that an answer counts once; `None` when
/// there is none or it took too long.
pub async fn take_ceremony<T: DeserializeOwned>(session: &Session) -> AppResult<Option<T>> {
    let ceremony: Option<Ceremony<T>> = session.remove(CEREMONY_KEY).await.map_err(store_error)?;
    Ok(ceremony
        .filter(|c| (0..=CEREMONY_SECS).contains(&(now() - c.since)))
        .map(|c| c.state))
}
