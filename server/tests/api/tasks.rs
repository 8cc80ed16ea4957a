//! Tasks: "my tasks" in due order, overdue, done, reminders, follow-ups, erasure.

use crate::helpers::{spawn_app, TestApp};
use app::api::contacts::DeleteContact;
use app::api::tasks::{
    CompleteTask, CreateTask, DeleteTask, DismissReminder, GetTask, ListTasks, LoadReminders,
    UpdateTask,
};
use app::api::timeline::LogInteraction;
use app::model::tasks::{
    Reminder, Task, TaskInput, TaskListQuery, TaskOwner, TaskPriority, TaskStatus,
};
use app::model::timeline::InteractionInput;
use app::model::validation::Problem;
use app::AppError;
use reqwest::Client;
use time::OffsetDateTime;

fn task(title: &str, due_date: &str) -> TaskInput {
    TaskInput {
        title: title.into(),
        due_date: due_date.into(),
        ..Default::default()
    }
}

async fn create(app: &TestApp, c: &Client, input: TaskInput) -> Task {
    app.call(c, CreateTask { input }).await.ok()
}

async fn titles(app: &TestApp, c: &Client, query: TaskListQuery) -> Vec<String> {
    let page = app.call(c, ListTasks { query }).await.ok();
    page.items.into_iter().map(|t| t.input.title).collect()
}

#[tokio::test]
async fn my_tasks_come_by_due_date_and_done_ones_move_away() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let me = app.me(&c).await.user_id;
    create(&app, &c, task("Angebot schicken", "2026-12-10")).await;
    let overdue = create(&app, &c, task("Rückruf Frau Müller", "01.11.2026")).await;
    create(&app, &c, task("Irgendwann aufräumen", "")).await;
    let timed = create(
        &app,
        &c,
        TaskInput {
            due_time: "09:30".into(),
            priority: TaskPriority::High,
            ..task("Telefonkonferenz", "2026-12-10")
        },
    )
    .await;
    assert_eq!(timed.input.assignee_id, Some(me), "unassigned means: mine");
    assert_eq!(timed.input.due_time, "09:30");
    assert!(overdue.is_overdue(OffsetDateTime::now_utc()));
    assert!(!timed.is_overdue(time::macros::datetime!(2026-12-10 09:00 UTC)));

    assert_eq!(
        titles(&app, &c, TaskListQuery::default()).await,
        [
            "Rückruf Frau Müller",
            "Telefonkonferenz",
            "Angebot schicken",
            "Irgendwann aufräumen"
        ],
        "soonest first, undated last"
    );
    let done = app
        .call(
            &c,
            CompleteTask {
                id: overdue.id,
                version: 1,
                done: true,
            },
        )
        .await
        .ok();
    assert_eq!(done.status, TaskStatus::Done);
    assert!(done.completed_at.is_some());
    assert!(
        !done.is_overdue(OffsetDateTime::now_utc()),
        "done is never overdue"
    );
    assert_eq!(titles(&app, &c, TaskListQuery::default()).await.len(), 3);
    let done_list = TaskListQuery {
        done: true,
        ..Default::default()
    };
    assert_eq!(titles(&app, &c, done_list).await, ["Rückruf Frau Müller"]);
    // A stale version cannot complete it again.
    assert_eq!(
        app.call(
            &c,
            CompleteTask {
                id: overdue.id,
                version: 1,
                done: false
            }
        )
        .await
        .err(),
        AppError::Conflict
    );

    // A colleague's own list does not hold mine, everyone's does.
    let vera = app
        .join(&c, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    assert!(titles(&app, &vera, TaskListQuery::default())
        .await
        .is_empty());
    let everyone = TaskListQuery {
        owner: TaskOwner::Everyone,
        ..Default::default()
    };
    assert_eq!(titles(&app, &vera, everyone).await.len(), 3);
    // The title is sealed.
    let dump: String = sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM tasks t")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert!(!dump.contains("Müller") && !dump.contains("Angebot"));
}

