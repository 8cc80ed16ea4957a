//! Argon2id password hashing (m = 19 MiB, t = 2, p = 1: OWASP's minimum).

use crate::{AppError, AppResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, verified against when the account does not exist,
/// so an unknown user costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(salt.as_str().as_bytes(), &salt)
        .expect("hashing a dummy password")
        .to_string()
});

pub fn hash(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AppError::Internal)
}

/// Verifies against `stored`, or against a dummy hash when there is no account.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DUMMY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && stored != DUMMY_HASH.as_str()
}

/// Argon2 computations at once: each holds 19 MiB, so a flood of sign-ins queues
/// here instead of exhausting memory.
const MAX_AT_ONCE: usize = 8;
static SLOTS: Semaphore = Semaphore::const_new(MAX_AT_ONCE);
/// How long a request waits for a slot before it is told to come back (503).
const WAIT_FOR_SLOT: Duration = Duration::from_secs(3);

/// Runs `work` off the async workers once `slots` has room, or answers `Busy`.
async fn in_slot<T: Send + 'static>(
    slots: &Semaphore,
    wait: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let _slot = tokio::time::timeout(wait, slots.acquire())
        .await
        .map_err(|_| AppError::Busy {
            retry_after_secs: 1,
        })?
        .map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Internal)
}

/// Hashing takes tens of milliseconds of CPU: keep it off the async workers.
pub async fn hash_async(password: String) -> AppResult<String> {
    in_slot(&SLOTS, WAIT_FOR_SLOT, move || hash(&password)).await?
}

pub async fn verify_async(password: String, stored: Option<String>) -> AppResult<bool> {
    in_slot(&SLOTS, WAIT_FOR_SLOT, move || {
        verify(&password, stored.as_deref())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_required_cost() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery staple", Some(&h)));
        assert!(!verify("wrong", Some(&h)));
    }

    #[tokio::test]
    async fn work_waits_for_a_slot_and_a_full_house_answers_busy() {
        let slots = Semaphore::new(1);
        let held = slots.acquire().await.unwrap();
        let wait = Duration::from_millis(50);
        assert_eq!(
            in_slot(&slots, wait, || 1).await,
            Err(AppError::Busy {
                retry_after_secs: 1
            })
        );
        drop(held);
        assert_eq!(in_slot(&slots, wait, || 1).await, Ok(1));
    }

    #[test]
    fn missing_account_never_verifies() {
        assert!(!verify("anything", None));
        assert!(!verify("anything", Some("not a hash")));
    }
}
