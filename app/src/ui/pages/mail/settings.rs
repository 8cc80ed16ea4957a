//! `/settings`: one's own signature; for owners and administrators the workspace's
//! outgoing mail server and its templates; for everyone what the workspace captures
//! of mail, and one's own mailbox; for owners and administrators the webhooks.

use super::capture::CaptureSection;
use crate::api::mail::{
    load_capture, load_mail_settings, load_signature, DeleteTemplate, SaveSignature,
    SaveSmtpSettings, SaveTemplate,
};
use crate::api::webhooks::load_webhooks;
use crate::i18n::{use_i18n, Texts};
use crate::model::mail::{
    default_template, validate_signature, MailTemplate, SmtpSecurity, SmtpSettings,
    SmtpSettingsInput,
};
use crate::model::permission::{Action, Area};
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::{choices, SelectField};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::layout::use_current_user;
use crate::ui::pages::webhooks::{WebhookActions, WebhookSection};
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use uuid::Uuid;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let may = move |action| user.get().is_some_and(|u| u.role.may(Area::Mail, action));
    // Created here, not inside the sections: see docs/architecture.md, "Async views".
    let signature = Resource::new(|| (), |_| load_signature());
    let changed = RwSignal::new(0usize);
    let workspace = Resource::new(move || changed.get(), |_| load_mail_settings());
    let capture_changed = RwSignal::new(0usize);
    let capture = Resource::new(move || capture_changed.get(), |_| load_capture());
    let may_hooks = move || {
        user.get()
            .is_some_and(|u| u.role.may(Area::Webhooks, Action::Configure))
    };
    let hook_actions = WebhookActions::new();
    let webhooks = Resource::new(
        move || (may_hooks(), hook_actions.version()),
        |(may, _)| async move {
            match may {
                true => load_webhooks().await,
                false => Ok(Vec::new()),
            }
        },
    );
    view! {
        <h1>{move || i18n.texts().mail.settings_title}</h1>
        <Show when=move || may(Action::Create)>
            <SignatureSection signature />
        </Show>
        <Show when=move || may(Action::Configure)>
            <AsyncView resource=workspace render=move |page| view! {
                <SmtpSection settings=page.smtp.clone() />
                <TemplatesSection templates=page.templates.clone() changed />
            } />
        </Show>
        <AsyncView resource=capture render=move |page| view! {
            <CaptureSection page changed=capture_changed may_connect=may(Action::Create) />
        } />
        <Show when=may_hooks>
            <WebhookSection webhooks actions=hook_actions />
        </Show>
    }
}

/// "Saved." after a successful submission.
fn saved_note<S>(action: ServerAction<S>, text: fn(&Texts) -> &'static str) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    move || {
        matches!(action.value().get(), Some(Ok(_)))
            .then(|| view! { <p class="banner success" role="status">{text(i18n.texts())}</p> })
    }
}

#[component]
fn SignatureSection(signature: Resource<Result<String, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveSignature>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    view! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{move || i18n.texts().mail.profile_title}</h2>
            <AsyncView resource=signature render=move |text| view! {
                <ValidatedForm action validate=|s: &SaveSignature| validate_signature(&s.text) client_errors=client>
                    <ErrorBanner error=action_error(action) />
                    {saved_note(action, |t| t.mail.signature_saved)}
                    <TextField name="text" field="signature" label=|t| t.mail.signature hint=|t| t.mail.signature_hint errors value=text multiline=true rows=4 />
                    <div class="actions"><SubmitButton action label=|t| t.common.save /></div>
                </ValidatedForm>
            } />
        </section>
    }
}

