//! Webhook subscriptions, deliveries and attempts at rest. No rules here.

use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const WEBHOOKS: &str = "webhooks";
pub const DELIVERIES: &str = "webhook_deliveries";

pub struct WebhookRow {
    pub webhook_id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub with_personal_data: bool,
    pub secret_ct: Vec<u8>,
    pub previous_secret_ct: Option<Vec<u8>>,
    pub previous_until: Option<OffsetDateTime>,
    pub enabled: bool,
    pub failures_in_a_row: i32,
    pub disabled_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

pub async fn list(conn: &mut PgConnection) -> AppResult<Vec<WebhookRow>> {
    Ok(sqlx::query_as!(
        WebhookRow,
        "SELECT webhook_id, url, events, with_personal_data, secret_ct, previous_secret_ct,
                previous_until, enabled, failures_in_a_row, disabled_at, created_at
         FROM webhooks ORDER BY created_at"
    )
    .fetch_all(conn)
    .await?)
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<WebhookRow>> {
    Ok(sqlx::query_as!(
        WebhookRow,
        "SELECT webhook_id, url, events, with_personal_data, secret_ct, previous_secret_ct,
                previous_until, enabled, failures_in_a_row, disabled_at, created_at
         FROM webhooks WHERE webhook_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// The enabled subscriptions to `event`.
pub async fn subscribed(conn: &mut PgConnection, event: &str) -> AppResult<Vec<(Uuid, bool)>> {
    Ok(sqlx::query!(
        "SELECT webhook_id, with_personal_data FROM webhooks
         WHERE enabled AND events @> ARRAY[$1]::text[]",
        event
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.webhook_id, r.with_personal_data))
    .collect())
}

pub struct NewWebhook<'a> {
    pub tenant_id: Uuid,
    pub webhook_id: Uuid,
    pub url: &'a str,
    pub events: &'a [String],
    pub with_personal_data: bool,
    pub secret_ct: &'a [u8],
    pub created_by: Uuid,
}

pub async fn insert(conn: &mut PgConnection, new: NewWebhook<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO webhooks (tenant_id, webhook_id, url, events, with_personal_data, secret_ct, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        new.tenant_id,
        new.webhook_id,
        new.url,
        new.events,
        new.with_personal_data,
        new.secret_ct,
        new.created_by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes what a subscription wants; enabling it again forgets its failures.
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    url: &str,
    events: &[String],
    with_personal_data: bool,
    enabled: bool,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE webhooks SET url = $2, events = $3, with_personal_data = $4, enabled = $5,
                failures_in_a_row = CASE WHEN $5 AND NOT enabled THEN 0 ELSE failures_in_a_row END,
                disabled_at = CASE WHEN $5 THEN NULL ELSE disabled_at END,
                version = version + 1
         WHERE webhook_id = $1",
        id,
        url,
        events,
        with_personal_data,
        enabled
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new secret; the old one keeps signing until `previous_until`.
pub async fn rotate(
    conn: &mut PgConnection,
    id: Uuid,
    secret_ct: &[u8],
    previous_until: OffsetDateTime,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE webhooks SET previous_secret_ct = secret_ct, previous_until = $3, secret_ct = $2,
                version = version + 1
         WHERE webhook_id = $1",
        id,
        secret_ct,
        previous_until
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    let done = sqlx::query!("DELETE FROM webhooks WHERE webhook_id = $1", id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub struct NewDelivery<'a> {
    pub tenant_id: Uuid,
    pub delivery_id: Uuid,
    pub webhook_id: Uuid,
    pub event: &'a str,
    pub record_id: Uuid,
    pub payload_ct: &'a [u8],
    /// Whether the payload carries the record's data (and is sealed under its key).
    pub with_data: bool,
    pub job_id: Uuid,
}

pub async fn insert_delivery(conn: &mut PgConnection, new: NewDelivery<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO webhook_deliveries (tenant_id, delivery_id, webhook_id, event, record_id, payload_ct, with_data, job_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        new.tenant_id,
        new.delivery_id,
        new.webhook_id,
        new.event,
        new.record_id,
        new.payload_ct,
        new.with_data,
        new.job_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct DeliveryRow {
    pub delivery_id: Uuid,
    pub webhook_id: Uuid,
    pub event: String,
    pub record_id: Uuid,
    pub payload_ct: Vec<u8>,
    pub with_data: bool,
    pub state: String,
    pub attempts: i32,
    pub job_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
}

pub async fn delivery(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<DeliveryRow>> {
    Ok(sqlx::query_as!(
        DeliveryRow,
        r#"SELECT d.delivery_id, d.webhook_id, d.event, d.record_id, d.payload_ct, d.with_data, d.state,
                  d.attempts, d.job_id, d.created_at,
                  a.status_code AS "last_status?", a.error AS "last_error?"
           FROM webhook_deliveries d
           LEFT JOIN webhook_attempts a ON a.delivery_id = d.delivery_id AND a.attempt = d.attempts
           WHERE d.delivery_id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// A subscription's latest deliveries, newest first.
pub async fn deliveries(
    conn: &mut PgConnection,
    webhook_id: Uuid,
    limit: i64,
) -> AppResult<Vec<DeliveryRow>> {
    Ok(sqlx::query_as!(
        DeliveryRow,
        r#"SELECT d.delivery_id, d.webhook_id, d.event, d.record_id, d.payload_ct, d.with_data, d.state,
                  d.attempts, d.job_id, d.created_at,
                  a.status_code AS "last_status?", a.error AS "last_error?"
           FROM webhook_deliveries d
           LEFT JOIN webhook_attempts a ON a.delivery_id = d.delivery_id AND a.attempt = d.attempts
           WHERE d.webhook_id = $1
           ORDER BY d.created_at DESC, d.delivery_id DESC LIMIT $2"#,
        webhook_id,
        limit
    )
    .fetch_all(conn)
    .await?)
}

/// One attempt's outcome: logged, counted on the delivery and its subscription.
/// Returns the subscription's failures in a row after it.
pub async fn record_attempt(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    delivery: &DeliveryRow,
    status_code: Option<i32>,
    error: Option<&str>,
    duration_ms: i32,
) -> AppResult<i32> {
    let attempt = delivery.attempts + 1;
    sqlx::query!(
        "INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6)",
        tenant_id,
        delivery.delivery_id,
        attempt,
        status_code,
        error,
        duration_ms
    )
    .execute(&mut *conn)
    .await?;
    let delivered = error.is_none();
    sqlx::query!(
        "UPDATE webhook_deliveries SET attempts = $2,
                state = CASE WHEN $3 THEN 'delivered' ELSE state END,
                finished_at = CASE WHEN $3 THEN now() ELSE finished_at END
         WHERE delivery_id = $1",
        delivery.delivery_id,
        attempt,
        delivered
    )
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar!(
        "UPDATE webhooks SET failures_in_a_row = CASE WHEN $2 THEN 0 ELSE failures_in_a_row + 1 END
         WHERE webhook_id = $1 RETURNING failures_in_a_row",
        delivery.webhook_id,
        delivered
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or(0))
}

pub async fn fail_delivery(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE webhook_deliveries SET state = 'failed', finished_at = now() WHERE delivery_id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Switches a subscription off after too many failures.
pub async fn disable(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE webhooks SET enabled = false, disabled_at = now() WHERE webhook_id = $1 AND enabled",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Sends a delivery again with a fresh job.
pub async fn requeue(conn: &mut PgConnection, id: Uuid, job_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE webhook_deliveries SET state = 'pending', finished_at = NULL, job_id = $2
         WHERE delivery_id = $1",
        id,
        job_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
