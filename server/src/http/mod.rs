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

/// Paths whose last segment is a secret: invitation, password and e-mail links, and
/// calendar feeds (the feed's token is its file name).
const SECRET_PATHS: &[&str] = &["/invite/", "/reset/", "/account/email/", "/feeds/calendar/"];

/// A request path as logs may show it: secrets in links are cut out.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match SECRET_PATHS.iter().any(|p| path.starts_with(p)) {
        true => match path.rsplit_once('/') {
            Some((head, secret)) if !secret.is_empty() => format!("{head}/…").into(),
            _ => path.into(),
        },
        false => path.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn secrets_in_links_never_reach_the_log() {
        for (path, logged) in [
            ("/invite/acme/3q2-secret", "/invite/acme/…"),
            ("/reset/acme/secret", "/reset/acme/…"),
            ("/account/email/acme/secret", "/account/email/acme/…"),
            ("/feeds/calendar/acme/secret.ics", "/feeds/calendar/acme/…"),
            ("/contacts/0190", "/contacts/0190"),
            ("/rpc/contacts/list", "/rpc/contacts/list"),
        ] {
            assert_eq!(loggable_path(path), logged);
        }
    }
}
