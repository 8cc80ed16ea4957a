//! Webhooks against a real HTTP receiver on localhost that checks every signature
//! with the Standard Webhooks reference library (`standardwebhooks`), not ours:
//! delivery from the outbox, ids and changed fields only unless personal data is
//! asked for (then audited), retries after failure, redelivery, secret rotation,
//! switching off after repeated failure, and the rules of the settings.

use crate::helpers::TestApp;
use app::api::webhooks::{
    CreateWebhook, LoadWebhookDeliveries, RedeliverWebhook, RotateWebhookSecret, UpdateWebhook,
};
use app::backend::services::webhooks::deliver::DISABLE_AFTER;
use app::model::validation::Problem;
use app::model::webhooks::{DeliveryState, DeliverySummary, WebhookInput, WebhookSecret};
use app::AppError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// What the receiver got: the `webhook-id`, the signature header and the body.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    signatures: String,
    body: Value,
}

#[derive(Default)]
struct Receiver {
    /// Secrets any of which a valid signature is made with.
    secrets: Mutex<Vec<String>>,
    /// Answers 503 to this many more deliveries.
    failing: AtomicUsize,
    received: Mutex<Vec<Received>>,
    refused: AtomicUsize,
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let secrets = receiver.secrets.lock().unwrap().clone();
    let verified = secrets.iter().any(|secret| {
        standardwebhooks::Webhook::new(secret)
            .unwrap()
            .verify(&body, &headers)
            .is_ok()
    });
    if !verified {
        receiver.refused.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED;
    }
    let failing = receiver.failing.load(Ordering::SeqCst);
    if failing > 0 {
        receiver.failing.store(failing - 1, Ordering::SeqCst);
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    receiver.received.lock().unwrap().push(Received {
        id: headers["webhook-id"].to_str().unwrap().to_owned(),
        signatures: headers["webhook-signature"].to_str().unwrap().to_owned(),
        body: serde_json::from_slice(&body).unwrap(),
    });
    StatusCode::NO_CONTENT
}

/// Starts a receiver on localhost; returns it and its URL.
async fn start_receiver() -> (Arc<Receiver>, String) {
    let receiver = Arc::new(Receiver::default());
    let router = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (receiver, url)
}

impl Receiver {
    /// Waits (up to `within`) until `n` deliveries arrived; returns them.
    async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received.lock().unwrap().clone();
            if received.len() >= n || tokio::time::Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Waits until `n` deliveries are noted as delivered: the receiver has a message
/// a moment before the server has noted its answer.
async fn delivered(app: &TestApp, n: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app
        .count("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'")
        .await
        < n
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not noted as delivered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn input(url: &str, events: &[&str], with_personal_data: bool) -> WebhookInput {
    WebhookInput {
        url: url.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        with_personal_data,
    }
}

async fn subscribe(
    app: &TestApp,
    owner: &reqwest::Client,
    receiver: &Receiver,
    input: WebhookInput,
) -> WebhookSecret {
    let secret = app.call(owner, CreateWebhook { input }).await.ok();
    assert!(secret.secret.starts_with("whsec_"));
    receiver.secrets.lock().unwrap().push(secret.secret.clone());
    secret
}

async fn log_of(app: &TestApp, owner: &reqwest::Client, webhook_id: Uuid) -> Vec<DeliverySummary> {
    app.call(owner, LoadWebhookDeliveries { webhook_id })
        .await
        .ok()
}

#[tokio::test]
async fn subscribed_events_arrive_signed_with_ids_and_changed_fields_only() {
    let app = TestApp::builder().spawn().await;
    let owner = app.owner_of("acme").await;
    let (receiver, url) = start_receiver().await;
    let hook = subscribe(
        &app,
        &owner,
        &receiver,
        input(&url, &["contact.created", "contact.updated"], false),
    )
    .await;
    let contact = app
        .create_contact(&owner, "Jörg", "Müller", "joerg@example.de")
        .await
        .ok();
    app.create_organisation(&owner, "Not Subscribed GmbH").await;
    let mut changed = contact.input.clone();
    changed.last_name = "Maier".into();
    app.call(
        &owner,
        app::api::contacts::UpdateContact {
            id: contact.id,
            version: contact.version,
            input: changed,
        },
    )
    .await
    .ok();

    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0].body["type"], "contact.created");
    assert_eq!(received[1].body["type"], "contact.updated");
    for delivery in &received {
        assert_eq!(delivery.body["data"]["id"], contact.id.to_string());
        assert!(delivery.body["data"].get("record").is_none());
        let text = delivery.body.to_string();
        assert!(!text.contains("Müller") && !text.contains("Maier") && !text.contains("joerg"));
    }
    assert_eq!(
        received[1].body["data"]["changed"],
        serde_json::json!(["last_name"])
    );
    assert_ne!(received[0].id, received[1].id);
    assert_eq!(receiver.refused.load(Ordering::SeqCst), 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.received.lock().unwrap().len(),
        2,
        "no organisation event"
    );

