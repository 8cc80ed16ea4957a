//! E-mail out: the rules. A mail is written on a contact's page, becomes a sealed
//! timeline entry at once, and leaves through a durable outbox (a background job)
//! over the workspace's SMTP server, with retries and a visible status.

pub mod capture;
pub mod send;
pub mod storage;

pub use send::run_job;

use crate::backend::jobs::{self, JobKind};
use crate::backend::search::RecordKind;
use crate::backend::services::timeline::storage::NewInteraction;
use crate::backend::services::{contacts, timeline};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::mail::{
    default_template, fill_template, validate_signature, ComposeDraft, ComposeInput, MailAudit,
    MailSettingsPage, MailTemplate, SmtpSettings, SmtpSettingsInput, TemplateInput,
};
use crate::model::permission::{Action, Area};
use crate::model::timeline::{Direction, InteractionKind, Participant, ParticipantRole};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use uuid::Uuid;

/// Where the SMTP password is sealed: the tenant's own subject key.
const SETTINGS_TABLE: &str = "smtp_settings";
const PROFILE_TABLE: &str = "user_profiles";

fn audited(action: MailAudit) -> AuditAction {
    AuditAction::Mail(action)
}

pub async fn smtp_settings(scope: &mut Scope) -> AppResult<Option<SmtpSettings>> {
    scope.require(Area::Mail, Action::Configure)?;
    Ok(storage::smtp(scope.conn()).await?.map(|row| SmtpSettings {
        input: row.input(),
        has_password: row.password_ct.is_some(),
        updated_at: row.updated_at,
    }))
}

pub async fn save_smtp_settings(
    scope: &mut Scope,
    input: &SmtpSettingsInput,
) -> AppResult<SmtpSettings> {
    scope.require(Area::Mail, Action::Configure)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let tenant_id = scope.tenant_id();
    let password = if input.password.is_empty() {
        None
    } else {
        let key = scope.subject_key_or_create(tenant_id).await?;
        Some(
            scope
                .cipher(&key, SETTINGS_TABLE, tenant_id)
                .seal("password", &input.password),
        )
    };
    let me = scope.user_id();
    storage::save_smtp(scope.conn(), tenant_id, &input, password, me).await?;
    let event = scope.event(audited(MailAudit::SettingsChanged));
    scope.audit(event).await?;
    smtp_settings(scope).await?.ok_or(AppError::Internal)
}

/// The workspace's templates, or the built-in one for each language.
pub async fn templates(scope: &mut Scope) -> AppResult<Vec<MailTemplate>> {
    scope.require(Area::Mail, Action::Create)?;
    let own = own_templates(scope).await?;
    if own.is_empty() {
        return Ok(["de", "en"]
            .iter()
            .map(|lang| MailTemplate {
                id: Uuid::nil(),
                input: default_template(lang),
            })
            .collect());
    }
    Ok(own)
}

/// Creates (`id` nil) or changes a template.
pub async fn save_template(
    scope: &mut Scope,
    id: Uuid,
    input: &TemplateInput,
) -> AppResult<MailTemplate> {
    scope.require(Area::Mail, Action::Configure)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let id = if id.is_nil() { Uuid::now_v7() } else { id };
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    storage::save_template(scope.conn(), tenant_id, id, &input, me).await?;
    let event = scope.event(audited(MailAudit::TemplatesChanged));
    scope.audit(event).await?;
    Ok(MailTemplate { id, input })
}

pub async fn delete_template(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Mail, Action::Configure)?;
    if !storage::delete_template(scope.conn(), id).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(MailAudit::TemplatesChanged));
    scope.audit(event).await
}

/// The signed-in user's signature.
pub async fn signature(scope: &mut Scope) -> AppResult<String> {
    scope.require(Area::Mail, Action::Create)?;
    let me = scope.user_id();
    let Some(ct) = storage::signature(scope.conn(), me).await? else {
        return Ok(String::new());
    };
    let key = scope.subject_key(me).await?;
    scope.cipher(&key, PROFILE_TABLE, me).open("signature", &ct)
}

pub async fn save_signature(scope: &mut Scope, text: &str) -> AppResult<()> {
    scope.require(Area::Mail, Action::Create)?;
    validate_signature(text).into_result()?;
    let text = text.trim_end();
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    let key = scope.subject_key(me).await?;
    let ct = scope
        .cipher(&key, PROFILE_TABLE, me)
        .seal_optional("signature", text);
    storage::save_signature(scope.conn(), tenant_id, me, ct).await?;
    let event = scope
        .event(audited(MailAudit::SignatureChanged))
        .subjects(std::slice::from_ref(&me))
        .fields(&["signature"]);
    scope.audit(event).await
}

