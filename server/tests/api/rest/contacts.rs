//! `/api/v1/contacts`: create, read, replace with `If-Match`, delete, list with
//! cursors and filters; bad input as problem details that change nothing; and the
//! generated OpenAPI document and reference page.

use super::{rest, token};
use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn contacts_are_created_read_replaced_by_version_and_deleted() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["contacts:read", "contacts:write"])
        .await
        .secret;
    let t = Some(secret.as_str());
    let body = json!({
        "salutation": "mr", "title": "Dr.", "first_name": "Jörg", "last_name": "Müller",
        "emails": [{"kind": "work", "address": "joerg.mueller@example.de"}],
        "phones": [{"kind": "mobile", "number": "+49 170 1234567"}],
        "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
        "birthday": "1970-05-01", "tags": ["vip", "messe"], "stage": "customer",
        "classification": "a", "channels": ["email", "post"], "external_id": "ERP-4711"
    });
    let created = rest(&app, t, Method::POST, "/api/v1/contacts", Some(body), None).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/contacts/{id}");

    let read = rest(&app, t, Method::GET, &path, None, None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.etag.as_deref(), Some("\"1\""));
    for (field, value) in [
        ("last_name", json!("Müller")),
        ("salutation", json!("mr")),
        ("tags", json!(["vip", "messe"])),
        ("channels", json!(["email", "post"])),
        ("birthday", json!("1970-05-01")),
        ("classification", json!("a")),
        ("external_id", json!("ERP-4711")),
        ("version", json!(1)),
    ] {
        assert_eq!(read.body[field], value, "{field}");
    }
    assert_eq!(read.body["address"]["city"], "Berlin");

    let mut changed = read.body.clone();
    changed["stage"] = json!("at_risk");
    changed["tags"] = json!(["vip"]);
    let missing = rest(&app, t, Method::PUT, &path, Some(changed.clone()), None).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(missing.problem(), "precondition_required");
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
    assert_eq!(replaced.etag.as_deref(), Some("\"2\""));
    assert_eq!(replaced.body["stage"], "at_risk");
    assert_eq!(replaced.body["tags"], json!(["vip"]));

    // A client that still holds version 1 loses nothing of version 2.
    changed["last_name"] = json!("Mueller");
    let stale = rest(&app, t, Method::PUT, &path, Some(changed), Some("\"1\"")).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.problem(), "precondition_failed");
    let after = rest(&app, t, Method::GET, &path, None, None).await;
    assert_eq!(after.body["last_name"], "Müller");
    assert_eq!(after.body["version"], 2);

    let deleted = rest(&app, t, Method::DELETE, &path, None, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = rest(&app, t, Method::GET, &path, None, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.problem(), "not_found");
}

#[tokio::test]
async fn bad_requests_are_problems_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["contacts:read", "contacts:write"])
        .await
        .secret;
    let t = Some(secret.as_str());

    let invalid =
        json!({"last_name": "", "emails": [{"kind": "work", "address": "not-an-address"}]});
    let answer = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(invalid),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.problem(), "validation");
    let fields: Vec<&str> = answer.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"last_name"), "{fields:?}");
    assert!(fields.iter().any(|f| f.starts_with("emails")), "{fields:?}");

    let wrong_type = json!({"last_name": 42});
    let answer = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(wrong_type),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.problem(), "bad_request");
    let control = json!({"first_name": "Jörg", "last_name": "Müller", "tags": ["a\u{0}b"]});
    let answer = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(control),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.body["fields"][0]["problem"], "control_characters");
    let nul_filter = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts?tag=a%00b",
        None,
        None,
    )
    .await;
    assert_eq!(
        nul_filter.status,
        StatusCode::OK,
        "found by schemathesis: was a 500"
    );
    assert_eq!(nul_filter.body["total"], 0);
    let empty_cursor = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts?after=&before=",
        None,
        None,
    )
    .await;
    assert_eq!(empty_cursor.status, StatusCode::OK);
    // Found by schemathesis: serde takes a struct from an array of its fields.
    let array_address = json!({"first_name": "Jörg", "last_name": "Müller", "address": []});
    let answer = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(array_address),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let bad_date = json!({"first_name": "Jörg", "last_name": "Müller", "birthday": "31.12.1970"});
    let answer = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(bad_date),
        None,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::BAD_REQUEST,
        "the API takes ISO dates only"
    );
    let unknown_choice = json!({"last_name": "Müller", "stage": "friend"});
    let answer = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/contacts",
        Some(unknown_choice),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/contacts", app.address);
    let as_text = client
        .post(&url)
        .bearer_auth(&secret)
        .body("last_name=Müller")
        .send()
        .await
        .unwrap();
    assert_eq!(as_text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({"last_name": "Müller", "notes": "x".repeat(1100 * 1024)});
    let too_large = client
        .post(&url)
        .bearer_auth(&secret)
        .json(&huge)
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        too_large.headers()["content-type"],
        "application/problem+json"
    );
    let bad_id = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts/not-an-id",
        None,
        None,
    )
    .await;
    assert_eq!(bad_id.status, StatusCode::BAD_REQUEST);
    let bad_query = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts?stage=friend",
        None,
        None,
    )
    .await;
    assert_eq!(bad_query.status, StatusCode::BAD_REQUEST);
    let bad_cursor = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts?after=garbage",
        None,
        None,
    )
    .await;
    assert_eq!(
        bad_cursor.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        bad_cursor.body
    );
    let nowhere = rest(&app, t, Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(nowhere.problem(), "not_found");

    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'contact.create'")
            .await,
        0
    );
}

