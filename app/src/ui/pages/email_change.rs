//! Changing one's e-mail address: the form on the account security page and the page
//! the mailed link opens.

use crate::api::identity::{ConfirmEmailChange, RequestEmailChange};
use crate::i18n::use_i18n;
use crate::model::validation::FieldErrors;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::layout::use_current_user;
use crate::ui::link_secret::{use_link_secret, LinkSecret};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EmailChangeSection() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestEmailChange>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let user = use_current_user();
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card">
            <h2>{move || i18n.texts().auth.email_change_heading}</h2>
            <p>{move || i18n.texts().auth.email_change_current} " " <strong>{move || user.get().map(|u| u.email)}</strong></p>
            <ErrorBanner error=action_error(action) />
            {move || sent().then(|| view! { <div class="banner success" role="status">{move || i18n.texts().auth.email_change_sent}</div> })}
            <ValidatedForm action validate=|r: &RequestEmailChange| r.input.validate() client_errors=client>
                <div class="field-row">
                    <TextField name="input[new_email]" field="new_email" label=|t| t.auth.email_change_new errors kind="email" required=true autocomplete="email" />
                    <TextField name="input[password]" field="password" label=|t| t.auth.email_change_password errors kind="password" required=true autocomplete="current-password" />
                </div>
                <SubmitButton action label=|t| t.auth.email_change_submit />
            </ValidatedForm>
        </section>
    }
}

/// `/account/email/:slug#token`: one click confirms (a link scanner's GET changes nothing).
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let token = use_link_secret();
    let action = ServerAction::<ConfirmEmailChange>::new();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    let invalid = move || {
        matches!(action.value().get(), Some(Err(AppError::NotFound)))
            || token.get() == LinkSecret::Missing
    };
    let failed = Signal::derive(move || {
        action_error(action)
            .get()
            .filter(|e| !matches!(e, AppError::NotFound))
    });
    let login = format!("/login/{slug}");
    view! {
        <section class="card narrow">
            <h1>{move || i18n.texts().auth.email_confirm_title}</h1>
            <ErrorBanner error=failed />
            {move || invalid().then(|| view! {
                <div class="banner error" role="alert">{move || i18n.texts().auth.reset_invalid}</div>
            })}
            <Show
                when=done
                fallback=move || {
                    let slug = slug.clone();
                    view! {
                        <button type="button" class="button primary" disabled=move || action.pending().get() || token.get() == LinkSecret::Pending
                            on:click=move |_| { action.dispatch(ConfirmEmailChange { slug: slug.clone(), token: token.get_untracked().value() }); }>
                            {move || i18n.texts().auth.email_confirm_submit}
                        </button>
                    }
                }
            >
                <div class="banner success" role="status">{move || i18n.texts().auth.email_confirm_done}</div>
                <p><a class="button" href=login.clone()>{move || i18n.texts().auth.login_submit}</a></p>
            </Show>
        </section>
    }
}
