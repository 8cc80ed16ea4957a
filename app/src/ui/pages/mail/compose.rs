//! Writing an e-mail to a contact from a template: `/contacts/:id/mail?template=`.

use crate::api::mail::{draft_mail, SendMail};
use crate::i18n::use_i18n;
use crate::model::mail::ComposeDraft;
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::SelectField;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, TextField, ValidatedForm,
};
use crate::ui::pages::contacts::id_param;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

#[component]
pub fn ComposeMailPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let query = use_query_map();
    let template = Memo::new(move |_| {
        query
            .read()
            .get("template")
            .and_then(|v| Uuid::parse_str(&v).ok())
            .unwrap_or_default()
    });
    let draft = Resource::new(
        move || (id.get(), template.get()),
        |(id, template)| async move {
            match id {
                Some(contact) => draft_mail(contact, template).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let action = ServerAction::<SendMail>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(contact)) = (action.value().get(), id.get_untracked()) {
            navigate(&format!("/contacts/{contact}"), Default::default());
        }
    });
    view! {
        <h1>{move || i18n.texts().mail.compose_title}</h1>
        <AsyncView resource=draft back="/contacts" render=move |draft| view! { <ComposeForm draft action /> } />
    }
}

#[component]
fn ComposeForm(draft: ComposeDraft, action: ServerAction<SendMail>) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let navigate = use_navigate();
    let contact = draft.input.contact_id;
    let back = format!("/contacts/{contact}");
    if draft.addresses.is_empty() {
        return view! {
            <p class="banner">{move || i18n.texts().mail.no_address}</p>
            <A href=back attr:class="button">{move || i18n.texts().common.back}</A>
        }
        .into_any();
    }
    let templates: Vec<(String, Signal<String>)> = draft
        .templates
        .iter()
        .map(|t| (t.id.to_string(), Signal::stored(t.input.name.clone())))
        .collect();
    let addresses: Vec<(String, Signal<String>)> = draft
        .addresses
        .iter()
        .map(|a| (a.clone(), Signal::stored(a.clone())))
        .collect();
    let on_template = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        navigate(
            &format!("/contacts/{contact}/mail?template={chosen}"),
            Default::default(),
        );
    };
    let pending = action.pending();
    view! {
        <p class="muted">{draft.contact_name.clone()}</p>
        {(!draft.configured).then(|| view! { <div class="banner error" role="alert">{move || i18n.texts().mail.not_configured}</div> })}
        <div class="card compact" on:change=on_template>
            <SelectField name="template" field="template" label=|t| t.mail.template errors options=templates value=draft.template_id.to_string() />
        </div>
        <ValidatedForm action validate=|s: &SendMail| s.input.normalized().validate() client_errors=client class="card compose">
            <ErrorBanner error=action_error(action) />
            <input type="hidden" name="input[contact_id]" value=contact.to_string() />
            <SelectField name="input[to]" field="to" label=|t| t.mail.to errors options=addresses value=draft.input.to.clone() />
            <TextField name="input[subject]" field="subject" label=|t| t.mail.subject errors value=draft.input.subject.clone() required=true autofocus=true autocomplete="off" />
            <TextField name="input[body]" field="body" label=|t| t.mail.body errors value=draft.input.body.clone() multiline=true rows=16 required=true />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {move || if pending.get() { i18n.texts().mail.sending } else { i18n.texts().mail.send }}
                </button>
                <A href=back attr:class="button link">{move || i18n.texts().common.cancel}</A>
            </div>
        </ValidatedForm>
    }
    .into_any()
}
