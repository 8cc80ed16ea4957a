//! Organisations end to end: records, validation, duplicates, hierarchy, audit.

use crate::helpers::{spawn_app, TestApp};
use app::api::contacts::{CreateContact, GetContact};
use app::api::organisations::{
    CreateOrganisation, DeleteOrganisation, GetOrganisation, ListOrganisations, UpdateOrganisation,
};
use app::model::contacts::ContactInput;
use app::model::organisations::{
    Organisation, OrganisationInput, OrganisationListQuery, SizeClass,
};
use app::model::records::{Classification, PostalAddress};
use app::model::validation::Problem;
use app::AppError;
use reqwest::Client;

fn muster() -> OrganisationInput {
    OrganisationInput {
        name: "Muster Maschinenbau".into(),
        legal_form: "GmbH".into(),
        industry: "Maschinenbau".into(),
        size: SizeClass::Medium,
        website: "muster-maschinenbau.example".into(),
        vat_id: "DE 123 456 789".into(),
        email: "Info@Muster-Maschinenbau.example".into(),
        phone: "+49 711 123456".into(),
        billing_address: PostalAddress {
            street: "Industriestraße 5".into(),
            postal_code: "70173".into(),
            city: "Stuttgart".into(),
            country: "Deutschland".into(),
        },
        tags: "Rahmenvertrag, VIP".into(),
        classification: Some(Classification::A),
        notes: "Jahresgespräch im Herbst.".into(),
        ..Default::default()
    }
}

async fn create(app: &TestApp, c: &Client, input: OrganisationInput) -> Organisation {
    app.call(
        c,
        CreateOrganisation {
            input,
            confirmed: false,
        },
    )
    .await
    .ok()
}

#[tokio::test]
async fn create_read_update_delete_with_every_field() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let me = app.me(&c).await.user_id;
    let created = create(
        &app,
        &c,
        OrganisationInput {
            owner_id: Some(me),
            ..muster()
        },
    )
    .await;
    assert_eq!(created.display_name(), "Muster Maschinenbau GmbH");
    assert_eq!(created.input.website, "https://muster-maschinenbau.example");
    assert_eq!(created.input.vat_id, "DE123456789");
    assert_eq!(created.input.email, "info@muster-maschinenbau.example");
    assert_eq!(created.input.tags, "Rahmenvertrag, VIP");
    let id = created.id;

    let read = app.call(&c, GetOrganisation { id }).await.ok();
    assert_eq!(read.input, created.input);
    assert_eq!(read.input.billing_address.city, "Stuttgart");
    assert_eq!(read.input.owner_id, Some(me));

    let edit = UpdateOrganisation {
        id,
        version: 1,
        input: OrganisationInput {
            industry: "Anlagenbau".into(),
            ..read.input.clone()
        },
    };
    let updated = app.call(&c, edit.clone()).await.ok();
    assert_eq!(
        (updated.version, updated.input.industry.as_str()),
        (2, "Anlagenbau")
    );
    assert_eq!(app.call(&c, edit).await.err(), AppError::Conflict);

    let fields: Vec<String> = sqlx::query_scalar(
        "SELECT unnest(fields) FROM audit_log WHERE action = 'organisation.update'",
    )
    .fetch_all(app.seal_audit().await)
    .await
    .unwrap();
    assert_eq!(fields, ["industry"], "the change names only its field");
    assert_eq!(app.audit_rows("organisation.read").await.len(), 1);
    assert_eq!(app.audit_rows("organisation.create").await[0].1, vec![id]);

    app.call(&c, DeleteOrganisation { id }).await.ok();
    assert_eq!(
        app.call(&c, GetOrganisation { id }).await.err(),
        AppError::NotFound
    );
    assert_eq!(
        app.count("SELECT count(*) FROM search_tokens").await
            + app.count("SELECT count(*) FROM fingerprints").await,
        0,
        "nothing left that finds it"
    );
}

#[tokio::test]
async fn bad_fields_are_reported_each_and_nothing_is_saved() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let bad = OrganisationInput {
        name: " ".into(),
        website: "javascript:alert(1)".into(),
        vat_id: "DE12".into(),
        email: "info(at)muster".into(),
        phone: "12".into(),
        billing_address: PostalAddress {
            postal_code: "70173!".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let err = app
        .call(
            &c,
            CreateOrganisation {
                input: bad,
                confirmed: false,
            },
        )
        .await
        .err();
    let fields = err.field_errors().expect("a validation error");
    assert_eq!(fields.get("name"), Some(Problem::Required));
    assert_eq!(fields.get("website"), Some(Problem::InvalidUrl));
    assert_eq!(fields.get("vat_id"), Some(Problem::InvalidVatId));
    assert_eq!(fields.get("email"), Some(Problem::InvalidEmail));
    assert_eq!(fields.get("phone"), Some(Problem::InvalidPhone));
    assert_eq!(
        fields.get("billing_address.postal_code"),
        Some(Problem::InvalidPostalCode)
    );
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 0);
}

