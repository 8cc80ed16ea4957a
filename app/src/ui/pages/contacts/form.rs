//! Creating and editing a contact: one form, two actions.

use super::detail::contact_from_route;
use crate::api::contacts::{CreateContact, UpdateContact};
use crate::i18n::use_i18n;
use crate::model::contacts::{Contact, ContactInput};
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The fields of a contact, pre-filled with `value`.
#[component]
fn ContactFields(value: ContactInput, errors: Memo<FieldErrors>) -> impl IntoView {
    view! {
        <div class="field-row">
            <TextField name="input[first_name]" field="first_name" label=|t| t.contacts.first_name errors value=value.first_name required=true autofocus=true autocomplete="off" />
            <TextField name="input[last_name]" field="last_name" label=|t| t.contacts.last_name errors value=value.last_name required=true autocomplete="off" />
        </div>
        <TextField name="input[organisation]" field="organisation" label=|t| t.contacts.organisation errors value=value.organisation autocomplete="off" />
        <div class="field-row">
            <TextField name="input[email]" field="email" label=|t| t.common.email errors value=value.email kind="email" autocomplete="off" />
            <TextField name="input[phone]" field="phone" label=|t| t.contacts.phone errors value=value.phone kind="tel" autocomplete="off" />
        </div>
        <TextField name="input[notes]" field="notes" label=|t| t.contacts.notes errors value=value.notes multiline=true />
    }
}

fn open_contact_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = Contact, Error = crate::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(contact)) = action.value().get() {
            navigate(&format!("/contacts/{}", contact.id), Default::default());
        }
    });
}

#[component]
pub fn NewContactPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateContact>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    open_contact_on_success(action);
    view! {
        <h1>{move || i18n.texts().contacts.new_contact_title}</h1>
        <ErrorBanner error=action_error(action) />
        <ValidatedForm action validate=|c: &CreateContact| c.input.normalized().validate() client_errors=client class="card">
            <ContactFields value=ContactInput::default() errors />
            <div class="actions">
                <SubmitButton action label=|t| t.common.save />
                <A href="/contacts" attr:class="button link">{move || i18n.texts().common.cancel}</A>
            </div>
        </ValidatedForm>
    }
}

#[component]
pub fn EditContactPage() -> impl IntoView {
    let i18n = use_i18n();
    let contact = contact_from_route();
    let action = ServerAction::<UpdateContact>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    open_contact_on_success(action);
    view! {
        <h1>{move || i18n.texts().contacts.edit_contact_title}</h1>
        <AsyncView resource=contact back="/contacts" render=move |contact| {
            let cancel = format!("/contacts/{}", contact.id);
            view! {
                <ErrorBanner error=action_error(action) />
                <ValidatedForm action validate=|u: &UpdateContact| u.input.normalized().validate() client_errors=client class="card">
                    <input type="hidden" name="id" value=contact.id.to_string() />
                    <input type="hidden" name="version" value=contact.version.to_string() />
                    <ContactFields value=contact.as_input() errors />
                    <div class="actions">
                        <SubmitButton action label=|t| t.common.save />
                        <A href=cancel attr:class="button link">{move || i18n.texts().common.cancel}</A>
                    </div>
                </ValidatedForm>
            }
        } />
    }
}
