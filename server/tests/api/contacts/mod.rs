//! Contacts end to end over the server-function API, through the typed client.

use crate::helpers::{client, email_list, phone_list, spawn_app, TestApp};
use app::api::contacts::{CreateContact, DeleteContact, GetContact, ListContacts, UpdateContact};
use app::model::contacts::{Contact, ContactInput, ContactListQuery, ContactPage, ContactSort};
use app::model::validation::Problem;
use app::AppError;
use reqwest::{Client, StatusCode};
use uuid::Uuid;

fn input(first: &str, last: &str, email: &str, phone: &str) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        emails: email_list(email),
        phones: phone_list(phone),
        ..Default::default()
    }
}

/// A contact with more fields filled in, as the form sends it.
fn full_input(first: &str, last: &str, email: &str, phone: &str) -> ContactInput {
    ContactInput {
        position: "Einkauf".into(),
        notes: "Rückruf vereinbart".into(),
        ..input(first, last, email, phone)
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

async fn list(app: &TestApp, c: &Client, query: ContactListQuery) -> ContactPage {
    app.call(c, ListContacts { query }).await.ok()
}

fn search(q: &str) -> ContactListQuery {
    ContactListQuery {
        q: q.into(),
        ..Default::default()
    }
}

fn last_names(page: &ContactPage) -> Vec<String> {
    page.items.iter().map(|i| i.last_name.clone()).collect()
}

#[tokio::test]
async fn create_read_update_delete() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let org = app
        .create_organisation(&c, "Müller Maschinenbau GmbH")
        .await;

    let created = create(
        &app,
        &c,
        ContactInput {
            organisation_id: Some(org),
            ..full_input(" Jörg ", "Weiß", "Joerg@Example.DE", "+49 30 1234567")
        },
    )
    .await;
    assert_eq!(created.input.first_name, "Jörg", "trimmed");
    assert_eq!(
        created.input.primary_email(),
        Some("joerg@example.de"),
        "normalised"
    );
    assert_eq!(created.version, 1);
    let id = created.id;

    let read = app.call(&c, GetContact { id }).await.ok();
    assert_eq!(
        read.organisation.map(|o| o.name).as_deref(),
        Some("Müller Maschinenbau GmbH")
    );

    let edit = UpdateContact {
        id,
        version: 1,
        input: full_input("Jörg", "Weiß-Schmidt", "joerg@example.de", ""),
    };
    let updated = app.call(&c, edit.clone()).await.ok();
    assert_eq!(updated.input.last_name, "Weiß-Schmidt");
    assert!(
        updated.input.phones.is_empty(),
        "an emptied field is removed"
    );
    assert_eq!(updated.organisation, None, "and an unlinked organisation");
    assert_eq!(updated.version, 2);

    // A second edit based on the old version is refused instead of silently overwriting.
    assert_eq!(app.call(&c, edit).await.err(), AppError::Conflict);

    app.call(&c, DeleteContact { id }).await.ok();
    assert_eq!(
        app.call(&c, GetContact { id }).await.err(),
        AppError::NotFound
    );
    assert_eq!(
        app.call(&c, DeleteContact { id }).await.err(),
        AppError::NotFound
    );
}

#[tokio::test]
async fn a_bad_email_is_a_field_error_and_saves_nothing() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let response = app
        .call(
            &c,
            CreateContact {
                input: full_input("Anna", "", "anna(at)example", "12"),
                confirmed: false,
            },
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!("invalid_contact", response.err());
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);
}

#[tokio::test]
async fn a_failed_update_leaves_the_contact_as_it_was() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let anna = create(&app, &c, input("Anna", "Alt", "anna@example.de", "")).await;
    let err = app
        .call(
            &c,
            UpdateContact {
                id: anna.id,
                version: 1,
                input: ContactInput {
                    owner_id: Some(Uuid::now_v7()),
                    ..full_input("Anna", "Neu", "anna@example.de", "")
                },
            },
        )
        .await
        .err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("owner_id")),
        Some(Problem::UnknownReference)
    );
    let unchanged = app.call(&c, GetContact { id: anna.id }).await.ok();
    assert_eq!(unchanged.input.last_name, "Alt");
    assert_eq!(unchanged.version, 1);
}

