//! The capture job: reads a mailbox (outside any transaction, the network is slow),
//! then keeps what the policy allows in one transaction, audits it once, and queues
//! the next read.

use super::imap::{self, Account, Fetched, Marks};
use super::message::{is_own, FetchedMail};
use super::storage;
use crate::backend::jobs::{self, Job, JobKind, Outcome};
use crate::backend::search::{self, Fingerprint, RecordKind};
use crate::backend::services::timeline::storage::NewInteraction;
use crate::backend::services::{contacts, timeline};
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::capture::CaptureKeeps;
use crate::model::mail::{MailAudit, SmtpSecurity};
use crate::model::timeline::{Direction, InteractionKind, Participant, ParticipantRole};
use crate::{AppError, AppResult};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// How often a mailbox is read.
pub const EVERY: Duration = Duration::from_secs(5 * 60);
/// Messages taken per read; a large mailbox comes in over several rounds.
const PER_ROUND: usize = 200;

pub async fn run_job(backend: &Arc<Backend>, job: &Job) -> AppResult<Outcome> {
    let mailbox: Uuid = job
        .payload
        .get("mailbox")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or(AppError::Internal)?;
    // First the account, read and closed again.
    let mut scope = Scope::begin(backend.clone(), job.tenant_id, job.created_by).await?;
    let Some(row) = storage::mailbox(scope.conn(), mailbox).await? else {
        return Ok(Outcome::Done(serde_json::json!({ "mailbox": "removed" })));
    };
    if row.job_id != Some(job.id) {
        return Ok(Outcome::Done(serde_json::json!({ "superseded": true })));
    }
    let policy = super::policy(&mut scope).await?;
    if !policy.active() {
        next_round(&mut scope, mailbox).await?;
        scope.commit().await?;
        return Ok(Outcome::Done(serde_json::json!({ "capture": "off" })));
    }
    let key = scope.subject_key(mailbox).await?;
    let cipher = scope.cipher(&key, storage::MAILBOXES, mailbox);
    let username = cipher.open("username", &row.username_ct)?;
    let password = zeroize::Zeroizing::new(cipher.open("password", &row.password_ct)?);
    let marks: Marks = serde_json::from_value(row.seen.clone()).unwrap_or_default();
    scope.commit().await?;

    let account = Account {
        host: &row.host,
        port: row.port as u16,
        security: SmtpSecurity::parse(&row.security).unwrap_or_default(),
        username: &username,
        password: &password,
    };
    let fetched = imap::fetch_new(&account, &row.folders, &marks, PER_ROUND).await;

    let mut scope = Scope::begin(backend.clone(), job.tenant_id, job.created_by).await?;
    let Some(row) = storage::mailbox(scope.conn(), mailbox).await? else {
        return Ok(Outcome::Done(serde_json::json!({ "mailbox": "removed" })));
    };
    if row.job_id != Some(job.id) {
        return Ok(Outcome::Done(serde_json::json!({ "superseded": true })));
    }
    let outcome = match fetched {
        Ok((messages, after)) => {
            let more = messages.len() >= PER_ROUND;
            let kept = keep(&mut scope, &row, &policy, messages).await?;
            let seen = serde_json::to_value(&after).map_err(|_| AppError::Internal)?;
            storage::record_sync(scope.conn(), mailbox, &seen, kept as i64, None).await?;
            purge_expired(&mut scope, policy.input.retention() as i32).await?;
            if more {
                again_now(&mut scope, mailbox).await?;
            } else {
                next_round(&mut scope, mailbox).await?;
            }
            Outcome::Done(serde_json::json!({ "kept": kept }))
        }
        Err(err) => {
            tracing::warn!(%mailbox, code = err.code(), "mailbox could not be read");
            storage::record_sync(scope.conn(), mailbox, &row.seen, 0, Some(err.code())).await?;
            next_round(&mut scope, mailbox).await?;
            Outcome::Done(serde_json::json!({ "error": err.code() }))
        }
    };
    scope.commit().await?;
    Ok(outcome)
}

async fn next_round(scope: &mut Scope, mailbox: Uuid) -> AppResult<()> {
    queue(scope, mailbox, EVERY).await
}

async fn again_now(scope: &mut Scope, mailbox: Uuid) -> AppResult<()> {
    queue(scope, mailbox, Duration::ZERO).await
}

async fn queue(scope: &mut Scope, mailbox: Uuid, delay: Duration) -> AppResult<()> {
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    let payload = serde_json::json!({ "mailbox": mailbox });
    let job = jobs::enqueue_after(
        scope.conn(),
        tenant_id,
        me,
        JobKind::SyncMailbox,
        payload,
        delay,
    )
    .await?;
    storage::set_job(scope.conn(), mailbox, job).await
}

