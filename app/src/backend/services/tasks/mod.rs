//! Tasks: the rules. Title and notes are sealed under the task's own key; a task
//! about a contact is erased with the contact. Lists and reminders are audited as
//! reads naming the contacts and organisations they show.

pub mod storage;

use crate::backend::crypto::KeyStore;
use crate::backend::paging::Keyset;
use crate::backend::services::{contacts, organisations};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::contacts::RecordRef;
use crate::model::permission::{Action, Area};
use crate::model::tasks::{Task, TaskAudit, TaskInput, TaskListQuery, TaskPage, TaskStatus};
use crate::{AppError, AppResult};
use storage::{SealedTask, SealedText, SEALED_FIELDS, TABLE};
use time::OffsetDateTime;
use uuid::Uuid;

const AUDITED_FIELDS: [&str; 2] = ["title", "notes"];

fn audited(action: TaskAudit) -> AuditAction {
    AuditAction::Task(action)
}

/// Opens rows and names their contacts and organisations.
async fn open_named(scope: &mut Scope, rows: Vec<SealedTask>) -> AppResult<Vec<Task>> {
    let now = OffsetDateTime::now_utc();
    let contact_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.contact_id).collect();
    let org_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.organisation_id).collect();
    let meta: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.status(),
                r.due_at,
                r.completed_at,
                r.remind_at.is_some_and(|at| at <= now) && r.reminder_dismissed_at.is_none(),
                r.created_by,
                r.version,
                r.created_at,
            )
        })
        .collect();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.task_id).collect();
    let inputs = scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.task_id, r.task_id),
            |c, r| Ok((r.task_id, r.open(c)?)),
        )
        .await?;
    let contact_names = contacts::names_unaudited(scope, &contact_ids).await?;
    let org_names = organisations::names_unaudited(scope, &org_ids).await?;
    let named = |id: Option<Uuid>, names: &std::collections::HashMap<Uuid, String>| {
        id.and_then(|id| {
            names.get(&id).map(|name| RecordRef {
                id,
                name: name.clone(),
            })
        })
    };
    let mut tasks = Vec::with_capacity(inputs.len());
    for (id, input) in inputs {
        let i = ids
            .iter()
            .position(|x| *x == id)
            .expect("opened rows come from these ids");
        let (status, due_at, completed_at, reminder_due, created_by, version, created_at) = meta[i];
        tasks.push(Task {
            id,
            contact: named(input.contact_id, &contact_names),
            organisation: named(input.organisation_id, &org_names),
            input,
            status,
            due_at,
            completed_at,
            reminder_due: reminder_due && status == TaskStatus::Open,
            created_by,
            version,
            created_at,
        });
    }
    Ok(tasks)
}

async fn audit_shown(scope: &mut Scope, action: TaskAudit, tasks: &[Task]) -> AppResult<()> {
    if tasks.is_empty() {
        return Ok(());
    }
    let mut subjects: Vec<Uuid> = Vec::new();
    for task in tasks {
        subjects.extend(task.input.contact_id);
        subjects.extend(task.input.organisation_id);
    }
    let event = scope
        .event(audited(action))
        .subjects(&subjects)
        .fields(&AUDITED_FIELDS);
    scope.audit(event).await
}

/// "My tasks", everyone's, or a record's; open ones by due date or done ones.
pub async fn list(scope: &mut Scope, query: &TaskListQuery) -> AppResult<TaskPage> {
    scope.require(Area::Tasks, Action::Read)?;
    let keyset = Keyset::new(&query.page_request())?;
    let me = scope.user_id();
    let rows = storage::page(scope.conn(), query, &keyset, me).await?;
    let page = keyset.page(rows, SealedTask::cursor);
    let items = open_named(scope, page.items).await?;
    audit_shown(scope, TaskAudit::List, &items).await?;
    Ok(TaskPage {
        items,
        next: page.next,
        prev: page.prev,
    })
}

/// The signed-in user's reminders that are due now.
pub async fn reminders(scope: &mut Scope) -> AppResult<Vec<Task>> {
    scope.require(Area::Tasks, Action::Read)?;
    let me = scope.user_id();
    let rows = storage::due_reminders(scope.conn(), me).await?;
    let items = open_named(scope, rows).await?;
    audit_shown(scope, TaskAudit::List, &items).await?;
    Ok(items)
}

pub async fn dismiss_reminder(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Tasks, Action::Read)?;
    let me = scope.user_id();
    if storage::dismiss_reminder(scope.conn(), id, me).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn get(scope: &mut Scope, id: Uuid) -> AppResult<Task> {
    scope.require(Area::Tasks, Action::Read)?;
    let task = load(scope, id).await?;
    audit_shown(scope, TaskAudit::Read, std::slice::from_ref(&task)).await?;
    Ok(task)
}

