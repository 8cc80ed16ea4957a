//! The capture part of `/settings`: what the workspace keeps of mail (stated plainly
//! for everyone), the rules for administrators, the works council's agreement, and
//! one's own mailbox.

use crate::api::mail::{
    AgreeCapturePolicy, ConnectMailbox, RemoveMailbox, SaveCapturePolicy, SyncMailbox,
};
use crate::i18n::{fill, use_i18n};
use crate::model::capture::{CaptureKeeps, CapturePage, CapturePolicy, Mailbox, MailboxInput};
use crate::model::mail::SmtpSecurity;
use crate::model::validation::FieldErrors;
use crate::ui::components::fields::{choices, SelectField};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::format;
use leptos::prelude::*;

/// Reloads the section after any successful change.
fn reload_on_success<S>(action: ServerAction<S>, changed: RwSignal<usize>)
where
    S: leptos::server_fn::ServerFn<Error = crate::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
}

#[component]
pub fn CaptureSection(
    page: CapturePage,
    changed: RwSignal<usize>,
    may_connect: bool,
) -> impl IntoView {
    let policy = page.policy.clone();
    let active = policy.active();
    view! {
        <PolicySummary policy=policy.clone() may_agree=page.may_agree changed />
        {page.may_configure.then(|| view! { <PolicyForm policy=policy.clone() changed /> })}
        {(may_connect && (active || page.mailbox.is_some())).then(|| match page.mailbox.clone() {
            Some(mailbox) => view! { <MailboxCard mailbox changed /> }.into_any(),
            None => view! { <MailboxForm changed /> }.into_any(),
        })}
    }
}

#[component]
fn PolicySummary(
    policy: CapturePolicy,
    may_agree: bool,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let agree = ServerAction::<AgreeCapturePolicy>::new();
    reload_on_success(agree, changed);
    let keeps = policy.input.keeps;
    let days = policy.input.retention().to_string();
    let domains = policy.input.own_domains.clone();
    let version = policy.version();
    let agreement = move || {
        let t = i18n.texts().capture;
        match policy.agreed_at {
            Some(at) => Some(fill(t.agreed_on, &[("date", &format::timestamp(at))])),
            None if policy.needs_agreement && keeps != CaptureKeeps::Nothing => {
                Some(t.waiting_for_council.to_owned())
            }
            None => None,
        }
    };
    let may_agree_now = may_agree && keeps != CaptureKeeps::Nothing && policy.agreed_at.is_none();
    view! {
        <section class="card" aria-labelledby="capture-heading" data-capture=keeps.code()>
            <h2 id="capture-heading">{move || i18n.texts().capture.title}</h2>
            <p><strong>{move || (i18n.texts().capture.keeps_now)(keeps)}</strong></p>
            {(keeps != CaptureKeeps::Nothing).then(|| view! {
                <p>{move || i18n.texts().capture.rules}</p>
                <p>{move || fill(i18n.texts().capture.retention_now, &[("days", &days), ("domains", &domains)])}</p>
            })}
            <p class="muted">{move || i18n.texts().capture.no_tracking}</p>
            {move || agreement().map(|text| view! { <p class="banner" role="status">{text}</p> })}
            {may_agree_now.then(|| view! {
                <ErrorBanner error=action_error(agree) />
                <p class="hint">{move || i18n.texts().capture.agree_hint}</p>
                <button type="button" class="button primary" on:click=move |_| { agree.dispatch(AgreeCapturePolicy { version }); }>
                    {move || i18n.texts().capture.agree}
                </button>
            })}
        </section>
    }
}

#[component]
fn PolicyForm(policy: CapturePolicy, changed: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveCapturePolicy>::new();
    reload_on_success(action, changed);
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let errors = Memo::new(move |_| errors.get().prefixed("policy"));
    let value = policy.input;
    let keeps = choices(CaptureKeeps::all(), CaptureKeeps::code, |t, k| {
        (t.capture.keeps_choices)(k)
    });
    view! {
        <section class="card" aria-labelledby="capture-policy-heading">
            <h2 id="capture-policy-heading">{move || i18n.texts().capture.policy_title}</h2>
            <p class="muted">{move || i18n.texts().capture.change_withdraws}</p>
            <ValidatedForm action validate=|s: &SaveCapturePolicy| s.input.normalized().validate() client_errors=client>
                <ErrorBanner error=action_error(action) />
                <div class="field-row">
                    <SelectField name="input[keeps]" field="policy.keeps" label=|t| t.capture.keeps errors options=keeps value=value.keeps.code() />
                    <TextField name="input[retention_days]" field="policy.retention_days" label=|t| t.capture.retention_days hint=|t| t.capture.retention_hint errors value=value.retention_days.clone() kind="number" required=true />
                </div>
                <TextField name="input[own_domains]" field="policy.own_domains" label=|t| t.capture.own_domains hint=|t| t.capture.own_domains_hint errors value=value.own_domains.clone() />
                <div class="actions"><SubmitButton action label=|t| t.common.save /></div>
            </ValidatedForm>
        </section>
    }
}