/// A mail to `contact` from a template (nil: the one in the contact's language),
/// greeting and signature filled in.
pub async fn draft(scope: &mut Scope, contact: Uuid, template: Uuid) -> AppResult<ComposeDraft> {
    scope.require(Area::Mail, Action::Create)?;
    let person = contacts::get(scope, contact).await?;
    let templates = templates(scope).await?;
    let language = if person.input.preferred_language == "en" {
        "en"
    } else {
        "de"
    };
    let chosen = templates
        .iter()
        .find(|t| t.id == template && !template.is_nil())
        .or_else(|| templates.iter().find(|t| t.input.language == language))
        .or(templates.first())
        .cloned()
        .unwrap_or_else(|| MailTemplate {
            id: Uuid::nil(),
            input: default_template(language),
        });
    let organisation = person.organisation.as_ref().map(|o| o.name.as_str());
    let (subject, mut body) = fill_template(&chosen.input, &person.input, organisation);
    let signature = signature(scope).await?;
    if !signature.is_empty() {
        body = format!("{body}\n\n-- \n{signature}");
    }
    let addresses: Vec<String> = person
        .input
        .emails
        .iter()
        .map(|e| e.address.clone())
        .collect();
    Ok(ComposeDraft {
        contact_name: person.full_name(),
        input: ComposeInput {
            contact_id: contact,
            to: person.input.primary_email().unwrap_or_default().to_owned(),
            subject,
            body,
        },
        addresses,
        templates,
        template_id: chosen.id,
        configured: storage::smtp(scope.conn()).await?.is_some(),
    })
}

/// The mail settings page: outgoing server and the workspace's own templates.
pub async fn settings_page(scope: &mut Scope) -> AppResult<MailSettingsPage> {
    let smtp = smtp_settings(scope).await?;
    let templates = own_templates(scope).await?;
    Ok(MailSettingsPage { smtp, templates })
}

async fn own_templates(scope: &mut Scope) -> AppResult<Vec<MailTemplate>> {
    Ok(storage::templates(scope.conn())
        .await?
        .into_iter()
        .map(|r| MailTemplate {
            id: r.template_id,
            input: TemplateInput {
                name: r.name,
                language: r.language,
                subject: r.subject,
                body: r.body,
            },
        })
        .collect())
}

/// Queues a mail to one of the contact's addresses; it is on their timeline at once.
pub async fn send(scope: &mut Scope, input: &ComposeInput) -> AppResult<Uuid> {
    scope.require(Area::Mail, Action::Create)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let settings = storage::smtp(scope.conn())
        .await?
        .ok_or_else(|| AppError::Validation(FieldErrors::single("to", Problem::NotConfigured)))?;
    let person = contacts::get(scope, input.contact_id).await?;
    if !person.input.emails.iter().any(|e| e.address == input.to) {
        return Err(AppError::Validation(FieldErrors::single(
            "to",
            Problem::UnknownReference,
        )));
    }
    let participants = [
        Participant {
            address: settings.from_address.clone(),
            role: ParticipantRole::From,
        },
        Participant {
            address: input.to.clone(),
            role: ParticipantRole::To,
        },
    ];
    let id = Uuid::now_v7();
    let me = scope.user_id();
    let new = NewInteraction {
        id,
        kind: InteractionKind::Email,
        occurred_at: time::OffsetDateTime::now_utc(),
        direction: Some(Direction::Outbound),
        duration_secs: None,
        outcome: None,
        channel: None,
        subject: &input.subject,
        body: &input.body,
        participants: &participants,
        history: None,
        message_bidx: None,
        thread_id: Some(id),
        private_to: None,
        created_by: Some(me),
    };
    let mut links = vec![(RecordKind::Contact, person.id)];
    links.extend(
        person
            .input
            .organisation_id
            .map(|o| (RecordKind::Organisation, o)),
    );
    timeline::insert_unaudited(scope, &new, &links).await?;
    let tenant_id = scope.tenant_id();
    let job = jobs::enqueue(
        scope.conn(),
        tenant_id,
        me,
        JobKind::SendMail,
        serde_json::json!({ "mail": id }),
    )
    .await?;
    storage::queue(scope.conn(), tenant_id, id, job).await?;
    let subjects: Vec<Uuid> = links.iter().map(|(_, id)| *id).collect();
    let event = scope
        .event(AuditAction::Interaction(
            crate::model::timeline::InteractionAudit::Create,
        ))
        .subjects(&subjects)
        .fields(&["subject", "body", "participants"]);
    scope.audit(event).await?;
    Ok(id)
}

/// Tries a queued or failed mail again now.
pub async fn resend(scope: &mut Scope, mail: Uuid) -> AppResult<()> {
    scope.require(Area::Mail, Action::Create)?;
    let (status, job) = storage::job_of(scope.conn(), mail)
        .await?
        .ok_or(AppError::NotFound)?;
    if status == "sent" {
        return Err(AppError::Conflict);
    }
    // A retry still waiting is moved up; a job that gave up is replaced.
    if let Some(job) = job {
        match jobs::status(scope.conn(), job).await?.map(|s| s.state) {
            Some(state) if state == "queued" => return jobs::run_now(scope.conn(), job).await,
            Some(state) if state == "running" => return Err(AppError::Conflict),
            _ => {}
        }
    }
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    let job = jobs::enqueue(
        scope.conn(),
        tenant_id,
        me,
        JobKind::SendMail,
        serde_json::json!({ "mail": mail }),
    )
    .await?;
    storage::set_job(scope.conn(), mail, job).await
}

/// The deliveries of timeline entries (for showing their status).
pub async fn deliveries(
    scope: &mut Scope,
    ids: &[Uuid],
) -> AppResult<Vec<(Uuid, crate::model::mail::Delivery)>> {
    storage::deliveries(scope.conn(), ids).await
}
