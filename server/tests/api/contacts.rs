//! Contacts end to end over the server-function API.

use crate::helpers::{client, error_body, id_of, spawn_app};
use reqwest::StatusCode;

fn contact_form<'a>(
    first: &'a str,
    last: &'a str,
    email: &'a str,
    phone: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("input[first_name]", first),
        ("input[last_name]", last),
        ("input[email]", email),
        ("input[phone]", phone),
        ("input[organisation]", "Müller Maschinenbau GmbH"),
        ("input[notes]", "Rückruf vereinbart"),
    ]
}

#[tokio::test]
async fn create_read_update_delete() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;

    let created = app
        .rpc(
            &c,
            "contacts/create",
            &contact_form(" Jörg ", "Weiß", "Joerg@Example.DE", "+49 30 1234567"),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    assert_eq!(created.body["first_name"], "Jörg", "trimmed");
    assert_eq!(created.body["email"], "joerg@example.de", "normalised");
    assert_eq!(created.body["version"], 1);
    let id = id_of(&created.body);

    let read = app.rpc(&c, "contacts/get", &[("id", &id)]).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["organisation"], "Müller Maschinenbau GmbH");

    let mut form = contact_form("Jörg", "Weiß-Schmidt", "joerg@example.de", "");
    form.push(("id", &id));
    form.push(("version", "1"));
    let updated = app.rpc(&c, "contacts/update", &form).await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["last_name"], "Weiß-Schmidt");
    assert_eq!(
        updated.body["phone"],
        serde_json::Value::Null,
        "an emptied field is removed"
    );
    assert_eq!(updated.body["version"], 2);

    // A second edit based on the old version is refused instead of silently overwriting.
    let stale = app.rpc(&c, "contacts/update", &form).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    assert_eq!(
        app.rpc(&c, "contacts/delete", &[("id", &id)]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.rpc(&c, "contacts/get", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.rpc(&c, "contacts/delete", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_email_is_a_field_error_and_saves_nothing() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let response = app
        .rpc(
            &c,
            "contacts/create",
            &contact_form("Anna", "", "anna(at)example", "12"),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!("invalid_contact", response.body);
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);
}

#[tokio::test]
async fn a_failed_update_leaves_the_contact_as_it_was() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let id = id_of(
        &app.create_contact(&c, "Anna", "Alt", "anna@example.de")
            .await
            .body,
    );
    app.create_contact(&c, "Bert", "Bauer", "bert@example.de")
        .await;
    let mut form = contact_form("Anna", "Neu", "bert@example.de", "");
    form.push(("id", &id));
    form.push(("version", "1"));
    let response = app.rpc(&c, "contacts/update", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.body["fields"][0]["problem"], "email_taken");
    let unchanged = app.rpc(&c, "contacts/get", &[("id", &id)]).await;
    assert_eq!(unchanged.body["last_name"], "Alt");
    assert_eq!(unchanged.body["version"], 1);
}

#[tokio::test]
async fn keyset_pages_walk_forward_and_back_in_order() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    for i in 0..120 {
        let r = app
            .create_contact(
                &c,
                &format!("Vorname{i:03}"),
                &format!("Nachname{:03}", (i * 37) % 120),
                &format!("p{i}@example.de"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let mut seen = vec![];
    let mut pages = vec![];
    let mut after: Option<String> = None;
    loop {
        let extra: Vec<(&str, &str)> = after.iter().map(|a| ("query[after]", a.as_str())).collect();
        let page = app.list_contacts(&c, &extra).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body["total"], 120);
        let names: Vec<String> = page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["last_name"].as_str().unwrap().to_owned())
            .collect();
        seen.extend(names);
        pages.push(page.body.clone());
        match page.body["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages.len(), 3, "50 + 50 + 20");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages are in name order");
    sorted.dedup();
    assert_eq!(sorted.len(), 120, "no row twice, none missing");

    // Back from the last page gives exactly the middle page again.
    let prev = pages[2]["prev"].as_str().unwrap();
    let back = app.list_contacts(&c, &[("query[before]", prev)]).await;
    assert_eq!(back.body["items"], pages[1]["items"]);
    let back_again = app
        .list_contacts(
            &c,
            &[("query[before]", back.body["prev"].as_str().unwrap())],
        )
        .await;
    assert_eq!(back_again.body["items"], pages[0]["items"]);
    assert_eq!(
        back_again.body["prev"],
        serde_json::Value::Null,
        "the first page has no previous"
    );

    let newest = app
        .list_contacts(&c, &[("query[sort]", "NewestFirst")])
        .await;
    assert_eq!(newest.body["items"][0]["first_name"], "Vorname119");
}

#[tokio::test]
async fn search_finds_by_email_phone_name_prefix_and_umlaut_variants() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let phone_contact = [
        ("input[first_name]", "Bernd"),
        ("input[last_name]", "Schulz"),
        ("input[email]", "bernd_s@example.de"),
        ("input[phone]", "+49 30 1234567"),
        ("input[organisation]", "Spree Immobilien KG"),
        ("input[notes]", ""),
    ];
    app.rpc(&c, "contacts/create", &phone_contact).await;
    app.create_contact(&c, "Erika", "Müller", "erika@example.de")
        .await;
    app.create_contact(&c, "Müller", "Müllerschön", "mm@example.de")
        .await;
    app.create_contact(&c, "Carla", "Weber", "carla@example.de")
        .await;
    let names = |body: &serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["last_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let search = |q: &'static str| {
        let app = &app;
        let c = &c;
        async move { app.list_contacts(c, &[("query[q]", q)]).await.body }
    };

    for variant in ["Müller", "Mueller", "MÜLLER", "mül", "muel"] {
        let r = search(variant).await;
        assert_eq!(r["total"], 2, "{variant}");
        assert_eq!(r["ranked"], true);
    }
    // A whole-word match ranks before a mere prefix match.
    assert_eq!(names(&search("Müller").await), ["Müller", "Müllerschön"]);
    assert_eq!(
        names(&search("erika müller").await),
        ["Müller"],
        "every word must match"
    );
    assert_eq!(
        names(&search("spree").await),
        ["Schulz"],
        "organisation words are searchable"
    );
    assert_eq!(
        names(&search("BERND_S@example.de").await),
        ["Schulz"],
        "e-mail: exact, any case"
    );
    assert_eq!(
        names(&search("030 / 123 45 67").await),
        ["Schulz"],
        "phone: any notation"
    );
    assert_eq!(
        search("_s@").await["total"],
        0,
        "e-mail search is exact, not a substring"
    );
    assert_eq!(search("%").await["total"], 0);
    assert_eq!(search("x").await["total"], 0, "one letter is too short");

    let other = app.owner_of("other").await;
    app.create_contact(&other, "Otto", "Müller", "otto@example.de")
        .await;
    let r = app.list_contacts(&other, &[("query[q]", "müller")]).await;
    assert_eq!(names(&r.body), ["Müller"]);
    assert_eq!(
        r.body["items"][0]["first_name"], "Otto",
        "only the own tenant's contact"
    );
    assert_eq!(search("otto").await["total"], 0);
}

#[tokio::test]
async fn search_results_are_paged() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    for i in 0..60 {
        app.create_contact(
            &c,
            &format!("Anna{i}"),
            "Schmidt",
            &format!("a{i}@example.de"),
        )
        .await;
    }
    let first = app.list_contacts(&c, &[("query[q]", "schmidt")]).await.body;
    assert_eq!(first["total"], 60);
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    let second = app
        .list_contacts(
            &c,
            &[
                ("query[q]", "schmidt"),
                ("query[after]", first["next"].as_str().unwrap()),
            ],
        )
        .await
        .body;
    assert_eq!(second["items"].as_array().unwrap().len(), 10);
    assert_eq!(second["next"], serde_json::Value::Null);
    let mut ids: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60);
}

