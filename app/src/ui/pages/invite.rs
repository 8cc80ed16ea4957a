//! Accepting an invitation: the invitee chooses a name and a password.

use crate::api::team::{preview_invitation, AcceptInvitation};
use crate::i18n::{fill, use_i18n};
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::{AsyncView, Loading};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::link_secret::{use_link_secret, LinkSecret};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let secret = use_link_secret();
    // `None` until the browser has read the token from the link's fragment.
    let preview = Resource::new(
        {
            let slug = slug.clone();
            move || (slug.clone(), secret.get())
        },
        |(slug, secret)| async move {
            match secret {
                LinkSecret::Pending => Ok(None),
                LinkSecret::Missing => Err(AppError::NotFound),
                LinkSecret::Found(token) => preview_invitation(slug, token).await.map(Some),
            }
        },
    );
    let action = ServerAction::<AcceptInvitation>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    // An invitee never has a second factor yet: `SecondFactor` cannot come back.
    super::auth::follow_sign_in(action, RwSignal::new(false));
    view! {
        <section class="card narrow">
            <h1>{move || i18n.texts().auth.accept_title}</h1>
            <AsyncView resource=preview render=move |preview| {
                let Some(preview) = preview else {
                    return view! { <Loading /> }.into_any();
                };
                let (slug, token) = (slug.clone(), secret.get_untracked().value());
                view! {
                    <p>{move || fill(i18n.texts().auth.accept_intro, &[("tenant", &preview.tenant_name)])}</p>
                    <p class="muted">{preview.email.clone()} " · " {move || i18n.texts().role(preview.role)}</p>
                    <ErrorBanner error=action_error(action) />
                    <ValidatedForm action validate=|a: &AcceptInvitation| a.input.validate() client_errors=client>
                        <input type="hidden" name="input[slug]" value=slug />
                        <input type="hidden" name="input[token]" value=token />
                        <TextField name="input[display_name]" field="display_name" label=|t| t.auth.display_name errors required=true autofocus=true autocomplete="name" />
                        <TextField name="input[password]" field="password" label=|t| t.common.password errors kind="password" required=true autocomplete="new-password" hint=|t| t.auth.password_hint />
                        <SubmitButton action label=|t| t.auth.accept_submit />
                    </ValidatedForm>
                }.into_any()
            } />
        </section>
    }
}