#[component]
fn MailboxForm(changed: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ConnectMailbox>::new();
    reload_on_success(action, changed);
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let errors = Memo::new(move |_| errors.get().prefixed("mailbox"));
    let value = MailboxInput {
        port: "993".into(),
        security: SmtpSecurity::Tls,
        folders: "INBOX, Sent".into(),
        ..Default::default()
    };
    let securities = choices(SmtpSecurity::all(), SmtpSecurity::code, |t, s| {
        (t.mail.securities)(s)
    });
    view! {
        <section class="card" aria-labelledby="mailbox-heading">
            <h2 id="mailbox-heading">{move || i18n.texts().capture.mailbox_title}</h2>
            <p class="muted">{move || i18n.texts().capture.mailbox_intro}</p>
            <ValidatedForm action validate=|s: &ConnectMailbox| s.input.normalized().validate() client_errors=client>
                <ErrorBanner error=action_error(action) />
                <div class="field-row">
                    <TextField name="input[host]" field="mailbox.host" label=|t| t.mail.host errors required=true autocomplete="off" />
                    <TextField name="input[port]" field="mailbox.port" label=|t| t.mail.port errors value=value.port.clone() kind="number" required=true />
                    <SelectField name="input[security]" field="mailbox.security" label=|t| t.mail.security errors options=securities value=value.security.code() />
                </div>
                <div class="field-row">
                    <TextField name="input[username]" field="mailbox.username" label=|t| t.mail.username errors required=true autocomplete="off" />
                    <TextField name="input[password]" field="mailbox.password" label=|t| t.mail.password errors kind="password" required=true autocomplete="new-password" />
                </div>
                <TextField name="input[folders]" field="mailbox.folders" label=|t| t.capture.folders hint=|t| t.capture.folders_hint errors value=value.folders.clone() required=true />
                <div class="actions"><SubmitButton action label=|t| t.capture.connect /></div>
            </ValidatedForm>
        </section>
    }
}

#[component]
fn MailboxCard(mailbox: Mailbox, changed: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = ServerAction::<SyncMailbox>::new();
    let remove = ServerAction::<RemoveMailbox>::new();
    reload_on_success(remove, changed);
    let account = format!("{} @ {}:{}", mailbox.username, mailbox.host, mailbox.port);
    let folders = mailbox.folders.join(", ");
    let last = mailbox.last_sync_at.map(format::timestamp);
    let error = mailbox.last_error.clone();
    let imported = mailbox.imported.to_string();
    view! {
        <section class="card" aria-labelledby="mailbox-heading" data-mailbox="connected">
            <h2 id="mailbox-heading">{move || i18n.texts().capture.mailbox_title}</h2>
            {error.map(|code| view! { <p class="banner error" role="alert">{move || (i18n.texts().capture.errors)(&code)}</p> })}
            <dl class="facts">
                <dt>{move || i18n.texts().capture.connected_as}</dt><dd>{account}</dd>
                <dt>{move || i18n.texts().capture.folders}</dt><dd>{folders}</dd>
                <dt>{move || i18n.texts().capture.last_sync}</dt>
                <dd>{move || last.clone().unwrap_or_else(|| i18n.texts().capture.never.to_owned())}</dd>
                <dt>{move || i18n.texts().capture.imported}</dt><dd>{imported.clone()}</dd>
            </dl>
            <ErrorBanner error=action_error(sync) />
            {move || matches!(sync.value().get(), Some(Ok(()))).then(|| view! {
                <p class="banner success" role="status">{i18n.texts().capture.sync_requested}</p>
            })}
            <div class="actions">
                <button type="button" class="button" disabled=move || sync.pending().get() on:click=move |_| { sync.dispatch(SyncMailbox {}); }>
                    {move || i18n.texts().capture.sync_now}
                </button>
                <button type="button" class="button link danger" on:click=move |_| {
                    if window().confirm_with_message(i18n.texts().capture.disconnect_confirm).unwrap_or(false) {
                        remove.dispatch(RemoveMailbox {});
                    }
                }>
                    {move || i18n.texts().capture.disconnect}
                </button>
            </div>
        </section>
    }
}
