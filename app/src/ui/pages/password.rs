//! "Forgot password": asking for a link, and setting a new password with it.

use crate::api::identity::{RequestPasswordReset, ResetPassword};
use crate::i18n::use_i18n;
use crate::model::validation::FieldErrors;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::link_secret::{use_link_secret, LinkSecret};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let workspace = params.read_untracked().get("slug").unwrap_or_default();
    let focus_email = !workspace.is_empty();
    let action = ServerAction::<RequestPasswordReset>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card narrow">
            <h1>{move || i18n.texts().auth.forgot_title}</h1>
            <p>{move || i18n.texts().auth.forgot_intro}</p>
            {move || sent().then(|| view! { <div class="banner success" role="status">{move || i18n.texts().auth.forgot_sent}</div> })}
            <ErrorBanner error=action_error(action) />
            <ValidatedForm action validate=|r: &RequestPasswordReset| r.input.validate() client_errors=client>
                <TextField name="input[workspace]" field="workspace" label=|t| t.auth.workspace errors value=workspace required=true autofocus=!focus_email autocomplete="organization" />
                <TextField name="input[email]" field="email" label=|t| t.common.email errors kind="email" required=true autofocus=focus_email autocomplete="username" />
                <SubmitButton action label=|t| t.auth.forgot_submit />
            </ValidatedForm>
            <p class="switch"><a href="/login">{move || i18n.texts().auth.login_title}</a></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let token = use_link_secret();
    let action = ServerAction::<ResetPassword>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let done = move || matches!(action.value().get(), Some(Ok(())));
    // An unknown, used or expired token is one message, with the way to a new link.
    let failed = Signal::derive(move || {
        action_error(action)
            .get()
            .filter(|e| !matches!(e, AppError::NotFound | AppError::Validation(_)))
    });
    let invalid = move || {
        matches!(action.value().get(), Some(Err(AppError::NotFound)))
            || token.get() == LinkSecret::Missing
    };
    let login = format!("/login/{slug}");
    let forgot = format!("/forgot/{slug}");
    view! {
        <section class="card narrow">
            <h1>{move || i18n.texts().auth.reset_title}</h1>
            <ErrorBanner error=failed />
            {move || invalid().then(|| view! {
                <div class="banner error" role="alert">
                    {move || i18n.texts().auth.reset_invalid} " "
                    <a href=forgot.clone()>{move || i18n.texts().auth.forgot_submit}</a>
                </div>
            })}
            <Show
                when=done
                fallback=move || {
                    let slug = slug.clone();
                    view! {
                    <ValidatedForm action validate=|r: &ResetPassword| r.input.validate() client_errors=client>
                        <input type="hidden" name="input[slug]" value=slug />
                        <input type="hidden" name="input[token]" prop:value=move || token.get().value() />
                        <TextField name="input[password]" field="password" label=|t| t.auth.new_password errors kind="password" required=true autofocus=true autocomplete="new-password" hint=|t| t.auth.password_hint />
                        <SubmitButton action label=|t| t.auth.reset_submit />
                    </ValidatedForm>
                    }
                }
            >
                <div class="banner success" role="status">
                    {move || i18n.texts().auth.reset_done} " "
                    <a href=login.clone()>{move || i18n.texts().auth.login_submit}</a>
                </div>
            </Show>
        </section>
    }
}
