//! One contact at a glance: data, relationship (editable in place), completeness,
//! stage history, notes; the timeline, tasks and appointments have their sections.

use super::duplicates::{merge_history_of, MergeHistory, MergeHistoryData};
use crate::api::contacts::{get_contact, DeleteContact, PatchContact};
use crate::i18n::use_i18n;
use crate::model::contacts::{Contact, ContactPatch, LifecycleStage};
use crate::model::identity::{Colleague, Role};
use crate::model::permission::{Action, Area};
use crate::model::records::Classification;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::ErrorBanner;
use crate::ui::components::pickers::{colleague_name, directory};
use crate::ui::format;
use crate::ui::layout::use_current_user;
use crate::ui::pages::calendar::{record_appointments, RecordAppointments, RecordAppointmentsData};
use crate::ui::pages::tasks::{record_tasks, RecordTasks, RecordTasksData};
use crate::ui::pages::timeline::{timeline, Timeline, TimelineData, TimelineOwner};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

/// The `:id` route parameter, if it is a UUID.
pub fn id_param() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| Uuid::parse_str(&id).ok())
    })
}

/// The contact named by the route's `:id` (not found for a malformed id), reloaded
/// whenever `refresh` changes.
pub fn contact_from_route_with(refresh: Signal<usize>) -> Resource<Result<Contact, AppError>> {
    let id = id_param();
    Resource::new(
        move || (id.get(), refresh.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_contact(id).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

pub fn contact_from_route() -> Resource<Result<Contact, AppError>> {
    contact_from_route_with(Signal::stored(0))
}

/// Everything on a contact's page beside the contact itself, created with the page.
#[derive(Clone, Copy)]
struct ContactActivity {
    tasks: RecordTasksData,
    appointments: RecordAppointmentsData,
    timeline: TimelineData,
    merges: MergeHistoryData,
}

#[component]
pub fn ContactDetailPage() -> impl IntoView {
    let patch = ServerAction::<PatchContact>::new();
    let undone = RwSignal::new(0usize);
    let contact =
        contact_from_route_with(Signal::derive(move || patch.version().get() + undone.get()));
    let colleagues = directory();
    // Created here, not inside the async views below: see docs/architecture.md.
    let id: Signal<Option<Uuid>> = id_param().into();
    let activity = ContactActivity {
        tasks: record_tasks(id),
        appointments: record_appointments(id),
        timeline: timeline(id),
        merges: merge_history_of(id),
    };
    view! {
        <ErrorBanner error=Signal::derive(move || patch.value().get().and_then(Result::err)) />
        <AsyncView resource=contact back="/contacts" render=move |contact| view! {
            <AsyncView resource=colleagues render=move |colleagues| view! {
                <ContactCard contact=contact.clone() colleagues patch undone activity />
            } />
        } />
    }
}

#[component]
fn ContactCard(
    contact: Contact,
    colleagues: Vec<Colleague>,
    patch: ServerAction<PatchContact>,
    undone: RwSignal<usize>,
    activity: ContactActivity,
) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let can_write = move || {
        user.get()
            .is_some_and(|u| u.role.may(Area::Contacts, Action::Update))
    };
    let is_dpo = move || {
        user.get()
            .is_some_and(|u| u.role == Role::DataProtectionOfficer)
    };
    let delete = ServerAction::<DeleteContact>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/contacts", Default::default());
        }
    });
    let (id, version) = (contact.id, contact.version);
    let on_delete = move |_| {
        let question = i18n.texts().contacts.confirm_delete;
        if window().confirm_with_message(question).unwrap_or(false) {
            delete.dispatch(DeleteContact { id });
        }
    };
    let send = move |change: ContactPatch| {
        patch.dispatch(PatchContact {
            id,
            version,
            change,
        });
    };
    let input = contact.input.clone();
    let has_email = !input.emails.is_empty();
    let can_mail = move || {
        has_email
            && user
                .get()
                .is_some_and(|u| u.role.may(Area::Mail, Action::Create))
    };
    let completeness = contact.completeness();
    let salutation = input.salutation;
    let heading = contact.full_name();
    view! {
        <div class="page-header">
            <div>
                {(salutation != crate::model::contacts::Salutation::Unspecified).then(|| view! {
                    <p class="muted salutation">{move || (i18n.texts().records.salutations)(salutation)}</p>
                })}
                <h1>{heading}</h1>
                <p class="muted subtitle">
                    {input.position.clone()}
                    {(!input.position.is_empty() && contact.organisation.is_some()).then_some(" · ")}
                    {contact.organisation.clone().map(|org| view! {
                        <A href=format!("/organisations/{}", org.id)>{org.name}</A>
                    })}
                </p>
            </div>
            <Show when=can_write fallback=move || view! { <p class="muted">{move || i18n.texts().contacts.read_only_hint}</p> }>
                <div class="header-actions">
                    <Show when=can_mail>
                        <A href=format!("/contacts/{id}/mail") attr:class="button primary">{move || i18n.texts().mail.write_mail}</A>
                    </Show>
                    <A href=format!("/contacts/{id}/edit") attr:class="button">{move || i18n.texts().common.edit}</A>
                    <button type="button" class="button danger" on:click=on_delete disabled=move || delete.pending().get()>
                        {move || i18n.texts().common.delete}
                    </button>
                </div>
            </Show>
        </div>
        <Show when=is_dpo>
            <p><A href=format!("/audit?subject={id}") attr:class="button">{move || i18n.texts().contacts.access_history}</A></p>
        </Show>
        <ErrorBanner error=Signal::derive(move || delete.value().get().and_then(Result::err)) />
        <div class="record-grid">
            <section class="card relationship" aria-labelledby="relationship-heading">
                <h2 id="relationship-heading">{move || i18n.texts().contacts.section_relationship}</h2>
                <RelationshipControls contact=contact.clone() colleagues=colleagues.clone() editable=can_write() send />
                <Completeness percent=completeness.percent missing=completeness.missing.clone() />
            </section>
            <section class="card" aria-labelledby="reach-heading">
                <h2 id="reach-heading">{move || i18n.texts().contacts.section_reach}</h2>
                <dl class="details plain">
                    {input.emails.iter().map(|e| {
                        let kind = e.kind;
                        let address = e.address.clone();
                        view! {
                            <dt>{move || i18n.texts().common.email} " (" {move || (i18n.texts().records.email_kinds)(kind)} ")"</dt>
                            <dd><a href=format!("mailto:{address}")>{address.clone()}</a></dd>
                        }
                    }).collect_view()}
                    {input.phones.iter().map(|p| {
                        let kind = p.kind;
                        let number = p.number.clone();
                        view! {
                            <dt>{move || i18n.texts().contacts.phone} " (" {move || (i18n.texts().records.phone_kinds)(kind)} ")"</dt>
                            <dd><a href=format!("tel:{}", number.replace(' ', ""))>{number.clone()}</a></dd>
                        }
                    }).collect_view()}
                    <dt>{move || i18n.texts().contacts.address}</dt>
                    <dd>{format::or_dash(Some(input.address.one_line()).filter(|a| !a.is_empty()))}</dd>
                    <dt>{move || i18n.texts().contacts.consent}</dt>
                    <dd>{
                        let channels = input.channels();
                        move || if channels.is_empty() {
                            i18n.texts().contacts.no_consent.to_owned()
                        } else {
                            channels.iter().map(|c| (i18n.texts().records.channels)(*c)).collect::<Vec<_>>().join(", ")
                        }
                    }</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="person-heading">
                <h2 id="person-heading">{move || i18n.texts().contacts.section_person}</h2>
                <dl class="details plain">
                    <dt>{move || i18n.texts().contacts.birthday}</dt>
                    <dd>{format::or_dash(format::date(&input.birthday))}</dd>
                    <dt>{move || i18n.texts().contacts.preferred_language}</dt>
                    <dd>{
                        let code = input.preferred_language.clone();
                        move || (i18n.texts().contacts.language_names)(&code)
                    }</dd>
                    {(!input.external_id.is_empty()).then(|| view! {
                        <dt>{move || (i18n.texts().contacts.field_names)(crate::model::contacts::ContactField::ExternalId)}</dt>
                        <dd>{input.external_id.clone()}</dd>
                    })}
                    <dt>{move || i18n.texts().common.created_at}</dt>
                    <dd>{format::timestamp(contact.created_at)}</dd>
                    <dt>{move || i18n.texts().common.updated_at}</dt>
                    <dd>{format::timestamp(contact.updated_at)}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="stages-heading">
                <h2 id="stages-heading">{move || i18n.texts().contacts.stage_history}</h2>
                <ol class="plain-list">
                    {contact.stage_history.iter().map(|entry| {
                        let stage = entry.stage;
                        let who = colleague_name(&colleagues, Some(entry.changed_by));
                        view! {
                            <li>
                                <strong>{move || (i18n.texts().records.stages)(stage)}</strong>
                                " · " {move || i18n.texts().contacts.stage_entered} " " {format::timestamp(entry.entered_at)}
                                " · " {who}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        </div>
        <h2>{move || i18n.texts().contacts.notes}</h2>
        <p class="notes">{format::or_dash(Some(input.notes.clone()).filter(|n| !n.is_empty()))}</p>
        <div class="record-grid">
            <RecordTasks data=activity.tasks link=format!("contact={id}") colleagues=colleagues.clone() />
            <RecordAppointments upcoming=activity.appointments link=format!("contact={id}") />
        </div>
        <Timeline
            data=activity.timeline
            owner=TimelineOwner { record: id, contact: Some(id), organisation: None }
            colleagues=colleagues.clone()
            can_write=user.get_untracked().is_some_and(|u| u.role.may(Area::Timeline, Action::Create))
        />
        <MergeHistory data=activity.merges changed=undone />
        <p><A href="/contacts">{move || i18n.texts().common.back}</A></p>
    }
}

/// Stage, account manager, class and tags, changed in place where the role may.
#[component]
fn RelationshipControls(
    contact: Contact,
    colleagues: Vec<Colleague>,
    editable: bool,
    send: impl Fn(ContactPatch) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let input = contact.input;
    let tags = RwSignal::new(input.tags.clone());
    let stage_select = move |ev: leptos::ev::Event| {
        if let Some(stage) = LifecycleStage::parse(&event_target_value(&ev)) {
            send(ContactPatch::Stage(stage));
        }
    };
    let owner_select = move |ev: leptos::ev::Event| {
        send(ContactPatch::Owner(
            Uuid::parse_str(&event_target_value(&ev)).ok(),
        ));
    };
    let class_select = move |ev: leptos::ev::Event| {
        send(ContactPatch::Classification(
            event_target_value(&ev).parse::<Classification>().ok(),
        ));
    };
    let (stage, owner, class) = (input.stage, input.owner_id, input.classification);
    view! {
        <div class="inline-edit">
            <label for="inline-stage">{move || i18n.texts().records.stage}</label>
            <select id="inline-stage" disabled=!editable on:change=stage_select>
                {LifecycleStage::all().map(|s| view! {
                    <option value=s.code() selected=s == stage>{move || (i18n.texts().records.stages)(s)}</option>
                }).collect_view()}
            </select>
            <label for="inline-owner">{move || i18n.texts().records.owner}</label>
            <select id="inline-owner" disabled=!editable on:change=owner_select>
                <option value="" selected=owner.is_none()>{move || i18n.texts().records.no_owner}</option>
                {colleagues.into_iter().map(|c| view! {
                    <option value=c.user_id.to_string() selected=Some(c.user_id) == owner>{c.display_name}</option>
                }).collect_view()}
            </select>
            <label for="inline-class">{move || i18n.texts().records.classification}</label>
            <select id="inline-class" disabled=!editable on:change=class_select>
                <option value="" selected=class.is_none()>{move || i18n.texts().records.no_classification}</option>
                {Classification::all().map(|c| view! {
                    <option value=c.code() selected=Some(c) == class>{c.letter()}</option>
                }).collect_view()}
            </select>
            <label for="inline-tags">{move || i18n.texts().records.tags}</label>
            <span class="tags-edit">
                <input id="inline-tags" type="text" disabled=!editable prop:value=tags value=input.tags.clone()
                    on:input=move |ev| tags.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { send(ContactPatch::Tags(tags.get_untracked())); } />
                <Show when=move || editable>
                    <button type="button" class="button" on:click=move |_| send(ContactPatch::Tags(tags.get_untracked()))>
                        {move || i18n.texts().common.save}
                    </button>
                </Show>
            </span>
        </div>
    }
}

#[component]
fn Completeness(percent: u8, missing: Vec<crate::model::contacts::ContactField>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="completeness">
            <label for="completeness-meter">{move || i18n.texts().contacts.completeness} " " {percent} " %"</label>
            <meter id="completeness-meter" min="0" max="100" low="50" high="80" optimum="100" value=percent.to_string()></meter>
            <p class="hint">{move || if missing.is_empty() {
                i18n.texts().contacts.complete.to_owned()
            } else {
                let names: Vec<&str> = missing.iter().map(|f| (i18n.texts().contacts.field_names)(*f)).collect();
                format!("{} {}", i18n.texts().contacts.missing, names.join(", "))
            }}</p>
        </div>
    }
}
