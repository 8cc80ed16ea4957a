//! Deliveries from the outbox, as jobs: one attempt per run, signed as Standard
//! Webhooks describes (`webhook-id`, `webhook-timestamp`, `webhook-signature`:
//! HMAC-SHA256 over `id.timestamp.body`, one signature per live secret), logged,
//! retried on the specification's schedule, and the subscription switched off
//! after too many failures in a row. No transaction is open while the receiver
//! is called.

use super::storage::{self, DELIVERIES, WEBHOOKS};
use crate::backend::jobs::{Job, Outcome};
use crate::backend::{Backend, Scope};
use crate::{AppError, AppResult};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;

/// Waits before the second, third, … attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
/// 10 h (eight attempts over about 28 hours).
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];
/// Failed attempts in a row, over all its deliveries, that switch a subscription off.
pub const DISABLE_AFTER: i32 = 20;
/// How long a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(15);

/// The `webhook-signature` entry of one secret: `v1,<base64 HMAC-SHA256>`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// An address on the public internet: not loopback, private, link-local, shared,
/// documentation, multicast or unspecified (a webhook must not reach inside).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
                    || first == 0x2001 && v6.segments()[1] == 0x0db8)
            }
        },
    }
}

/// The address to connect to: the first the host resolves to that may be reached.
/// The connection is pinned to it, so a second lookup cannot point elsewhere.
async fn target(backend: &Backend, url: &reqwest::Url) -> Result<SocketAddr, &'static str> {
    let port = url.port_or_known_default().ok_or("url")?;
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| "dns")?
            .collect(),
        None => return Err("url"),
    };
    addresses
        .into_iter()
        .find(|a| backend.webhooks_to_private_networks || is_public(a.ip()))
        .ok_or("blocked_address")
}

/// One attempt: the receiver's status, or why it could not be reached.
async fn send(
    backend: &Backend,
    url: &str,
    id: &str,
    body: &str,
    secrets: &[String],
) -> Result<u16, &'static str> {
    let url = reqwest::Url::parse(url).map_err(|_| "url")?;
    let address = target(backend, &url).await?;
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent("Tessera-Webhooks/1");
    if let Some(url::Host::Domain(name)) = url.host() {
        client = client.resolve(name, address);
    }
    let client = client.build().map_err(|_| "request")?;
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    let signatures: Vec<String> = secrets
        .iter()
        .filter_map(|s| signature(s, id, timestamp, body))
        .collect();
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(body.to_owned())
        .send()
        .await
        .map_err(|err| match () {
            _ if err.is_timeout() => "timeout",
            _ if err.is_connect() => "connect",
            _ => "request",
        })?;
    Ok(response.status().as_u16())
}

/// What an attempt needs, read in a short transaction.
struct Prepared {
    body: String,
    secrets: Vec<String>,
    url: String,
}

async fn prepare(
    scope: &mut Scope,
    delivery: &storage::DeliveryRow,
) -> AppResult<Result<Prepared, &'static str>> {
    let Some(webhook) = storage::find(scope.conn(), delivery.webhook_id).await? else {
        return Ok(Err("not_found"));
    };
    if !webhook.enabled {
        return Ok(Err("disabled"));
    }
    let key_of = if delivery.with_data {
        delivery.record_id
    } else {
        scope.tenant_id()
    };
    let Ok(key) = scope.subject_key(key_of).await else {
        return Ok(Err("erased"));
    };
    let body = scope
        .cipher(&key, DELIVERIES, delivery.delivery_id)
        .open("payload", &delivery.payload_ct)?;
    let tenant_key = scope.subject_key(scope.tenant_id()).await?;
    let cipher = scope.cipher(&tenant_key, WEBHOOKS, webhook.webhook_id);
    let mut secrets = vec![cipher.open("secret", &webhook.secret_ct)?];
    let overlapping = webhook
        .previous_until
        .is_some_and(|until| until > OffsetDateTime::now_utc());
    if let (Some(previous), true) = (&webhook.previous_secret_ct, overlapping) {
        secrets.push(cipher.open("secret", previous)?);
    }
    Ok(Ok(Prepared {
        body,
        secrets,
        url: webhook.url,
    }))
}

pub async fn run_job(backend: &Arc<Backend>, job: &Job) -> AppResult<Outcome> {
    let id: Uuid = job
        .payload
        .get("delivery")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or(AppError::Internal)?;
    let mut scope = Scope::begin(backend.clone(), job.tenant_id, job.created_by).await?;
    let Some(delivery) = storage::delivery(scope.conn(), id).await? else {
        return Ok(Outcome::Failed { error: "not_found" });
    };
    if delivery.state != "pending" {
        return Ok(Outcome::Done(
            serde_json::json!({ "already": delivery.state }),
        ));
    }
    let prepared = match prepare(&mut scope, &delivery).await? {
        Ok(prepared) => prepared,
        Err(error) => {
            storage::fail_delivery(scope.conn(), id).await?;
            scope.commit().await?;
            return Ok(Outcome::Failed { error });
        }
    };
    scope.commit().await?;

    let started = Instant::now();
    let message_id = format!("msg_{}", id.simple());
    let sent = send(
        backend,
        &prepared.url,
        &message_id,
        &prepared.body,
        &prepared.secrets,
    )
    .await;
    let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    let (status, error) = match sent {
        Ok(code) if (200..300).contains(&code) => (Some(i32::from(code)), None),
        Ok(code) => (Some(i32::from(code)), Some("status")),
        Err(error) => (None, Some(error)),
    };

    let mut scope = Scope::begin(backend.clone(), job.tenant_id, job.created_by).await?;
    let tenant_id = scope.tenant_id();
    let failures = storage::record_attempt(
        scope.conn(),
        tenant_id,
        &delivery,
        status,
        error,
        duration_ms,
    )
    .await?;
    let outcome = match error {
        None => Outcome::Done(serde_json::json!({ "status": status })),
        Some(_) if failures >= DISABLE_AFTER => {
            storage::disable(scope.conn(), delivery.webhook_id).await?;
            storage::fail_delivery(scope.conn(), id).await?;
            Outcome::Failed { error: "disabled" }
        }
        Some(error) => match RETRY_SCHEDULE.get(delivery.attempts as usize) {
            Some(wait) if error != "blocked_address" => Outcome::RetryIn { error, wait: *wait },
            _ => {
                storage::fail_delivery(scope.conn(), id).await?;
                Outcome::Failed { error }
            }
        },
    };
    scope.commit().await?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_specifications() {
        // The example of the Standard Webhooks specification's test vectors.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(signature("not-a-secret", "msg", 1, body), None);
    }

    #[test]
    fn only_public_addresses_are_reached_by_default() {
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(inside.parse().unwrap()), "{inside}");
        }
        for outside in ["93.184.216.34", "2a00:1450:4001::1", "::ffff:93.184.216.34"] {
            assert!(is_public(outside.parse().unwrap()), "{outside}");
        }
    }
}
