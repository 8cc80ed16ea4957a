//! Creating and editing a contact: one form, two actions. Creating warns about a
//! likely duplicate and saves only once the user confirms.

use super::detail::contact_from_route;
use crate::api::contacts::{CreateContact, UpdateContact};
use crate::api::organisations::get_organisation;
use crate::i18n::use_i18n;
use crate::model::contacts::{
    Contact, ContactChannel, ContactInput, EmailKind, LifecycleStage, PhoneKind, RecordRef,
    Salutation, CHANNEL_SLOTS, LANGUAGES,
};
use crate::model::identity::Colleague;
use crate::model::records::Classification;
use crate::model::validation::{FieldErrors, Problem};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::{choices, AddressFields, CheckboxField, SelectField};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::components::pickers::{colleague_options, directory, PickerSource, RecordPicker};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

/// Every field of a contact, pre-filled with `value`.
#[component]
fn ContactFields(
    value: ContactInput,
    organisation: Option<RecordRef>,
    colleagues: Vec<Colleague>,
    errors: Memo<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    let salutations = choices(Salutation::all(), Salutation::code, |t, s| {
        (t.records.salutations)(s)
    });
    let stages = choices(LifecycleStage::all(), LifecycleStage::code, |t, s| {
        (t.records.stages)(s)
    });
    let classes = Classification::all()
        .map(|c| {
            (
                c.code().to_owned(),
                Signal::derive(move || c.letter().to_owned()),
            )
        })
        .collect();
    let languages = LANGUAGES
        .iter()
        .map(|code| {
            let code = *code;
            (
                code.to_owned(),
                Signal::derive(move || (i18n.texts().contacts.language_names)(code).to_owned()),
            )
        })
        .collect();
    let channels = value.channels();
    let email_rows = (0..CHANNEL_SLOTS)
        .map(|i| {
            let entry = value.emails.get(i).cloned().unwrap_or_default();
            let kinds = choices(EmailKind::all(), EmailKind::code, |t, k| (t.records.email_kinds)(k));
            view! {
                <div class="field-row slot">
                    <SelectField name=format!("input[emails][{i}][kind]") field=format!("emails.{i}.kind") label=|t| t.contacts.emails errors options=kinds value=entry.kind.code() />
                    <TextField name=format!("input[emails][{i}][address]") field=format!("emails.{i}.address") label=|t| t.common.email errors value=entry.address kind="email" autocomplete="off" />
                </div>
            }
        })
        .collect_view();
    let phone_rows = (0..CHANNEL_SLOTS)
        .map(|i| {
            let entry = value.phones.get(i).cloned().unwrap_or_default();
            let kinds = choices(PhoneKind::all(), PhoneKind::code, |t, k| (t.records.phone_kinds)(k));
            view! {
                <div class="field-row slot">
                    <SelectField name=format!("input[phones][{i}][kind]") field=format!("phones.{i}.kind") label=|t| t.contacts.phones errors options=kinds value=entry.kind.code() />
                    <TextField name=format!("input[phones][{i}][number]") field=format!("phones.{i}.number") label=|t| t.contacts.phone errors value=entry.number kind="tel" autocomplete="off" />
                </div>
            }
        })
        .collect_view();
    let consent = ContactChannel::all()
        .map(|c| {
            let name = match c {
                ContactChannel::Email => "input[consent_email]",
                ContactChannel::Phone => "input[consent_phone]",
                ContactChannel::Post => "input[consent_post]",
                ContactChannel::Messenger => "input[consent_messenger]",
            };
            let label = Signal::derive(move || (i18n.texts().records.channels)(c).to_owned());
            view! { <CheckboxField name field=c.code() label checked=channels.contains(&c) /> }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{move || i18n.texts().contacts.section_person}</legend>
            <div class="field-row">
                <SelectField name="input[salutation]" field="salutation" label=|t| t.contacts.salutation errors options=salutations value=value.salutation.code() />
                <TextField name="input[title]" field="title" label=|t| t.contacts.title_field errors value=value.title.clone() autocomplete="off" />
            </div>
            <div class="field-row">
                <TextField name="input[first_name]" field="first_name" label=|t| t.contacts.first_name errors value=value.first_name.clone() required=true autofocus=true autocomplete="off" />
                <TextField name="input[last_name]" field="last_name" label=|t| t.contacts.last_name errors value=value.last_name.clone() required=true autocomplete="off" />
            </div>
            <div class="field-row">
                <TextField name="input[birthday]" field="birthday" label=|t| t.contacts.birthday errors value=value.birthday.clone() kind="date" />
                <SelectField name="input[preferred_language]" field="preferred_language" label=|t| t.contacts.preferred_language errors options=languages value=value.preferred_language.clone() none=|_| "—" />
            </div>
        </fieldset>
        <fieldset>
            <legend>{move || i18n.texts().contacts.section_work}</legend>
            <div class="field-row">
                <RecordPicker source=PickerSource::Organisations name="input[organisation_id]" field="organisation_id" label=|t| t.contacts.organisation placeholder=|t| t.contacts.organisation_placeholder errors initial=organisation.clone() />
                <TextField name="input[position]" field="position" label=|t| t.contacts.position errors value=value.position.clone() autocomplete="off" />
            </div>
        </fieldset>
        <fieldset>
            <legend>{move || i18n.texts().contacts.section_reach}</legend>
            {email_rows}
            {phone_rows}
            <AddressFields prefix="input[address]" field="address" legend=|t| t.contacts.address errors value=value.address.clone() />
            <fieldset class="checkboxes">
                <legend>{move || i18n.texts().contacts.consent}</legend>
                <p class="hint">{move || i18n.texts().contacts.consent_hint}</p>
                {consent}
            </fieldset>
        </fieldset>
        <fieldset>
            <legend>{move || i18n.texts().contacts.section_relationship}</legend>
            <div class="field-row">
                <SelectField name="input[stage]" field="stage" label=|t| t.records.stage errors options=stages value=value.stage.code() />
                <SelectField name="input[classification]" field="classification" label=|t| t.records.classification errors options=classes value=value.classification.map(|c| c.code()).unwrap_or_default() none=|t| t.records.no_classification />
                <SelectField name="input[owner_id]" field="owner_id" label=|t| t.records.owner errors options=colleague_options(&colleagues) value=value.owner_id.map(|id| id.to_string()).unwrap_or_default() none=|t| t.records.no_owner />
            </div>
            <div class="field-row">
                <TextField name="input[tags]" field="tags" label=|t| t.records.tags hint=|t| t.records.tags_hint errors value=value.tags.clone() autocomplete="off" />
                <TextField name="input[external_id]" field="external_id" label=|t| (t.contacts.field_names)(crate::model::contacts::ContactField::ExternalId) errors value=value.external_id.clone() autocomplete="off" />
            </div>
            <TextField name="input[notes]" field="notes" label=|t| t.contacts.notes errors value=value.notes.clone() multiline=true />
        </fieldset>
    }
}

fn open_contact_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = Contact, Error = AppError>
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

/// The record a create was refused for, when it looked like a duplicate.
fn duplicate_of(error: Option<AppError>) -> Option<Uuid> {
    error?
        .field_errors()?
        .0
        .iter()
        .find_map(|e| match e.problem {
            Problem::PossibleDuplicate { of } => Some(of),
            _ => None,
        })
}

/// A warning naming the likely duplicate, with a way to it and a way past it.
#[component]
pub fn DuplicateWarning(
    of: Signal<Option<Uuid>>,
    /// `/contacts` or `/organisations`.
    base: &'static str,
    confirm: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        of.get().map(|id| {
            view! {
                <div class="banner warning" role="alert">
                    <p>{move || i18n.texts().records.duplicate_warning}</p>
                    <A href=format!("{base}/{id}")>{move || i18n.texts().records.open_duplicate}</A>
                    " "
                    <button type="submit" class="button" on:click=move |_| confirm.set(true)>
                        {move || i18n.texts().records.save_anyway}
                    </button>
                </div>
            }
        })
    }
}

