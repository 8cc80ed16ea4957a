//! `/api/v1/tasks`: the task service over REST, in the shape of `contacts.rs`.
//! `status` is part of the record: a `PUT` that sets it to `done` completes the
//! task (audited as completed) in the same transaction as the other changes.

use super::idempotency::{create_once, IdempotencyKey};
use super::support::{
    created, cursor, if_match, iso_date, iso_day, stale_is_precondition_failed, tagged, ApiJson,
    ApiPath, ApiQuery, ApiResult, ApiScope,
};
use app::backend::services::tasks;
use app::model::tasks::{
    Reminder, Task, TaskInput, TaskListQuery, TaskOwner, TaskPage, TaskPriority, TaskStatus,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const COLLECTION: &str = "/api/v1/tasks";

/// What a client writes of a task. Every field but `title` may be left out.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TaskData {
    /// At most 200 characters (surrounding spaces are trimmed first).
    #[schema(required = true, min_length = 1)]
    pub title: String,
    /// At most 10,000 characters (surrounding spaces are trimmed first).
    pub notes: String,
    /// The day it is due, `YYYY-MM-DD`.
    #[serde(with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Date>,
    /// `HH:MM` (UTC) on the due day; without it, due at the day's end. Needs `due_date`.
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub due_time: String,
    pub priority: TaskPriority,
    /// The colleague who does it (default: the token's user).
    pub assignee_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// The timeline entry it follows up on.
    pub interaction_id: Option<Uuid>,
    /// An in-app reminder before the due time (needs `due_date`).
    pub reminder: Reminder,
    pub status: TaskStatus,
}

impl TaskData {
    fn input(&self) -> TaskInput {
        TaskInput {
            title: self.title.clone(),
            notes: self.notes.clone(),
            due_date: iso_day(self.due_date),
            due_time: self.due_time.clone(),
            priority: self.priority,
            assignee_id: self.assignee_id,
            contact_id: self.contact_id,
            organisation_id: self.organisation_id,
            interaction_id: self.interaction_id,
            reminder: self.reminder,
        }
    }
}

/// A stored task; `version` is also its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskResource {
    pub id: Uuid,
    pub version: i32,
    #[serde(flatten)]
    pub data: TaskData,
    /// The due moment, when there is a due date.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<OffsetDateTime>,
    pub created_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<Task> for TaskResource {
    fn from(task: Task) -> Self {
        let input = task.input;
        TaskResource {
            id: task.id,
            version: task.version,
            data: TaskData {
                due_date: app::model::validation::parse_date(&input.due_date),
                title: input.title,
                notes: input.notes,
                due_time: input.due_time,
                priority: input.priority,
                assignee_id: input.assignee_id,
                contact_id: input.contact_id,
                organisation_id: input.organisation_id,
                interaction_id: input.interaction_id,
                reminder: input.reminder,
                status: task.status,
            },
            due_at: task.due_at,
            completed_at: task.completed_at,
            created_by: task.created_by,
            created_at: task.created_at,
        }
    }
}

/// A page of tasks with the cursors of its neighbours.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskList {
    pub items: Vec<TaskResource>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

impl From<TaskPage> for TaskList {
    fn from(page: TaskPage) -> Self {
        TaskList {
            items: page.items.into_iter().map(Into::into).collect(),
            next: page.next,
            prev: page.prev,
        }
    }
}

/// Whose tasks a list shows.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskScope {
    /// Assigned to the token's user.
    #[default]
    Mine,
    Everyone,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TaskListParams {
    /// `mine` (the default) or `everyone`; ignored with `record`.
    pub assignee: Option<TaskScope>,
    /// Only the tasks of this contact or organisation.
    pub record: Option<Uuid>,
    /// Done tasks (latest first) instead of open ones (soonest due first).
    pub done: Option<bool>,
    /// A `next` cursor of an earlier page.
    pub after: Option<String>,
    /// A `prev` cursor of an earlier page.
    pub before: Option<String>,
}

