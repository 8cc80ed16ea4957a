//! The audit log: the data protection officer's full view, the works council's
//! pseudonymised view, administrators' security events, everyone's own activity.

mod reidentification;
mod settings;

use crate::api::audit::{load_audit_page, VerifyAuditLog};
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
use reidentification::{
    reidentification_data, Reidentification, ReidentificationData, ReviewerRoleChanges,
};
use settings::{settings_data, AuditSettings, SettingsData, WiderViewApproval};
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
    let settings = settings_data();
    view! {
        <div class="page-header">
            <h1>{move || i18n.texts().audit.title}</h1>
            <nav class="tabs" aria-label="Audit">
                <A href="/audit" attr:class=move || if filter.get().own { "button link" } else { "button" }>{move || i18n.texts().audit.tab_log}</A>
                <A href="/audit?own=true" attr:class=move || if filter.get().own { "button" } else { "button link" }>{move || i18n.texts().audit.tab_mine}</A>
            </nav>
        </div>
        <AsyncView resource=page render=move |page| view! { <AuditView page filter=filter.get_untracked() reid settings /> } />
    }
}

#[component]
fn AuditView(
    page: AuditPage,
    filter: AuditFilter,
    reid: ReidentificationData,
    settings: SettingsData,
) -> impl IntoView {
    let i18n = use_i18n();
    let scope = page.scope;
    let role_changes = page.reviewer_role_changes.clone();
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
        {may_reidentify.then(|| view! { <ReviewerRoleChanges changes=role_changes /> }.into_any())}
        {may_reidentify.then(|| view! { <WiderViewApproval data=settings /> }.into_any())}
        <Show when=move || use_current_user().get().is_some_and(|u| u.role == Role::Owner) && !own>
            <AuditSettings data=settings />
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
