//! "Forgot password": a one-time link by mail, valid for a short while. The request
//! answers the same whether or not the address has an account (the mail goes out
//! in the background), and a reset does not bypass the second factor.

use super::storage;
use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::token::{new_token, token_hash};
use crate::backend::auth::{guard, password};
use crate::backend::tenancy::{begin_for_tenant, tenant_id_for_slug};
use crate::backend::AppState;
use crate::i18n::{fill, Locale};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, NewPasswordInput, ResetRequestInput};
use crate::model::validation::{normalize_email, FieldErrors, Problem};
use crate::{AppError, AppResult};
use std::net::IpAddr;
use time::{Duration, OffsetDateTime};

const VALIDITY_MINUTES: i64 = 30;

/// Mails a reset link if the workspace has an account for the address.
pub async fn request_reset(
    state: &AppState,
    client_ip: IpAddr,
    locale: Locale,
    input: &ResetRequestInput,
) -> AppResult<()> {
    input.validate().into_result()?;
    let mailer = state.account_mail.clone().ok_or_else(|| {
        AppError::Validation(FieldErrors::single("email", Problem::NotConfigured))
    })?;
    let slug = input.workspace.trim().to_lowercase();
    let email = normalize_email(&input.email);
    // Every request counts, so nobody can flood an inbox or probe at speed.
    let account = format!("password-reset\u{1f}{slug}\u{1f}{email}");
    state.throttle.admit(client_ip, &account).await?;

    let Some(tenant_id) = tenant_id_for_slug(&state.db, &slug).await? else {
        return Ok(());
    };
    let mut tx = begin_for_tenant(&state.db, tenant_id).await?;
    let email_bidx = state
        .keys
        .index_key(&mut tx, tenant_id)
        .await?
        .email(&email);
    let Some((user_id, _)) = storage::login(&mut tx, &email_bidx).await? else {
        tx.commit().await?;
        return Ok(());
    };
    let token = new_token();
    let expires_at = OffsetDateTime::now_utc() + Duration::minutes(VALIDITY_MINUTES);
    storage::insert_password_reset(&mut tx, tenant_id, user_id, &token_hash(&token), expires_at)
        .await?;
    let event = AuditEvent::new(
        Some(user_id),
        AuditAction::Auth(AuthAudit::PasswordResetRequested),
    );
    audit::record(&mut tx, tenant_id, event).await?;
    let (workspace, slug) = storage::tenant_name_and_slug(&mut tx).await?;
    tx.commit().await?;

    let texts = locale.texts().auth;
    let link = format!(
        "{}/reset/{slug}#{token}",
        state.public_url.trim_end_matches('/')
    );
    let minutes = VALIDITY_MINUTES.to_string();
    let body = fill(
        texts.reset_mail_body,
        &[
            ("workspace", &workspace),
            ("link", &link),
            ("minutes", &minutes),
        ],
    );
    tokio::spawn(mailer.send_later(&email, texts.reset_mail_subject.to_owned(), body));
    Ok(())
}

/// Sets a new password with a link's token, once.
pub async fn reset_password(state: &AppState, input: &NewPasswordInput) -> AppResult<()> {
    input.validate().into_result()?;
    let tenant_id = tenant_id_for_slug(&state.db, input.slug.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = begin_for_tenant(&state.db, tenant_id).await?;
    let user_id = storage::user_of_reset(&mut tx, &token_hash(&input.token))
        .await?
        .ok_or(AppError::NotFound)?;
    // Hashed only for a valid link, while the link's row stays locked.
    let password_hash = password::hash_async(input.password.clone()).await?;
    guard::check_before_change(&mut tx, &state.keys, tenant_id, user_id).await?;
    storage::set_password(&mut tx, user_id, &password_hash).await?;
    guard::bind(&mut tx, &state.keys, tenant_id, user_id).await?;
    let event = AuditEvent::new(Some(user_id), AuditAction::Auth(AuthAudit::PasswordReset));
    audit::record(&mut tx, tenant_id, event).await?;
    tx.commit().await?;
    tracing::info!(%tenant_id, %user_id, "password reset");
    Ok(())
}
