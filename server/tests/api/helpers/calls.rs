//! The typed client: tests call server functions with the very argument structs the
//! UI sends and get back the types it gets, errors as [`AppError`]. Every error
//! response is checked against the published contract on the way.

use super::TestApp;
use app::AppError;
use leptos::server_fn::ServerFn;
use reqwest::header::{CONTENT_TYPE, SET_COOKIE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a call answered: its HTTP status and its typed outcome.
pub struct Called<T> {
    pub status: StatusCode,
    pub result: Result<T, AppError>,
    /// The session cookie the response set, if any (development name, plain http).
    pub session_cookie: Option<String>,
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
        call_at(&self.address, client, args).await
    }
}

/// Calls the server function `F` on the server at `address` (e.g. a second server).
pub async fn call_at<F>(address: &str, client: &reqwest::Client, args: F) -> Called<F::Output>
where
    F: ServerFn + Serialize,
    F::Output: DeserializeOwned,
{
    {
        let response = client
            .post(format!("{address}{}", F::PATH))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_qs::to_string(&args).expect("arguments encode"))
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        let session_cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("tessera_session="))
            .map(str::to_owned);
        let text = response.text().await.expect("body is read");
        let result = if status.is_success() {
            Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
        } else {
            let err: AppError = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("error body is not the contract ({e}): {text}"));
            assert_eq!(status.as_u16(), err.status_code(), "status fits the code");
            // The body is exactly the contract: nothing else (no internal detail) in it.
            let body: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(
                body,
                serde_json::to_value(&err).unwrap(),
                "nothing but the contract"
            );
            Err(err)
        };
        Called {
            status,
            result,
            session_cookie,
        }
    }
}
