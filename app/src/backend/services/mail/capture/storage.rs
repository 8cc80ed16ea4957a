//! Capture at rest: the workspace's policy (plain metadata), connected mailboxes
//! (account name and password sealed under the mailbox's own key) and the marks a
//! captured mail carries.

use crate::model::capture::{CaptureKeeps, CapturePolicyInput};
use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const MAILBOXES: &str = "mailboxes";

pub struct PolicyRow {
    pub keeps: String,
    pub retention_days: i32,
    pub own_domains: Vec<String>,
    pub agreed_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

impl PolicyRow {
    pub fn keeps(&self) -> CaptureKeeps {
        CaptureKeeps::parse(&self.keeps).unwrap_or_default()
    }

    pub fn input(&self) -> CapturePolicyInput {
        CapturePolicyInput {
            keeps: self.keeps(),
            retention_days: self.retention_days.to_string(),
            own_domains: self.own_domains.join(", "),
        }
    }
}

pub async fn policy(conn: &mut PgConnection) -> AppResult<Option<PolicyRow>> {
    Ok(sqlx::query_as!(
        PolicyRow,
        "SELECT keeps, retention_days, own_domains, agreed_at, updated_at FROM capture_policies"
    )
    .fetch_optional(conn)
    .await?)
}

/// Saves the policy; a changed policy needs the works council's agreement again.
pub async fn save_policy(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    input: &CapturePolicyInput,
    by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO capture_policies (tenant_id, keeps, retention_days, own_domains, updated_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id) DO UPDATE SET keeps = $2, retention_days = $3, own_domains = $4,
             updated_by = $5, updated_at = now(), agreed_by = NULL, agreed_at = NULL",
        tenant_id,
        input.keeps.code(),
        input.retention() as i32,
        &input.domains(),
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the agreement to the policy as it was shown (`updated_at`); false if it
/// changed since.
pub async fn agree(conn: &mut PgConnection, seen: OffsetDateTime, by: Uuid) -> AppResult<bool> {
    let updated = sqlx::query!(
        "UPDATE capture_policies SET agreed_by = $2, agreed_at = now()
         WHERE date_trunc('milliseconds', updated_at) = date_trunc('milliseconds', $1::timestamptz)",
        seen,
        by
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Whether the workspace has a works council (whose agreement capture then waits for).
pub async fn has_works_council(conn: &mut PgConnection) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE role = 'works_council') AS "exists!""#
    )
    .fetch_one(conn)
    .await?)
}

pub struct MailboxRow {
    pub mailbox_id: Uuid,
    pub user_id: Uuid,
    pub host: String,
    pub port: i32,
    pub security: String,
    pub username_ct: Vec<u8>,
    pub password_ct: Vec<u8>,
    pub folders: Vec<String>,
    pub seen: serde_json::Value,
    pub imported: i64,
    pub last_sync_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub job_id: Option<Uuid>,
}

pub async fn mailbox_of(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Option<MailboxRow>> {
    Ok(sqlx::query_as!(
        MailboxRow,
        "SELECT mailbox_id, user_id, host, port, security, username_ct, password_ct, folders, seen,
                imported, last_sync_at, last_error, job_id
         FROM mailboxes WHERE user_id = $1",
        user_id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn mailbox(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<MailboxRow>> {
    Ok(sqlx::query_as!(
        MailboxRow,
        "SELECT mailbox_id, user_id, host, port, security, username_ct, password_ct, folders, seen,
                imported, last_sync_at, last_error, job_id
         FROM mailboxes WHERE mailbox_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

pub struct NewMailbox<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub host: &'a str,
    pub port: u16,
    pub security: &'a str,
    pub username_ct: Vec<u8>,
    pub password_ct: Vec<u8>,
    pub folders: Vec<String>,
}

pub async fn insert_mailbox(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    m: NewMailbox<'_>,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO mailboxes (tenant_id, mailbox_id, user_id, host, port, security, username_ct,
                                password_ct, folders)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        tenant_id,
        m.id,
        m.user_id,
        m.host,
        m.port as i32,
        m.security,
        m.username_ct,
        m.password_ct,
        &m.folders
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_mailbox(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!("DELETE FROM mailboxes WHERE mailbox_id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_job(conn: &mut PgConnection, id: Uuid, job: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE mailboxes SET job_id = $2 WHERE mailbox_id = $1",
        id,
        job
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// After a sync: where each folder stands, what came in, and an error code.
pub async fn record_sync(
    conn: &mut PgConnection,
    id: Uuid,
    seen: &serde_json::Value,
    imported: i64,
    error: Option<&str>,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE mailboxes SET seen = $2, imported = imported + $3, last_error = $4,
             last_sync_at = now() WHERE mailbox_id = $1",
        id,
        seen,
        imported,
        error
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The entry a Message-ID fingerprint already has, with its thread.
pub async fn by_message(
    conn: &mut PgConnection,
    bidx: &[u8],
) -> AppResult<Option<(Uuid, Option<Uuid>)>> {
    Ok(sqlx::query!(
        "SELECT interaction_id, thread_id FROM interactions WHERE message_bidx = $1",
        bidx
    )
    .fetch_optional(conn)
    .await?
    .map(|r| (r.interaction_id, r.thread_id)))
}

pub async fn mark_captured(conn: &mut PgConnection, id: Uuid, mailbox: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE interactions SET captured_from = $2, captured_at = now() WHERE interaction_id = $1",
        id,
        mailbox
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Captured mail older than the retention period, to be deleted.
pub async fn expired(conn: &mut PgConnection, retention_days: i32) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT interaction_id FROM interactions
         WHERE captured_from IS NOT NULL AND occurred_at < now() - make_interval(days => $1)",
        retention_days
    )
    .fetch_all(conn)
    .await?)
}
