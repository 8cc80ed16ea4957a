//! The complete contact record: every field, stages with their history, changes in
//! place, list filters, duplicates.

use crate::helpers::{email_list, phone_list, spawn_app, TestApp};
use app::api::contacts::{CreateContact, GetContact, ListContacts, PatchContact, UpdateContact};
use app::model::contacts::{
    Contact, ContactInput, ContactListQuery, ContactPatch, EmailEntry, EmailKind, LifecycleStage,
    PhoneEntry, PhoneKind, RecordFilter, Salutation,
};
use app::model::records::{Classification, PostalAddress};
use app::model::validation::Problem;
use app::AppError;
use reqwest::Client;

fn named(first: &str, last: &str) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        ..Default::default()
    }
}

async fn create(app: &TestApp, c: &Client, input: ContactInput) -> Contact {
    app.call(
        c,
        CreateContact {
            input,
            confirmed: false,
        },
    )
    .await
    .ok()
}

#[tokio::test]
async fn every_field_round_trips_sealed() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let me = app.me(&c).await.user_id;
    let org = app
        .create_organisation(&c, "Müller Maschinenbau GmbH")
        .await;
    let mut input = ContactInput {
        salutation: Salutation::Ms,
        title: "Dr.".into(),
        emails: vec![
            EmailEntry {
                kind: EmailKind::Work,
                address: "Katrin.Mueller@Example.DE".into(),
            },
            EmailEntry {
                kind: EmailKind::Private,
                address: "katrin@privat.example".into(),
            },
        ],
        phones: vec![PhoneEntry {
            kind: PhoneKind::Mobile,
            number: "+49 171 1234567".into(),
        }],
        address: PostalAddress {
            street: "Hauptstraße 1".into(),
            postal_code: "10115".into(),
            city: "Berlin".into(),
            country: "Deutschland".into(),
        },
        birthday: "31.12.1980".into(),
        preferred_language: "en".into(),
        organisation_id: Some(org),
        position: "Einkauf".into(),
        owner_id: Some(me),
        tags: "VIP, Messe 2026".into(),
        classification: Some(Classification::A),
        stage: LifecycleStage::Prospect,
        notes: "Mag Kaffee.".into(),
        ..named("Katrin", "Müller")
    };
    input.consent_email = true;
    input.consent_post = true;
    let created = create(&app, &c, input).await;
    let read = app.call(&c, GetContact { id: created.id }).await.ok();
    assert_eq!(read.input, created.input);
    assert_eq!(read.full_name(), "Dr. Katrin Müller");
    assert_eq!(read.input.birthday, "1980-12-31", "German date normalised");
    assert_eq!(read.input.emails[0].address, "katrin.mueller@example.de");
    assert_eq!(read.input.emails[1].kind, EmailKind::Private);
    assert_eq!(read.input.tags, "VIP, Messe 2026");
    assert_eq!(
        read.organisation.as_ref().map(|o| o.name.as_str()),
        Some("Müller Maschinenbau GmbH")
    );
    let completeness = read.completeness();
    assert_eq!(completeness.percent, 100, "{:?}", completeness.missing);
    // Every personal field is ciphertext; metadata for filters is plain.
    type Row = (Option<Vec<u8>>, Option<Vec<u8>>, Vec<String>, String);
    let row: Row = sqlx::query_as(
        "SELECT emails_ct, profile_ct, tags, stage FROM contacts WHERE contact_id = $1",
    )
    .bind(created.id)
    .fetch_one(&app.db.superuser)
    .await
    .unwrap();
    let sealed = [row.0.unwrap(), row.1.unwrap()].concat();
    for plain in ["katrin", "Hauptstra", "Einkauf", "1980"] {
        assert!(
            !String::from_utf8_lossy(&sealed).contains(plain),
            "{plain} in a sealed column"
        );
    }
    assert_eq!((row.2.len(), row.3.as_str()), (2, "prospect"));
}

