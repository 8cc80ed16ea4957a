//! Rate limits per token and per client network (429 with `Retry-After`, counted
//! in PostgreSQL so two servers on one database share them) and `Idempotency-Key`
//! on creates.

use super::token;
use crate::helpers::{start_server, TestApp};
use app::backend::auth::throttle::ThrottleLimits;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn limits(api_per_token: u32, api_per_ip: u32) -> ThrottleLimits {
    ThrottleLimits {
        api_per_token,
        api_per_ip,
        ..ThrottleLimits::default()
    }
}

async fn get(base: &str, token: &str) -> reqwest::Response {
    Client::new()
        .get(format!("{base}/api/v1/contacts"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// A `POST /api/v1/contacts` with `key`: status, `Idempotent-Replayed`, body.
async fn post_contact(
    base: &str,
    token: &str,
    key: Option<&str>,
    body: &Value,
) -> (StatusCode, bool, Value) {
    let mut request = Client::new()
        .post(format!("{base}/api/v1/contacts"))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let replayed = response.headers().get("idempotent-replayed").is_some();
    (
        status,
        replayed,
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_token_over_its_limit_waits_and_other_tokens_do_not() {
    let app = TestApp::builder().throttle(limits(3, 100)).spawn().await;
    let owner = app.owner_of("acme").await;
    app.create_contact(&owner, "Jörg", "Müller", "j@example.de")
        .await
        .ok();
    let busy = token(&app, &owner, &["contacts:read"]).await.secret;
    let calm = token(&app, &owner, &["contacts:read"]).await.secret;
    for _ in 0..3 {
        assert_eq!(get(&app.address, &busy).await.status(), StatusCode::OK);
    }
    let limited = get(&app.address, &busy).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(
        limited.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = limited.json().await.unwrap();
    assert_eq!(problem["code"], "rate_limited");
    assert_eq!(problem["retry_after_secs"], wait);
    assert_eq!(get(&app.address, &calm).await.status(), StatusCode::OK);
    // A limited request did nothing: its token was not even looked up.
    let audited_lists = app
        .count("SELECT count(*) FROM audit_log WHERE via_token IS NOT NULL")
        .await;
    assert_eq!(audited_lists, 4, "three of one token, one of the other");
}

#[tokio::test]
async fn a_network_is_limited_across_tokens_and_failed_guesses_count() {
    let app = TestApp::builder().throttle(limits(100, 4)).spawn().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["contacts:read"]).await.secret;
    let guess = format!("{}x", &secret[..secret.len() - 1]);
    for _ in 0..2 {
        assert_eq!(
            get(&app.address, &guess).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    for _ in 0..2 {
        assert_eq!(get(&app.address, &secret).await.status(), StatusCode::OK);
    }
    assert_eq!(
        get(&app.address, &secret).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn two_servers_on_one_database_share_the_limits() {
    let app = TestApp::builder().throttle(limits(4, 100)).spawn().await;
    let second = start_server(app.config.clone(), limits(4, 100)).await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["contacts:read"]).await.secret;
    for base in [&app.address, &second, &app.address, &second] {
        assert_eq!(get(base, &secret).await.status(), StatusCode::OK);
    }
    for base in [&app.address, &second] {
        assert_eq!(
            get(base, &secret).await.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{base}"
        );
    }
}

#[tokio::test]
async fn a_retried_create_with_its_key_makes_one_record() {
    let app = TestApp::builder().spawn().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["contacts:read", "contacts:write"])
        .await
        .secret;
    let other = token(&app, &owner, &["contacts:read", "contacts:write"])
        .await
        .secret;
    let body = json!({"first_name": "Jörg", "last_name": "Müller"});
    let key = "2f1c8e0a-order-4711";

    let (status, replayed, first) = post_contact(&app.address, &secret, Some(key), &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let (status, replayed, again) = post_contact(&app.address, &secret, Some(key), &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["last_name"], "Müller");
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);

    // The same key with another body is the client's mistake.
    let changed = json!({"first_name": "Jörg", "last_name": "Maier"});
    let (status, _, problem) = post_contact(&app.address, &secret, Some(key), &changed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["code"], "idempotency_key_reused");
    // Keys are per token.
    let (status, replayed, theirs) = post_contact(&app.address, &other, Some(key), &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));
    assert_ne!(theirs["id"], first["id"]);
    // Without a key, every POST creates.
    post_contact(&app.address, &secret, None, &body).await;
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 3);
    // The client's key is not stored as sent.
    assert_eq!(
        app.count("SELECT count(*) FROM idempotency_keys WHERE position(convert_to('order-4711', 'UTF8') in key_hash) > 0")
            .await,
        0
    );
}

#[tokio::test]
async fn parallel_retries_wait_for_the_first_and_a_failed_attempt_frees_its_key() {
    let app = TestApp::builder().spawn().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["contacts:read", "contacts:write"])
        .await
        .secret;
    let body = json!({"first_name": "Ada", "last_name": "Lovelace"});
    let attempts = (0..6).map(|_| post_contact(&app.address, &secret, Some("same"), &body));
    let answers = futures_util::future::join_all(attempts).await;
    assert!(answers.iter().all(|(s, _, _)| *s == StatusCode::CREATED));
    assert_eq!(
        answers.iter().filter(|(_, replayed, _)| !replayed).count(),
        1
    );
    assert!(answers
        .iter()
        .all(|(_, _, b)| b["id"] == answers[0].2["id"]));
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);

    // An attempt that fails leaves its key free for the corrected request.
    let invalid = json!({"first_name": "", "last_name": ""});
    let (status, _, _) = post_contact(&app.address, &secret, Some("fix-me"), &invalid).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fixed = json!({"first_name": "Grace", "last_name": "Hopper"});
    let (status, replayed, _) = post_contact(&app.address, &secret, Some("fix-me"), &fixed).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));

    for bad in ["", "key with spaces", &"k".repeat(256)] {
        let (status, _, problem) = post_contact(&app.address, &secret, Some(bad), &fixed).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(problem["code"], "bad_request");
    }
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 2);
}
