//! E-mail in, governed. Nothing is read until the workspace's policy says what to
//! keep (and, where there is a works council, it agreed to that version). Then a
//! connected mailbox is read by a background job every few minutes: only mail with
//! known contacts is kept, never mail among the workspace's own domains, each
//! message once across everyone's mailboxes (Message-ID fingerprint), threaded by
//! In-Reply-To/References, private to the mailbox owner until they share the thread,
//! and deleted when the retention period has passed.

pub mod imap;
pub mod message;
pub mod storage;
mod sync;

pub use sync::run_job;

use crate::backend::jobs::{self, JobKind};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::capture::{
    CapturePage, CapturePolicy, CapturePolicyInput, Mailbox, MailboxInput,
};
use crate::model::mail::{MailAudit, SmtpSecurity};
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use time::OffsetDateTime;
use uuid::Uuid;

fn audited(action: MailAudit) -> AuditAction {
    AuditAction::Mail(action)
}

/// The workspace's policy; everyone may read what is kept of their mail.
pub async fn policy(scope: &mut Scope) -> AppResult<CapturePolicy> {
    scope.require(Area::Team, Action::Read)?;
    let needs_agreement = storage::has_works_council(scope.conn()).await?;
    Ok(match storage::policy(scope.conn()).await? {
        Some(row) => CapturePolicy {
            input: row.input(),
            agreed_at: row.agreed_at,
            needs_agreement,
            updated_at: Some(row.updated_at),
        },
        None => CapturePolicy {
            input: CapturePolicyInput::default(),
            agreed_at: None,
            needs_agreement,
            updated_at: None,
        },
    })
}

pub async fn save_policy(
    scope: &mut Scope,
    input: &CapturePolicyInput,
) -> AppResult<CapturePolicy> {
    scope.require(Area::Mail, Action::Configure)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    storage::save_policy(scope.conn(), tenant_id, &input, me).await?;
    let event = scope.event(audited(MailAudit::PolicyChanged));
    scope.audit(event).await?;
    // A shorter period applies at once.
    sync::purge_expired(scope, input.retention() as i32).await?;
    policy(scope).await
}

/// The works council agrees to the policy as it saw it (`version` from
/// `CapturePolicy::version`).
pub async fn agree_policy(scope: &mut Scope, version: i64) -> AppResult<CapturePolicy> {
    scope.require(Area::Mail, Action::Approve)?;
    let me = scope.user_id();
    let seen = OffsetDateTime::from_unix_timestamp_nanos(version as i128 * 1_000_000)
        .map_err(|_| AppError::Conflict)?;
    if !storage::agree(scope.conn(), seen, me).await? {
        return Err(AppError::Conflict);
    }
    let event = scope.event(audited(MailAudit::PolicyAgreed));
    scope.audit(event).await?;
    policy(scope).await
}

/// The capture section of the settings page for the signed-in user.
pub async fn page(scope: &mut Scope) -> AppResult<CapturePage> {
    let policy = policy(scope).await?;
    let mailbox = if scope.require(Area::Mail, Action::Create).is_ok() {
        my_mailbox(scope).await?
    } else {
        None
    };
    Ok(CapturePage {
        policy,
        mailbox,
        may_configure: scope.require(Area::Mail, Action::Configure).is_ok(),
        may_agree: scope.require(Area::Mail, Action::Approve).is_ok(),
    })
}

async fn my_mailbox(scope: &mut Scope) -> AppResult<Option<Mailbox>> {
    let me = scope.user_id();
    let Some(row) = storage::mailbox_of(scope.conn(), me).await? else {
        return Ok(None);
    };
    let key = scope.subject_key(row.mailbox_id).await?;
    let username = scope
        .cipher(&key, storage::MAILBOXES, row.mailbox_id)
        .open("username", &row.username_ct)?;
    Ok(Some(Mailbox {
        id: row.mailbox_id,
        host: row.host,
        port: row.port as u16,
        security: SmtpSecurity::parse(&row.security).unwrap_or_default(),
        username,
        folders: row.folders,
        imported: row.imported,
        last_sync_at: row.last_sync_at,
        last_error: row.last_error,
    }))
}