impl TaskListParams {
    fn into_query(self) -> TaskListQuery {
        let owner = match (self.record, self.assignee.unwrap_or_default()) {
            (Some(record), _) => TaskOwner::Record(record),
            (None, TaskScope::Mine) => TaskOwner::Mine,
            (None, TaskScope::Everyone) => TaskOwner::Everyone,
        };
        TaskListQuery {
            owner,
            done: self.done.unwrap_or(false),
            after: cursor(self.after),
            before: cursor(self.before),
        }
    }
}

/// Lists tasks, a page at a time.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks",
    params(TaskListParams),
    responses((status = 200, description = "A page of tasks", body = TaskList)),
    security(("token" = ["tasks:read"])))]
pub async fn list(
    scope: ApiScope,
    ApiQuery(params): ApiQuery<TaskListParams>,
) -> ApiResult<Json<TaskList>> {
    let query = params.into_query();
    let page = scope.run(async |s| tasks::list(s, &query).await).await?;
    Ok(Json(page.into()))
}

/// Reads one task; its version comes as `ETag`.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = Uuid, Path, description = "The task's id")),
    responses(
        (status = 200, description = "The task", body = TaskResource,
         headers(("ETag" = String, description = "The task's version"))),
        (status = 404, description = "No such task", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["tasks:read"])))]
pub async fn get(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let task = scope.run(async |s| tasks::get(s, id).await).await?;
    Ok(tagged(
        StatusCode::OK,
        task.version,
        &TaskResource::from(task),
    ))
}

/// Creates a task (open, or done at once with `status: done`).
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks",
    request_body = TaskData,
    responses(
        (status = 201, description = "The new task", body = TaskResource,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["tasks:write"])))]
pub async fn create(
    scope: ApiScope,
    key: IdempotencyKey,
    ApiJson(data): ApiJson<TaskData>,
) -> ApiResult<Response> {
    let once = key.of(COLLECTION, &data);
    let input = data.input();
    let done = data.status == TaskStatus::Done;
    let made = create_once(
        scope,
        once,
        async |s| {
            let task = tasks::create(s, &input).await?;
            match done {
                true => tasks::complete(s, task.id, task.version, true).await,
                false => Ok(task),
            }
        },
        async |s, id| tasks::get(s, id).await,
        |task| task.id,
    )
    .await?;
    Ok(made.respond(|task| created(COLLECTION, task.id, task.version, &TaskResource::from(task))))
}

/// Replaces a task; `If-Match` must name the version read. A changed `status`
/// completes or reopens it.
#[utoipa::path(put, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = Uuid, Path, description = "The task's id"),
           ("If-Match" = String, Header, pattern = r#"^"[0-9]{1,9}"$"#, description = "The version read, as its ETag (`\"3\"`); 428 without it, 400 if malformed")),
    request_body = TaskData,
    responses(
        (status = 200, description = "The changed task", body = TaskResource,
         headers(("ETag" = String))),
        (status = 404, description = "No such task", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since that version", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["tasks:write"])))]
pub async fn update(
    scope: ApiScope,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(data): ApiJson<TaskData>,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let input = data.input();
    let status = data.status;
    let task = scope
        .run(async |s| {
            let task = tasks::update(s, id, version, &input).await?;
            if task.status == status {
                return Ok(task);
            }
            tasks::complete(s, id, task.version, status == TaskStatus::Done).await
        })
        .await
        .map_err(stale_is_precondition_failed)?;
    Ok(tagged(
        StatusCode::OK,
        task.version,
        &TaskResource::from(task),
    ))
}

/// Deletes a task.
#[utoipa::path(delete, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = Uuid, Path, description = "The task's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such task", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["tasks:write"])))]
pub async fn delete(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    scope.run(async |s| tasks::delete(s, id).await).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
