//! Creating and editing a task. `?contact=`, `?organisation=` and `?interaction=`
//! pre-link a new one (from a record's page or a timeline entry).

use crate::api::contacts::get_contact;
use crate::api::organisations::get_organisation;
use crate::api::tasks::{get_task, CreateTask, DeleteTask, UpdateTask};
use crate::i18n::use_i18n;
use crate::model::contacts::RecordRef;
use crate::model::identity::Colleague;
use crate::model::tasks::{Reminder, Task, TaskInput, TaskPriority};
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::{choices, SelectField};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::components::pickers::{colleague_options, directory, PickerSource, RecordPicker};
use crate::ui::pages::contacts::id_param;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

#[component]
fn TaskFields(
    value: TaskInput,
    contact: Option<RecordRef>,
    organisation: Option<RecordRef>,
    colleagues: Vec<Colleague>,
    errors: Memo<FieldErrors>,
) -> impl IntoView {
    let priorities = choices(TaskPriority::all(), TaskPriority::code, |t, p| {
        (t.tasks.priorities)(p)
    });
    let reminders = choices(Reminder::all(), Reminder::code, |t, r| {
        (t.tasks.reminder_names)(r)
    });
    view! {
        <TextField name="input[title]" field="title" label=|t| t.tasks.task_title errors value=value.title.clone() required=true autofocus=true autocomplete="off" />
        <div class="field-row">
            <TextField name="input[due_date]" field="due_date" label=|t| t.tasks.due_date errors value=value.due_date.clone() kind="date" />
            <TextField name="input[due_time]" field="due_time" label=|t| t.tasks.due_time hint=|t| t.tasks.due_time_hint errors value=value.due_time.clone() kind="time" />
            <SelectField name="input[reminder]" field="reminder" label=|t| t.tasks.reminder errors options=reminders value=value.reminder.code() />
        </div>
        <div class="field-row">
            <SelectField name="input[priority]" field="priority" label=|t| t.tasks.priority errors options=priorities value=value.priority.code() />
            <SelectField name="input[assignee_id]" field="assignee_id" label=|t| t.tasks.assignee errors options=colleague_options(&colleagues)
                value=value.assignee_id.map(|id| id.to_string()).unwrap_or_default() none=|t| t.tasks.assignee_hint />
        </div>
        <div class="field-row">
            <RecordPicker source=PickerSource::Contacts name="input[contact_id]" field="contact_id" label=|t| t.tasks.contact placeholder=|t| t.contacts.search_placeholder errors initial=contact />
            <RecordPicker source=PickerSource::Organisations name="input[organisation_id]" field="organisation_id" label=|t| t.tasks.organisation placeholder=|t| t.contacts.organisation_placeholder errors initial=organisation />
        </div>
        {value.interaction_id.map(|id| view! { <input type="hidden" name="input[interaction_id]" value=id.to_string() /> })}
        <TextField name="input[notes]" field="notes" label=|t| t.tasks.notes errors value=value.notes.clone() multiline=true />
    }
}

fn to_tasks_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = Task, Error = AppError> + Clone + Send + Sync + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            navigate("/tasks", Default::default());
        }
    });
}

/// The linked records named by the URL of a new task.
async fn linked_from_url(
    contact: Option<Uuid>,
    organisation: Option<Uuid>,
) -> Result<(Option<RecordRef>, Option<RecordRef>), AppError> {
    let contact = match contact {
        Some(id) => {
            let c = get_contact(id).await?;
            Some(RecordRef {
                id,
                name: format!("{} {}", c.input.first_name, c.input.last_name),
            })
        }
        None => None,
    };
    let organisation = match organisation {
        Some(id) => Some(RecordRef {
            id,
            name: get_organisation(id).await?.display_name(),
        }),
        None => None,
    };
    Ok((contact, organisation))
}

#[component]
pub fn NewTaskPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateTask>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    to_tasks_on_success(action);
    let query = use_query_map();
    let param = |key: &str| {
        query
            .read_untracked()
            .get(key)
            .and_then(|v| Uuid::parse_str(&v).ok())
    };
    let (contact, organisation, interaction) = (
        param("contact"),
        param("organisation"),
        param("interaction"),
    );
    let linked = Resource::new(
        move || (contact, organisation),
        |(c, o)| linked_from_url(c, o),
    );
    let colleagues = directory();
    view! {
        <h1>{move || i18n.texts().tasks.new_title}</h1>
        <ValidatedForm action validate=|c: &CreateTask| c.input.normalized().validate() client_errors=client class="card">
            <ErrorBanner error=action_error(action) />
            {interaction.map(|_| view! { <p class="muted">{move || i18n.texts().tasks.follows_up}</p> })}
            <AsyncView resource=linked render=move |(contact, organisation)| view! {
                <AsyncView resource=colleagues render=move |colleagues| {
                    let value = TaskInput { interaction_id: interaction, ..Default::default() };
                    view! { <TaskFields value contact=contact.clone() organisation=organisation.clone() colleagues errors /> }
                } />
            } />
            <div class="actions">
                <SubmitButton action label=|t| t.common.save />
                <A href="/tasks" attr:class="button link">{move || i18n.texts().common.cancel}</A>
            </div>
        </ValidatedForm>
    }
}

#[component]
pub fn EditTaskPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let task = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_task(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let colleagues = directory();
    let action = ServerAction::<UpdateTask>::new();
    let delete = ServerAction::<DeleteTask>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    to_tasks_on_success(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/tasks", Default::default());
        }
    });
    view! {
        <h1>{move || i18n.texts().tasks.edit_title}</h1>
        <AsyncView resource=task back="/tasks" render=move |task| {
            let id = task.id;
            view! {
                <ErrorBanner error=action_error(action) />
                <ErrorBanner error=Signal::derive(move || delete.value().get().and_then(Result::err)) />
                <ValidatedForm action validate=|u: &UpdateTask| u.input.normalized().validate() client_errors=client class="card">
                    <input type="hidden" name="id" value=task.id.to_string() />
                    <input type="hidden" name="version" value=task.version.to_string() />
                    <AsyncView resource=colleagues render=move |colleagues| view! {
                        <TaskFields value=task.input.clone() contact=task.contact.clone() organisation=task.organisation.clone() colleagues errors />
                    } />
                    <div class="actions">
                        <SubmitButton action label=|t| t.common.save />
                        <A href="/tasks" attr:class="button link">{move || i18n.texts().common.cancel}</A>
                        <button type="button" class="button danger" on:click=move |_| {
                            if window().confirm_with_message(i18n.texts().tasks.confirm_delete).unwrap_or(false) {
                                delete.dispatch(DeleteTask { id });
                            }
                        }>{move || i18n.texts().common.delete}</button>
                    </div>
                </ValidatedForm>
            }
        } />
    }
}
