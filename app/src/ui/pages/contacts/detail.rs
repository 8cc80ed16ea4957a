//! One contact.

use crate::api::contacts::{get_contact, DeleteContact};
use crate::i18n::use_i18n;
use crate::model::contacts::Contact;
use crate::model::permission::{Action, Area};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::ErrorBanner;
use crate::ui::format;
use crate::ui::layout::use_current_user;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

/// The `:id` route parameter, if it is a UUID.
pub fn contact_id_param() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| Uuid::parse_str(&id).ok())
    })
}

/// The contact named by the route's `:id` (not found for a malformed id).
pub fn contact_from_route() -> Resource<Result<Contact, crate::AppError>> {
    let id = contact_id_param();
    Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_contact(id).await,
                None => Err(crate::AppError::NotFound),
            }
        },
    )
}

#[component]
pub fn ContactDetailPage() -> impl IntoView {
    let contact = contact_from_route();
    view! { <AsyncView resource=contact render=|contact| view! { <ContactCard contact /> } back="/contacts" /> }
}

#[component]
fn ContactCard(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let can_write = move || {
        user.get()
            .is_some_and(|u| u.role.may(Area::Contacts, Action::Update))
    };
    let is_dpo = move || {
        user.get()
            .is_some_and(|u| u.role == crate::model::identity::Role::DataProtectionOfficer)
    };
    let delete = ServerAction::<DeleteContact>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/contacts", Default::default());
        }
    });
    let id = contact.id;
    let on_delete = move |_| {
        let question = i18n.texts().contacts.confirm_delete;
        if window().confirm_with_message(question).unwrap_or(false) {
            delete.dispatch(DeleteContact { id });
        }
    };
    let row = |label: fn(&crate::i18n::Texts) -> &'static str, value: Option<String>| {
        view! { <dt>{move || label(i18n.texts())}</dt><dd>{format::or_dash(value)}</dd> }
    };
    view! {
        <div class="page-header">
            <h1>{format!("{} {}", contact.first_name, contact.last_name)}</h1>
            <Show
                when=can_write
                fallback=move || view! { <p class="muted">{move || i18n.texts().contacts.read_only_hint}</p> }
            >
                <A href=format!("/contacts/{id}/edit") attr:class="button">{move || i18n.texts().common.edit}</A>
                <button type="button" class="button danger" on:click=on_delete disabled=move || delete.pending().get()>
                    {move || i18n.texts().common.delete}
                </button>
            </Show>
        </div>
        <Show when=is_dpo>
            <p><A href=format!("/audit?subject={id}") attr:class="button">{move || i18n.texts().contacts.access_history}</A></p>
        </Show>
        <ErrorBanner error=Signal::derive(move || delete.value().get().and_then(Result::err)) />
        <dl class="details">
            {row(|t| t.contacts.organisation, contact.organisation)}
            {row(|t| t.common.email, contact.email)}
            {row(|t| t.contacts.phone, contact.phone)}
            {row(|t| t.common.created_at, Some(format::timestamp(contact.created_at)))}
            {row(|t| t.common.updated_at, Some(format::timestamp(contact.updated_at)))}
        </dl>
        <h2>{move || i18n.texts().contacts.notes}</h2>
        <p class="notes">{format::or_dash(contact.notes)}</p>
        <p><A href="/contacts">{move || i18n.texts().common.back}</A></p>
    }
}
