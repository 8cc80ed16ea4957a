//! Tasks at rest: title and notes sealed under the task's own key; due dates,
//! assignee, links and status in plaintext for "my tasks" and reminders.

use crate::backend::crypto::RecordCipher;
use crate::backend::listing::time_cursor;
use crate::backend::paging::{Cursor, Keyset};
use crate::model::tasks::{
    Reminder, TaskInput, TaskListQuery, TaskOwner, TaskPriority, TaskStatus,
};
use crate::{AppError, AppResult};
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

pub const TABLE: &str = "tasks";
pub const SEALED_FIELDS: i64 = 2;

#[derive(FromRow)]
pub struct SealedTask {
    pub task_id: Uuid,
    title_ct: Vec<u8>,
    notes_ct: Option<Vec<u8>>,
    pub due_at: Option<OffsetDateTime>,
    due_has_time: bool,
    pub due_sort: OffsetDateTime,
    priority: String,
    status: String,
    reminder: String,
    pub remind_at: Option<OffsetDateTime>,
    pub reminder_dismissed_at: Option<OffsetDateTime>,
    assignee_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    interaction_id: Option<Uuid>,
    pub completed_at: Option<OffsetDateTime>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: OffsetDateTime,
}

const SELECT: &str = "SELECT task_id, title_ct, notes_ct, due_at, due_has_time, due_sort, priority,
        status, reminder, remind_at, reminder_dismissed_at, assignee_id, contact_id,
        organisation_id, interaction_id, completed_at, created_by, version, created_at FROM tasks";

impl SealedTask {
    pub fn status(&self) -> TaskStatus {
        TaskStatus::parse(&self.status).unwrap_or_default()
    }

    pub fn open(&self, c: &RecordCipher) -> AppResult<TaskInput> {
        let date_format = time::macros::format_description!("[year]-[month]-[day]");
        let time_format = time::macros::format_description!("[hour]:[minute]");
        let (due_date, due_time) = match self.due_at {
            Some(at) => (
                at.format(&date_format).unwrap_or_default(),
                if self.due_has_time {
                    at.format(&time_format).unwrap_or_default()
                } else {
                    String::new()
                },
            ),
            None => (String::new(), String::new()),
        };
        Ok(TaskInput {
            title: c.open("title", &self.title_ct)?,
            notes: c
                .open_optional("notes", self.notes_ct.as_deref())?
                .unwrap_or_default(),
            due_date,
            due_time,
            priority: TaskPriority::parse(&self.priority).unwrap_or_default(),
            assignee_id: self.assignee_id,
            contact_id: self.contact_id,
            organisation_id: self.organisation_id,
            interaction_id: self.interaction_id,
            reminder: Reminder::parse(&self.reminder).unwrap_or_default(),
        })
    }

    /// Where the row stands in its list: due order when open, completion when done.
    pub fn cursor(&self) -> Cursor {
        match self.completed_at {
            Some(done) if self.status() == TaskStatus::Done => time_cursor(done, self.task_id),
            _ => time_cursor(self.due_sort, self.task_id),
        }
    }
}

pub struct SealedText {
    title: Vec<u8>,
    notes: Option<Vec<u8>>,
}

impl SealedText {
    pub fn seal(c: &RecordCipher, input: &TaskInput) -> Self {
        Self {
            title: c.seal("title", &input.title),
            notes: c.seal_optional("notes", &input.notes),
        }
    }
}

fn map_write_error(err: sqlx::Error) -> AppError {
    use crate::backend::tenancy::violates;
    use crate::model::validation::{FieldErrors, Problem};
    for (constraint, field) in [
        ("tasks_assignee_fkey", "assignee_id"),
        ("tasks_contact_fkey", "contact_id"),
        ("tasks_organisation_fkey", "organisation_id"),
        ("tasks_interaction_fkey", "interaction_id"),
    ] {
        if violates(&err, constraint) {
            return AppError::Validation(FieldErrors::single(field, Problem::UnknownReference));
        }
    }
    err.into()
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    input: &TaskInput,
    text: SealedText,
    created_by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO tasks (tenant_id, task_id, title_ct, notes_ct, due_at, due_has_time, priority,
                            reminder, remind_at, assignee_id, contact_id, organisation_id,
                            interaction_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        tenant_id,
        id,
        text.title,
        text.notes,
        input.due_at(),
        !input.due_time.is_empty(),
        input.priority.code(),
        input.reminder.code(),
        input.remind_at(),
        input.assignee_id,
        input.contact_id,
        input.organisation_id,
        input.interaction_id,
        created_by
    )
    .execute(conn)
    .await
    .map_err(map_write_error)?;
    Ok(())
}

pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    input: &TaskInput,
    text: SealedText,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE tasks SET title_ct = $2, notes_ct = $3, due_at = $4, due_has_time = $5, priority = $6,
                reminder = $7, remind_at = $8, assignee_id = $9, contact_id = $10,
                organisation_id = $11, interaction_id = $12,
                -- a new reminder time asks again
                reminder_dismissed_at = CASE WHEN remind_at IS DISTINCT FROM $8 THEN NULL ELSE reminder_dismissed_at END,
                version = version + 1, updated_at = now()
         WHERE task_id = $1",
        id,
        text.title,
        text.notes,
        input.due_at(),
        !input.due_time.is_empty(),
        input.priority.code(),
        input.reminder.code(),
        input.remind_at(),
        input.assignee_id,
        input.contact_id,
        input.organisation_id,
        input.interaction_id
    )
    .execute(conn)
    .await
    .map_err(map_write_error)?;
    Ok(())
}

pub async fn set_status(conn: &mut PgConnection, id: Uuid, status: TaskStatus) -> AppResult<()> {
    sqlx::query!(
        "UPDATE tasks SET status = $2,
                completed_at = CASE WHEN $2 = 'done' THEN now() ELSE NULL END,
                version = version + 1, updated_at = now()
         WHERE task_id = $1",
        id,
        status.code()
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn dismiss_reminder(conn: &mut PgConnection, id: Uuid, user: Uuid) -> AppResult<bool> {
    Ok(sqlx::query!(
        "UPDATE tasks SET reminder_dismissed_at = now() WHERE task_id = $1 AND assignee_id = $2",
        id,
        user
    )
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// The task, locked until the transaction ends.
pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<SealedTask>> {
    Ok(sqlx::query_as!(
        SealedTask,
        "SELECT task_id, title_ct, notes_ct, due_at, due_has_time, due_sort, priority, status, reminder,
                remind_at, reminder_dismissed_at, assignee_id, contact_id, organisation_id,
                interaction_id, completed_at, created_by, version, created_at
         FROM tasks WHERE task_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// One keyset page: open tasks soonest due first (undated last), done ones latest first.
pub async fn page(
    conn: &mut PgConnection,
    query: &TaskListQuery,
    keyset: &Keyset,
    me: Uuid,
) -> AppResult<Vec<SealedTask>> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT);
    sql.push(if query.done {
        " WHERE status = 'done'"
    } else {
        " WHERE status = 'open'"
    });
    match query.owner {
        TaskOwner::Mine => {
            sql.push(" AND assignee_id = ").push_bind(me);
        }
        TaskOwner::Everyone => {}
        TaskOwner::Record(id) => {
            sql.push(" AND (contact_id = ")
                .push_bind(id)
                .push(" OR organisation_id = ")
                .push_bind(id)
                .push(")");
        }
    }
    let column = if query.done {
        "completed_at"
    } else {
        "due_sort"
    };
    // Open tasks ascend (soonest first), done ones descend.
    let ascending = keyset.sql_ascends(!query.done);
    if let Some(cursor) = &keyset.cursor {
        let at = OffsetDateTime::parse(&cursor.k, &Rfc3339).map_err(|_| AppError::BadRequest)?;
        sql.push(" AND (")
            .push(column)
            .push(if ascending {
                ", task_id) > ("
            } else {
                ", task_id) < ("
            })
            .push_bind(at)
            .push(", ")
            .push_bind(cursor.id)
            .push(")");
    }
    let direction = if ascending { " ASC" } else { " DESC" };
    sql.push(" ORDER BY ")
        .push(column)
        .push(direction)
        .push(", task_id")
        .push(direction)
        .push(" LIMIT ")
        .push_bind(keyset.limit());
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

/// The user's open tasks whose reminder time has come and that they have not dismissed.
pub async fn due_reminders(conn: &mut PgConnection, user: Uuid) -> AppResult<Vec<SealedTask>> {
    Ok(sqlx::query_as!(
        SealedTask,
        "SELECT task_id, title_ct, notes_ct, due_at, due_has_time, due_sort, priority, status, reminder,
                remind_at, reminder_dismissed_at, assignee_id, contact_id, organisation_id,
                interaction_id, completed_at, created_by, version, created_at
         FROM tasks
         WHERE status = 'open' AND reminder_dismissed_at IS NULL AND remind_at <= now() AND assignee_id = $1
         ORDER BY remind_at, task_id LIMIT 50",
        user
    )
    .fetch_all(conn)
    .await?)
}

/// Ids of the tasks linked to a contact.
pub async fn of_contact(conn: &mut PgConnection, contact: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(
        sqlx::query_scalar!("SELECT task_id FROM tasks WHERE contact_id = $1", contact)
            .fetch_all(conn)
            .await?,
    )
}

pub async fn relink_contact(conn: &mut PgConnection, ids: &[Uuid], to: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE tasks SET contact_id = $2 WHERE task_id = ANY($1)",
        ids,
        to
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    Ok(sqlx::query!("DELETE FROM tasks WHERE task_id = $1", id)
        .execute(conn)
        .await?
        .rows_affected()
        > 0)
}
