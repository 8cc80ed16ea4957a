//! Field masks: what a workspace hides from a role is neither sent, listed nor
//! exported, and a save by that role keeps it.

use crate::helpers::{phone_list, spawn_app};
use app::api::contacts::{CreateContact, GetContact, ListContacts, UpdateContact};
use app::api::team::{LoadTeam, SetFieldMasks};
use app::model::contacts::{ContactInput, PhoneEntry, PhoneKind};
use app::model::field_masks::MaskedField;
use app::model::identity::Role;
use app::AppError;
use reqwest::StatusCode;

#[tokio::test]
async fn hidden_fields_stay_hidden_from_the_role_and_survive_its_saves() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let mut phones = phone_list("030 1234567");
    phones.push(PhoneEntry {
        kind: PhoneKind::Private,
        number: "0172 7654321".into(),
    });
    let input = ContactInput {
        first_name: "Kai".into(),
        last_name: "Kunde".into(),
        birthday: "1980-02-03".into(),
        phones,
        ..Default::default()
    };
    let id = app
        .call(
            &owner,
            CreateContact {
                input,
                confirmed: false,
            },
        )
        .await
        .ok()
        .id;
    let marketing = app
        .join(&owner, "mara@acme.example", "marketing", "Mara")
        .await;

    let masks = vec![
        "marketing:birthday".into(),
        "marketing:private_phones".into(),
    ];
    let by_marketing = app
        .call(
            &marketing,
            SetFieldMasks {
                masks: masks.clone(),
            },
        )
        .await;
    assert_eq!(by_marketing.err(), AppError::Forbidden);
    let bogus = app
        .call(
            &owner,
            SetFieldMasks {
                masks: vec!["marketing:salary".into()],
            },
        )
        .await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.call(&owner, SetFieldMasks { masks }).await.ok();
    let team = app.call(&owner, LoadTeam {}).await.ok();
    assert!(team
        .field_masks
        .hides(Role::Marketing, MaskedField::Birthday));
    assert_eq!(app.audit_rows("team.field_masks_changed").await.len(), 1);

    // Not in the record, the list or the export.
    let seen = app.call(&marketing, GetContact { id }).await.ok();
    assert_eq!(seen.input.birthday, "");
    assert_eq!(seen.input.phones, phone_list("030 1234567"));
    let query = Default::default();
    let row = &app
        .call(&marketing, ListContacts { query })
        .await
        .ok()
        .items[0];
    assert_eq!(row.phone.as_deref(), Some("030 1234567"));
    let csv = marketing
        .get(format!(
            "{}/exports/contacts.csv?purpose=customer_mailing",
            app.address
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("030 1234567"), "{csv}");
    assert!(!csv.contains("0172") && !csv.contains("1980"), "{csv}");

    // Marketing saves what it sees; the hidden values stay.
    let mut edited = seen.input.clone();
    edited.position = "Einkauf".into();
    app.call(
        &marketing,
        UpdateContact {
            id,
            version: seen.version,
            input: edited,
        },
    )
    .await
    .ok();
    let full = app.call(&owner, GetContact { id }).await.ok();
    assert_eq!(full.input.birthday, "1980-02-03");
    assert_eq!(full.input.phones.len(), 2);
    assert_eq!(full.input.position, "Einkauf");

    // Lifting the masks shows everything again.
    app.call(&owner, SetFieldMasks { masks: vec![] }).await.ok();
    let again = app.call(&marketing, GetContact { id }).await.ok();
    assert_eq!(again.input.birthday, "1980-02-03");
}
