//! Task lists: mine, everyone's or done; and a record's open tasks.

use crate::api::tasks::{list_tasks, CompleteTask};
use crate::i18n::{use_i18n, TextFn};
use crate::model::identity::Colleague;
use crate::model::tasks::{Task, TaskListQuery, TaskOwner, TaskPage, TaskPriority, TaskStatus};
use crate::ui::components::async_view::{AsyncView, EmptyState};
use crate::ui::components::pickers::{colleague_name, directory};
use crate::ui::format;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

fn due_label(task: &Task) -> Option<String> {
    let due = task.due_at?;
    Some(if task.input.due_time.is_empty() {
        format::date(&task.input.due_date).unwrap_or_default()
    } else {
        format::timestamp(due)
    })
}

/// One task as a row: done box, title, due, links, assignee.
#[component]
fn TaskRow(
    task: Task,
    colleagues: Vec<Colleague>,
    complete: ServerAction<CompleteTask>,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = time::OffsetDateTime::now_utc();
    let overdue = task.is_overdue(now);
    let done = task.status == TaskStatus::Done;
    let (id, version) = (task.id, task.version);
    let due = due_label(&task);
    let assignee = colleague_name(&colleagues, task.input.assignee_id);
    let priority = task.input.priority;
    view! {
        <li class="task" class:overdue=overdue class:done=done>
            <input type="checkbox" id=format!("task-{id}") checked=done
                aria-label=move || if done { i18n.texts().tasks.reopen } else { i18n.texts().tasks.mark_done }
                on:change=move |_| { complete.dispatch(CompleteTask { id, version, done: !done }); } />
            <div class="task-main">
                <A href=format!("/tasks/{id}/edit") attr:class="task-title">{task.input.title.clone()}</A>
                {(priority == TaskPriority::High).then(|| view! { " " <span class="badge high">{move || (i18n.texts().tasks.priorities)(priority)}</span> })}
                <div class="task-meta muted">
                    {match due {
                        Some(due) => view! {
                            <span class:overdue-label=overdue>
                                {move || if overdue { i18n.texts().tasks.overdue } else { i18n.texts().tasks.due }} " " {due.clone()}
                            </span>
                        }.into_any(),
                        None => view! { <span>{move || i18n.texts().tasks.no_due}</span> }.into_any(),
                    }}
                    {task.contact.clone().map(|c| view! { " · " <A href=format!("/contacts/{}", c.id)>{c.name}</A> })}
                    {task.organisation.clone().map(|o| view! { " · " <A href=format!("/organisations/{}", o.id)>{o.name}</A> })}
                    " · " {assignee}
                    {task.completed_at.map(|at| view! { " · " {move || i18n.texts().tasks.done_at} " " {format::timestamp(at)} })}
                </div>
            </div>
        </li>
    }
}

#[component]
pub fn TaskListPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(TaskListQuery::default());
    let complete = ServerAction::<CompleteTask>::new();
    let page = Resource::new(
        move || (query.get(), complete.version().get()),
        |(query, _)| list_tasks(query),
    );
    let colleagues = directory();
    let tab = move |owner: TaskOwner, done: bool, label: TextFn| {
        let active = move || query.with(|q| q.owner == owner && q.done == done);
        view! {
            <button type="button" class="button" class:active=active aria-pressed=move || active().to_string()
                on:click=move |_| query.set(TaskListQuery { owner, done, ..Default::default() })>
                {move || label(i18n.texts())}
            </button>
        }
    };
    view! {
        <div class="page-header">
            <h1>{move || i18n.texts().tasks.title}</h1>
            <A href="/tasks/new" attr:class="button primary">{move || i18n.texts().tasks.new_task}</A>
        </div>
        <div class="tabs" role="group">
            {tab(TaskOwner::Mine, false, |t| t.tasks.my_tasks)}
            {tab(TaskOwner::Everyone, false, |t| t.tasks.everyones)}
            {tab(TaskOwner::Mine, true, |t| t.tasks.done_tab)}
        </div>
        <ErrorBannerFor complete />
        <AsyncView resource=page render=move |page| view! {
            <AsyncView resource=colleagues render=move |colleagues| {
                let page = page.clone();
                if page.items.is_empty() {
                    let done = query.with_untracked(|q| q.done);
                    let hint: TextFn = |t| t.tasks.empty_hint;
                    return if done {
                        view! { <EmptyState title=|t| t.tasks.empty_done /> }.into_any()
                    } else {
                        view! { <EmptyState title=|t| t.tasks.empty_mine hint=Some(hint) /> }.into_any()
                    };
                }
                let (next, prev) = (page.next.clone(), page.prev.clone());
                view! {
                    <ul class="task-list">
                        {page.items.into_iter().map(|task| view! { <TaskRow task colleagues=colleagues.clone() complete /> }).collect_view()}
                    </ul>
                    <nav class="pager" aria-label="Pagination">
                        {prev.map(|c| view! { <button type="button" class="button" on:click=move |_| query.update(|q| { q.before = Some(c.clone()); q.after = None; })>{move || i18n.texts().common.prev_page}</button> })}
                        {next.map(|c| view! { <button type="button" class="button" on:click=move |_| query.update(|q| { q.after = Some(c.clone()); q.before = None; })>{move || i18n.texts().common.next_page}</button> })}
                    </nav>
                }.into_any()
            } />
        } />
    }
}

#[component]
fn ErrorBannerFor(complete: ServerAction<CompleteTask>) -> impl IntoView {
    view! { <crate::ui::components::form::ErrorBanner error=Signal::derive(move || complete.value().get().and_then(Result::err)) /> }
}

/// A contact's or organisation's open tasks and the action that completes one. The
/// page creates it at its top, never inside an async view (see docs/architecture.md,
/// "Async views"); [`RecordTasks`] shows it.
#[derive(Clone, Copy)]
pub struct RecordTasksData {
    complete: ServerAction<CompleteTask>,
    page: Resource<Result<TaskPage, AppError>>,
}

pub fn record_tasks(record: Signal<Option<Uuid>>) -> RecordTasksData {
    let complete = ServerAction::<CompleteTask>::new();
    let page = Resource::new(
        move || (record.get(), complete.version().get()),
        |(record, _)| async move {
            let record = record.ok_or(AppError::NotFound)?;
            list_tasks(TaskListQuery {
                owner: TaskOwner::Record(record),
                ..Default::default()
            })
            .await
        },
    );
    RecordTasksData { complete, page }
}

/// A record's open tasks, for its detail page.
#[component]
pub fn RecordTasks(
    data: RecordTasksData,
    /// Query for a new task's link: `contact=<id>` or `organisation=<id>`.
    link: String,
    colleagues: Vec<Colleague>,
) -> impl IntoView {
    let i18n = use_i18n();
    let RecordTasksData { complete, page } = data;
    let colleagues = StoredValue::new(colleagues);
    view! {
        <section class="card" aria-labelledby="record-tasks">
            <div class="section-header">
                <h2 id="record-tasks">{move || i18n.texts().tasks.open_tasks}</h2>
                <A href=format!("/tasks/new?{link}") attr:class="button">{move || i18n.texts().tasks.new_task}</A>
            </div>
            <AsyncView resource=page render=move |page| if page.items.is_empty() {
                view! { <p class="muted">{move || i18n.texts().tasks.none_open}</p> }.into_any()
            } else {
                view! {
                    <ul class="task-list compact">
                        {page.items.into_iter().map(|task| view! { <TaskRow task colleagues=colleagues.get_value() complete /> }).collect_view()}
                    </ul>
                }.into_any()
            } />
        </section>
    }
}
