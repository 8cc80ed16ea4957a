//! API tokens: shown once and kept hashed; never more than their user's role, now
//! or after a demotion; refused alike when revoked, expired, forged or of another
//! workspace; and what they do is audited like the UI's work, naming the token.

use super::{rest, token};
use crate::helpers::{spawn_app, TestApp};
use app::api::api_tokens::{CreateApiToken, LoadApiTokens, RevokeApiToken};
use app::api::audit::VerifyAuditLog;
use app::api::team::ChangeRole;
use app::model::api_tokens::ApiTokenInput;
use app::model::validation::Problem;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Action, actor, subjects and the token an entry names.
type AuditRow = (String, Option<Uuid>, Vec<Uuid>, Option<Uuid>);

fn new_contact() -> serde_json::Value {
    json!({"first_name": "Jörg", "last_name": "Müller", "emails": [{"kind": "work", "address": "joerg@example.de"}]})
}

async fn post_contact(app: &TestApp, secret: &str) -> StatusCode {
    rest(
        app,
        Some(secret),
        Method::POST,
        "/api/v1/contacts",
        Some(new_contact()),
        None,
    )
    .await
    .status
}

#[tokio::test]
async fn a_token_is_shown_once_kept_hashed_and_listed_by_its_prefix() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let created = token(&app, &owner, &["contacts:read", "contacts:write"]).await;
    assert!(created.secret.starts_with("tsk_"));
    assert_eq!(created.token.scopes.len(), 2);

    let listed = app.call(&owner, LoadApiTokens {}).await.ok();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "ERP sync");
    assert_eq!(listed[0].prefix, created.token.prefix);
    let listed_json = serde_json::to_string(&listed).unwrap();
    assert!(
        !listed_json.contains(&created.secret[40..]),
        "the list never shows the secret"
    );

    let (hash, name_ct, prefix): (Vec<u8>, Vec<u8>, String) =
        sqlx::query_as("SELECT secret_hash, name_ct, prefix FROM api_tokens")
            .fetch_one(&app.db.superuser)
            .await
            .unwrap();
    assert_eq!(hash, Sha256::digest(created.secret.as_bytes()).to_vec());
    assert!(
        !String::from_utf8_lossy(&name_ct).contains("ERP"),
        "the label is sealed"
    );
    assert!(created.secret.contains(prefix.trim_start_matches("tsk_…")));
    assert!(
        prefix.chars().count() < 12,
        "only a few characters are kept plain"
    );

    let bad = ApiTokenInput {
        name: "".into(),
        scopes: vec!["team:manage".into()],
        lifetime_days: "0".into(),
    };
    let refused = app.call(&owner, CreateApiToken { input: bad }).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = refused.err().field_errors().cloned().unwrap();
    assert_eq!(fields.get("name"), Some(Problem::Required));
    assert_eq!(fields.get("scopes"), Some(Problem::InvalidChoice));
    assert_eq!(fields.get("lifetime_days"), Some(Problem::InvalidNumber));
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 1);
}

#[tokio::test]
async fn a_token_holds_no_more_than_its_user_now_or_after_a_demotion() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let member = app
        .invite_and_accept(&owner, "mia@acme.example", "member")
        .await;
    let refused = app
        .call(
            &member,
            CreateApiToken {
                input: ApiTokenInput {
                    name: "Script".into(),
                    scopes: vec!["contacts:write".into()],
                    lifetime_days: "7".into(),
                },
            },
        )
        .await;
    assert_eq!(
        refused.err().field_errors().and_then(|f| f.get("scopes")),
        Some(Problem::BeyondYourRole),
        "a member may not change contacts, so neither may a member's token"
    );

    let sales = app
        .invite_and_accept(&owner, "sam@acme.example", "sales")
        .await;
    let sam = app.me(&sales).await;
    let granted = token(&app, &sales, &["contacts:read", "contacts:write"]).await;
    assert_eq!(
        post_contact(&app, &granted.secret).await,
        StatusCode::CREATED
    );

    let demote = ChangeRole {
        user_id: sam.user_id,
        role: "member".into(),
    };
    app.call(&owner, demote).await.ok();
    assert_eq!(
        post_contact(&app, &granted.secret).await,
        StatusCode::FORBIDDEN,
        "the demotion narrows the token at once"
    );
    let read = rest(
        &app,
        Some(&granted.secret),
        Method::GET,
        "/api/v1/contacts",
        None,
        None,
    )
    .await;
    assert_eq!(
        read.status,
        StatusCode::OK,
        "reading is still the member's right"
    );

    // Scopes narrow the owner's token too; reading contacts that belong to an
    // organisation needs no organisation scope (the list then leaves out its name).
    let org = app.create_organisation(&owner, "Muster").await;
    let linked = json!({"first_name": "Eva", "last_name": "Muster", "organisation_id": org});
    // Linking needs the organisation readable (its name goes into the search tokens).
    let writer = token(
        &app,
        &owner,
        &["contacts:read", "contacts:write", "organisations:read"],
    )
    .await;
    let created = rest(
        &app,
        Some(&writer.secret),
        Method::POST,
        "/api/v1/contacts",
        Some(linked),
        None,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let reader = token(&app, &owner, &["contacts:read"]).await;
    let listed = rest(
        &app,
        Some(&reader.secret),
        Method::GET,
        "/api/v1/contacts",
        None,
        None,
    )
    .await;
    assert_eq!(
        listed.status,
        StatusCode::OK,
        "found in the demo tenant: was 403"
    );
    assert_eq!(listed.body["total"], 2);
    assert_eq!(
        post_contact(&app, &reader.secret).await,
        StatusCode::FORBIDDEN
    );
    let other_area = token(&app, &owner, &["tasks:read"]).await;
    let answer = rest(
        &app,
        Some(&other_area.secret),
        Method::GET,
        "/api/v1/contacts",
        None,
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.problem(), "forbidden");
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 2);
}

