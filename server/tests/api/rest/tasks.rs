//! `/api/v1/tasks`: follow-ups written by an integration, completed through their
//! status, listed as the assignee's, and audited like the UI's.

use super::{rest, token};
use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn tasks_are_planned_completed_through_their_status_and_listed() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let secret = token(&app, &owner, &["tasks:read", "tasks:write"])
        .await
        .secret;
    let t = Some(secret.as_str());
    let body = json!({"title": "Angebot nachfassen", "due_date": "2030-01-15", "due_time": "09:30",
                      "priority": "high", "reminder": "one_hour"});
    let created = rest(&app, t, Method::POST, "/api/v1/tasks", Some(body), None).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["status"], "open");
    assert_eq!(created.body["due_at"], "2030-01-15T09:30:00Z");
    let me = app.me(&owner).await;
    assert_eq!(
        created.body["assignee_id"],
        me.user_id.to_string(),
        "assigned to the token's user"
    );
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/tasks/{id}");

    let mine = rest(&app, t, Method::GET, "/api/v1/tasks", None, None).await;
    assert_eq!(mine.body["items"][0]["id"], id.as_str());

    let mut done = created.body.clone();
    done["status"] = json!("done");
    let etag = created.etag.clone().unwrap();
    let completed = rest(&app, t, Method::PUT, &path, Some(done), Some(&etag)).await;
    assert_eq!(completed.status, StatusCode::OK, "{:?}", completed.body);
    assert_eq!(completed.body["status"], "done");
    assert!(completed.body["completed_at"].is_string());
    assert_eq!(app.audit_rows("task.completed").await.len(), 1);
    let open = rest(&app, t, Method::GET, "/api/v1/tasks", None, None).await;
    assert_eq!(
        open.body["items"].as_array().unwrap().len(),
        0,
        "done tasks leave the open list"
    );
    let finished = rest(&app, t, Method::GET, "/api/v1/tasks?done=true", None, None).await;
    assert_eq!(finished.body["items"][0]["id"], id.as_str());

    let bad = json!({"title": "", "due_time": "25:00"});
    let refused = rest(&app, t, Method::POST, "/api/v1/tasks", Some(bad), None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = refused.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"title") && fields.contains(&"due_time"),
        "{fields:?}"
    );

    assert_eq!(
        rest(&app, t, Method::DELETE, &path, None, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 0);
}
