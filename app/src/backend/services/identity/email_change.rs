//! Changing one's own e-mail address: confirmed by the current password, then by a
//! one-time link mailed to the new address (and a notice to the old one). The answer
//! is the same whether or not the new address already has an account here.

use super::storage::{self, NewEmailChange, USERS};
use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::password;
use crate::backend::auth::token::{new_token, token_hash};
use crate::backend::crypto::{KeyStore, RecordCipher};
use crate::backend::tenancy::{begin_for_tenant, tenant_id_for_slug};
use crate::backend::{AppState, Scope};
use crate::i18n::{fill, Locale};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, EmailChangeInput};
use crate::model::validation::{normalize_email, FieldErrors, Problem};
use crate::{AppError, AppResult};
use std::net::IpAddr;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const VALIDITY_MINUTES: i64 = 30;
/// Where the pending address is sealed (row: the change).
const TABLE: &str = "email_changes";

fn invalid(field: &str, problem: Problem) -> AppError {
    AppError::Validation(FieldErrors::single(field, problem))
}

/// Mails a confirmation link to the new address, unless another account has it.
pub async fn request(
    scope: &mut Scope,
    client_ip: IpAddr,
    locale: Locale,
    input: &EmailChangeInput,
) -> AppResult<()> {
    input.validate().into_result()?;
    let mailer = scope
        .backend
        .account_mail
        .clone()
        .ok_or_else(|| invalid("new_email", Problem::NotConfigured))?;
    let (tenant_id, user_id) = (scope.tenant_id(), scope.user_id());
    let throttle_key = format!("email-change\u{1f}{tenant_id}\u{1f}{user_id}");
    scope
        .backend
        .throttle
        .admit(client_ip, &throttle_key)
        .await?;
    let hash = storage::password_hash(scope.conn(), user_id).await?;
    if !password::verify_async(input.password.clone(), hash).await? {
        return Err(invalid("password", Problem::WrongPassword));
    }
    scope
        .backend
        .throttle
        .record_success(client_ip, &throttle_key)
        .await?;
    let new_email = normalize_email(&input.new_email);
    let me = super::current_user(scope).await?;
    if new_email == me.email {
        return Err(invalid("new_email", Problem::SameAsCurrent));
    }
    let bidx = scope.index_key().await?.email(&new_email);
    let event = scope.event(AuditAction::Auth(AuthAudit::EmailChangeRequested));
    scope.audit(event).await?;
    if storage::login(scope.conn(), &bidx).await?.is_some() {
        // Taken: nothing is sent, and the answer is the same.
        return Ok(());
    }
    let token = new_token();
    let change_id = Uuid::now_v7();
    let key = scope.subject_key(user_id).await?;
    let sealed = scope
        .cipher(&key, TABLE, change_id)
        .seal("new_email", &new_email);
    let change = NewEmailChange {
        change_id,
        user_id,
        token_hash: &token_hash(&token),
        new_email_ct: sealed,
        new_email_bidx: bidx,
        expires_at: OffsetDateTime::now_utc() + Duration::minutes(VALIDITY_MINUTES),
    };
    storage::insert_email_change(scope.conn(), tenant_id, change).await?;
    KeyStore::count_encryptions(scope.conn(), user_id, 1).await?;

    let texts = locale.texts().auth;
    let public_url = scope.backend.public_url.trim_end_matches('/');
    let link = format!("{public_url}/account/email/{}#{token}", me.tenant_slug);
    let minutes = VALIDITY_MINUTES.to_string();
    let workspace = me.tenant_name.as_str();
    let body = fill(
        texts.email_change_mail_body,
        &[
            ("workspace", workspace),
            ("link", &link),
            ("minutes", &minutes),
        ],
    );
    let notice = fill(texts.email_change_notice_body, &[("workspace", workspace)]);
    let subject = texts.email_change_mail_subject.to_owned();
    scope.after_commit(mailer.send_later(&new_email, subject, body));
    let subject = texts.email_change_notice_subject.to_owned();
    scope.after_commit(mailer.send_later(&me.email, subject, notice));
    Ok(())
}

/// Makes the address behind a link the account's, once.
pub async fn confirm(state: &AppState, slug: &str, token: &str) -> AppResult<()> {
    let tenant_id = tenant_id_for_slug(&state.db, slug.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = begin_for_tenant(&state.db, tenant_id).await?;
    let change = storage::take_email_change(&mut tx, &token_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let user_id = change.user_id;
    let key = state.keys.subject_key(&mut tx, tenant_id, user_id).await?;
    let pending = RecordCipher {
        key: &key,
        tenant_id,
        table: TABLE,
        row_id: change.change_id,
    };
    let new_email = pending.open("new_email", &change.new_email_ct)?;
    let account = RecordCipher {
        key: &key,
        table: USERS,
        row_id: user_id,
        tenant_id,
    };
    let email_ct = account.seal("email", &new_email);
    storage::set_email(&mut tx, user_id, &email_ct, &change.new_email_bidx).await?;
    KeyStore::count_encryptions(&mut tx, user_id, 1).await?;
    let event = AuditEvent::new(Some(user_id), AuditAction::Auth(AuthAudit::EmailChanged));
    audit::record(&mut tx, tenant_id, event).await?;
    tx.commit().await?;
    tracing::info!(%tenant_id, %user_id, "e-mail address changed");
    Ok(())
}
