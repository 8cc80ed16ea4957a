//! Forms that validate in the browser with the same rules the server applies.

use crate::error::AppError;
use crate::i18n::{use_i18n, Texts};
use crate::model::validation::FieldErrors;
use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos::server_fn::{client::Client, codec::PostUrl, request::ClientReq, Http, ServerFn};
use leptos::web_sys::{FormData, SubmitEvent};
use serde::de::DeserializeOwned;

/// Errors to show next to fields: the browser's own check first, then the server's.
pub fn field_errors<S>(action: ServerAction<S>, client: RwSignal<FieldErrors>) -> Memo<FieldErrors>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Memo::new(move |_| {
        let client = client.get();
        if !client.is_empty() {
            return client;
        }
        action
            .value()
            .get()
            .and_then(|result| result.err())
            .and_then(|err| err.field_errors().cloned())
            .unwrap_or_default()
    })
}

/// The last submission's error, if any.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|result| result.err()))
}

/// Like `ActionForm`, but runs `validate` on the parsed input first and only sends
/// it when the input is valid. Reads the form's fields at submit time, so values
/// typed before hydration finished are not lost.
#[component]
pub fn ValidatedForm<S, OutputProtocol>(
    action: ServerAction<S>,
    validate: fn(&S) -> FieldErrors,
    client_errors: RwSignal<FieldErrors>,
    #[prop(optional, into)] class: Option<&'static str>,
    /// Lets the page reset the form after a successful submission.
    #[prop(optional)]
    form_ref: Option<NodeRef<leptos::html::Form>>,
    children: Children,
) -> impl IntoView
where
    S: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    <<S::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<FormData>,
    S::Output: Send + Sync + 'static,
    S::Client: Client<AppError>,
{
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if action.pending().get_untracked() {
            return;
        }
        match S::from_event(&ev) {
            Ok(input) => {
                let errors = validate(&input);
                let valid = errors.is_empty();
                client_errors.set(errors);
                if valid {
                    action.dispatch(input);
                }
            }
            Err(_) => action.value().set(Some(Err(AppError::BadRequest))),
        }
    };
    view! {
        <form method="post" action=S::url() class=class novalidate on:submit=on_submit node_ref=form_ref.unwrap_or_default()>
            {children()}
        </form>
    }
}

/// A labelled input with its hint and error message, wired for screen readers.
#[component]
pub fn TextField(
    /// The form field name, e.g. `input[email]`.
    #[prop(into)]
    name: String,
    /// The key under which validation reports this field, e.g. `email`.
    #[prop(into)]
    field: String,
    label: fn(&Texts) -> &'static str,
    errors: Memo<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: Option<fn(&Texts) -> &'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] autofocus: bool,
    /// Height of a multi-line field, in lines.
    #[prop(default = 5)]
    rows: u32,
    /// The element id, where `field-<field>` would be taken by another form on the page.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = id
        .map(str::to_owned)
        .unwrap_or_else(|| format!("field-{}", field.replace('.', "-")));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let problem = Memo::new(move |_| errors.get().get(&field));
    let message = move || problem.get().map(|p| i18n.texts().problem(p));
    let invalid = move || problem.get().is_some();
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if invalid() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows=rows
                aria-invalid=move || invalid().to_string()
                aria-describedby=described_by.clone()
            >
                {value}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                autofocus=autofocus
                aria-invalid=move || invalid().to_string()
                aria-describedby=described_by
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id>{move || label(i18n.texts())} {required.then_some(" *")}</label>
            {control}
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{move || hint(i18n.texts())}</p> })}
            <p class="field-error" id=error_id role="alert">{message}</p>
        </div>
    }
}

/// A banner for errors that belong to no single field.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(
            |err| view! { <div class="banner error" role="alert">{i18n.texts().error(&err)}</div> },
        )
    }
}

/// A submit button that shows progress while the action is pending.
#[component]
pub fn SubmitButton<S>(action: ServerAction<S>, label: fn(&Texts) -> &'static str) -> impl IntoView
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let i18n = use_i18n();
    let pending = action.pending();
    view! {
        <button type="submit" class="button primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { i18n.texts().common.saving } else { label(i18n.texts()) }}
        </button>
    }
}
