//! The interaction timeline: order, filters, pages, shared entries, erasure, history.

use crate::helpers::{spawn_app, TestApp};
use app::api::contacts::{DeleteContact, PatchContact};
use app::api::timeline::{DeleteInteraction, ListTimeline, LogInteraction, UpdateInteraction};
use app::model::contacts::{ContactPatch, LifecycleStage};
use app::model::timeline::{
    CallOutcome, Direction, HistoryEvent, Interaction, InteractionInput, InteractionKind,
    TimelinePage, TimelineQuery, TimelineShow,
};
use app::model::validation::Problem;
use app::AppError;
use reqwest::Client;
use uuid::Uuid;

fn note(contacts: &[Uuid], at: &str, body: &str) -> InteractionInput {
    InteractionInput {
        kind: InteractionKind::Note,
        occurred_at: at.into(),
        body: body.into(),
        contact_ids: contacts.to_vec(),
        ..Default::default()
    }
}

async fn log(app: &TestApp, c: &Client, input: InteractionInput) -> Interaction {
    app.call(c, LogInteraction { input }).await.ok()
}

async fn timeline(app: &TestApp, c: &Client, query: TimelineQuery) -> TimelinePage {
    app.call(c, ListTimeline { query }).await.ok()
}

fn bodies(page: &TimelinePage) -> Vec<String> {
    page.items.iter().map(|i| i.body.clone()).collect()
}

#[tokio::test]
async fn entries_come_newest_first_and_filter_by_kind_period_and_words() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let anna = app.create_contact(&c, "Anna", "Alt", "").await.ok().id;
    log(
        &app,
        &c,
        note(&[anna], "2026-10-01T09:00", "Erstgespräch auf der Messe"),
    )
    .await;
    let call = InteractionInput {
        kind: InteractionKind::Call,
        direction: Some(Direction::Outbound),
        outcome: Some(CallOutcome::Voicemail),
        duration_minutes: "3".into(),
        subject: "Rückruf".into(),
        ..note(&[anna], "2026-11-15T14:30", "Angebot besprochen")
    };
    let logged = log(&app, &c, call).await;
    assert_eq!(logged.duration_minutes, Some(3));
    assert_eq!(logged.outcome, Some(CallOutcome::Voicemail));
    log(
        &app,
        &c,
        note(&[anna], "2026-11-20T08:00", "Lieferung bestätigt"),
    )
    .await;

    let all = timeline(&app, &c, TimelineQuery::for_record(anna)).await;
    assert_eq!(
        bodies(&all),
        [
            "Lieferung bestätigt",
            "Angebot besprochen",
            "Erstgespräch auf der Messe"
        ]
    );
    assert_eq!(all.items[1].contacts[0].name, "Anna Alt");
    let calls = TimelineQuery {
        kind: Some(InteractionKind::Call),
        ..TimelineQuery::for_record(anna)
    };
    assert_eq!(
        bodies(&timeline(&app, &c, calls).await),
        ["Angebot besprochen"]
    );
    let november = TimelineQuery {
        from: "2026-11-01".into(),
        to: "2026-11-15".into(),
        ..TimelineQuery::for_record(anna)
    };
    assert_eq!(
        bodies(&timeline(&app, &c, november).await),
        ["Angebot besprochen"]
    );
    let words = TimelineQuery {
        q: "messe".into(),
        ..TimelineQuery::for_record(anna)
    };
    assert_eq!(
        bodies(&timeline(&app, &c, words).await),
        ["Erstgespräch auf der Messe"],
        "words in the sealed body are found through keyed tokens"
    );
    // The sealed text is nowhere in plaintext.
    let dump: String = sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM interactions t")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert!(!dump.contains("Messe") && !dump.contains("Angebot"));
    // One audit entry per page, naming the contact, never the text.
    let reads = app.audit_rows("interaction.list").await;
    assert_eq!(reads.len(), 4);
    assert!(reads.iter().all(|(_, subjects)| subjects == &vec![anna]));
}

#[tokio::test]
async fn pages_walk_back_in_time_and_forward_again() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let anna = app.create_contact(&c, "Anna", "Alt", "").await.ok().id;
    for i in 0..60 {
        let at = format!("2026-10-{:02}T{:02}:00", 1 + i / 24, i % 24);
        log(&app, &c, note(&[anna], &at, &format!("Notiz {i:02}"))).await;
    }
    let first = timeline(&app, &c, TimelineQuery::for_record(anna)).await;
    assert_eq!(first.items.len(), 50);
    assert_eq!(first.items[0].body, "Notiz 59");
    assert!(first.prev.is_none());
    let second = timeline(
        &app,
        &c,
        TimelineQuery {
            after: first.next.clone(),
            ..TimelineQuery::for_record(anna)
        },
    )
    .await;
    assert_eq!(
        bodies(&second).first().map(String::as_str),
        Some("Notiz 09")
    );
    assert_eq!(second.items.len(), 10);
    assert!(second.next.is_none());
    let back = timeline(
        &app,
        &c,
        TimelineQuery {
            before: second.prev.clone(),
            ..TimelineQuery::for_record(anna)
        },
    )
    .await;
    assert_eq!(bodies(&back), bodies(&first));
}

