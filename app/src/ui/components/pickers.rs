//! Choosing linked records: a type-ahead over organisations or contacts (a combobox
//! with keyboard navigation), and colleagues from the team directory.

use crate::api::contacts::list_contacts;
use crate::api::organisations::list_organisations;
use crate::api::team::load_directory;
use crate::i18n::{use_i18n, Texts};
use crate::model::contacts::{ContactListQuery, RecordRef};
use crate::model::identity::Colleague;
use crate::model::organisations::OrganisationListQuery;
use crate::model::validation::FieldErrors;
use crate::ui::components::live_search::live_results;
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// What a [`RecordPicker`] searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerSource {
    Organisations,
    Contacts,
}

async fn find(source: PickerSource, q: String) -> Result<Vec<RecordRef>, AppError> {
    if q.trim().chars().count() < 2 {
        return Ok(Vec::new());
    }
    Ok(match source {
        PickerSource::Organisations => {
            let query = OrganisationListQuery {
                q,
                ..Default::default()
            };
            let page = list_organisations(query).await?;
            page.items
                .into_iter()
                .take(8)
                .map(|o| RecordRef {
                    id: o.id,
                    name: o.name,
                })
                .collect()
        }
        PickerSource::Contacts => {
            let query = ContactListQuery {
                q,
                ..Default::default()
            };
            let page = list_contacts(query).await?;
            page.items
                .into_iter()
                .take(8)
                .map(|c| RecordRef {
                    id: c.id,
                    name: format!("{} {}", c.first_name, c.last_name),
                })
                .collect()
        }
    })
}

/// A combobox that sets a hidden `name` input to the chosen record's id.
#[component]
pub fn RecordPicker(
    source: PickerSource,
    /// The hidden input's form name, e.g. `input[organisation_id]`.
    name: &'static str,
    field: &'static str,
    label: fn(&Texts) -> &'static str,
    placeholder: fn(&Texts) -> &'static str,
    errors: Memo<FieldErrors>,
    #[prop(default = None)] initial: Option<RecordRef>,
    /// Called when a record is chosen (lets a page act at once instead of a form).
    #[prop(optional)]
    on_pick: Option<Callback<RecordRef>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("field-{field}");
    let list_id = format!("{id}-options");
    let chosen = RwSignal::new(initial.clone());
    let text = RwSignal::new(initial.map(|r| r.name).unwrap_or_default());
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let options = live_results::<_, Vec<RecordRef>, _>(
        move || open.get().then(|| text.get()),
        move |q| find(source, q),
    );
    let pick = move |record: RecordRef| {
        text.set(record.name.clone());
        chosen.set(Some(record.clone()));
        open.set(false);
        if let Some(cb) = on_pick {
            cb.run(record);
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = options.get_untracked().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" if open.get_untracked() => {
                ev.prevent_default();
                if let Some(record) = options.get_untracked().get(active.get_untracked()) {
                    pick(record.clone());
                }
            }
            "Escape" => open.set(false),
            _ => {}
        }
    };
    let message = move || errors.get().get(field).map(|p| i18n.texts().problem(p));
    let hidden_value = move || chosen.get().map(|r| r.id.to_string()).unwrap_or_default();
    let initial_value = hidden_value();
    view! {
        <div class="field picker" class:invalid=move || message().is_some()>
            <label for=id.clone()>{move || label(i18n.texts())}</label>
            <input type="hidden" name=name value=initial_value prop:value=hidden_value />
            <input
                id=id
                type="search"
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || (open.get() && !options.get().is_empty()).to_string()
                placeholder=move || placeholder(i18n.texts())
                prop:value=move || text.get()
                value=text.get_untracked()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    if value.is_empty() {
                        chosen.set(None);
                    }
                    text.set(value);
                    active.set(0);
                    open.set(true);
                }
                on:keydown=on_keydown
                on:blur=move |_| {
                    // A typed name that was never chosen does not count.
                    if chosen.get_untracked().map(|r| r.name) != Some(text.get_untracked()) {
                        chosen.set(None);
                    }
                }
            />
            <Show when=move || open.get() && !options.get().is_empty()>
                <ul class="picker-options" role="listbox" id=list_id.clone()>
                    {move || options
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, record)| {
                            let shown = record.name.clone();
                            view! {
                                <li
                                    role="option"
                                    aria-selected=move || (active.get() == i).to_string()
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        pick(record.clone());
                                    }
                                >
                                    {shown}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </Show>
            <p class="field-error" role="alert">{message}</p>
        </div>
    }
}

/// The workspace's colleagues for pickers and labels (one audited read per page).
pub fn directory() -> Resource<Result<Vec<Colleague>, AppError>> {
    Resource::new(|| (), |_| load_directory())
}

/// A colleague's name from a loaded directory, or `—`.
pub fn colleague_name(directory: &[Colleague], id: Option<Uuid>) -> String {
    id.and_then(|id| directory.iter().find(|c| c.user_id == id))
        .map(|c| c.display_name.clone())
        .unwrap_or_else(|| "—".into())
}

/// Options for an owner or assignee `<select>`.
pub fn colleague_options(directory: &[Colleague]) -> Vec<(String, Signal<String>)> {
    directory
        .iter()
        .map(|c| {
            let name = c.display_name.clone();
            (c.user_id.to_string(), Signal::derive(move || name.clone()))
        })
        .collect()
}