#[tokio::test]
async fn lists_walk_pages_by_cursor_and_filter() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["contacts:read", "contacts:write"])
        .await
        .secret;
    let t = Some(secret.as_str());
    for i in 0..55 {
        let stage = if i % 5 == 0 { "customer" } else { "lead" };
        let body =
            json!({"first_name": "Kim", "last_name": format!("Kunde {i:02}"), "stage": stage});
        let created = rest(&app, t, Method::POST, "/api/v1/contacts", Some(body), None).await;
        assert_eq!(created.status, StatusCode::CREATED);
    }
    let first = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts?sort=-created",
        None,
        None,
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body["total"], 55);
    let items = first.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(items[0]["last_name"], "Kunde 54", "newest first");
    let next = first.body["next"].as_str().unwrap();
    let second = rest(
        &app,
        t,
        Method::GET,
        &format!("/api/v1/contacts?sort=-created&after={next}"),
        None,
        None,
    )
    .await;
    let rest_items: Vec<&Value> = second.body["items"].as_array().unwrap().iter().collect();
    assert_eq!(rest_items.len(), 5);
    assert_eq!(rest_items[4]["last_name"], "Kunde 00");
    assert!(second.body["next"].is_null());

    let customers = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts?stage=customer",
        None,
        None,
    )
    .await;
    assert_eq!(customers.body["total"], 11);
    assert!(customers.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["stage"] == "customer"));
    let found = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/contacts?q=kunde%2007",
        None,
        None,
    )
    .await;
    assert_eq!(found.body["items"][0]["last_name"], "Kunde 07");
}

#[tokio::test]
async fn the_openapi_document_describes_every_operation_and_its_errors() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    let operations = [
        ("/api/v1/contacts", "get"),
        ("/api/v1/contacts", "post"),
        ("/api/v1/contacts/{id}", "get"),
        ("/api/v1/contacts/{id}", "put"),
        ("/api/v1/contacts/{id}", "delete"),
    ];
    for (path, method) in operations {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        for status in ["400", "401", "403", "429", "500"] {
            assert!(
                op["responses"][status].is_object(),
                "{method} {path} documents {status}"
            );
        }
        assert!(op["security"].is_array(), "{method} {path} names its scope");
    }
    assert!(doc["paths"]["/api/v1/contacts/{id}"]["put"]["responses"]["412"].is_object());
    assert!(doc["components"]["schemas"]["ContactResource"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let links = &doc["paths"]["/api/v1/contacts"]["post"]["responses"]["201"]["links"];
    assert_eq!(
        links["get_created"]["operationRef"], "#/paths/~1api~1v1~1contacts~1{id}/get",
        "a created contact links to its own operations"
    );
    assert_eq!(
        links["get_created"]["parameters"]["id"],
        "$response.body#/id"
    );

    let response = reqwest::get(format!("{}/api/v1/docs", app.address))
        .await
        .unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("style-src 'self'"),
        "the page may load its stylesheet: {policy}"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("PUT /api/v1/contacts/{id}"));
    assert!(page.contains("contacts:write"));
}