#[tokio::test]
async fn the_same_name_warns_but_another_legal_form_is_another_company() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let plain = |name: &str, legal_form: &str| OrganisationInput {
        name: name.into(),
        legal_form: legal_form.into(),
        ..Default::default()
    };
    let gmbh = create(&app, &c, plain("Muster", "GmbH")).await;
    create(&app, &c, plain("Muster", "Inc.")).await;
    let again = app
        .call(
            &c,
            CreateOrganisation {
                input: plain("MUSTER ", "GmbH"),
                confirmed: false,
            },
        )
        .await
        .err();
    assert_eq!(
        again.field_errors().and_then(|f| f.get("name")),
        Some(Problem::PossibleDuplicate { of: gmbh.id })
    );
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 2);
    app.call(
        &c,
        CreateOrganisation {
            input: plain("MUSTER ", "GmbH"),
            confirmed: true,
        },
    )
    .await
    .ok();
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 3);
}

#[tokio::test]
async fn parents_link_subsidiaries_but_never_in_a_circle() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let holding = create(
        &app,
        &c,
        OrganisationInput {
            name: "Holding".into(),
            ..Default::default()
        },
    )
    .await;
    let child = create(
        &app,
        &c,
        OrganisationInput {
            name: "Tochter".into(),
            parent_id: Some(holding.id),
            ..Default::default()
        },
    )
    .await;
    let read = app.call(&c, GetOrganisation { id: holding.id }).await.ok();
    assert_eq!(read.subsidiaries.len(), 1);
    assert_eq!(read.subsidiaries[0].name, "Tochter");
    assert_eq!(child.parent.map(|p| p.name).as_deref(), Some("Holding"));

    let circle = UpdateOrganisation {
        id: holding.id,
        version: 1,
        input: OrganisationInput {
            parent_id: Some(child.id),
            ..read.input
        },
    };
    let err = app.call(&c, circle).await.err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("parent_id")),
        Some(Problem::UnknownReference)
    );
}

#[tokio::test]
async fn deleting_an_organisation_keeps_its_contacts_unlinked() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let org = create(&app, &c, muster()).await;
    let contact = app
        .call(
            &c,
            CreateContact {
                input: ContactInput {
                    first_name: "Anna".into(),
                    last_name: "Alt".into(),
                    organisation_id: Some(org.id),
                    ..Default::default()
                },
                confirmed: false,
            },
        )
        .await
        .ok();
    assert_eq!(contact.organisation.map(|o| o.id), Some(org.id));
    app.call(&c, DeleteOrganisation { id: org.id }).await.ok();
    let after = app.call(&c, GetContact { id: contact.id }).await.ok();
    assert_eq!(after.organisation, None);
    assert_eq!(after.input.organisation_id, None);
}

#[tokio::test]
async fn lists_search_filter_and_stay_in_their_tenant() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    for (name, class) in [
        ("Alpen Solar", Some(Classification::A)),
        ("Bäckerei Sonnenschein", Some(Classification::B)),
        ("Müller Maschinenbau", None),
    ] {
        create(
            &app,
            &c,
            OrganisationInput {
                name: name.into(),
                classification: class,
                ..Default::default()
            },
        )
        .await;
    }
    let list = |query: OrganisationListQuery| {
        let (app, c) = (&app, &c);
        async move { app.call(c, ListOrganisations { query }).await.ok() }
    };
    let all = list(Default::default()).await;
    let names: Vec<&str> = all.items.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Alpen Solar",
            "Bäckerei Sonnenschein",
            "Müller Maschinenbau"
        ]
    );
    let found = list(OrganisationListQuery {
        q: "baeck".into(),
        ..Default::default()
    })
    .await;
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].name, "Bäckerei Sonnenschein");
    let a_class = list(OrganisationListQuery {
        filter: app::model::contacts::RecordFilter {
            classification: Some(Classification::A),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    assert_eq!(a_class.total, 1);
    assert_eq!(app.audit_rows("organisation.search").await.len(), 1);

    let other = app.owner_of("other").await;
    let theirs = app
        .call(
            &other,
            ListOrganisations {
                query: Default::default(),
            },
        )
        .await
        .ok();
    assert_eq!(theirs.total, 0);
    assert_eq!(
        app.call(
            &other,
            GetOrganisation {
                id: all.items[0].id
            }
        )
        .await
        .err(),
        AppError::NotFound
    );
}