#[tokio::test]
async fn field_problems_name_the_slot() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let input = ContactInput {
        emails: vec![
            EmailEntry::default(),
            EmailEntry {
                kind: EmailKind::Work,
                address: "ok@example.de".into(),
            },
            EmailEntry {
                kind: EmailKind::Other,
                address: "nope".into(),
            },
        ],
        birthday: "2999-01-01".into(),
        preferred_language: "klingon".into(),
        tags: (0..25)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(","),
        ..named("Anna", "Alt")
    };
    let err = app
        .call(
            &c,
            CreateContact {
                input,
                confirmed: false,
            },
        )
        .await
        .err();
    let fields = err.field_errors().unwrap();
    // The empty first slot is dropped, so the bad address is the second one.
    assert_eq!(fields.get("emails.1.address"), Some(Problem::InvalidEmail));
    assert_eq!(fields.get("birthday"), Some(Problem::DateInFuture));
    assert_eq!(
        fields.get("preferred_language"),
        Some(Problem::InvalidChoice)
    );
    assert_eq!(fields.get("tags"), Some(Problem::TooMany { max: 20 }));
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);
}

#[tokio::test]
async fn stage_changes_are_remembered_with_who_and_when() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let me = app.me(&c).await.user_id;
    let lead = create(&app, &c, named("Lea", "Lead")).await;
    assert_eq!(lead.stage_history.len(), 1);
    assert_eq!(lead.stage_history[0].stage, LifecycleStage::Lead);
    let customer = app
        .call(
            &c,
            PatchContact {
                id: lead.id,
                version: 1,
                change: ContactPatch::Stage(LifecycleStage::Customer),
            },
        )
        .await
        .ok();
    assert_eq!(customer.input.stage, LifecycleStage::Customer);
    assert_eq!(customer.version, 2);
    let stages: Vec<LifecycleStage> = customer.stage_history.iter().map(|s| s.stage).collect();
    assert_eq!(
        stages,
        [LifecycleStage::Customer, LifecycleStage::Lead],
        "newest first"
    );
    assert_eq!(customer.stage_history[0].changed_by, me);
    // A patch on a stale version is refused like any other edit.
    let stale = PatchContact {
        id: lead.id,
        version: 1,
        change: ContactPatch::Owner(Some(me)),
    };
    assert_eq!(app.call(&c, stale).await.err(), AppError::Conflict);
    // Editing other fields adds no stage entry.
    let edit = UpdateContact {
        id: lead.id,
        version: 2,
        input: ContactInput {
            notes: "neu".into(),
            ..customer.input.clone()
        },
    };
    assert_eq!(app.call(&c, edit).await.ok().stage_history.len(), 2);
    let changed: Vec<String> = sqlx::query_scalar(
        "SELECT unnest(fields) FROM audit_log WHERE action = 'contact.update' ORDER BY seq",
    )
    .fetch_all(app.seal_audit().await)
    .await
    .unwrap();
    assert_eq!(changed, ["stage", "notes"]);
}

