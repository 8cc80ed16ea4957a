//! Invitations and roles.

use crate::helpers::{client, spawn_app, PASSWORD};
use reqwest::StatusCode;

async fn invite(
    app: &crate::helpers::TestApp,
    c: &reqwest::Client,
    email: &str,
    role: &str,
) -> crate::helpers::RpcResponse {
    app.rpc(
        c,
        "team/invite",
        &[("input[email]", email), ("input[role]", role)],
    )
    .await
}

fn token_of(link: &str) -> (String, String) {
    let mut parts = link.rsplit('/');
    let token = parts.next().unwrap().to_owned();
    let slug = parts.next().unwrap().to_owned();
    (slug, token)
}

#[tokio::test]
async fn an_invitation_link_creates_an_account_once() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let invitation = invite(&app, &owner, "Dora@Acme.example", "dpo").await;
    assert_eq!(invitation.status, StatusCode::OK, "{:?}", invitation.body);
    let (slug, token) = token_of(invitation.body["link"].as_str().unwrap());
    assert_eq!(slug, "acme");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM invitations")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "only the hash is stored");

    let preview = app
        .rpc(
            &client(),
            "invitation",
            &[("slug", &slug), ("token", &token)],
        )
        .await;
    assert_eq!(preview.body["email"], "dora@acme.example");
    assert_eq!(preview.body["role"], "DataProtectionOfficer");

    let dora = client();
    let accept = [
        ("input[slug]", slug.as_str()),
        ("input[token]", token.as_str()),
        ("input[display_name]", "Dora Datenschutz"),
        ("input[password]", PASSWORD),
    ];
    assert_eq!(
        app.rpc(&dora, "invitation/accept", &accept).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.rpc(&dora, "me", &[]).await.body["role"],
        "DataProtectionOfficer"
    );
    assert_eq!(
        app.log_in(&client(), "acme", "dora@acme.example", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );

    assert_eq!(
        app.rpc(&client(), "invitation/accept", &accept)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "links work once"
    );
    let wrong = [
        ("input[slug]", "acme"),
        ("input[token]", "guessed"),
        ("input[display_name]", "Mallory"),
        ("input[password]", PASSWORD),
    ];
    assert_eq!(
        app.rpc(&client(), "invitation/accept", &wrong).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2);
}

#[tokio::test]
async fn only_owners_and_admins_invite_and_admins_cannot_make_owners() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let link = invite(&app, &owner, "admin@acme.example", "admin")
        .await
        .body["link"]
        .as_str()
        .unwrap()
        .to_owned();
    let (slug, token) = token_of(&link);
    let admin = client();
    app.rpc(
        &admin,
        "invitation/accept",
        &[
            ("input[slug]", &slug),
            ("input[token]", &token),
            ("input[display_name]", "Alex Admin"),
            ("input[password]", PASSWORD),
        ],
    )
    .await;

    assert_eq!(
        invite(&app, &admin, "m@acme.example", "member")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        invite(&app, &admin, "o@acme.example", "owner").await.status,
        StatusCode::FORBIDDEN
    );
    let bad = invite(&app, &admin, "not-an-email", "member").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let taken = invite(&app, &admin, "owner@acme.example", "member").await;
    assert_eq!(taken.body["fields"][0]["problem"], "email_taken");

    // The admin may not demote the owner, and the last owner cannot be demoted at all.
    let team = app.rpc(&owner, "team", &[]).await;
    let owner_id = team.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "Owner")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.rpc(
            &admin,
            "team/role",
            &[("user_id", &owner_id), ("role", "member")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.rpc(
            &owner,
            "team/role",
            &[("user_id", &owner_id), ("role", "member")]
        )
        .await
        .status,
        StatusCode::CONFLICT
    );

    let admin_id = app.rpc(&admin, "me", &[]).await.body["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlx::query("UPDATE users SET role = 'member' WHERE user_id = $1::uuid")
        .bind(admin_id)
        .execute(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(
        invite(&app, &admin, "x@acme.example", "member")
            .await
            .status,
        StatusCode::FORBIDDEN,
        "members cannot invite"
    );
}
