//! `/api/v1/appointments`: planned by an integration, read by period, replaced by
//! version and deleted.

use super::{rest, token};
use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn appointments_are_planned_listed_by_week_replaced_and_deleted() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["appointments:read", "appointments:write"])
        .await
        .secret;
    let t = Some(secret.as_str());
    let body = json!({"title": "Messe-Termin", "location": "Halle 4", "start_date": "2030-03-12",
                      "start_time": "10:00", "end_time": "11:30"});
    let created = rest(
        &app,
        t,
        Method::POST,
        "/api/v1/appointments",
        Some(body),
        None,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["starts_at"], "2030-03-12T10:00:00Z");
    assert_eq!(created.body["ends_at"], "2030-03-12T11:30:00Z");
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/appointments/{id}");

    let week = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/appointments?date=2030-03-14&period=week",
        None,
        None,
    )
    .await;
    assert_eq!(week.status, StatusCode::OK, "{:?}", week.body);
    assert_eq!(
        week.body["first_day"], "2030-03-11",
        "the week starts on Monday"
    );
    assert_eq!(week.body["items"][0]["id"], id.as_str());
    let other_week = rest(
        &app,
        t,
        Method::GET,
        "/api/v1/appointments?date=2030-03-20",
        None,
        None,
    )
    .await;
    assert_eq!(other_week.body["items"].as_array().unwrap().len(), 0);

    let mut moved = created.body.clone();
    moved["start_time"] = json!("14:00");
    moved["end_time"] = json!("13:00");
    let refused = rest(
        &app,
        t,
        Method::PUT,
        &path,
        Some(moved.clone()),
        Some("\"1\""),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an end before its start"
    );
    moved["end_time"] = json!("15:00");
    let replaced = rest(&app, t, Method::PUT, &path, Some(moved), Some("\"1\"")).await;
    assert_eq!(replaced.status, StatusCode::OK, "{:?}", replaced.body);
    assert_eq!(replaced.body["starts_at"], "2030-03-12T14:00:00Z");

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
}
