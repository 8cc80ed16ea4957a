//! The registry of data-subject kinds: every kind that stores people exports and
//! erases them through its own area's service, with that service's permissions and
//! audit entries.

use crate::helpers::{spawn_app, TestApp};
use app::backend::{subjects, Scope};
use app::model::audit::DataSubject;
use app::AppError;
use reqwest::Client;
use uuid::Uuid;

/// A service scope acting as the user signed in on `client`.
async fn scope_of(app: &TestApp, client: &Client) -> Scope {
    let me = app.me(client).await;
    let tenant_id: Uuid = sqlx::query_scalar("SELECT tenant_id FROM users WHERE user_id = $1")
        .bind(me.user_id)
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    Scope::begin(app.backend(), tenant_id, me.user_id)
        .await
        .unwrap()
}

#[tokio::test]
async fn export_finds_a_person_by_kind_through_the_areas_own_service() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let kai = app
        .create_contact(&owner, "Kai", "Kunde", "kai@example.de")
        .await
        .ok();
    let owner_id = app.me(&owner).await.user_id;

    let mut scope = scope_of(&app, &dpo).await;
    let contact = subjects::export(&mut scope, kai.id).await.unwrap();
    assert_eq!(contact.len(), 1);
    assert_eq!(contact[0].0, DataSubject::Contact);
    assert_eq!(
        contact[0].1["input"]["emails"][0]["address"],
        "kai@example.de"
    );
    let employee = subjects::export(&mut scope, owner_id).await.unwrap();
    assert_eq!(employee[0].0, DataSubject::Employee);
    assert_eq!(employee[0].1["email"], "owner@acme.example");
    assert_eq!(
        subjects::export(&mut scope, Uuid::now_v7()).await.err(),
        Some(AppError::NotFound)
    );
    scope.commit().await.unwrap();
    let reads = app.audit_rows("contact.read").await;
    assert_eq!(
        reads.last().unwrap().1,
        vec![kai.id],
        "the export is audited"
    );
    assert!(app
        .audit_rows("team.read")
        .await
        .iter()
        .any(|(_, subjects)| subjects == &vec![owner_id]));
}

#[tokio::test]
async fn erasure_goes_through_the_area_and_its_permissions() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let council = app
        .join(
            &owner,
            "bernd@acme.example",
            "works_council",
            "Bernd Betriebsrat",
        )
        .await;
    let kai = app
        .create_contact(&owner, "Kai", "Kunde", "kai@example.de")
        .await
        .ok();

    let mut scope = scope_of(&app, &council).await;
    assert_eq!(
        subjects::erase(&mut scope, kai.id).await.err(),
        Some(AppError::Forbidden),
        "the works council may not erase customers"
    );
    drop(scope);
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);

    let mut scope = scope_of(&app, &owner).await;
    let owner_id = scope.user_id();
    assert_eq!(
        subjects::erase(&mut scope, kai.id).await.unwrap(),
        DataSubject::Contact
    );
    assert_eq!(
        subjects::erase(&mut scope, owner_id).await.err(),
        Some(AppError::NotFound),
        "employees are not erased through the registry"
    );
    scope.commit().await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2);
    let keys = app
        .count(&format!(
            "SELECT count(*) FROM subject_keys WHERE subject_id = '{}'",
            kai.id
        ))
        .await;
    assert_eq!(keys, 0, "the contact's key is shredded");
    assert_eq!(app.audit_rows("contact.delete").await.len(), 1);
}
