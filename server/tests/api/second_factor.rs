//! Second factors: the workspace's rule, setting up an authenticator app, the code at
//! sign-in (once each), recovery codes, throttling and the administrator's reset.

use crate::helpers::{client, spawn_app, totp_code, TestApp, PASSWORD};
use app::api::contacts::ListContacts;
use app::api::identity::{LogOut, WhoAmI};
use app::api::second_factor::{
    ConfirmTotp, LoadSecondFactor, RemoveTotp, RenewRecoveryCodes, ResetSecondFactor,
    SetSecondFactorPolicy, StartTotp, VerifySecondFactor,
};
use app::api::team::LoadTeam;
use app::model::contacts::ContactListQuery;
use app::model::second_factor::{CodeInput, SignInStep, RECOVERY_CODES};
use app::model::validation::Problem;
use app::AppError;
use reqwest::{Client, StatusCode};

fn code(code: &str) -> CodeInput {
    CodeInput { code: code.into() }
}

async fn list(app: &TestApp, c: &Client) -> Result<(), AppError> {
    let query = ContactListQuery::default();
    app.call(c, ListContacts { query }).await.result.map(|_| ())
}

fn wrong_code(err: AppError) -> bool {
    err.field_errors().and_then(|f| f.get("code")) == Some(Problem::WrongCode)
}

/// The owner of `acme` with an authenticator set up; returns its secret.
async fn owner_with_totp(app: &TestApp) -> (Client, String, Vec<String>) {
    let owner = app.owner_of("acme").await;
    let (secret, codes) = app.enrol_totp(&owner).await;
    (owner, secret, codes.0)
}

/// Signs in with the password; must be asked for the second factor.
async fn password_step(app: &TestApp) -> Client {
    let c = client();
    let step = app
        .log_in(&c, "acme", "owner@acme.example", PASSWORD)
        .await
        .ok();
    assert_eq!(step, SignInStep::SecondFactor);
    c
}

#[tokio::test]
async fn a_dpo_sets_up_a_second_factor_before_anything_else() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let dora = app
        .invite_and_accept(&owner, "dora@acme.example", "dpo")
        .await;

    let refused = app
        .call(
            &dora,
            ListContacts {
                query: Default::default(),
            },
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.err(), AppError::SecondFactorRequired);
    let me = app.call(&dora, WhoAmI {}).await.ok().unwrap();
    assert!(me.must_enrol);

    let enrolment = app.call(&dora, StartTotp {}).await.ok();
    assert!(enrolment.uri.contains(&enrolment.secret));
    let stored: Vec<u8> = sqlx::query_scalar("SELECT secret_ct FROM totp_factors")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    let plain = enrolment.secret.as_bytes();
    assert!(
        !stored.windows(plain.len()).any(|w| w == plain),
        "the secret is sealed"
    );
    let not_yet = app
        .call(
            &dora,
            ConfirmTotp {
                input: code("000000"),
            },
        )
        .await;
    assert!(wrong_code(not_yet.err()));
    assert!(
        list(&app, &dora).await.is_err(),
        "a wrong code enrols nothing"
    );

    let right = totp_code(&enrolment.secret, 0);
    let codes = app
        .call(
            &dora,
            ConfirmTotp {
                input: code(&right),
            },
        )
        .await
        .ok();
    assert_eq!(codes.0.len(), RECOVERY_CODES);
    list(&app, &dora)
        .await
        .expect("the session has shown its factor");
    assert!(!app.call(&dora, WhoAmI {}).await.ok().unwrap().must_enrol);
    let status = app.call(&dora, LoadSecondFactor {}).await.ok();
    assert!(status.totp && status.required);
    assert_eq!(status.recovery_codes_left, RECOVERY_CODES as i64);
    assert_eq!(app.audit_rows("auth.totp_enrolled").await.len(), 1);
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(&app.db.superuser)
        .await
        .unwrap();
    assert!(codes
        .0
        .iter()
        .all(|c| !hashes.contains(&c.as_bytes().to_vec())));
}

#[tokio::test]
async fn sign_in_asks_for_the_code_and_takes_each_code_once() {
    let app = spawn_app().await;
    let (_, secret, _) = owner_with_totp(&app).await;

    let c = password_step(&app).await;
    assert_eq!(list(&app, &c).await.unwrap_err(), AppError::Unauthenticated);
    assert_eq!(
        app.call(&c, WhoAmI {}).await.ok(),
        None,
        "not signed in yet"
    );
    let wrong = app
        .call(
            &c,
            VerifySecondFactor {
                input: code("123456"),
            },
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_code(wrong.err()));

    // Enrolment used this step's code; the next step's is still valid.
    let next = totp_code(&secret, 1);
    app.call(&c, VerifySecondFactor { input: code(&next) })
        .await
        .ok();
    list(&app, &c).await.expect("signed in");
    assert_eq!(app.audit_rows("auth.second_factor_passed").await.len(), 1);
    assert_eq!(app.audit_rows("auth.second_factor_failed").await.len(), 1);

    app.call(&c, LogOut {}).await.ok();
    let replay = password_step(&app).await;
    let again = app
        .call(&replay, VerifySecondFactor { input: code(&next) })
        .await;
    assert!(wrong_code(again.err()), "a used code is a replay");
    assert!(list(&app, &replay).await.is_err());
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let app = spawn_app().await;
    let (owner, _, codes) = owner_with_totp(&app).await;

    let c = password_step(&app).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    app.call(
        &c,
        VerifySecondFactor {
            input: code(&typed),
        },
    )
    .await
    .ok();
    list(&app, &c)
        .await
        .expect("signed in with a recovery code");
    let status = app.call(&owner, LoadSecondFactor {}).await.ok();
    assert_eq!(status.recovery_codes_left, RECOVERY_CODES as i64 - 1);
    assert_eq!(app.audit_rows("auth.recovery_code_used").await.len(), 1);

    let again = password_step(&app).await;
    let reused = app
        .call(
            &again,
            VerifySecondFactor {
                input: code(&codes[3]),
            },
        )
        .await;
    assert!(wrong_code(reused.err()));
}