async fn load(scope: &mut Scope, id: Uuid) -> AppResult<Task> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    open_named(scope, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

fn audit_subjects(input: &TaskInput) -> Vec<Uuid> {
    input
        .contact_id
        .into_iter()
        .chain(input.organisation_id)
        .collect()
}

pub async fn create(scope: &mut Scope, input: &TaskInput) -> AppResult<Task> {
    scope.require(Area::Tasks, Action::Create)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    let input = TaskInput {
        assignee_id: input.assignee_id.or(Some(me)),
        ..input
    };
    let id = Uuid::now_v7();
    let key = scope.create_subject_key(id).await?;
    let text = SealedText::seal(&scope.cipher(&key, TABLE, id), &input);
    storage::insert(scope.conn(), tenant_id, id, &input, text, me).await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    let subjects = audit_subjects(&input);
    let fields = input.changed_fields(&TaskInput::default());
    let event = scope
        .event(audited(TaskAudit::Create))
        .subjects(&subjects)
        .fields(&fields);
    scope.audit(event).await?;
    crate::backend::services::webhooks::emit(
        scope,
        crate::model::webhooks::WebhookEvent::TaskCreated,
        id,
        &fields,
        None::<&()>,
    )
    .await?;
    load(scope, id).await
}

async fn locked(scope: &mut Scope, id: Uuid, version: i32) -> AppResult<(SealedTask, TaskInput)> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.version != version {
        return Err(AppError::Conflict);
    }
    let key = scope.subject_key(id).await?;
    let input = row.open(&scope.cipher(&key, TABLE, id))?;
    Ok((row, input))
}

pub async fn update(
    scope: &mut Scope,
    id: Uuid,
    version: i32,
    input: &TaskInput,
) -> AppResult<Task> {
    scope.require(Area::Tasks, Action::Update)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let (_, before) = locked(scope, id, version).await?;
    let key = scope.subject_key(id).await?;
    let text = SealedText::seal(&scope.cipher(&key, TABLE, id), &input);
    storage::update(scope.conn(), id, &input, text).await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    let mut subjects = audit_subjects(&input);
    subjects.extend(audit_subjects(&before));
    let fields = input.changed_fields(&before);
    let event = scope
        .event(audited(TaskAudit::Update))
        .subjects(&subjects)
        .fields(&fields);
    scope.audit(event).await?;
    load(scope, id).await
}

/// Marks the task done (or open again).
pub async fn complete(scope: &mut Scope, id: Uuid, version: i32, done: bool) -> AppResult<Task> {
    scope.require(Area::Tasks, Action::Update)?;
    let (_, input) = locked(scope, id, version).await?;
    let (status, action) = if done {
        (TaskStatus::Done, TaskAudit::Completed)
    } else {
        (TaskStatus::Open, TaskAudit::Reopened)
    };
    storage::set_status(scope.conn(), id, status).await?;
    let subjects = audit_subjects(&input);
    let event = scope.event(audited(action)).subjects(&subjects);
    scope.audit(event).await?;
    if done {
        crate::backend::services::webhooks::emit(
            scope,
            crate::model::webhooks::WebhookEvent::TaskCompleted,
            id,
            &["status"],
            None::<&()>,
        )
        .await?;
    }
    load(scope, id).await
}

pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Tasks, Action::Delete)?;
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let subjects: Vec<Uuid> = row
        .contact_id
        .into_iter()
        .chain(row.organisation_id)
        .collect();
    erase_unaudited(scope, id).await?;
    let event = scope.event(audited(TaskAudit::Delete)).subjects(&subjects);
    scope.audit(event).await
}

async fn erase_unaudited(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    storage::delete(scope.conn(), id).await?;
    KeyStore::destroy_subject_key(scope.conn(), id).await
}

/// Erasure of a contact erases the tasks about them (called by the contact service).
pub async fn erase_for_contact(scope: &mut Scope, contact: Uuid) -> AppResult<()> {
    for id in storage::of_contact(scope.conn(), contact).await? {
        erase_unaudited(scope, id).await?;
    }
    Ok(())
}

/// Moves a contact's tasks to another (a merge); returns the moved ids.
pub async fn move_contact(scope: &mut Scope, from: Uuid, to: Uuid) -> AppResult<Vec<Uuid>> {
    let ids = storage::of_contact(scope.conn(), from).await?;
    storage::relink_contact(scope.conn(), &ids, to).await?;
    Ok(ids)
}

/// Puts the given tasks back on `to` (undoing [`move_contact`]).
pub async fn relink(scope: &mut Scope, ids: &[Uuid], to: Uuid) -> AppResult<()> {
    storage::relink_contact(scope.conn(), ids, to).await
}
