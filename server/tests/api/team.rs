//! Invitations and roles, through the typed client.

use crate::helpers::{client, spawn_app, TestApp, PASSWORD};
use app::api::identity::WhoAmI;
use app::api::team::{AcceptInvitation, ChangeRole, InviteMember, LoadTeam, PreviewInvitation};
use app::model::identity::{AcceptInviteInput, Invitation, InviteInput, Role};
use app::model::second_factor::SignInStep;
use app::model::validation::Problem;
use app::AppError;
use reqwest::{Client, StatusCode};

async fn invite(
    app: &TestApp,
    c: &Client,
    email: &str,
    role: &str,
) -> Result<Invitation, AppError> {
    let input = InviteInput {
        email: email.into(),
        role: role.into(),
    };
    app.call(c, InviteMember { input }).await.result
}

/// `(slug, token)` out of an invitation link.
fn token_of(invitation: &Invitation) -> (String, String) {
    let link = invitation
        .link
        .as_deref()
        .expect("a new invitation has its link");
    crate::helpers::slug_and_token(link)
}

fn acceptance(slug: &str, token: &str, name: &str) -> AcceptInvitation {
    AcceptInvitation {
        input: AcceptInviteInput {
            slug: slug.into(),
            token: token.into(),
            display_name: name.into(),
            password: PASSWORD.into(),
        },
    }
}

#[tokio::test]
async fn an_invitation_link_creates_an_account_once() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let invitation = invite(&app, &owner, "Dora@Acme.example", "dpo")
        .await
        .unwrap();
    let (slug, token) = token_of(&invitation);
    assert_eq!(slug, "acme");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM invitations")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "only the hash is stored");

    let preview = app
        .call(
            &client(),
            PreviewInvitation {
                slug: slug.clone(),
                token: token.clone(),
            },
        )
        .await
        .ok();
    assert_eq!(preview.email, "dora@acme.example");
    assert_eq!(preview.role, Role::DataProtectionOfficer);
    // Showing the invitee's address is logged: on the page the link opens (nobody is
    // signed in yet) and in the team page's list of open invitations.
    let previewed = app.audit_rows("team.invitation_previewed").await;
    assert_eq!(previewed, vec![(None, vec![invitation.id])]);
    app.call(&owner, LoadTeam {}).await.ok();
    let listed = app.audit_rows("team.invitations_read").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1, vec![invitation.id]);

    let dora = client();
    let step = app
        .call(&dora, acceptance(&slug, &token, "Dora Datenschutz"))
        .await
        .ok();
    assert_eq!(
        step,
        SignInStep::Enrol,
        "a DPO sets up a second factor first"
    );
    let me = app.call(&dora, WhoAmI {}).await.ok().expect("signed in");
    assert_eq!(me.role, Role::DataProtectionOfficer);
    assert!(me.must_enrol);
    assert_eq!(
        app.log_in(&client(), "acme", "dora@acme.example", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );

    let again = app
        .call(&client(), acceptance(&slug, &token, "Dora Datenschutz"))
        .await;
    assert_eq!(again.err(), AppError::NotFound, "links work once");
    let guessed = app
        .call(&client(), acceptance("acme", "guessed", "Mallory"))
        .await;
    assert_eq!(guessed.err(), AppError::NotFound);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2);
}

#[tokio::test]
async fn only_owners_and_admins_invite_and_admins_cannot_make_owners() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let invitation = invite(&app, &owner, "admin@acme.example", "admin")
        .await
        .unwrap();
    let (slug, token) = token_of(&invitation);
    let admin = client();
    app.call(&admin, acceptance(&slug, &token, "Alex Admin"))
        .await
        .ok();

    assert!(invite(&app, &admin, "m@acme.example", "member")
        .await
        .is_ok());
    assert_eq!(
        invite(&app, &admin, "o@acme.example", "owner").await.err(),
        Some(AppError::Forbidden)
    );
    let bad = invite(&app, &admin, "not-an-email", "member")
        .await
        .unwrap_err();
    assert_eq!(
        bad.field_errors().and_then(|f| f.get("email")),
        Some(Problem::InvalidEmail)
    );
    let taken = invite(&app, &admin, "owner@acme.example", "member")
        .await
        .unwrap_err();
    assert_eq!(
        taken.field_errors().and_then(|f| f.get("email")),
        Some(Problem::EmailTaken)
    );

    // The admin may not demote the owner, and the last owner cannot be demoted at all.
    let team = app.call(&owner, LoadTeam {}).await.ok();
    let owner_id = team
        .members
        .iter()
        .find(|m| m.role == Role::Owner)
        .unwrap()
        .user_id;
    let demote = ChangeRole {
        user_id: owner_id,
        role: "member".into(),
    };
    assert_eq!(
        app.call(&admin, demote.clone()).await.err(),
        AppError::Forbidden
    );
    assert_eq!(app.call(&owner, demote).await.err(), AppError::Conflict);

    let admin_id = app.call(&admin, WhoAmI {}).await.ok().unwrap().user_id;
    app.set_role_in_database("member", Some(admin_id)).await;
    assert_eq!(
        invite(&app, &admin, "x@acme.example", "member").await.err(),
        Some(AppError::Forbidden),
        "members cannot invite"
    );
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = spawn_app().await;
    let first = app.owner_of("acme").await;
    let second = app
        .join(&first, "otto@acme.example", "owner", "Otto Owner")
        .await;
    let first_id = app.call(&first, WhoAmI {}).await.ok().unwrap().user_id;
    let second_id = app.call(&second, WhoAmI {}).await.ok().unwrap().user_id;
    let demote = |user_id| ChangeRole {
        user_id,
        role: "member".into(),
    };
    let (a, b) = tokio::join!(
        app.call(&first, demote(second_id)),
        app.call(&second, demote(first_id)),
    );
    let mut outcomes = [a.result.map(|_| ()), b.result.map(|_| ())];
    outcomes.sort_by_key(|o| o.is_err());
    // The later one is refused: as the last owner's demotion (it waited for the
    // first), or because its own role is already gone (it started after).
    assert_eq!(outcomes[0], Ok(()));
    assert!(
        matches!(
            outcomes[1],
            Err(AppError::Conflict) | Err(AppError::Forbidden)
        ),
        "{outcomes:?}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE role = 'owner'")
            .await,
        1
    );
}
