//! Second factors: the rules. An authenticator app (TOTP) with ten one-time recovery
//! codes, or passkeys (their ceremonies live in `passkeys`); the workspace decides which roles must use one (DPO and works council by
//! default). Rows live in [`storage`], the TOTP arithmetic in [`authenticator`].
//!
//! A code is accepted once (the newest accepted time step is stored), wrong codes
//! are throttled per account and address and end the pending sign-in after a few,
//! and every enrolment, removal, reset and recovery-code use is audited.

pub mod authenticator;
pub mod storage;

use crate::backend::auth::session::PendingSecondFactor;
use crate::backend::crypto::KeyStore;
use crate::backend::services::identity::{self, SignedIn};
use crate::backend::services::passkeys;
use crate::backend::services::team::storage as team_storage;
use crate::backend::{AppState, Scope};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, Role};
use crate::model::permission::{Action, Area};
use crate::model::second_factor::{
    CodeInput, PendingFactors, RecoveryCodes, SecondFactorPolicy, SecondFactorStatus, SignInStep,
    TotpEnrolment,
};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use std::net::IpAddr;
use storage::TOTP_FACTORS;
use time::OffsetDateTime;
use uuid::Uuid;

/// Which factor a right code was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    App,
    RecoveryCode,
}

fn wrong_code() -> AppError {
    AppError::Validation(FieldErrors::single("code", Problem::WrongCode))
}

fn audited(action: AuthAudit) -> AuditAction {
    AuditAction::Auth(action)
}

fn now_secs() -> u64 {
    OffsetDateTime::now_utc().unix_timestamp().max(0) as u64
}

/// What sign-in needs after a right password.
pub async fn next_step(conn: &mut PgConnection, user_id: Uuid) -> AppResult<SignInStep> {
    let factors = storage::factor_state(conn, user_id).await?;
    Ok(match (factors.any(), factors.required) {
        (true, _) => SignInStep::SecondFactor,
        (false, true) => SignInStep::Enrol,
        (false, false) => SignInStep::Done,
    })
}

/// The factors the account of a sign-in waiting after its password has.
pub async fn pending_factors(
    backend: &std::sync::Arc<crate::backend::Backend>,
    pending: PendingSecondFactor,
) -> AppResult<PendingFactors> {
    let mut scope = Scope::begin(backend.clone(), pending.tenant_id, pending.user_id).await?;
    let factors = storage::factor_state(scope.conn(), pending.user_id).await?;
    scope.commit().await?;
    Ok(PendingFactors {
        app: factors.totp,
        passkey: factors.passkeys > 0,
    })
}

/// Checks the code of a sign-in that has passed its password.
pub async fn verify_sign_in(
    state: &AppState,
    client_ip: IpAddr,
    pending: PendingSecondFactor,
    input: &CodeInput,
) -> AppResult<SignedIn> {
    let input = input.normalized();
    input.validate().into_result()?;
    let account = format!(
        "second-factor\u{1f}{}\u{1f}{}",
        pending.tenant_id, pending.user_id
    );
    state.throttle.admit(client_ip, &account).await?;
    let mut scope = Scope::begin(state.backend.clone(), pending.tenant_id, pending.user_id).await?;
    let shown = check_code(&mut scope, &input).await?;
    let action = match shown {
        Some(Shown::App) => AuthAudit::SecondFactorPassed,
        Some(Shown::RecoveryCode) => AuthAudit::RecoveryCodeUsed,
        None => AuthAudit::SecondFactorFailed,
    };
    let event = scope.event(audited(action));
    scope.audit(event).await?;
    scope.commit().await?;
    if shown.is_none() {
        return Err(wrong_code());
    }
    state.throttle.record_success(client_ip, &account).await?;
    Ok(SignedIn {
        tenant_id: pending.tenant_id,
        user_id: pending.user_id,
        second_factor: true,
    })
}

/// Whether `input` is a current app code or an unused recovery code of the principal;
/// uses it up if so.
async fn check_code(scope: &mut Scope, input: &CodeInput) -> AppResult<Option<Shown>> {
    let user_id = scope.user_id();
    if !input.is_app_code() {
        let hash = scope.index_key().await?.recovery_code(&input.code);
        let used = storage::use_recovery_code(scope.conn(), user_id, &hash).await?;
        return Ok(used.then_some(Shown::RecoveryCode));
    }
    let Some(row) = storage::totp_for_update(scope.conn(), user_id).await? else {
        return Ok(None);
    };
    if !row.confirmed {
        return Ok(None);
    }
    let secret = open_secret(scope, &row.secret_ct).await?;
    match authenticator::matching_step(&secret, &input.code, now_secs(), row.last_step)? {
        Some(step) => {
            storage::accept_step(scope.conn(), user_id, step).await?;
            Ok(Some(Shown::App))
        }
        None => Ok(None),
    }
}

async fn open_secret(scope: &mut Scope, secret_ct: &[u8]) -> AppResult<String> {
    let user_id = scope.user_id();
    let key = scope.subject_key(user_id).await?;
    scope
        .cipher(&key, TOTP_FACTORS, user_id)
        .open("secret", secret_ct)
}

/// The principal's own second factors.
pub async fn status(scope: &mut Scope) -> AppResult<SecondFactorStatus> {
    let user_id = scope.user_id();
    let factors = storage::factor_state(scope.conn(), user_id).await?;
    let left = storage::recovery_codes_left(scope.conn(), user_id).await?;
    Ok(SecondFactorStatus {
        totp: factors.totp,
        recovery_codes_left: if factors.totp { left } else { 0 },
        passkeys: factors.passkeys,
        required: factors.required,
    })
}

