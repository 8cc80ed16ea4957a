//! One organisation at a glance: data, parent and subsidiaries, its contacts.

use crate::api::contacts::list_contacts;
use crate::api::organisations::{get_organisation, DeleteOrganisation};
use crate::i18n::use_i18n;
use crate::model::contacts::ContactPage;
use crate::model::contacts::{ContactListQuery, RecordFilter};
use crate::model::identity::Colleague;
use crate::model::organisations::Organisation;
use crate::model::permission::{Action, Area};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::ErrorBanner;
use crate::ui::components::pickers::{colleague_name, directory};
use crate::ui::format;
use crate::ui::layout::use_current_user;
use crate::ui::pages::calendar::{record_appointments, RecordAppointments, RecordAppointmentsData};
use crate::ui::pages::contacts::id_param;
use crate::ui::pages::tasks::{record_tasks, RecordTasks, RecordTasksData};
use crate::ui::pages::timeline::{timeline, Timeline, TimelineData, TimelineOwner};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

pub fn organisation_from_route() -> Resource<Result<Organisation, AppError>> {
    let id = id_param();
    Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_organisation(id).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

/// Everything on an organisation's page beside the organisation, created with the page
/// (not inside its async view: see docs/architecture.md, "Async views").
#[derive(Clone, Copy)]
struct OrganisationActivity {
    colleagues: Resource<Result<Vec<Colleague>, AppError>>,
    contacts: Resource<Result<ContactPage, AppError>>,
    tasks: RecordTasksData,
    appointments: RecordAppointmentsData,
    timeline: TimelineData,
}

#[component]
pub fn OrganisationDetailPage() -> impl IntoView {
    let organisation = organisation_from_route();
    let id: Signal<Option<Uuid>> = id_param().into();
    let contacts = Resource::new(
        move || id.get(),
        |id| async move {
            list_contacts(ContactListQuery {
                filter: RecordFilter {
                    organisation: Some(id.ok_or(AppError::NotFound)?),
                    ..Default::default()
                },
                ..Default::default()
            })
            .await
        },
    );
    let activity = OrganisationActivity {
        colleagues: directory(),
        contacts,
        tasks: record_tasks(id),
        appointments: record_appointments(id),
        timeline: timeline(id),
    };
    view! {
        <AsyncView resource=organisation back="/organisations" render=move |organisation| view! { <OrganisationCard organisation activity /> } />
    }
}

#[component]
fn OrganisationCard(organisation: Organisation, activity: OrganisationActivity) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let can_write = move || {
        user.get()
            .is_some_and(|u| u.role.may(Area::Organisations, Action::Update))
    };
    let can_add_contact = move || {
        user.get()
            .is_some_and(|u| u.role.may(Area::Contacts, Action::Create))
    };
    let delete = ServerAction::<DeleteOrganisation>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/organisations", Default::default());
        }
    });
    let id = organisation.id;
    let on_delete = move |_| {
        if window()
            .confirm_with_message(i18n.texts().organisations.confirm_delete)
            .unwrap_or(false)
        {
            delete.dispatch(DeleteOrganisation { id });
        }
    };
    let OrganisationActivity {
        colleagues,
        contacts,
        ..
    } = activity;
    let input = organisation.input.clone();
    let owner = input.owner_id;
    let size = input.size;
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    view! {
        <div class="page-header">
            <div>
                <h1>{organisation.display_name()}</h1>
                <p class="muted">{input.industry.clone()}</p>
            </div>
            <Show when=can_write fallback=move || view! { <p class="muted">{move || i18n.texts().organisations.read_only_hint}</p> }>
                <div class="header-actions">
                    <A href=format!("/organisations/{id}/edit") attr:class="button">{move || i18n.texts().common.edit}</A>
                    <button type="button" class="button danger" on:click=on_delete disabled=move || delete.pending().get()>
                        {move || i18n.texts().common.delete}
                    </button>
                </div>
            </Show>
        </div>
        <ErrorBanner error=Signal::derive(move || delete.value().get().and_then(Result::err)) />
        <div class="record-grid">
            <section class="card">
                <dl class="details plain">
                    <dt>{move || i18n.texts().organisations.legal_form}</dt><dd>{format::or_dash(some(&input.legal_form))}</dd>
                    <dt>{move || i18n.texts().organisations.size}</dt><dd>{move || (i18n.texts().records.sizes)(size)}</dd>
                    <dt>{move || i18n.texts().organisations.website}</dt>
                    <dd>{some(&input.website).map(|w| view! { <a href=w.clone() rel="noopener noreferrer" target="_blank">{w.clone()}</a> })}</dd>
                    <dt>{move || i18n.texts().organisations.vat_id}</dt><dd>{format::or_dash(some(&input.vat_id))}</dd>
                    <dt>{move || i18n.texts().common.email}</dt><dd>{format::or_dash(some(&input.email))}</dd>
                    <dt>{move || i18n.texts().organisations.phone}</dt><dd>{format::or_dash(some(&input.phone))}</dd>
                    <dt>{move || i18n.texts().organisations.billing_address}</dt><dd>{format::or_dash(some(&input.billing_address.one_line()))}</dd>
                    <dt>{move || i18n.texts().organisations.delivery_address}</dt><dd>{format::or_dash(some(&input.delivery_address.one_line()))}</dd>
                </dl>
            </section>
            <section class="card">
                <dl class="details plain">
                    <dt>{move || i18n.texts().records.owner}</dt>
                    <dd><AsyncView resource=colleagues render=move |c| colleague_name(&c, owner) /></dd>
                    <dt>{move || i18n.texts().records.classification}</dt>
                    <dd>{format::or_dash(input.classification.map(|c| c.letter().to_owned()))}</dd>
                    <dt>{move || i18n.texts().records.tags}</dt><dd>{format::or_dash(some(&input.tags))}</dd>
                    <dt>{move || i18n.texts().organisations.parent}</dt>
                    <dd>{match organisation.parent.clone() {
                        Some(p) => view! { <A href=format!("/organisations/{}", p.id)>{p.name}</A> }.into_any(),
                        None => view! { {move || i18n.texts().organisations.no_parent} }.into_any(),
                    }}</dd>
                    <dt>{move || i18n.texts().organisations.subsidiaries}</dt>
                    <dd>{organisation.subsidiaries.clone().into_iter().map(|s| view! { <A href=format!("/organisations/{}", s.id)>{s.name}</A> " " }).collect_view()}</dd>
                </dl>
            </section>
        </div>
        <section class="card" aria-labelledby="org-contacts">
            <div class="section-header">
                <h2 id="org-contacts">{move || i18n.texts().organisations.contacts}</h2>
                <Show when=can_add_contact>
                    <A href=format!("/contacts/new?organisation={id}") attr:class="button">{move || i18n.texts().organisations.add_contact}</A>
                </Show>
            </div>
            <AsyncView resource=contacts render=move |page| if page.items.is_empty() {
                view! { <p class="muted">{move || i18n.texts().organisations.no_contacts}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {page.items.into_iter().map(|c| view! {
                            <li>
                                <A href=format!("/contacts/{}", c.id)>{format!("{} {}", c.first_name, c.last_name)}</A>
                                {c.email.map(|e| view! { " · " <span class="muted">{e}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            } />
        </section>
        <h2>{move || i18n.texts().organisations.notes}</h2>
        <p class="notes">{format::or_dash(some(&input.notes))}</p>
        <AsyncView resource=colleagues render=move |colleagues| view! {
            <div class="record-grid">
                <RecordTasks data=activity.tasks link=format!("organisation={id}") colleagues=colleagues.clone() />
                <RecordAppointments upcoming=activity.appointments link=format!("organisation={id}") />
            </div>
            <Timeline
                data=activity.timeline
                owner=TimelineOwner { record: id, contact: None, organisation: Some(id) }
                colleagues
                can_write=user.get_untracked().is_some_and(|u| u.role.may(Area::Timeline, Action::Create))
            />
        } />
        <p><A href="/organisations">{move || i18n.texts().common.back}</A></p>
    }
}
