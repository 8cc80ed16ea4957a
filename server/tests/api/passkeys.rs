//! Passkeys at the server's edge: the options each ceremony sends, and answers that
//! must be refused (forged, replayed, without a ceremony, of another account).
//! Whole ceremonies with a real authenticator run in Chromium
//! (`end2end/tests/passkeys.test.mjs`).

use crate::helpers::{client, spawn_app};
use app::api::passkeys::{
    FinishPasskeyRegistration, FinishPasskeySignIn, LoadPasskeys, StartPasskeyRegistration,
    StartPasskeySignIn,
};
use app::model::passkeys::PasskeyNameInput;
use app::model::validation::Problem;
use app::AppError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn refused(err: AppError) -> bool {
    err.field_errors().and_then(|f| f.get("passkey")) == Some(Problem::PasskeyRefused)
}

/// An assertion as a browser would send it, claiming `user_handle`, signed by nobody.
fn forged_assertion(user_handle: &[u8]) -> String {
    let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
    json!({
        "id": b64(b"credential"),
        "rawId": b64(b"credential"),
        "type": "public-key",
        "response": {
            "authenticatorData": b64(&[0u8; 37]),
            "clientDataJSON": b64(br#"{"type":"webauthn.get","challenge":"AAAA","origin":"http://localhost"}"#),
            "signature": b64(&[1u8; 64]),
            "userHandle": b64(user_handle),
        },
        "clientExtensionResults": {},
    })
    .to_string()
}

#[tokio::test]
async fn a_new_passkey_is_discoverable_checks_its_user_and_names_no_email() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let me = app.me(&owner).await;

    let unnamed = app
        .call(
            &owner,
            StartPasskeyRegistration {
                input: PasskeyNameInput { name: "  ".into() },
            },
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unnamed.err().field_errors().and_then(|f| f.get("name")),
        Some(Problem::Required)
    );

    let options = app
        .call(
            &owner,
            StartPasskeyRegistration {
                input: PasskeyNameInput {
                    name: "Laptop".into(),
                },
            },
        )
        .await
        .ok();
    let options: Value = serde_json::from_str(&options).unwrap();
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(
        options["user"]["id"],
        URL_SAFE_NO_PAD.encode(me.user_id.as_bytes()),
        "the user handle is the account id"
    );
    let selection = &options["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required");
    assert_eq!(selection["userVerification"], "required");
    assert!(options["challenge"].as_str().is_some_and(|c| c.len() >= 43));

    // A made-up answer stores nothing; the ceremony is used up either way.
    let forged = app
        .call(
            &owner,
            FinishPasskeyRegistration {
                credential: json!({"id": "x", "rawId": "eA", "type": "public-key",
                    "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"}})
                .to_string(),
            },
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused(forged.err()));
    assert!(app.call(&owner, LoadPasskeys {}).await.ok().is_empty());
    assert_eq!(app.count("SELECT count(*) FROM passkeys").await, 0);
    assert_eq!(app.audit_rows("auth.passkey_added").await.len(), 0);

    let anonymous = app
        .call(
            &client(),
            StartPasskeyRegistration {
                input: PasskeyNameInput {
                    name: "Laptop".into(),
                },
            },
        )
        .await;
    assert_eq!(anonymous.err(), AppError::Unauthenticated);
}

#[tokio::test]
async fn forged_replayed_and_unasked_passkey_answers_sign_nobody_in() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let user_id = app.me(&owner).await.user_id;
    let visitor = client();

    // No ceremony started on this session.
    let unasked = app
        .call(
            &visitor,
            FinishPasskeySignIn {
                credential: forged_assertion(user_id.as_bytes()),
            },
        )
        .await;
    assert!(refused(unasked.err()));

    let options = app
        .call(
            &visitor,
            StartPasskeySignIn {
                slug: "acme".into(),
            },
        )
        .await
        .ok();
    let options: Value = serde_json::from_str(&options).unwrap();
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(options["userVerification"], "required");
    assert!(options["allowCredentials"]
        .as_array()
        .is_none_or(|a| a.is_empty()));

    let forged = app
        .call(
            &visitor,
            FinishPasskeySignIn {
                credential: forged_assertion(user_id.as_bytes()),
            },
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused(forged.err()));
    let failures = app.audit_rows("auth.passkey_failed").await;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].0, Some(user_id), "the claimed account is named");

    // The ceremony counted once: the same answer again finds none.
    let replayed = app
        .call(
            &visitor,
            FinishPasskeySignIn {
                credential: forged_assertion(user_id.as_bytes()),
            },
        )
        .await;
    assert!(refused(replayed.err()));
    let me = app.call(&visitor, app::api::identity::WhoAmI {}).await.ok();
    assert!(me.is_none(), "nobody is signed in");

    // Oversized answers are refused before they are parsed.
    app.call(
        &visitor,
        StartPasskeySignIn {
            slug: "acme".into(),
        },
    )
    .await
    .ok();
    let huge = app
        .call(
            &visitor,
            FinishPasskeySignIn {
                credential: "x".repeat(64 * 1024),
            },
        )
        .await;
    assert!(refused(huge.err()));
}
