//! Sign-up, sign-in, throttling, sign-out and session rotation.

use crate::helpers::{client, spawn_app, TestApp, PASSWORD};
use app::api::identity::{LogOut, SignUp, WhoAmI};
use app::backend::auth::throttle::ThrottleLimits;
use app::model::contacts::ContactListQuery;
use app::model::identity::{Role, SignupInput};
use app::model::validation::Problem;
use app::AppError;
use reqwest::StatusCode;
use std::time::Duration;

#[tokio::test]
async fn sign_up_creates_the_tenant_and_its_owner_and_signs_in() {
    let app = spawn_app().await;
    let c = client();
    app.sign_up(&c, "muster-gmbh", "Erika@Muster.example")
        .await
        .ok();
    let me = app.me(&c).await;
    assert_eq!(me.role, Role::Owner);
    assert_eq!(me.email, "erika@muster.example", "e-mail is normalised");
    assert_eq!(me.tenant_slug, "muster-gmbh");
    assert_eq!(app.count("SELECT count(*) FROM tenants").await, 1);
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[tokio::test]
async fn invalid_sign_up_reports_fields_and_creates_nothing() {
    let app = spawn_app().await;
    let c = client();
    let input = SignupInput {
        company_name: String::new(),
        slug: "Not A Slug".into(),
        owner_name: "Erika".into(),
        email: "erika-at-example".into(),
        password: "short".into(),
    };
    let response = app.call(&c, SignUp { input }).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!("invalid_signup", response.err());
    assert_eq!(app.count("SELECT count(*) FROM tenants").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
}

#[tokio::test]
async fn a_taken_slug_is_a_field_error_and_the_first_tenant_is_untouched() {
    let app = spawn_app().await;
    app.owner_of("acme").await;
    let err = app
        .sign_up(&client(), "acme", "other@acme.example")
        .await
        .err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("slug")),
        Some(Problem::SlugTaken)
    );
    assert_eq!(app.count("SELECT count(*) FROM users").await, 1);
}

#[tokio::test]
async fn log_in_with_the_right_password_and_fail_alike_for_wrong_password_and_unknown_user() {
    let app = spawn_app().await;
    app.owner_of("acme").await;

    let ok = app
        .log_in(&client(), "acme", "OWNER@acme.example", PASSWORD)
        .await;
    assert_eq!(ok.status, StatusCode::OK);

    let wrong_password = app
        .log_in(&client(), "acme", "owner@acme.example", "wrong password!")
        .await;
    let unknown_user = app
        .log_in(&client(), "acme", "nobody@acme.example", PASSWORD)
        .await;
    let unknown_tenant = app
        .log_in(&client(), "nope", "owner@acme.example", PASSWORD)
        .await;
    for response in [&wrong_password, &unknown_user, &unknown_tenant] {
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.result, wrong_password.result,
            "the same answer for every failure"
        );
        assert!(
            response.session_cookie.is_none(),
            "no session for a failed login"
        );
    }
    assert_eq!(wrong_password.err(), AppError::InvalidCredentials);
}

