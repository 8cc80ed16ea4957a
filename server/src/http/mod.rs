//! The HTTP stack: routes and the layers every request passes through.

pub mod api;
pub mod audit_export;
pub mod calendar;
pub mod client_ip;
pub mod cross_site;
pub mod exports;
pub mod health;
pub mod imports;
pub mod origin_check;
pub mod router;
pub mod security_headers;
pub mod session_ids;
pub mod sso;

/// Text for HTML the server writes by hand (the API reference, the pages of
/// `cross_site`), attributes included.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
