//! Four-eyes re-identification on the review page, and the record of who entered or
//! left the reviewer roles.

use crate::api::audit::{list_reidentifications, ApproveReidentification, RequestReidentification};
use crate::i18n::{fill, use_i18n};
use crate::model::audit::{ReidentificationView, ReviewerRoleChange};
use crate::model::identity::Role;
use crate::ui::components::form::ErrorBanner;
use crate::ui::format;
use leptos::prelude::*;

/// The open re-identification requests and the actions on them.
#[derive(Clone, Copy)]
pub(super) struct ReidentificationData {
    request: ServerAction<RequestReidentification>,
    approve: ServerAction<ApproveReidentification>,
    requests: Resource<Result<Vec<ReidentificationView>, crate::AppError>>,
}

pub(super) fn reidentification_data() -> ReidentificationData {
    let request = ServerAction::<RequestReidentification>::new();
    let approve = ServerAction::<ApproveReidentification>::new();
    let requests = Resource::new(
        move || (request.version().get(), approve.version().get()),
        |_| list_reidentifications(),
    );
    ReidentificationData {
        request,
        approve,
        requests,
    }
}

/// Four-eyes re-identification of a pseudonym.
#[component]
pub(super) fn Reidentification(
    pseudonyms: Vec<String>,
    data: ReidentificationData,
) -> impl IntoView {
    let i18n = use_i18n();
    let ReidentificationData {
        request,
        approve,
        requests,
    } = data;
    let pseudonym = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    view! {
        <section class="card">
            <h2>{move || i18n.texts().audit.reid_title}</h2>
            <p class="muted">{move || i18n.texts().audit.reid_intro}</p>
            <ProblemBanner error=Signal::derive(move || request.value().get().and_then(Result::err).or_else(|| approve.value().get().and_then(Result::err))) />
            {(!pseudonyms.is_empty()).then(|| view! {
                <form class="inline-form" on:submit=move |ev| {
                    ev.prevent_default();
                    request.dispatch(RequestReidentification { pseudonym: pseudonym.get_untracked(), reason: reason.get_untracked() });
                }>
                    <div class="field">
                        <label for="reid-pseudonym">{move || i18n.texts().audit.reid_pseudonym}</label>
                        <select id="reid-pseudonym" on:change=move |ev| pseudonym.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {pseudonyms.into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="reid-reason">{move || i18n.texts().audit.reid_reason}</label>
                        <input id="reid-reason" type="text" maxlength="500" on:input=move |ev| reason.set(event_target_value(&ev)) />
                    </div>
                    <button type="submit" class="button">{move || i18n.texts().audit.reid_submit}</button>
                </form>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = requests.await.unwrap_or_default();
                    if list.is_empty() {
                        return view! { <p class="muted">{move || i18n.texts().audit.reid_none}</p> }.into_any();
                    }
                    view! {
                        <ul class="plain-list">
                            {list.into_iter().map(|r| {
                                let id = r.id;
                                let status = match (&r.revealed_name, r.approved, r.can_approve) {
                                    (Some(name), _, _) => view! { <strong>{fill(i18n.texts().audit.reid_revealed, &[("name", name)])}</strong> }.into_any(),
                                    (None, false, true) => view! {
                                        <button type="button" class="button" on:click=move |_| { approve.dispatch(ApproveReidentification { id }); }>
                                            {move || i18n.texts().audit.reid_approve}
                                        </button>
                                    }.into_any(),
                                    (None, false, false) => view! { <span class="muted">{move || i18n.texts().audit.reid_waiting}</span> }.into_any(),
                                    (None, true, _) => view! { <span class="muted">"✓"</span> }.into_any(),
                                };
                                let until = format::timestamp(r.open_until);
                                let when = if r.approved {
                                    fill(i18n.texts().audit.reid_approved_until, &[("until", &until)])
                                } else {
                                    fill(i18n.texts().audit.reid_open_until, &[("at", &format::timestamp(r.requested_at)), ("until", &until)])
                                };
                                view! { <li><code>{r.pseudonym}</code> " · " {r.reason} " · " <span class="muted">{when}</span> " · " {status}</li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// A validation error with its problems spelled out (the four-eyes rules explain
/// themselves), any other error as the usual banner.
#[component]
pub(super) fn ProblemBanner(error: Signal<Option<crate::AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || match error.get() {
        Some(crate::AppError::Validation(errors)) => {
            let text: Vec<String> = errors
                .0
                .iter()
                .map(|e| i18n.texts().problem(e.problem))
                .collect();
            Some(view! { <div class="banner error" role="alert">{text.join(" ")}</div> }.into_any())
        }
        other => {
            Some(view! { <ErrorBanner error=Signal::derive(move || other.clone()) /> }.into_any())
        }
    }
}

/// Who entered or left the reviewer roles lately, so an alias given one is noticed.
#[component]
pub(super) fn ReviewerRoleChanges(changes: Vec<ReviewerRoleChange>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.texts();
    let line = move |c: &ReviewerRoleChange| {
        let who = c.employee.clone();
        let role = |r: Option<Role>| r.map(|r| t().role(r).to_owned()).unwrap_or_default();
        let reviewing =
            |r: Option<Role>| matches!(r, Some(Role::DataProtectionOfficer | Role::WorksCouncil));
        let (old, new) = (c.old_role, c.new_role);
        if reviewing(new) && !reviewing(old) {
            fill(
                t().audit.roles_joined,
                &[("who", &who), ("role", &role(new))],
            )
        } else if reviewing(old) && !reviewing(new) {
            fill(t().audit.roles_left, &[("who", &who), ("role", &role(old))])
        } else {
            fill(
                t().audit.roles_changed,
                &[("who", &who), ("old", &role(old)), ("new", &role(new))],
            )
        }
    };
    view! {
        <section class="card">
            <h2>{move || t().audit.roles_title}</h2>
            <p class="muted">{move || t().audit.roles_intro}</p>
            {if changes.is_empty() {
                view! { <p class="muted">{move || t().audit.roles_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {changes.into_iter().map(|c| {
                            let text = line(&c);
                            let from = c.in_force_from.map(|at| fill(t().audit.roles_in_force_from, &[("at", &format::timestamp(at))]));
                            view! { <li>{format::timestamp(c.at)} " · " {text} {from.map(|f| view! { " · " <span class="muted">{f}</span> })}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