#[tokio::test]
async fn parallel_guesses_get_no_more_password_checks_than_the_limit() {
    let app = spawn_app().await;
    app.owner_of("acme").await;
    let guesses = (0..20).map(|i| {
        let app = &app;
        async move {
            let guess = format!("wrong password {i}");
            app.log_in(&client(), "acme", "owner@acme.example", &guess)
                .await
                .status
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Only a checked password reaches Argon2 and writes a failed sign-in.
    assert_eq!((checked, refused), (5, 15), "{statuses:?}");
    assert_eq!(app.audit_rows("auth.sign_in_failed").await.len(), 5);
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_account_with_429() {
    let app = TestApp::builder()
        .throttle(ThrottleLimits {
            per_account: 3,
            per_ip: 100,
            window: Duration::from_secs(900),
            ..ThrottleLimits::default()
        })
        .spawn()
        .await;
    app.owner_of("acme").await;
    for _ in 0..3 {
        let r = app
            .log_in(&client(), "acme", "owner@acme.example", "wrong password!")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = app
        .log_in(&client(), "acme", "owner@acme.example", PASSWORD)
        .await;
    assert_eq!(
        blocked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let AppError::RateLimited {
        retry_after_secs: wait,
    } = blocked.err()
    else {
        panic!("rate limited");
    };
    assert!(wait > 800 && wait <= 900, "{wait}");
    // Another account from the same address is not affected.
    app.owner_of("other").await;
    let other = app
        .log_in(&client(), "other", "owner@other.example", PASSWORD)
        .await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_address() {
    let app = TestApp::builder()
        .throttle(ThrottleLimits {
            per_account: 100,
            per_ip: 4,
            window: Duration::from_secs(900),
            ..ThrottleLimits::default()
        })
        .spawn()
        .await;
    app.owner_of("acme").await;
    for i in 0..4 {
        let r = app
            .log_in(
                &client(),
                "acme",
                &format!("guess{i}@acme.example"),
                "wrong password!",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = app
        .log_in(&client(), "acme", "owner@acme.example", PASSWORD)
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
}

/// A client whose requests say, through a proxy, that they come from `address`.
fn forwarded_for(address: &'static str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn fail_twice_then_try(app: &TestApp, from: &'static str, then: &'static str) -> StatusCode {
    for i in 0..2 {
        let r = app
            .log_in(
                &forwarded_for(from),
                "acme",
                &format!("guess{i}@acme.example"),
                "wrong password!",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    app.log_in(&forwarded_for(then), "acme", "owner@acme.example", PASSWORD)
        .await
        .status
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_limited_alone() {
    let limits = ThrottleLimits {
        per_account: 100,
        per_ip: 2,
        window: Duration::from_secs(900),
        ..ThrottleLimits::default()
    };
    let proxied = TestApp::builder()
        .throttle(limits)
        .configure(|config| {
            config.trusted_proxies =
                server::http::client_ip::TrustedProxies::parse("127.0.0.1").unwrap();
        })
        .spawn()
        .await;
    proxied.owner_of("acme").await;
    assert_eq!(
        fail_twice_then_try(&proxied, "203.0.113.1", "203.0.113.2").await,
        StatusCode::OK,
        "another client behind the proxy is not limited"
    );
    assert_eq!(
        fail_twice_then_try(&proxied, "203.0.113.3", "203.0.113.3").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Without trusted proxies the header is the client's own word and counts for nothing.
    let direct = TestApp::builder().throttle(limits).spawn().await;
    direct.owner_of("acme").await;
    assert_eq!(
        fail_twice_then_try(&direct, "203.0.113.1", "203.0.113.2").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn log_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let cookie = app
        .log_in(&c, "acme", "owner@acme.example", PASSWORD)
        .await
        .session_cookie
        .unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();

    app.call(&c, LogOut {}).await.ok();
    assert_eq!(app.call(&c, WhoAmI {}).await.ok(), None);
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        0
    );

    // Replaying the old cookie does not bring the session back.
    let replay = reqwest::Client::new()
        .post(format!("{}/rpc/contacts/list", app.address))
        .header("cookie", cookie)
        .form(&[("query[q]", ""), ("query[sort]", "NameAsc")])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_id_is_rotated_at_login_and_the_old_one_dies() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let first = app
        .log_in(&c, "acme", "owner@acme.example", PASSWORD)
        .await
        .session_cookie
        .unwrap();
    let second = app
        .log_in(&c, "acme", "owner@acme.example", PASSWORD)
        .await
        .session_cookie
        .unwrap();
    let value = |cookie: &str| cookie.split(';').next().unwrap().to_owned();
    assert_ne!(value(&first), value(&second), "a new id at every sign-in");
    assert!(
        first.contains("HttpOnly") && first.contains("SameSite=Lax") && first.contains("Path=/"),
        "{first}"
    );

    let with_old = reqwest::Client::new()
        .post(format!("{}/rpc/me", app.address))
        .header("cookie", value(&first))
        .send()
        .await
        .unwrap();
    assert_eq!(
        with_old.text().await.unwrap(),
        "null",
        "the pre-login id no longer authenticates"
    );
}

#[tokio::test]
async fn sessions_end_after_the_absolute_timeout() {
    let app = TestApp::builder()
        .configure(|config| config.absolute_timeout = Duration::from_secs(1))
        .spawn()
        .await;
    let c = app.owner_of("acme").await;
    assert!(app.call(&c, WhoAmI {}).await.ok().is_some());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(app.call(&c, WhoAmI {}).await.ok(), None);
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        0,
        "the expired session is deleted"
    );
}

#[tokio::test]
async fn an_active_session_outlives_the_idle_timeout_and_an_idle_one_does_not() {
    let app = TestApp::builder()
        .configure(|config| config.idle_timeout = Duration::from_secs(2))
        .spawn()
        .await;
    let active = app.owner_of("acme").await;
    let idle = client();
    app.log_in(&idle, "acme", "owner@acme.example", PASSWORD)
        .await
        .ok();
    // Twice the idle timeout of steady use.
    for _ in 0..8 {
        assert!(
            app.call(&active, WhoAmI {}).await.ok().is_some(),
            "still signed in while in use"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        app.call(&idle, WhoAmI {}).await.ok(),
        None,
        "signed out after two idle seconds"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(app.call(&active, WhoAmI {}).await.ok(), None);
}

#[tokio::test]
async fn signing_out_ends_the_session_even_when_its_audit_entry_fails() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let grant = |sql: &'static str| sqlx::query(sql).execute(&app.db.superuser);
    grant("REVOKE INSERT ON audit_pending FROM tessera_app")
        .await
        .unwrap();
    let signed_out = app.call(&c, LogOut {}).await;
    grant("GRANT INSERT ON audit_pending TO tessera_app")
        .await
        .unwrap();
    assert_eq!(signed_out.status, StatusCode::OK);
    assert_eq!(app.call(&c, WhoAmI {}).await.ok(), None);
    assert_eq!(app.audit_rows("auth.sign_out").await.len(), 0);
}

#[tokio::test]
async fn role_changes_take_effect_on_the_next_request() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    assert_eq!(
        app.create_contact(&c, "A", "B", "").await.status,
        StatusCode::OK
    );
    // Without a second-factor rule for the role, which would refuse first.
    sqlx::query("UPDATE tenants SET second_factor_roles = '{}'")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    app.set_role_in_database("works_council", None).await;
    assert_eq!(
        app.list_contacts(&c, ContactListQuery::default())
            .await
            .err(),
        AppError::Forbidden
    );
}
