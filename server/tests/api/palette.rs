//! The command palette's type-ahead: names, e-mail and phone, across both kinds of
//! records, only in the own tenant, audited without the query.

use crate::helpers::spawn_app;
use app::api::palette::PaletteSearch;

#[tokio::test]
async fn type_ahead_finds_people_and_companies_by_name_email_and_phone() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let org = app
        .create_organisation(&c, "Bäckerei Sonnenschein KG")
        .await;
    let erika = app
        .create_contact(&c, "Erika", "Müller", "erika@sonnenschein.example")
        .await
        .ok()
        .id;
    app.create_contact(&c, "Hans", "Weber", "hans@weber.example")
        .await
        .ok();
    let find = |q: &'static str| {
        let (app, c) = (&app, &c);
        async move { app.call(c, PaletteSearch { q: q.into() }).await.ok() }
    };
    let by_prefix = find("mül").await;
    assert_eq!(
        by_prefix.contacts.iter().map(|h| h.id).collect::<Vec<_>>(),
        [erika]
    );
    assert_eq!(by_prefix.contacts[0].title, "Erika Müller");
    assert_eq!(by_prefix.contacts[0].href, format!("/contacts/{erika}"));
    assert_eq!(find("ERIKA@sonnenschein.example").await.contacts.len(), 1);
    let company = find("baeckerei").await;
    assert_eq!(company.organisations.len(), 1);
    assert_eq!(company.organisations[0].id, org);
    assert!(
        find("x").await.contacts.is_empty(),
        "one letter is too short"
    );

    let other = app.owner_of("other").await;
    let theirs = app
        .call(&other, PaletteSearch { q: "mül".into() })
        .await
        .ok();
    assert!(theirs.contacts.is_empty() && theirs.organisations.is_empty());

    let searches = app.audit_rows("contact.search").await;
    assert_eq!(searches[0].1, vec![erika], "the hits shown are named");
    let log: String = sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM audit_log t")
        .fetch_one(app.seal_audit().await)
        .await
        .unwrap();
    assert!(
        !log.to_lowercase().contains("mül") && !log.contains("baeckerei"),
        "never the query"
    );

    let council = app
        .join(&c, "br@acme.example", "works_council", "Bernd Rat")
        .await;
    let nothing = app
        .call(&council, PaletteSearch { q: "mül".into() })
        .await
        .ok();
    assert!(
        nothing.contacts.is_empty(),
        "a role without contacts finds none"
    );
}

/// A whole word ranks above a longer word it begins, whichever was made first.
#[tokio::test]
async fn type_ahead_ranks_whole_words_first() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let longer = app
        .create_contact(&c, "Hans", "Müllerschön", "hans@beispiel.example")
        .await
        .ok()
        .id;
    let whole = app
        .create_contact(&c, "Erika", "Müller", "erika@beispiel.example")
        .await
        .ok()
        .id;
    let hits = app
        .call(
            &c,
            PaletteSearch {
                q: "müller".into()
            },
        )
        .await
        .ok();
    assert_eq!(
        hits.contacts.iter().map(|h| h.id).collect::<Vec<_>>(),
        [whole, longer]
    );
}

/// The type-ahead ranks among the first candidates of each word; a query of several
/// common words whose one match lies beyond them still finds it.
#[tokio::test]
async fn type_ahead_stays_complete_beyond_its_candidates() {
    use app::backend::search::TYPE_AHEAD_CANDIDATES;
    use app::backend::services::contacts::insert_many_unaudited;
    use app::model::contacts::ContactInput;
    use app::model::palette::HITS;

    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let me = app.me(&c).await;
    let many = TYPE_AHEAD_CANDIDATES as usize + 20;
    let person = |first: &str, last: String| {
        (
            uuid::Uuid::now_v7(),
            ContactInput {
                first_name: first.into(),
                last_name: last,
                ..Default::default()
            }
            .normalized(),
        )
    };
    let mut rows: Vec<_> = (0..many).map(|_| person("Anna", "Meier".into())).collect();
    rows.extend((0..many).map(|_| person("Berta", "Zebra".into())));
    // Made last, so beyond the first candidates of both "anna" and "zebra".
    rows.push(person("Anna", "Zebra".into()));
    let target = rows.last().unwrap().0;
    let tenant: uuid::Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    let mut scope = app::backend::Scope::begin(app.backend(), tenant, me.user_id)
        .await
        .unwrap();
    insert_many_unaudited(&mut scope, &rows).await.unwrap();
    scope.commit().await.unwrap();

    let find = |q: &'static str| {
        let (app, c) = (&app, &c);
        async move { app.call(c, PaletteSearch { q: q.into() }).await.ok() }
    };
    let both = find("anna zebra").await;
    assert_eq!(
        both.contacts.iter().map(|h| h.id).collect::<Vec<_>>(),
        [target]
    );
    let one = find("ann").await;
    assert_eq!(
        one.contacts.len() as i64,
        HITS,
        "a common prefix fills the palette"
    );
    assert!(one.contacts.iter().all(|h| h.title.starts_with("Anna ")));
}
