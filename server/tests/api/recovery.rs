//! Mail about accounts from the operator's SMTP server: a password link that works
//! once and briefly, answers that reveal nothing about accounts, mailed invitations.

use crate::helpers::peers::{smtp, Maildir};
use crate::helpers::{client, spawn_app, TestApp, PASSWORD};
use app::api::identity::{RequestPasswordReset, ResetPassword, WhoAmI};
use app::api::team::InviteMember;
use app::backend::account_mail::AccountMailSettings;
use app::model::identity::{InviteInput, NewPasswordInput, ResetRequestInput};
use app::model::mail::SmtpSecurity;
use app::model::second_factor::SignInStep;
use app::model::validation::Problem;
use app::AppError;
use mail_parser::MessageParser;
use reqwest::StatusCode;
use std::time::Duration;
use uuid::Uuid;

const NEW_PASSWORD: &str = "a new and longer passphrase";

async fn app_with_mailer() -> TestApp {
    let (host, port) = smtp();
    TestApp::builder()
        .configure(move |config| {
            config.account_mail = Some(AccountMailSettings {
                host,
                port,
                security: SmtpSecurity::Plain,
                credentials: None,
                from: "Tessera <no-reply@tessera.test>".into(),
            })
        })
        .spawn()
        .await
}

/// A workspace whose owner has an address no other test uses (one shared Maildir).
async fn workspace(app: &TestApp) -> (String, String) {
    let slug = format!("acme-{}", &Uuid::now_v7().simple().to_string()[20..]);
    let email = format!("owner@{slug}.example");
    app.sign_up(&client(), &slug, &email).await.ok();
    (slug, email)
}

fn request(slug: &str, email: &str) -> RequestPasswordReset {
    RequestPasswordReset {
        input: ResetRequestInput {
            workspace: slug.into(),
            email: email.into(),
        },
    }
}

fn reset(slug: &str, token: &str) -> ResetPassword {
    ResetPassword {
        input: NewPasswordInput {
            slug: slug.into(),
            token: token.into(),
            password: NEW_PASSWORD.into(),
        },
    }
}

/// The text and the link of the newest mail to `to`.
async fn mailed_link(to: &str, path: &str) -> (String, String) {
    let raw = Maildir::of_smtp_peer().wait_for(to).await;
    let message = MessageParser::default().parse(&raw).unwrap();
    let text = message.body_text(0).unwrap().into_owned();
    let link = text
        .split_whitespace()
        .find(|w| w.contains(path))
        .expect("the mail holds the link")
        .to_owned();
    (text, link)
}

#[tokio::test]
async fn a_mailed_link_sets_a_new_password_once_and_the_second_factor_still_applies() {
    let app = app_with_mailer().await;
    let (slug, email) = workspace(&app).await;
    let owner = client();
    app.log_in(&owner, &slug, &email, PASSWORD).await.ok();
    app.enrol_totp(&owner).await;
    let me = app.call(&owner, WhoAmI {}).await.ok();
    assert!(me.is_some());

    app.call(&client(), request(&slug, &email.to_uppercase()))
        .await
        .ok();
    let (text, link) = mailed_link(&email, "/reset/").await;
    assert!(
        text.contains(&format!("{slug} GmbH")),
        "names the workspace: {text}"
    );
    let (_, token) = crate::helpers::slug_and_token(&link);
    let token = token.as_str();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "only the hash is stored");

    app.call(&client(), reset(&slug, token)).await.ok();
    let old = app.log_in(&client(), &slug, &email, PASSWORD).await;
    assert_eq!(old.err(), AppError::InvalidCredentials);
    let step = app
        .log_in(&client(), &slug, &email, NEW_PASSWORD)
        .await
        .ok();
    assert_eq!(
        step,
        SignInStep::SecondFactor,
        "a reset does not skip the code"
    );

    let again = app.call(&client(), reset(&slug, token)).await;
    assert_eq!(again.err(), AppError::NotFound, "a link works once");
    // Whoever was signed in before the reset (with the old password) is signed out.
    assert_eq!(app.call(&owner, WhoAmI {}).await.ok(), None);
    assert_eq!(
        app.audit_rows("auth.password_reset_requested").await.len(),
        1
    );
    assert_eq!(app.audit_rows("auth.password_reset").await.len(), 1);
}

#[tokio::test]
async fn unknown_addresses_get_the_same_answer_and_no_mail() {
    let app = app_with_mailer().await;
    let (slug, _) = workspace(&app).await;
    let stranger = format!("nobody-{}@{slug}.example", Uuid::now_v7().simple());
    let unknown_user = app.call(&client(), request(&slug, &stranger)).await;
    let unknown_workspace = app
        .call(&client(), request("no-such-workspace", &stranger))
        .await;
    assert_eq!(unknown_user.status, StatusCode::OK);
    assert_eq!(unknown_workspace.status, StatusCode::OK);
    assert_eq!(unknown_user.result, unknown_workspace.result);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(Maildir::of_smtp_peer().messages_to(&stranger).is_empty());
    assert_eq!(app.count("SELECT count(*) FROM password_resets").await, 0);
}

