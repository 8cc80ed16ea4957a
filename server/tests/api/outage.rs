//! The database goes away under a running server (restart, failover): requests
//! answer at once with 503 and Retry-After instead of hanging, the server recovers
//! by itself when the database is back, and nothing the outage interrupted is left
//! half written or unaudited.

use crate::audit::verify;
use crate::helpers::{admin_url, client, db_link::DbLink, TestApp, PASSWORD};
use crate::rest::{rest, token};
use app::api::contacts::ListContacts;
use app::model::contacts::ContactListQuery;
use app::AppError;
use leptos::server_fn::ServerFn;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use std::time::Duration;

/// Longer than a request may wait for a connection (two seconds), far shorter than
/// the hang this guards against.
const ANSWERS_WITHIN: Duration = Duration::from_secs(10);

#[tokio::test]
async fn an_outage_answers_503_and_the_server_recovers_with_nothing_partial() {
    let link = DbLink::to(&admin_url()).await;
    let reroute = link.reroute();
    let app = TestApp::builder()
        .configure(move |config| config.database_url = reroute(&config.database_url))
        .spawn()
        .await;
    let owner = app.owner_of("acme").await;
    app.create_contact(&owner, "Anna", "Vorher", "anna@kunde.example")
        .await
        .ok();
    let api = token(&app, &owner, &["contacts:read"]).await.secret;

    link.cut();
    let during = tokio::time::timeout(
        ANSWERS_WITHIN,
        app.create_contact(&owner, "Bernd", "Währenddessen", "bernd@kunde.example"),
    )
    .await
    .expect("a create answers during the outage instead of hanging");
    assert_eq!(during.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        during.result.unwrap_err(),
        AppError::Unavailable {
            retry_after_secs: 2
        }
    );
    let list = ListContacts {
        query: ContactListQuery::default(),
    };
    let listed = tokio::time::timeout(
        ANSWERS_WITHIN,
        owner
            .post(format!("{}{}", app.address, ListContacts::PATH))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_qs::to_string(&list).unwrap())
            .send(),
    )
    .await
    .expect("a read answers during the outage")
    .unwrap();
    assert_eq!(listed.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(listed.headers()[RETRY_AFTER], "2");
    // Without a session: a sign-in, and the REST API (its token is looked up first).
    let stranger = client();
    let signing_in = tokio::time::timeout(
        ANSWERS_WITHIN,
        app.log_in(&stranger, "acme", "owner@acme.example", PASSWORD),
    )
    .await
    .expect("a sign-in answers during the outage");
    assert_eq!(signing_in.status, StatusCode::SERVICE_UNAVAILABLE);
    let from_api = tokio::time::timeout(
        ANSWERS_WITHIN,
        rest(
            &app,
            Some(&api),
            Method::GET,
            "/api/v1/contacts",
            None,
            None,
        ),
    )
    .await
    .expect("the API answers during the outage");
    assert_eq!(from_api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(from_api.problem(), "unavailable");
    assert_eq!(from_api.body["retry_after_secs"], 2);

    link.restore().await;
    // The pool replaces its broken connections by itself; the session survived.
    let mut page = app.list_contacts(&owner, ContactListQuery::default()).await;
    for _ in 0..40 {
        if page.result.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        page = app.list_contacts(&owner, ContactListQuery::default()).await;
    }
    let names: Vec<String> = page.ok().items.into_iter().map(|c| c.last_name).collect();
    assert_eq!(names, ["Vorher"]);

    // Nothing partial: the refused create left no contact, no index rows, no entry.
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);
    assert_eq!(app.audit_rows("contact.create").await.len(), 1);
    assert_eq!(verify(&app).await.first_broken, None);
}
