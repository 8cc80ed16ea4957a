//! The owner's log settings, and the owner's request for the wider view as the DPO and
//! the works council approve it.

use super::reidentification::ProblemBanner;
use crate::api::audit::{
    load_audit_settings, ApproveWiderView, NarrowAuditView, UpdateAuditSettings,
};
use crate::i18n::{fill, use_i18n};
use crate::model::audit::AuditSettingsView;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::ErrorBanner;
use crate::ui::format;
use crate::ui::layout::CurrentUserResource;
use leptos::prelude::*;

/// The log settings and the owner's request for the wider view, loaded once per page
/// and reloaded after each change (created at the page's top, see docs/architecture.md).
#[derive(Clone, Copy)]
pub(super) struct SettingsData {
    save: ServerAction<UpdateAuditSettings>,
    approve: ServerAction<ApproveWiderView>,
    narrow: ServerAction<NarrowAuditView>,
    settings: Resource<Result<Option<AuditSettingsView>, crate::AppError>>,
}

pub(super) fn settings_data() -> SettingsData {
    let save = ServerAction::<UpdateAuditSettings>::new();
    let approve = ServerAction::<ApproveWiderView>::new();
    let narrow = ServerAction::<NarrowAuditView>::new();
    let user = expect_context::<CurrentUserResource>().0;
    let settings = Resource::new(
        move || {
            (
                save.version().get(),
                approve.version().get(),
                narrow.version().get(),
            )
        },
        // Members would only be refused: ask only for a role that reads them.
        move |_| async move {
            let role = user.await.ok().flatten().map(|u| u.role);
            if role.is_some_and(|role| {
                AuditSettingsView::readable_with(|area, action| role.may(area, action))
            }) {
                load_audit_settings().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    SettingsData {
        save,
        approve,
        narrow,
        settings,
    }
}

fn widening_status(i18n: crate::i18n::I18n, view: &AuditSettingsView) -> Option<String> {
    let t = i18n.texts();
    if view.admins_see_all {
        return Some(t.audit.widening_on.to_owned());
    }
    let w = view.widening.as_ref()?;
    let state = |done: bool| {
        if done {
            t.audit.widening_approved
        } else {
            t.audit.widening_waiting
        }
    };
    Some(fill(
        t.audit.widening_pending,
        &[
            ("at", &format::timestamp(w.requested_at)),
            ("dpo", state(w.dpo_approved)),
            ("wc", state(w.works_council_approved)),
        ],
    ))
}

/// For the DPO and the works council: the owner's open request, or the view that is on.
#[component]
pub(super) fn WiderViewApproval(data: SettingsData) -> impl IntoView {
    let i18n = use_i18n();
    let SettingsData {
        approve,
        narrow,
        settings,
        ..
    } = data;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Some(view)) = settings.await else { return ().into_any() };
                let Some(status) = widening_status(i18n, &view) else { return ().into_any() };
                view! {
                    <section class="card">
                        <h2>{move || i18n.texts().audit.wider_title}</h2>
                        <p class="muted">{move || i18n.texts().audit.wider_intro}</p>
                        <ProblemBanner error=Signal::derive(move || approve.value().get().and_then(Result::err).or_else(|| narrow.value().get().and_then(Result::err))) />
                        <p role="status">{status}</p>
                        <div class="actions">
                            {view.may_approve.then(|| view! {
                                <button type="button" class="button primary" disabled=move || approve.pending().get()
                                    on:click=move |_| { approve.dispatch(ApproveWiderView {}); }>
                                    {move || i18n.texts().audit.wider_approve}
                                </button>
                            })}
                            {view.may_narrow.then(|| view! {
                                <button type="button" class="button" disabled=move || narrow.pending().get()
                                    on:click=move |_| { narrow.dispatch(NarrowAuditView {}); }>
                                    {move || i18n.texts().audit.wider_switch_off}
                                </button>
                            })}
                        </div>
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}

/// The owner's settings for the log; every change is itself logged. Asking for the
/// wider view records a request the DPO and the works council approve.
#[component]
pub(super) fn AuditSettings(data: SettingsData) -> impl IntoView {
    let i18n = use_i18n();
    let SettingsData { save, settings, .. } = data;
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <section class="card">
            <h2>{move || i18n.texts().audit.settings_title}</h2>
            <ErrorBanner error=Signal::derive(move || save.value().get().and_then(Result::err)) />
            <Show when=saved>
                <div class="banner success" role="status">{move || i18n.texts().audit.settings_saved}</div>
            </Show>
            <AsyncView resource=settings render={move |current: Option<AuditSettingsView>| current.map(|current| {
                let days = RwSignal::new(current.retention_days);
                let see_all = RwSignal::new(current.admins_see_all || current.widening.is_some());
                let status = widening_status(i18n, &current);
                view! {
                    <form on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch(UpdateAuditSettings { retention_days: days.get_untracked(), admins_see_all: see_all.get_untracked() });
                    }>
                        <div class="field">
                            <label for="audit-retention">{move || i18n.texts().audit.retention}</label>
                            <input id="audit-retention" type="number" min="30" max="3650" prop:value=move || days.get().to_string()
                                on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { days.set(v); } } />
                            <p class="hint">{move || i18n.texts().audit.retention_hint}</p>
                        </div>
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || see_all.get() on:change=move |ev| see_all.set(event_target_checked(&ev)) />
                            " " {move || i18n.texts().audit.admins_see_all}
                        </label>
                        {status.map(|s| view! { <p class="hint" role="status">{s}</p> })}
                        <div class="actions">
                            <button type="submit" class="button primary" disabled=move || save.pending().get()>{move || i18n.texts().common.save}</button>
                        </div>
                    </form>
                }
            })} />
        </section>
    }
}
