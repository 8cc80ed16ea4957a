//! Single sign-on against a real OpenID provider (oidc-provider, started by
//! `./dev test`): the whole authorization code flow as a browser does it, and every
//! way it must refuse — a wrong state, a replayed code, a tampered ID token, a
//! domain that is not allowed, an account that was not provisioned.

use crate::helpers::peers::oidc;
use crate::helpers::{client, TestApp, PASSWORD};
use app::api::identity::WhoAmI;
use app::api::sso::{LoadSsoSettings, RemoveSsoSettings, SaveSsoSettings};
use app::model::identity::Role;
use app::model::sso::{Provisioning, SsoSettingsInput};
use app::model::validation::Problem;
use app::AppError;
use reqwest::{Client, StatusCode};

/// The settings of one of the peer's clients.
fn settings(
    client_id: &str,
    domains: &str,
    provisioning: Provisioning,
    role: &str,
) -> SsoSettingsInput {
    SsoSettingsInput {
        issuer: oidc(),
        client_id: client_id.into(),
        client_secret: format!("{client_id}-secret"),
        label: "Test IdP".into(),
        allowed_domains: domains.into(),
        provisioning,
        default_role: role.into(),
        ..Default::default()
    }
}

async fn configure(app: &TestApp, owner: &Client, input: SsoSettingsInput) {
    app.call(owner, SaveSsoSettings { input }).await.ok();
}