/// Keeps what the policy allows of `messages`; returns how many were kept.
async fn keep(
    scope: &mut Scope,
    mailbox: &storage::MailboxRow,
    policy: &crate::model::capture::CapturePolicy,
    messages: Vec<Fetched>,
) -> AppResult<usize> {
    let own = policy.input.domains();
    let keeps = policy.input.keeps;
    let oldest = OffsetDateTime::now_utc() - time::Duration::days(policy.input.retention() as i64);
    let index = scope.index_key().await?;
    let mut subjects = BTreeSet::new();
    let mut kept = 0;
    for fetched in messages {
        let Some(mail) = FetchedMail::parse(&fetched.raw) else {
            continue;
        };
        let occurred_at = mail.date.unwrap_or_else(OffsetDateTime::now_utc);
        if occurred_at < oldest {
            continue;
        }
        let bidx = index.message_id(&mail.message_id);
        if storage::by_message(scope.conn(), &bidx).await?.is_some() {
            continue; // already kept, from this or a colleague's mailbox
        }
        // Only known contacts: an outside address without a contact is not kept.
        let mut known = Vec::new();
        let mut contact_ids = BTreeSet::new();
        for address in mail.outside_addresses(&own) {
            let ids = search::by_fingerprint(
                scope.conn(),
                RecordKind::Contact,
                Fingerprint::Email,
                &index.email(&address),
            )
            .await?;
            if !ids.is_empty() {
                known.push(address);
                contact_ids.extend(ids);
            }
        }
        if contact_ids.is_empty() {
            continue;
        }
        let mut thread_id = None;
        for parent in &mail.parents {
            if let Some((id, thread)) =
                storage::by_message(scope.conn(), &index.message_id(parent)).await?
            {
                thread_id = Some(thread.unwrap_or(id));
                break;
            }
        }
        let participants = participants(&mail, &own, &known);
        let id = Uuid::now_v7();
        let outbound = mail.is_outbound(&own);
        let subject = if keeps.keeps_subject() {
            mail.subject.as_str()
        } else {
            ""
        };
        let body = if keeps.keeps_body() {
            mail.body.as_str()
        } else {
            ""
        };
        let new = NewInteraction {
            id,
            kind: InteractionKind::Email,
            occurred_at,
            direction: Some(if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            }),
            duration_secs: None,
            outcome: None,
            channel: None,
            subject,
            body,
            participants: &participants,
            history: None,
            message_bidx: Some(bidx),
            thread_id: Some(thread_id.unwrap_or(id)),
            private_to: Some(mailbox.user_id),
            created_by: Some(mailbox.user_id),
        };
        let ids: Vec<Uuid> = contact_ids.into_iter().collect();
        let mut links: Vec<(RecordKind, Uuid)> =
            ids.iter().map(|c| (RecordKind::Contact, *c)).collect();
        let organisations: BTreeSet<Uuid> = contacts::organisation_ids(scope, &ids)
            .await?
            .into_values()
            .flatten()
            .collect();
        links.extend(
            organisations
                .into_iter()
                .map(|o| (RecordKind::Organisation, o)),
        );
        timeline::insert_unaudited(scope, &new, &links).await?;
        storage::mark_captured(scope.conn(), id, mailbox.mailbox_id).await?;
        subjects.extend(links.iter().map(|(_, record)| *record));
        kept += 1;
    }
    if kept > 0 {
        let subjects: Vec<Uuid> = subjects.into_iter().collect();
        let fields: &[&str] = match keeps {
            CaptureKeeps::Full => &["participants", "subject", "body"],
            CaptureKeeps::Subject => &["participants", "subject"],
            _ => &["participants"],
        };
        let event = scope
            .event(AuditAction::Mail(MailAudit::Captured))
            .subjects(&subjects)
            .fields(fields);
        scope.audit(event).await?;
    }
    Ok(kept)
}

/// Who is on a kept mail: the workspace's own people and the known contacts; other
/// outside addresses are dropped.
fn participants(mail: &FetchedMail, own: &[String], known: &[String]) -> Vec<Participant> {
    let keep = |a: &String| is_own(a, own) || known.contains(a);
    let from = mail.from.iter().filter(|a| keep(a)).map(|a| Participant {
        address: a.clone(),
        role: ParticipantRole::From,
    });
    let to = mail.to.iter().filter(|a| keep(a)).map(|a| Participant {
        address: a.clone(),
        role: ParticipantRole::To,
    });
    from.chain(to).collect()
}

/// Deletes captured mail whose retention period has passed, audited once.
pub async fn purge_expired(scope: &mut Scope, retention_days: i32) -> AppResult<()> {
    let expired = storage::expired(scope.conn(), retention_days).await?;
    if expired.is_empty() {
        return Ok(());
    }
    let linked: Vec<Uuid> = timeline::storage::links(scope.conn(), &expired)
        .await?
        .into_iter()
        .map(|(_, _, record)| record)
        .collect();
    for id in &expired {
        timeline::erase_unaudited(scope, *id).await?;
    }
    let event = scope
        .event(AuditAction::Mail(MailAudit::Expired))
        .subjects(&linked);
    scope.audit(event).await
}
