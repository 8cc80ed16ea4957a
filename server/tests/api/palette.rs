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