#[tokio::test]
async fn bad_tasks_are_refused_field_by_field() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let input = TaskInput {
        due_time: "25:99".into(),
        reminder: Reminder::OneHour,
        ..Default::default()
    };
    let err = app.call(&c, CreateTask { input }).await.err();
    let fields = err.field_errors().unwrap();
    assert_eq!(fields.get("title"), Some(Problem::Required));
    assert_eq!(fields.get("due_date"), Some(Problem::Required));
    assert_eq!(fields.get("due_time"), Some(Problem::InvalidTime));
    let stranger = TaskInput {
        contact_id: Some(uuid::Uuid::now_v7()),
        ..task("X", "")
    };
    let err = app.call(&c, CreateTask { input: stranger }).await.err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("contact_id")),
        Some(Problem::UnknownReference)
    );
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 0);
}

#[tokio::test]
async fn a_follow_up_from_the_timeline_belongs_to_the_contact_until_the_contact_is_erased() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let anna = app.create_contact(&c, "Anna", "Alt", "").await.ok().id;
    let call = app
        .call(
            &c,
            LogInteraction {
                input: InteractionInput {
                    kind: app::model::timeline::InteractionKind::Call,
                    body: "Bitte Freitag zurückrufen".into(),
                    contact_ids: vec![anna],
                    ..Default::default()
                },
            },
        )
        .await
        .ok();
    let follow_up = create(
        &app,
        &c,
        TaskInput {
            contact_id: Some(anna),
            interaction_id: Some(call.id),
            ..task("Anna zurückrufen", "2026-12-04")
        },
    )
    .await;
    assert_eq!(
        follow_up.contact.as_ref().map(|r| r.name.as_str()),
        Some("Anna Alt")
    );
    assert_eq!(follow_up.input.interaction_id, Some(call.id));
    let annas = TaskListQuery {
        owner: TaskOwner::Record(anna),
        ..Default::default()
    };
    assert_eq!(titles(&app, &c, annas).await, ["Anna zurückrufen"]);
    let reads = app.audit_rows("task.list").await;
    assert_eq!(
        reads.last().map(|r| r.1.clone()),
        Some(vec![anna]),
        "the list read names her"
    );

    app.call(&c, DeleteContact { id: anna }).await.ok();
    assert_eq!(
        app.call(&c, GetTask { id: follow_up.id }).await.err(),
        AppError::NotFound
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM subject_keys WHERE subject_id = '{}'",
            follow_up.id
        ))
        .await,
        0,
        "the task's key is shredded with it"
    );
}

#[tokio::test]
async fn reminders_come_due_for_their_assignee_and_can_be_dismissed() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let yesterday =
        app::model::validation::iso_date(OffsetDateTime::now_utc().date().previous_day().unwrap());
    let due = create(
        &app,
        &c,
        TaskInput {
            reminder: Reminder::AtDue,
            ..task("Längst fällig", &yesterday)
        },
    )
    .await;
    create(
        &app,
        &c,
        TaskInput {
            reminder: Reminder::OneDay,
            ..task("Nächstes Jahr", "2099-01-01")
        },
    )
    .await;
    create(&app, &c, task("Ohne Erinnerung", &yesterday)).await;
    assert!(due.reminder_due);
    let reminders = app.call(&c, LoadReminders {}).await.ok();
    let titles: Vec<&str> = reminders.iter().map(|t| t.input.title.as_str()).collect();
    assert_eq!(titles, ["Längst fällig"]);

    let vera = app
        .join(&c, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    assert!(
        app.call(&vera, LoadReminders {}).await.ok().is_empty(),
        "not her task"
    );
    assert_eq!(
        app.call(&vera, DismissReminder { id: due.id }).await.err(),
        AppError::NotFound
    );

    app.call(&c, DismissReminder { id: due.id }).await.ok();
    assert!(app.call(&c, LoadReminders {}).await.ok().is_empty());
    // Moving the due date asks again.
    let tomorrow_noon = TaskInput {
        reminder: Reminder::AtDue,
        ..task("Längst fällig", &yesterday)
    };
    let edited = app
        .call(
            &c,
            UpdateTask {
                id: due.id,
                version: due.version,
                input: TaskInput {
                    due_time: "00:01".into(),
                    ..tomorrow_noon
                },
            },
        )
        .await
        .ok();
    assert!(edited.reminder_due);
    app.call(&c, DeleteTask { id: due.id }).await.ok();
    assert!(app.call(&c, LoadReminders {}).await.ok().is_empty());
}