#[tokio::test]
async fn lists_filter_by_stage_owner_tag_class_organisation_and_period() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let me = app.me(&c).await.user_id;
    let org = app.create_organisation(&c, "Alpen Solar AG").await;
    create(
        &app,
        &c,
        ContactInput {
            stage: LifecycleStage::Customer,
            owner_id: Some(me),
            ..named("Anna", "Kundin")
        },
    )
    .await;
    create(
        &app,
        &c,
        ContactInput {
            tags: "VIP".into(),
            classification: Some(Classification::A),
            ..named("Bert", "Wichtig")
        },
    )
    .await;
    create(
        &app,
        &c,
        ContactInput {
            organisation_id: Some(org),
            ..named("Carla", "Solar")
        },
    )
    .await;
    let list = |filter: RecordFilter| {
        let (app, c) = (&app, &c);
        async move {
            let page = app
                .call(
                    c,
                    ListContacts {
                        query: ContactListQuery {
                            filter,
                            ..Default::default()
                        },
                    },
                )
                .await
                .ok();
            page.items
                .into_iter()
                .map(|i| i.last_name)
                .collect::<Vec<_>>()
        }
    };
    let f = RecordFilter::default;
    assert_eq!(
        list(RecordFilter {
            stage: Some(LifecycleStage::Customer),
            ..f()
        })
        .await,
        ["Kundin"]
    );
    assert_eq!(
        list(RecordFilter {
            owner: Some(me),
            ..f()
        })
        .await,
        ["Kundin"]
    );
    assert_eq!(
        list(RecordFilter {
            tag: "VIP".into(),
            ..f()
        })
        .await,
        ["Wichtig"]
    );
    assert_eq!(
        list(RecordFilter {
            classification: Some(Classification::A),
            ..f()
        })
        .await,
        ["Wichtig"]
    );
    assert_eq!(
        list(RecordFilter {
            organisation: Some(org),
            ..f()
        })
        .await,
        ["Solar"]
    );
    let today = app::model::validation::iso_date(time::OffsetDateTime::now_utc().date());
    assert_eq!(
        list(RecordFilter {
            from: today.clone(),
            to: today,
            ..f()
        })
        .await
        .len(),
        3
    );
    assert!(list(RecordFilter {
        to: "2000-01-01".into(),
        ..f()
    })
    .await
    .is_empty());
    // A search within a filter: both must hold.
    let page = app
        .call(
            &c,
            ListContacts {
                query: ContactListQuery {
                    q: "carla".into(),
                    filter: RecordFilter {
                        stage: Some(LifecycleStage::Customer),
                        ..f()
                    },
                    ..Default::default()
                },
            },
        )
        .await
        .ok();
    assert!(page.items.is_empty());
    // Organisation names come with the list rows.
    let all = app
        .call(
            &c,
            ListContacts {
                query: Default::default(),
            },
        )
        .await
        .ok();
    let solar = all.items.iter().find(|i| i.last_name == "Solar").unwrap();
    assert_eq!(
        solar.organisation.as_ref().map(|o| o.name.as_str()),
        Some("Alpen Solar AG")
    );
}

#[tokio::test]
async fn the_joerg_mueller_pair_is_a_likely_duplicate_but_muller_is_not() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let org = app
        .create_organisation(&c, "Müller Maschinenbau GmbH")
        .await;
    let joerg = create(
        &app,
        &c,
        ContactInput {
            emails: email_list("joerg.mueller@example.de"),
            organisation_id: Some(org),
            ..named("Jörg", "Müller")
        },
    )
    .await;
    let twin = ContactInput {
        emails: email_list("JOERG.MUELLER@example.de"),
        organisation_id: Some(org),
        ..named("Joerg", "Mueller")
    };
    let refused = app
        .call(
            &c,
            CreateContact {
                input: twin.clone(),
                confirmed: false,
            },
        )
        .await
        .err();
    assert_eq!(
        refused.field_errors().and_then(|f| f.get("last_name")),
        Some(Problem::PossibleDuplicate { of: joerg.id })
    );
    // Same folded name at the same organisation, without any shared e-mail.
    let by_name = ContactInput {
        emails: Vec::new(),
        phones: phone_list("+49 30 999999"),
        ..twin.clone()
    };
    assert!(app
        .call(
            &c,
            CreateContact {
                input: by_name,
                confirmed: false
            }
        )
        .await
        .result
        .is_err());
    // "Muller" is another person, and so is Jörg Müller elsewhere.
    create(
        &app,
        &c,
        ContactInput {
            organisation_id: Some(org),
            ..named("Jörg", "Muller")
        },
    )
    .await;
    create(&app, &c, named("Jörg", "Müller")).await;
    // Confirmed, the twin is saved (to be merged later).
    app.call(
        &c,
        CreateContact {
            input: twin,
            confirmed: true,
        },
    )
    .await
    .ok();
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 4);
}
