//! Tasks and reminders.

use crate::model::tasks::{Task, TaskInput, TaskListQuery, TaskPage};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::tasks};

#[server(prefix = "/rpc", endpoint = "tasks/list")]
pub async fn list_tasks(query: TaskListQuery) -> Result<TaskPage, AppError> {
    in_scope(async |s| tasks::list(s, &query).await).await
}

#[server(prefix = "/rpc", endpoint = "tasks/get")]
pub async fn get_task(id: Uuid) -> Result<Task, AppError> {
    in_scope(async |s| tasks::get(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "tasks/create")]
pub async fn create_task(input: TaskInput) -> Result<Task, AppError> {
    in_scope(async |s| tasks::create(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "tasks/update")]
pub async fn update_task(id: Uuid, version: i32, input: TaskInput) -> Result<Task, AppError> {
    in_scope(async |s| tasks::update(s, id, version, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "tasks/complete")]
pub async fn complete_task(id: Uuid, version: i32, done: bool) -> Result<Task, AppError> {
    in_scope(async |s| tasks::complete(s, id, version, done).await).await
}

#[server(prefix = "/rpc", endpoint = "tasks/delete")]
pub async fn delete_task(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| tasks::delete(s, id).await).await
}

/// The signed-in user's due reminders (none for roles without tasks).
#[server(prefix = "/rpc", endpoint = "tasks/reminders")]
pub async fn load_reminders() -> Result<Vec<Task>, AppError> {
    in_scope(async |s| tasks::reminders(s).await).await
}

#[server(prefix = "/rpc", endpoint = "tasks/dismiss")]
pub async fn dismiss_reminder(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| tasks::dismiss_reminder(s, id).await).await
}