/// A new authenticator secret for the principal, unconfirmed until its first code.
pub async fn start_totp(scope: &mut Scope) -> AppResult<TotpEnrolment> {
    let user_id = scope.user_id();
    if let Some(row) = storage::totp_for_update(scope.conn(), user_id).await? {
        if row.confirmed {
            return Err(AppError::Conflict);
        }
    }
    let secret = authenticator::new_secret();
    let key = scope.subject_key(user_id).await?;
    let secret_ct = scope
        .cipher(&key, TOTP_FACTORS, user_id)
        .seal("secret", &secret);
    let tenant_id = scope.tenant_id();
    storage::put_unconfirmed(scope.conn(), tenant_id, user_id, &secret_ct).await?;
    KeyStore::count_encryptions(scope.conn(), user_id, 1).await?;
    let me = identity::current_user(scope).await?;
    authenticator::enrolment(&secret, &me.email)
}

/// Confirms the new authenticator with its first code; returns the recovery codes,
/// which are shown this once.
pub async fn confirm_totp(scope: &mut Scope, input: &CodeInput) -> AppResult<RecoveryCodes> {
    let input = input.normalized();
    input.validate().into_result()?;
    if !input.is_app_code() {
        return Err(wrong_code());
    }
    let user_id = scope.user_id();
    let row = storage::totp_for_update(scope.conn(), user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.confirmed {
        return Err(AppError::Conflict);
    }
    let secret = open_secret(scope, &row.secret_ct).await?;
    let step = authenticator::matching_step(&secret, &input.code, now_secs(), 0)?
        .ok_or_else(wrong_code)?;
    storage::confirm(scope.conn(), user_id, step).await?;
    let codes = issue_recovery_codes(scope).await?;
    let event = scope.event(audited(AuthAudit::TotpEnrolled));
    scope.audit(event).await?;
    Ok(codes)
}

async fn issue_recovery_codes(scope: &mut Scope) -> AppResult<RecoveryCodes> {
    let codes = authenticator::new_recovery_codes();
    let index = scope.index_key().await?;
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| index.recovery_code(c)).collect();
    let (tenant_id, user_id) = (scope.tenant_id(), scope.user_id());
    storage::replace_recovery_codes(scope.conn(), tenant_id, user_id, &hashes).await?;
    Ok(RecoveryCodes(codes))
}

/// New recovery codes (the old ones stop working), for a current app code.
pub async fn renew_recovery_codes(
    scope: &mut Scope,
    input: &CodeInput,
) -> AppResult<RecoveryCodes> {
    let input = input.normalized();
    input.validate().into_result()?;
    if !input.is_app_code() || check_code(scope, &input).await? != Some(Shown::App) {
        return Err(wrong_code());
    }
    let codes = issue_recovery_codes(scope).await?;
    let event = scope.event(audited(AuthAudit::RecoveryCodesRenewed));
    scope.audit(event).await?;
    Ok(codes)
}

/// Removes the principal's authenticator and recovery codes, for a current code.
pub async fn remove_totp(scope: &mut Scope, input: &CodeInput) -> AppResult<()> {
    let input = input.normalized();
    input.validate().into_result()?;
    if check_code(scope, &input).await?.is_none() {
        return Err(wrong_code());
    }
    let user_id = scope.user_id();
    storage::delete_factors(scope.conn(), user_id).await?;
    let event = scope.event(audited(AuthAudit::TotpRemoved));
    scope.audit(event).await
}

/// The roles that must sign in with a second factor.
pub async fn policy(scope: &mut Scope) -> AppResult<SecondFactorPolicy> {
    scope.require(Area::Team, Action::Read)?;
    let stored = storage::required_roles(scope.conn()).await?;
    let roles = Role::all()
        .filter(|r| stored.iter().any(|s| s == r.as_str()))
        .collect();
    Ok(SecondFactorPolicy { roles })
}

/// Sets the roles that must sign in with a second factor; takes effect on each
/// affected user's next request.
pub async fn set_policy(scope: &mut Scope, roles: &[String]) -> AppResult<()> {
    scope.require(Area::Team, Action::Configure)?;
    let parsed: Option<Vec<Role>> = roles.iter().map(|r| Role::parse(r)).collect();
    let parsed = parsed
        .ok_or_else(|| AppError::Validation(FieldErrors::single("roles", Problem::InvalidRole)))?;
    let stored: Vec<String> = Role::all()
        .filter(|r| parsed.contains(r))
        .map(|r| r.as_str().to_owned())
        .collect();
    storage::set_required_roles(scope.conn(), &stored).await?;
    let event = scope.event(audited(AuthAudit::SecondFactorPolicyChanged));
    scope.audit(event).await
}

/// The members who have an authenticator or a passkey.
pub async fn members_with_factor(scope: &mut Scope) -> AppResult<Vec<Uuid>> {
    scope.require(Area::Team, Action::Manage)?;
    storage::users_with_factor(scope.conn()).await
}

/// Removes a colleague's second factors (a lost phone); they set up a new one at
/// their next sign-in if their role requires it. Only for roles one may grant.
pub async fn reset(scope: &mut Scope, user_id: Uuid) -> AppResult<()> {
    scope.require(Area::Team, Action::Manage)?;
    let role = team_storage::role_for_update(scope.conn(), user_id)
        .await?
        .and_then(|r| Role::parse(&r))
        .ok_or(AppError::NotFound)?;
    if !scope.principal.role.can_grant(role) {
        return Err(AppError::Forbidden);
    }
    storage::delete_factors(scope.conn(), user_id).await?;
    passkeys::storage::delete_all(scope.conn(), user_id).await?;
    let event = scope
        .event(audited(AuthAudit::SecondFactorReset))
        .subjects(std::slice::from_ref(&user_id));
    scope.audit(event).await
}