#[tokio::test]
async fn an_expired_link_is_refused_and_requests_are_throttled() {
    let app = app_with_mailer().await;
    let (slug, email) = workspace(&app).await;
    app.call(&client(), request(&slug, &email)).await.ok();
    let (_, link) = mailed_link(&email, "/reset/").await;
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 minute'")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    let (_, token) = crate::helpers::slug_and_token(&link);
    let token = token.as_str();
    assert_eq!(
        app.call(&client(), reset(&slug, token)).await.err(),
        AppError::NotFound
    );
    app.log_in(&client(), &slug, &email, PASSWORD).await.ok();

    for _ in 0..4 {
        app.call(&client(), request(&slug, &email)).await.ok();
    }
    let flooding = app.call(&client(), request(&slug, &email)).await;
    assert_eq!(flooding.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn without_an_account_mailer_the_form_says_so() {
    let app = spawn_app().await;
    app.owner_of("acme").await;
    let err = app
        .call(&client(), request("acme", "owner@acme.example"))
        .await
        .err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("email")),
        Some(Problem::NotConfigured)
    );
    let weak = app.call(&client(), reset("acme", "whatever")).await;
    assert_eq!(weak.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_invitation_is_mailed_with_its_link() {
    let app = app_with_mailer().await;
    let (slug, email) = workspace(&app).await;
    let owner = client();
    app.log_in(&owner, &slug, &email, PASSWORD).await.ok();
    let invitee = format!("vera@{slug}.example");
    let input = InviteInput {
        email: invitee.clone(),
        role: "member".into(),
    };
    let invitation = app.call(&owner, InviteMember { input }).await.ok();
    let (text, link) = mailed_link(&invitee, "/invite/").await;
    assert_eq!(Some(link), invitation.link);
    assert!(
        text.contains("Erika Mustermann"),
        "names who invites: {text}"
    );
}

#[tokio::test]
async fn a_new_address_counts_once_its_mailed_link_is_opened() {
    use app::api::identity::{ConfirmEmailChange, RequestEmailChange};
    use app::model::identity::EmailChangeInput;
    let app = app_with_mailer().await;
    let (slug, email) = workspace(&app).await;
    let owner = client();
    app.log_in(&owner, &slug, &email, PASSWORD).await.ok();
    let taken = format!("taken@{slug}.example");
    app.join(&owner, &taken, "sales", "Tina").await;
    let change = |new_email: &str, password: &str| RequestEmailChange {
        input: EmailChangeInput {
            new_email: new_email.into(),
            password: password.into(),
        },
    };

    let fresh = format!("erika.neu@{slug}.example");
    let wrong = app.call(&owner, change(&fresh, "not my password")).await;
    assert_eq!(
        wrong.err(),
        AppError::Validation(app::model::validation::FieldErrors::single(
            "password",
            Problem::WrongPassword
        ))
    );
    // Another account's address: the same answer, and no mail to it.
    app.call(&owner, change(&taken, PASSWORD)).await.ok();
    app.call(&owner, change(&fresh, PASSWORD)).await.ok();
    let (text, link) = mailed_link(&fresh, "/account/email/").await;
    assert!(text.contains(&format!("{slug} GmbH")), "{text}");
    let notice = mailed_text(&email).await;
    assert!(
        notice.contains("new e-mail address") || notice.contains("neue E-Mail-Adresse"),
        "{notice}"
    );
    assert_eq!(
        Maildir::of_smtp_peer().messages_to(&taken).len(),
        1,
        "only the invitation"
    );

    // Until the link is opened the old address signs in.
    app.log_in(&client(), &slug, &email, PASSWORD).await.ok();
    let (_, token) = crate::helpers::slug_and_token(&link);
    let confirm = || ConfirmEmailChange {
        slug: slug.clone(),
        token: token.clone(),
    };
    app.call(&client(), confirm()).await.ok();
    assert_eq!(
        app.call(&client(), confirm()).await.err(),
        AppError::NotFound,
        "once"
    );
    let me = app.call(&owner, WhoAmI {}).await.ok().unwrap();
    assert_eq!(me.email, fresh);
    app.log_in(&client(), &slug, &fresh, PASSWORD).await.ok();
    let old = app.log_in(&client(), &slug, &email, PASSWORD).await;
    assert_eq!(old.err(), AppError::InvalidCredentials);
    assert_eq!(app.audit_rows("auth.email_change_requested").await.len(), 2);
    assert_eq!(app.audit_rows("auth.email_changed").await.len(), 1);
}

/// The text of the newest mail to `to`.
async fn mailed_text(to: &str) -> String {
    let raw = Maildir::of_smtp_peer().wait_for(to).await;
    let message = MessageParser::default().parse(&raw).unwrap();
    message.body_text(0).unwrap().into_owned()
}