#[tokio::test]
async fn wrong_codes_end_the_pending_sign_in_and_throttle_the_account() {
    let app = spawn_app().await;
    let (_, secret, _) = owner_with_totp(&app).await;
    let c = password_step(&app).await;
    for _ in 0..5 {
        let wrong = app
            .call(
                &c,
                VerifySecondFactor {
                    input: code("000000"),
                },
            )
            .await;
        assert!(wrong_code(wrong.err()));
    }
    let right = totp_code(&secret, 1);
    let late = app
        .call(
            &c,
            VerifySecondFactor {
                input: code(&right),
            },
        )
        .await;
    assert_eq!(
        late.status,
        StatusCode::UNAUTHORIZED,
        "the password must come again"
    );
    assert!(list(&app, &c).await.is_err());

    // And the account's codes are throttled for a while, whatever the session.
    let fresh = password_step(&app).await;
    let throttled = app
        .call(
            &fresh,
            VerifySecondFactor {
                input: code(&right),
            },
        )
        .await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(list(&app, &fresh).await.is_err());
}

#[tokio::test]
async fn the_workspace_rule_decides_who_must_use_a_second_factor() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let member = app.join(&owner, "max@acme.example", "member", "Max").await;
    list(&app, &member)
        .await
        .expect("members need none by default");

    let by_member = app
        .call(&member, SetSecondFactorPolicy { roles: vec![] })
        .await;
    assert_eq!(by_member.err(), AppError::Forbidden);
    let bogus = app
        .call(
            &owner,
            SetSecondFactorPolicy {
                roles: vec!["root".into()],
            },
        )
        .await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);

    let roles = vec!["member".into(), "dpo".into()];
    app.call(&owner, SetSecondFactorPolicy { roles }).await.ok();
    assert_eq!(
        list(&app, &member).await.unwrap_err(),
        AppError::SecondFactorRequired,
        "takes effect on the next request"
    );
    list(&app, &owner)
        .await
        .expect("owners are not in the rule");
    assert_eq!(
        app.audit_rows("auth.second_factor_policy_changed")
            .await
            .len(),
        1
    );

    app.call(&owner, SetSecondFactorPolicy { roles: vec![] })
        .await
        .ok();
    let dora = app
        .invite_and_accept(&owner, "dora@acme.example", "dpo")
        .await;
    list(&app, &dora)
        .await
        .expect("the rule no longer names DPOs");
}

#[tokio::test]
async fn an_administrator_resets_a_lost_factor_of_roles_they_may_grant() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    app.enrol_totp(&owner).await;
    let dora = app.join(&owner, "dora@acme.example", "dpo", "Dora").await;
    let admin = app.join(&owner, "ada@acme.example", "admin", "Ada").await;
    let member = app.join(&owner, "max@acme.example", "member", "Max").await;
    let dora_id = app.me(&dora).await.user_id;
    let owner_id = app.me(&owner).await.user_id;

    let team = app.call(&admin, LoadTeam {}).await.ok();
    assert!(team.with_second_factor.contains(&dora_id));
    assert!(team.with_second_factor.contains(&owner_id));
    assert_eq!(
        team.second_factor.roles.len(),
        2,
        "DPO and works council by default"
    );

    let by_member = app
        .call(&member, ResetSecondFactor { user_id: dora_id })
        .await;
    assert_eq!(by_member.err(), AppError::Forbidden);
    let owners = app
        .call(&admin, ResetSecondFactor { user_id: owner_id })
        .await;
    assert_eq!(
        owners.err(),
        AppError::Forbidden,
        "admins cannot reset owners"
    );

    app.call(&admin, ResetSecondFactor { user_id: dora_id })
        .await
        .ok();
    let rows = app.audit_rows("auth.second_factor_reset").await;
    assert_eq!(rows[0].1, vec![dora_id]);
    let step = app
        .log_in(&client(), "acme", "dora@acme.example", PASSWORD)
        .await
        .ok();
    assert_eq!(step, SignInStep::Enrol, "she sets up a new one");
}

#[tokio::test]
async fn changing_or_removing_the_app_needs_a_current_code() {
    let app = spawn_app().await;
    let (owner, secret, old_codes) = owner_with_totp(&app).await;

    let renewed = app
        .call(
            &owner,
            RenewRecoveryCodes {
                input: code(&old_codes[0]),
            },
        )
        .await;
    assert!(wrong_code(renewed.err()), "renewing takes an app code");
    let fresh = app
        .call(
            &owner,
            RenewRecoveryCodes {
                input: code(&totp_code(&secret, 1)),
            },
        )
        .await
        .ok();
    assert!(fresh.0.iter().all(|c| !old_codes.contains(c)));

    let wrong = app
        .call(
            &owner,
            RemoveTotp {
                input: code("999999"),
            },
        )
        .await;
    assert!(wrong_code(wrong.err()));
    app.call(
        &owner,
        RemoveTotp {
            input: code(&fresh.0[0]),
        },
    )
    .await
    .ok();
    assert_eq!(app.count("SELECT count(*) FROM totp_factors").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM recovery_codes").await, 0);
    let step = app
        .log_in(&client(), "acme", "owner@acme.example", PASSWORD)
        .await
        .ok();
    assert_eq!(step, SignInStep::Done);
}
