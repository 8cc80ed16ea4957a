//! Reads are audited, so a read must be the user's own doing: a `GET` that another
//! site causes (a link, an image, a frame) must not make the victim's account read
//! or export personal data into the log under a purpose the attacker chose. Browsers
//! say where a request comes from (`Sec-Fetch-Site`). A cross-site navigation to a
//! page inside the workspace gets a short page with a link to the same address
//! (followed, it is same-origin); any other cross-site request there gets 403. The
//! entry points that links from mail and providers lead to stay open.

use super::escape;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

/// Paths other sites may lead to: sign-in and sign-up, links from account mail,
/// single sign-on's return, calendar feeds, static files, probes and the API
/// (which cookies never authenticate).
const OPEN: &[&str] = &[
    "/login",
    "/signup",
    "/invite/",
    "/forgot",
    "/reset/",
    "/account/email/",
    "/sso/",
    "/feeds/",
    "/pkg/",
    "/favicon",
    "/healthz",
    "/readyz",
    "/api/",
];

fn is_open(path: &str) -> bool {
    OPEN.iter().any(|open| path.starts_with(open))
}

fn from_another_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
}

fn continue_page(target: &str, german: bool) -> Response {
    let (lang, title, text, button) = if german {
        (
            "de",
            "Weiter zu Tessera",
            "Sie kommen über einen Link von einer anderen Website. Tessera öffnet Kundendaten nur auf Ihren eigenen Klick, damit keine fremde Seite Ihr Konto Daten lesen lassen kann.",
            "Öffnen",
        )
    } else {
        (
            "en",
            "Continue to Tessera",
            "You followed a link from another website. Tessera opens customer data only on your own click, so that no other site can make your account read data.",
            "Open",
        )
    };
    let target = escape(target);
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head><body>\
         <main><h1>{title}</h1><p>{text}</p><p><a href=\"{target}\">{button}: {target}</a></p></main>\
         </body></html>"
    );
    let mut response = Html(page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Goes on to `target` (a path of this server) from a page of ours rather than by a
/// redirect: a redirect would carry the "cross-site" of the chain that led here
/// (single sign-on's return from the provider) to the next page.
pub fn go_on_to(target: &str) -> Response {
    let target = escape(target);
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={target}\"><title>Tessera</title></head>\
         <body><p><a href=\"{target}\">Tessera</a></p></body></html>"
    );
    let mut response = Html(page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn interpose(request: Request<Body>, next: Next) -> Response {
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    let path = request.uri().path();
    if !reading || is_open(path) || !from_another_site(request.headers()) {
        return next.run(request).await;
    }
    let navigation = request
        .headers()
        .get("sec-fetch-mode")
        .is_some_and(|mode| mode == "navigate");
    if !navigation {
        return StatusCode::FORBIDDEN.into_response();
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let german = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|langs| langs.trim_start().to_ascii_lowercase().starts_with("de"));
    continue_page(&target, german)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entry_points_stay_open_and_the_target_is_escaped() {
        assert!(
            is_open("/login/acme") && is_open("/invite/acme/t0k3n") && is_open("/api/v1/contacts")
        );
        assert!(!is_open("/contacts/0193") && !is_open("/audit/export") && !is_open("/"));
        let page = continue_page("/contacts?q=\"><script>", false);
        let body = axum::body::to_bytes(page.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("/contacts?q=&quot;&gt;&lt;script&gt;"));
        assert!(!body.contains("<script>"));
    }
}
