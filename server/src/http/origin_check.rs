//! CSRF protection: state-changing requests from another origin get 403.
//!
//! Browsers send `Origin` (and `Sec-Fetch-Site`) on cross-origin POSTs; a request
//! whose origin differs from the `Host` it was sent to came from another site's page.
//! Requests without either header come from non-browser clients, which cannot ride
//! on a victim's cookies, so they pass. Leptos does no such check for server functions.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Whether the browser's headers say this request came from a page of another origin.
pub fn is_cross_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" || site == "same-site" {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let origin_authority = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin_authority, host) {
        (Some(authority), Some(host)) => !authority.eq_ignore_ascii_case(host),
        _ => true, // "null" or malformed origins, or no Host to compare with
    }
}

pub async fn reject_cross_origin(request: Request<Body>, next: Next) -> Response {
    if is_state_changing(request.method()) && is_cross_origin(request.headers()) {
        tracing::warn!(path = %request.uri().path(), "cross-origin request rejected");
        // Same JSON shape as `AppError::Forbidden`, so the UI can show it.
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            "\"Forbidden\"",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_passes_and_others_fail() {
        assert!(!is_cross_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://evil.example")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "null")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "crm.example"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "crm.example"),
            ("sec-fetch-site", "same-site")
        ])));
        assert!(!is_cross_origin(&headers(&[
            ("host", "crm.example"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(
            !is_cross_origin(&headers(&[("host", "crm.example")])),
            "non-browser clients pass"
        );
    }
}
