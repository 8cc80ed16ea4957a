//! Sign-up and sign-in: the rules. Rows live in [`storage`].
//! Employees are data subjects too: their names and e-mail
//! addresses are encrypted, and sign-in finds the account by the e-mail's blind index.

pub mod email_change;
pub mod recovery;
pub mod storage;

use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::{guard, password};
use crate::backend::crypto::{open_rows, KeyStore, RecordCipher};
use crate::backend::services::{second_factor, sso};
use crate::backend::tenancy::{begin_for_tenant, Principal};
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, CurrentUser, LoginInput, Role, SignupInput};
use crate::model::second_factor::SignInStep;
use crate::model::validation::{normalize_email, FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use std::collections::HashMap;
use std::net::IpAddr;
use storage::USERS;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// Whether a second factor was shown on the way.
    pub second_factor: bool,
}

/// A right password, and what sign-in needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordAccepted {
    pub signed_in: SignedIn,
    pub next: SignInStep,
}

pub struct NewUser<'a> {
    pub user_id: Uuid,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

/// Every employee's decrypted display name (erased accounts are absent).
pub async fn employee_names(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<HashMap<Uuid, String>> {
    let rows = storage::display_names(&mut *conn).await?;
    let names = open_rows(
        keys,
        conn,
        tenant_id,
        USERS,
        rows,
        |r| (r.0, r.0),
        |c, (id, name_ct)| Ok((id, c.open("display_name", &name_ct)?)),
    )
    .await?;
    Ok(names.into_iter().collect())
}

/// Stores a user with encrypted name and e-mail under a fresh subject key.
pub async fn insert_user(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    user: &NewUser<'_>,
) -> AppResult<()> {
    let key = keys
        .create_subject_key(conn, tenant_id, user.user_id)
        .await?;
    let index = keys.index_key(conn, tenant_id).await?;
    let record = RecordCipher {
        key: &key,
        tenant_id,
        table: USERS,
        row_id: user.user_id,
    };
    let row = storage::UserRow {
        tenant_id,
        user_id: user.user_id,
        email_ct: record.seal("email", user.email),
        email_bidx: index.email(user.email),
        display_name_ct: record.seal("display_name", user.display_name),
        password_hash: user.password_hash,
        role: user.role.as_str(),
    };
    storage::insert_user(&mut *conn, row).await?;
    guard::bind(conn, keys, tenant_id, user.user_id).await?;
    KeyStore::count_encryptions(conn, user.user_id, 2).await?;
    Ok(())
}

/// Creates a tenant, its first data key and its owner atomically.
pub async fn sign_up(backend: &Backend, input: &SignupInput) -> AppResult<SignedIn> {
    let (pool, keys) = (&backend.db, &backend.keys);
    let input = input.normalized();
    input.validate().into_result()?;
    let password_hash = password::hash_async(input.password.clone()).await?;

    let tenant_id = Uuid::now_v7();
    let user_id = Uuid::now_v7();
    let mut tx = begin_for_tenant(pool, tenant_id).await?;
    storage::insert_tenant(&mut tx, tenant_id, &input.slug, &input.company_name).await?;
    keys.create_tenant_key(&mut tx, tenant_id).await?;
    audit::start_chain(&mut tx, tenant_id).await?;
    let owner = NewUser {
        user_id,
        email: &input.email,
        display_name: &input.owner_name,
        password_hash: &password_hash,
        role: Role::Owner,
    };
    insert_user(&mut tx, keys, tenant_id, &owner).await?;
    tx.commit().await?;
    tracing::info!(%tenant_id, "tenant signed up");
    Ok(SignedIn {
        tenant_id,
        user_id,
        second_factor: false,
    })
}

/// Checks credentials. Unknown workspace, unknown e-mail and wrong password give the
/// same error after the same work (one Argon2 verification). A right password of an
/// account with a second factor asks for it next; until it is shown nothing is
/// recorded as a sign-in.
pub async fn sign_in(
    backend: &Backend,
    client_ip: IpAddr,
    input: &LoginInput,
) -> AppResult<PasswordAccepted> {
    let (pool, keys, throttle) = (&backend.db, &backend.keys, &backend.throttle);
    input.validate().into_result()?;
    let slug = input.workspace.trim().to_lowercase();
    let email = normalize_email(&input.email);
    let account_key = format!("{slug}\u{1f}{email}");
    throttle.admit(client_ip, &account_key).await?;

    let tenant_id: Option<Uuid> = crate::backend::tenancy::tenant_id_for_slug(pool, &slug).await?;
    let candidate: Option<(Uuid, String)> = match tenant_id {
        Some(tenant_id) => {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            let email_bidx = keys.index_key(&mut tx, tenant_id).await?.email(&email);
            let mut row = storage::login(&mut tx, &email_bidx).await?;
            // A swapped password hash or role is refused like a wrong password.
            if let Some((user_id, _)) = &row {
                if !guard::row_holds(&mut tx, keys, tenant_id, *user_id).await? {
                    row = None;
                }
            }
            tx.commit().await?;
            row
        }
        None => None,
    };
    let stored_hash = candidate.as_ref().map(|(_, hash)| hash.clone());
    let verified = password::verify_async(input.password.clone(), stored_hash).await?;

    // Sign-ins and failed attempts land in the tenant's log (unknown workspaces have none).
    let mut next = SignInStep::Done;
    let mut password_refused = false;
    if let Some(tenant_id) = tenant_id {
        let user_id = candidate.as_ref().map(|(id, _)| *id);
        let mut tx = begin_for_tenant(pool, tenant_id).await?;
        let action = match (verified, user_id) {
            (true, Some(user_id)) => {
                // With single sign-on only, the right password of a non-owner is refused.
                let role = sso::storage::role_of(&mut tx, user_id).await?;
                let role = role
                    .as_deref()
                    .and_then(Role::parse)
                    .unwrap_or(Role::Member);
                password_refused = sso::password_refused(&mut tx, role).await?;
                next = second_factor::next_step(&mut tx, user_id).await?;
                if password_refused {
                    Some(AuthAudit::SignInFailed)
                } else {
                    (next != SignInStep::SecondFactor).then_some(AuthAudit::SignIn)
                }
            }
            _ => Some(AuthAudit::SignInFailed),
        };
        if let Some(action) = action {
            let event = AuditEvent::new(user_id, AuditAction::Auth(action));
            audit::record(&mut tx, tenant_id, event).await?;
        }
        tx.commit().await?;
    }
    if password_refused {
        return Err(AppError::Validation(FieldErrors::single(
            "password",
            Problem::PasswordSignInOff,
        )));
    }
    match (tenant_id, candidate, verified) {
        (Some(tenant_id), Some((user_id, _)), true) => {
            throttle.record_success(client_ip, &account_key).await?;
            tracing::info!(%tenant_id, %user_id, ?next, "password accepted");
            let signed_in = SignedIn {
                tenant_id,
                user_id,
                second_factor: false,
            };
            Ok(PasswordAccepted { signed_in, next })
        }
        _ => {
            tracing::info!(%client_ip, "failed sign-in");
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Records the sign-out while the session still says who it was.
pub async fn sign_out(scope: &mut Scope) -> AppResult<()> {
    let event = scope.event(AuditAction::Auth(AuthAudit::SignOut));
    scope.audit(event).await
}

pub async fn current_user(scope: &mut Scope) -> AppResult<CurrentUser> {
    let Principal { user_id, role, .. } = scope.principal;
    let row = storage::current_user(scope.conn(), user_id).await?;
    let key = scope.subject_key(user_id).await?;
    let record = scope.cipher(&key, USERS, user_id);
    Ok(CurrentUser {
        user_id,
        display_name: record.open("display_name", &row.display_name_ct)?,
        email: record.open("email", &row.email_ct)?,
        role,
        tenant_name: row.name,
        tenant_slug: row.slug,
        must_enrol: scope.second_factor_missing,
    })
}
