//! Duplicates: the scan finds one person typed twice; a merge keeps everything on the
//! survivor, names both in the audit log, and can be undone.

use crate::helpers::{email_list, spawn_app, TestApp};
use app::api::calendar::{CreateAppointment, LoadCalendar};
use app::api::contacts::{CreateContact, GetContact, ListContacts, PatchContact};
use app::api::duplicates::{MergeContacts, MergeHistory, PreviewMerge, ScanDuplicates, UndoMerge};
use app::api::palette::PaletteSearch;
use app::api::tasks::{CreateTask, ListTasks};
use app::api::timeline::{ListTimeline, LogInteraction};
use app::model::calendar::{AppointmentInput, CalendarQuery};
use app::model::contacts::{Contact, ContactField, ContactInput, ContactPatch, LifecycleStage};
use app::model::duplicates::{DuplicateReason, MergeRequest};
use app::model::tasks::{TaskInput, TaskListQuery, TaskOwner};
use app::model::timeline::{InteractionInput, TimelineQuery};
use app::AppError;
use reqwest::Client;
use uuid::Uuid;

async fn create(app: &TestApp, c: &Client, input: ContactInput) -> Contact {
    app.call(
        c,
        CreateContact {
            input,
            confirmed: true,
        },
    )
    .await
    .ok()
}

/// Jörg Müller twice, typed differently, at one company; and Jörg Muller, another man.
async fn the_pair(app: &TestApp, c: &Client) -> (Contact, Contact, Contact) {
    let org = app.create_organisation(c, "Müller Maschinenbau GmbH").await;
    let person = |first: &str, last: &str, email: &str| ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        emails: email_list(email),
        organisation_id: Some(org),
        ..Default::default()
    };
    let joerg = create(app, c, person("Jörg", "Müller", "joerg.mueller@example.de")).await;
    let twin = create(
        app,
        c,
        ContactInput {
            position: "Einkauf".into(),
            stage: LifecycleStage::Customer,
            tags: "VIP".into(),
            ..person("Joerg", "Mueller", "JOERG.MUELLER@example.de")
        },
    )
    .await;
    let other = create(app, c, person("Jörg", "Muller", "j.muller@example.de")).await;
    (joerg, twin, other)
}

#[tokio::test]
async fn the_scan_finds_the_joerg_mueller_pair_and_leaves_muller_alone() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let (joerg, twin, other) = the_pair(&app, &c).await;
    let groups = app.call(&c, ScanDuplicates {}).await.ok();
    assert!(!groups.is_empty());
    for group in &groups {
        let ids: Vec<Uuid> = group.contacts.iter().map(|c| c.id).collect();
        assert!(ids.contains(&joerg.id) && ids.contains(&twin.id), "{ids:?}");
        assert!(!ids.contains(&other.id), "Muller is another person");
    }
    assert_eq!(groups.len(), 1, "one group for one person");
    let reasons = &groups[0].reasons;
    assert!(reasons.contains(&DuplicateReason::SameEmail));
    assert!(reasons.contains(&DuplicateReason::SameNameSameOrganisation));
}

