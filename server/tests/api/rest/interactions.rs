//! `/api/v1/interactions`: a call logged by an integration on a contact's timeline,
//! and a message from another channel that finds its sender by phone number —
//! while a stranger's message is refused and nothing of it is kept.

use super::{rest, token};
use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn calls_are_logged_and_inbound_messages_find_their_sender() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let secret = token(
        &app,
        &owner,
        &["contacts:write", "interactions:read", "interactions:write"],
    )
    .await
    .secret;
    let t = Some(secret.as_str());
    let contact = json!({"first_name": "Jörg", "last_name": "Müller",
                         "phones": [{"kind": "mobile", "number": "+49 170 1234567"}]});
    let created = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(contact),
        None,
    )
    .await;
    let contact_id = created.body["id"].as_str().unwrap().to_owned();

    let call = json!({"kind": "call", "subject": "Rückruf", "body": "Angebot besprochen",
                      "direction": "outbound", "duration_minutes": 12, "outcome": "reached",
                      "occurred_at": "2026-11-30T10:15:00+01:00", "contact_ids": [contact_id]});
    let logged = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/interactions",
        Some(call),
        None,
    )
    .await;
    assert_eq!(logged.status, StatusCode::CREATED, "{:?}", logged.body);
    assert_eq!(
        logged.body["occurred_at"], "2026-11-30T09:15:00Z",
        "stored in UTC"
    );
    assert_eq!(logged.body["duration_minutes"], 12);

    let message = json!({"channel": "whatsapp", "from": "0170 1234567", "body": "Passt Dienstag?"});
    let received = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/interactions/inbound",
        Some(message),
        None,
    )
    .await;
    assert_eq!(received.status, StatusCode::CREATED, "{:?}", received.body);
    assert_eq!(received.body["kind"], "message");
    assert_eq!(received.body["direction"], "inbound");
    assert_eq!(
        received.body["contact_ids"],
        json!([contact_id]),
        "found by the phone's fingerprint"
    );

    let stranger = json!({"channel": "sms", "from": "+49 171 9999999", "body": "Hallo?"});
    let refused = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/interactions/inbound",
        Some(stranger),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["fields"][0]["field"], "from");
    assert_eq!(refused.body["fields"][0]["problem"], "unknown_reference");
    assert_eq!(
        app.count("SELECT count(*) FROM interactions").await,
        2,
        "nothing of a stranger is kept"
    );

    let timeline = rest(
        &app,
        t,
        Method::GET,
        &format!("/api/v1/interactions?record={contact_id}&show=activity"),
        None,
        None,
    )
    .await;
    assert_eq!(timeline.status, StatusCode::OK, "{:?}", timeline.body);
    let kinds: Vec<&str> = timeline.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["message", "call"], "newest first");
    let no_record = rest(&app, t, Method::GET, "/api/v1/interactions", None, None).await;
    assert_eq!(no_record.status, StatusCode::BAD_REQUEST);

    let bad = json!({"kind": "email", "contact_ids": []});
    let answer = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/interactions",
        Some(bad),
        None,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "e-mail is sent or captured, not logged"
    );
}