#[component]
pub fn NewContactPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateContact>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let confirm = RwSignal::new(false);
    let duplicate = Signal::derive(move || duplicate_of(action_error(action).get()));
    open_contact_on_success(action);
    let colleagues = directory();
    // `?organisation=<id>` pre-links the new contact (from an organisation's page).
    let query = use_query_map();
    let organisation_id = query
        .read_untracked()
        .get("organisation")
        .and_then(|id| Uuid::parse_str(&id).ok());
    let organisation = Resource::new(
        move || organisation_id,
        |id| async move {
            match id {
                Some(id) => get_organisation(id).await.map(|o| {
                    Some(RecordRef {
                        id,
                        name: o.display_name(),
                    })
                }),
                None => Ok(None),
            }
        },
    );
    view! {
        <h1>{move || i18n.texts().contacts.new_contact_title}</h1>
        <ValidatedForm action validate=|c: &CreateContact| c.input.normalized().validate() client_errors=client class="card">
            <Show when=move || duplicate.get().is_none()>
                <ErrorBanner error=action_error(action) />
            </Show>
            <DuplicateWarning of=duplicate base="/contacts" confirm />
            <input type="hidden" name="confirmed" value="false" prop:value=move || confirm.get().to_string() />
            <AsyncView resource=organisation render=move |organisation| view! {
                <AsyncView resource=colleagues render=move |colleagues| {
                    let value = ContactInput {
                        organisation_id: organisation.as_ref().map(|o| o.id),
                        ..Default::default()
                    };
                    view! { <ContactFields value organisation=organisation.clone() colleagues errors /> }
                } />
            } />
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
    let colleagues = directory();
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
                    <AsyncView resource=colleagues render=move |colleagues| view! {
                        <ContactFields value=contact.input.clone() organisation=contact.organisation.clone() colleagues errors />
                    } />
                    <div class="actions">
                        <SubmitButton action label=|t| t.common.save />
                        <A href=cancel.clone() attr:class="button link">{move || i18n.texts().common.cancel}</A>
                    </div>
                </ValidatedForm>
            }
        } />
    }
}
