//! The bar above a list (contacts, organisations) when rows are selected: one
//! action for all of them, confirmed with their count.

use crate::api::contacts::BulkContacts;
use crate::api::organisations::BulkOrganisations;
use crate::i18n::use_i18n;
use crate::model::contacts::LifecycleStage;
use crate::model::identity::Colleague;
use crate::model::views::ViewArea;
use crate::model::views::{BulkChange, BulkRequest};
use crate::ui::components::form::ErrorBanner;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn BulkBar(
    area: ViewArea,
    selected: RwSignal<Vec<Uuid>>,
    colleagues: Vec<Colleague>,
    /// Moved after a successful action so the list reloads.
    done: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let contacts = ServerAction::<BulkContacts>::new();
    let organisations = ServerAction::<BulkOrganisations>::new();
    // One outcome, whichever list this is.
    let value = Signal::derive(move || match area {
        ViewArea::Contacts => contacts.value().get(),
        ViewArea::Organisations => organisations.value().get(),
    });
    let pending = Signal::derive(move || contacts.pending().get() || organisations.pending().get());
    let colleagues = StoredValue::new(colleagues);
    let kind = RwSignal::new("add_tag".to_owned());
    let tag = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let stage = RwSignal::new(LifecycleStage::Customer.code().to_owned());
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            selected.set(Vec::new());
            done.update(|n| *n += 1);
        }
    });
    let count = move || selected.with(Vec::len) as i64;
    let apply = move |_| {
        let ids = selected.get_untracked();
        let n = ids.len() as i64;
        let change = match kind.get_untracked().as_str() {
            "owner" => BulkChange::Owner(owner.get_untracked().parse().ok()),
            "stage" => {
                BulkChange::Stage(LifecycleStage::parse(&stage.get_untracked()).unwrap_or_default())
            }
            "delete" => BulkChange::Delete,
            _ => BulkChange::AddTag(tag.get_untracked().trim().to_owned()),
        };
        let t = i18n.texts().views;
        let question = match (&change, area) {
            (BulkChange::Delete, ViewArea::Contacts) => t.confirm_delete.of(n),
            (BulkChange::Delete, ViewArea::Organisations) => t.confirm_delete_organisations.of(n),
            _ => t.confirm_change.of(n),
        };
        if window().confirm_with_message(&question).unwrap_or(false) {
            let request = BulkRequest {
                ids,
                change,
                confirmed: n as usize,
            };
            match area {
                ViewArea::Contacts => {
                    contacts.dispatch(BulkContacts { request });
                }
                ViewArea::Organisations => {
                    organisations.dispatch(BulkOrganisations { request });
                }
            }
        }
    };
    let last_done = move || match value.get() {
        Some(Ok(n)) => Some(i18n.texts().views.done.of(n as i64)),
        _ => None,
    };
    view! {
        {move || last_done().map(|text| view! { <p class="banner success" role="status">{text}</p> })}
        <Show when=move || count() != 0>
            <div class="bulk-bar" role="region" aria-label=move || i18n.texts().views.bulk_action>
                <strong aria-live="polite">{move || i18n.texts().views.selected.of(count())}</strong>
                <label for="bulk-kind" class="visually-hidden">{move || i18n.texts().views.bulk_action}</label>
                <select id="bulk-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="add_tag">{move || i18n.texts().views.add_tag}</option>
                    <option value="owner">{move || i18n.texts().views.change_owner}</option>
                    {(area == ViewArea::Contacts).then(|| view! { <option value="stage">{move || i18n.texts().views.change_stage}</option> })}
                    <option value="delete">{move || i18n.texts().views.delete}</option>
                </select>
                <Show when=move || kind.get() == "add_tag">
                    <label for="bulk-tag" class="visually-hidden">{move || i18n.texts().views.tag}</label>
                    <input id="bulk-tag" type="text" size="14" placeholder=move || i18n.texts().views.tag
                        prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev)) />
                </Show>
                <Show when=move || kind.get() == "owner">
                    <select id="bulk-owner" aria-label=move || i18n.texts().views.change_owner on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="">{move || i18n.texts().views.no_owner}</option>
                        {colleagues.get_value().into_iter().map(|c| view! { <option value=c.user_id.to_string()>{c.display_name}</option> }).collect_view()}
                    </select>
                </Show>
                <Show when=move || area == ViewArea::Contacts && kind.get() == "stage">
                    <select id="bulk-stage" aria-label=move || i18n.texts().views.change_stage on:change=move |ev| stage.set(event_target_value(&ev))>
                        {LifecycleStage::all().map(|s| view! {
                            <option value=s.code() selected=s == LifecycleStage::Customer>{move || (i18n.texts().records.stages)(s)}</option>
                        }).collect_view()}
                    </select>
                </Show>
                <button type="button" class=move || if kind.get() == "delete" { "button danger" } else { "button primary" }
                    disabled=move || pending.get() on:click=apply>
                    {move || i18n.texts().views.apply.of(count())}
                </button>
                <button type="button" class="button link" on:click=move |_| selected.set(Vec::new())>
                    {move || i18n.texts().views.clear}
                </button>
                <ErrorBanner error=Signal::derive(move || value.get().and_then(Result::err)) />
            </div>
        </Show>
    }
}

/// The header cell that selects (or clears) every row of the page.
#[component]
pub fn SelectPageCell(selected: RwSignal<Vec<Uuid>>, ids: Vec<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let ids = StoredValue::new(ids);
    let all = move || {
        ids.with_value(|ids| {
            selected.with(|s| !ids.is_empty() && ids.iter().all(|id| s.contains(id)))
        })
    };
    let toggle = move |_| {
        ids.with_value(|ids| {
            selected.update(|s| {
                if ids.iter().all(|id| s.contains(id)) {
                    s.retain(|id| !ids.contains(id));
                } else {
                    let new: Vec<Uuid> = ids.iter().filter(|id| !s.contains(id)).copied().collect();
                    s.extend(new);
                }
            })
        })
    };
    view! {
        <th scope="col" class="select">
            <input type="checkbox" aria-label=move || i18n.texts().views.select_page prop:checked=all on:change=toggle />
        </th>
    }
}

/// The first cell of a row: whether it is selected.
#[component]
pub fn SelectRowCell(selected: RwSignal<Vec<Uuid>>, id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <td class="select">
            <input type="checkbox" aria-label=move || i18n.texts().views.select_row
                prop:checked=move || selected.with(|s| s.contains(&id))
                on:change=move |_| selected.update(|s| {
                    if let Some(i) = s.iter().position(|x| *x == id) {
                        s.remove(i);
                    } else {
                        s.push(id);
                    }
                }) />
        </td>
    }
}