#[component]
fn SmtpSection(settings: Option<SmtpSettings>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveSmtpSettings>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let has_password = settings.as_ref().is_some_and(|s| s.has_password);
    let value = settings
        .map(|s| s.input)
        .unwrap_or_else(|| SmtpSettingsInput {
            port: "587".into(),
            ..Default::default()
        });
    let securities = choices(SmtpSecurity::all(), SmtpSecurity::code, |t, s| {
        (t.mail.securities)(s)
    });
    view! {
        <section class="card" aria-labelledby="smtp-heading">
            <h2 id="smtp-heading">{move || i18n.texts().mail.smtp_title}</h2>
            <p class="muted">{move || i18n.texts().mail.smtp_intro}</p>
            <ValidatedForm action validate=|s: &SaveSmtpSettings| s.input.normalized().validate() client_errors=client>
                <ErrorBanner error=action_error(action) />
                {saved_note(action, |t| t.mail.smtp_saved)}
                <div class="field-row">
                    <TextField name="input[host]" field="host" label=|t| t.mail.host errors value=value.host.clone() required=true autocomplete="off" />
                    <TextField name="input[port]" field="port" label=|t| t.mail.port errors value=value.port.clone() kind="number" required=true />
                    <SelectField name="input[security]" field="security" label=|t| t.mail.security errors options=securities value=value.security.code() />
                </div>
                <div class="field-row">
                    <TextField name="input[username]" field="username" label=|t| t.mail.username errors value=value.username.clone() autocomplete="off" />
                    {if has_password {
                        view! { <TextField name="input[password]" field="password" label=|t| t.mail.password hint=|t| t.mail.password_kept errors kind="password" autocomplete="new-password" /> }.into_any()
                    } else {
                        view! { <TextField name="input[password]" field="password" label=|t| t.mail.password errors kind="password" autocomplete="new-password" /> }.into_any()
                    }}
                </div>
                <div class="field-row">
                    <TextField name="input[from_address]" field="from_address" label=|t| t.mail.from_address errors value=value.from_address.clone() kind="email" required=true />
                    <TextField name="input[from_name]" field="from_name" label=|t| t.mail.from_name errors value=value.from_name.clone() />
                </div>
                <div class="actions"><SubmitButton action label=|t| t.common.save /></div>
            </ValidatedForm>
        </section>
    }
}

#[component]
fn TemplatesSection(templates: Vec<MailTemplate>, changed: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let builtin = templates.is_empty();
    let fresh = MailTemplate {
        id: Uuid::nil(),
        input: default_template(i18n.locale().code()),
    };
    view! {
        <section class="card" aria-labelledby="templates-heading">
            <h2 id="templates-heading">{move || i18n.texts().mail.templates_title}</h2>
            <p class="muted">{move || i18n.texts().mail.templates_intro}</p>
            {builtin.then(|| view! { <p class="hint">{move || i18n.texts().mail.builtin_template}</p> })}
            {templates.into_iter().map(|t| view! { <TemplateForm template=t changed /> }).collect_view()}
            <details class="new-template" open=builtin>
                <summary>{move || i18n.texts().mail.new_template}</summary>
                <TemplateForm template=fresh changed />
            </details>
        </section>
    }
}

#[component]
fn TemplateForm(template: MailTemplate, changed: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveTemplate>::new();
    let delete = ServerAction::<DeleteTemplate>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_)))
            || matches!(delete.value().get(), Some(Ok(())))
        {
            changed.update(|n| *n += 1);
        }
    });
    let id = template.id;
    let value = template.input;
    let languages = vec![
        ("de".to_owned(), Signal::stored("Deutsch".to_owned())),
        ("en".to_owned(), Signal::stored("English".to_owned())),
    ];
    let key = move |field: &str| {
        if id.is_nil() {
            format!("new.{field}")
        } else {
            format!("{id}.{field}")
        }
    };
    view! {
        <ValidatedForm action validate=|s: &SaveTemplate| s.input.normalized().validate() client_errors=client class="template-form">
            <ErrorBanner error=action_error(action) />
            <input type="hidden" name="id" value=id.to_string() />
            <div class="field-row">
                <TextField name="input[name]" field=key("name") label=|t| t.mail.template_name errors=scoped(errors, id) value=value.name.clone() required=true />
                <SelectField name="input[language]" field=key("language") label=|t| t.mail.template_language errors=scoped(errors, id) options=languages value=value.language.clone() />
            </div>
            <TextField name="input[subject]" field=key("subject") label=|t| t.mail.template_subject errors=scoped(errors, id) value=value.subject.clone() />
            <TextField name="input[body]" field=key("body") label=|t| t.mail.template_body errors=scoped(errors, id) value=value.body.clone() multiline=true rows=8 required=true />
            <div class="actions">
                <SubmitButton action label=|t| t.common.save />
                {(!id.is_nil()).then(|| view! {
                    <button type="button" class="button link danger" on:click=move |_| { delete.dispatch(DeleteTemplate { id }); }>
                        {move || i18n.texts().common.delete}
                    </button>
                })}
            </div>
        </ValidatedForm>
    }
}

/// The form's errors under field keys unique on the page (`<id>.name`), so each
/// template's fields get their own element ids.
fn scoped(errors: Memo<FieldErrors>, id: Uuid) -> Memo<FieldErrors> {
    let prefix = if id.is_nil() {
        "new".to_owned()
    } else {
        id.to_string()
    };
    Memo::new(move |_| errors.get().prefixed(&prefix))
}
