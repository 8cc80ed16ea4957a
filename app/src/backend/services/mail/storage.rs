//! Mail at rest: SMTP settings (password sealed under the tenant's own key),
//! templates, signatures (sealed under the user's key) and deliveries.

use crate::model::mail::{Delivery, MailStatus, SmtpSecurity, SmtpSettingsInput, TemplateInput};
use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub struct SmtpRow {
    pub host: String,
    pub port: i32,
    pub security: String,
    pub username: String,
    pub password_ct: Option<Vec<u8>>,
    pub from_address: String,
    pub from_name: String,
    pub updated_at: OffsetDateTime,
}

impl SmtpRow {
    pub fn input(&self) -> SmtpSettingsInput {
        SmtpSettingsInput {
            host: self.host.clone(),
            port: self.port.to_string(),
            security: SmtpSecurity::parse(&self.security).unwrap_or_default(),
            username: self.username.clone(),
            password: String::new(),
            from_address: self.from_address.clone(),
            from_name: self.from_name.clone(),
        }
    }
}

pub async fn smtp(conn: &mut PgConnection) -> AppResult<Option<SmtpRow>> {
    Ok(sqlx::query_as!(
        SmtpRow,
        "SELECT host, port, security, username, password_ct, from_address, from_name, updated_at FROM smtp_settings"
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn save_smtp(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    input: &SmtpSettingsInput,
    password_ct: Option<Vec<u8>>,
    by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO smtp_settings (tenant_id, host, port, security, username, password_ct, from_address, from_name, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id) DO UPDATE SET host = $2, port = $3, security = $4, username = $5,
             password_ct = COALESCE($6, smtp_settings.password_ct), from_address = $7, from_name = $8,
             updated_by = $9, updated_at = now()",
        tenant_id,
        input.host,
        input.port() as i32,
        input.security.code(),
        input.username,
        password_ct,
        input.from_address,
        input.from_name,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct TemplateRow {
    pub template_id: Uuid,
    pub name: String,
    pub language: String,
    pub subject: String,
    pub body: String,
}

pub async fn templates(conn: &mut PgConnection) -> AppResult<Vec<TemplateRow>> {
    Ok(sqlx::query_as!(
        TemplateRow,
        "SELECT template_id, name, language, subject, body FROM mail_templates ORDER BY name, template_id"
    )
    .fetch_all(conn)
    .await?)
}

pub async fn save_template(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    input: &TemplateInput,
    by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO mail_templates (tenant_id, template_id, name, language, subject, body, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, template_id) DO UPDATE SET name = $3, language = $4, subject = $5, body = $6,
             updated_at = now()",
        tenant_id,
        id,
        input.name,
        input.language,
        input.subject,
        input.body,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_template(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    Ok(
        sqlx::query!("DELETE FROM mail_templates WHERE template_id = $1", id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

pub async fn signature(conn: &mut PgConnection, user: Uuid) -> AppResult<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar!(
        "SELECT signature_ct FROM user_profiles WHERE user_id = $1",
        user
    )
    .fetch_optional(conn)
    .await?
    .flatten())
}

pub async fn save_signature(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    user: Uuid,
    ct: Option<Vec<u8>>,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO user_profiles (tenant_id, user_id, signature_ct) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET signature_ct = $3, updated_at = now()",
        tenant_id,
        user,
        ct
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn queue(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    interaction: Uuid,
    job: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO outbound_mails (tenant_id, interaction_id, job_id) VALUES ($1, $2, $3)",
        tenant_id,
        interaction,
        job
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn deliveries(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<(Uuid, Delivery)>> {
    Ok(sqlx::query!(
        "SELECT interaction_id, status, error, attempts, sent_at FROM outbound_mails WHERE interaction_id = ANY($1)",
        ids
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.interaction_id,
            Delivery {
                status: MailStatus::parse(&r.status).unwrap_or_default(),
                error: r.error,
                attempts: r.attempts,
                sent_at: r.sent_at,
            },
        )
    })
    .collect())
}

pub async fn job_of(
    conn: &mut PgConnection,
    interaction: Uuid,
) -> AppResult<Option<(String, Option<Uuid>)>> {
    Ok(sqlx::query!(
        "SELECT status, job_id FROM outbound_mails WHERE interaction_id = $1 FOR UPDATE",
        interaction
    )
    .fetch_optional(conn)
    .await?
    .map(|r| (r.status, r.job_id)))
}

pub async fn record_attempt(
    conn: &mut PgConnection,
    interaction: Uuid,
    status: MailStatus,
    error: Option<&str>,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE outbound_mails SET status = $2, error = $3, attempts = attempts + 1,
                sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END
         WHERE interaction_id = $1",
        interaction,
        status.code(),
        error
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_job(conn: &mut PgConnection, interaction: Uuid, job: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE outbound_mails SET job_id = $2, status = 'queued' WHERE interaction_id = $1",
        interaction,
        job
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the Message-ID fingerprint on the sent mail's entry, so replies thread.
pub async fn set_message_fingerprint(
    conn: &mut PgConnection,
    interaction: Uuid,
    bidx: &[u8],
    thread: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE interactions SET message_bidx = $2, thread_id = COALESCE(thread_id, $3) WHERE interaction_id = $1",
        interaction,
        bidx,
        thread
    )
    .execute(conn)
    .await?;
    Ok(())
}
