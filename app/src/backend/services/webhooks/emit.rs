//! Events into the outbox, inside the transaction of the change they report: a
//! change that rolls back sends nothing, one that commits is delivered even if the
//! process ends right after.

use super::storage::{self, DELIVERIES};
use crate::backend::jobs::{self, JobKind};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::contacts::ContactAudit;
use crate::model::organisations::OrganisationAudit;
use crate::model::webhooks::WebhookEvent;
use crate::AppResult;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// The body receivers get: `{"type", "timestamp", "data": {"id", "changed", "record"?}}`.
fn payload(
    event: WebhookEvent,
    record_id: Uuid,
    changed: &[&str],
    record: Option<&serde_json::Value>,
) -> String {
    let timestamp = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut data = json!({ "id": record_id, "changed": changed });
    if let Some(record) = record {
        data["record"] = record.clone();
    }
    json!({ "type": event.name(), "timestamp": timestamp, "data": data }).to_string()
}

/// Queues `event` about `record_id` for every enabled subscription to it. `record`
/// is the record's data, sent only to subscriptions that asked for personal data
/// (and only for events that may carry it); each such delivery is audited.
pub async fn emit<T: Serialize + ?Sized>(
    scope: &mut Scope,
    event: WebhookEvent,
    record_id: Uuid,
    changed: &[&str],
    record: Option<&T>,
) -> AppResult<()> {
    let name = event.name();
    let subscribed = storage::subscribed(scope.conn(), &name).await?;
    if subscribed.is_empty() {
        return Ok(());
    }
    let record = match record.filter(|_| event.may_carry_data()) {
        Some(record) => serde_json::to_value(record).ok(),
        None => None,
    };
    let (tenant_id, user_id) = (scope.tenant_id(), scope.user_id());
    for (webhook_id, wants_data) in subscribed {
        let with_data = wants_data && record.is_some();
        let body = payload(
            event,
            record_id,
            changed,
            record.as_ref().filter(|_| with_data),
        );
        // A payload with the record's data is sealed under the record's key, so
        // erasing the record makes it unreadable here too.
        let key_of = if with_data { record_id } else { tenant_id };
        let key = scope.subject_key_or_create(key_of).await?;
        let delivery_id = Uuid::now_v7();
        let payload_ct = scope
            .cipher(&key, DELIVERIES, delivery_id)
            .seal("payload", &body);
        let job_id = jobs::enqueue(
            scope.conn(),
            tenant_id,
            user_id,
            JobKind::DeliverWebhook,
            json!({ "delivery": delivery_id }),
        )
        .await?;
        storage::insert_delivery(
            scope.conn(),
            storage::NewDelivery {
                tenant_id,
                delivery_id,
                webhook_id,
                event: &name,
                record_id,
                payload_ct: &payload_ct,
                with_data,
                job_id,
            },
        )
        .await?;
        if with_data {
            let action = match event {
                WebhookEvent::OrganisationCreated | WebhookEvent::OrganisationUpdated => {
                    AuditAction::Organisation(OrganisationAudit::SentToWebhook)
                }
                _ => AuditAction::Contact(ContactAudit::SentToWebhook),
            };
            let audit = scope
                .event(action)
                .subjects(std::slice::from_ref(&record_id));
            scope.audit(audit).await?;
        }
    }
    Ok(())
}
