//! The outbox worker: one job per mail. The message is built from its sealed timeline
//! entry and sent over the workspace's SMTP server with lettre; an unreachable
//! server means "try again later", a refusal means "failed", both with a code the
//! timeline shows.

use super::storage;
use crate::backend::jobs::{Job, Outcome};
use crate::backend::services::timeline::storage as timeline_storage;
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::mail::{MailAudit, MailStatus, SmtpSecurity};
use crate::model::timeline::ParticipantRole;
use crate::{AppError, AppResult};
use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Attempts before a mail that cannot be delivered is given up.
const MAX_ATTEMPTS: i32 = 8;

/// The host part of Message-IDs: the public address's host.
fn message_host(backend: &Backend) -> String {
    backend
        .public_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|h| !h.is_empty())
        .unwrap_or("tessera.invalid")
        .to_owned()
}

pub fn message_id(backend: &Backend, mail: Uuid) -> String {
    format!("<{mail}@{}>", message_host(backend))
}

fn transport(
    host: &str,
    port: u16,
    security: SmtpSecurity,
    credentials: Option<Credentials>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let builder = match security {
        SmtpSecurity::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
    };
    let builder = builder.port(port).timeout(Some(Duration::from_secs(20)));
    Ok(match credentials {
        Some(c) => builder.credentials(c).build(),
        None => builder.build(),
    })
}

pub async fn run_job(backend: &Arc<Backend>, job: &Job) -> AppResult<Outcome> {
    let mail: Uuid = job
        .payload
        .get("mail")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or(AppError::Internal)?;
    let mut scope = Scope::begin(backend.clone(), job.tenant_id, job.created_by).await?;
    let Some((status, _)) = storage::job_of(scope.conn(), mail).await? else {
        return Ok(Outcome::Failed { error: "not_found" });
    };
    if status == "sent" {
        return Ok(Outcome::Done(serde_json::json!({ "already": "sent" })));
    }
    let row = timeline_storage::find(scope.conn(), mail)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = scope.subject_key(mail).await?;
    let entry = row.open(Some(&scope.cipher(&key, timeline_storage::TABLE, mail)))?;
    let settings = storage::smtp(scope.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = scope.tenant_id();
    let password = match &settings.password_ct {
        Some(ct) => {
            let key = scope.subject_key(tenant_id).await?;
            Some(
                scope
                    .cipher(&key, "smtp_settings", tenant_id)
                    .open("password", ct)?,
            )
        }
        None => None,
    };
    let from_address = settings
        .from_address
        .parse()
        .map_err(|_| AppError::Internal)?;
    let from = Mailbox::new(
        (!settings.from_name.is_empty()).then(|| settings.from_name.clone()),
        from_address,
    );
    let mut builder = Message::builder()
        .from(from)
        .subject(entry.subject.clone())
        .message_id(Some(message_id(backend, mail)))
        .date_now();
    for p in entry
        .participants
        .iter()
        .filter(|p| p.role == ParticipantRole::To)
    {
        let address = p.address.parse().map_err(|_| AppError::Internal)?;
        builder = builder.to(Mailbox::new(None, address));
    }
    let message = builder
        .header(ContentType::TEXT_PLAIN)
        .body(entry.body.clone())
        .map_err(|_| AppError::Internal)?;
    let credentials = (!settings.username.is_empty()).then(|| {
        Credentials::new(
            settings.username.clone(),
            password.clone().unwrap_or_default(),
        )
    });
    let security = SmtpSecurity::parse(&settings.security).unwrap_or_default();
    let sent = match transport(&settings.host, settings.port as u16, security, credentials) {
        Ok(transport) => transport.send(message).await.map(|_| ()),
        Err(err) => Err(err),
    };
    let subjects: Vec<Uuid> = timeline_storage::links(scope.conn(), &[mail])
        .await?
        .into_iter()
        .map(|(_, _, record)| record)
        .collect();
    let outcome = match sent {
        Ok(()) => {
            storage::record_attempt(scope.conn(), mail, MailStatus::Sent, None).await?;
            let index = scope.index_key().await?;
            let fingerprint = index.message_id(&message_id(backend, mail));
            storage::set_message_fingerprint(scope.conn(), mail, &fingerprint, mail).await?;
            let event = scope
                .event(AuditAction::Mail(MailAudit::Sent))
                .subjects(&subjects)
                .fields(&["subject", "body", "participants"]);
            scope.audit(event).await?;
            Outcome::Done(serde_json::json!({ "sent": mail }))
        }
        Err(err) => {
            // Never the server's text: it can quote addresses.
            let permanent = err.is_permanent();
            tracing::warn!(%mail, permanent, "mail delivery failed");
            if permanent || job.attempts >= MAX_ATTEMPTS {
                let code = if permanent {
                    "smtp_rejected"
                } else {
                    "smtp_unreachable"
                };
                storage::record_attempt(scope.conn(), mail, MailStatus::Failed, Some(code)).await?;
                let event = scope
                    .event(AuditAction::Mail(MailAudit::Failed))
                    .subjects(&subjects);
                scope.audit(event).await?;
                Outcome::Failed { error: code }
            } else {
                storage::record_attempt(
                    scope.conn(),
                    mail,
                    MailStatus::Queued,
                    Some("smtp_unreachable"),
                )
                .await?;
                Outcome::Retry {
                    error: "smtp_unreachable",
                }
            }
        }
    };
    scope.commit().await?;
    Ok(outcome)
}
