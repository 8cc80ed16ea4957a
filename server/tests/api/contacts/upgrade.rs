//! The data upgrade: contacts of the first version (one e-mail, one phone, the
//! organisation as text) become typed e-mails and phones linked to organisations.

use crate::helpers::spawn_app;
use app::api::contacts::GetContact;
use app::backend::crypto::RecordCipher;
use app::model::contacts::EmailKind;

#[tokio::test]
async fn legacy_contacts_are_linked_to_one_organisation_per_name() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let mut ids = Vec::new();
    for (first, org) in [
        ("Anna", "Spree Immobilien KG"),
        ("Bert", "Spree Immobilien KG"),
        ("Carla", "Pfälzer Autohaus GmbH & Co. KG"),
    ] {
        ids.push(app.create_contact(&c, first, "Alt", "").await.ok().id);
        let _ = org;
    }
    // Turn them back into first-version rows, sealed the way that version sealed them.
    let backend = app.backend();
    let tenant_id: uuid::Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    let orgs = [
        "Spree Immobilien KG",
        "Spree Immobilien KG",
        "Pfälzer Autohaus GmbH & Co. KG",
    ];
    for (i, id) in ids.iter().enumerate() {
        let mut tx = app::backend::tenancy::begin_for_tenant(&app.db.app, tenant_id)
            .await
            .unwrap();
        let key = backend
            .keys
            .subject_key(&mut tx, tenant_id, *id)
            .await
            .unwrap();
        let cipher = RecordCipher {
            key: &key,
            tenant_id,
            table: "contacts",
            row_id: *id,
        };
        sqlx::query(
            "UPDATE contacts SET legacy_email_ct = $2, legacy_phone_ct = $3, legacy_organisation_ct = $4,
                                 emails_ct = NULL, phones_ct = NULL WHERE contact_id = $1",
        )
        .bind(id)
        .bind(cipher.seal("email", &format!("c{i}@example.de")))
        .bind(cipher.seal("phone", "+49 30 1234567"))
        .bind(cipher.seal("organisation", orgs[i]))
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    let owner = server::db::owner_pool(&app.db.url).await.unwrap();
    assert_eq!(
        app::backend::upgrade::run(&backend, &owner).await.unwrap(),
        3
    );
    assert_eq!(
        app::backend::upgrade::run(&backend, &owner).await.unwrap(),
        0,
        "idempotent"
    );

    let anna = app.call(&c, GetContact { id: ids[0] }).await.ok();
    let bert = app.call(&c, GetContact { id: ids[1] }).await.ok();
    let carla = app.call(&c, GetContact { id: ids[2] }).await.ok();
    assert_eq!(anna.input.emails[0].address, "c0@example.de");
    assert_eq!(anna.input.emails[0].kind, EmailKind::Work);
    assert_eq!(anna.input.phones[0].number, "+49 30 1234567");
    assert_eq!(
        anna.organisation.as_ref().map(|o| o.name.as_str()),
        Some("Spree Immobilien KG")
    );
    assert_eq!(
        anna.input.organisation_id, bert.input.organisation_id,
        "one organisation per name"
    );
    assert_eq!(
        carla.organisation.map(|o| o.name).as_deref(),
        Some("Pfälzer Autohaus GmbH & Co. KG")
    );
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM contacts WHERE legacy_email_ct IS NOT NULL OR legacy_organisation_ct IS NOT NULL").await,
        0
    );
    // The upgrade is in the log, by no employee.
    let rows = app.audit_rows("contact.update").await;
    assert_eq!(rows.last().map(|r| (r.0, r.1.len())), Some((None, 3)));
}
