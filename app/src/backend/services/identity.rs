//! Sign-up and sign-in.

use crate::backend::auth::{password, throttle::LoginThrottle};
use crate::backend::tenancy::{begin_for_tenant, violates, TenantTx};
use crate::model::identity::{CurrentUser, LoginInput, Role, SignupInput};
use crate::model::validation::{normalize_email, FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgPool;
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
}

/// Creates a tenant and its owner atomically.
pub async fn sign_up(pool: &PgPool, input: &SignupInput) -> AppResult<SignedIn> {
    let input = input.normalized();
    input.validate().into_result()?;
    let password_hash = password::hash_async(input.password.clone()).await?;

    let tenant_id = Uuid::now_v7();
    let user_id = Uuid::now_v7();
    let mut tx = begin_for_tenant(pool, tenant_id).await?;
    sqlx::query("INSERT INTO tenants (tenant_id, slug, name) VALUES ($1, $2, $3)")
        .bind(tenant_id)
        .bind(&input.slug)
        .bind(&input.company_name)
        .execute(&mut *tx)
        .await
        .map_err(|err| {
            if violates(&err, "tenants_slug_key") {
                AppError::Validation(FieldErrors::single("slug", Problem::SlugTaken))
            } else {
                err.into()
            }
        })?;
    sqlx::query(
        "INSERT INTO users (tenant_id, user_id, email, display_name, password_hash, role)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(&input.email)
    .bind(&input.owner_name)
    .bind(&password_hash)
    .bind(Role::Owner.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(%tenant_id, "tenant signed up");
    Ok(SignedIn { tenant_id, user_id })
}

/// Checks credentials. Unknown workspace, unknown e-mail and wrong password give the
/// same error after the same work (one Argon2 verification).
pub async fn sign_in(
    pool: &PgPool,
    throttle: &LoginThrottle,
    client_ip: IpAddr,
    input: &LoginInput,
) -> AppResult<SignedIn> {
    input.validate().into_result()?;
    let slug = input.workspace.trim().to_lowercase();
    let email = normalize_email(&input.email);
    let account_key = format!("{slug}\u{1f}{email}");
    throttle
        .check(client_ip, &account_key)
        .map_err(|wait| AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        })?;

    let tenant_id: Option<Uuid> = sqlx::query_scalar("SELECT auth_tenant_id_for_slug($1)")
        .bind(&slug)
        .fetch_one(pool)
        .await?;
    let candidate: Option<(Uuid, String)> = match tenant_id {
        Some(tenant_id) => {
            let mut tx = begin_for_tenant(pool, tenant_id).await?;
            let row = sqlx::query_as("SELECT user_id, password_hash FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            row
        }
        None => None,
    };
    let stored_hash = candidate.as_ref().map(|(_, hash)| hash.clone());
    let verified = password::verify_async(input.password.clone(), stored_hash).await;

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

pub async fn current_user(scope: &mut TenantTx) -> AppResult<CurrentUser> {
    let user_id = scope.principal.user_id;
    let role = scope.principal.role;
    let (display_name, email, tenant_name, tenant_slug): (String, String, String, String) =
        sqlx::query_as(
            "SELECT u.display_name, u.email, t.name, t.slug
             FROM users u JOIN tenants t USING (tenant_id)
             WHERE u.user_id = $1",
        )
        .bind(user_id)
        .fetch_one(scope.conn())
        .await?;
    Ok(CurrentUser {
        user_id,
        display_name,
        email,
        role,
        tenant_name,
        tenant_slug,
    })
}
