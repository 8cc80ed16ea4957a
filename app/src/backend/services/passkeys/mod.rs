//! Passkeys: the rules. A passkey is a second factor after the password and, as
//! it checks its user itself (PIN or biometrics, "user verification required"),
//! a sign-in of its own that counts as two factors. Rows live in [`storage`], the
//! relying party's identity in [`relying_party`]; the ceremony's state waits in the
//! session between the two requests of each ceremony and counts once.
//!
//! Every addition, removal, sign-in and refusal is audited. A refused answer says
//! only "not accepted" to the browser; the reason goes to the log.

pub mod relying_party;
pub mod storage;

use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::session::PendingSecondFactor;
use crate::backend::crypto::{KeyStore, RecordCipher};
use crate::backend::services::identity::{self, SignedIn};
use crate::backend::services::sso;
use crate::backend::tenancy::{begin_for_tenant, tenant_id_for_slug};
use crate::backend::{AppState, Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, Role};
use crate::model::passkeys::{check_credential, PasskeyNameInput, PasskeySummary};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use storage::PASSKEYS;
use uuid::Uuid;
use webauthn_rs::prelude::{
    CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
};
use webauthn_rs::Webauthn;

/// A ceremony between its options and the browser's answer.
#[derive(Serialize, Deserialize)]
pub enum Ceremony {
    Register {
        tenant_id: Uuid,
        user_id: Uuid,
        name: String,
        state: PasskeyRegistration,
    },
    /// `tenant_id` is `None` for a workspace that does not exist: the ceremony
    /// runs alike and fails at the end.
    SignIn {
        tenant_id: Option<Uuid>,
        state: DiscoverableAuthentication,
    },
    SecondFactor {
        tenant_id: Uuid,
        user_id: Uuid,
        state: PasskeyAuthentication,
    },
}

/// The options for the browser (WebAuthn's JSON form) and the state to keep.
pub struct Started {
    pub options_json: String,
    pub ceremony: Ceremony,
}

fn refused() -> AppError {
    AppError::Validation(FieldErrors::single("passkey", Problem::PasskeyRefused))
}

/// Logs why an answer was refused; the browser learns only that it was.
fn refused_because(reason: &dyn std::fmt::Display) -> AppError {
    tracing::info!(%reason, "passkey refused");
    refused()
}

fn to_json(value: &impl Serialize) -> AppResult<String> {
    serde_json::to_string(value).map_err(|err| {
        tracing::error!(error = %err, "passkey options not serialisable");
        AppError::Internal
    })
}

fn parse<T: serde::de::DeserializeOwned>(credential_json: &str) -> AppResult<T> {
    check_credential(credential_json).map_err(AppError::Validation)?;
    serde_json::from_str(credential_json).map_err(|e| refused_because(&e))
}

fn audited(action: AuthAudit) -> AuditAction {
    AuditAction::Auth(action)
}

fn rp(backend: &Backend) -> AppResult<Webauthn> {
    relying_party::for_public_url(&backend.public_url)
}

/// A stored passkey with its credential opened.
struct Opened {
    passkey_id: Uuid,
    passkey: Passkey,
}