#[tokio::test]
async fn keyset_pages_walk_forward_and_back_in_order() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    for i in 0..120 {
        let last = format!("Nachname{:03}", (i * 37) % 120);
        create(
            &app,
            &c,
            input(
                &format!("Vorname{i:03}"),
                &last,
                &format!("p{i}@example.de"),
                "",
            ),
        )
        .await;
    }
    let mut seen = vec![];
    let mut pages: Vec<ContactPage> = vec![];
    let mut after: Option<String> = None;
    loop {
        let page = list(
            &app,
            &c,
            ContactListQuery {
                after: after.clone(),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(page.total, 120);
        seen.extend(last_names(&page));
        after = page.next.clone();
        pages.push(page);
        if after.is_none() {
            break;
        }
    }
    assert_eq!(pages.len(), 3, "50 + 50 + 20");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages are in name order");
    sorted.dedup();
    assert_eq!(sorted.len(), 120, "no row twice, none missing");

    // Back from the last page gives exactly the middle page again.
    let back = list(
        &app,
        &c,
        ContactListQuery {
            before: pages[2].prev.clone(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(back.items, pages[1].items);
    let back_again = list(
        &app,
        &c,
        ContactListQuery {
            before: back.prev.clone(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(back_again.items, pages[0].items);
    assert_eq!(back_again.prev, None, "the first page has no previous");

    let newest = list(
        &app,
        &c,
        ContactListQuery {
            sort: ContactSort::NewestFirst,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(newest.items[0].first_name, "Vorname119");
}

#[tokio::test]
async fn search_finds_by_email_phone_name_prefix_and_umlaut_variants() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let spree = app.create_organisation(&c, "Spree Immobilien KG").await;
    let bernd = ContactInput {
        organisation_id: Some(spree),
        ..input("Bernd", "Schulz", "bernd_s@example.de", "+49 30 1234567")
    };
    create(&app, &c, bernd).await;
    create(&app, &c, input("Erika", "Müller", "erika@example.de", "")).await;
    create(
        &app,
        &c,
        input("Müller", "Müllerschön", "mm@example.de", ""),
    )
    .await;
    create(&app, &c, input("Carla", "Weber", "carla@example.de", "")).await;
    let find = |q: &'static str| {
        let (app, c) = (&app, &c);
        async move { list(app, c, search(q)).await }
    };

    for variant in ["Müller", "Mueller", "MÜLLER", "mül", "muel"] {
        let r = find(variant).await;
        assert_eq!(r.total, 2, "{variant}");
        assert!(r.ranked);
    }
    // A whole-word match ranks before a mere prefix match.
    assert_eq!(last_names(&find("Müller").await), ["Müller", "Müllerschön"]);
    assert_eq!(
        last_names(&find("erika müller").await),
        ["Müller"],
        "every word must match"
    );
    assert_eq!(
        last_names(&find("spree").await),
        ["Schulz"],
        "organisation words are searchable"
    );
    assert_eq!(
        last_names(&find("BERND_S@example.de").await),
        ["Schulz"],
        "e-mail: exact, any case"
    );
    assert_eq!(
        last_names(&find("030 / 123 45 67").await),
        ["Schulz"],
        "phone: any notation"
    );
    assert_eq!(
        find("_s@").await.total,
        0,
        "e-mail search is exact, not a substring"
    );
    assert_eq!(find("%").await.total, 0);
    assert_eq!(find("x").await.total, 0, "one letter is too short");

    let other = app.owner_of("other").await;
    create(&app, &other, input("Otto", "Müller", "otto@example.de", "")).await;
    let r = list(&app, &other, search("müller")).await;
    assert_eq!(last_names(&r), ["Müller"]);
    assert_eq!(
        r.items[0].first_name, "Otto",
        "only the own tenant's contact"
    );
    assert_eq!(find("otto").await.total, 0);
}

#[tokio::test]
async fn search_results_are_paged() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    for i in 0..60 {
        create(
            &app,
            &c,
            input(
                &format!("Anna{i}"),
                "Schmidt",
                &format!("a{i}@example.de"),
                "",
            ),
        )
        .await;
    }
    let first = list(&app, &c, search("schmidt")).await;
    assert_eq!(first.total, 60);
    assert_eq!(first.items.len(), 50);
    let second = list(
        &app,
        &c,
        ContactListQuery {
            after: first.next.clone(),
            ..search("schmidt")
        },
    )
    .await;
    assert_eq!(second.items.len(), 10);
    assert_eq!(second.next, None);
    let mut ids: Vec<Uuid> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|i| i.id)
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60);
}

#[tokio::test]
async fn contacts_need_a_session_and_the_right_role() {
    let app = spawn_app().await;
    let anonymous = app
        .call(
            &client(),
            ListContacts {
                query: Default::default(),
            },
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.err(), AppError::Unauthenticated);

    let c = app.owner_of("acme").await;
    let id = create(&app, &c, input("Anna", "A", "", "")).await.id;
    // A DPO needs a second factor by default; this session has shown one.
    app.enrol_totp(&c).await;
    app.set_role_in_database("dpo", None).await;
    app.call(&c, GetContact { id }).await.ok(); // the DPO may read
    let write = app
        .call(
            &c,
            CreateContact {
                input: input("B", "B", "", ""),
                confirmed: false,
            },
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN, "but not write");
    assert_eq!(
        app.call(&c, DeleteContact { id }).await.err(),
        AppError::Forbidden
    );
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);
}

#[tokio::test]
async fn another_tenants_contact_is_not_found() {
    let app = spawn_app().await;
    let a = app.owner_of("alpha").await;
    let b = app.owner_of("beta").await;
    let id = create(&app, &a, input("Anna", "Alpha", "", "")).await.id;
    assert_eq!(
        app.call(&b, GetContact { id }).await.err(),
        AppError::NotFound
    );
    let edit = UpdateContact {
        id,
        version: 1,
        input: full_input("Evil", "Edit", "", ""),
    };
    assert_eq!(app.call(&b, edit).await.err(), AppError::NotFound);
    assert_eq!(
        app.call(&b, DeleteContact { id }).await.err(),
        AppError::NotFound
    );
    assert_eq!(list(&app, &b, ContactListQuery::default()).await.total, 0);
    assert_eq!(
        app.call(&a, GetContact { id }).await.ok().input.last_name,
        "Alpha"
    );
}

mod records;
mod upgrade;

/// A list counts its matches only up to a limit, so a pager line costs the same at a
/// million contacts; the filter still applies to the count.
#[tokio::test]
async fn totals_are_counted_up_to_a_limit_and_then_reported_as_more() {
    use app::backend::services::contacts::storage::count_filtered;
    use app::backend::tenancy::begin_for_tenant;
    use app::model::contacts::RecordFilter;
    use app::model::paging::{total_is_exact, COUNT_LIMIT};

    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    for i in 0..5 {
        app.create_contact(&c, &format!("N{i}"), "Zählung", "")
            .await;
    }
    let tenant: Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    let all = RecordFilter::default();
    assert_eq!(count_filtered(&mut tx, &all, 100).await.unwrap(), 5);
    assert_eq!(
        count_filtered(&mut tx, &all, 5).await.unwrap(),
        5,
        "exact at the limit"
    );
    assert_eq!(
        count_filtered(&mut tx, &all, 3).await.unwrap(),
        4,
        "one past the limit"
    );
    let tagged = RecordFilter {
        tag: "nirgends".into(),
        ..Default::default()
    };
    assert_eq!(count_filtered(&mut tx, &tagged, 3).await.unwrap(), 0);
    drop(tx);

    assert!(total_is_exact(COUNT_LIMIT) && !total_is_exact(COUNT_LIMIT + 1));
    let page = list(&app, &c, ContactListQuery::default()).await;
    assert_eq!(page.total, 5, "lists pass the real limit");

    // Past the pager's limit the total is "more", yet name order (which counts on
    // up to its own, higher limit) still applies.
    let me = app.me(&c).await;
    let rows: Vec<_> = (0..COUNT_LIMIT)
        .map(|i| {
            let input = ContactInput {
                first_name: "Viele".into(),
                last_name: format!("Abel{i:04}"),
                ..Default::default()
            };
            (Uuid::now_v7(), input.normalized())
        })
        .collect();
    let mut scope = app::backend::Scope::begin(app.backend(), tenant, me.user_id)
        .await
        .unwrap();
    app::backend::services::contacts::insert_many_unaudited(&mut scope, &rows)
        .await
        .unwrap();
    scope.commit().await.unwrap();
    let by_name = ContactListQuery {
        sort: ContactSort::NameAsc,
        ..Default::default()
    };
    let page = list(&app, &c, by_name).await;
    assert_eq!(page.total, COUNT_LIMIT + 1);
    assert_eq!(page.sort, ContactSort::NameAsc);
    assert_eq!(page.items[0].last_name, "Abel0000");
}
