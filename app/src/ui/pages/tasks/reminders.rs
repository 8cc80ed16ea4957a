//! Due reminders in the header: a count, and the list to open or dismiss them.

use crate::api::tasks::{load_reminders, DismissReminder};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Reminders() -> impl IntoView {
    let i18n = use_i18n();
    let dismiss = ServerAction::<DismissReminder>::new();
    let reminders = Resource::new(move || dismiss.version().get(), |_| load_reminders());
    let open = RwSignal::new(false);
    let items = move || reminders.get().and_then(Result::ok).unwrap_or_default();
    view! {
        <Transition fallback=|| ()>
            {move || {
                let items = items();
                let count = items.len() as i64;
                (count > 0).then(|| view! {
                    <div class="reminders">
                        <button type="button" class="button reminder-bell" aria-expanded=move || open.get().to_string()
                            aria-controls="reminder-list" on:click=move |_| open.update(|o| *o = !*o)>
                            {move || i18n.texts().tasks.reminder_count.of(count)}
                        </button>
                        <Show when=move || open.get()>
                            <ul id="reminder-list" class="reminder-list" aria-label=move || i18n.texts().tasks.reminders>
                                {items.clone().into_iter().map(|task| {
                                    let id = task.id;
                                    view! {
                                        <li>
                                            <A href=format!("/tasks/{id}/edit")>{task.input.title.clone()}</A>
                                            <button type="button" class="button link" on:click=move |_| { dismiss.dispatch(DismissReminder { id }); }>
                                                {move || i18n.texts().tasks.dismiss}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </Show>
                    </div>
                })
            }}
        </Transition>
    }
}