#[tokio::test]
async fn revoked_expired_forged_and_foreign_tokens_are_refused_alike() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let other = app.owner_of("globex").await;
    let acme = token(&app, &owner, &["contacts:read"]).await;
    let globex = token(&app, &other, &["contacts:read"]).await;
    let list = async |secret: Option<&str>| {
        rest(&app, secret, Method::GET, "/api/v1/contacts", None, None).await
    };
    assert_eq!(list(Some(&acme.secret)).await.status, StatusCode::OK);

    // Another workspace's id with this workspace's secret, and the reverse.
    let acme_id = &acme.secret[4..36];
    let globex_id = &globex.secret[4..36];
    let swapped = acme.secret.replacen(acme_id, globex_id, 1);
    let forged = format!("tsk_{}{}", acme_id, "A".repeat(43));
    for secret in [
        None,
        Some("tsk_nonsense"),
        Some(forged.as_str()),
        Some(swapped.as_str()),
    ] {
        let answer = list(secret).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{secret:?}");
        assert_eq!(answer.problem(), "unauthenticated");
    }

    // The session cookie is no way in.
    let with_cookie = owner
        .get(format!("{}/api/v1/contacts", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(with_cookie.status(), StatusCode::UNAUTHORIZED);

    app.call(
        &owner,
        RevokeApiToken {
            token_id: acme.token.token_id,
        },
    )
    .await
    .ok();
    assert_eq!(
        list(Some(&acme.secret)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let listed = app.call(&owner, LoadApiTokens {}).await.ok();
    assert!(
        listed[0].revoked_at.is_some(),
        "a revoked token stays listed as revoked"
    );
    let again = app
        .call(
            &owner,
            RevokeApiToken {
                token_id: acme.token.token_id,
            },
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let foreign = app
        .call(
            &owner,
            RevokeApiToken {
                token_id: globex.token.token_id,
            },
        )
        .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another workspace's token"
    );

    sqlx::query(
        "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE token_id = $1",
    )
    .bind(globex.token.token_id)
    .execute(&app.db.superuser)
    .await
    .unwrap();
    assert_eq!(
        list(Some(&globex.secret)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn what_a_token_does_is_audited_like_the_ui_naming_the_token() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let me = app.me(&owner).await;
    let granted = token(&app, &owner, &["contacts:read", "contacts:write"]).await;
    let created = rest(
        &app,
        Some(&granted.secret),
        Method::POST,
        "/api/v1/contacts",
        Some(new_contact()),
        None,
    )
    .await;
    let id: Uuid = created.body["id"].as_str().unwrap().parse().unwrap();
    let read = rest(
        &app,
        Some(&granted.secret),
        Method::GET,
        &format!("/api/v1/contacts/{id}"),
        None,
        None,
    )
    .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["first_name"], "Jörg");

    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT action, actor_id, subject_ids, via_token FROM audit_log
         WHERE action IN ('contact.create', 'contact.read') ORDER BY seq",
    )
    .fetch_all(app.seal_audit().await)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    for (action, actor, subjects, via) in &rows {
        assert_eq!(*actor, Some(me.user_id), "{action}: the token's user acted");
        assert_eq!(*subjects, vec![id], "{action}");
        assert_eq!(
            *via,
            Some(granted.token.token_id),
            "{action} names the token"
        );
    }
    let created_audit = app.audit_rows("auth.api_token_created").await;
    assert_eq!(created_audit, vec![(Some(me.user_id), vec![])]);

    // The chain still verifies with entries that name a token.
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let report = app.call(&dpo, VerifyAuditLog {}).await.ok();
    assert_eq!(report.first_broken, None);
    assert!(report.entries > 3);
}