    delivered(&app, 2).await;
    let log = log_of(&app, &owner, hook.webhook_id).await;
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d.state == DeliveryState::Delivered
        && d.last_status == Some(204)
        && d.attempts == 1));
    // At rest, the secret and the payload are sealed.
    let plain = app
        .count(&format!(
            "SELECT count(*) FROM webhooks WHERE position(convert_to('{}', 'UTF8') in secret_ct) > 0",
            hook.secret
        ))
        .await;
    assert_eq!(plain, 0);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_and_a_delivery_can_be_sent_again() {
    let app = TestApp::builder().spawn().await;
    let owner = app.owner_of("acme").await;
    let (receiver, url) = start_receiver().await;
    let hook = subscribe(
        &app,
        &owner,
        &receiver,
        input(&url, &["contact.created"], false),
    )
    .await;
    receiver.failing.store(1, Ordering::SeqCst);
    app.create_contact(&owner, "Ada", "Lovelace", "ada@example.org")
        .await
        .ok();

    // The first attempt gets 503; the retry comes five seconds later.
    let received = receiver.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1);
    delivered(&app, 1).await;
    let log = log_of(&app, &owner, hook.webhook_id).await;
    assert_eq!(
        (log[0].state, log[0].attempts, log[0].last_status),
        (DeliveryState::Delivered, 2, Some(204))
    );
    let attempts: Vec<(Option<i32>, Option<String>)> =
        sqlx::query_as("SELECT status_code, error FROM webhook_attempts ORDER BY attempt")
            .fetch_all(&app.db.superuser)
            .await
            .unwrap();
    assert_eq!(
        attempts,
        [(Some(503), Some("status".into())), (Some(204), None)]
    );

    app.call(
        &owner,
        RedeliverWebhook {
            delivery_id: log[0].delivery_id,
        },
    )
    .await
    .ok();
    let again = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(again.len(), 2);
    assert_eq!(
        again[1].id, again[0].id,
        "the same message, which receivers can tell"
    );
    assert_eq!(again[1].body, again[0].body);
}

