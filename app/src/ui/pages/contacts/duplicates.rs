//! Finding duplicates, merging two contacts field by field, and a contact's merges.

use crate::api::duplicates::{
    merge_history, preview_merge, scan_duplicates, MergeContacts, UndoMerge,
};
use crate::i18n::{fill, use_i18n, Texts};
use crate::model::contacts::{Contact, ContactField};
use crate::model::duplicates::{MergePreview, MergeRequest};
use crate::model::identity::Colleague;
use crate::ui::components::async_view::{AsyncView, EmptyState};
use crate::ui::components::form::ErrorBanner;
use crate::ui::components::pickers::{colleague_name, directory};
use crate::ui::format;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

#[component]
pub fn DuplicatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let groups = Resource::new(|| (), |_| scan_duplicates());
    view! {
        <div class="page-header">
            <h1>{move || i18n.texts().duplicates.title}</h1>
        </div>
        <p class="muted">{move || i18n.texts().duplicates.intro}</p>
        <AsyncView resource=groups render=move |groups| {
            if groups.is_empty() {
                return view! { <EmptyState title=|t| t.duplicates.none /> }.into_any();
            }
            view! {
                <ul class="duplicate-groups">
                    {groups.into_iter().map(|group| {
                        let first = group.contacts[0].id;
                        let reasons = group.reasons.clone();
                        view! {
                            <li class="card">
                                <p class="muted">{move || reasons.iter().map(|r| (i18n.texts().duplicates.reasons)(*r)).collect::<Vec<_>>().join(" · ")}</p>
                                <ul class="plain-list">
                                    {group.contacts.iter().enumerate().map(|(i, c)| {
                                        let id = c.id;
                                        view! {
                                            <li>
                                                <A href=format!("/contacts/{id}")>{format!("{} {}", c.first_name, c.last_name)}</A>
                                                {c.email.clone().map(|e| view! { " · " <span class="muted">{e}</span> })}
                                                {c.organisation.clone().map(|o| view! { " · " <span class="muted">{o.name}</span> })}
                                                {(i > 0).then(|| view! {
                                                    " " <A href=format!("/contacts/merge?survivor={first}&duplicate={id}") attr:class="button">{move || i18n.texts().duplicates.compare}</A>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        } />
    }
}

/// How a field reads on a merge preview.
fn shown(t: &Texts, contact: &Contact, field: ContactField, colleagues: &[Colleague]) -> String {
    let i = &contact.input;
    let text = match field {
        ContactField::Salutation => (t.records.salutations)(i.salutation).to_owned(),
        ContactField::Title => i.title.clone(),
        ContactField::FirstName => i.first_name.clone(),
        ContactField::LastName => i.last_name.clone(),
        ContactField::Address => i.address.one_line(),
        ContactField::Birthday => format::date(&i.birthday).unwrap_or_default(),
        ContactField::PreferredLanguage => {
            (t.contacts.language_names)(&i.preferred_language).to_owned()
        }
        ContactField::Organisation => contact
            .organisation
            .clone()
            .map(|o| o.name)
            .unwrap_or_default(),
        ContactField::Position => i.position.clone(),
        ContactField::Owner => colleague_name(colleagues, i.owner_id),
        ContactField::Classification => i
            .classification
            .map(|c| c.letter().to_owned())
            .unwrap_or_default(),
        ContactField::Stage => (t.records.stages)(i.stage).to_owned(),
        ContactField::Notes => i.notes.clone(),
        ContactField::ExternalId => i.external_id.clone(),
        ContactField::Emails
        | ContactField::Phones
        | ContactField::Tags
        | ContactField::Channels => String::new(),
    };
    if text.is_empty() {
        "—".into()
    } else {
        text
    }
}

#[component]
pub fn MergePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let ids = Memo::new(move |_| {
        let get = |k: &str| query.read().get(k).and_then(|v| Uuid::parse_str(&v).ok());
        (get("survivor"), get("duplicate"))
    });
    let preview = Resource::new(
        move || ids.get(),
        |ids| async move {
            match ids {
                (Some(s), Some(d)) => preview_merge(s, d).await,
                _ => Err(AppError::NotFound),
            }
        },
    );
    let colleagues = directory();
    view! {
        <h1>{move || i18n.texts().duplicates.merge_title}</h1>
        <p class="muted">{move || i18n.texts().duplicates.merge_intro}</p>
        <AsyncView resource=preview back="/contacts/duplicates" render=move |preview| view! {
            <AsyncView resource=colleagues render=move |colleagues| view! { <MergeForm preview=preview.clone() colleagues /> } />
        } />
    }
}

#[component]
fn MergeForm(preview: MergePreview, colleagues: Vec<Colleague>) -> impl IntoView {
    let i18n = use_i18n();
    let merge = ServerAction::<MergeContacts>::new();
    let take = RwSignal::new(Vec::<String>::new());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(contact)) = merge.value().get() {
            navigate(&format!("/contacts/{}", contact.id), Default::default());
        }
    });
    let MergePreview {
        survivor,
        duplicate,
        differing,
        interactions,
        tasks,
        appointments,
    } = preview;
    let (s, d, version) = (survivor.id, duplicate.id, survivor.version);
    let swap = format!("/contacts/merge?survivor={d}&duplicate={s}");
    let counts = [
        ("interactions", interactions.to_string()),
        ("tasks", tasks.to_string()),
        ("appointments", appointments.to_string()),
    ];
    view! {
        <ErrorBanner error=Signal::derive(move || merge.value().get().and_then(Result::err)) />
        <table class="data-table merge-table">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.texts().duplicates.field}</th>
                    <th scope="col">{move || i18n.texts().duplicates.keeps} ": " {survivor.full_name()}</th>
                    <th scope="col">{move || i18n.texts().duplicates.merged_away} ": " {duplicate.full_name()}</th>
                </tr>
            </thead>
            <tbody>
                {differing.into_iter().map(|field| {
                    let name = field.name();
                    let keep_value = shown(i18n.texts(), &survivor, field, &colleagues);
                    let take_value = shown(i18n.texts(), &duplicate, field, &colleagues);
                    let chosen = move || take.get().iter().any(|t| t == name);
                    view! {
                        <tr>
                            <th scope="row">{move || (i18n.texts().contacts.field_names)(field)}</th>
                            <td><label class="checkbox"><input type="radio" name=format!("merge-{name}") checked=true
                                on:change=move |_| take.update(|t| t.retain(|x| x != name)) /> {keep_value}</label></td>
                            <td class:chosen=chosen><label class="checkbox"><input type="radio" name=format!("merge-{name}")
                                on:change=move |_| take.update(|t| if !t.iter().any(|x| x == name) { t.push(name.to_owned()) }) /> {take_value}</label></td>
                        </tr>
                    }
                }).collect_view()}
                <tr>
                    <th scope="row">{move || i18n.texts().contacts.emails} ", " {move || i18n.texts().contacts.phones} ", " {move || i18n.texts().records.tags}</th>
                    <td colspan="2" class="muted">{move || i18n.texts().duplicates.lists_joined}</td>
                </tr>
            </tbody>
        </table>
        <p>{move || {
            let args: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fill(i18n.texts().duplicates.moves, &args)
        }}</p>
        <div class="actions">
            <button type="button" class="button primary" disabled=move || merge.pending().get()
                on:click=move |_| { merge.dispatch(MergeContacts { request: MergeRequest { survivor: s, duplicate: d, version, take: take.get_untracked() } }); }>
                {move || if merge.pending().get() { i18n.texts().duplicates.merging } else { i18n.texts().duplicates.merge }}
            </button>
            <A href=swap attr:class="button">{move || i18n.texts().duplicates.swap}</A>
            <A href="/contacts/duplicates" attr:class="button link">{move || i18n.texts().common.cancel}</A>
        </div>
    }
}

/// The merges into a contact and the undo action; the page creates it at its top (see
/// docs/architecture.md, "Async views").
#[derive(Clone, Copy)]
pub struct MergeHistoryData {
    undo: ServerAction<UndoMerge>,
    history: Resource<Result<Vec<crate::model::duplicates::MergeRecord>, AppError>>,
}

pub fn merge_history_of(contact: Signal<Option<Uuid>>) -> MergeHistoryData {
    let undo = ServerAction::<UndoMerge>::new();
    let history = Resource::new(
        move || (contact.get(), undo.version().get()),
        |(contact, _)| async move { merge_history(contact.ok_or(AppError::NotFound)?).await },
    );
    MergeHistoryData { undo, history }
}

/// The merges into a contact, with undo where still possible.
#[component]
pub fn MergeHistory(data: MergeHistoryData, changed: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let MergeHistoryData { undo, history } = data;
    Effect::new(move |_| {
        if let Some(Ok(_)) = undo.value().get() {
            changed.update(|n| *n += 1);
        }
    });
    view! {
        <ErrorBanner error=Signal::derive(move || undo.value().get().and_then(Result::err)) />
        <AsyncView resource=history render=move |merges| (!merges.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="merge-history">
                <h2 id="merge-history">{move || i18n.texts().duplicates.history}</h2>
                <ul class="plain-list">
                    {merges.into_iter().map(|m| {
                        let id = m.id;
                        view! {
                            <li>
                                {move || i18n.texts().duplicates.merged_from} " " <strong>{m.duplicate_name.clone()}</strong>
                                " · " {format::timestamp(m.merged_at)} " "
                                {match (m.undone_at, m.can_undo) {
                                    (Some(_), _) => view! { <span class="muted">{move || i18n.texts().duplicates.undone}</span> }.into_any(),
                                    (None, true) => view! {
                                        <button type="button" class="button" on:click=move |_| { undo.dispatch(UndoMerge { id }); }>
                                            {move || i18n.texts().duplicates.undo}
                                        </button>
                                    }.into_any(),
                                    (None, false) => view! { <span class="muted">{move || i18n.texts().duplicates.undo_locked}</span> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }) />
    }
}
