//! `/api/v1/organisations`: the same operations as contacts, onto the organisation
//! service; and a contact linked to an organisation through the API.

use super::{rest, token};
use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn organisations_are_created_read_replaced_listed_and_deleted() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let secret = token(
        &app,
        &owner,
        &[
            "organisations:read",
            "organisations:write",
            "contacts:write",
            "contacts:read",
        ],
    )
    .await
    .secret;
    let t = Some(secret.as_str());
    let body = json!({
        "name": "Muster Maschinenbau", "legal_form": "GmbH", "size": "medium",
        "vat_id": "DE123456789", "website": "muster.example", "tags": ["messe"],
        "billing_address": {"street": "Industriestraße 5", "postal_code": "70173", "city": "Stuttgart", "country": "DE"}
    });
    let created = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/organisations",
        Some(body),
        None,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.body["website"], "https://muster.example",
        "normalised by the service"
    );
    let path = format!("/api/v1/organisations/{id}");

    let contact = json!({"first_name": "Jörg", "last_name": "Müller", "organisation_id": id});
    let linked = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(contact),
        None,
    )
    .await;
    assert_eq!(linked.status, StatusCode::CREATED);
    assert_eq!(linked.body["organisation_id"], id.as_str());

    let mut changed = created.body.clone();
    changed["industry"] = json!("Maschinenbau");
    let replaced = rest(
        &app,
        t,
        Method::PUT,
        &path,
        Some(changed.clone()),
        Some("\"1\""),
    )
    .await;
    assert_eq!(replaced.status, StatusCode::OK, "{:?}", replaced.body);
    assert_eq!(replaced.body["industry"], "Maschinenbau");
    let stale = rest(&app, t, Method::PUT, &path, Some(changed), Some("\"1\"")).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

    let bad = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/organisations",
        Some(json!({"name": "", "vat_id": "nope"})),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.problem(), "validation");
    // Found by schemathesis: a non-ASCII VAT id panicked (and closed the connection).
    let umlaut = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/organisations",
        Some(json!({"name": "X", "vat_id": "DÈ!H¤"})),
        None,
    )
    .await;
    assert_eq!(umlaut.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(umlaut.body["fields"][0]["problem"], "invalid_vat_id");

    let listed = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/organisations?q=muster",
        None,
        None,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["items"][0]["name"], "Muster Maschinenbau GmbH");

    assert_eq!(
        rest(&app, t, Method::DELETE, &path, None, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        rest(&app, t, Method::GET, &path, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.count("SELECT count(*) FROM contacts").await,
        1,
        "its contact stays"
    );

    let contacts_only = token(&app, &owner, &["contacts:read"]).await.secret;
    let refused = rest(
        &app,
        Some(&contacts_only),
        Method::GET,
        "/api/v1/organisations",
        None,
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
