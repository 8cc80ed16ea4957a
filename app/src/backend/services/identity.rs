//! Sign-up and sign-in. Employees are data subjects too: their names and e-mail
//! addresses are encrypted, and sign-in finds the account by the e-mail's blind index.

use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::password;
use crate::backend::crypto::{open_rows, KeyStore, RecordCipher};
use crate::backend::subjects::{BoxFuture, SubjectKind};
use crate::backend::tenancy::{begin_for_tenant, violates, Principal};
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, CurrentUser, LoginInput, Role, SignupInput};
use crate::model::validation::{normalize_email, FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use std::collections::HashMap;
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
}

pub struct NewUser<'a> {
    pub user_id: Uuid,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

/// Employees are data subjects too: reviewers see them by name.
pub const EMPLOYEE_SUBJECT_KIND: SubjectKind = SubjectKind {
    name: "employee",
    labels: employee_labels,
};

fn employee_labels<'a>(
    conn: &'a mut PgConnection,
    keys: &'a KeyStore,
    tenant_id: Uuid,
    ids: &'a [Uuid],
) -> BoxFuture<'a, AppResult<HashMap<Uuid, String>>> {
    Box::pin(async move {
        let mut names = employee_names(conn, keys, tenant_id).await?;
        names.retain(|id, _| ids.contains(id));
        Ok(names)
    })
}

/// Every employee's decrypted display name (erased accounts are absent).
pub async fn employee_names(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<HashMap<Uuid, String>> {
    let rows: Vec<(Uuid, Vec<u8>)> = sqlx::query!("SELECT user_id, display_name_ct FROM users")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r.display_name_ct))
        .collect();
    let names = open_rows(
        keys,
        conn,
        tenant_id,
        "users",
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
        table: "users",
        row_id: user.user_id,
    };
    sqlx::query!(
        "INSERT INTO users (tenant_id, user_id, email_ct, email_bidx, display_name_ct, password_hash, role)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        tenant_id,
        user.user_id,
        record.seal("email", user.email),
        index.email(user.email),
        record.seal("display_name", user.display_name),
        user.password_hash,
        user.role.as_str()
    )
    .execute(&mut *conn)
    .await
    .map_err(|err| {
        if violates(&err, "users_email_key") {
            AppError::Validation(FieldErrors::single("email", Problem::EmailTaken))
        } else {
            err.into()
        }
    })?;
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
    sqlx::query!(
        "INSERT INTO tenants (tenant_id, slug, name) VALUES ($1, $2, $3)",
        tenant_id,
        &input.slug,
        &input.company_name
    )
    .execute(&mut *tx)
    .await
    .map_err(|err| {
        if violates(&err, "tenants_slug_key") {
            AppError::Validation(FieldErrors::single("slug", Problem::SlugTaken))
        } else {
            err.into()
        }
    })?;
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
    Ok(SignedIn { tenant_id, user_id })
}

/// Checks credentials. Unknown workspace, unknown e-mail and wrong password give the
/// same error after the same work (one Argon2 verification).
pub async fn sign_in(
    backend: &Backend,
    client_ip: IpAddr,
    input: &LoginInput,
) -> AppResult<SignedIn> {
    let (pool, keys, throttle) = (&backend.db, &backend.keys, &backend.throttle);
    input.validate().into_result()?;
    let slug = input.workspace.trim().to_lowercase();
    let email = normalize_email(&input.email);
    let account_key = format!("{slug}\u{1f}{email}");
    throttle
        .check(client_ip, &account_key)
        .map_err(|wait| AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        })?;

    let tenant_id: Option<Uuid> = crate::backend::tenancy::tenant_id_for_slug(pool, &slug).await?;
    let candidate: Option<(Uuid, String)> = match tenant_id {
        Some(tenant_id) => {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            let email_bidx = keys.index_key(&mut tx, tenant_id).await?.email(&email);
            let row = sqlx::query!(
                "SELECT user_id, password_hash FROM users WHERE email_bidx = $1",
                email_bidx
            )
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| (r.user_id, r.password_hash));
            tx.commit().await?;
            row
        }
        None => None,
    };
    let stored_hash = candidate.as_ref().map(|(_, hash)| hash.clone());
    let verified = password::verify_async(input.password.clone(), stored_hash).await;

    // Sign-ins and failed attempts land in the tenant's log (unknown workspaces have none).
    if let Some(tenant_id) = tenant_id {
        let user_id = candidate.as_ref().map(|(id, _)| *id);
        let action = if verified {
            AuditAction::Auth(AuthAudit::SignIn)
        } else {
            AuditAction::Auth(AuthAudit::SignInFailed)
        };
        let mut tx = begin_for_tenant(pool, tenant_id).await?;
        audit::record(&mut tx, tenant_id, AuditEvent::new(user_id, action)).await?;
        tx.commit().await?;
    }
    match (tenant_id, candidate, verified) {
        (Some(tenant_id), Some((user_id, _)), true) => {
            throttle.record_success(&account_key);
            tracing::info!(%tenant_id, %user_id, "signed in");
            Ok(SignedIn { tenant_id, user_id })
        }
        _ => {
            throttle.record_failure(client_ip, &account_key);
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
    let (email_ct, name_ct, tenant_name, tenant_slug): (Vec<u8>, Vec<u8>, String, String) = {
        let r = sqlx::query!(
            "SELECT u.email_ct, u.display_name_ct, t.name, t.slug
         FROM users u JOIN tenants t USING (tenant_id)
         WHERE u.user_id = $1",
            user_id
        )
        .fetch_one(scope.conn())
        .await?;
        (r.email_ct, r.display_name_ct, r.name, r.slug)
    };
    let key = scope.subject_key(user_id).await?;
    let record = scope.cipher(&key, "users", user_id);
    Ok(CurrentUser {
        user_id,
        display_name: record.open("display_name", &name_ct)?,
        email: record.open("email", &email_ct)?,
        role,
        tenant_name,
        tenant_slug,
    })
}
