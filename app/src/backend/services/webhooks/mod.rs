//! Webhooks: the rules. Owners and admins subscribe URLs to events; each
//! subscription gets a signing secret shown once (sealed under the workspace's
//! key) that can be rotated with the old one signing on for a day. Events are put
//! in the outbox inside the transaction of the change ([`emit`]), and delivered by
//! the job worker ([`deliver`]) with Standard Webhooks signatures, retries on a
//! schedule, a log of every attempt, manual redelivery and switching off after
//! failing again and again.

pub mod deliver;
pub mod emit;
pub mod storage;

use crate::backend::jobs::{self, JobKind};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::identity::AuthAudit;
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::model::webhooks::{
    DeliveryState, DeliverySummary, WebhookEvent, WebhookInput, WebhookSecret, WebhookSummary,
    PER_WORKSPACE_MAX,
};
use crate::{AppError, AppResult};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::RngCore;
use storage::{WebhookRow, WEBHOOKS};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub use emit::emit;

/// How long the secret before a rotation keeps signing.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);
/// Deliveries shown in a subscription's log.
const LOG_LENGTH: i64 = 50;

fn audited(action: AuthAudit) -> AuditAction {
    AuditAction::Auth(action)
}

/// `whsec_` + base64 of 32 random bytes.
fn new_secret() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    format!("whsec_{}", STANDARD.encode(raw))
}

async fn seal_secret(scope: &mut Scope, webhook_id: Uuid, secret: &str) -> AppResult<Vec<u8>> {
    let tenant_id = scope.tenant_id();
    let key = scope.subject_key_or_create(tenant_id).await?;
    Ok(scope
        .cipher(&key, WEBHOOKS, webhook_id)
        .seal("secret", secret))
}

fn summary(row: WebhookRow) -> WebhookSummary {
    WebhookSummary {
        webhook_id: row.webhook_id,
        url: row.url,
        events: row
            .events
            .iter()
            .filter_map(|e| WebhookEvent::from_name(e))
            .collect(),
        with_personal_data: row.with_personal_data,
        enabled: row.enabled,
        disabled_at: row.disabled_at,
        failures_in_a_row: row.failures_in_a_row,
        previous_until: row
            .previous_until
            .filter(|u| *u > OffsetDateTime::now_utc()),
        created_at: row.created_at,
    }
}

pub async fn list(scope: &mut Scope) -> AppResult<Vec<WebhookSummary>> {
    scope.require(Area::Webhooks, Action::Configure)?;
    Ok(storage::list(scope.conn())
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

fn event_names(input: &WebhookInput) -> Vec<String> {
    input.parsed_events().iter().map(|e| e.name()).collect()
}

/// Subscribes a URL; the secret comes back this once.
pub async fn create(scope: &mut Scope, input: &WebhookInput) -> AppResult<WebhookSecret> {
    scope.require(Area::Webhooks, Action::Configure)?;
    let input = input.normalized();
    input.validate().into_result()?;
    if storage::list(scope.conn()).await?.len() >= PER_WORKSPACE_MAX {
        let mut errors = FieldErrors::new();
        errors.add(
            "url",
            Problem::TooMany {
                max: PER_WORKSPACE_MAX,
            },
        );
        return Err(AppError::Validation(errors));
    }
    let webhook_id = Uuid::now_v7();
    let secret = new_secret();
    let secret_ct = seal_secret(scope, webhook_id, &secret).await?;
    let (tenant_id, created_by) = (scope.tenant_id(), scope.user_id());
    storage::insert(
        scope.conn(),
        storage::NewWebhook {
            tenant_id,
            webhook_id,
            url: &input.url,
            events: &event_names(&input),
            with_personal_data: input.with_personal_data,
            secret_ct: &secret_ct,
            created_by,
        },
    )
    .await?;
    audit_settings(scope, AuthAudit::WebhookCreated, &input).await?;
    Ok(WebhookSecret { webhook_id, secret })
}

/// What was set is audited, never the URL (it may carry a receiver's own token).
async fn audit_settings(
    scope: &mut Scope,
    action: AuthAudit,
    input: &WebhookInput,
) -> AppResult<()> {
    let fields: &[&str] = if input.with_personal_data {
        &["url", "events", "with_personal_data"]
    } else {
        &["url", "events"]
    };
    let event = scope.event(audited(action)).fields(fields);
    scope.audit(event).await
}

/// Changes a subscription; `enabled` switches it on (forgetting its failures) or off.
pub async fn update(
    scope: &mut Scope,
    id: Uuid,
    input: &WebhookInput,
    enabled: bool,
) -> AppResult<WebhookSummary> {
    scope.require(Area::Webhooks, Action::Configure)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let events = event_names(&input);
    if !storage::update(
        scope.conn(),
        id,
        &input.url,
        &events,
        input.with_personal_data,
        enabled,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    audit_settings(scope, AuthAudit::WebhookChanged, &input).await?;
    storage::find(scope.conn(), id)
        .await?
        .map(summary)
        .ok_or(AppError::NotFound)
}

/// A new secret, shown once; the old one signs too for [`ROTATION_OVERLAP`].
pub async fn rotate_secret(scope: &mut Scope, id: Uuid) -> AppResult<WebhookSecret> {
    scope.require(Area::Webhooks, Action::Configure)?;
    let secret = new_secret();
    let secret_ct = seal_secret(scope, id, &secret).await?;
    let until = OffsetDateTime::now_utc() + ROTATION_OVERLAP;
    if !storage::rotate(scope.conn(), id, &secret_ct, until).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(AuthAudit::WebhookSecretRotated));
    scope.audit(event).await?;
    Ok(WebhookSecret {
        webhook_id: id,
        secret,
    })
}

pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Webhooks, Action::Configure)?;
    if !storage::delete(scope.conn(), id).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(AuthAudit::WebhookDeleted));
    scope.audit(event).await
}

/// A subscription's latest deliveries with their last attempt, newest first.
pub async fn deliveries(scope: &mut Scope, id: Uuid) -> AppResult<Vec<DeliverySummary>> {
    scope.require(Area::Webhooks, Action::Configure)?;
    storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(storage::deliveries(scope.conn(), id, LOG_LENGTH)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(DeliverySummary {
                delivery_id: row.delivery_id,
                event: WebhookEvent::from_name(&row.event)?,
                record_id: row.record_id,
                state: DeliveryState::parse(&row.state),
                attempts: row.attempts,
                last_status: row.last_status,
                last_error: row.last_error,
                created_at: row.created_at,
            })
        })
        .collect())
}

/// Sends a delivery again now, whatever became of it (same id: receivers that
/// already have it can tell). Its subscription must be enabled.
pub async fn redeliver(scope: &mut Scope, delivery_id: Uuid) -> AppResult<()> {
    scope.require(Area::Webhooks, Action::Configure)?;
    let delivery = storage::delivery(scope.conn(), delivery_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let webhook = storage::find(scope.conn(), delivery.webhook_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !webhook.enabled {
        return Err(AppError::Conflict);
    }
    if delivery.state == "pending" {
        if let Some(job) = delivery.job_id {
            return jobs::run_now(scope.conn(), job).await;
        }
    }
    let (tenant_id, user_id) = (scope.tenant_id(), scope.user_id());
    let job = jobs::enqueue(
        scope.conn(),
        tenant_id,
        user_id,
        JobKind::DeliverWebhook,
        serde_json::json!({ "delivery": delivery_id }),
    )
    .await?;
    storage::requeue(scope.conn(), delivery_id, job).await
}
