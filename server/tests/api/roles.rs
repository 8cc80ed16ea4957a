//! The department roles through the adapter, as the permission table grants them:
//! a read-mostly member, service that edits but does not delete, marketing that
//! works on many records at once.

use crate::helpers::spawn_app;
use app::api::contacts::{BulkContacts, DeleteContact, GetContact, ListContacts};
use app::api::tasks::CreateTask;
use app::model::tasks::TaskInput;
use app::model::views::{BulkChange, BulkRequest};
use app::AppError;

fn tag(ids: Vec<uuid::Uuid>) -> BulkContacts {
    let confirmed = ids.len();
    BulkContacts {
        request: BulkRequest {
            ids,
            change: BulkChange::AddTag("Messe".into()),
            confirmed,
        },
    }
}

#[tokio::test]
async fn each_department_role_gets_what_the_permission_table_grants() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let id = app.create_contact(&owner, "Kai", "Kunde", "").await.ok().id;
    let member = app.join(&owner, "max@acme.example", "member", "Max").await;
    let service = app
        .join(&owner, "selin@acme.example", "service", "Selin")
        .await;
    let marketing = app
        .join(&owner, "mara@acme.example", "marketing", "Mara")
        .await;

    // The member reads and keeps their own follow-ups, but changes no customer.
    app.call(&member, GetContact { id }).await.ok();
    let query = Default::default();
    assert_eq!(
        app.call(&member, ListContacts { query }).await.ok().total,
        1
    );
    let created = app.create_contact(&member, "Nina", "Neu", "").await;
    assert_eq!(created.err(), AppError::Forbidden);
    let input = TaskInput {
        title: "Kai zurückrufen".into(),
        contact_id: Some(id),
        ..Default::default()
    };
    app.call(&member, CreateTask { input }).await.ok();

    // Service keeps records but neither deletes nor works on many at once.
    app.create_contact(&service, "Sara", "Service", "")
        .await
        .ok();
    assert_eq!(
        app.call(&service, DeleteContact { id }).await.err(),
        AppError::Forbidden
    );
    assert_eq!(
        app.call(&service, tag(vec![id])).await.err(),
        AppError::Forbidden
    );

    // Marketing tags in bulk.
    assert_eq!(app.call(&marketing, tag(vec![id])).await.ok(), 1);
    let tagged = app.call(&owner, GetContact { id }).await.ok();
    assert!(
        tagged.input.tags.contains("Messe"),
        "{:?}",
        tagged.input.tags
    );
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 2);
}
