//! Rows a DBA cannot forge: a password hash swapped in or a role raised in the
//! database signs nobody in and grants nothing, because the server checks each user
//! row's guard (an HMAC it alone can make) at sign-in and on every request.

use crate::helpers::{client, spawn_app, PASSWORD};
use app::api::identity::WhoAmI;
use app::backend::auth::password;
use app::model::identity::Role;
use app::AppError;

#[tokio::test]
async fn a_password_hash_swapped_in_the_database_signs_nobody_in() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    assert!(app.call(&owner, WhoAmI {}).await.ok().is_some());
    // The DBA replaces the owner's hash with one of a password they know.
    let known = "the DBA's own password";
    sqlx::query("UPDATE users SET password_hash = $1")
        .bind(password::hash(known).unwrap())
        .execute(&app.db.superuser)
        .await
        .unwrap();
    let intruder = client();
    let attempt = app
        .log_in(&intruder, "acme", "owner@acme.example", known)
        .await;
    assert_eq!(attempt.err(), AppError::InvalidCredentials);
    assert_eq!(app.call(&intruder, WhoAmI {}).await.ok(), None);
    // The owner's running session ends too: its row no longer holds.
    assert_eq!(app.call(&owner, WhoAmI {}).await.ok(), None);
}

#[tokio::test]
async fn a_role_raised_in_the_database_grants_nothing() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let sales = app
        .invite_and_accept(&owner, "sales@acme.example", "sales")
        .await;
    let me = app.call(&sales, WhoAmI {}).await.ok().unwrap();
    assert_eq!(me.role, Role::Sales);
    sqlx::query("UPDATE users SET role = 'owner' WHERE user_id = $1")
        .bind(me.user_id)
        .execute(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(app.call(&sales, WhoAmI {}).await.ok(), None, "signed out");
    let again = app
        .log_in(&client(), "acme", "sales@acme.example", PASSWORD)
        .await;
    assert_eq!(again.err(), AppError::InvalidCredentials);
    // A guard copied from another row does not fit either.
    sqlx::query(
        "UPDATE users SET guard = (SELECT guard FROM users WHERE user_id <> $1 LIMIT 1),
                          password_hash = (SELECT password_hash FROM users WHERE user_id <> $1 LIMIT 1)
         WHERE user_id = $1",
    )
    .bind(me.user_id)
    .execute(&app.db.superuser)
    .await
    .unwrap();
    let copied = app
        .log_in(&client(), "acme", "sales@acme.example", PASSWORD)
        .await;
    assert_eq!(copied.err(), AppError::InvalidCredentials);
    // The owner, whose row is untouched, goes on working.
    assert_eq!(
        app.call(&owner, WhoAmI {}).await.ok().unwrap().role,
        Role::Owner
    );
}

#[tokio::test]
async fn rows_changed_by_the_server_stay_guarded() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let colleague = app
        .invite_and_accept(&owner, "kollege@acme.example", "member")
        .await;
    let id = app.call(&colleague, WhoAmI {}).await.ok().unwrap().user_id;
    let change = app::api::team::ChangeRole {
        user_id: id,
        role: "service".into(),
    };
    app.call(&owner, change).await.ok();
    let me = app.call(&colleague, WhoAmI {}).await.ok().unwrap();
    assert_eq!(
        me.role,
        Role::Service,
        "a role change by the server is bound again"
    );
    let unguarded: i64 = app
        .count("SELECT count(*) FROM users WHERE guard IS NULL")
        .await;
    assert_eq!(unguarded, 0);
}