#[tokio::test]
async fn a_shared_entry_appears_for_each_person_and_outlives_one_erasure() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let org = app.create_organisation(&c, "Alpen Solar AG").await;
    let anna = app
        .create_contact(&c, "Anna", "Alt", "anna@example.de")
        .await
        .ok()
        .id;
    let bert = app.create_contact(&c, "Bert", "Bauer", "").await.ok().id;
    sqlx::query("UPDATE contacts SET organisation_id = $1 WHERE contact_id = $2")
        .bind(org)
        .bind(anna)
        .execute(&app.db.superuser)
        .await
        .unwrap();
    let meeting = InteractionInput {
        kind: InteractionKind::Meeting,
        ..note(&[anna, bert], "2026-11-02T10:00", "Jahresgespräch zu dritt")
    };
    let shared = log(&app, &c, meeting).await;
    assert_eq!(shared.contacts.len(), 2);
    assert_eq!(
        shared.organisation.as_ref().map(|o| o.id),
        Some(org),
        "Anna's company too"
    );
    for record in [anna, bert, org] {
        let page = timeline(&app, &c, TimelineQuery::for_record(record)).await;
        assert_eq!(bodies(&page), ["Jahresgespräch zu dritt"], "{record}");
    }
    let alone = log(&app, &c, note(&[anna], "2026-11-03T10:00", "Nur Anna")).await;

    // Erasing Anna: the shared meeting stays for Bert, her own note goes with her.
    app.call(&c, DeleteContact { id: anna }).await.ok();
    let berts = timeline(&app, &c, TimelineQuery::for_record(bert)).await;
    assert_eq!(bodies(&berts), ["Jahresgespräch zu dritt"]);
    let names: Vec<&str> = berts.items[0]
        .contacts
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["Bert Bauer"], "Anna is no longer named on it");
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM interactions WHERE interaction_id = $1)
              + (SELECT count(*) FROM subject_keys WHERE subject_id = $1)
              + (SELECT count(*) FROM search_tokens WHERE record_id = $1)",
    )
    .bind(alone.id)
    .fetch_one(&app.db.superuser)
    .await
    .unwrap();
    assert_eq!(left, 0, "her own note, its key and its tokens are erased");
    assert_eq!(
        app.count("SELECT count(*) FROM interaction_links").await,
        2,
        "Bert and the organisation keep the shared meeting"
    );
}

#[tokio::test]
async fn record_changes_are_history_that_a_filter_separates() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let me = app.me(&c).await.user_id;
    let anna = app.create_contact(&c, "Anna", "Alt", "").await.ok().id;
    log(&app, &c, note(&[anna], "", "Angerufen")).await;
    let patched = app
        .call(
            &c,
            PatchContact {
                id: anna,
                version: 1,
                change: ContactPatch::Stage(LifecycleStage::Customer),
            },
        )
        .await
        .ok();
    app.call(
        &c,
        PatchContact {
            id: anna,
            version: patched.version,
            change: ContactPatch::Owner(Some(me)),
        },
    )
    .await
    .ok();
    let history = timeline(
        &app,
        &c,
        TimelineQuery {
            show: TimelineShow::History,
            ..TimelineQuery::for_record(anna)
        },
    )
    .await;
    let events: Vec<HistoryEvent> = history
        .items
        .iter()
        .filter_map(|i| i.history.clone())
        .collect();
    assert_eq!(
        events,
        [
            HistoryEvent::OwnerChanged {
                from: None,
                to: Some(me)
            },
            HistoryEvent::StageChanged {
                from: LifecycleStage::Lead,
                to: LifecycleStage::Customer
            },
        ]
    );
    let activity = timeline(
        &app,
        &c,
        TimelineQuery {
            show: TimelineShow::Activity,
            ..TimelineQuery::for_record(anna)
        },
    )
    .await;
    assert_eq!(bodies(&activity), ["Angerufen"]);
    // History is the record's own account: it cannot be edited or deleted.
    let id = history.items[0].id;
    assert_eq!(
        app.call(&c, DeleteInteraction { id }).await.err(),
        AppError::Forbidden
    );
}

#[tokio::test]
async fn bad_entries_are_refused_and_edits_are_locked_by_version() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let anna = app.create_contact(&c, "Anna", "Alt", "").await.ok().id;
    let empty = app
        .call(
            &c,
            LogInteraction {
                input: note(&[anna], "", ""),
            },
        )
        .await
        .err();
    assert_eq!(
        empty.field_errors().and_then(|f| f.get("body")),
        Some(Problem::Required)
    );
    let stranger = app
        .call(
            &c,
            LogInteraction {
                input: note(&[Uuid::now_v7()], "", "Hallo"),
            },
        )
        .await
        .err();
    assert_eq!(
        stranger.field_errors().and_then(|f| f.get("contact_ids")),
        Some(Problem::UnknownReference)
    );
    let other = app.owner_of("other").await;
    let theirs = app
        .create_contact(&other, "Otto", "Anders", "")
        .await
        .ok()
        .id;
    let across = app
        .call(
            &c,
            LogInteraction {
                input: note(&[theirs], "", "Hallo"),
            },
        )
        .await
        .err();
    assert!(
        across.field_errors().is_some(),
        "another tenant's contact is unknown here"
    );
    assert_eq!(app.count("SELECT count(*) FROM interactions").await, 0);

    let entry = log(&app, &c, note(&[anna], "", "Erst")).await;
    let edit = UpdateInteraction {
        id: entry.id,
        version: 1,
        input: note(&[anna], "", "Korrigiert"),
    };
    assert_eq!(app.call(&c, edit.clone()).await.ok().body, "Korrigiert");
    assert_eq!(app.call(&c, edit).await.err(), AppError::Conflict);

    let council = app
        .join(&c, "br@acme.example", "works_council", "Bernd Rat")
        .await;
    assert_eq!(
        app.call(
            &council,
            ListTimeline {
                query: TimelineQuery::for_record(anna)
            }
        )
        .await
        .err(),
        AppError::Forbidden,
        "the works council reviews the audit log, not customer histories"
    );
}
