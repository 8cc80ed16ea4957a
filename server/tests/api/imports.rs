//! CSV import: a German Excel file with bad rows, duplicates by e-mail and customer
//! number, undo, and all-or-nothing on failure and on cancel.

use crate::helpers::{email_list, spawn_app, TestApp};
use app::api::contacts::{CreateContact, GetContact, ListContacts};
use app::api::imports::{CancelImport, LoadImport, LoadImportProgress, StartImport, UndoImport};
use app::model::contacts::{ContactInput, ContactListQuery};
use app::model::imports::{
    ImportDraft, ImportField, ImportProgress, ImportSettings, ImportState, MatchBy, OnMatch,
};
use app::model::validation::Problem;
use reqwest::Client;
use std::time::Duration;
use uuid::Uuid;

/// Text as German Excel saves "CSV (Trennzeichen-getrennt)": Windows-1252, `;`, CRLF.
fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

const GERMAN_EXPORT: &str = "Anrede;Vorname;Nachname;E-Mail;Telefon;Geburtstag;Firma;Mitarbeiter;Kundennummer\r\n\
Frau;Käthe;Groß;kaethe.gross@alpen-solar.example;+49 8821 12345;03.04.1975;Alpen Solar AG;1.250;K-1001\r\n\
Herr;Jürgen;Weiß;juergen.weiss@alpen-solar.example;08821 23456;;Alpen Solar AG;1.250;K-1002\r\n\
Herr;Björn;Schäfer;bjoern@beispiel.example;;31.12.1980;Schwarzwald Holztechnik GmbH;45;K-1003\r\n\
Frau;Özlem;Öztürk;oezlem@beispiel.example;;;;;K-1004\r\n\
Frau;Anna;;anna@beispiel.example;;;;;K-1005\r\n\
Herr;Bernd;Bauer;bernd(at)beispiel;;30.02.1980;;;K-1006\r\n";

async fn upload(app: &TestApp, c: &Client, bytes: Vec<u8>) -> ImportDraft {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("kunden.csv");
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = c
        .post(format!("{}/imports", app.address))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn wait(app: &TestApp, c: &Client, id: Uuid) -> ImportProgress {
    for _ in 0..600 {
        let progress = app.call(c, LoadImportProgress { id }).await.ok();
        if progress.state != ImportState::Running {
            return progress;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import did not finish");
}

async fn import(
    app: &TestApp,
    c: &Client,
    bytes: Vec<u8>,
    on_match: OnMatch,
    match_by: MatchBy,
) -> (Uuid, ImportProgress) {
    let draft = upload(app, c, bytes).await;
    let settings = ImportSettings {
        on_match,
        match_by,
        ..draft.settings
    };
    app.call(
        c,
        StartImport {
            id: draft.id,
            settings,
        },
    )
    .await
    .ok();
    (draft.id, wait(app, c, draft.id).await)
}

async fn last_names(app: &TestApp, c: &Client) -> Vec<String> {
    let page = app
        .call(
            c,
            ListContacts {
                query: ContactListQuery::default(),
            },
        )
        .await
        .ok();
    page.items.into_iter().map(|i| i.last_name).collect()
}

#[tokio::test]
async fn a_german_excel_export_imports_its_good_rows_and_reports_the_bad_ones() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let draft = upload(&app, &c, windows_1252(GERMAN_EXPORT)).await;
    assert_eq!(
        (
            draft.encoding.as_str(),
            draft.delimiter.as_str(),
            draft.row_count
        ),
        ("windows-1252", ";", 6)
    );
    assert_eq!(draft.columns[2], "Nachname");
    assert_eq!(draft.preview[0][1], "Käthe", "umlauts decoded");
    use ImportField::*;
    assert_eq!(
        draft.settings.fields,
        [
            Salutation,
            FirstName,
            LastName,
            Email,
            Phone,
            Birthday,
            Organisation,
            Employees,
            ExternalId
        ],
        "mapped from the German headers"
    );
    let reloaded = app.call(&c, LoadImport { id: draft.id }).await.ok();
    assert_eq!(reloaded.columns, draft.columns);

    app.call(
        &c,
        StartImport {
            id: draft.id,
            settings: draft.settings.clone(),
        },
    )
    .await
    .ok();
    let done = wait(&app, &c, draft.id).await;
    assert_eq!(done.state, ImportState::Done, "{done:?}");
    let report = done.report.unwrap();
    assert_eq!(
        (report.created, report.failed, report.organisations_created),
        (4, 2, 2)
    );
    let problems: Vec<(usize, Option<usize>, Problem)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.problem))
        .collect();
    assert!(
        problems.contains(&(6, Some(2), Problem::Required)),
        "Anna has no last name: {problems:?}"
    );
    assert!(
        problems.contains(&(7, Some(3), Problem::InvalidEmail)),
        "{problems:?}"
    );
    assert!(
        problems.contains(&(7, Some(5), Problem::InvalidDate)),
        "{problems:?}"
    );

    assert_eq!(
        last_names(&app, &c).await,
        ["Groß", "Öztürk", "Schäfer", "Weiß"]
    );
    let page = app
        .call(
            &c,
            ListContacts {
                query: ContactListQuery {
                    q: "käthe".into(),
                    ..Default::default()
                },
            },
        )
        .await
        .ok();
    let kaethe = app
        .call(
            &c,
            GetContact {
                id: page.items[0].id,
            },
        )
        .await
        .ok();
    assert_eq!(kaethe.input.birthday, "1975-04-03", "German date");
    assert_eq!(kaethe.input.external_id, "K-1001");
    assert_eq!(
        kaethe.organisation.as_ref().map(|o| o.name.as_str()),
        Some("Alpen Solar AG")
    );
    assert_eq!(
        app.count("SELECT count(*) FROM organisations").await,
        2,
        "Alpen Solar once"
    );
    let size: String =
        sqlx::query_scalar("SELECT size_class FROM organisations WHERE legal_form = 'AG'")
            .fetch_one(&app.db.superuser)
            .await
            .unwrap();
    assert_eq!(size, "large", "1.250 employees, German thousands");
    let imports = app.audit_rows("contact.import").await;
    assert_eq!(
        imports[0].1.len(),
        4,
        "one entry naming every imported contact"
    );
    let file: Option<Vec<u8>> = sqlx::query_scalar("SELECT file_ct FROM imports")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert!(
        file.is_none(),
        "the uploaded file is shredded once imported"
    );
}

