//! The typed client: tests call server functions with the very argument structs the
//! UI sends and get back the types it gets, errors as [`AppError`]. Every error
//! response is checked against the published contract on the way.

use super::TestApp;
use app::AppError;
use leptos::server_fn::ServerFn;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a call answered: its HTTP status and its typed outcome.
pub struct Called<T> {
    pub status: StatusCode,
    pub result: Result<T, AppError>,
}

impl<T: std::fmt::Debug> Called<T> {
    /// The value of a call that must succeed.
    pub fn ok(self) -> T {
        match self.result {
            Ok(value) => value,
            Err(err) => panic!("expected success, got {} {err:?}", self.status),
        }
    }

    /// The error of a call that must fail.
    pub fn err(self) -> AppError {
        match self.result {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(err) => err,
        }
    }
}

impl TestApp {
    /// Calls the server function `F` with `args`, as the UI does.
    pub async fn call<F>(&self, client: &reqwest::Client, args: F) -> Called<F::Output>
    where
        F: ServerFn + Serialize,
        F::Output: DeserializeOwned,
    {
        let response = client
            .post(format!("{}{}", self.address, F::PATH))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_qs::to_string(&args).expect("arguments encode"))
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        let text = response.text().await.expect("body is read");
        let result = if status.is_success() {
            Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
        } else {
            let err: AppError = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("error body is not the contract ({e}): {text}"));
            assert_eq!(status.as_u16(), err.status_code(), "status fits the code");
            Err(err)
        };
        Called { status, result }
    }
}