#[tokio::test]
async fn personal_data_is_sent_only_when_asked_for_and_each_sending_is_audited() {
    let app = TestApp::builder().spawn().await;
    let owner = app.owner_of("acme").await;
    let (receiver, url) = start_receiver().await;
    subscribe(
        &app,
        &owner,
        &receiver,
        input(&url, &["contact.created"], true),
    )
    .await;
    let contact = app
        .create_contact(&owner, "Jörg", "Müller", "joerg@example.de")
        .await
        .ok();
    let received = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received[0].body["data"]["record"]["last_name"], "Müller");
    let sent = app.audit_rows("contact.sent_to_webhook").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1, [contact.id]);
    assert_eq!(app.audit_rows("auth.webhook_created").await.len(), 1);
    let plain = app
        .count("SELECT count(*) FROM webhook_deliveries WHERE position(convert_to('Müller', 'UTF8') in payload_ct) > 0")
        .await;
    assert_eq!(plain, 0);
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_old_one_and_repeated_failure_switches_off() {
    let app = TestApp::builder().spawn().await;
    let owner = app.owner_of("acme").await;
    let (receiver, url) = start_receiver().await;
    let hook = subscribe(
        &app,
        &owner,
        &receiver,
        input(&url, &["contact.created"], false),
    )
    .await;
    let rotated = app
        .call(
            &owner,
            RotateWebhookSecret {
                webhook_id: hook.webhook_id,
            },
        )
        .await
        .ok();
    assert_ne!(rotated.secret, hook.secret);
    // A receiver that knows only the new secret accepts, as does one with the old.
    *receiver.secrets.lock().unwrap() = vec![rotated.secret.clone()];
    app.create_contact(&owner, "Ada", "Lovelace", "ada@example.org")
        .await
        .ok();
    let received = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received[0].signatures.split(' ').count(), 2);
    *receiver.secrets.lock().unwrap() = vec![hook.secret.clone()];
    app.create_contact(&owner, "Grace", "Hopper", "grace@example.org")
        .await
        .ok();
    assert_eq!(receiver.wait_for(2, Duration::from_secs(10)).await.len(), 2);

    // One failure short of the limit (once the successes are noted, which reset
    // the count), the next failure switches it off.
    delivered(&app, 2).await;
    sqlx::query("UPDATE webhooks SET failures_in_a_row = $1")
        .bind(DISABLE_AFTER - 1)
        .execute(&app.db.superuser)
        .await
        .unwrap();
    receiver.failing.store(100, Ordering::SeqCst);
    app.create_contact(&owner, "Alan", "Turing", "alan@example.org")
        .await
        .ok();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app
        .count("SELECT count(*) FROM webhooks WHERE NOT enabled")
        .await
        == 0
    {
        assert!(tokio::time::Instant::now() < deadline, "not switched off");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = log_of(&app, &owner, hook.webhook_id).await;
    assert_eq!(log[0].state, DeliveryState::Failed);
    // Switched off, it gets no more events and cannot be redelivered to.
    app.create_contact(&owner, "Hedy", "Lamarr", "hedy@example.org")
        .await
        .ok();
    assert_eq!(log_of(&app, &owner, hook.webhook_id).await.len(), 3);
    let refused = app
        .call(
            &owner,
            RedeliverWebhook {
                delivery_id: log[0].delivery_id,
            },
        )
        .await;
    assert_eq!(refused.status, reqwest::StatusCode::CONFLICT);
    // Switching it on again forgets the failures.
    let summary = app
        .call(
            &owner,
            UpdateWebhook {
                webhook_id: hook.webhook_id,
                input: input(&url, &["contact.created"], false),
                enabled: true,
            },
        )
        .await
        .ok();
    assert!(summary.enabled && summary.failures_in_a_row == 0 && summary.disabled_at.is_none());
}

#[tokio::test]
async fn only_owners_and_admins_subscribe_valid_urls_and_a_failed_change_sends_nothing() {
    let app = TestApp::builder().spawn().await;
    let owner = app.owner_of("acme").await;
    let (receiver, url) = start_receiver().await;
    let bad = app
        .call(
            &owner,
            CreateWebhook {
                input: input("ftp://erp.example.com", &["contact.exploded"], false),
            },
        )
        .await
        .err();
    let AppError::Validation(errors) = bad else {
        panic!("{bad:?}")
    };
    assert_eq!(errors.get("url"), Some(Problem::InvalidUrl));
    assert_eq!(errors.get("events"), Some(Problem::InvalidChoice));
    let sales = app
        .join(&owner, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let refused = app
        .call(
            &sales,
            CreateWebhook {
                input: input(&url, &["contact.created"], false),
            },
        )
        .await;
    assert_eq!(refused.status, reqwest::StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM webhooks").await, 0);

    subscribe(
        &app,
        &owner,
        &receiver,
        input(&url, &["contact.created"], false),
    )
    .await;
    let invalid = app.create_contact(&owner, "", "", "not-an-address").await;
    assert_eq!(invalid.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT count(*) FROM webhook_deliveries").await,
        0
    );
}
