//! Creating and editing an organisation.

use super::detail::organisation_from_route;
use crate::api::organisations::{CreateOrganisation, UpdateOrganisation};
use crate::i18n::use_i18n;
use crate::model::contacts::RecordRef;
use crate::model::identity::Colleague;
use crate::model::organisations::{Organisation, OrganisationInput, SizeClass, LEGAL_FORMS};
use crate::model::records::Classification;
use crate::model::validation::{FieldErrors, Problem};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::{choices, AddressFields, SelectField};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::components::pickers::{colleague_options, directory, PickerSource, RecordPicker};
use crate::ui::pages::contacts::DuplicateWarning;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
fn OrganisationFields(
    value: OrganisationInput,
    parent: Option<RecordRef>,
    colleagues: Vec<Colleague>,
    errors: Memo<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sizes = choices(SizeClass::all(), SizeClass::code, |t, s| {
        (t.records.sizes)(s)
    });
    let classes = Classification::all()
        .map(|c| {
            (
                c.code().to_owned(),
                Signal::derive(move || c.letter().to_owned()),
            )
        })
        .collect();
    view! {
        <div class="field-row">
            <TextField name="input[name]" field="name" label=|t| t.organisations.name errors value=value.name.clone() required=true autofocus=true autocomplete="off" />
            <div class="field">
                <TextField name="input[legal_form]" field="legal_form" label=|t| t.organisations.legal_form errors value=value.legal_form.clone() autocomplete="off" />
                <datalist id="legal-forms">{LEGAL_FORMS.iter().map(|f| view! { <option value=*f></option> }).collect_view()}</datalist>
            </div>
        </div>
        <div class="field-row">
            <TextField name="input[industry]" field="industry" label=|t| t.organisations.industry errors value=value.industry.clone() autocomplete="off" />
            <SelectField name="input[size]" field="size" label=|t| t.organisations.size errors options=sizes value=value.size.code() />
        </div>
        <div class="field-row">
            <TextField name="input[website]" field="website" label=|t| t.organisations.website errors value=value.website.clone() autocomplete="off" />
            <TextField name="input[vat_id]" field="vat_id" label=|t| t.organisations.vat_id errors value=value.vat_id.clone() autocomplete="off" />
        </div>
        <div class="field-row">
            <TextField name="input[email]" field="email" label=|t| t.common.email errors value=value.email.clone() kind="email" autocomplete="off" />
            <TextField name="input[phone]" field="phone" label=|t| t.organisations.phone errors value=value.phone.clone() kind="tel" autocomplete="off" />
        </div>
        <AddressFields prefix="input[billing_address]" field="billing_address" legend=|t| t.organisations.billing_address errors value=value.billing_address.clone() />
        <AddressFields prefix="input[delivery_address]" field="delivery_address" legend=|t| t.organisations.delivery_address errors value=value.delivery_address.clone() />
        <div class="field-row">
            <SelectField name="input[owner_id]" field="owner_id" label=|t| t.records.owner errors options=colleague_options(&colleagues) value=value.owner_id.map(|id| id.to_string()).unwrap_or_default() none=|t| t.records.no_owner />
            <SelectField name="input[classification]" field="classification" label=|t| t.records.classification errors options=classes value=value.classification.map(|c| c.code()).unwrap_or_default() none=|t| t.records.no_classification />
            <RecordPicker source=PickerSource::Organisations name="input[parent_id]" field="parent_id" label=|t| t.organisations.parent placeholder=|t| t.contacts.organisation_placeholder errors initial=parent />
        </div>
        <TextField name="input[tags]" field="tags" label=|t| t.records.tags hint=|t| t.records.tags_hint errors value=value.tags.clone() autocomplete="off" />
        <TextField name="input[notes]" field="notes" label=|t| t.organisations.notes errors value=value.notes.clone() multiline=true />
        <p class="muted">{move || i18n.texts().records.tags_hint}</p>
    }
}

fn open_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = Organisation, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(org)) = action.value().get() {
            navigate(&format!("/organisations/{}", org.id), Default::default());
        }
    });
}

#[component]
pub fn NewOrganisationPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateOrganisation>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let confirm = RwSignal::new(false);
    let duplicate = Signal::derive(move || {
        action_error(action)
            .get()?
            .field_errors()?
            .0
            .iter()
            .find_map(|e| match e.problem {
                Problem::PossibleDuplicate { of } => Some(of),
                _ => None,
            })
    });
    open_on_success(action);
    let colleagues = directory();
    view! {
        <h1>{move || i18n.texts().organisations.new_title}</h1>
        <ValidatedForm action validate=|c: &CreateOrganisation| c.input.normalized().validate() client_errors=client class="card">
            <Show when=move || duplicate.get().is_none()>
                <ErrorBanner error=action_error(action) />
            </Show>
            <DuplicateWarning of=duplicate base="/organisations" confirm />
            <input type="hidden" name="confirmed" value="false" prop:value=move || confirm.get().to_string() />
            <AsyncView resource=colleagues render=move |colleagues| view! {
                <OrganisationFields value=OrganisationInput::default() parent=None colleagues errors />
            } />
            <div class="actions">
                <SubmitButton action label=|t| t.common.save />
                <A href="/organisations" attr:class="button link">{move || i18n.texts().common.cancel}</A>
            </div>
        </ValidatedForm>
    }
}

#[component]
pub fn EditOrganisationPage() -> impl IntoView {
    let i18n = use_i18n();
    let organisation = organisation_from_route();
    let colleagues = directory();
    let action = ServerAction::<UpdateOrganisation>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    open_on_success(action);
    view! {
        <h1>{move || i18n.texts().organisations.edit_title}</h1>
        <AsyncView resource=organisation back="/organisations" render=move |org| {
            let cancel = format!("/organisations/{}", org.id);
            view! {
                <ErrorBanner error=action_error(action) />
                <ValidatedForm action validate=|u: &UpdateOrganisation| u.input.normalized().validate() client_errors=client class="card">
                    <input type="hidden" name="id" value=org.id.to_string() />
                    <input type="hidden" name="version" value=org.version.to_string() />
                    <AsyncView resource=colleagues render=move |colleagues| view! {
                        <OrganisationFields value=org.input.clone() parent=org.parent.clone() colleagues errors />
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