/// The principal's passkey rows, each opened by `open` under the user's key.
async fn open_own<T>(
    scope: &mut Scope,
    open: impl Fn(&RecordCipher<'_>, storage::PasskeyRow) -> AppResult<T>,
) -> AppResult<Vec<T>> {
    let user_id = scope.user_id();
    let rows = storage::of_user(scope.conn(), user_id).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let key = scope.subject_key(user_id).await?;
    rows.into_iter()
        .map(|row| open(&scope.cipher(&key, PASSKEYS, row.passkey_id), row))
        .collect()
}

async fn open_passkeys(scope: &mut Scope) -> AppResult<Vec<Opened>> {
    open_own(scope, |cipher, row| {
        let json = cipher.open("credential", &row.credential_ct)?;
        let passkey = serde_json::from_str(&json).map_err(|err| {
            tracing::error!(error = %err, "stored passkey unreadable");
            AppError::Internal
        })?;
        Ok(Opened {
            passkey_id: row.passkey_id,
            passkey,
        })
    })
    .await
}

/// Options for a new passkey of the principal, named `input`. The passkey is
/// discoverable (it can sign in without a typed e-mail) and checks its user.
pub async fn start_registration(scope: &mut Scope, input: &PasskeyNameInput) -> AppResult<Started> {
    let input = input.normalized();
    input.validate().into_result()?;
    let user_id = scope.user_id();
    let existing: Vec<CredentialID> = storage::of_user(scope.conn(), user_id)
        .await?
        .into_iter()
        .map(|row| CredentialID::from(row.credential_id))
        .collect();
    let me = identity::current_user(scope).await?;
    let (options, state) = rp(&scope.backend)?
        .start_passkey_registration(user_id, &me.email, &me.display_name, Some(existing))
        .map_err(|e| refused_because(&e))?;
    let mut options = serde_json::to_value(&options.public_key).map_err(|e| {
        tracing::error!(error = %e, "passkey options not serialisable");
        AppError::Internal
    })?;
    // Discoverable, so that it can sign in on its own.
    options["authenticatorSelection"]["residentKey"] = "required".into();
    options["authenticatorSelection"]["requireResidentKey"] = true.into();
    Ok(Started {
        options_json: to_json(&options)?,
        ceremony: Ceremony::Register {
            tenant_id: scope.tenant_id(),
            user_id,
            name: input.name,
            state,
        },
    })
}

/// Checks the browser's new credential against the waiting ceremony and stores it.
pub async fn finish_registration(
    scope: &mut Scope,
    ceremony: Option<Ceremony>,
    credential_json: &str,
) -> AppResult<()> {
    let Some(Ceremony::Register {
        tenant_id,
        user_id,
        name,
        state,
    }) = ceremony
    else {
        return Err(refused_because(&"no registration waiting"));
    };
    if (tenant_id, user_id) != (scope.tenant_id(), scope.user_id()) {
        return Err(refused_because(&"registration of another account"));
    }
    let answer: RegisterPublicKeyCredential = parse(credential_json)?;
    let passkey = rp(&scope.backend)?
        .finish_passkey_registration(&answer, &state)
        .map_err(|e| refused_because(&e))?;
    let credential_id = passkey.cred_id().as_ref().to_vec();
    if storage::credential_taken(scope.conn(), &credential_id).await? {
        return Err(refused_because(&"credential registered already"));
    }
    let passkey_id = Uuid::now_v7();
    let key = scope.subject_key(user_id).await?;
    let cipher = scope.cipher(&key, PASSKEYS, passkey_id);
    let name_ct = cipher.seal("name", &name);
    let credential_ct = cipher.seal("credential", &to_json(&passkey)?);
    let row = storage::NewPasskey {
        tenant_id,
        passkey_id,
        user_id,
        credential_id: &credential_id,
        name_ct: &name_ct,
        credential_ct: &credential_ct,
    };
    storage::insert(scope.conn(), row).await?;
    KeyStore::count_encryptions(scope.conn(), user_id, 2).await?;
    let event = scope.event(audited(AuthAudit::PasskeyAdded));
    scope.audit(event).await
}

/// The principal's passkeys, oldest first.
pub async fn list(scope: &mut Scope) -> AppResult<Vec<PasskeySummary>> {
    open_own(scope, |cipher, row| {
        Ok(PasskeySummary {
            passkey_id: row.passkey_id,
            name: cipher.open("name", &row.name_ct)?,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
    })
    .await
}

/// Removes one of the principal's passkeys.
pub async fn remove(scope: &mut Scope, passkey_id: Uuid) -> AppResult<()> {
    let user_id = scope.user_id();
    if !storage::delete(scope.conn(), user_id, passkey_id).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(AuthAudit::PasskeyRemoved));
    scope.audit(event).await
}

/// Options for signing in to workspace `slug` with any of its passkeys.
pub async fn start_sign_in(backend: &Backend, slug: &str) -> AppResult<Started> {
    let tenant_id = tenant_id_for_slug(&backend.db, slug.trim().to_lowercase().as_str()).await?;
    let (options, state) = rp(backend)?
        .start_discoverable_authentication()
        .map_err(|e| refused_because(&e))?;
    Ok(Started {
        options_json: to_json(&options.public_key)?,
        ceremony: Ceremony::SignIn { tenant_id, state },
    })
}

/// Signs in with the passkey the browser chose; counts as both factors.
pub async fn finish_sign_in(
    state: &AppState,
    client_ip: IpAddr,
    ceremony: Option<Ceremony>,
    credential_json: &str,
) -> AppResult<SignedIn> {
    let Some(Ceremony::SignIn {
        tenant_id,
        state: ceremony,
    }) = ceremony
    else {
        return Err(refused_because(&"no sign-in waiting"));
    };
    let answer: PublicKeyCredential = parse(credential_json)?;
    let rp = rp(&state.backend)?;
    let user_id = rp
        .identify_discoverable_authentication(&answer)
        .map(|(user_id, _)| user_id)
        .ok();
    // Per claimed account, so that strangers' failures cannot lock a workspace out.
    let throttle_key = format!(
        "passkey\u{1f}{}\u{1f}{}",
        tenant_id.unwrap_or_default(),
        user_id.unwrap_or_default()
    );
    state.throttle.admit(client_ip, &throttle_key).await?;
    let outcome = match (tenant_id, user_id) {
        (Some(tenant_id), Some(user_id)) => {
            sign_in_as(state, &rp, tenant_id, user_id, &answer, ceremony).await
        }
        _ => Err(refused_because(&"unknown workspace or user handle")),
    };
    if outcome.is_err() {
        if let Some(tenant_id) = tenant_id {
            record_refusal(&state.backend, tenant_id, user_id).await?;
        }
    } else {
        state
            .throttle
            .record_success(client_ip, &throttle_key)
            .await?;
    }
    outcome
}

async fn sign_in_as(
    state: &AppState,
    rp: &Webauthn,
    tenant_id: Uuid,
    user_id: Uuid,
    answer: &PublicKeyCredential,
    ceremony: DiscoverableAuthentication,
) -> AppResult<SignedIn> {
    let mut scope = Scope::begin(state.backend.clone(), tenant_id, user_id)
        .await
        .map_err(|_| refused_because(&"no such account"))?;
    let passkeys = open_passkeys(&mut scope).await?;
    let chosen = passkeys
        .iter()
        .find(|p| p.passkey.cred_id().as_ref() == answer.get_credential_id())
        .ok_or_else(|| refused_because(&"credential not of this account"))?;
    let result = rp
        .finish_discoverable_authentication(
            answer,
            ceremony,
            &[DiscoverableKey::from(&chosen.passkey)],
        )
        .map_err(|e| refused_because(&e))?;
    // Like a password: with single sign-on only, a passkey signs in owners alone.
    let role = scope.principal.role;
    if sso::password_refused(scope.conn(), role).await? {
        return Err(AppError::Validation(FieldErrors::single(
            "passkey",
            Problem::PasswordSignInOff,
        )));
    }
    let passkey_id = chosen.passkey_id;
    let mut passkey = chosen.passkey.clone();
    record_use(&mut scope, passkey_id, &mut passkey, &result).await?;
    let event = scope.event(audited(AuthAudit::PasskeySignIn));
    scope.audit(event).await?;
    scope.commit().await?;
    tracing::info!(%tenant_id, %user_id, "signed in with a passkey");
    Ok(SignedIn {
        tenant_id,
        user_id,
        second_factor: true,
    })
}

/// Stores the new signature counter (a clone's older counter is refused by the
/// check itself) and the time of use.
async fn record_use(
    scope: &mut Scope,
    passkey_id: Uuid,
    passkey: &mut Passkey,
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> AppResult<()> {
    let resealed = if passkey.update_credential(result) == Some(true) {
        let user_id = scope.user_id();
        let key = scope.subject_key(user_id).await?;
        let sealed = scope
            .cipher(&key, PASSKEYS, passkey_id)
            .seal("credential", &to_json(passkey)?);
        KeyStore::count_encryptions(scope.conn(), user_id, 1).await?;
        Some(sealed)
    } else {
        None
    };
    storage::record_use(scope.conn(), passkey_id, resealed.as_deref()).await
}

/// A refused passkey in the workspace's log, by the account it claimed if any.
async fn record_refusal(
    backend: &Backend,
    tenant_id: Uuid,
    user_id: Option<Uuid>,
) -> AppResult<()> {
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let known = match user_id {
        Some(user_id) => sso::storage::role_of(&mut tx, user_id)
            .await?
            .and_then(|r| Role::parse(&r))
            .map(|_| user_id),
        None => None,
    };
    let event = AuditEvent::new(known, audited(AuthAudit::PasskeyFailed));
    audit::record(&mut tx, tenant_id, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Options for showing one of the account's passkeys after its password.
pub async fn start_second_factor(
    backend: &std::sync::Arc<Backend>,
    pending: PendingSecondFactor,
) -> AppResult<Started> {
    let mut scope = Scope::begin(backend.clone(), pending.tenant_id, pending.user_id).await?;
    let passkeys: Vec<Passkey> = open_passkeys(&mut scope)
        .await?
        .into_iter()
        .map(|p| p.passkey)
        .collect();
    scope.commit().await?;
    if passkeys.is_empty() {
        return Err(refused_because(&"account has no passkey"));
    }
    let (options, state) = rp(backend)?
        .start_passkey_authentication(&passkeys)
        .map_err(|e| refused_because(&e))?;
    Ok(Started {
        options_json: to_json(&options.public_key)?,
        ceremony: Ceremony::SecondFactor {
            tenant_id: pending.tenant_id,
            user_id: pending.user_id,
            state,
        },
    })
}

/// Checks the passkey shown after the password.
pub async fn finish_second_factor(
    state: &AppState,
    client_ip: IpAddr,
    pending: PendingSecondFactor,
    ceremony: Option<Ceremony>,
    credential_json: &str,
) -> AppResult<SignedIn> {
    let account = format!(
        "second-factor\u{1f}{}\u{1f}{}",
        pending.tenant_id, pending.user_id
    );
    state.throttle.admit(client_ip, &account).await?;
    match check_second_factor(state, pending, ceremony, credential_json).await {
        Ok(mut scope) => {
            let event = scope.event(audited(AuthAudit::PasskeySignIn));
            scope.audit(event).await?;
            scope.commit().await?;
            state.throttle.record_success(client_ip, &account).await?;
            Ok(SignedIn {
                tenant_id: pending.tenant_id,
                user_id: pending.user_id,
                second_factor: true,
            })
        }
        Err(err) => {
            let mut scope =
                Scope::begin(state.backend.clone(), pending.tenant_id, pending.user_id).await?;
            let event = scope.event(audited(AuthAudit::PasskeyFailed));
            scope.audit(event).await?;
            scope.commit().await?;
            Err(err)
        }
    }
}

/// The account's scope with the passkey's use recorded, if the answer is right.
async fn check_second_factor(
    state: &AppState,
    pending: PendingSecondFactor,
    ceremony: Option<Ceremony>,
    credential_json: &str,
) -> AppResult<Scope> {
    let Some(Ceremony::SecondFactor {
        tenant_id,
        user_id,
        state: ceremony,
    }) = ceremony
    else {
        return Err(refused_because(&"no second factor waiting"));
    };
    if (tenant_id, user_id) != (pending.tenant_id, pending.user_id) {
        return Err(refused_because(&"second factor of another sign-in"));
    }
    let answer: PublicKeyCredential = parse(credential_json)?;
    let result = rp(&state.backend)?
        .finish_passkey_authentication(&answer, &ceremony)
        .map_err(|e| refused_because(&e))?;
    let mut scope = Scope::begin(state.backend.clone(), tenant_id, user_id).await?;
    let passkeys = open_passkeys(&mut scope).await?;
    let Some(chosen) = passkeys
        .into_iter()
        .find(|p| p.passkey.cred_id() == result.cred_id())
    else {
        return Err(refused_because(&"passkey removed meanwhile"));
    };
    let mut passkey = chosen.passkey;
    record_use(&mut scope, chosen.passkey_id, &mut passkey, &result).await?;
    Ok(scope)
}
