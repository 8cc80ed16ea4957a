//! The command palette (Ctrl+K / ⌘K): type-ahead over contacts and organisations by
//! name, e-mail and phone, and the commands a role may use; fully keyboard-driven.

use crate::api::palette::palette_search;
use crate::i18n::{use_i18n, TextFn};
use crate::model::identity::Role;
use crate::model::palette::PaletteResults;
use crate::model::permission::{Action, Area};
use crate::ui::components::live_search::live_results;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// A command: what it is called, where it goes and who may use it.
struct Command {
    label: TextFn,
    href: &'static str,
    needs: (Area, Action),
}

const COMMANDS: &[Command] = &[
    Command {
        label: |t| t.contacts.new_contact,
        href: "/contacts/new",
        needs: (Area::Contacts, Action::Create),
    },
    Command {
        label: |t| t.organisations.new_organisation,
        href: "/organisations/new",
        needs: (Area::Organisations, Action::Create),
    },
    Command {
        label: |t| t.tasks.new_task,
        href: "/tasks/new",
        needs: (Area::Tasks, Action::Create),
    },
    Command {
        label: |t| t.calendar.new_appointment,
        href: "/calendar/new",
        needs: (Area::Calendar, Action::Create),
    },
    Command {
        label: |t| t.tasks.my_tasks,
        href: "/tasks",
        needs: (Area::Tasks, Action::Read),
    },
    Command {
        label: |t| t.common.nav_calendar,
        href: "/calendar",
        needs: (Area::Calendar, Action::Read),
    },
    Command {
        label: |t| t.common.nav_contacts,
        href: "/contacts",
        needs: (Area::Contacts, Action::Read),
    },
    Command {
        label: |t| t.common.nav_organisations,
        href: "/organisations",
        needs: (Area::Organisations, Action::Read),
    },
    Command {
        label: |t| t.common.nav_audit,
        href: "/audit",
        needs: (Area::Audit, Action::Read),
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Commands,
    Contacts,
    Organisations,
}

impl Group {
    fn label(self, t: &crate::i18n::Texts) -> &'static str {
        match self {
            Group::Commands => t.palette.commands,
            Group::Contacts => t.palette.contacts,
            Group::Organisations => t.palette.organisations,
        }
    }
}

/// One line of the palette.
#[derive(Clone, PartialEq)]
struct Entry {
    group: Group,
    title: String,
    detail: Option<String>,
    href: String,
}

fn entries(role: Role, q: &str, found: &PaletteResults, t: &crate::i18n::Texts) -> Vec<Entry> {
    let needle = q.trim().to_lowercase();
    let mut out: Vec<Entry> = COMMANDS
        .iter()
        .filter(|c| role.may(c.needs.0, c.needs.1))
        .filter(|c| needle.is_empty() || (c.label)(t).to_lowercase().contains(&needle))
        .map(|c| Entry {
            group: Group::Commands,
            title: (c.label)(t).to_owned(),
            detail: None,
            href: c.href.to_owned(),
        })
        .collect();
    let hits = |group: Group, hits: &[crate::model::palette::PaletteHit]| {
        hits.iter()
            .map(move |h| Entry {
                group,
                title: h.title.clone(),
                detail: h.detail.clone(),
                href: h.href.clone(),
            })
            .collect::<Vec<_>>()
    };
    let mut records = hits(Group::Contacts, &found.contacts);
    records.extend(hits(Group::Organisations, &found.organisations));
    // With a query, records first: that is what people type for.
    if needle.is_empty() {
        out.extend(records);
        out
    } else {
        records.extend(out);
        records
    }
}

#[component]
pub fn CommandPalette(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let q = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<leptos::html::Input>::new();
    let found = live_results(
        move || {
            let query = q.get();
            (query.trim().chars().count() >= 2).then_some(query)
        },
        palette_search,
    );
    let list = Memo::new(move |_| entries(role, &q.get(), &found.get(), i18n.texts()));
    let show = move || {
        q.set(String::new());
        active.set(0);
        open.set(true);
        request_animation_frame(move || {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        });
    };
    let shortcut = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            show();
        }
    });
    on_cleanup(move || shortcut.remove());
    let navigate = use_navigate();
    let go = move |href: String| {
        open.set(false);
        navigate(&href, Default::default());
    };
    let go_keys = go.clone();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = list.get_untracked().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" => {
                ev.prevent_default();
                if let Some(entry) = list.get_untracked().get(active.get_untracked()) {
                    go_keys(entry.href.clone());
                }
            }
            "Escape" => open.set(false),
            _ => {}
        }
    };
    view! {
        <button type="button" class="button palette-open" aria-keyshortcuts="Control+K Meta+K" on:click=move |_| show()>
            {move || i18n.texts().palette.open} <kbd>"Ctrl K"</kbd>
        </button>
        <Show when=move || open.get()>
            <div class="palette-backdrop" on:click=move |_| open.set(false)>
                <div class="palette" role="dialog" aria-modal="true" aria-label=move || i18n.texts().palette.title
                    on:click=|ev| ev.stop_propagation()>
                    <input
                        node_ref=input
                        type="search"
                        role="combobox"
                        aria-expanded="true"
                        aria-controls="palette-options"
                        aria-activedescendant=move || format!("palette-option-{}", active.get())
                        autocomplete="off"
                        placeholder=move || i18n.texts().palette.placeholder
                        prop:value=move || q.get()
                        on:input=move |ev| {
                            q.set(event_target_value(&ev));
                            active.set(0);
                        }
                        on:keydown=on_keydown.clone()
                    />
                    <ul id="palette-options" role="listbox" class="palette-options">
                        {
                            let go = go.clone();
                            move || {
                                let items = list.get();
                                if items.is_empty() {
                                    return view! { <li class="muted palette-empty">{move || i18n.texts().palette.nothing}</li> }.into_any();
                                }
                                let go = go.clone();
                                items
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, entry)| {
                                        let href = entry.href.clone();
                                        let go = go.clone();
                                        let group = entry.group;
                                        view! {
                                            <li id=format!("palette-option-{i}") role="option"
                                                aria-selected=move || (active.get() == i).to_string()
                                                on:mousemove=move |_| active.set(i)
                                                on:click=move |_| go(href.clone())>
                                                <span class="palette-group">{move || group.label(i18n.texts())}</span>
                                                <span class="palette-title">{entry.title.clone()}</span>
                                                {entry.detail.clone().map(|d| view! { <span class="muted">{d}</span> })}
                                            </li>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                        }
                    </ul>
                    <p class="hint">{move || i18n.texts().palette.hint}</p>
                </div>
            </div>
        </Show>
    }
}
