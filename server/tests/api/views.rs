//! Saved views (own and shared, sealed) and bulk actions on contacts (the confirmed
//! count, all or nothing, one audit entry naming every id).

use crate::helpers::spawn_app;
use app::api::contacts::{BulkContacts, GetContact};
use app::api::organisations::{BulkOrganisations, GetOrganisation};
use app::api::views::{DeleteView, ListViews, SaveView};
use app::model::contacts::LifecycleStage;
use app::model::validation::Problem;
use app::model::views::{BulkChange, BulkRequest, SavedViewInput, ViewArea};
use app::AppError;
use uuid::Uuid;

#[tokio::test]
async fn views_are_own_or_shared_and_sealed() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let colleague = app
        .join(&owner, "vertrieb@acme.example", "sales", "Valentin")
        .await;
    let mine = app
        .call(
            &owner,
            SaveView {
                input: SavedViewInput {
                    area: ViewArea::Contacts,
                    name: "Müllers A-Kunden".into(),
                    query: "q=M%C3%BCller&class=a&after=cursor".into(),
                    shared: false,
                },
            },
        )
        .await
        .ok();
    assert_eq!(mine.query, "q=M%C3%BCller&class=a", "no page cursor");
    assert_eq!(mine.href(), "/contacts?q=M%C3%BCller&class=a");
    let shared = app
        .call(
            &owner,
            SaveView {
                input: SavedViewInput {
                    area: ViewArea::Contacts,
                    name: "Gefährdete Kunden".into(),
                    query: "stage=at_risk".into(),
                    shared: true,
                },
            },
        )
        .await
        .ok();
    let empty = app
        .call(
            &owner,
            SaveView {
                input: SavedViewInput::default(),
            },
        )
        .await
        .err();
    assert_eq!(
        empty.field_errors().and_then(|f| f.get("name")),
        Some(Problem::Required)
    );

    let seen = app
        .call(
            &colleague,
            ListViews {
                area: ViewArea::Contacts,
            },
        )
        .await
        .ok();
    assert_eq!(seen.len(), 1, "only the shared one");
    assert_eq!(seen[0].name, "Gefährdete Kunden");
    assert!(!seen[0].mine);
    let not_theirs = app
        .call(&colleague, DeleteView { id: shared.id })
        .await
        .err();
    assert!(matches!(not_theirs, AppError::NotFound));
    assert!(app
        .call(
            &owner,
            ListViews {
                area: ViewArea::Organisations
            }
        )
        .await
        .ok()
        .is_empty());

    // Name and query never in plaintext.
    assert_eq!(
        app.count("SELECT count(*) FROM saved_views WHERE position('ller'::bytea in name_ct) > 0 OR position('at_risk'::bytea in query_ct) > 0")
            .await,
        0
    );
    app.call(&owner, DeleteView { id: mine.id }).await.ok();
    assert_eq!(
        app.call(
            &owner,
            ListViews {
                area: ViewArea::Contacts
            }
        )
        .await
        .ok()
        .len(),
        1
    );
}

#[tokio::test]
async fn a_bulk_action_needs_the_count_changes_all_and_is_audited_once() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let mut ids = Vec::new();
    for (first, email) in [
        ("Anna", "anna@kunde.example"),
        ("Bernd", "bernd@kunde.example"),
        ("Cem", "cem@kunde.example"),
    ] {
        ids.push(
            app.create_contact(&owner, first, "Kunde", email)
                .await
                .ok()
                .id,
        );
    }
    let wrong_count = app
        .call(
            &owner,
            BulkContacts {
                request: BulkRequest {
                    ids: ids.clone(),
                    change: BulkChange::Stage(LifecycleStage::Customer),
                    confirmed: 2,
                },
            },
        )
        .await
        .err();
    assert_eq!(
        wrong_count.field_errors().and_then(|f| f.get("confirmed")),
        Some(Problem::InvalidNumber)
    );

    let changed = app
        .call(
            &owner,
            BulkContacts {
                request: BulkRequest {
                    ids: ids.clone(),
                    change: BulkChange::AddTag("Messe 2026".into()),
                    confirmed: 3,
                },
            },
        )
        .await
        .ok();
    assert_eq!(changed, 3);
    let changed = app
        .call(
            &owner,
            BulkContacts {
                request: BulkRequest {
                    ids: ids.clone(),
                    change: BulkChange::Stage(LifecycleStage::Customer),
                    confirmed: 3,
                },
            },
        )
        .await
        .ok();
    assert_eq!(changed, 3);
    for id in &ids {
        let contact = app.call(&owner, GetContact { id: *id }).await.ok();
        assert_eq!(contact.input.tags, "Messe 2026");
        assert_eq!(contact.input.stage, LifecycleStage::Customer);
    }
    let entries = app.audit_rows("contact.bulk_update").await;
    assert_eq!(entries.len(), 2, "one entry per action");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(entries[1].1, sorted, "naming every id");

    // One unknown id: nothing is deleted.
    let mut with_unknown = ids.clone();
    with_unknown.push(Uuid::now_v7());
    let failed = app
        .call(
            &owner,
            BulkContacts {
                request: BulkRequest {
                    ids: with_unknown,
                    change: BulkChange::Delete,
                    confirmed: 4,
                },
            },
        )
        .await
        .err();
    assert!(matches!(failed, AppError::NotFound));
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 3);

    let deleted = app
        .call(
            &owner,
            BulkContacts {
                request: BulkRequest {
                    ids: ids.clone(),
                    change: BulkChange::Delete,
                    confirmed: 3,
                },
            },
        )
        .await
        .ok();
    assert_eq!(deleted, 3);
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);
    assert_eq!(app.audit_rows("contact.bulk_delete").await[0].1, sorted);

    // Who may not change contacts may not change many.
    let council = app
        .join(&owner, "br@acme.example", "works_council", "Betriebsrat")
        .await;
    let forbidden = app
        .call(
            &council,
            BulkContacts {
                request: BulkRequest {
                    ids: vec![Uuid::now_v7()],
                    change: BulkChange::Delete,
                    confirmed: 1,
                },
            },
        )
        .await
        .err();
    assert!(matches!(forbidden, AppError::Forbidden));
}

#[tokio::test]
async fn organisations_take_tags_owners_and_deletion_in_bulk_but_no_stage() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let mut ids = vec![
        app.create_organisation(&owner, "Muster GmbH").await,
        app.create_organisation(&owner, "Beispiel AG").await,
    ];
    ids.sort();
    let bulk = |change: BulkChange| BulkOrganisations {
        request: BulkRequest {
            ids: ids.clone(),
            change,
            confirmed: 2,
        },
    };
    let stage = app
        .call(&owner, bulk(BulkChange::Stage(LifecycleStage::Customer)))
        .await
        .err();
    assert_eq!(
        stage.field_errors().and_then(|f| f.get("change")),
        Some(Problem::InvalidChoice)
    );
    assert_eq!(
        app.call(&owner, bulk(BulkChange::AddTag("Rahmenvertrag".into())))
            .await
            .ok(),
        2
    );
    for id in &ids {
        let org = app.call(&owner, GetOrganisation { id: *id }).await.ok();
        assert_eq!(org.input.tags, "Rahmenvertrag");
    }
    assert_eq!(app.audit_rows("organisation.bulk_update").await[0].1, ids);
    assert_eq!(app.call(&owner, bulk(BulkChange::Delete)).await.ok(), 2);
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 0);
    assert_eq!(app.audit_rows("organisation.bulk_delete").await[0].1, ids);
}