#[tokio::test]
async fn contacts_need_a_session_and_the_right_role() {
    let app = spawn_app().await;
    let anonymous = app.list_contacts(&client(), &[]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.body, error_body("unauthenticated"));

    let c = app.owner_of("acme").await;
    let id = id_of(&app.create_contact(&c, "Anna", "A", "").await.body);
    sqlx::query("UPDATE users SET role = 'dpo'")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(
        app.rpc(&c, "contacts/get", &[("id", &id)]).await.status,
        StatusCode::OK,
        "the DPO may read"
    );
    assert_eq!(
        app.create_contact(&c, "B", "B", "").await.status,
        StatusCode::FORBIDDEN,
        "but not write"
    );
    assert_eq!(
        app.rpc(&c, "contacts/delete", &[("id", &id)]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);
}

#[tokio::test]
async fn another_tenants_contact_is_not_found() {
    let app = spawn_app().await;
    let a = app.owner_of("alpha").await;
    let b = app.owner_of("beta").await;
    let id = id_of(&app.create_contact(&a, "Anna", "Alpha", "").await.body);
    assert_eq!(
        app.rpc(&b, "contacts/get", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    let mut form = contact_form("Evil", "Edit", "", "");
    form.push(("id", &id));
    form.push(("version", "1"));
    assert_eq!(
        app.rpc(&b, "contacts/update", &form).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.rpc(&b, "contacts/delete", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.list_contacts(&b, &[]).await.body["total"], 0);
    assert_eq!(
        app.rpc(&a, "contacts/get", &[("id", &id)]).await.body["last_name"],
        "Alpha"
    );
}
