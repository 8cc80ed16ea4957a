//! The audit log: the data protection officer's full view, the works council's
//! pseudonymised view, administrators' security events, everyone's own activity.

use crate::api::audit::{
    list_reidentifications, load_audit_page, ApproveReidentification, RequestReidentification,
    UpdateAuditSettings, VerifyAuditLog,
};
use crate::i18n::{fill, use_i18n};
use crate::model::audit::{AuditAction, AuditFilter, AuditPage, AuditPurpose, AuditScope};
use crate::model::identity::Role;
use crate::ui::components::async_view::{AsyncView, EmptyState};
use crate::ui::components::form::ErrorBanner;
use crate::ui::format;
use crate::ui::layout::use_current_user;
use crate::ui::url_query::{use_url_query, UrlQuery};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use uuid::Uuid;

impl UrlQuery for AuditFilter {
    const PATH: &'static str = "/audit";

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params: Vec<(&'static str, String)> = Vec::new();
        if self.own {
            params.push(("own", "true".into()));
        }
        params.extend(self.subject.map(|s| ("subject", s.to_string())));
        for (key, value) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            params.extend(value.clone().filter(|v| !v.is_empty()).map(|v| (key, v)));
        }
        params.extend(self.before.map(|b| ("before", b.to_string())));
        params
    }

    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        AuditFilter {
            subject: get("subject").and_then(|s| Uuid::parse_str(&s).ok()),
            actor: get("actor"),
            action: get("action"),
            from: get("from"),
            to: get("to"),
            before: get("before").and_then(|b| b.parse().ok()),
            own: get("own").as_deref() == Some("true"),
        }
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let filter = use_url_query::<AuditFilter>();
    let page = Resource::new(move || filter.get(), load_audit_page);
    // Created here, not inside the async view: see docs/architecture.md, "Async views".
    let reid = reidentification_data();
    view! {
        <div class="page-header">
            <h1>{move || i18n.texts().audit.title}</h1>
            <nav class="tabs" aria-label="Audit">
                <A href="/audit" attr:class=move || if filter.get().own { "button link" } else { "button" }>{move || i18n.texts().audit.tab_log}</A>
                <A href="/audit?own=true" attr:class=move || if filter.get().own { "button" } else { "button link" }>{move || i18n.texts().audit.tab_mine}</A>
            </nav>
        </div>
        <AsyncView resource=page render=move |page| view! { <AuditView page filter=filter.get_untracked() reid /> } />
    }
}

