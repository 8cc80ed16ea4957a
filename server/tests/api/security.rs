//! The HTTP layers: origin check, security headers, safe errors, probes.

use crate::helpers::{client, spawn_app};
use app::model::contacts::ContactListQuery;
use app::AppError;
use reqwest::StatusCode;

#[tokio::test]
async fn a_cross_origin_post_is_rejected_and_changes_nothing() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let response = c
            .post(format!("{}/rpc/contacts/create", app.address))
            .header(header, value)
            .form(&[
                ("input[first_name]", "Eve"),
                ("input[last_name]", "Evil"),
                ("input[emails][0][address]", ""),
                ("input[notes]", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);

    let same_origin = c
        .post(format!("{}/rpc/contacts/create", app.address))
        .header("origin", app.address.clone())
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("input[first_name]", "Anna"),
            ("input[last_name]", "A"),
            ("input[emails][0][kind]", "work"),
            ("input[emails][0][address]", ""),
            ("input[owner_id]", ""),
            ("input[consent_email]", "true"),
            ("input[notes]", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_link_from_another_site_reads_nothing_until_the_user_clicks_on() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let contact = app
        .create_contact(&c, "Jörg", "Müller", "joerg@example.de")
        .await
        .ok();
    let reads = || app.count("SELECT count(*) FROM audit_log WHERE action = 'contact.read'");
    let before = reads().await;
    let page = format!("{}/contacts/{}", app.address, contact.id);
    let from = |site: &'static str, mode: &'static str| {
        c.get(&page)
            .header("sec-fetch-site", site)
            .header("sec-fetch-mode", mode)
            .header("accept-language", "de-DE")
            .send()
    };

    let link = from("cross-site", "navigate").await.unwrap();
    assert_eq!(link.status(), StatusCode::OK);
    let body = link.text().await.unwrap();
    assert!(body.contains("Weiter zu Tessera"), "{body}");
    assert!(body.contains(&format!("href=\"/contacts/{}\"", contact.id)));
    assert!(!body.contains("Müller"));
    let embedded = from("cross-site", "no-cors").await.unwrap();
    assert_eq!(embedded.status(), StatusCode::FORBIDDEN);
    let export = c
        .get(format!("{}/audit/export?purpose=x", app.address))
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "navigate")
        .send()
        .await
        .unwrap();
    assert!(export.text().await.unwrap().contains("Continue to Tessera"));
    assert_eq!(reads().await, before, "nothing was read for another site");

    // The click on that page is same-origin and opens the record, audited.
    let clicked = from("same-origin", "navigate").await.unwrap();
    assert_eq!(clicked.status(), StatusCode::OK);
    assert!(clicked.text().await.unwrap().contains("Müller"));
    assert!(reads().await > before, "the page read is audited");
    // Entry points that mail and providers link to stay open.
    let login = client()
        .get(format!("{}/login/acme", app.address))
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "navigate")
        .send()
        .await
        .unwrap();
    assert!(login.text().await.unwrap().contains("field-password"));
}

