//! The REST API v1 against a real server and database: tokens, their scopes and
//! their user's rights, each area's operations, the problem contract and the
//! generated OpenAPI document. (schemathesis runs against it in `./dev test` too.)

mod appointments;
mod contacts;
mod interactions;
mod issued_tokens;
mod limits;
mod organisations;
mod tasks;
mod tokens;

use crate::helpers::TestApp;
use app::api::api_tokens::CreateApiToken;
use app::model::api_tokens::{ApiTokenInput, CreatedApiToken};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

/// A response of the REST API: status, the headers a test looks at, the JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub content_type: String,
    pub body: Value,
}

impl Answer {
    /// The problem's code, checking that the body is problem details of the status.
    pub fn problem(&self) -> &str {
        assert_eq!(
            self.content_type, "application/problem+json",
            "{:?}",
            self.body
        );
        assert_eq!(self.body["status"], self.status.as_u16());
        assert!(self.body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:tessera:problem:"));
        self.body["code"].as_str().unwrap()
    }
}

/// Calls the API with `token` (none: no `Authorization`).
pub async fn rest(
    app: &TestApp,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
    if_match: Option<&str>,
) -> Answer {
    let mut request = Client::new().request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let etag = header("etag");
    let content_type = header("content-type").unwrap_or_default();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer {
        status,
        etag,
        content_type,
        body,
    }
}

/// A token of `client`'s user with `scopes`, created on the security page.
pub async fn token(app: &TestApp, client: &reqwest::Client, scopes: &[&str]) -> CreatedApiToken {
    let input = ApiTokenInput {
        name: "ERP sync".into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        lifetime_days: "30".into(),
    };
    app.call(client, CreateApiToken { input }).await.ok()
}
