//! Sign-up and sign-in.

use crate::api::identity::{LogIn, SignUp};
use crate::i18n::use_i18n;
use crate::model::validation::FieldErrors;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// After sign-in a full page load renders everything for the new session.
fn go_to_contacts_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = (), Error = crate::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let _ = window().location().set_href("/contacts");
        }
    });
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignUp>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    go_to_contacts_on_success(action);
    view! {
        <section class="card narrow">
            <h1>{move || i18n.texts().auth.signup_title}</h1>
            <p>{move || i18n.texts().auth.signup_intro}</p>
            <ErrorBanner error=action_error(action) />
            <ValidatedForm action validate=|s: &SignUp| s.input.normalized().validate() client_errors=client>
                <TextField name="input[company_name]" field="company_name" label=|t| t.auth.company_name errors required=true autofocus=true autocomplete="organization" />
                <TextField name="input[slug]" field="slug" label=|t| t.auth.slug errors required=true hint=|t| t.auth.slug_hint />
                <TextField name="input[owner_name]" field="owner_name" label=|t| t.auth.owner_name errors required=true autocomplete="name" />
                <TextField name="input[email]" field="email" label=|t| t.common.email errors kind="email" required=true autocomplete="email" />
                <TextField name="input[password]" field="password" label=|t| t.common.password errors kind="password" required=true autocomplete="new-password" hint=|t| t.auth.password_hint />
                <SubmitButton action label=|t| t.auth.signup_submit />
            </ValidatedForm>
            <p class="switch"><a href="/login">{move || i18n.texts().auth.have_account}</a></p>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let workspace = params.read_untracked().get("slug").unwrap_or_default();
    let action = ServerAction::<LogIn>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    go_to_contacts_on_success(action);
    let focus_email = !workspace.is_empty();
    view! {
        <section class="card narrow">
            <h1>{move || i18n.texts().auth.login_title}</h1>
            <ErrorBanner error=action_error(action) />
            <ValidatedForm action validate=|l: &LogIn| l.input.validate() client_errors=client>
                <TextField name="input[workspace]" field="workspace" label=|t| t.auth.workspace errors value=workspace required=true autofocus=!focus_email autocomplete="organization" />
                <TextField name="input[email]" field="email" label=|t| t.common.email errors kind="email" required=true autofocus=focus_email autocomplete="username" />
                <TextField name="input[password]" field="password" label=|t| t.common.password errors kind="password" required=true autocomplete="current-password" />
                <SubmitButton action label=|t| t.auth.login_submit />
            </ValidatedForm>
            <p class="switch"><a href="/signup">{move || i18n.texts().auth.no_account}</a></p>
        </section>
    }
}