fn location(response: &reqwest::Response) -> String {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn absolute(base: &str, location: String) -> String {
    if location.starts_with('/') {
        format!("{base}{location}")
    } else {
        location
    }
}

/// Starts a sign-in at the app and signs in at the provider as `email`; returns the
/// app's callback URL the provider sends the browser to.
async fn through_provider(
    app: &TestApp,
    browser: &Client,
    slug: &str,
    email: &str,
    mfa: bool,
) -> String {
    through_provider_in_groups(app, browser, slug, email, mfa, "").await
}

/// Like [`through_provider`], as a member of the comma-separated `groups`.
async fn through_provider_in_groups(
    app: &TestApp,
    browser: &Client,
    slug: &str,
    email: &str,
    mfa: bool,
    groups: &str,
) -> String {
    let start = browser
        .get(format!("{}/sso/{slug}/start", app.address))
        .send()
        .await
        .unwrap();
    let authorize = location(&start);
    assert!(authorize.starts_with(&oidc()), "{authorize}");
    assert!(authorize.contains("code_challenge_method=S256") && authorize.contains("nonce="));
    let to_login = browser.get(&authorize).send().await.unwrap();
    let interaction = absolute(&oidc(), location(&to_login));
    assert_eq!(
        browser.get(&interaction).send().await.unwrap().status(),
        StatusCode::OK
    );
    let mut form = vec![("login", email.to_owned()), ("groups", groups.to_owned())];
    if mfa {
        form.push(("mfa", "1".into()));
    }
    let logged_in = browser
        .post(format!("{interaction}/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let resume = absolute(&oidc(), location(&logged_in));
    let back = browser.get(&resume).send().await.unwrap();
    // The test server's public URL has no port; the browser would be on the real one.
    location(&back).replace(
        "http://127.0.0.1/sso/callback",
        &format!("{}/sso/callback", app.address),
    )
}

/// Where the app sends the browser after the provider's answer: the page it goes on
/// to from a page of its own (not a redirect, which would carry "cross-site" along).
async fn finish(browser: &Client, callback: &str) -> String {
    let response = browser.get(callback).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.text().await.unwrap();
    let start = body.find("url=").expect("a refresh to the next page") + 4;
    let end = start + body[start..].find('"').unwrap();
    body[start..end].replace("&amp;", "&")
}

async fn sign_in(app: &TestApp, slug: &str, email: &str) -> (Client, String) {
    let browser = client();
    let callback = through_provider(app, &browser, slug, email, false).await;
    let next = finish(&browser, &callback).await;
    (browser, next)
}

async fn signed_in_as(app: &TestApp, browser: &Client) -> Option<(String, Role)> {
    let me = app.call(browser, WhoAmI {}).await;
    me.ok().map(|u| (u.email, u.role))
}

#[tokio::test]
async fn people_sign_in_with_the_provider_and_are_linked_by_subject() {
    let app = crate::helpers::spawn_app().await;
    let owner = app.owner_of("acme").await;
    configure(
        &app,
        &owner,
        settings(
            "tessera-a",
            "acme.example",
            Provisioning::JustInTime,
            "sales",
        ),
    )
    .await;

    let (vera, next) = sign_in(&app, "acme", "vera@acme.example").await;
    assert_eq!(next, "/contacts");
    assert_eq!(
        signed_in_as(&app, &vera).await,
        Some(("vera@acme.example".into(), Role::Sales))
    );
    let (again, _) = sign_in(&app, "acme", "vera@acme.example").await;
    assert_eq!(
        signed_in_as(&app, &again).await.unwrap().0,
        "vera@acme.example"
    );
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM sso_identities WHERE subject LIKE 'sub-%'")
            .await,
        1
    );
    assert_eq!(app.audit_rows("auth.sso_sign_in").await.len(), 2);
    // The provider's subject is the link: the address is not stored in it.
    assert_eq!(
        app.count("SELECT count(*) FROM sso_identities WHERE subject LIKE '%@%'")
            .await,
        0
    );

    // The settings never send the secret back.
    let shown = app.call(&owner, LoadSsoSettings {}).await.ok();
    assert!(shown.configured && shown.has_secret && shown.input.client_secret.is_empty());
    assert!(shown.redirect_uri.ends_with("/sso/callback"));
}

#[tokio::test]
async fn a_wrong_state_a_replayed_answer_and_a_replayed_code_are_refused() {
    let app = crate::helpers::spawn_app().await;
    let owner = app.owner_of("acme").await;
    configure(
        &app,
        &owner,
        settings("tessera-a", "", Provisioning::JustInTime, "sales"),
    )
    .await;

    let browser = client();
    let callback = through_provider(&app, &browser, "acme", "mia@acme.example", false).await;
    let forged = regex_replace_state(&callback, "forged-state");
    assert_eq!(finish(&browser, &forged).await, "/login/acme?sso=rejected");
    assert!(signed_in_as(&app, &browser).await.is_none());

    // The real answer: signed in once; the same answer again finds nothing to complete.
    let browser = client();
    let callback = through_provider(&app, &browser, "acme", "mia@acme.example", false).await;
    assert_eq!(finish(&browser, &callback).await, "/contacts");
    assert_eq!(finish(&browser, &callback).await, "/login?sso=expired");

    // The used code under a fresh sign-in's state: the provider refuses it.
    let thief = client();
    let fresh = through_provider(&app, &thief, "acme", "eve@acme.example", false).await;
    let fresh_state = query_value(&fresh, "state");
    let replay = regex_replace_state(&callback, &fresh_state);
    assert_eq!(finish(&thief, &replay).await, "/login/acme?sso=rejected");
    assert!(signed_in_as(&app, &thief).await.is_none());
    assert_eq!(app.audit_rows("auth.sso_failed").await.len(), 2);
}

fn query_value(url: &str, name: &str) -> String {
    let parsed = reqwest::Url::parse(url).unwrap();
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

fn regex_replace_state(url: &str, state: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                state.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

#[tokio::test]
async fn a_tampered_id_token_is_refused() {
    let app = crate::helpers::spawn_app().await;
    let owner = app.owner_of("acme").await;
    configure(
        &app,
        &owner,
        settings("tessera-tamper", "", Provisioning::JustInTime, "sales"),
    )
    .await;
    let (browser, next) = sign_in(&app, "acme", "tom@acme.example").await;
    assert_eq!(next, "/login/acme?sso=rejected");
    assert!(signed_in_as(&app, &browser).await.is_none());
    assert_eq!(app.count("SELECT count(*) FROM users").await, 1);
}

#[tokio::test]
async fn domains_and_provisioning_decide_who_gets_in() {
    let app = crate::helpers::spawn_app().await;
    let owner = app.owner_of("acme").await;
    configure(
        &app,
        &owner,
        settings(
            "tessera-a",
            "acme.example",
            Provisioning::Invitation,
            "sales",
        ),
    )
    .await;

    let (outsider, next) = sign_in(&app, "acme", "eve@evil.example").await;
    assert_eq!(next, "/login/acme?sso=domain_not_allowed");
    assert!(signed_in_as(&app, &outsider).await.is_none());
    let (stranger, next) = sign_in(&app, "acme", "sam@acme.example").await;
    assert_eq!(next, "/login/acme?sso=not_provisioned");
    assert!(signed_in_as(&app, &stranger).await.is_none());
    assert_eq!(app.count("SELECT count(*) FROM users").await, 1);

    // An invited colleague's account is linked on the first sign-in.
    app.join(&owner, "sam@acme.example", "service", "Sam").await;
    let (sam, next) = sign_in(&app, "acme", "sam@acme.example").await;
    assert_eq!(next, "/contacts");
    assert_eq!(
        signed_in_as(&app, &sam).await,
        Some(("sam@acme.example".into(), Role::Service))
    );
    let failures = app.audit_rows("auth.sso_failed").await;
    assert_eq!(failures.len(), 2);
}

#[tokio::test]
async fn two_workspaces_use_two_provider_configurations() {
    let app = crate::helpers::spawn_app().await;
    let north = app.owner_of("north").await;
    let south = app.owner_of("south").await;
    configure(
        &app,
        &north,
        settings(
            "tessera-a",
            "north.example",
            Provisioning::JustInTime,
            "sales",
        ),
    )
    .await;
    configure(
        &app,
        &south,
        settings(
            "tessera-b",
            "south.example",
            Provisioning::JustInTime,
            "service",
        ),
    )
    .await;

    let (nina, _) = sign_in(&app, "north", "nina@north.example").await;
    assert_eq!(
        signed_in_as(&app, &nina).await,
        Some(("nina@north.example".into(), Role::Sales))
    );
    let (sven, _) = sign_in(&app, "south", "sven@south.example").await;
    assert_eq!(
        signed_in_as(&app, &sven).await,
        Some(("sven@south.example".into(), Role::Service))
    );
    let (crossing, next) = sign_in(&app, "south", "nina@north.example").await;
    assert_eq!(next, "/login/south?sso=domain_not_allowed");
    assert!(signed_in_as(&app, &crossing).await.is_none());
}

#[tokio::test]
async fn the_second_factor_rule_holds_unless_the_provider_s_own_is_trusted() {
    let app = crate::helpers::spawn_app().await;
    let owner = app.owner_of("acme").await;
    configure(
        &app,
        &owner,
        settings("tessera-a", "", Provisioning::JustInTime, "dpo"),
    )
    .await;
    // The DPO role requires a second factor by default: the provider's password is not one.
    let (dora, next) = sign_in(&app, "acme", "dora@acme.example").await;
    assert_eq!(next, "/account/security");
    assert!(app.call(&dora, WhoAmI {}).await.ok().unwrap().must_enrol);

    let trusting = SsoSettingsInput {
        trust_provider_mfa: true,
        client_secret: String::new(),
        ..settings("tessera-a", "", Provisioning::JustInTime, "dpo")
    };
    configure(&app, &owner, trusting).await;
    let browser = client();
    let callback = through_provider(&app, &browser, "acme", "dora@acme.example", true).await;
    assert_eq!(finish(&browser, &callback).await, "/contacts");
    assert!(!app.call(&browser, WhoAmI {}).await.ok().unwrap().must_enrol);
    // Without the provider's second factor the rule still applies.
    let (without, next) = sign_in(&app, "acme", "dora@acme.example").await;
    assert_eq!(next, "/account/security");
    drop(without);
}

#[tokio::test]
async fn settings_are_checked_guarded_and_can_switch_off_passwords() {
    let app = crate::helpers::spawn_app().await;
    let owner = app.owner_of("acme").await;
    let sales = app.join(&owner, "sam@acme.example", "sales", "Sam").await;
    let by_sales = SaveSsoSettings {
        input: settings("tessera-a", "", Provisioning::Invitation, "sales"),
    };
    assert_eq!(app.call(&sales, by_sales).await.err(), AppError::Forbidden);
    let unreachable = SsoSettingsInput {
        issuer: format!("http://127.0.0.1:{}", crate::helpers::peers::closed_port()),
        ..settings("tessera-a", "", Provisioning::Invitation, "sales")
    };
    let refused = app
        .call(&owner, SaveSsoSettings { input: unreachable })
        .await;
    assert_eq!(
        refused.err(),
        AppError::Validation(app::model::validation::FieldErrors::single(
            "issuer",
            Problem::Unreachable
        ))
    );
    let no_secret = SsoSettingsInput {
        client_secret: String::new(),
        ..settings("tessera-a", "", Provisioning::Invitation, "sales")
    };
    assert_eq!(
        app.call(&owner, SaveSsoSettings { input: no_secret })
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.count("SELECT count(*) FROM sso_providers").await, 0);
    assert!(!app.call(&owner, LoadSsoSettings {}).await.ok().configured);

    let only_sso = SsoSettingsInput {
        password_login: false,
        ..settings("tessera-a", "", Provisioning::Invitation, "sales")
    };
    configure(&app, &owner, only_sso).await;
    let password = app
        .log_in(&client(), "acme", "sam@acme.example", PASSWORD)
        .await;
    assert_eq!(
        password.err(),
        AppError::Validation(app::model::validation::FieldErrors::single(
            "password",
            Problem::PasswordSignInOff
        ))
    );
    // The owner keeps a password to repair a broken configuration.
    app.log_in(&client(), "acme", "owner@acme.example", PASSWORD)
        .await
        .ok();
    assert_eq!(app.audit_rows("auth.sso_configured").await.len(), 1);
    app.call(&owner, RemoveSsoSettings {}).await.ok();
    app.log_in(&client(), "acme", "sam@acme.example", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn provider_groups_decide_roles_and_teams_at_every_sign_in() {
    use app::api::team::{CreateTeam, LoadTeam};
    use app::model::teams::TeamInput;
    let app = crate::helpers::spawn_app().await;
    let owner = app.owner_of("acme").await;
    let mapped = SsoSettingsInput {
        group_mappings: "crm-admins = admin\nnord = team:Vertrieb Nord".into(),
        ..settings("tessera-a", "", Provisioning::JustInTime, "sales")
    };
    // A team that does not exist yet cannot be mapped.
    let early = app
        .call(
            &owner,
            SaveSsoSettings {
                input: mapped.clone(),
            },
        )
        .await;
    assert_eq!(
        early.err(),
        AppError::Validation(app::model::validation::FieldErrors::single(
            "group_mappings",
            Problem::UnknownReference
        ))
    );
    let input = TeamInput {
        name: "Vertrieb Nord".into(),
    };
    let nord = app.call(&owner, CreateTeam { input }).await.ok().id;
    configure(&app, &owner, mapped).await;

    let browser = client();
    let callback = through_provider_in_groups(
        &app,
        &browser,
        "acme",
        "ada@acme.example",
        false,
        "crm-admins, nord",
    )
    .await;
    assert_eq!(finish(&browser, &callback).await, "/contacts");
    let ada = app.me(&browser).await;
    assert_eq!(ada.role, Role::Admin);
    let members = |team: &app::model::identity::TeamSummary| {
        team.teams
            .teams
            .iter()
            .find(|t| t.id == nord)
            .unwrap()
            .members
            .clone()
    };
    assert_eq!(
        members(&app.call(&owner, LoadTeam {}).await.ok()),
        [ada.user_id]
    );

    // Out of both groups at the provider: the default role, out of the team.
    let (again, _) = sign_in(&app, "acme", "ada@acme.example").await;
    assert_eq!(app.me(&again).await.role, Role::Sales);
    assert!(members(&app.call(&owner, LoadTeam {}).await.ok()).is_empty());
    assert_eq!(app.audit_rows("team.role_changed").await.len(), 2);
}
