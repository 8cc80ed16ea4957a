//! Creating and editing an appointment. `?date=`, `?contact=` and `?organisation=`
//! pre-fill a new one.

use crate::api::calendar::{
    get_appointment, CreateAppointment, DeleteAppointment, UpdateAppointment,
};
use crate::api::contacts::get_contact;
use crate::api::organisations::get_organisation;
use crate::i18n::use_i18n;
use crate::model::calendar::{Appointment, AppointmentInput, CONTACT_SLOTS};
use crate::model::contacts::RecordRef;
use crate::model::identity::Colleague;
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::CheckboxField;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::components::pickers::{directory, PickerSource, RecordPicker};
use crate::ui::pages::contacts::id_param;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

#[component]
fn AppointmentFields(
    value: AppointmentInput,
    contacts: Vec<RecordRef>,
    organisation: Option<RecordRef>,
    colleagues: Vec<Colleague>,
    errors: Memo<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    let all_day = RwSignal::new(value.all_day);
    let people = colleagues
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let checked = value.user_ids.contains(&c.user_id);
            let name = c.display_name.clone();
            view! {
                <label class="checkbox">
                    <input type="checkbox" name=format!("input[user_ids][{i}]") value=c.user_id.to_string() checked=checked />
                    {name}
                </label>
            }
        })
        .collect_view();
    let contact_slots = (0..CONTACT_SLOTS)
        .map(|i| {
            let initial = contacts.get(i).cloned();
            view! {
                <RecordPicker source=PickerSource::Contacts name=slot_name(i) field=slot_field(i)
                    label=|t| t.calendar.contacts placeholder=|t| t.contacts.search_placeholder errors initial />
            }
        })
        .collect_view();
    view! {
        <TextField name="input[title]" field="title" label=|t| t.calendar.appointment_title errors value=value.title.clone() required=true autofocus=true autocomplete="off" />
        <div on:change=move |ev| {
            use leptos::wasm_bindgen::JsCast;
            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                if input.name() == "input[all_day]" {
                    all_day.set(input.checked());
                }
            }
        }>
            <CheckboxField name="input[all_day]" field="all_day" label=Signal::derive(move || i18n.texts().calendar.all_day.to_owned()) checked=value.all_day />
        </div>
        <div class="field-row">
            <TextField name="input[start_date]" field="start_date" label=|t| t.calendar.start_date errors value=value.start_date.clone() kind="date" required=true />
            <Show when=move || !all_day.get()>
                <TextField name="input[start_time]" field="start_time" label=|t| t.calendar.start_time errors value=value.start_time.clone() kind="time" />
            </Show>
            <TextField name="input[end_date]" field="end_date" label=|t| t.calendar.end_date errors value=value.end_date.clone() kind="date" />
            <Show when=move || !all_day.get()>
                <TextField name="input[end_time]" field="end_time" label=|t| t.calendar.end_time hint=|t| t.calendar.end_hint errors value=value.end_time.clone() kind="time" />
            </Show>
        </div>
        <TextField name="input[location]" field="location" label=|t| t.calendar.location errors value=value.location.clone() autocomplete="off" />
        <fieldset class="checkboxes">
            <legend>{move || i18n.texts().calendar.colleagues}</legend>
            {people}
        </fieldset>
        <div class="field-row">{contact_slots}</div>
        <RecordPicker source=PickerSource::Organisations name="input[organisation_id]" field="organisation_id" label=|t| t.calendar.organisation placeholder=|t| t.contacts.organisation_placeholder errors initial=organisation />
        <TextField name="input[notes]" field="notes" label=|t| t.calendar.notes errors value=value.notes.clone() multiline=true />
    }
}

fn slot_name(i: usize) -> &'static str {
    [
        "input[contact_ids][0]",
        "input[contact_ids][1]",
        "input[contact_ids][2]",
        "input[contact_ids][3]",
    ][i]
}

