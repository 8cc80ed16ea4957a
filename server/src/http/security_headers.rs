//! Security headers on every response. Pages set their own CSP (with the hydration
//! nonce, see `app::ui::shell`); everything else gets a CSP that allows nothing.

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

fn if_not_present(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// `tls`: whether users reach us over HTTPS (then HSTS is sent too).
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>, tls: bool) -> Router<S> {
    let router = router
        .layer(if_not_present(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP))
        .layer(if_not_present(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(if_not_present(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(if_not_present(header::X_FRAME_OPTIONS, "DENY"));
    if tls {
        router.layer(if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        router
    }
}
