//! CSRF protection: state-changing requests from another origin get 403.
//!
//! Browsers send `Origin` (and `Sec-Fetch-Site`) on cross-origin POSTs. A request
//! passes when its origin is the configured public URL's (scheme, host and port),
//! so a proxy that rewrites `Host` or HTTP/2 without `Host` changes nothing; in
//! development the origin of the `Host` the request was sent to passes too (the
//! app on `localhost` as well as `127.0.0.1`). Requests without either header come
//! from non-browser clients, which cannot ride on a victim's cookies, so they pass.
//! Leptos does no such check for server functions.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Which origins may send state-changing requests.
#[derive(Debug, Clone)]
pub struct OriginPolicy {
    /// The public URL's origin, `https://crm.example.com`.
    pub public: String,
    /// Also the request's own `Host`, under the public URL's scheme (development).
    pub request_host_too: bool,
}

impl OriginPolicy {
    pub fn new(public_url: &str, request_host_too: bool) -> Self {
        let public = url::Url::parse(public_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        Self {
            public,
            request_host_too,
        }
    }

    /// Whether the browser's headers say this request came from a page of another origin.
    pub fn is_cross_origin(&self, headers: &HeaderMap) -> bool {
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
        let origin = origin.trim_end_matches('/');
        if !self.public.is_empty() && origin.eq_ignore_ascii_case(&self.public) {
            return false;
        }
        let scheme = self.public.split_once("://").map(|(s, _)| s);
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        match (self.request_host_too, scheme, host) {
            (true, Some(scheme), Some(host)) => {
                !origin.eq_ignore_ascii_case(&format!("{scheme}://{host}"))
            }
            _ => true, // "null" or another origin
        }
    }
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

pub async fn reject_cross_origin(
    State(policy): State<Arc<OriginPolicy>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if is_state_changing(request.method()) && policy.is_cross_origin(request.headers()) {
        tracing::warn!(path = %super::loggable_path(request.uri().path()), "cross-origin request rejected");
        // The published error body of `AppError::Forbidden`, so the UI can show it.
        return app::AppError::Forbidden.into_response();
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
    fn the_public_origin_passes_whatever_the_host_says() {
        let production = OriginPolicy::new("https://crm.example.com/", false);
        for host in [Some("10.0.0.5:3000"), None] {
            let mut h = headers(&[("origin", "https://crm.example.com")]);
            if let Some(host) = host {
                h.insert("host", HeaderValue::from_static(host));
            }
            assert!(!production.is_cross_origin(&h), "{host:?}");
        }
        // The same host under another scheme or port is another origin.
        for other in [
            "http://crm.example.com",
            "https://crm.example.com:8443",
            "https://evil.example",
            "null",
        ] {
            let h = headers(&[("host", "crm.example.com"), ("origin", other)]);
            assert!(production.is_cross_origin(&h), "{other}");
        }
        // In production the request's Host is not trusted to name an origin.
        let h = headers(&[("host", "evil.example"), ("origin", "https://evil.example")]);
        assert!(production.is_cross_origin(&h));
    }

    #[test]
    fn in_development_the_requested_host_passes_too() {
        let development = OriginPolicy::new("http://127.0.0.1:3000", true);
        assert!(!development.is_cross_origin(&headers(&[
            ("host", "localhost:3000"),
            ("origin", "http://localhost:3000")
        ])));
        assert!(development.is_cross_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://evil.example")
        ])));
        assert!(development.is_cross_origin(&headers(&[
            ("host", "crm.example"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(development.is_cross_origin(&headers(&[
            ("host", "crm.example"),
            ("sec-fetch-site", "same-site")
        ])));
        assert!(!development.is_cross_origin(&headers(&[
            ("host", "crm.example"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(
            !development.is_cross_origin(&headers(&[("host", "crm.example")])),
            "non-browser clients pass"
        );
    }
}