#[tokio::test]
async fn cross_origin_login_is_rejected_too() {
    let app = spawn_app().await;
    let response = client()
        .post(format!("{}/rpc/signup", app.address))
        .header("origin", "https://evil.example")
        .form(&[
            ("input[company_name]", "X"),
            ("input[slug]", "xcorp"),
            ("input[owner_name]", "X"),
            ("input[email]", "x@x.example"),
            ("input[password]", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM tenants").await, 0);
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_security_headers() {
    let app = spawn_app().await;
    let response = client()
        .get(format!("{}/login", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "'wasm-unsafe-eval'",
        "'nonce-",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS on plain http"
    );
    let body = response.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the CSP nonce"
    );

    let second = client()
        .get(format!("{}/login", app.address))
        .send()
        .await
        .unwrap();
    assert_ne!(
        second.headers()["content-security-policy"]
            .to_str()
            .unwrap(),
        csp,
        "a fresh nonce per response"
    );
}

#[tokio::test]
async fn pages_render_on_the_server_in_the_browsers_language() {
    let app = spawn_app().await;
    let german = client()
        .get(format!("{}/login", app.address))
        .header("accept-language", "de-DE,de;q=0.9")
        .send()
        .await
        .unwrap();
    let body = german.text().await.unwrap();
    assert!(body.contains("<html lang=\"de\""), "{body}");
    assert!(body.contains("Arbeitsbereich"));
    let english = client()
        .get(format!("{}/login", app.address))
        .header("accept-language", "en-GB")
        .send()
        .await
        .unwrap();
    assert!(english.text().await.unwrap().contains("Workspace"));
    let chosen = client()
        .get(format!("{}/login", app.address))
        .header("accept-language", "de")
        .header("cookie", "tessera_lang=en")
        .send()
        .await
        .unwrap();
    assert!(
        chosen.text().await.unwrap().contains("<html lang=\"en\""),
        "the switcher's cookie wins"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_redirected_to_login_and_unknown_pages_are_404() {
    let app = spawn_app().await;
    let response = client()
        .get(format!("{}/contacts", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/login");
    let missing = client()
        .get(format!("{}/no-such-page", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn malformed_requests_get_a_code_not_internal_details() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    // Not a UUID: only a raw request can send it.
    let response = app
        .post_form(&c, "contacts/get", &[("id", "'; DROP TABLE contacts; --")])
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response.body,
        serde_json::to_value(AppError::BadRequest).unwrap(),
        "the contract and nothing more"
    );
    let query = ContactListQuery {
        after: Some("not-a-cursor".into()),
        ..Default::default()
    };
    let cursor = app.list_contacts(&c, query).await;
    assert_eq!(cursor.status, StatusCode::BAD_REQUEST);
    assert_eq!(cursor.err(), AppError::BadRequest);
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let live = client()
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let ready = client()
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    // Cut the server off from its database.
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    let admin = sqlx::PgPool::connect(&crate::helpers::admin_url())
        .await
        .unwrap();
    sqlx::query(&format!(
        r#"ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false"#
    ))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&database)
        .execute(&admin)
        .await
        .unwrap();
    let not_ready = client()
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(not_ready.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_tenant_transaction_abandoned_at_any_moment_leaves_no_open_transaction() {
    // One connection, so every attempt reuses the one a cancelled attempt left.
    let db = crate::helpers::TestDb::with_app_pool_size(1).await;
    let tenant = uuid::Uuid::now_v7();
    let stranded = "SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND state LIKE 'idle in transaction%'";
    for round in 0..400u64 {
        // Cut off after 1 µs to 4 ms: before, during and after BEGIN's round trip.
        let cut_off = std::time::Duration::from_micros(1 + round * 10);
        let begun = tokio::time::timeout(
            cut_off,
            app::backend::tenancy::begin_for_tenant(&db.app, tenant),
        )
        .await;
        drop(begun);
        // Once the connection is back in the pool, it must not be inside a transaction.
        let mut idle = false;
        for _ in 0..500 {
            if db.app.num_idle() == 1 {
                idle = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        assert!(
            idle,
            "round {round}: the connection came back to the pool, unharmed"
        );
        let open: i64 = sqlx::query_scalar(stranded)
            .fetch_one(&db.superuser)
            .await
            .unwrap();
        assert_eq!(open, 0, "round {round} left a transaction open");
    }
}

/// The session table holds hashes of session ids: an id read from it (a backup, a
/// replica, an insider) signs nobody in, while the cookie's own id does.
#[tokio::test]
async fn an_id_read_from_the_session_table_signs_nobody_in() {
    use app::api::identity::WhoAmI;
    let app = spawn_app().await;
    app.owner_of("acme").await;
    let with_cookie = |cookie: String| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
        reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap()
    };
    let login = reqwest::Client::new()
        .post(format!("{}/rpc/login", app.address))
        .form(&[
            ("input[workspace]", "acme"),
            ("input[email]", "owner@acme.example"),
            ("input[password]", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success());
    let cookie = login
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tessera_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let raw_id = cookie.trim_start_matches("tessera_session=").to_owned();
    let signed_in = app.call(&with_cookie(cookie), WhoAmI {}).await.ok();
    assert!(signed_in.is_some(), "the cookie's id signs in");

    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM tower_sessions.session")
        .fetch_all(&app.db.superuser)
        .await
        .unwrap();
    assert!(stored.len() >= 2, "{stored:?}");
    assert!(!stored.contains(&raw_id), "the cookie's id is not stored");
    for id in stored {
        let thief = with_cookie(format!("tessera_session={id}"));
        assert_eq!(app.call(&thief, WhoAmI {}).await.ok(), None, "{id}");
    }
}
