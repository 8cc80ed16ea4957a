//! Tokens that owners and administrators make for a colleague (an integration
//! user): within the colleague's role and the maker's, at every request, even after
//! the maker is demoted; listed for the colleague and the administrators, withdrawn
//! by them, and audited naming the colleague.

use super::rest;
use crate::helpers::spawn_app;
use app::api::api_tokens::{IssueApiToken, LoadApiTokens, LoadIssuedApiTokens, WithdrawApiToken};
use app::api::team::ChangeRole;
use app::model::api_tokens::ApiTokenInput;
use app::model::validation::Problem;
use app::AppError;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn input(scopes: &[&str]) -> ApiTokenInput {
    ApiTokenInput {
        name: "Shop sync".into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        lifetime_days: "90".into(),
    }
}

#[tokio::test]
async fn an_admin_makes_a_token_for_an_integration_user_that_never_exceeds_either() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let admin = app
        .join(&owner, "ada@acme.example", "admin", "Ada Admin")
        .await;
    let shop = app
        .join(&owner, "shop@acme.example", "service", "Shop Integration")
        .await;
    let shop_id = app.me(&shop).await.user_id;
    let admin_id = app.me(&admin).await.user_id;

    // Writing contacts is within the colleague's role (service), deleting is not.
    let issued = app
        .call(
            &admin,
            IssueApiToken {
                user_id: shop_id,
                input: input(&["contacts:read", "contacts:write"]),
            },
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK);
    let issued = issued.ok();
    let secret = issued.secret.as_str();
    let body = json!({"first_name": "Jörg", "last_name": "Müller"});
    let created = rest(
        &app,
        Some(secret),
        Method::POST,
        "/api/v1/contacts",
        Some(body),
        None,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let path = format!("/api/v1/contacts/{}", created.body["id"].as_str().unwrap());
    let refused = rest(&app, Some(secret), Method::DELETE, &path, None, None).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "the colleague's role may not delete"
    );

    // The entry names the colleague as actor and the token.
    let (actor, via): (Option<uuid::Uuid>, Option<uuid::Uuid>) =
        sqlx::query_as("SELECT actor_id, via_token FROM audit_log WHERE action = 'contact.create'")
            .fetch_one(app.seal_audit().await)
            .await
            .unwrap();
    assert_eq!((actor, via), (Some(shop_id), Some(issued.token.token_id)));
    let made = app.audit_rows("auth.api_token_issued").await;
    assert_eq!(made, [(Some(admin_id), vec![shop_id])]);

    // The colleague sees it among their tokens, the administrators on the team page.
    let theirs = app.call(&shop, LoadApiTokens {}).await.ok();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].name, "Shop sync");
    let listed = app.call(&owner, LoadIssuedApiTokens {}).await.ok();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].user_id, shop_id);

    // Demoting the maker narrows the token at once: a member may not create contacts.
    app.call(
        &owner,
        ChangeRole {
            user_id: admin_id,
            role: "member".into(),
        },
    )
    .await
    .ok();
    let body = json!({"first_name": "Ada", "last_name": "Lovelace"});
    let narrowed = rest(
        &app,
        Some(secret),
        Method::POST,
        "/api/v1/contacts",
        Some(body),
        None,
    )
    .await;
    assert_eq!(narrowed.status, StatusCode::FORBIDDEN);
    let read = rest(&app, Some(secret), Method::GET, &path, None, None).await;
    assert_eq!(
        read.status,
        StatusCode::OK,
        "reading is still within both roles"
    );

    // Withdrawn by an owner, it is refused like any revoked token.
    app.call(
        &owner,
        WithdrawApiToken {
            token_id: issued.token.token_id,
        },
    )
    .await
    .ok();
    let gone = rest(&app, Some(secret), Method::GET, &path, None, None).await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_owners_and_admins_make_tokens_for_others_and_only_within_their_own_role() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let sales = app
        .join(&owner, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let member = app
        .join(&owner, "max@acme.example", "member", "Max Mitglied")
        .await;
    let member_id = app.me(&member).await.user_id;
    let refused = app
        .call(
            &sales,
            IssueApiToken {
                user_id: member_id,
                input: input(&["contacts:read"]),
            },
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.call(&sales, LoadIssuedApiTokens {}).await.status,
        StatusCode::FORBIDDEN
    );

    let beyond = app
        .call(
            &owner,
            IssueApiToken {
                user_id: member_id,
                input: input(&["contacts:write"]),
            },
        )
        .await
        .err();
    let AppError::Validation(errors) = beyond else {
        panic!("{beyond:?}")
    };
    assert_eq!(errors.get("scopes"), Some(Problem::BeyondYourRole));
    let nobody = app
        .call(
            &owner,
            IssueApiToken {
                user_id: uuid::Uuid::now_v7(),
                input: input(&["contacts:read"]),
            },
        )
        .await
        .err();
    let AppError::Validation(errors) = nobody else {
        panic!("{nobody:?}")
    };
    assert_eq!(errors.get("user_id"), Some(Problem::UnknownReference));
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 0);
}