#[tokio::test]
async fn existing_contacts_are_skipped_or_updated_and_undo_restores_them() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let existing = app
        .call(
            &c,
            CreateContact {
                input: ContactInput {
                    first_name: "Käthe".into(),
                    last_name: "Groß".into(),
                    emails: email_list("kaethe.gross@alpen-solar.example"),
                    position: "Einkauf".into(),
                    ..Default::default()
                },
                confirmed: false,
            },
        )
        .await
        .ok();
    let (_, skipped) = import(
        &app,
        &c,
        windows_1252(GERMAN_EXPORT),
        OnMatch::Skip,
        MatchBy::Email,
    )
    .await;
    let report = skipped.report.unwrap();
    assert_eq!((report.created, report.skipped), (3, 1));
    assert_eq!(
        app.call(&c, GetContact { id: existing.id })
            .await
            .ok()
            .input
            .external_id,
        ""
    );

    // The next file, matched by customer number, updates what it names.
    let update = "Kundennummer;Position;Nachname\r\nK-1003;Geschäftsführung;Schäfer\r\n";
    let (id, updated) = import(
        &app,
        &c,
        windows_1252(update),
        OnMatch::Update,
        MatchBy::ExternalId,
    )
    .await;
    assert_eq!(
        updated.report.as_ref().map(|r| (r.created, r.updated)),
        Some((0, 1))
    );
    let page = app
        .call(
            &c,
            ListContacts {
                query: ContactListQuery {
                    q: "schäfer".into(),
                    ..Default::default()
                },
            },
        )
        .await
        .ok();
    let bjoern = page.items[0].id;
    assert_eq!(
        app.call(&c, GetContact { id: bjoern })
            .await
            .ok()
            .input
            .position,
        "Geschäftsführung"
    );

    // Undoing that import gives Björn back what he had.
    assert_eq!(app.call(&c, UndoImport { id }).await.ok(), 1);
    let back = app.call(&c, GetContact { id: bjoern }).await.ok();
    assert_eq!(back.input.position, "");
    assert_eq!(back.input.external_id, "K-1003");
    assert_eq!(
        app.call(&c, LoadImportProgress { id }).await.ok().state,
        ImportState::Undone
    );
    assert!(
        app.call(&c, UndoImport { id }).await.result.is_err(),
        "undone once"
    );
}

#[tokio::test]
async fn undoing_an_import_removes_what_it_created() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let (id, done) = import(
        &app,
        &c,
        windows_1252(GERMAN_EXPORT),
        OnMatch::Skip,
        MatchBy::Email,
    )
    .await;
    assert_eq!(done.report.unwrap().created, 4);
    assert_eq!(app.call(&c, UndoImport { id }).await.ok(), 4);
    assert!(last_names(&app, &c).await.is_empty());
    assert_eq!(app.audit_rows("contact.import_undone").await[0].1.len(), 4);
}

/// A file of `n` good rows.
fn many(n: usize) -> Vec<u8> {
    let mut text = String::from("Vorname,Nachname,E-Mail,Firma\n");
    for i in 0..n {
        text.push_str(&format!(
            "Person{i},Nachname{i},p{i}@example.de,Firma {}\n",
            i % 7
        ));
    }
    text.into_bytes()
}

#[tokio::test]
async fn a_failure_in_the_middle_leaves_nothing_behind() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    // The storage gives out after the first batch, as a full disk would.
    for sql in [
        "CREATE SEQUENCE inserted",
        "CREATE FUNCTION fail_late() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF nextval('inserted') > 700 THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER fail_late BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION fail_late()",
        "GRANT USAGE ON SEQUENCE inserted TO tessera_app",
    ] {
        sqlx::query(sql).execute(&app.db.superuser).await.unwrap();
    }
    let (_, failed) = import(&app, &c, many(1200), OnMatch::Skip, MatchBy::Email).await;
    assert_eq!(failed.state, ImportState::Failed);
    assert_eq!(failed.error.as_deref(), Some("internal"));
    assert!(
        failed.done >= 500,
        "it failed after the first batch: {failed:?}"
    );
    for table in [
        "contacts",
        "organisations",
        "import_rows",
        "search_tokens",
        "fingerprints",
    ] {
        assert_eq!(
            app.count(&format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM subject_keys WHERE subject_id IN (SELECT contact_id FROM contacts)").await, 0);
}

#[tokio::test]
async fn cancelling_a_running_import_leaves_nothing_behind() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let draft = upload(&app, &c, many(20_000)).await;
    app.call(
        &c,
        StartImport {
            id: draft.id,
            settings: draft.settings.clone(),
        },
    )
    .await
    .ok();
    for _ in 0..600 {
        if app
            .call(&c, LoadImportProgress { id: draft.id })
            .await
            .ok()
            .done
            > 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.call(&c, CancelImport { id: draft.id }).await.ok();
    let cancelled = wait(&app, &c, draft.id).await;
    assert_eq!(cancelled.state, ImportState::Cancelled, "{cancelled:?}");
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM organisations").await, 0);
}