#[component]
fn AuditView(page: AuditPage, filter: AuditFilter, reid: ReidentificationData) -> impl IntoView {
    let i18n = use_i18n();
    let scope = page.scope;
    let description = move || match scope {
        AuditScope::Full => i18n.texts().audit.scope_full,
        AuditScope::Pseudonymised => i18n.texts().audit.scope_pseudonymised,
        AuditScope::Administrative => i18n.texts().audit.scope_administrative,
        AuditScope::Own => i18n.texts().audit.scope_own,
    };
    let reviewer = matches!(scope, AuditScope::Full | AuditScope::Pseudonymised);
    let may_reidentify = page.may_reidentify && reviewer;
    let older = page.next_before.map(|before| {
        AuditFilter {
            before: Some(before),
            ..filter.clone()
        }
        .href()
    });
    let newest = filter.before.map(|_| {
        AuditFilter {
            before: None,
            ..filter.clone()
        }
        .href()
    });
    let clear_subject = filter.subject.map(|_| {
        AuditFilter {
            subject: None,
            before: None,
            ..filter.clone()
        }
        .href()
    });
    let actors = page.actors.clone();
    let (own, subject) = (filter.own, filter.subject);
    let selected_actor = filter.actor.clone().unwrap_or_default();
    let selected_action = filter.action.clone();
    let (from, to) = (
        filter.from.clone().unwrap_or_default(),
        filter.to.clone().unwrap_or_default(),
    );
    let tools_filter = filter.clone();
    let pseudonyms: Vec<String> = if scope == AuditScope::Pseudonymised {
        actors.iter().map(|a| a.value.clone()).collect()
    } else {
        Vec::new()
    };
    view! {
        <p class="muted">{description}</p>
        {clear_subject.map(|href| view! {
            <p class="banner info">{move || i18n.texts().audit.filter_subject} " · " <A href=href>{move || i18n.texts().audit.clear_subject}</A></p>
        })}
        {view! { <Form method="GET" action="/audit" attr:class="toolbar">
            {own.then(|| view! { <input type="hidden" name="own" value="true" /> })}
            {subject.map(|s| view! { <input type="hidden" name="subject" value=s.to_string() /> })}
            {reviewer.then(|| {
                let selected = selected_actor.clone();
                view! {
                    <label for="audit-actor">{move || i18n.texts().audit.who}</label>
                    <select id="audit-actor" name="actor">
                        <option value="">{move || i18n.texts().audit.all}</option>
                        {actors.into_iter().map(|a| {
                            let is_selected = a.value == selected;
                            view! { <option value=a.value selected=is_selected>{a.label}</option> }
                        }).collect_view()}
                    </select>
                }
            })}
            <label for="audit-action">{move || i18n.texts().audit.what}</label>
            <select id="audit-action" name="action">
                <option value="">{move || i18n.texts().audit.all}</option>
                {AuditAction::all().map(|a| {
                    let selected = selected_action.as_deref() == Some(a.code().as_str());
                    view! { <option value=a.code() selected=selected>{move || i18n.texts().audit_action(a)}</option> }
                }).collect_view()}
            </select>
            <label for="audit-from">{move || i18n.texts().audit.from}</label>
            <input id="audit-from" type="date" name="from" value=from />
            <label for="audit-to">{move || i18n.texts().audit.to}</label>
            <input id="audit-to" type="date" name="to" value=to />
            <button type="submit" class="button">{move || i18n.texts().contacts.search_submit}</button>
        </Form> }.into_any()}
        {if page.entries.is_empty() {
            view! { <EmptyState title=|t| t.audit.empty /> }.into_any()
        } else {
            view! {
                <table class="data-table audit-table">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{move || i18n.texts().audit.when}</th>
                            <th scope="col">{move || i18n.texts().audit.who}</th>
                            <th scope="col">{move || i18n.texts().audit.what}</th>
                            <th scope="col">{move || i18n.texts().audit.whose}</th>
                            <th scope="col">{move || i18n.texts().audit.fields}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.entries.into_iter().map(|e| {
                            let action = e.action;
                            let count = e.subject_count;
                            let subjects = if e.subjects.is_empty() {
                                match count {
                                    0 => String::new(),
                                    n => i18n.texts().audit.people.of(n as i64),
                                }
                            } else {
                                let mut labels: Vec<String> = e.subjects.iter().map(|s| s.label.clone().unwrap_or_else(|| s.id.to_string())).collect();
                                if count > labels.len() { labels.push(format!("+{}", count - labels.len())); }
                                labels.join("; ")
                            };
                            view! {
                                <tr>
                                    <td>{e.seq}</td>
                                    <td>{format::timestamp(e.at)}</td>
                                    <td class="actor">{e.actor.unwrap_or_else(|| i18n.texts().audit.unknown_actor.to_owned())}</td>
                                    <td>{move || i18n.texts().audit_action(action)}</td>
                                    <td>{subjects}</td>
                                    <td class="muted">{e.fields.join(", ")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {view! { <nav class="pager" aria-label="Pagination">
            {newest.map(|h| view! { <A href=h attr:class="button">{move || i18n.texts().audit.newest}</A> })}
            {older.map(|h| view! { <A href=h attr:class="button" attr:rel="next">{move || i18n.texts().audit.older}</A> })}
        </nav> }.into_any()}
        {(scope == AuditScope::Full && !own).then(|| view! { <DpoTools filter=tools_filter /> }.into_any())}
        {may_reidentify.then(|| view! { <Reidentification pseudonyms data=reid /> }.into_any())}
        <Show when=move || use_current_user().get().is_some_and(|u| u.role == Role::Owner) && !own>
            <AuditSettings />
        </Show>
    }
}

/// Verify and export: the data protection officer's tools.
#[component]
fn DpoTools(filter: AuditFilter) -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<VerifyAuditLog>::new();
    let purpose = RwSignal::new(AuditPurpose::DataSubjectRequest);
    let export_href = move |format: &str| {
        let mut pairs = vec![
            ("format", format.to_owned()),
            ("purpose", purpose.get().code().to_owned()),
        ];
        if let Some(s) = filter.subject {
            pairs.push(("subject", s.to_string()));
        }
        for (key, value) in [
            ("actor", &filter.actor),
            ("action", &filter.action),
            ("from", &filter.from),
            ("to", &filter.to),
        ] {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                pairs.push((key, v.clone()));
            }
        }
        format!(
            "/audit/export?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let export_csv = {
        let export_href = export_href.clone();
        move || export_href("csv")
    };
    let export_json = move || export_href("json");
    let result = move || {
        verify
            .value()
            .get()
            .and_then(Result::ok)
            .map(|r| match r.first_broken {
                None => (true, i18n.texts().audit.intact.of(r.entries)),
                Some(seq) => (
                    false,
                    fill(i18n.texts().audit.broken, &[("n", &seq.to_string())]),
                ),
            })
    };
    view! {
        <section class="card">
            <h2>{move || i18n.texts().audit.export_title}</h2>
            <div class="inline-form">
                <div class="field">
                    <label for="audit-purpose">{move || i18n.texts().audit.purpose}</label>
                    <select id="audit-purpose" on:change=move |ev| {
                        if let Some(p) = AuditPurpose::parse(&event_target_value(&ev)) { purpose.set(p); }
                    }>
                        {AuditPurpose::for_review().map(|p| view! { <option value=p.code()>{move || i18n.texts().audit_purpose_name(p)}</option> }).collect_view()}
                    </select>
                </div>
                <a class="button" href=export_csv download="audit-log.csv">"CSV"</a>
                <a class="button" href=export_json download="audit-log.json">"JSON"</a>
                <button type="button" class="button" disabled=move || verify.pending().get() on:click=move |_| { verify.dispatch(VerifyAuditLog {}); }>
                    {move || i18n.texts().audit.verify}
                </button>
            </div>
            <ErrorBanner error=Signal::derive(move || verify.value().get().and_then(Result::err)) />
            {move || result().map(|(ok, text)| view! { <div class=if ok { "banner success" } else { "banner error" } role="status">{text}</div> })}
        </section>
    }
}

/// The open re-identification requests and the actions on them.
#[derive(Clone, Copy)]
struct ReidentificationData {
    request: ServerAction<RequestReidentification>,
    approve: ServerAction<ApproveReidentification>,
    requests: Resource<Result<Vec<crate::model::audit::ReidentificationView>, crate::AppError>>,
}

fn reidentification_data() -> ReidentificationData {
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
fn Reidentification(pseudonyms: Vec<String>, data: ReidentificationData) -> impl IntoView {
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
            <ErrorBanner error=Signal::derive(move || request.value().get().and_then(Result::err).or_else(|| approve.value().get().and_then(Result::err))) />
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
                                view! { <li><code>{r.pseudonym}</code> " · " {r.reason} " · " {status}</li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// The owner's settings for the log; every change is itself logged.
#[component]
fn AuditSettings() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<UpdateAuditSettings>::new();
    let days = RwSignal::new(365_i32);
    let see_all = RwSignal::new(false);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <section class="card">
            <h2>{move || i18n.texts().audit.settings_title}</h2>
            <ErrorBanner error=Signal::derive(move || save.value().get().and_then(Result::err)) />
            <Show when=saved>
                <div class="banner success" role="status">{move || i18n.texts().audit.settings_saved}</div>
            </Show>
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
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>{move || i18n.texts().common.save}</button>
                </div>
            </form>
        </section>
    }
}