fn slot_field(i: usize) -> &'static str {
    [
        "contact_ids.0",
        "contact_ids.1",
        "contact_ids.2",
        "contact_ids.3",
    ][i]
}

fn to_calendar_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = Appointment, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(a)) = action.value().get() {
            navigate(
                &format!("/calendar?date={}", a.input.start_date),
                Default::default(),
            );
        }
    });
}

#[component]
pub fn NewAppointmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateAppointment>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    to_calendar_on_success(action);
    let query = use_query_map();
    let get = |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let uuid = |key: &str| Uuid::parse_str(&get(key)).ok();
    let (contact, organisation) = (uuid("contact"), uuid("organisation"));
    let date = get("date");
    let linked = Resource::new(
        move || (contact, organisation),
        |(c, o)| async move {
            let contact = match c {
                Some(id) => {
                    let c = get_contact(id).await?;
                    vec![RecordRef {
                        id,
                        name: format!("{} {}", c.input.first_name, c.input.last_name),
                    }]
                }
                None => Vec::new(),
            };
            let organisation = match o {
                Some(id) => Some(RecordRef {
                    id,
                    name: get_organisation(id).await?.display_name(),
                }),
                None => None,
            };
            Ok::<_, AppError>((contact, organisation))
        },
    );
    let colleagues = directory();
    view! {
        <h1>{move || i18n.texts().calendar.new_title}</h1>
        <ValidatedForm action validate=|c: &CreateAppointment| c.input.normalized().validate() client_errors=client class="card">
            <ErrorBanner error=action_error(action) />
            <AsyncView resource=linked render=move |(contacts, organisation)| {
                let date = date.clone();
                view! {
                    <AsyncView resource=colleagues render=move |colleagues| {
                        let value = AppointmentInput {
                            start_date: date.clone(),
                            start_time: "09:00".into(),
                            ..Default::default()
                        };
                        view! { <AppointmentFields value contacts=contacts.clone() organisation=organisation.clone() colleagues errors /> }
                    } />
                }
            } />
            <div class="actions">
                <SubmitButton action label=|t| t.common.save />
                <A href="/calendar" attr:class="button link">{move || i18n.texts().common.cancel}</A>
            </div>
        </ValidatedForm>
    }
}

#[component]
pub fn EditAppointmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let appointment = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_appointment(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let colleagues = directory();
    let action = ServerAction::<UpdateAppointment>::new();
    let delete = ServerAction::<DeleteAppointment>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    to_calendar_on_success(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/calendar", Default::default());
        }
    });
    view! {
        <h1>{move || i18n.texts().calendar.edit_title}</h1>
        <AsyncView resource=appointment back="/calendar" render=move |a| {
            let id = a.id;
            view! {
                <ErrorBanner error=action_error(action) />
                <ErrorBanner error=Signal::derive(move || delete.value().get().and_then(Result::err)) />
                <p><a href=format!("/appointments/{id}.ics") class="button" download="">{move || i18n.texts().calendar.download}</a></p>
                <ValidatedForm action validate=|u: &UpdateAppointment| u.input.normalized().validate() client_errors=client class="card">
                    <input type="hidden" name="id" value=a.id.to_string() />
                    <input type="hidden" name="version" value=a.version.to_string() />
                    <AsyncView resource=colleagues render=move |colleagues| view! {
                        <AppointmentFields value=a.input.clone() contacts=a.contacts.clone() organisation=a.organisation.clone() colleagues errors />
                    } />
                    <div class="actions">
                        <SubmitButton action label=|t| t.common.save />
                        <A href="/calendar" attr:class="button link">{move || i18n.texts().common.cancel}</A>
                        <button type="button" class="button danger" on:click=move |_| {
                            if window().confirm_with_message(i18n.texts().calendar.confirm_delete).unwrap_or(false) {
                                delete.dispatch(DeleteAppointment { id });
                            }
                        }>{move || i18n.texts().common.delete}</button>
                    </div>
                </ValidatedForm>
            }
        } />
    }
}