/// Connects (or replaces) the user's mailbox after trying the account once.
pub async fn connect_mailbox(scope: &mut Scope, input: &MailboxInput) -> AppResult<Mailbox> {
    scope.require(Area::Mail, Action::Create)?;
    let input = input.normalized();
    input.validate().into_result()?;
    if !policy(scope).await?.active() {
        return Err(AppError::Validation(FieldErrors::single(
            "host",
            Problem::NotEnabled,
        )));
    }
    let account = imap::Account {
        host: &input.host,
        port: input.port(),
        security: input.security,
        username: &input.username,
        password: &input.password,
    };
    let folders = input.folder_list();
    // Reading nothing proves host, login and folders.
    if let Err(err) = imap::fetch_new(&account, &folders, &Default::default(), 0).await {
        let (field, problem) = match err {
            imap::FetchError::Unreachable => ("host", Problem::Unreachable),
            imap::FetchError::LoginFailed => ("password", Problem::LoginRefused),
            imap::FetchError::FolderMissing => ("folders", Problem::FolderMissing),
        };
        return Err(AppError::Validation(FieldErrors::single(field, problem)));
    }
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    if let Some(old) = storage::mailbox_of(scope.conn(), me).await? {
        forget_mailbox(scope, old.mailbox_id).await?;
    }
    let id = Uuid::now_v7();
    let key = scope.create_subject_key(id).await?;
    let cipher = scope.cipher(&key, storage::MAILBOXES, id);
    let new = storage::NewMailbox {
        id,
        user_id: me,
        host: &input.host,
        port: input.port(),
        security: input.security.code(),
        username_ct: cipher.seal("username", &input.username),
        password_ct: cipher.seal("password", &input.password),
        folders,
    };
    storage::insert_mailbox(scope.conn(), tenant_id, new).await?;
    let job = jobs::enqueue(
        scope.conn(),
        tenant_id,
        me,
        JobKind::SyncMailbox,
        serde_json::json!({ "mailbox": id }),
    )
    .await?;
    storage::set_job(scope.conn(), id, job).await?;
    let event = scope.event(audited(MailAudit::MailboxConnected));
    scope.audit(event).await?;
    my_mailbox(scope).await?.ok_or(AppError::Internal)
}

/// Disconnects the user's mailbox; what was captured stays until its period ends.
pub async fn remove_mailbox(scope: &mut Scope) -> AppResult<()> {
    scope.require(Area::Mail, Action::Create)?;
    let me = scope.user_id();
    let row = storage::mailbox_of(scope.conn(), me)
        .await?
        .ok_or(AppError::NotFound)?;
    forget_mailbox(scope, row.mailbox_id).await?;
    let event = scope.event(audited(MailAudit::MailboxRemoved));
    scope.audit(event).await
}

async fn forget_mailbox(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    storage::delete_mailbox(scope.conn(), id).await?;
    crate::backend::crypto::KeyStore::destroy_subject_key(scope.conn(), id).await
}

/// Reads the user's mailbox now instead of at the next round.
pub async fn sync_now(scope: &mut Scope) -> AppResult<()> {
    scope.require(Area::Mail, Action::Create)?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    let row = storage::mailbox_of(scope.conn(), me)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(job) = row.job_id {
        match jobs::status(scope.conn(), job).await?.map(|s| s.state) {
            Some(state) if state == "queued" => return jobs::run_now(scope.conn(), job).await,
            Some(state) if state == "running" => return Ok(()),
            _ => {}
        }
    }
    let job = jobs::enqueue(
        scope.conn(),
        tenant_id,
        me,
        JobKind::SyncMailbox,
        serde_json::json!({ "mailbox": row.mailbox_id }),
    )
    .await?;
    storage::set_job(scope.conn(), row.mailbox_id, job).await
}