#[tokio::test]
async fn a_merge_keeps_every_entry_on_the_survivor_and_can_be_undone() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let (joerg, twin, _) = the_pair(&app, &c).await;
    let note = |contacts: Vec<Uuid>, body: &str| InteractionInput {
        body: body.into(),
        contact_ids: contacts,
        ..Default::default()
    };
    app.call(
        &c,
        LogInteraction {
            input: note(vec![twin.id], "Nur beim Zwilling"),
        },
    )
    .await
    .ok();
    app.call(
        &c,
        LogInteraction {
            input: note(vec![joerg.id, twin.id], "Bei beiden"),
        },
    )
    .await
    .ok();
    let task = TaskInput {
        title: "Angebot".into(),
        contact_id: Some(twin.id),
        ..Default::default()
    };
    app.call(&c, CreateTask { input: task }).await.ok();
    let visit = AppointmentInput {
        title: "Besuch".into(),
        start_date: "2026-12-02".into(),
        start_time: "10:00".into(),
        contact_ids: vec![twin.id],
        ..Default::default()
    };
    app.call(&c, CreateAppointment { input: visit }).await.ok();

    let preview = app
        .call(
            &c,
            PreviewMerge {
                survivor: joerg.id,
                duplicate: twin.id,
            },
        )
        .await
        .ok();
    assert!(preview.differing.contains(&ContactField::Position));
    assert!(preview.differing.contains(&ContactField::FirstName));
    assert_eq!(
        (preview.interactions, preview.tasks, preview.appointments),
        (2, 1, 1)
    );

    let request = MergeRequest {
        survivor: joerg.id,
        duplicate: twin.id,
        version: preview.survivor.version,
        take: vec!["position".into(), "stage".into()],
    };
    let merged = app.call(&c, MergeContacts { request }).await.ok();
    assert_eq!(merged.input.first_name, "Jörg", "kept");
    assert_eq!(merged.input.position, "Einkauf", "taken");
    assert_eq!(merged.input.stage, LifecycleStage::Customer);
    assert_eq!(merged.input.tags, "VIP", "lists joined");
    assert_eq!(merged.input.emails.len(), 1, "the same address once");

    // Everything is on the survivor now; the duplicate is gone from view.
    let timeline = app
        .call(
            &c,
            ListTimeline {
                query: TimelineQuery::for_record(joerg.id),
            },
        )
        .await
        .ok();
    let bodies: Vec<&str> = timeline
        .items
        .iter()
        .map(|i| i.body.as_str())
        .filter(|b| !b.is_empty())
        .collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    let tasks = app
        .call(
            &c,
            ListTasks {
                query: TaskListQuery {
                    owner: TaskOwner::Record(joerg.id),
                    ..Default::default()
                },
            },
        )
        .await
        .ok();
    assert_eq!(tasks.items.len(), 1);
    let week = CalendarQuery {
        date: "2026-12-02".into(),
        record: Some(joerg.id),
        ..Default::default()
    };
    assert_eq!(
        app.call(
            &c,
            LoadCalendar {
                query: week.clone()
            }
        )
        .await
        .ok()
        .appointments
        .len(),
        1
    );
    assert_eq!(
        app.call(&c, GetContact { id: twin.id }).await.err(),
        AppError::NotFound
    );
    let listed = app
        .call(
            &c,
            ListContacts {
                query: Default::default(),
            },
        )
        .await
        .ok();
    assert!(listed.items.iter().all(|i| i.id != twin.id));
    let palette = app
        .call(
            &c,
            PaletteSearch {
                q: "joerg mueller".into(),
            },
        )
        .await
        .ok();
    let found: Vec<Uuid> = palette.contacts.iter().map(|h| h.id).collect();
    assert!(
        found.contains(&joerg.id) && !found.contains(&twin.id),
        "the merged twin is not found"
    );

    // The survivor's audit history names both.
    let merges = app.audit_rows("contact.merge").await;
    assert_eq!(merges.len(), 1);
    let mut both = vec![joerg.id, twin.id];
    both.sort();
    assert_eq!(merges[0].1, both);
    let history = app.call(&c, MergeHistory { survivor: joerg.id }).await.ok();
    assert_eq!(history.len(), 1);
    assert!(history[0].can_undo);
    assert_eq!(history[0].duplicate_name, "Joerg Mueller");

    // Undo: both back as they were, each with their own entries.
    let restored = app.call(&c, UndoMerge { id: history[0].id }).await.ok();
    assert_eq!(restored.input.position, "");
    assert_eq!(restored.input.stage, LifecycleStage::Lead);
    let twin_back = app.call(&c, GetContact { id: twin.id }).await.ok();
    assert_eq!(twin_back.input.position, "Einkauf");
    let twin_timeline = app
        .call(
            &c,
            ListTimeline {
                query: TimelineQuery::for_record(twin.id),
            },
        )
        .await
        .ok();
    let twin_bodies: Vec<&str> = twin_timeline
        .items
        .iter()
        .map(|i| i.body.as_str())
        .filter(|b| !b.is_empty())
        .collect();
    assert_eq!(twin_bodies.len(), 2, "his own note and the shared one");
    let joerg_timeline = app
        .call(
            &c,
            ListTimeline {
                query: TimelineQuery::for_record(joerg.id),
            },
        )
        .await
        .ok();
    let joerg_bodies: Vec<&str> = joerg_timeline
        .items
        .iter()
        .map(|i| i.body.as_str())
        .filter(|b| !b.is_empty())
        .collect();
    assert_eq!(joerg_bodies, ["Bei beiden"]);
    let twin_tasks = app
        .call(
            &c,
            ListTasks {
                query: TaskListQuery {
                    owner: TaskOwner::Record(twin.id),
                    ..Default::default()
                },
            },
        )
        .await
        .ok();
    assert_eq!(twin_tasks.items.len(), 1);
    let twin_week = CalendarQuery {
        record: Some(twin.id),
        ..week
    };
    assert_eq!(
        app.call(&c, LoadCalendar { query: twin_week })
            .await
            .ok()
            .appointments
            .len(),
        1
    );
    assert_eq!(app.audit_rows("contact.merge_undone").await[0].1, both);
    assert_eq!(
        app.call(&c, UndoMerge { id: history[0].id }).await.err(),
        AppError::Conflict,
        "a merge is undone once"
    );
}

#[tokio::test]
async fn undo_is_refused_once_the_survivor_changed_and_merging_needs_delete_rights() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let (joerg, twin, _) = the_pair(&app, &c).await;
    let request = MergeRequest {
        survivor: joerg.id,
        duplicate: twin.id,
        version: joerg.version,
        take: vec![],
    };
    let merged = app
        .call(
            &c,
            MergeContacts {
                request: request.clone(),
            },
        )
        .await
        .ok();
    app.call(
        &c,
        PatchContact {
            id: joerg.id,
            version: merged.version,
            change: ContactPatch::Notes("später".into()),
        },
    )
    .await
    .ok();
    let history = app.call(&c, MergeHistory { survivor: joerg.id }).await.ok();
    assert!(!history[0].can_undo);
    assert_eq!(
        app.call(&c, UndoMerge { id: history[0].id }).await.err(),
        AppError::Conflict
    );

    let dpo = app
        .join(&c, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    assert_eq!(
        app.call(&dpo, MergeContacts { request }).await.err(),
        AppError::Forbidden
    );
}
