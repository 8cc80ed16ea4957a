//! What lands in the trail: one entry per access, field names not values, no plaintext.

use super::verify;
use crate::helpers::{client, spawn_app};
use app::api::contacts::{DeleteContact, GetContact, UpdateContact};
use app::model::contacts::{ContactInput, ContactListQuery};
use app::AppError;
use reqwest::StatusCode;
use server::cli::seed;
use uuid::Uuid;

#[tokio::test]
async fn one_read_one_entry_one_list_page_one_entry_failed_reads_none() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let mut ids = Vec::new();
    for i in 0..55 {
        let (first, email) = (format!("Anna{i:02}"), format!("a{i}@example.de"));
        let created = app.create_contact(&owner, &first, "Audit", &email).await;
        ids.push(created.ok().id);
    }
    let me = app.me(&owner).await.user_id;

    app.call(&owner, GetContact { id: ids[3] }).await.ok();
    let reads = app.audit_rows("contact.read").await;
    assert_eq!(
        reads,
        vec![(Some(me), vec![ids[3]])],
        "exactly one entry for one read"
    );

    let page = app
        .list_contacts(&owner, ContactListQuery::default())
        .await
        .ok();
    let shown: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
    assert_eq!(shown.len(), 50);
    let lists = app.audit_rows("contact.list").await;
    assert_eq!(lists.len(), 1, "one entry per list page");
    let mut logged = lists[0].1.clone();
    let mut expected = shown.clone();
    logged.sort();
    expected.sort();
    assert_eq!(
        logged, expected,
        "the entry names exactly the 50 contacts shown"
    );

    app.search_contacts(&owner, "anna01").await.ok();
    assert_eq!(app.audit_rows("contact.search").await.len(), 1);

    // The session shows a second factor, so the role below is refused by role alone.
    app.enrol_totp(&owner).await;
    let before: i64 = app.count("SELECT count(*) FROM audit_log").await;
    let missing = app.call(&owner, GetContact { id: Uuid::now_v7() }).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    app.set_role_in_database("works_council", None).await;
    let forbidden = app.call(&owner, GetContact { id: ids[0] }).await;
    assert_eq!(
        forbidden.err(),
        AppError::Forbidden,
        "no data on a failed read"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log").await,
        before,
        "failed reads write nothing"
    );
}

#[tokio::test]
async fn changes_record_field_names_and_the_chain_verifies() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let contact = app
        .create_contact(&owner, "Uwe", "Update", "uwe@example.de")
        .await
        .ok();
    let id = contact.id;
    let input = ContactInput {
        emails: crate::helpers::email_list("uwe.neu@example.de"),
        phones: crate::helpers::phone_list("+49 30 1234567"),
        ..contact.input
    };
    let edit = UpdateContact {
        id,
        version: 1,
        input,
    };
    app.call(&owner, edit).await.ok();
    let fields: Vec<String> =
        sqlx::query_scalar("SELECT unnest(fields) FROM audit_log WHERE action = 'contact.update'")
            .fetch_all(app.seal_audit().await)
            .await
            .unwrap();
    assert_eq!(
        fields,
        ["emails", "phones"],
        "only the changed fields, by name"
    );
    app.call(&owner, DeleteContact { id }).await.ok();
    assert_eq!(app.audit_rows("contact.delete").await.len(), 1);
    let report = verify(&app).await;
    assert_eq!(report.first_broken, None);
    assert_eq!(report.entries, 3, "create, update, delete: {report:?}");
    let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM audit_log ORDER BY seq")
        .fetch_all(app.seal_audit().await)
        .await
        .unwrap();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no gaps");
}

#[tokio::test]
async fn no_audit_row_holds_personal_data_in_plaintext() {
    let app = spawn_app().await;
    seed::seed_demo(&app.backend(), 40).await.unwrap();
    let owner = client();
    app.log_in(&owner, "demo", seed::DEMO_OWNER_EMAIL, seed::DEMO_PASSWORD)
        .await
        .ok();
    app.list_contacts(&owner, ContactListQuery::default())
        .await
        .ok();
    app.search_contacts(&owner, "müller").await.ok();
    let rows: Vec<String> = sqlx::query_scalar("SELECT t::text FROM audit_log t")
        .fetch_all(app.seal_audit().await)
        .await
        .unwrap();
    assert!(rows.len() > 40);
    let dump = rows.join("\n").to_lowercase();
    assert!(
        !dump.contains("mül") && !dump.contains("muel"),
        "no search text"
    );
    for c in seed::demo_contacts(40, 2026) {
        let email = c.primary_email().unwrap_or_default().to_owned();
        let phone = c.phones[0].number.clone();
        for value in [c.first_name, c.last_name, email, phone, c.position] {
            assert!(
                !dump.contains(&value.to_lowercase()),
                "{value:?} in the audit log"
            );
        }
    }
    assert!(!dump.contains("inhaberin"), "no employee e-mails either");
}
